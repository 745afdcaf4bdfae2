/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope`: plain C, no GLib.  It answers `portscope --list` (the forms
 * ps_list_fast_main() names) itself: a process that loads no GLib starts
 * faster and peaks at a fraction of the memory.  Every other command line
 * (the window, --watch, --end, --bench, --help, --version, bad arguments)
 * and every other backend is executed unchanged as `portscope-cli` (the
 * GLib CLI, libexecdir), which also opens the window. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps-list-run.h"

int
main (int   argc,
      char *argv[])
{
  int status = ps_list_fast_main (argc, argv);
  char *cli;
  int saved_errno;

  if (status >= 0)
    return status;

  /* argv[0] stays as given: messages and --help still say "portscope". */
  cli = ps_list_find_program ("portscope-cli");
  fflush (stdout);
  fflush (stderr);
  execv (cli, argv);
  saved_errno = errno;
  fprintf (stderr, "portscope: %s: %s\n", cli, strerror (saved_errno));
  free (cli);
  return 1;
}

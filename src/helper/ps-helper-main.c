/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ps-helper.h"

/* Exit status for a usage error (wrong subcommand or argument list). */
#define PS_HELPER_EXIT_USAGE 64

int
main (int   argc,
      char *argv[])
{
  if (argc >= 2 && strcmp (argv[1], "terminate") == 0)
    return ps_helper_terminate_main (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "serve") == 0)
    return ps_helper_serve_main (argc - 1, argv + 1);

  fprintf (stderr, "usage: portscope-helper terminate PID STARTTIME INODE SIGNAL\n"
                   "       portscope-helper serve\n");
  return PS_HELPER_EXIT_USAGE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A test driver for the End Process engine, for the scripted tests (PID reuse
 * in a PID namespace, polkit as nobody):
 *
 *   ps-terminate-tool PID STARTTIME INODE TIMEOUT [--wait-line] [--force]
 *
 * Pins the target, prints "pinned 1" (or "pinned 0"), with --wait-line waits
 * for a line on stdin, then runs End (or Force Stop with --force) and prints
 * the result's name (EXITED, ALREADY_EXITED, NOT_AUTHORIZED...) and, with
 * "elevated 1", whether pkexec was used.  Exit status 0 when it ran. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ps-terminate.h"

static const char *
result_name (PsTerminateResult r)
{
  switch (r)
    {
    case PS_TERMINATE_EXITED: return "EXITED";
    case PS_TERMINATE_STILL_RUNNING: return "STILL_RUNNING";
    case PS_TERMINATE_ALREADY_EXITED: return "ALREADY_EXITED";
    case PS_TERMINATE_NO_LONGER_HOLDS: return "NO_LONGER_HOLDS";
    case PS_TERMINATE_REFUSED: return "REFUSED";
    case PS_TERMINATE_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case PS_TERMINATE_NOT_AUTHORIZED: return "NOT_AUTHORIZED";
    case PS_TERMINATE_DISMISSED: return "DISMISSED";
    case PS_TERMINATE_FAILED: return "FAILED";
    default: return "?";
    }
}

typedef struct
{
  GMainLoop *loop;
  gboolean force;
  PsTerminateResult result;
  GError *error;
} Run;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Run *run = data;

  if (run->force)
    run->result = ps_terminate_target_force_stop_finish (PS_TERMINATE_TARGET (source), result, &run->error);
  else
    run->result = ps_terminate_target_end_finish (PS_TERMINATE_TARGET (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PsTerminateTarget) target = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  gboolean wait_line = FALSE;
  Run run = { 0 };

  if (argc < 5)
    {
      fprintf (stderr, "usage: %s PID STARTTIME INODE TIMEOUT [--wait-line] [--force]\n", argv[0]);
      return 2;
    }
  for (int i = 5; i < argc; i++)
    {
      if (strcmp (argv[i], "--wait-line") == 0)
        wait_line = TRUE;
      else if (strcmp (argv[i], "--force") == 0)
        run.force = TRUE;
      else
        return 2;
    }

  target = ps_terminate_target_new ((gint32) g_ascii_strtoll (argv[1], NULL, 10),
                                    g_ascii_strtoull (argv[2], NULL, 10),
                                    g_ascii_strtoull (argv[3], NULL, 10));
  printf ("pinned %d\n", ps_terminate_target_is_pinned (target));
  fflush (stdout);
  if (wait_line)
    {
      char line[64];

      if (fgets (line, sizeof line, stdin) == NULL)
        return 3;
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  if (run.force)
    ps_terminate_target_force_stop_async (target, (guint) atoi (argv[4]), NULL, done_cb, &run);
  else
    ps_terminate_target_end_async (target, (guint) atoi (argv[4]), NULL, done_cb, &run);
  g_main_loop_run (loop);

  printf ("%s\nelevated %d\n", result_name (run.result), ps_terminate_target_get_elevated (target));
  if (run.error != NULL)
    fprintf (stderr, "error: %s\n", run.error->message);
  g_clear_error (&run.error);
  return 0;
}

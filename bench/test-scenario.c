/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark generator starts what it says (listeners with their sockets,
 * background processes with their fds, churn processes) and ends exactly the
 * processes it started: on SIGTERM, and through PR_SET_PDEATHSIG when it is
 * killed itself.  No timing is asserted here. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#define DEADLINE_USEC (20 * G_USEC_PER_SEC)

typedef struct
{
  int pid;
  guint64 start_time;
  char role[16];
} Record;

static const char *scenario_path;

/* Field 22 (start time) and field 3 (state) of /proc/PID/stat. */
static gboolean
read_stat (int      pid,
           guint64 *start_time,
           char    *state)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  p = strrchr (contents, ')');
  if (p == NULL || p[1] != ' ')
    return FALSE;
  fields = g_strsplit (p + 2, " ", -1);
  /* fields[0] is field 3. */
  if (g_strv_length (fields) < 20)
    return FALSE;
  *state = fields[0][0];
  *start_time = g_ascii_strtoull (fields[19], NULL, 10);
  return TRUE;
}

/* TRUE while the process recorded in R exists and has not exited. */
static gboolean
record_is_running (const Record *r)
{
  guint64 start_time;
  char state;

  if (!read_stat (r->pid, &start_time, &state))
    return FALSE;
  return start_time == r->start_time && state != 'Z' && state != 'X';
}

static GArray *
read_records (const char *path)
{
  GArray *records = g_array_new (FALSE, TRUE, sizeof (Record));
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return records;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      Record r = { 0 };
      unsigned long long st;

      /* The last line may be partial while the generator writes it. */
      if (lines[i + 1] == NULL)
        break;
      g_assert_cmpint (sscanf (lines[i], "%d %llu %15s", &r.pid, &st, r.role), ==, 3);
      r.start_time = st;
      g_array_append_val (records, r);
    }
  return records;
}

static guint
count_fds (int      pid,
           guint   *sockets)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  *sockets = 0;
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      n++;
      if (target != NULL && g_str_has_prefix (target, "socket:["))
        (*sockets)++;
    }
  return n;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (*line == NULL)
    *line = g_strdup (error != NULL ? error->message : "(end of output)");
}

/* Starts the generator with ARGS and waits for its "ready". */
static GSubprocess *
start_generator (const char *pids_path,
                 const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_USEC;

  g_ptr_array_add (argv, (gpointer) scenario_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--pids-file");
  g_ptr_array_add (argv, (gpointer) pids_path);
  g_ptr_array_add (argv, (gpointer) "--timeout");
  g_ptr_array_add (argv, (gpointer) "120");
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (line == NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_cmpstr (line, ==, "ready");
  return g_steal_pointer (&proc);
}

/* Waits until no recorded process runs any more; fails at the deadline. */
static void
assert_all_ended (GArray *records)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_USEC;

  for (guint i = 0; i < records->len; i++)
    {
      const Record *r = &g_array_index (records, Record, i);

      while (record_is_running (r) && g_get_monotonic_time () < deadline)
        {
          /* We are the subreaper of the generator's orphans: reap them. */
          while (waitpid (-1, NULL, WNOHANG) > 0)
            ;
          g_usleep (2000);
        }
      if (record_is_running (r))
        g_error ("%s %d (start time %" G_GUINT64_FORMAT ") still runs",
                 r->role, r->pid, r->start_time);
    }
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

static void
test_scenario_sigterm (void)
{
  const char *const args[] = { "-P", "4", "-S", "10", "-B", "3", "-F", "50",
                               "--churn-sockets", "200", "--churn-procs", "20",
                               "--churn-lifetime-ms", "200", NULL };
  g_autofree char *dir = g_dir_make_tmp ("ps-bench-XXXXXX", NULL);
  g_autofree char *pids_path = g_build_filename (dir, "pids", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint n_listeners = 0, n_background = 0, n_churn = 0;
  gboolean churn_ended = FALSE;
  gint64 deadline;

  proc = start_generator (pids_path, args);

  /* At "ready", the initial processes hold what they should. */
  records = read_records (pids_path);
  g_assert_cmpuint (records->len, >=, 7);
  for (guint i = 0; i < records->len; i++)
    {
      const Record *r = &g_array_index (records, Record, i);
      guint n_fds, n_sockets;

      if (strcmp (r->role, "churn") == 0)
        continue;
      g_assert_true (record_is_running (r));
      n_fds = count_fds (r->pid, &n_sockets);
      if (strcmp (r->role, "listener") == 0)
        {
          /* 10 listening sockets and the control socket. */
          g_assert_cmpuint (n_sockets, ==, 11);
          n_listeners++;
        }
      else
        {
          g_assert_cmpstr (r->role, ==, "background");
          /* 50 ordinary fds, stdin, stdout, stderr and the control socket. */
          g_assert_cmpuint (n_fds, ==, 54);
          g_assert_cmpuint (n_sockets, ==, 1);
          n_background++;
        }
    }
  g_assert_cmpuint (n_listeners, ==, 4);
  g_assert_cmpuint (n_background, ==, 3);

  /* Churn: new listener processes come, and old ones are retired. */
  deadline = g_get_monotonic_time () + DEADLINE_USEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&records, g_array_unref);
      records = read_records (pids_path);
      n_churn = 0;
      churn_ended = FALSE;
      for (guint i = 0; i < records->len; i++)
        {
          const Record *r = &g_array_index (records, Record, i);

          if (strcmp (r->role, "churn") != 0)
            continue;
          n_churn++;
          if (!record_is_running (r))
            churn_ended = TRUE;
        }
      if (n_churn >= 10 && churn_ended)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (n_churn, >=, 10);
  g_assert_true (churn_ended);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* It reaped every child itself: none was orphaned to us (its children
   * are reparented to us, the subreaper, before it can be reaped). */
  g_assert_cmpint (waitpid (-1, NULL, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);

  /* Every process it ever started is gone, including churn processes
   * started after our last look. */
  g_clear_pointer (&records, g_array_unref);
  records = read_records (pids_path);
  for (guint i = 0; i < records->len; i++)
    g_assert_false (record_is_running (&g_array_index (records, Record, i)));

  g_unlink (pids_path);
  g_rmdir (dir);
}

static void
test_scenario_killed (void)
{
  const char *const args[] = { "-P", "3", "-S", "4", "-B", "2", "-F", "20", NULL };
  g_autofree char *dir = g_dir_make_tmp ("ps-bench-XXXXXX", NULL);
  g_autofree char *pids_path = g_build_filename (dir, "pids", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(GError) error = NULL;

  proc = start_generator (pids_path, args);
  records = read_records (pids_path);
  g_assert_cmpuint (records->len, ==, 5);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (record_is_running (&g_array_index (records, Record, i)));

  /* No chance to clean up: the children must still die with it. */
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  assert_all_ended (records);

  g_unlink (pids_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc != 2)
    {
      g_printerr ("Usage: %s PATH-OF-SCENARIO\n", argv[0]);
      return 1;
    }
  scenario_path = argv[1];
  /* Orphans of a killed generator come to us, not to a PID 1 that may not reap. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);

  g_test_add_func ("/bench/scenario/sigterm", test_scenario_sigterm);
  g_test_add_func ("/bench/scenario/killed", test_scenario_killed);
  return g_test_run ();
}

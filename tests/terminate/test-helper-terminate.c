/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope-helper terminate PID STARTTIME INODE SIGNAL`: every malformed
 * argument list gives the documented exit code and sends nothing (a canary
 * this test started records every signal it gets); the well-formed ones are
 * re-verified (start time, inode) before anything is sent. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "ps-helper.h"
#include "ps-procinfo.h"

static int canary_pipe = -1;   /* in the canary: where signals are recorded */

static void
canary_handler (int sig)
{
  char c = (char) sig;
  ssize_t n = write (canary_pipe, &c, 1);

  (void) n;
}

typedef struct
{
  pid_t pid;
  guint64 start_time;
  guint64 inode;             /* of a socket it holds */
  int signals;               /* read end: one byte per signal received */
} Canary;

static void
canary_start (Canary *canary)
{
  pid_t test_pid = getpid ();
  int p[2], ready[2];
  PsProcStat st;
  guint64 inode;

  g_assert_no_errno (pipe2 (p, O_CLOEXEC));
  g_assert_no_errno (pipe2 (ready, O_CLOEXEC));
  canary->pid = fork ();
  g_assert_cmpint (canary->pid, >=, 0);
  if (canary->pid == 0)
    {
      static const int sigs[] = { SIGTERM, SIGCONT, SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGQUIT };
      struct sigaction sa = { .sa_handler = canary_handler };
      struct stat sst;
      int s;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != test_pid)
        _exit (89);
      canary_pipe = p[1];
      for (size_t i = 0; i < G_N_ELEMENTS (sigs); i++)
        sigaction (sigs[i], &sa, NULL);
      s = socket (AF_INET, SOCK_STREAM, 0);
      if (s < 0 || fstat (s, &sst) != 0)
        _exit (90);
      inode = sst.st_ino;
      if (write (ready[1], &inode, sizeof inode) != sizeof inode)
        _exit (91);
      for (;;)
        pause ();
    }
  close (p[1]);
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &inode, sizeof inode), ==, sizeof inode);
  close (ready[0]);
  canary->signals = p[0];
  canary->inode = inode;
  g_assert_cmpint (ps_proc_read_stat (NULL, canary->pid, &st), ==, 0);
  canary->start_time = st.start_time;
}

/* Returns the signals the canary got since the last call ("" when none). */
static char *
canary_take_signals (Canary *canary)
{
  GString *got = g_string_new (NULL);
  struct pollfd p = { .fd = canary->signals, .events = POLLIN };

  while (poll (&p, 1, 0) == 1 && (p.revents & POLLIN))
    {
      char c;

      if (read (canary->signals, &c, 1) != 1)
        break;
      g_string_append_printf (got, "%s%d", got->len ? "," : "", (int) c);
    }
  return g_string_free (got, FALSE);
}

static void
canary_assert_untouched (Canary *canary)
{
  g_autofree char *got = canary_take_signals (canary);
  PsProcStat st;

  g_assert_cmpstr (got, ==, "");
  g_assert_cmpint (ps_proc_read_stat (NULL, canary->pid, &st), ==, 0);
  g_assert_cmpuint (st.start_time, ==, canary->start_time);
  g_assert_cmpint (st.state, ==, 'S');
}

/* Waits until the canary got exactly EXPECTED (e.g. "18"). */
static void
wait_signals (Canary     *canary,
              const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autoptr(GString) all = g_string_new (NULL);

  while (all->len < strlen (expected))
    {
      g_autofree char *more = canary_take_signals (canary);

      g_string_append_printf (all, "%s%s", all->len && more[0] ? "," : "", more);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  g_assert_cmpstr (all->str, ==, expected);
}

static int
run_helper (const char * const *args)
{
  const char *helper = g_getenv ("PORTSCOPE_HELPER_BIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_nonnull (helper);
  g_ptr_array_add (argv, (gpointer) helper);
  g_ptr_array_add (argv, (gpointer) "terminate");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_test_message ("helper %s -> %d (%s)", args[0] ? args[0] : "(none)", WEXITSTATUS (status),
                  g_strstrip (err));
  return WEXITSTATUS (status);
}

typedef struct
{
  const char *pid;           /* NULL: the canary's */
  const char *start;         /* NULL: the canary's */
  const char *inode;         /* NULL: the canary's */
  const char *sig;
  int expected;
} Case;

/* "@" in a field is replaced by the canary's value: a loose parser that
 * strips a sign, a space or a suffix would then hit the canary. */
static char *
expand (const char *field,
        const char *value)
{
  if (field == NULL)
    return g_strdup (value);
  {
    g_auto(GStrv) parts = g_strsplit (field, "@", -1);

    return g_strjoinv (value, parts);
  }
}

static void
test_argument_table (void)
{
  static const Case cases[] = {
    /* PID */
    { "", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "0", NULL, NULL, "TERM", PS_HELPER_TERMINATE_REFUSED },
    { "-1", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "1", NULL, NULL, "TERM", PS_HELPER_TERMINATE_REFUSED },
    { "+5", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "5x", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { " 5", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "0x10", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "99999999999", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "4194305", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "$(id)", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "5;id", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "+@", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "-@", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { " @", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "@ ", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "@x", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "@\n", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "@;id", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { "@.0", NULL, NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    /* STARTTIME */
    { NULL, "", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "-1", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "+@", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "@ ", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "0x@", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "18446744073709551616", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "99999999999999999999999", NULL, "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, "1", NULL, "TERM", PS_HELPER_TERMINATE_GONE },
    { NULL, "18446744073709551615", NULL, "TERM", PS_HELPER_TERMINATE_GONE },
    /* INODE */
    { NULL, NULL, "", "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, "-0", "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, "@x", "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, "socket:[@]", "TERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, "1", "TERM", PS_HELPER_TERMINATE_NO_LONGER_HOLDS },
    /* SIGNAL */
    { NULL, NULL, NULL, "", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "term", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "SIGTERM", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "15", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "HUP", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "USR1", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "TERM ", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "KILL\n", PS_HELPER_TERMINATE_USAGE },
    { NULL, NULL, NULL, "$(id)", PS_HELPER_TERMINATE_USAGE },
  };
  Canary canary;
  g_autofree char *pid = NULL;
  g_autofree char *start = NULL;
  g_autofree char *inode = NULL;

  canary_start (&canary);
  pid = g_strdup_printf ("%d", (int) canary.pid);
  start = g_strdup_printf ("%" G_GUINT64_FORMAT, canary.start_time);
  inode = g_strdup_printf ("%" G_GUINT64_FORMAT, canary.inode);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p = expand (cases[i].pid, pid);
      g_autofree char *s = expand (cases[i].start, start);
      g_autofree char *n = expand (cases[i].inode, inode);
      const char *args[] = { p, s, n, cases[i].sig, NULL };

      g_test_message ("case %u", i);
      g_assert_cmpint (run_helper (args), ==, cases[i].expected);
      canary_assert_untouched (&canary);
    }

  /* Argument counts: none, three, an extra one (even a harmless one). */
  {
    const char *none[] = { NULL };
    const char *three[] = { pid, start, inode, NULL };
    const char *extra[] = { pid, start, inode, "CONT", "CONT", NULL };
    const char *extra_cmd[] = { pid, start, inode, "TERM", "$(id)", NULL };

    g_assert_cmpint (run_helper (none), ==, PS_HELPER_TERMINATE_USAGE);
    g_assert_cmpint (run_helper (three), ==, PS_HELPER_TERMINATE_USAGE);
    g_assert_cmpint (run_helper (extra), ==, PS_HELPER_TERMINATE_USAGE);
    g_assert_cmpint (run_helper (extra_cmd), ==, PS_HELPER_TERMINATE_USAGE);
    canary_assert_untouched (&canary);
  }

  /* Refused: the helper's parent (this test), PID 1, a kernel thread. */
  {
    g_autofree char *me = g_strdup_printf ("%d", (int) getpid ());
    g_autofree char *my_start = NULL;
    PsProcStat st;

    g_assert_cmpint (ps_proc_read_stat (NULL, getpid (), &st), ==, 0);
    my_start = g_strdup_printf ("%" G_GUINT64_FORMAT, st.start_time);
    {
      const char *args[] = { me, my_start, "0", "CONT", NULL };

      g_assert_cmpint (run_helper (args), ==, PS_HELPER_TERMINATE_REFUSED);
    }
    if (ps_proc_read_stat (NULL, 2, &st) == 0 && (st.flags & 0x00200000u))
      {
        g_autofree char *kstart = g_strdup_printf ("%" G_GUINT64_FORMAT, st.start_time);
        const char *args[] = { "2", kstart, "0", "CONT", NULL };

        g_assert_cmpint (run_helper (args), ==, PS_HELPER_TERMINATE_REFUSED);
      }
    canary_assert_untouched (&canary);
  }

  /* Well-formed and verified: the signal arrives, and only that one. */
  {
    const char *cont[] = { pid, start, inode, "CONT", NULL };
    const char *term[] = { pid, start, "0", "TERM", NULL };

    g_assert_cmpint (run_helper (cont), ==, PS_HELPER_TERMINATE_SIGNALLED);
    wait_signals (&canary, "18");
    g_assert_cmpint (run_helper (term), ==, PS_HELPER_TERMINATE_SIGNALLED);
    wait_signals (&canary, "15");
    canary_assert_untouched (&canary);
  }

  kill (canary.pid, SIGKILL);
  waitpid (canary.pid, NULL, 0);
  close (canary.signals);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/helper-terminate/argument-table", test_argument_table);
  return g_test_run ();
}

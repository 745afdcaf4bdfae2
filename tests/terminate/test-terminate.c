/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process engine against real processes this test starts (and only
 * those): a listener ended frees its port; a socket handed off is "no longer
 * held"; a forked child keeps the port; a target ignoring SIGTERM is left
 * alone until Force Stop; a stopped target is continued; refusals. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-backend.h"
#include "ps-helper-backend.h"
#include "ps-monitor.h"
#include "ps-pin.h"
#include "ps-procinfo.h"
#include "ps-terminate.h"

#define DEADLINE_MS 10000

typedef enum
{
  CHILD_LISTEN,
  CHILD_LISTEN_IGNORE_TERM,
  CHILD_LISTEN_FORK,
  CHILD_LISTEN_HANDOFF,
} ChildMode;

typedef struct
{
  pid_t pid;
  pid_t grandchild;          /* CHILD_LISTEN_FORK */
  guint16 port;
  guint64 inode;
  guint64 start_time;
  int ctl;                   /* write end: tells the child to hand off */
  int ack;                   /* read end: the child's messages */
  int handoff;               /* our end of the SCM_RIGHTS socketpair */
} Child;

/* In the child after fork: only async-signal-safe calls. */
static void
child_write_all (int         fd,
                 const void *buf,
                 size_t      len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (90);
      p += n;
      len -= (size_t) n;
    }
}

static G_GNUC_NORETURN void
child_main (ChildMode mode,
            pid_t     test_pid,
            int       ack,
            int       ctl,
            int       handoff)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  socklen_t len = sizeof sin;
  struct stat st;
  guint64 msg[3];
  int s;

  /* Never outlive a test that failed half-way. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != test_pid)
    _exit (89);

  if (mode == CHILD_LISTEN_IGNORE_TERM)
    signal (SIGTERM, SIG_IGN);
  else
    signal (SIGTERM, SIG_DFL);

  s = socket (AF_INET, SOCK_STREAM, 0);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (s < 0 || bind (s, (struct sockaddr *) &sin, sizeof sin) != 0 || listen (s, 4) != 0
      || getsockname (s, (struct sockaddr *) &sin, &len) != 0 || fstat (s, &st) != 0)
    _exit (91);

  msg[0] = ntohs (sin.sin_port);
  msg[1] = st.st_ino;
  msg[2] = 0;
  if (mode == CHILD_LISTEN_FORK)
    {
      pid_t g = fork ();

      if (g < 0)
        _exit (92);
      if (g == 0)
        {
          /* Outlives its parent on purpose; not the test. */
          for (;;)
            {
              sleep (1);
              if (kill (test_pid, 0) != 0)
                _exit (0);
            }
        }
      msg[2] = (guint64) g;
    }
  child_write_all (ack, msg, sizeof msg);

  if (mode == CHILD_LISTEN_HANDOFF)
    {
      char c;
      char cbuf[CMSG_SPACE (sizeof (int))];
      struct iovec iov = { .iov_base = &c, .iov_len = 1 };
      struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                           .msg_control = cbuf, .msg_controllen = sizeof cbuf };
      struct cmsghdr *cm;

      if (read (ctl, &c, 1) != 1)
        _exit (93);
      memset (cbuf, 0, sizeof cbuf);
      cm = CMSG_FIRSTHDR (&mh);
      if (cm == NULL)
        _exit (95);
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_RIGHTS;
      cm->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (cm), &s, sizeof s);
      if (sendmsg (handoff, &mh, 0) != 1)
        _exit (94);
      close (s);
      child_write_all (ack, "h", 1);
    }

  for (;;)
    pause ();
}

static void
read_all (int    fd,
          void  *buf,
          size_t len)
{
  char *p = buf;

  while (len > 0)
    {
      ssize_t n = read (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      p += n;
      len -= (size_t) n;
    }
}

static void
child_start (Child     *child,
             ChildMode  mode)
{
  int ack[2], ctl[2], sp[2];
  PsProcStat st;
  guint64 msg[3];

  pid_t test_pid = getpid ();

  memset (child, 0, sizeof *child);
  g_assert_no_errno (pipe2 (ack, O_CLOEXEC));
  g_assert_no_errno (pipe2 (ctl, O_CLOEXEC));
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp));

  child->pid = fork ();
  g_assert_cmpint (child->pid, >=, 0);
  if (child->pid == 0)
    child_main (mode, test_pid, ack[1], ctl[0], sp[1]);

  close (ack[1]);
  close (ctl[0]);
  close (sp[1]);
  child->ack = ack[0];
  child->ctl = ctl[1];
  child->handoff = sp[0];
  read_all (child->ack, msg, sizeof msg);
  child->port = (guint16) msg[0];
  child->inode = msg[1];
  child->grandchild = (pid_t) msg[2];
  g_assert_cmpint (ps_proc_read_stat (NULL, child->pid, &st), ==, 0);
  child->start_time = st.start_time;
}

/* Whether PID is alive and not a zombie (our own children only). */
static gboolean
child_alive (pid_t pid)
{
  PsProcStat st;

  if (ps_proc_read_stat (NULL, pid, &st) != 0)
    return FALSE;
  return st.state != 'Z' && st.state != 'X';
}

static char
child_state (pid_t pid)
{
  PsProcStat st;

  if (ps_proc_read_stat (NULL, pid, &st) != 0)
    return '?';
  return st.state;
}

static void
close_fd (int *fd)
{
  if (*fd > 0)
    close (*fd);
  *fd = -1;
}

/* Ends what this test started, by PID, and reaps it. */
static void
child_stop (Child *child)
{
  if (child->grandchild > 0)
    {
      kill (child->grandchild, SIGKILL);
      waitpid (child->grandchild, NULL, 0);
    }
  if (child->pid > 0)
    {
      kill (child->pid, SIGKILL);
      waitpid (child->pid, NULL, 0);
    }
  close_fd (&child->ack);
  close_fd (&child->ctl);
  close_fd (&child->handoff);
}

static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int r;

  g_assert_cmpint (s, >=, 0);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (port);
  r = connect (s, (struct sockaddr *) &sin, sizeof sin);
  close (s);
  return r == 0;
}

/* Runs the main loop until *DONE, failing after the deadline. */
static void
wait_until (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_MS * G_TIME_SPAN_MILLISECOND;

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      if (!*done)
        g_usleep (1000);
    }
}

/* Drops the last reference to OBJECT and waits until it is finalized.  End
 * runs its signalling in a GTask on a worker, whose source object is the
 * target: the worker lets go of that task a moment after the callback ran
 * on the main thread, so "finalized at once" would race with it. */
static void
finalize_soon (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_MS * G_TIME_SPAN_MILLISECOND;
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  while (g_atomic_pointer_get (&weak) != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef struct
{
  gboolean done;
  PsTerminateResult result;
  GError *error;
  GArray *phases;
} EndData;

static void
phase_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    data)
{
  EndData *d = data;
  int phase = ps_terminate_target_get_phase (PS_TERMINATE_TARGET (object));

  g_array_append_val (d->phases, phase);
}

static void
end_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  EndData *d = data;

  d->result = ps_terminate_target_end_finish (PS_TERMINATE_TARGET (source), result, &d->error);
  d->done = TRUE;
}

static void
force_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  EndData *d = data;

  d->result = ps_terminate_target_force_stop_finish (PS_TERMINATE_TARGET (source), result, &d->error);
  d->done = TRUE;
}

static PsTerminateResult
run_end (PsTerminateTarget *target,
         guint              timeout,
         gboolean           force,
         GArray           **phases)
{
  EndData d = { 0 };
  gulong id;

  d.phases = g_array_new (FALSE, FALSE, sizeof (int));
  id = g_signal_connect (target, "notify::phase", G_CALLBACK (phase_cb), &d);
  if (force)
    ps_terminate_target_force_stop_async (target, timeout, NULL, force_cb, &d);
  else
    ps_terminate_target_end_async (target, timeout, NULL, end_cb, &d);
  wait_until (&d.done);
  g_signal_handler_disconnect (target, id);
  if (d.error != NULL)
    g_test_message ("error: %s", d.error->message);
  g_clear_error (&d.error);
  if (phases != NULL)
    *phases = d.phases;
  else
    g_array_unref (d.phases);
  return d.result;
}

static void
test_end_listener (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  g_autoptr(GArray) phases = NULL;
  Child child;
  int status;

  child_start (&child, CHILD_LISTEN);
  g_assert_true (port_accepts (child.port));

  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_true (ps_terminate_target_is_pinned (target));
  g_assert_false (ps_terminate_target_has_exited (target));
  g_assert_cmpint (run_end (target, 5, FALSE, &phases), ==, PS_TERMINATE_EXITED);
  g_assert_false (ps_terminate_target_get_elevated (target));

  /* Progress went signalling -> waiting -> done. */
  g_assert_cmpuint (phases->len, ==, 3);
  g_assert_cmpint (g_array_index (phases, int, 0), ==, PS_TERMINATE_PHASE_SIGNALLING);
  g_assert_cmpint (g_array_index (phases, int, 1), ==, PS_TERMINATE_PHASE_WAITING);
  g_assert_cmpint (g_array_index (phases, int, 2), ==, PS_TERMINATE_PHASE_DONE);

  /* It died of our SIGTERM, and the port is free. */
  g_assert_cmpint (waitpid (child.pid, &status, 0), ==, child.pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  child.pid = 0;
  g_assert_false (port_accepts (child.port));
  child_stop (&child);

  finalize_soon (g_steal_pointer (&target));
}

static void
test_already_exited (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  Child child;

  child_start (&child, CHILD_LISTEN);
  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_true (ps_terminate_target_is_pinned (target));
  /* It exits on its own (we end it here, by its PID) before End. */
  kill (child.pid, SIGKILL);
  waitpid (child.pid, NULL, 0);
  child.pid = 0;
  g_assert_true (ps_terminate_target_has_exited (target));
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_ALREADY_EXITED);
  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
}

static void
test_wrong_start_time (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  Child child;

  child_start (&child, CHILD_LISTEN);
  /* The identity the user saw is not this process's: never signal it. */
  target = ps_terminate_target_new (child.pid, child.start_time + 1, child.inode);
  g_assert_false (ps_terminate_target_is_pinned (target));
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_ALREADY_EXITED);
  g_assert_true (child_alive (child.pid));
  g_assert_true (port_accepts (child.port));
  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
}

static void
test_handoff (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  char cbuf[CMSG_SPACE (sizeof (int))];
  char c;
  struct iovec iov = { .iov_base = &c, .iov_len = 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *cm;
  struct stat st;
  Child child;
  int fd;

  child_start (&child, CHILD_LISTEN_HANDOFF);
  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_true (ps_terminate_target_is_pinned (target));

  /* The child passes the listening socket to us and closes its copy. */
  g_assert_cmpint (write (child.ctl, "x", 1), ==, 1);
  g_assert_cmpint (recvmsg (child.handoff, &mh, MSG_CMSG_CLOEXEC), ==, 1);
  cm = CMSG_FIRSTHDR (&mh);
  g_assert_nonnull (cm);
  if (cm == NULL)
    return;
  g_assert_cmpint (cm->cmsg_type, ==, SCM_RIGHTS);
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  g_assert_no_errno (fstat (fd, &st));
  g_assert_cmpuint (st.st_ino, ==, child.inode);
  read_all (child.ack, &c, 1);
  g_assert_cmpint (c, ==, 'h');

  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_NO_LONGER_HOLDS);
  g_assert_true (child_alive (child.pid));
  g_assert_true (port_accepts (child.port));   /* we hold it now */
  close (fd);
  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
}

static void
test_ignores_term (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  Child child;
  gint64 until;
  int status;

  child_start (&child, CHILD_LISTEN_IGNORE_TERM);
  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_cmpint (run_end (target, 1, FALSE, NULL), ==, PS_TERMINATE_STILL_RUNNING);
  g_assert_true (child_alive (child.pid));

  /* Force Stop is only offered: nothing follows on its own.  (Waiting for
   * something not to happen needs some waiting: two more timeouts.) */
  until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (child_alive (child.pid));
  g_assert_true (port_accepts (child.port));
  g_assert_false (ps_terminate_target_has_exited (target));

  /* The user asks: SIGKILL. */
  g_assert_cmpint (run_end (target, 5, TRUE, NULL), ==, PS_TERMINATE_EXITED);
  g_assert_cmpint (waitpid (child.pid, &status, 0), ==, child.pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  child.pid = 0;
  g_assert_false (port_accepts (child.port));
  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
}

static void
test_stopped (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  gint64 deadline;
  Child child;
  int status;

  child_start (&child, CHILD_LISTEN);
  g_assert_no_errno (kill (child.pid, SIGSTOP));
  deadline = g_get_monotonic_time () + DEADLINE_MS * G_TIME_SPAN_MILLISECOND;
  while (child_state (child.pid) != 'T')
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }

  /* SIGTERM alone would stay pending in a stopped process: the engine must
   * continue it. */
  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_EXITED);
  g_assert_cmpint (waitpid (child.pid, &status, 0), ==, child.pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  child.pid = 0;
  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
}

static PsBackend *
host_backend_new (void)
{
  const char *helper = g_getenv ("PORTSCOPE_HELPER_BIN");
  const char *argv[] = { helper, "serve", NULL };

  g_assert_nonnull (helper);
  return ps_helper_backend_new_for_argv (PS_BACKEND_KIND_HOST, argv);
}

/* Inside a Flatpak the owners' PIDs are the host's: only the host helper can
 * pin and signal them.  Here the "host" helper simply runs beside the test. */
static void
test_remote_end (void)
{
  g_autoptr(PsBackend) backend = host_backend_new ();
  g_autoptr(PsTerminateTarget) target = NULL;
  Child child;
  int status;

  child_start (&child, CHILD_LISTEN);
  target = ps_terminate_target_new_remote (backend, child.pid, child.start_time, child.inode);
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_EXITED);
  g_assert_cmpint (waitpid (child.pid, &status, 0), ==, child.pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  child.pid = 0;
  g_assert_false (port_accepts (child.port));
  child_stop (&child);

  /* The helper re-verifies: a wrong start time is never signalled. */
  child_start (&child, CHILD_LISTEN);
  g_clear_object (&target);
  target = ps_terminate_target_new_remote (backend, child.pid, child.start_time + 1, child.inode);
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_ALREADY_EXITED);
  g_assert_true (child_alive (child.pid));
  child_stop (&child);

  ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
  finalize_soon (g_steal_pointer (&target));
}

static void
test_remote_force_stop (void)
{
  g_autoptr(PsBackend) backend = host_backend_new ();
  g_autoptr(PsTerminateTarget) target = NULL;
  Child child;

  child_start (&child, CHILD_LISTEN_IGNORE_TERM);
  target = ps_terminate_target_new_remote (backend, child.pid, child.start_time, child.inode);
  g_assert_cmpint (run_end (target, 1, FALSE, NULL), ==, PS_TERMINATE_STILL_RUNNING);
  g_assert_true (child_alive (child.pid));
  g_assert_cmpint (run_end (target, 5, TRUE, NULL), ==, PS_TERMINATE_EXITED);
  waitpid (child.pid, NULL, 0);
  child.pid = 0;
  g_assert_false (port_accepts (child.port));
  child_stop (&child);

  ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
  finalize_soon (g_steal_pointer (&target));
}

typedef struct
{
  gboolean done;
  PsSnapshot *snapshot;
  GError *error;
} RescanData;

static void
rescan_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  RescanData *d = data;

  d->snapshot = ps_terminate_rescan_finish (result, &d->error);
  d->done = TRUE;
}

static void
test_forked_child_keeps_port (void)
{
  g_autoptr(PsTerminateTarget) target = NULL;
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsMonitor) monitor = NULL;
  RescanData d = { 0 };
  PsSocket key = { 0 };
  const PsSocket *held;
  gboolean child_seen = FALSE;
  gboolean parent_seen = FALSE;
  Child child;

  child_start (&child, CHILD_LISTEN_FORK);
  g_assert_cmpint (child.grandchild, >, 0);

  backend = ps_local_backend_new ();
  monitor = ps_monitor_new (backend);

  target = ps_terminate_target_new (child.pid, child.start_time, child.inode);
  g_assert_cmpint (run_end (target, 5, FALSE, NULL), ==, PS_TERMINATE_EXITED);
  waitpid (child.pid, NULL, 0);
  child.pid = 0;

  /* The truth after the exit: the port is still held, by the child. */
  key.protocol = PS_PROTOCOL_TCP;
  key.family = AF_INET;
  key.state = 10;           /* TCP_LISTEN */
  key.port = child.port;
  inet_pton (AF_INET, "127.0.0.1", key.address);
  ps_terminate_rescan_async (monitor, &key, FALSE, DEADLINE_MS, NULL, rescan_cb, &d);
  wait_until (&d.done);
  g_assert_no_error (d.error);
  g_assert_nonnull (d.snapshot);
  held = ps_terminate_find_holder (d.snapshot, &key);
  g_assert_nonnull (held);
  g_assert_cmpuint (held->inode, ==, child.inode);
  for (guint i = 0; i < held->owners->len; i++)
    {
      const PsOwner *o = g_ptr_array_index (held->owners, i);

      child_seen |= o->pid == child.grandchild;
      parent_seen |= o->pid == child.pid;
    }
  g_assert_true (child_seen);
  g_assert_false (parent_seen);
  g_clear_pointer (&d.snapshot, ps_snapshot_unref);

  /* End that one too: the port is free, and a rescan says so. */
  {
    g_autoptr(PsTerminateTarget) second = NULL;
    PsProcStat st;
    RescanData d2 = { 0 };

    g_assert_cmpint (ps_proc_read_stat (NULL, child.grandchild, &st), ==, 0);
    second = ps_terminate_target_new (child.grandchild, st.start_time, child.inode);
    g_assert_cmpint (run_end (second, 5, FALSE, NULL), ==, PS_TERMINATE_EXITED);
    waitpid (child.grandchild, NULL, 0);
    child.grandchild = 0;
    ps_terminate_rescan_async (monitor, &key, TRUE, DEADLINE_MS, NULL, rescan_cb, &d2);
    wait_until (&d2.done);
    g_assert_no_error (d2.error);
    g_assert_null (ps_terminate_find_holder (d2.snapshot, &key));
    g_clear_pointer (&d2.snapshot, ps_snapshot_unref);
    finalize_soon (g_steal_pointer (&second));
  }
  g_assert_false (port_accepts (child.port));

  child_stop (&child);
  finalize_soon (g_steal_pointer (&target));
  finalize_soon (g_steal_pointer (&monitor));
}

static void
test_refused (void)
{
  g_autoptr(PsTerminateTarget) init = NULL;
  g_autoptr(PsTerminateTarget) self = NULL;
  g_autoptr(PsTerminateTarget) parent = NULL;
  PsProcStat st;

  g_assert_cmpint (ps_proc_read_stat (NULL, 1, &st), ==, 0);
  init = ps_terminate_target_new (1, st.start_time, 0);
  g_assert_cmpint (run_end (init, 1, FALSE, NULL), ==, PS_TERMINATE_REFUSED);
  g_assert_cmpint (run_end (init, 1, TRUE, NULL), ==, PS_TERMINATE_REFUSED);

  g_assert_cmpint (ps_proc_read_stat (NULL, getpid (), &st), ==, 0);
  self = ps_terminate_target_new (getpid (), st.start_time, 0);
  g_assert_cmpint (run_end (self, 1, FALSE, NULL), ==, PS_TERMINATE_REFUSED);

  g_assert_cmpint (ps_proc_read_stat (NULL, getppid (), &st), ==, 0);
  parent = ps_terminate_target_new (getppid (), st.start_time, 0);
  g_assert_cmpint (run_end (parent, 1, FALSE, NULL), ==, PS_TERMINATE_REFUSED);

  /* A kernel thread (kthreadd's children), when this PID namespace shows them. */
  if (ps_proc_read_stat (NULL, 2, &st) == 0 && (st.flags & 0x00200000u))
    {
      g_autoptr(PsTerminateTarget) kthread = ps_terminate_target_new (2, st.start_time, 0);

      g_assert_cmpint (run_end (kthread, 1, FALSE, NULL), ==, PS_TERMINATE_REFUSED);
    }
  g_assert_cmpint (ps_pin_check_target (NULL, 0), ==, PS_PIN_REFUSED);
  g_assert_cmpint (ps_pin_check_target (NULL, -5), ==, PS_PIN_REFUSED);
}

static PsOwner *
owner_new (gint32      pid,
           const char *name,
           const char *unit,
           const char *container)
{
  PsOwner *o = ps_owner_new ();

  o->pid = pid;
  o->name = g_strdup (name);
  o->unit = g_strdup (unit);
  o->container = g_strdup (container);
  return o;
}

static void
test_classify (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  PsSocket *s = ps_snapshot_add (snapshot);
  g_autoptr(PsOwner) plain = owner_new (4242, "python3", "vte-spawn-1.scope", NULL);
  g_autoptr(PsOwner) svc = owner_new (700, "nginx", "nginx.service", NULL);
  g_autoptr(PsOwner) usvc = owner_new (701, "pipewire", "pipewire.service", NULL);
  g_autoptr(PsOwner) init = owner_new (1, "systemd", "init.scope", NULL);
  g_autoptr(PsOwner) docker = owner_new (800, "docker-proxy", "docker.service", NULL);
  g_autoptr(PsOwner) ctr = owner_new (801, "nginx", "docker-0123abcd.scope", "docker:0123abcd");
  g_autoptr(PsOwner) me = owner_new (getpid (), "test", NULL, NULL);
  g_autoptr(PsOwner) session = owner_new (900, "systemd", "user@1000.service", NULL);
  g_autofree char *detail = NULL;
  gboolean user_unit = TRUE;

  usvc->user_unit = TRUE;

  g_assert_cmpint (ps_terminate_classify (s, plain, &detail, &user_unit), ==, PS_END_ACTION_END_PROCESS);
  g_assert_null (detail);
  g_assert_false (user_unit);

  g_assert_cmpint (ps_terminate_classify (s, svc, &detail, &user_unit), ==, PS_END_ACTION_STOP_SERVICE);
  g_assert_cmpstr (detail, ==, "nginx.service");
  g_assert_false (user_unit);
  g_clear_pointer (&detail, g_free);

  g_assert_cmpint (ps_terminate_classify (s, usvc, &detail, &user_unit), ==, PS_END_ACTION_STOP_SERVICE);
  g_assert_cmpstr (detail, ==, "pipewire.service");
  g_assert_true (user_unit);
  g_clear_pointer (&detail, g_free);

  /* The user's whole systemd is not a service to stop here. */
  g_assert_cmpint (ps_terminate_classify (s, session, NULL, NULL), ==, PS_END_ACTION_END_PROCESS);
  g_assert_true (ps_terminate_is_session_critical (session));

  /* Socket activation: PID 1 alone, then with the service it started. */
  g_ptr_array_add (s->owners, ps_owner_ref (init));
  g_assert_cmpint (ps_terminate_classify (s, init, &detail, NULL), ==, PS_END_ACTION_SOCKET_ACTIVATED);
  g_assert_null (detail);
  g_ptr_array_add (s->owners, ps_owner_ref (svc));
  g_assert_cmpint (ps_terminate_classify (s, init, &detail, NULL), ==, PS_END_ACTION_STOP_SERVICE);
  g_assert_cmpstr (detail, ==, "nginx.service");
  g_clear_pointer (&detail, g_free);

  g_assert_cmpint (ps_terminate_classify (s, docker, &detail, NULL), ==, PS_END_ACTION_CONTAINER);
  g_assert_cmpstr (detail, ==, "docker-proxy");
  g_clear_pointer (&detail, g_free);
  g_assert_cmpint (ps_terminate_classify (s, ctr, &detail, NULL), ==, PS_END_ACTION_CONTAINER);
  g_assert_cmpstr (detail, ==, "docker:0123abcd");
  g_clear_pointer (&detail, g_free);

  /* systemd --user holding a socket: socket activation on the session bus. */
  {
    g_autoptr(PsOwner) user_systemd = owner_new (1500, "systemd", "init.scope", NULL);
    g_autoptr(PsSnapshot) alone = ps_snapshot_new ();
    PsSocket *held = ps_snapshot_add (alone);

    user_systemd->user_unit = TRUE;
    g_ptr_array_add (held->owners, ps_owner_ref (user_systemd));
    user_unit = FALSE;
    g_assert_cmpint (ps_terminate_classify (held, user_systemd, NULL, &user_unit), ==,
                     PS_END_ACTION_SOCKET_ACTIVATED);
    g_assert_true (user_unit);
  }

  g_assert_cmpint (ps_terminate_classify (s, me, NULL, NULL), ==, PS_END_ACTION_REFUSED);
  g_assert_cmpint (ps_terminate_classify (s, NULL, NULL, NULL), ==, PS_END_ACTION_REFUSED);
}

static void
test_session_critical (void)
{
  const char *critical[] = { "gnome-shell", "gnome-session-b", "mutter", "Xwayland", "Xorg",
                             "kwin_wayland", "plasmashell", "dbus-daemon", "dbus-broker",
                             "pipewire", "wireplumber", "gdm-wayland-ses", NULL };
  const char *ordinary[] = { "python3", "node", "nginx", "gnome-text-edit", "sshd", NULL };

  for (guint i = 0; critical[i] != NULL; i++)
    {
      g_autoptr(PsOwner) o = owner_new (1000, critical[i], NULL, NULL);

      g_assert_true (ps_terminate_is_session_critical (o));
    }
  for (guint i = 0; ordinary[i] != NULL; i++)
    {
      g_autoptr(PsOwner) o = owner_new (1000, ordinary[i], NULL, NULL);

      g_assert_false (ps_terminate_is_session_critical (o));
    }
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} StopData;

static void
stop_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  StopData *d = data;

  d->ok = ps_terminate_stop_unit_finish (result, &d->error);
  d->done = TRUE;
}

static void
test_stop_unit_without_bus (void)
{
  StopData d = { 0 };

  /* No system bus here (main points the address at nothing): a clear error,
   * not a hang and not success. */
  ps_terminate_stop_unit_async ("nginx.service", FALSE, NULL, stop_cb, &d);
  wait_until (&d.done);
  g_assert_false (d.ok);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_nonnull (strstr (d.error->message, "system bus"));
  g_clear_error (&d.error);
}

/* A stand-in for systemd on a private session bus (GTestDBus): socket units
 * with Listen entries, and StopUnit that records what it was asked. */
static const char manager_xml[] =
  "<node><interface name='org.freedesktop.systemd1.Manager'>"
  "<method name='ListUnitsByPatterns'><arg type='as' direction='in'/><arg type='as' direction='in'/>"
  "<arg type='a(ssssssouso)' direction='out'/></method>"
  "<method name='StopUnit'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='o' direction='out'/></method>"
  "</interface></node>";
static const char socket_xml[] =
  "<node><interface name='org.freedesktop.systemd1.Socket'>"
  "<property name='Listen' type='a(ss)' access='read'/>"
  "</interface></node>";

typedef struct
{
  const char *name;
  const char *path;
  const char *listen[3][2];
} FakeUnit;

static const FakeUnit fake_units[] = {
  { "ssh.socket", "/org/freedesktop/systemd1/unit/ssh_2esocket", { { "Stream", "[::]:2222" } } },
  { "dns.socket", "/org/freedesktop/systemd1/unit/dns_2esocket",
    { { "Stream", "/run/dns.sock" }, { "Datagram", "5353" } } },
  { "web.socket", "/org/freedesktop/systemd1/unit/web_2esocket", { { "Stream", "0.0.0.0:8080" } } },
};

static char *stopped_unit;
static char *stopped_mode;

static void
manager_method (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *interface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               data)
{
  if (g_str_equal (method, "ListUnitsByPatterns"))
    {
      g_autofree const char **patterns = NULL;
      GVariantBuilder b;

      g_variant_get (parameters, "(@as^a&s)", NULL, &patterns);
      g_assert_true (g_strv_contains (patterns, "*.socket"));
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ssssssouso)"));
      for (guint i = 0; i < G_N_ELEMENTS (fake_units); i++)
        g_variant_builder_add (&b, "(ssssssouso)", fake_units[i].name, "", "loaded", "active",
                               "listening", "", fake_units[i].path, 0, "", "/");
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ssssssouso))", &b));
      return;
    }
  /* StopUnit */
  g_clear_pointer (&stopped_unit, g_free);
  g_clear_pointer (&stopped_mode, g_free);
  g_variant_get (parameters, "(ss)", &stopped_unit, &stopped_mode);
  if (g_str_equal (stopped_unit, "denied.service"))
    g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.AccessDenied",
                                                "Access denied");
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", "/org/freedesktop/systemd1/job/1"));
}

static GVariant *
socket_get_property (GDBusConnection *connection,
                     const char      *sender,
                     const char      *path,
                     const char      *interface,
                     const char      *property,
                     GError         **error,
                     gpointer         data)
{
  const FakeUnit *unit = data;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < G_N_ELEMENTS (unit->listen) && unit->listen[i][0] != NULL; i++)
    g_variant_builder_add (&b, "(ss)", unit->listen[i][0], unit->listen[i][1]);
  return g_variant_builder_end (&b);
}

typedef struct
{
  gboolean done;
  char *unit;
  GError *error;
} FindData;

static void
find_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  FindData *d = data;

  d->unit = ps_terminate_find_socket_unit_finish (result, &d->error);
  d->done = TRUE;
}

static char *
find_socket_unit (PsProtocol protocol,
                  guint16    port)
{
  PsSocket key = { .protocol = protocol, .family = AF_INET6, .port = port };
  FindData d = { 0 };

  ps_terminate_find_socket_unit_async (&key, TRUE, NULL, find_cb, &d);
  wait_until (&d.done);
  if (d.unit == NULL)
    g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&d.error);
  return d.unit;
}

static void
test_systemd_session_bus (void)
{
  static const GDBusInterfaceVTable manager_vtable = { manager_method, NULL, NULL, { 0 } };
  static const GDBusInterfaceVTable socket_vtable = { NULL, socket_get_property, NULL, { 0 } };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusNodeInfo) manager_info = g_dbus_node_info_new_for_xml (manager_xml, NULL);
  g_autoptr(GDBusNodeInfo) socket_info = g_dbus_node_info_new_for_xml (socket_xml, NULL);
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GError) error = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));
  StopData stop = { 0 };
  guint id;

  if (g_getenv ("PS_TEST_SESSION_BUS_UP") == NULL)
    {
      g_test_skip ("no private session bus (dbus-daemon missing)");
      g_array_unref (ids);
      return;
    }
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  id = g_dbus_connection_register_object (bus, "/org/freedesktop/systemd1", manager_info->interfaces[0],
                                          &manager_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_array_append_val (ids, id);
  for (guint i = 0; i < G_N_ELEMENTS (fake_units); i++)
    {
      id = g_dbus_connection_register_object (bus, fake_units[i].path, socket_info->interfaces[0],
                                              &socket_vtable, (gpointer) &fake_units[i], NULL, &error);
      g_assert_no_error (error);
      g_array_append_val (ids, id);
    }
  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.systemd1", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  /* The .socket unit of a socket-activated port, by port and protocol. */
  {
    g_autofree char *web = find_socket_unit (PS_PROTOCOL_TCP, 8080);
    g_autofree char *ssh = find_socket_unit (PS_PROTOCOL_TCP, 2222);
    g_autofree char *dns = find_socket_unit (PS_PROTOCOL_UDP, 5353);
    g_autofree char *none_tcp = find_socket_unit (PS_PROTOCOL_TCP, 5353);
    g_autofree char *none_udp = find_socket_unit (PS_PROTOCOL_UDP, 8080);

    g_assert_cmpstr (web, ==, "web.socket");
    g_assert_cmpstr (ssh, ==, "ssh.socket");
    g_assert_cmpstr (dns, ==, "dns.socket");
    g_assert_null (none_tcp);
    g_assert_null (none_udp);
  }

  /* Stop Service asks systemd, and reports its refusal. */
  ps_terminate_stop_unit_async ("web.socket", TRUE, NULL, stop_cb, &stop);
  wait_until (&stop.done);
  g_assert_no_error (stop.error);
  g_assert_true (stop.ok);
  g_assert_cmpstr (stopped_unit, ==, "web.socket");
  g_assert_cmpstr (stopped_mode, ==, "replace");

  memset (&stop, 0, sizeof stop);
  ps_terminate_stop_unit_async ("denied.service", TRUE, NULL, stop_cb, &stop);
  wait_until (&stop.done);
  g_assert_false (stop.ok);
  g_assert_error (stop.error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (stop.error->message, ==, "Access denied");
  g_clear_error (&stop.error);

  for (guint i = 0; i < ids->len; i++)
    g_dbus_connection_unregister_object (bus, g_array_index (ids, guint, i));
  g_array_unref (ids);
  g_clear_pointer (&stopped_unit, g_free);
  g_clear_pointer (&stopped_mode, g_free);
}

static void
test_result_strings (void)
{
  g_assert_cmpstr (ps_terminate_result_to_string (PS_TERMINATE_ALREADY_EXITED), ==, "Already exited");
  g_assert_cmpstr (ps_terminate_result_to_string (PS_TERMINATE_NOT_AUTHORIZED), ==, "Not authorized");
  g_assert_cmpstr (ps_terminate_result_to_string (PS_TERMINATE_DISMISSED), ==,
                   "Authentication was cancelled");
}

/* The sentences the window and `portscope --end` both say. */
static void
test_describe (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "unit \x1b[31mred\u202e");
  g_autofree char *waiting = ps_terminate_phase_describe (PS_TERMINATE_PHASE_WAITING, "srv");
  g_autofree char *asking = ps_terminate_phase_describe (PS_TERMINATE_PHASE_AUTHENTICATING, "srv");
  g_autofree char *exited = ps_terminate_result_describe (PS_TERMINATE_EXITED, "srv", 8080, NULL);
  g_autofree char *gone = ps_terminate_result_describe (PS_TERMINATE_NO_LONGER_HOLDS, "srv", 8080, NULL);
  g_autofree char *failed = ps_terminate_result_describe (PS_TERMINATE_FAILED, "srv", 8080, error);
  g_autofree char *unknown = ps_terminate_result_describe (PS_TERMINATE_FAILED, "srv", 8080, NULL);

  g_assert_cmpstr (waiting, ==, "Waiting for “srv” to exit…");
  g_assert_cmpstr (asking, ==, "Asking for permission to end “srv”…");
  g_assert_null (ps_terminate_phase_describe (PS_TERMINATE_PHASE_IDLE, "srv"));
  g_assert_null (ps_terminate_phase_describe (PS_TERMINATE_PHASE_SIGNALLING, "srv"));
  g_assert_null (ps_terminate_phase_describe (PS_TERMINATE_PHASE_DONE, "srv"));
  g_assert_cmpstr (exited, ==, "“srv” has exited; checking port 8080…");
  g_assert_cmpstr (gone, ==, "“srv” no longer holds port 8080: nothing was sent");
  g_assert_null (ps_terminate_result_describe (PS_TERMINATE_STILL_RUNNING, "srv", 8080, NULL));
  /* An error message may quote process text: made visible, never raw. */
  g_assert_null (strchr (failed, '\x1b'));
  g_assert_null (strstr (failed, "\u202e"));
  g_assert_true (g_str_has_prefix (failed, "Could not end “srv”: unit "));
  g_assert_cmpstr (unknown, ==, "Could not end “srv”: unknown error");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *address = NULL;
  g_autoptr(GTestDBus) session_bus = NULL;
  g_autofree char *dbus_daemon = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* A private session bus for the systemd stand-in (before any thread). */
  dbus_daemon = g_find_program_in_path ("dbus-daemon");
  if (dbus_daemon != NULL)
    {
      session_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (session_bus);
      g_setenv ("PS_TEST_SESSION_BUS_UP", "1", TRUE);
    }

  /* Before any thread starts: no system bus at this address. */
  address = g_strdup_printf ("unix:path=/nonexistent/portscope-test-%d/bus", (int) getpid ());
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);

  /* Grandchildren of ended children come back to us, to be reaped. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  /* A write to a closed pipe must fail, not kill the test. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/terminate/end-listener", test_end_listener);
  g_test_add_func ("/terminate/already-exited", test_already_exited);
  g_test_add_func ("/terminate/wrong-start-time", test_wrong_start_time);
  g_test_add_func ("/terminate/handoff-no-longer-holds", test_handoff);
  g_test_add_func ("/terminate/ignores-term-force-stop", test_ignores_term);
  g_test_add_func ("/terminate/stopped-continued", test_stopped);
  g_test_add_func ("/terminate/forked-child-keeps-port", test_forked_child_keeps_port);
  g_test_add_func ("/terminate/refused", test_refused);
  g_test_add_func ("/terminate/remote/end", test_remote_end);
  g_test_add_func ("/terminate/remote/force-stop", test_remote_force_stop);
  g_test_add_func ("/terminate/classify", test_classify);
  g_test_add_func ("/terminate/session-critical", test_session_critical);
  g_test_add_func ("/terminate/stop-unit-without-bus", test_stop_unit_without_bus);
  g_test_add_func ("/terminate/result-strings", test_result_strings);
  g_test_add_func ("/terminate/describe", test_describe);
  g_test_add_func ("/terminate/systemd-session-bus", test_systemd_session_bus);
  ret = g_test_run ();
  if (session_bus != NULL)
    g_test_dbus_down (session_bus);
  return ret;
}

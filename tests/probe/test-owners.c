/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner walk: real processes, and a fake /proc tree for exact counts. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-owners.h"

static int
open_listener (uint64_t *inode)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct stat st;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  *inode = st.st_ino;
  return fd;
}

static void
add_inode (PsProbeSocketArray *array,
           uint64_t            inode)
{
  PsProbeSocket *s = ps_probe_socket_array_append (array);

  g_assert_nonnull (s);
  s->protocol = IPPROTO_TCP;
  s->family = AF_INET;
  s->inode = inode;
}

static gboolean
pids_contain (const int32_t *pids,
              size_t         n,
              int32_t        pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return TRUE;
  return FALSE;
}

/* A child that inherited FD and waits until its stdin pipe closes. */
static pid_t
spawn_holder (int *release_fd)
{
  int ready[2], release[2];
  pid_t pid;
  char c;

  g_assert_cmpint (pipe2 (ready, O_CLOEXEC), ==, 0);
  g_assert_cmpint (pipe2 (release, O_CLOEXEC), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (ready[0]);
      close (release[1]);
      if (write (ready[1], "r", 1) != 1)
        _exit (1);
      while (read (release[0], &c, 1) > 0)
        ;
      _exit (0);
    }
  close (ready[1]);
  close (release[0]);
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  close (ready[0]);
  *release_fd = release[1];
  return pid;
}

static void
reap (pid_t pid,
      int   release_fd)
{
  int status;

  close (release_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
}

static void
test_real_processes (void)
{
  PsOwnerTracker *tracker = ps_owner_tracker_new ("/proc");
  PsProbeSocketArray sockets = { 0 };
  PsOwnerStats stats;
  const int32_t *pids;
  uint64_t inode1, inode2;
  const uint64_t fake = 0xfffffff0ull;   /* held by no process */
  int fd1, fd2, release;
  pid_t child;
  size_t n;

  g_assert_nonnull (tracker);

  /* A listener shared with a forked child: both own it. */
  fd1 = open_listener (&inode1);
  child = spawn_holder (&release);
  add_inode (&sockets, inode1);

  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 1);
  g_assert_cmpuint (stats.partial_walks, ==, 0);
  g_assert_cmpuint (stats.pids_scanned, >, 0);
  g_assert_cmpuint (stats.fds_scanned, >, 0);
  g_assert_cmpuint (stats.unresolved, ==, 0);
  n = ps_owner_tracker_lookup (tracker, inode1, &pids);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (pids_contain (pids, n, getpid ()));
  g_assert_true (pids_contain (pids, n, child));

  /* Steady state: same sockets, no walk. */
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 0);
  g_assert_cmpuint (stats.pids_scanned, ==, 0);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, inode1, &pids), ==, 2);

  /* A new socket: one partial walk resolves it. */
  fd2 = open_listener (&inode2);
  add_inode (&sockets, inode2);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.unresolved, ==, 0);
  n = ps_owner_tracker_lookup (tracker, inode2, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, getpid ());
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, inode1, &pids), ==, 2);

  /* An inode nobody holds: one walk, then remembered. */
  add_inode (&sockets, fake);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks + stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.unresolved, ==, 1);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, fake, &pids), ==, 0);
  g_assert_null (pids);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 0);
  g_assert_cmpuint (stats.unresolved, ==, 1);

  /* A forced walk sees the child gone. */
  reap (child, release);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 1, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 1);
  n = ps_owner_tracker_lookup (tracker, inode1, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, getpid ());

  /* A vanished socket is forgotten without a walk. */
  sockets.len = 1;
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks + stats.partial_walks, ==, 0);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, inode2, &pids), ==, 0);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, fake, &pids), ==, 0);

  /* Re-checks for End Process. */
  g_assert_cmpint (ps_owner_pid_holds_inode (NULL, getpid (), inode1), ==, 1);
  g_assert_cmpint (ps_owner_pid_holds_inode (NULL, getpid (), fake), ==, 0);
  g_assert_cmpint (ps_owner_pid_holds_inode (NULL, child, inode1), ==, -ESRCH);

  close (fd1);
  close (fd2);
  ps_probe_socket_array_clear (&sockets);
  ps_owner_tracker_free (tracker);
}

/* A fake /proc: PID/fd/N symlinks to "socket:[INODE]". */
static void
fake_fd (const char *root,
         int         pid,
         int         fd,
         const char *target)
{
  g_autofree char *dir = g_strdup_printf ("%s/%d/fd", root, pid);
  g_autofree char *link = g_strdup_printf ("%s/%d", dir, fd);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
test_fake_proc (gconstpointer data)
{
  const char *threads = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("portscope-owners-XXXXXX", &error);
  g_autofree char *self = NULL;
  PsOwnerTracker *tracker;
  PsProbeSocketArray sockets = { 0 };
  PsOwnerStats stats;
  const int32_t *pids;
  size_t n;

  g_assert_no_error (error);
  /* 100 and 101 share 999 (100 twice); 102 holds 1000; 103..260 hold
   * unrelated things; "self" and a file are not PIDs. */
  fake_fd (root, 100, 3, "socket:[999]");
  fake_fd (root, 100, 4, "socket:[999]");
  fake_fd (root, 100, 5, "/dev/null");
  fake_fd (root, 101, 0, "socket:[999]");
  fake_fd (root, 102, 7, "socket:[1000]");
  for (int pid = 103; pid <= 260; pid++)
    {
      fake_fd (root, pid, 0, "pipe:[5]");
      fake_fd (root, pid, 1, "socket:[123456]");
    }
  self = g_build_filename (root, "self", NULL);
  g_assert_cmpint (g_mkdir (self, 0755), ==, 0);
  {
    g_autofree char *file = g_build_filename (root, "uptime", NULL);
    g_assert_true (g_file_set_contents (file, "1 1\n", -1, NULL));
  }

  /* The full walk may split the PIDs over threads: same result either way. */
  if (threads != NULL)
    g_setenv ("PORTSCOPE_WALK_THREADS", threads, TRUE);
  tracker = ps_owner_tracker_new (root);
  g_assert_nonnull (tracker);
  add_inode (&sockets, 999);
  add_inode (&sockets, 1000);
  add_inode (&sockets, 999);   /* listed twice: counted once */
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 161);
  g_assert_cmpuint (stats.fds_scanned, ==, 5 + 158 * 2);
  g_assert_cmpuint (stats.unresolved, ==, 0);
  n = ps_owner_tracker_lookup (tracker, 999, &pids);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (pids[0], ==, 100);   /* sorted */
  g_assert_cmpint (pids[1], ==, 101);
  n = ps_owner_tracker_lookup (tracker, 1000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 102);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 123456, &pids), ==, 0);

  /* A new PID with a new inode: scanned first, and the walk stops there. */
  fake_fd (root, 500, 3, "socket:[2000]");
  add_inode (&sockets, 2000);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.full_walks, ==, 0);
  g_assert_cmpuint (stats.pids_scanned, ==, 1);
  n = ps_owner_tracker_lookup (tracker, 2000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 500);

  /* 999 vanishes and its owner 101 opens 3000: the owners of the vanished
   * inode (100, 101) are scanned first and resolve it, beside 500, which
   * was new to the last walk (still young). */
  fake_fd (root, 101, 9, "socket:[3000]");
  sockets.len = 0;
  add_inode (&sockets, 1000);
  add_inode (&sockets, 2000);
  add_inode (&sockets, 3000);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 3);
  n = ps_owner_tracker_lookup (tracker, 3000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 101);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 999, &pids), ==, 0);

  /* An inode nobody holds: the partial walk goes through everything once,
   * then the inode never triggers a walk again. */
  add_inode (&sockets, 4000);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 162);
  g_assert_cmpuint (stats.unresolved, ==, 1);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks + stats.full_walks, ==, 0);
  g_assert_cmpuint (stats.pids_scanned, ==, 0);

  /* 102 exits and leaves 1000 to its child 600: once told, the tracker
   * looks for the socket again; other owners are untouched. */
  fake_fd (root, 600, 3, "socket:[1000]");
  ps_owner_tracker_forget_pid (tracker, 102);
  ps_owner_tracker_forget_pid (tracker, 77777);   /* unknown: harmless */
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 1000, &pids), ==, 0);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 1);   /* 600 is a new PID */
  n = ps_owner_tracker_lookup (tracker, 1000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 600);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 3000, &pids), ==, 1);

  /* The End Process re-check reads the same tree. */
  g_assert_cmpint (ps_owner_pid_holds_inode (root, 101, 3000), ==, 1);
  g_assert_cmpint (ps_owner_pid_holds_inode (root, 101, 1000), ==, 0);
  g_assert_cmpint (ps_owner_pid_holds_inode (root, 99, 1000), ==, -ESRCH);

  /* A forced full walk finds everything again. */
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 1, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 163);
  g_assert_cmpuint (stats.unresolved, ==, 1);
  n = ps_owner_tracker_lookup (tracker, 3000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 101);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 2000, &pids), ==, 1);
  /* The fake 102 still holds 1000 beside 600: a full walk sees both. */
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 1000, &pids), ==, 2);

  /* The same dump again, then the same inodes in another order: no walk,
   * the same owners. */
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks + stats.full_walks, ==, 0);
  g_assert_cmpuint (sockets.len, ==, 4);
  {
    PsProbeSocket tmp = sockets.items[0];

    sockets.items[0] = sockets.items[3];
    sockets.items[3] = tmp;
  }
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks + stats.full_walks, ==, 0);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 3000, &pids), ==, 1);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 1000, &pids), ==, 2);

  /* Same length, one inode replaced by a new PID's: it is looked for and
   * found, and the one that went is forgotten. */
  fake_fd (root, 700, 3, "socket:[5000]");
  for (size_t i = 0; i < sockets.len; i++)
    if (sockets.items[i].inode == 2000)
      sockets.items[i].inode = 5000;
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  n = ps_owner_tracker_lookup (tracker, 5000, &pids);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (pids[0], ==, 700);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 2000, &pids), ==, 0);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 3000, &pids), ==, 1);

  g_unsetenv ("PORTSCOPE_WALK_THREADS");
  ps_probe_socket_array_clear (&sockets);
  ps_owner_tracker_free (tracker);
  rm_rf (root);
}

/* A new socket in a process that already holds sockets, with nothing to
 * point at it (no vanished inode, not a new PID): that process is read
 * before the many that hold none, and the walk stops there. */
static void
test_known_owners_first (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("portscope-owners-XXXXXX", &error);
  PsOwnerTracker *tracker;
  PsProbeSocketArray sockets = { 0 };
  PsOwnerStats stats;
  const int32_t *pids;

  g_assert_no_error (error);
  /* 100..299 hold no socket (3 fds each); 300 holds 7000. */
  for (int pid = 100; pid < 300; pid++)
    {
      fake_fd (root, pid, 0, "/dev/null");
      fake_fd (root, pid, 1, "pipe:[5]");
      fake_fd (root, pid, 2, "anon_inode:[eventfd]");
    }
  fake_fd (root, 300, 3, "socket:[7000]");

  tracker = ps_owner_tracker_new (root);
  g_assert_nonnull (tracker);
  add_inode (&sockets, 7000);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.full_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 201);

  /* 300 opens 7001 beside 7000. */
  fake_fd (root, 300, 4, "socket:[7001]");
  add_inode (&sockets, 7001);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 1);
  g_assert_cmpuint (stats.fds_scanned, ==, 2);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 7001, &pids), ==, 1);
  g_assert_cmpint (pids[0], ==, 300);

  /* 400 starts (new to the next walk, no socket yet) while 300 opens 7003:
   * 400 is read as a new PID, 300 as a known owner. */
  fake_fd (root, 400, 0, "/dev/null");
  fake_fd (root, 300, 5, "socket:[7003]");
  add_inode (&sockets, 7003);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 2);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 7003, &pids), ==, 1);

  /* Then 400 binds its socket: still young, read first, not after 100..399. */
  fake_fd (root, 400, 3, "socket:[7004]");
  add_inode (&sockets, 7004);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (stats.pids_scanned, ==, 1);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 7004, &pids), ==, 1);
  g_assert_cmpint (pids[0], ==, 400);

  /* A socket of a process that held none is still found, by the rest of
   * the walk. */
  fake_fd (root, 150, 3, "socket:[7002]");
  add_inode (&sockets, 7002);
  g_assert_cmpint (ps_owner_tracker_update (tracker, &sockets, 0, &stats), ==, 0);
  g_assert_cmpuint (stats.partial_walks, ==, 1);
  g_assert_cmpuint (ps_owner_tracker_lookup (tracker, 7002, &pids), ==, 1);
  g_assert_cmpint (pids[0], ==, 150);
  /* 300 and 400 first (2), then 100..150 in order (51): it stops at 150. */
  g_assert_cmpuint (stats.pids_scanned, ==, 53);

  ps_probe_socket_array_clear (&sockets);
  ps_owner_tracker_free (tracker);
  rm_rf (root);
}

static void
test_parse_socket_link (void)
{
  static const struct
  {
    const char *text;
    int ok;
    uint64_t inode;
  } cases[] = {
    { "socket:[12345]", 1, 12345 },
    { "socket:[0]", 1, 0 },
    { "socket:[18446744073709551615]", 1, UINT64_MAX },
    { "socket:[18446744073709551616]", 0, 0 },
    { "socket:[]", 0, 0 },
    { "socket:[12a]", 0, 0 },
    { "socket:[123", 0, 0 },
    { "socket:123]", 0, 0 },
    { "pipe:[12345]", 0, 0 },
    { "/dev/null", 0, 0 },
    { "anon_inode:[eventfd]", 0, 0 },
    { "", 0, 0 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      uint64_t inode = 7;

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (ps_owner_parse_socket_link (cases[i].text, strlen (cases[i].text), &inode),
                       ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpuint (inode, ==, cases[i].inode);
    }
  /* The length bounds the parse. */
  g_assert_cmpint (ps_owner_parse_socket_link ("socket:[12]xyz", 11, NULL), ==, 1);
  g_assert_cmpint (ps_owner_parse_socket_link ("socket:[12]", 10, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe/owners/real-processes", test_real_processes);
  g_test_add_data_func ("/probe/owners/fake-proc", NULL, test_fake_proc);
  g_test_add_data_func ("/probe/owners/fake-proc-1-thread", "1", test_fake_proc);
  g_test_add_data_func ("/probe/owners/fake-proc-4-threads", "4", test_fake_proc);
  g_test_add_func ("/probe/owners/known-owners-first", test_known_owners_first);
  g_test_add_func ("/probe/owners/parse-socket-link", test_parse_socket_link);

  return g_test_run ();
}

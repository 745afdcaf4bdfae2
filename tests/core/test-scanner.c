/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ps-backend.h"
#include "ps-scanner.h"

typedef struct
{
  int fd;
  guint16 port;
  guint64 inode;
} TestSocket;

static void
open_listener (TestSocket *out)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  struct stat st;

  out->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (out->fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (out->fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (out->fd, 4), ==, 0);
  g_assert_cmpint (getsockname (out->fd, (struct sockaddr *) &addr, &len), ==, 0);
  g_assert_cmpint (fstat (out->fd, &st), ==, 0);
  out->port = ntohs (addr.sin_port);
  out->inode = st.st_ino;
}

static const PsSocket *
find_inode (PsSnapshot *snapshot,
            guint64     inode)
{
  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (s->inode == inode)
        return s;
    }
  return NULL;
}

static gboolean
diff_touches (PsSnapshot     *old,
              PsSnapshot     *new_,
              PsSnapshotDiff *diff,
              guint64         inode)
{
  for (guint i = 0; i < diff->added->len; i++)
    if (ps_snapshot_get_socket (new_, g_array_index (diff->added, guint, i))->inode == inode)
      return TRUE;
  for (guint i = 0; i < diff->removed->len; i++)
    if (ps_snapshot_get_socket (old, g_array_index (diff->removed, guint, i))->inode == inode)
      return TRUE;
  for (guint i = 0; i < diff->changed_new->len; i++)
    if (ps_snapshot_get_socket (new_, g_array_index (diff->changed_new, guint, i))->inode == inode)
      return TRUE;
  return FALSE;
}

static void
test_scan_own_socket (void)
{
  g_autoptr(PsScanner) scanner = ps_scanner_new ();
  g_autoptr(PsSnapshot) first = NULL;
  g_autoptr(PsSnapshot) second = NULL;
  g_autoptr(PsSnapshot) renamed = NULL;
  g_autoptr(PsSnapshot) closed = NULL;
  g_autoptr(PsSnapshot) bare = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PsSnapshotDiff) diff = NULL;
  PsScanStats stats = { 0 };
  const PsSocket *s;
  const PsOwner *owner;
  TestSocket ts;
  char old_name[17] = "";
  gint64 deadline;

  open_listener (&ts);

  first = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, &stats, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpuint (stats.n_sockets, ==, ps_snapshot_get_n_sockets (first));
  /* The first scan walks every fd: ours at least (stdin..., the listener). */
  g_assert_cmpuint (stats.full_walks, ==, 1);
  g_assert_cmpuint (stats.fds_scanned, >, 3);
  g_assert_true (ps_snapshot_get_owners_complete (first));
  g_assert_cmpint (ps_snapshot_get_timestamp (first), >, 0);

  /* Sorted. */
  for (guint i = 1; i < ps_snapshot_get_n_sockets (first); i++)
    g_assert_cmpint (ps_socket_compare (ps_snapshot_get_socket (first, i - 1),
                                        ps_snapshot_get_socket (first, i)), <, 0);

  s = find_inode (first, ts.inode);
  g_assert_nonnull (s);
  g_assert_cmpint (s->protocol, ==, PS_PROTOCOL_TCP);
  g_assert_cmpint (s->family, ==, AF_INET);
  g_assert_cmpuint (s->port, ==, ts.port);
  g_assert_cmpstr (s->address_text, ==, "127.0.0.1");
  g_assert_cmpuint (s->uid, ==, geteuid ());
  g_assert_cmpint (s->owner_hidden, ==, PS_OWNER_VISIBLE);
  g_assert_cmpuint (s->owners->len, ==, 1);
  owner = g_ptr_array_index (s->owners, 0);
  g_assert_cmpint (owner->pid, ==, getpid ());
  g_assert_cmpint (owner->ppid, ==, getppid ());
  g_assert_cmpuint (owner->uid, ==, getuid ());
  g_assert_cmpuint (owner->start_time, >, 0);
  g_assert_nonnull (owner->argv[0]);
  g_assert_nonnull (strstr (owner->argv[0], "test-scanner"));
  g_assert_nonnull (owner->exe);
  g_assert_true (g_str_has_suffix (owner->exe, "test-scanner"));
  g_assert_cmpint (ps_snapshot_find (first, s), >=, 0);

  /* Steady state: nothing changed, nothing reported. */
  second = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  diff = ps_snapshot_diff (first, second);
  g_assert_false (diff_touches (first, second, diff, ts.inode));
  g_clear_pointer (&diff, ps_snapshot_diff_free);

  /* A new comm without exec is seen through the cache's stat check, which
   * runs for a slice of the owners per scan: within seconds. */
  g_assert_cmpint (prctl (PR_GET_NAME, old_name), ==, 0);
  g_assert_cmpint (prctl (PR_SET_NAME, ") S 1 (<b>"), ==, 0);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_clear_pointer (&renamed, ps_snapshot_unref);
      renamed = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, NULL, &error);
      g_assert_no_error (error);
      s = find_inode (renamed, ts.inode);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->owners->len, ==, 1);
      owner = g_ptr_array_index (s->owners, 0);
      if (g_strcmp0 (owner->name, ") S 1 (<b>") == 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (prctl (PR_SET_NAME, old_name), ==, 0);
  g_assert_cmpstr (owner->name, ==, ") S 1 (<b>");
  diff = ps_snapshot_diff (second, renamed);
  g_assert_true (diff_touches (second, renamed, diff, ts.inode));
  g_clear_pointer (&diff, ps_snapshot_diff_free);

  /* Sockets only. */
  bare = ps_scanner_scan (scanner, PS_SCAN_NO_OWNERS, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ps_snapshot_get_owners_complete (bare));
  s = find_inode (bare, ts.inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->owners->len, ==, 0);
  g_assert_cmpint (s->owner_hidden, ==, PS_OWNER_VISIBLE);

  close (ts.fd);
  closed = ps_scanner_scan (scanner, PS_SCAN_FULL_WALK, &stats, &error);
  g_assert_no_error (error);
  g_assert_null (find_inode (closed, ts.inode));
}

static void
write_file (const char *root,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (root, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* The steady state: with the same dump, no walk and no owner change, a scan
 * returns the previous snapshot; an owner that dies while its socket lives
 * on (kept by a child) is still noticed by the incremental stat checks. */
static void
test_scan_reuse (void)
{
  g_autofree char *root = g_dir_make_tmp ("portscope-scan-XXXXXX", NULL);
  g_autofree char *piddir = NULL;
  g_autofree char *fddir = NULL;
  g_autofree char *link = NULL;
  g_autoptr(PsScanner) scanner = NULL;
  g_autoptr(PsSnapshot) first = NULL;
  g_autoptr(PsSnapshot) second = NULL;
  g_autoptr(GError) error = NULL;
  const PsSocket *s;
  const PsOwner *owner;
  gint64 deadline;
  guint n_scans = 0;

  g_assert_nonnull (root);
  piddir = g_build_filename (root, "777", NULL);
  fddir = g_build_filename (piddir, "fd", NULL);
  link = g_build_filename (fddir, "3", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fddir, 0700), ==, 0);
  {
    g_autofree char *net = g_build_filename (root, "net", NULL);
    g_assert_cmpint (g_mkdir (net, 0700), ==, 0);
  }
  write_file (root, "net/tcp",
              "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
              "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242000 1 0000000000000000 100 0 0 10 0\n");
  write_file (piddir, "stat",
              "777 (fixd) S 1 777 777 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  write_file (piddir, "status", "Name:\tfixd\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
  write_file (piddir, "cmdline", "fixd\0--serve\0");
  g_assert_cmpint (symlink ("socket:[4242000]", link), ==, 0);

  g_setenv ("PORTSCOPE_PROC_ROOT", root, TRUE);
  g_setenv ("PORTSCOPE_FORCE_PROCNET", "1", TRUE);
  scanner = ps_scanner_new ();

  first = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  s = find_inode (first, 4242000);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->port, ==, 8080);
  g_assert_cmpuint (s->owners->len, ==, 1);
  owner = g_ptr_array_index (s->owners, 0);
  g_assert_cmpint (owner->pid, ==, 777);
  g_assert_cmpstr (owner->name, ==, "fixd");

  /* Nothing changed: the same snapshot, owners not read again. */
  second = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (second == first);

  /* The owner exits; the socket stays (as if a child held it). */
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (g_rmdir (fddir), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "stat", "status", "cmdline" };
      g_autofree char *path = g_build_filename (piddir, names[i], NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (piddir), ==, 0);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(PsSnapshot) later = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, NULL, &error);

      g_assert_no_error (error);
      n_scans++;
      s = find_inode (later, 4242000);
      g_assert_nonnull (s);
      if (s->owners->len == 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }
  g_test_message ("owner's exit noticed after %u scans", n_scans);

  g_unsetenv ("PORTSCOPE_FORCE_PROCNET");
  g_unsetenv ("PORTSCOPE_PROC_ROOT");
  {
    g_autofree char *tcp = g_build_filename (root, "net", "tcp", NULL);
    g_autofree char *net = g_build_filename (root, "net", NULL);
    g_unlink (tcp);
    g_rmdir (net);
    g_rmdir (root);
  }
}

static void
test_backend_default (void)
{
  const char *names[] = { NULL, "local", "bogus" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(PsBackend) backend = NULL;
      g_autoptr(PsSnapshot) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      if (names[i] != NULL)
        g_setenv ("PORTSCOPE_BACKEND", names[i], TRUE);
      else
        g_unsetenv ("PORTSCOPE_BACKEND");

      backend = ps_backend_new_default ();
      g_assert_true (PS_IS_BACKEND (backend));
      snapshot = ps_backend_scan (backend, PS_SCAN_NO_OWNERS, NULL, cancellable, &error);
      g_assert_no_error (error);
      g_assert_nonnull (snapshot);

      g_clear_pointer (&snapshot, ps_snapshot_unref);
      g_cancellable_cancel (cancellable);
      snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, cancellable, &error);
      g_assert_null (snapshot);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      g_object_add_weak_pointer (G_OBJECT (backend), (gpointer *) &backend);
      g_object_unref (backend);
      g_assert_null (backend);
    }
  g_unsetenv ("PORTSCOPE_BACKEND");
}

/* The helper backends are chosen by name; nothing is started until a scan. */
static void
test_backend_default_helpers (void)
{
  const struct { const char *name; PsBackendKind kind; } cases[] = {
    { "privileged", PS_BACKEND_KIND_PRIVILEGED },
    { "host", PS_BACKEND_KIND_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PsBackend) backend = NULL;

      g_setenv ("PORTSCOPE_BACKEND", cases[i].name, TRUE);
      backend = ps_backend_new_default ();
      g_assert_true (PS_IS_BACKEND (backend));
      g_assert_cmpint (ps_backend_get_kind (backend), ==, cases[i].kind);
      g_object_add_weak_pointer (G_OBJECT (backend), (gpointer *) &backend);
      g_object_unref (backend);
      g_assert_null (backend);
    }
  g_unsetenv ("PORTSCOPE_BACKEND");
}

static void
test_local_backend_kind (void)
{
  g_autoptr(PsBackend) backend = ps_local_backend_new ();

  g_assert_cmpint (ps_backend_get_kind (backend), ==, PS_BACKEND_KIND_LOCAL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scanner/own-socket", test_scan_own_socket);
  g_test_add_func ("/scanner/reuse", test_scan_reuse);
  g_test_add_func ("/backend/default", test_backend_default);
  g_test_add_func ("/backend/default-helpers", test_backend_default_helpers);
  g_test_add_func ("/backend/local-kind", test_local_backend_kind);

  return g_test_run ();
}

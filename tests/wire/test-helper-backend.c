/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsHelperBackend against the real helper and against misbehaving fakes. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-helper-backend.h"
#include "ps-pin.h"
#include "ps-wire.h"

static char *tmpdir;

static const char *
helper_path (void)
{
  return g_getenv ("PORTSCOPE_HELPER_BIN");
}

static const char *
fake_path (void)
{
  static char *path;

  if (path == NULL && g_getenv ("PORTSCOPE_BUILD_DIR") != NULL)
    path = g_build_filename (g_getenv ("PORTSCOPE_BUILD_DIR"), "tests", "wire", "fake-helper", NULL);
  return path;
}

static int
listen_loopback (guint64 *inode)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct stat st;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (listen (fd, 4));
  g_assert_no_errno (fstat (fd, &st));
  *inode = st.st_ino;
  return fd;
}

static const PsSocket *
find_inode (PsSnapshot *snapshot,
            guint64     inode)
{
  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    if (ps_snapshot_get_socket (snapshot, i)->inode == inode)
      return ps_snapshot_get_socket (snapshot, i);
  return NULL;
}

static PsBackend *
fake_backend (const char *mode)
{
  const char *argv[] = { fake_path (), mode, NULL };
  PsBackend *backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv);

  ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (backend), 2000, 2000, 200, 400);
  return backend;
}

/* Waits (with a deadline) until PID no longer exists. */
static void
assert_pid_gone (gint32 pid)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_cmpint (pid, >, 0);
  while (kill (pid, 0) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
test_real_scan (void)
{
  const char *argv[] = { helper_path (), "serve", NULL };
  g_autoptr(PsBackend) backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv);
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  PsScanStats stats = { 0 };
  const PsSocket *s;
  const PsOwner *owner;
  guint64 inode;
  gint32 helper_pid;
  int fd = listen_loopback (&inode);

  g_assert_cmpint (ps_backend_get_kind (backend), ==, PS_BACKEND_KIND_PRIVILEGED);
  snapshot = ps_backend_scan (backend, PS_SCAN_FULL_WALK, &stats, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  g_assert_true (ps_snapshot_get_owners_complete (snapshot));
  g_assert_cmpuint (stats.n_sockets, ==, ps_snapshot_get_n_sockets (snapshot));

  s = find_inode (snapshot, inode);
  g_assert_nonnull (s);
  g_assert_cmpint (s->protocol, ==, PS_PROTOCOL_TCP);
  g_assert_cmpstr (s->address_text, ==, "127.0.0.1");
  g_assert_cmpint (s->owner_hidden, ==, PS_OWNER_VISIBLE);
  g_assert_cmpuint (s->owners->len, ==, 1);
  owner = g_ptr_array_index (s->owners, 0);
  g_assert_cmpint (owner->pid, ==, getpid ());
  g_assert_cmpstr (owner->name, ==, "test-helper-bac");
  g_assert_nonnull (owner->argv[0]);
  g_assert_true (g_str_has_suffix (owner->argv[0], "test-helper-backend"));
  g_assert_nonnull (owner->user);

  g_assert_true (ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)));
  helper_pid = ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (backend));
  g_assert_cmpuint (ps_helper_backend_get_helper_uid (PS_HELPER_BACKEND (backend)), ==, geteuid ());

  /* A second scan reuses the same helper. */
  g_clear_pointer (&snapshot, ps_snapshot_unref);
  close (fd);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (find_inode (snapshot, inode));
  g_assert_cmpint (ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (backend)), ==, helper_pid);

  /* Lock: the helper exits, scans fail until started again. */
  ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
  g_assert_false (ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)));
  assert_pid_gone (helper_pid);
  g_clear_pointer (&snapshot, ps_snapshot_unref);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_STOPPED);
  g_assert_null (snapshot);
  g_clear_error (&error);

  g_assert_true (ps_helper_backend_start (PS_HELPER_BACKEND (backend), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (backend)), !=, helper_pid);
  helper_pid = ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (backend));

  /* Dropping the backend closes the helper's stdin: it exits. */
  g_clear_object (&backend);
  assert_pid_gone (helper_pid);
}

static void
test_real_terminate (void)
{
  const char *argv[] = { helper_path (), "serve", NULL };
  g_autoptr(PsBackend) backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv);
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  const PsSocket *s;
  const PsOwner *owner;
  guint64 inode;
  gboolean exited = FALSE;
  int code = -1;
  int status;
  int fd = listen_loopback (&inode);
  pid_t child = fork ();

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      for (;;)
        pause ();
    }
  close (fd);

  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  s = find_inode (snapshot, inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->owners->len, ==, 1);
  owner = g_ptr_array_index (s->owners, 0);
  g_assert_cmpint (owner->pid, ==, child);

  /* Wrong start time: not signalled. */
  g_assert_true (ps_helper_backend_terminate (PS_HELPER_BACKEND (backend), child, owner->start_time + 1,
                                              inode, SIGTERM, 0, &code, &exited, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (code, ==, PS_PIN_GONE);
  g_assert_cmpint (waitpid (child, &status, WNOHANG), ==, 0);

  g_assert_true (ps_helper_backend_terminate (PS_HELPER_BACKEND (backend), child, owner->start_time,
                                              inode, SIGTERM, 5000, &code, &exited, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (code, ==, PS_PIN_OK);
  g_assert_true (exited);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);
}

static void
terminate_async_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  int *code = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ps_helper_backend_terminate_finish (PS_HELPER_BACKEND (source), result, code, NULL, &error));
  g_assert_no_error (error);
}

static void
test_terminate_async (void)
{
  const char *argv[] = { helper_path (), "serve", NULL };
  g_autoptr(PsBackend) backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int code = 12345;

  /* PID 1 is refused by the helper; the main loop runs meanwhile. */
  ps_helper_backend_terminate_async (PS_HELPER_BACKEND (backend), 1, 0, 0, SIGTERM, 0, NULL,
                                     terminate_async_cb, &code);
  while (code == 12345)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (code, ==, PS_PIN_REFUSED);
}

/* How many times the fake helper started in MODE (it logs "MODE PID" lines). */
static guint
count_starts (const char *mode)
{
  g_autofree char *log = g_build_filename (tmpdir, "fake.log", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *prefix = g_strconcat (mode, " ", NULL);
  guint n = 0;

  if (!g_file_get_contents (log, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_prefix (lines[i], prefix);
  return n;
}

/* Killed mid-request: an error at once, no restart during the backoff, then
 * a restart that works. */
static void
test_killed_mid_request (void)
{
  const char *mode = "die-once";
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0, deadline;

  backend = fake_backend ("die-once");
  /* The restart runs the real helper: a full /proc walk may be slow here.
   * The backoff (5 s) is far longer than the step between the first two
   * scans may take on a loaded machine, and the request deadline (60 s) far
   * longer than "at once" (15 s), so each assertion below can only fail
   * when the behaviour it checks breaks. */
  ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (backend), 60000, 60000, 5000, 10000);

  t0 = g_get_monotonic_time ();
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED);
  g_assert_null (snapshot);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_starts (mode), ==, 1);
  g_clear_error (&error);

  /* During the backoff: the same error, no new process. */
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED);
  g_assert_true (strstr (error->message, "Trying again") != NULL);
  g_assert_cmpuint (count_starts (mode), ==, 1);
  g_clear_error (&error);

  /* After it, a restart (the fake now runs the real helper). */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (snapshot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_clear_error (&error);
      g_usleep (50 * 1000);
      snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count_starts (mode), ==, 2);
  g_assert_cmpuint (ps_snapshot_get_n_sockets (snapshot), >, 0);
}

/* The backoff doubles up to its cap. */
static void
test_backoff_grows (void)
{
  const char *mode = "die";
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last = 0;
  gint64 gaps[4];

  backend = fake_backend ("die");
  ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (backend), 0, 0, 100, 400);

  for (guint starts = 0; starts < 5;)
    {
      PsSnapshot *snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);

      g_assert_null (snapshot);
      g_clear_error (&error);
      if (count_starts (mode) > starts)
        {
          gint64 now = g_get_monotonic_time ();

          if (starts > 0)
            gaps[starts - 1] = now - last;
          last = now;
          starts = count_starts (mode);
        }
      g_usleep (10 * 1000);
    }
  /* 100, 200, 400, 400 ms (plus the time a start takes). */
  g_assert_cmpint (gaps[0], >=, 100 * 1000);
  g_assert_cmpint (gaps[1], >=, 200 * 1000);
  g_assert_cmpint (gaps[2], >=, 400 * 1000);
  g_assert_cmpint (gaps[3], >=, 400 * 1000);
  g_assert_cmpint (gaps[3], <, 2 * G_USEC_PER_SEC);
}

static void
assert_scan_fails (const char *mode,
                   GQuark      domain,
                   int         code,
                   gint64      max_usec)
{
  g_autoptr(PsBackend) backend = fake_backend (mode);
  g_autoptr(GError) error = NULL;
  PsSnapshot *snapshot;
  gint64 t0 = g_get_monotonic_time ();

  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, domain, code);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, max_usec);
  g_test_message ("%s: %s", mode, error->message);
}

static gint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  p = strstr (status, "VmHWM:");
  g_assert_nonnull (p);
  return g_ascii_strtoll (p + 6, NULL, 10);
}

static void
test_misbehaving (void)
{
  gint64 rss0 = peak_rss_kib ();

  /* Hangs: the request deadline (2 s) holds. */
  assert_scan_fails ("hang", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_TIMED_OUT, 6 * G_USEC_PER_SEC);
  /* Never says hello: the hello deadline (2 s). */
  assert_scan_fails ("silent", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_TIMED_OUT, 6 * G_USEC_PER_SEC);
  /* Floods: the first bad header ends it. */
  assert_scan_fails ("flood", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL, 6 * G_USEC_PER_SEC);
  /* Floods one maximal frame of junk, then more: one bounded frame is read. */
  assert_scan_fails ("flood-frame", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (peak_rss_kib () - rss0, <, 2 * PS_WIRE_MAX_FRAME / 1024 + 8 * 1024);
  /* Another protocol version. */
  assert_scan_fails ("version", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL, 6 * G_USEC_PER_SEC);
  /* Exits before hello, without being pkexec. */
  assert_scan_fails ("exit126", PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED, 6 * G_USEC_PER_SEC);
  /* Does not exist. */
  {
    const char *argv[] = { "/nonexistent/portscope-helper", "serve", NULL };
    g_autoptr(PsBackend) backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv);
    g_autoptr(GError) error = NULL;

    g_assert_null (ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error));
    g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED);
  }
}

/* pkexec's exit statuses become clear errors. */
static void
test_pkexec_statuses (void)
{
  g_autofree char *pkexec = g_build_filename (tmpdir, "pkexec", NULL);
  const char *argv126[] = { pkexec, "exit126", NULL };
  const char *argv127[] = { pkexec, "exit127", NULL };
  g_autoptr(PsBackend) b126 = NULL;
  g_autoptr(PsBackend) b127 = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (symlink (fake_path (), pkexec));
  b126 = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv126);
  b127 = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv127);

  g_assert_false (ps_helper_backend_start (PS_HELPER_BACKEND (b126), NULL, &error));
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED);
  g_assert_cmpstr (error->message, ==, "Authentication was cancelled");
  g_clear_error (&error);

  g_assert_false (ps_helper_backend_start (PS_HELPER_BACKEND (b127), NULL, &error));
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED);
  g_clear_error (&error);

  /* A cancelled prompt is not asked again by scans, even after the backoff:
   * they repeat why, until an explicit start. */
  {
    g_autoptr(PsBackend) backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_PRIVILEGED, argv126);
    guint starts;

    ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (backend), 0, 0, 10, 10);
    g_assert_null (ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error));
    g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED);
    g_clear_error (&error);
    starts = count_starts ("exit126");
    g_usleep (100 * 1000);
    for (int i = 0; i < 3; i++)
      {
        g_assert_null (ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error));
        g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_STOPPED);
        g_assert_cmpstr (error->message, ==, "Authentication was cancelled");
        g_clear_error (&error);
      }
    g_assert_cmpuint (count_starts ("exit126"), ==, starts);
    g_assert_false (ps_helper_backend_start (PS_HELPER_BACKEND (backend), NULL, &error));
    g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED);
    g_assert_cmpuint (count_starts ("exit126"), ==, starts + 1);
  }
  g_unlink (pkexec);
}

/* ps_helper_backend_new() builds `pkexec HELPER serve` from the environment;
 * a pass-through pkexec runs the real helper. */
static void
test_privileged_command (void)
{
  g_autofree char *log = g_build_filename (tmpdir, "pkexec.log", NULL);
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *logged = NULL;
  g_autofree char *expected = NULL;

  backend = ps_helper_backend_new (PS_HELPER_MODE_PRIVILEGED);
  g_assert_cmpint (ps_backend_get_kind (backend), ==, PS_BACKEND_KIND_PRIVILEGED);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  g_assert_true (g_file_get_contents (log, &logged, NULL, NULL));
  expected = g_strdup_printf ("%s serve\n", helper_path ());
  g_assert_cmpstr (logged, ==, expected);
}

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
test_host_copy (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "data", NULL);
  g_autofree char *stale = g_build_filename (dir, "portscope-helper-0.0.1-0123456789abcdef", NULL);
  g_autofree char *path = NULL;
  g_autofree char *again = NULL;
  g_autofree char *want = sha256_of (helper_path ());
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  g_assert_true (g_file_set_contents (stale, "old", -1, NULL));

  path = ps_helper_backend_install_host_copy (helper_path (), dir, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_true (strstr (path, PACKAGE_VERSION) != NULL);
  got = sha256_of (path);
  g_assert_cmpstr (got, ==, want);
  g_assert_no_errno (stat (path, &st));
  g_assert_true (st.st_mode & S_IXUSR);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));

  /* Tampered with: replaced before the next start. */
  g_assert_true (g_file_set_contents (path, "#!/bin/sh\necho evil\n", -1, NULL));
  again = ps_helper_backend_install_host_copy (helper_path (), dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, path);
  g_clear_pointer (&got, g_free);
  got = sha256_of (path);
  g_assert_cmpstr (got, ==, want);
}

/* Host mode with a pass-through flatpak-spawn: the copy in XDG_DATA_HOME runs. */
static void
test_host_mode (void)
{
  g_autofree char *log = g_build_filename (tmpdir, "spawn.log", NULL);
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *logged = NULL;
  g_autofree char *prefix = NULL;
  const PsSocket *s;
  guint64 inode;
  int fd = listen_loopback (&inode);

  backend = ps_helper_backend_new (PS_HELPER_MODE_HOST);
  g_assert_cmpint (ps_backend_get_kind (backend), ==, PS_BACKEND_KIND_HOST);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  s = find_inode (snapshot, inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->owners->len, ==, 1);
  g_assert_cmpint (((PsOwner *) g_ptr_array_index (s->owners, 0))->pid, ==, getpid ());

  g_assert_true (g_file_get_contents (log, &logged, NULL, NULL));
  prefix = g_strdup_printf ("--host --watch-bus %s/portscope-helper-%s-", g_get_user_data_dir (), PACKAGE_VERSION);
  g_assert_true (g_str_has_prefix (logged, prefix));
  g_assert_true (g_str_has_suffix (logged, " serve\n"));
  close (fd);
}

/* Host mode with a copy that speaks another protocol version: the copy is
 * removed, and the next start places a fresh one. */
static void
test_host_version_mismatch (void)
{
  g_autofree char *flag = g_build_filename (tmpdir, "spawn-version", NULL);
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;

  backend = ps_helper_backend_new (PS_HELPER_MODE_HOST);
  copy = ps_helper_backend_install_host_copy (helper_path (), g_get_user_data_dir (), &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));

  /* The fake flatpak-spawn now runs a helper that says hello in version 2. */
  g_assert_true (g_file_set_contents (flag, "", -1, NULL));
  g_assert_false (ps_helper_backend_start (PS_HELPER_BACKEND (backend), NULL, &error));
  g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Back to this version: a fresh copy, and it works. */
  g_unlink (flag);
  g_assert_true (ps_helper_backend_start (PS_HELPER_BACKEND (backend), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
}

/* Host mode when the host cannot be reached at all (flatpak-spawn fails, as
 * without --talk-name=org.freedesktop.Flatpak): sockets still listed. */
static void
test_host_unreachable (void)
{
  g_autofree char *refuse = g_build_filename (tmpdir, "spawn-refuse", NULL);
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  const PsSocket *s;
  guint64 inode;
  int fd = listen_loopback (&inode);

  g_assert_true (g_file_set_contents (refuse, "", -1, NULL));
  backend = ps_helper_backend_new (PS_HELPER_MODE_HOST);
  ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (backend), 0, 0, 1, 1);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  s = find_inode (snapshot, inode);
  g_assert_nonnull (s);
  g_assert_false (ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)));
  /* ...and says why, for the banner. */
  reason = ps_helper_backend_dup_unavailable_reason (PS_HELPER_BACKEND (backend));
  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, !=, "");
  close (fd);
  g_unlink (refuse);

  /* Once the helper runs (after the 1 ms backoff), the reason is gone. */
  g_usleep (2000);
  g_clear_pointer (&snapshot, ps_snapshot_unref);
  snapshot = ps_backend_scan (backend, PS_SCAN_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)));
  g_clear_pointer (&reason, g_free);
  reason = ps_helper_backend_dup_unavailable_reason (PS_HELPER_BACKEND (backend));
  g_assert_null (reason);
}

static void
check_permission (const char *contents,
                  gboolean    expected)
{
  g_autofree char *path = g_build_filename (tmpdir, "flatpak-info", NULL);
  g_autoptr(GError) error = NULL;
  gboolean allowed;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  allowed = ps_helper_backend_check_host_permission (path, &error);
  g_assert_cmpint (allowed, ==, expected);
  if (expected)
    g_assert_no_error (error);
  else
    g_assert_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED);
  g_unlink (path);
}

static void
test_host_permission (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-flatpak-info", NULL);

  check_permission ("[Application]\nname=io.github.portscope.Portscope\n\n"
                    "[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n", TRUE);
  check_permission ("[Application]\nname=io.github.portscope.Portscope\n\n"
                    "[Context]\nshared=network;ipc;\nsockets=x11;wayland;session-bus;\n", TRUE);
  /* The permission removed with `flatpak override --no-talk-name`. */
  check_permission ("[Application]\nname=io.github.portscope.Portscope\n\n"
                    "[Context]\nshared=network;ipc;\nsockets=x11;wayland;\n\n"
                    "[Session Bus Policy]\norg.freedesktop.Notifications=talk\n", FALSE);
  check_permission ("[Session Bus Policy]\norg.freedesktop.Flatpak=see\n", FALSE);
  /* Unreadable or not a key file: unknown, so the start is tried. */
  check_permission ("\x01 not a key file [", TRUE);
  g_assert_true (ps_helper_backend_check_host_permission (missing, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *fake_log = NULL;
  g_autofree char *fake_state = NULL;
  g_autofree char *pkexec = NULL;
  g_autofree char *spawn = NULL;
  g_autofree char *script = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("test-helper-backend-XXXXXX", &error);
  g_assert_no_error (error);
  /* The whole environment is set here, before any thread: GLib caches
   * XDG_DATA_HOME, and setenv() races with threads. */
  data_home = g_build_filename (tmpdir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  fake_log = g_build_filename (tmpdir, "fake.log", NULL);
  fake_state = g_build_filename (tmpdir, "die-once.state", NULL);
  g_setenv ("FAKE_HELPER_LOG", fake_log, TRUE);
  g_setenv ("FAKE_HELPER_STATE", fake_state, TRUE);
  if (helper_path () != NULL)
    {
      g_setenv ("FAKE_HELPER_REAL", helper_path (), TRUE);
      g_setenv ("PORTSCOPE_HELPER", helper_path (), TRUE);
    }
  /* A pkexec that runs its arguments, and a flatpak-spawn that checks its
   * options and runs the rest on "the host" (here), or fails like one
   * without permission when spawn-refuse exists. */
  pkexec = g_build_filename (tmpdir, "fake-pkexec", NULL);
  script = g_strdup_printf ("#!/bin/sh\necho \"$@\" >> '%s/pkexec.log'\nexec \"$@\"\n", tmpdir);
  g_assert_true (g_file_set_contents_full (pkexec, script, -1, G_FILE_SET_CONTENTS_NONE, 0700, NULL));
  g_setenv ("PORTSCOPE_PKEXEC", pkexec, TRUE);
  spawn = g_build_filename (tmpdir, "fake-flatpak-spawn", NULL);
  g_free (script);
  script = g_strdup_printf ("#!/bin/sh\n"
                            "[ -e '%s/spawn-refuse' ] && exit 1\n"
                            "[ -e '%s/spawn-version' ] && exec '%s' version\n"
                            "echo \"$@\" >> '%s/spawn.log'\n"
                            "[ \"$1\" = --host ] && [ \"$2\" = --watch-bus ] || exit 3\n"
                            "shift 2\nexec \"$@\"\n", tmpdir, tmpdir, fake_path (), tmpdir);
  g_assert_true (g_file_set_contents_full (spawn, script, -1, G_FILE_SET_CONTENTS_NONE, 0700, NULL));
  g_setenv ("PORTSCOPE_FLATPAK_SPAWN", spawn, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (helper_path () == NULL || fake_path () == NULL)
    {
      g_printerr ("PORTSCOPE_HELPER_BIN and PORTSCOPE_BUILD_DIR must be set\n");
      return 77;
    }

  g_test_add_func ("/helper-backend/real-scan", test_real_scan);
  g_test_add_func ("/helper-backend/real-terminate", test_real_terminate);
  g_test_add_func ("/helper-backend/terminate-async", test_terminate_async);
  g_test_add_func ("/helper-backend/killed-mid-request", test_killed_mid_request);
  g_test_add_func ("/helper-backend/backoff-grows", test_backoff_grows);
  g_test_add_func ("/helper-backend/misbehaving", test_misbehaving);
  g_test_add_func ("/helper-backend/pkexec-statuses", test_pkexec_statuses);
  g_test_add_func ("/helper-backend/privileged-command", test_privileged_command);
  g_test_add_func ("/helper-backend/host-copy", test_host_copy);
  g_test_add_func ("/helper-backend/host-mode", test_host_mode);
  g_test_add_func ("/helper-backend/host-version-mismatch", test_host_version_mismatch);
  g_test_add_func ("/helper-backend/host-unreachable", test_host_unreachable);
  g_test_add_func ("/helper-backend/host-permission", test_host_permission);

  status = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return status;
}

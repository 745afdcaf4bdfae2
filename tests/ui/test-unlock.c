/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unlock and Lock in the window, with PORTSCOPE_PKEXEC pointed at small fake
 * pkexecs: one that exits 126 (a cancelled prompt), one that exits 127 (not
 * authorized) and one that runs the real helper as an allowing pkexec would.
 * Also a helper that dies mid-session: the banner says so, the list stays,
 * and the restarted helper hides the banner again.  The real polkit path is
 * tested at the backend level in tests/wire/unlock.py. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ps-backend.h"
#include "ps-helper-backend.h"
#include "ps-window.h"
#include "ui-common.h"

static char *fake_dir;
static const char * const scripts[] = { "dismiss", "deny", "allow", "wait" };

/* Writes an executable shell script DIR/pkexec with BODY into the scratch
 * folder (the backend reads pkexec's exit status only from a "pkexec") and
 * points PORTSCOPE_PKEXEC at it. */
static void
use_pkexec (const char *dir,
            const char *body)
{
  g_autofree char *folder = g_build_filename (fake_dir, dir, NULL);
  g_autofree char *path = g_build_filename (folder, "pkexec", NULL);
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\n%s\n", body);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, 0755), ==, 0);
  g_setenv ("PORTSCOPE_PKEXEC", path, TRUE);
}

static const char *
subtitle (PsWindow *window)
{
  return adw_window_title_get_subtitle (ui_template_child (window, PS_TYPE_WINDOW, "window_title"));
}

static PsBackendKind
kind (PsWindow *window)
{
  return ps_backend_get_kind (ps_monitor_get_backend (ps_window_get_monitor (window)));
}

static gboolean
has_full_snapshot (gpointer data)
{
  PsMonitor *monitor = ps_window_get_monitor (data);

  /* The first scan lists sockets only; the second brings owners. */
  return ps_monitor_get_n_scans (monitor) >= 2 && ps_monitor_get_snapshot (monitor) != NULL;
}

static PsWindow *
window_new (void)
{
  PsWindow *window = ps_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_wait_for (has_full_snapshot, window));
  return window;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
window_destroy_and_check (PsWindow *window)
{
  gpointer window_ptr = window;
  gpointer monitor_ptr = ps_window_get_monitor (window);

  g_object_add_weak_pointer (G_OBJECT (window), &window_ptr);
  g_object_add_weak_pointer (G_OBJECT (monitor_ptr), &monitor_ptr);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (ui_wait_for (is_null, &window_ptr));
  g_assert_true (ui_wait_for (is_null, &monitor_ptr));
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return TRUE;
      if (find_label (child, text))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  PsWindow *window;
  const char *text;
} TextWait;

/* A toast is a label inside the toast overlay, outside its child. */
static gboolean
toast_shown (gpointer data)
{
  TextWait *wait = data;
  GtkWidget *overlay = ui_template_child (wait->window, PS_TYPE_WINDOW, "toast_overlay");

  for (GtkWidget *child = gtk_widget_get_first_child (overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child == GTK_WIDGET (ui_template_child (wait->window, PS_TYPE_WINDOW, "leaflet")))
        continue;
      if (find_label (child, wait->text))
        return TRUE;
    }
  return FALSE;
}

/* Activates Unlock and checks the waiting state it shows at once. */
static void
activate_unlock (PsWindow *window)
{
  GtkWidget *button = ui_template_child (window, PS_TYPE_WINDOW, "unlock_button");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.unlock", NULL));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button))));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Waiting for authentication…");
  g_assert_cmpstr (gtk_button_get_label (ui_template_child (window, PS_TYPE_WINDOW, "banner_unlock_button")), ==,
                   "Waiting for authentication…");
}

static const char *
limited_subtitle (void)
{
  /* As root nothing is hidden from the in-process backend. */
  return geteuid () == 0 ? "All processes" : "Your processes";
}

static gboolean
waiting_over (gpointer data)
{
  GtkWidget *button = ui_template_child (data, PS_TYPE_WINDOW, "unlock_button");

  return !GTK_IS_SPINNER (gtk_button_get_child (GTK_BUTTON (button)));
}

static void
refused (const char *dir,
         const char *body,
         const char *message)
{
  PsWindow *window;
  TextWait wait;

  use_pkexec (dir, body);
  window = window_new ();
  g_assert_cmpint (kind (window), ==, PS_BACKEND_KIND_LOCAL);
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "lock_button")));
  /* Unlock is offered unless it could not help (running as root). */
  g_assert_cmpint (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "unlock_button")), ==, geteuid () != 0);

  activate_unlock (window);
  g_assert_true (ui_wait_for (waiting_over, window));
  wait = (TextWait) { window, message };
  g_assert_true (ui_wait_for (toast_shown, &wait));

  /* Still the limited view, and it says so. */
  g_assert_cmpint (kind (window), ==, PS_BACKEND_KIND_LOCAL);
  g_assert_cmpstr (subtitle (window), ==, limited_subtitle ());
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "lock_button")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ui_template_child (window, PS_TYPE_WINDOW, "unlock_button")), ==,
                   "Unlock — show every owner");

  window_destroy_and_check (window);
}

static void
test_dismissed (void)
{
  refused ("dismiss", "exit 126", "Authentication was cancelled");
}

static void
test_not_authorized (void)
{
  refused ("deny", "exit 127", "Not authorized to see every owner");
}

static gboolean
is_unlocked (gpointer data)
{
  PsWindow *window = data;

  return kind (window) == PS_BACKEND_KIND_PRIVILEGED &&
         g_strcmp0 (subtitle (window), "All processes — unlocked") == 0;
}

static gboolean
is_locked (gpointer data)
{
  PsWindow *window = data;

  return kind (window) != PS_BACKEND_KIND_PRIVILEGED &&
         g_strcmp0 (subtitle (window), limited_subtitle ()) == 0;
}

static gboolean
process_gone (gpointer data)
{
  pid_t pid = GPOINTER_TO_INT (data);
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *paren;

  if (kill (pid, 0) < 0 && errno == ESRCH)
    return TRUE;
  /* Exited but not yet reaped also counts. */
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  paren = strrchr (stat, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

static gboolean
file_exists (gpointer data)
{
  g_autofree char *text = NULL;

  /* Written and complete: a pid and its newline. */
  return g_file_get_contents (data, &text, NULL, NULL) && strchr (text, '\n') != NULL;
}

typedef struct
{
  PsWindow *window;
  guint n_scans;
} ScanWait;

static gboolean
scanned_since (gpointer data)
{
  ScanWait *wait = data;

  return ps_monitor_get_n_scans (ps_window_get_monitor (wait->window)) > wait->n_scans;
}

/* Unlocks with the allowing pkexec; returns the helper's pid. */
static pid_t
unlock (PsWindow *window)
{
  PsHelperBackend *backend;
  ScanWait wait = { window, 0 };
  g_autofree char *exe_link = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *expected = NULL;
  pid_t pid;

  activate_unlock (window);
  g_assert_true (ui_wait_for (is_unlocked, window));
  g_assert_true (ui_wait_for (waiting_over, window));

  /* The real helper answers now, through the monitor. */
  backend = PS_HELPER_BACKEND (ps_monitor_get_backend (ps_window_get_monitor (window)));
  g_assert_true (ps_helper_backend_is_running (backend));
  pid = ps_helper_backend_get_helper_pid (backend);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (pid, !=, getpid ());
  exe_link = g_strdup_printf ("/proc/%d/exe", pid);
  exe = g_file_read_link (exe_link, NULL);
  expected = realpath (g_getenv ("PORTSCOPE_HELPER_BIN"), NULL);
  g_assert_nonnull (exe);
  g_assert_cmpstr (exe, ==, expected);

  wait.n_scans = ps_monitor_get_n_scans (ps_window_get_monitor (window));
  g_assert_true (ui_wait_for (scanned_since, &wait));
  g_assert_cmpint (kind (window), ==, PS_BACKEND_KIND_PRIVILEGED);

  g_assert_true (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "lock_button")));
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "unlock_button")));
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "banner_unlock_button")));
  return pid;
}

static void
lock (PsWindow *window,
      pid_t     helper_pid)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.lock", NULL));
  g_assert_true (ui_wait_for (is_locked, window));
  g_assert_cmpint (kind (window), ==, PS_BACKEND_KIND_LOCAL);
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "lock_button")));
  /* Lock ends the helper. */
  g_assert_true (ui_wait_for (process_gone, GINT_TO_POINTER (helper_pid)));
}

static void
use_allowing_pkexec (void)
{
  use_pkexec ("allow", "exec \"$@\"");
}

static void
test_unlock_and_lock (void)
{
  PsWindow *window;
  pid_t pid;
  ScanWait wait;

  use_allowing_pkexec ();
  window = window_new ();
  pid = unlock (window);
  lock (window, pid);

  /* The list goes on in the limited view. */
  wait = (ScanWait) { window, ps_monitor_get_n_scans (ps_window_get_monitor (window)) };
  ps_monitor_refresh (ps_window_get_monitor (window), FALSE);
  g_assert_true (ui_wait_for (scanned_since, &wait));
  g_assert_cmpstr (subtitle (window), ==, limited_subtitle ());

  /* Unlock again works, and closing the window ends the helper. */
  pid = unlock (window);
  window_destroy_and_check (window);
  g_assert_true (ui_wait_for (process_gone, GINT_TO_POINTER (pid)));
}

static gboolean
helper_banner_shown (gpointer data)
{
  PsWindow *window = data;

  return gtk_revealer_get_reveal_child (ui_template_child (window, PS_TYPE_WINDOW, "hidden_banner")) &&
         g_strcmp0 (gtk_label_get_text (ui_template_child (window, PS_TYPE_WINDOW, "hidden_banner_title")),
                    "The helper stopped unexpectedly; retrying…") == 0;
}

static gboolean
helper_back (gpointer data)
{
  PsWindow *window = data;
  PsHelperBackend *backend = PS_HELPER_BACKEND (ps_monitor_get_backend (ps_window_get_monitor (window)));

  return !helper_banner_shown (window) && ps_helper_backend_is_running (backend);
}

static void
test_helper_dies (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  PsWindow *window;
  PsSnapshot *before;
  guint n_rows;
  pid_t pid;
  pid_t restarted;

  use_allowing_pkexec ();
  g_settings_set_uint (settings, "refresh-interval", 250);
  window = window_new ();
  pid = unlock (window);
  before = ps_monitor_get_snapshot (ps_window_get_monitor (window));
  g_assert_nonnull (before);
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (ps_window_get_socket_list (window)));
  g_assert_cmpuint (n_rows, >, 0);

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_true (ui_wait_for (helper_banner_shown, window));
  g_assert_cmpstr (gtk_label_get_text (ui_template_child (window, PS_TYPE_WINDOW, "hidden_banner_label")), !=, "");

  /* The list keeps the last snapshot; the view is still the unlocked one. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ps_window_get_socket_list (window))), ==, n_rows);
  g_assert_true (ps_socket_list_get_snapshot (ps_window_get_socket_list (window)) == before);
  g_assert_cmpstr (subtitle (window), ==, "All processes — unlocked");
  g_assert_true (gtk_widget_is_sensitive (ui_template_child (window, PS_TYPE_WINDOW, "column_view")));

  /* After the backoff the helper is started again and a good scan hides the banner. */
  g_assert_true (ui_wait_for (helper_back, window));
  restarted = ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (ps_monitor_get_backend (ps_window_get_monitor (window))));
  g_assert_cmpint (restarted, !=, pid);
  g_assert_true (ui_wait_for (process_gone, GINT_TO_POINTER (pid)));

  lock (window, restarted);
  window_destroy_and_check (window);
  g_settings_reset (settings, "refresh-interval");
}

/* Closing the window while the password prompt is up cancels the prompt
 * (the privileged start waits minutes for a person otherwise). */
static void
test_close_while_waiting (void)
{
  g_autofree char *pid_file = g_build_filename (fake_dir, "wait", "pid", NULL);
  g_autofree char *body = g_strdup_printf ("echo $$ > '%s'\nexec sleep 600", pid_file);
  g_autofree char *pid_text = NULL;
  PsWindow *window;
  pid_t pid;

  use_pkexec ("wait", body);
  window = window_new ();
  activate_unlock (window);
  g_assert_true (ui_wait_for (file_exists, pid_file));
  g_assert_true (g_file_get_contents (pid_file, &pid_text, NULL, NULL));
  pid = (pid_t) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_unlink (pid_file);

  window_destroy_and_check (window);
  /* The prompt (here: the fake pkexec) is ended, not left behind. */
  g_assert_true (ui_wait_for (process_gone, GINT_TO_POINTER (pid)));
}

typedef struct
{
  PsWindow *window;
  const char *title;   /* NULL: the banner is hidden */
  const char *subtitle;
} BannerWait;

static gboolean
banner_is (gpointer data)
{
  BannerWait *wait = data;
  gboolean revealed = gtk_revealer_get_reveal_child (ui_template_child (wait->window, PS_TYPE_WINDOW, "hidden_banner"));

  if (g_strcmp0 (subtitle (wait->window), wait->subtitle) != 0)
    return FALSE;
  if (wait->title == NULL)
    return !revealed;
  return revealed && g_strcmp0 (gtk_label_get_text (ui_template_child (wait->window, PS_TYPE_WINDOW, "hidden_banner_title")),
                                wait->title) == 0;
}

/* A helper that runs as nobody sees the test's own (root) listener but not
 * its owner: the banner says other users own ports, and the subtitle names
 * the helper's view.  Back on the in-process backend as root, nothing hides. */
static void
test_hidden_banner (void)
{
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsBackend) local = NULL;
  const char *helper = g_getenv ("PORTSCOPE_HELPER_BIN");
  const char *argv[] = { NULL, "--reuid=nobody", "--regid=nogroup", "--clear-groups", helper, "serve", NULL };
  PsWindow *window;
  BannerWait wait;
  int fd;

  if (geteuid () != 0 || setpriv == NULL)
    {
      g_test_skip ("needs root and setpriv");
      return;
    }
  argv[0] = setpriv;
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  {
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

    g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
    g_assert_cmpint (listen (fd, 1), ==, 0);
  }

  window = window_new ();
  backend = ps_helper_backend_new_for_argv (PS_BACKEND_KIND_HOST, argv);
  ps_monitor_set_backend (ps_window_get_monitor (window), backend);
  ps_monitor_refresh (ps_window_get_monitor (window), TRUE);

  wait = (BannerWait) { window, "Some ports belong to other users", "Host processes" };
  g_assert_true (ui_wait_for (banner_is, &wait));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (ui_template_child (window, PS_TYPE_WINDOW, "hidden_banner_label")),
                                   "but cannot see which programs hold them or end them.") ||
                 g_str_has_suffix (gtk_label_get_text (ui_template_child (window, PS_TYPE_WINDOW, "hidden_banner_label")),
                                   "but cannot see which program holds it or end it."));
  /* As root Unlock would not show more. */
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "banner_unlock_button")));
  g_assert_false (gtk_widget_get_visible (ui_template_child (window, PS_TYPE_WINDOW, "unlock_button")));

  local = ps_local_backend_new ();
  ps_monitor_set_backend (ps_window_get_monitor (window), local);
  ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
  ps_monitor_refresh (ps_window_get_monitor (window), TRUE);
  wait = (BannerWait) { window, NULL, "All processes" };
  g_assert_true (ui_wait_for (banner_is, &wait));

  window_destroy_and_check (window);
  close (fd);
}

/* Suite ui, test ui-unlock-sandbox (argument --sandbox): the window as
 * in a Flatpak without the org.freedesktop.Flatpak permission (a
 * /.flatpak-info fixture without it, and a /proc that shows no process, as
 * the sandbox's shows none of the host's).  The host backend cannot start its
 * helper; the list still shows the test's listener, owner hidden by the
 * sandbox, and the banner says why. */
static gboolean
lists_inode (gpointer data)
{
  PsWindow *window = data;
  PsSnapshot *snapshot = ps_monitor_get_snapshot (ps_window_get_monitor (window));
  guint64 inode = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (window), "test-inode"));

  for (guint i = 0; snapshot != NULL && i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (s->inode == inode)
        return s->owner_hidden == PS_OWNER_HIDDEN_SANDBOX && s->owners->len == 0;
    }
  return FALSE;
}

static gboolean
banner_says_why (gpointer data)
{
  const char *text = gtk_label_get_text (ui_template_child (data, PS_TYPE_WINDOW, "hidden_banner_label"));

  /* The reason the host backend found, not the generic sentence alone. */
  return strstr (text, "permission to talk to org.freedesktop.Flatpak is missing") != NULL;
}

static void
test_sandbox_banner (void)
{
  g_autoptr(PsBackend) backend = NULL;
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct stat st;
  PsWindow *window;
  BannerWait wait;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);

  window = window_new ();
  g_object_set_data (G_OBJECT (window), "test-inode", GSIZE_TO_POINTER ((gsize) st.st_ino));
  backend = ps_helper_backend_new (PS_HELPER_MODE_HOST);
  ps_monitor_set_backend (ps_window_get_monitor (window), backend);
  ps_monitor_refresh (ps_window_get_monitor (window), TRUE);

  wait = (BannerWait) { window, "Owners are unavailable in the sandbox", "Sandboxed: owners unavailable" };
  g_assert_true (ui_wait_for (banner_is, &wait));
  g_assert_true (ui_wait_for (lists_inode, window));
  g_assert_true (ui_wait_for (banner_says_why, window));
  g_assert_true (banner_is (&wait));
  g_assert_false (ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)));

  window_destroy_and_check (window);
  close (fd);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  gboolean sandbox = FALSE;
  int status;

  /* Our own argument, taken out before g_test_init sees it. */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--sandbox") == 0)
      {
        sandbox = TRUE;
        memmove (&argv[i], &argv[i + 1], (size_t) (argc - i) * sizeof *argv);
        argc--;
        break;
      }

  g_setenv ("PORTSCOPE_BACKEND", "local", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  if (g_getenv ("PORTSCOPE_HELPER_BIN") == NULL)
    return 77;
  /* The allowing pkexec runs what it is given: the helper of this build. */
  g_setenv ("PORTSCOPE_HELPER", g_getenv ("PORTSCOPE_HELPER_BIN"), TRUE);
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  fake_dir = g_dir_make_tmp ("portscope-unlock-XXXXXX", &error);
  g_assert_no_error (error);

  if (sandbox)
    {
      g_autofree char *info = g_build_filename (fake_dir, "flatpak-info", NULL);
      g_autofree char *proc = g_build_filename (fake_dir, "proc", NULL);

      /* Before any thread: the scanners read these when they are made. */
      g_assert_true (g_file_set_contents (info,
                                          "[Application]\nname=io.github.portscope.Portscope\n\n"
                                          "[Context]\nshared=network;ipc;\nsockets=wayland;\n", -1, NULL));
      g_assert_cmpint (g_mkdir (proc, 0755), ==, 0);
      g_setenv ("PORTSCOPE_FLATPAK_INFO", info, TRUE);
      g_setenv ("PORTSCOPE_PROC_ROOT", proc, TRUE);
      g_test_add_func ("/ui/unlock/sandbox-banner", test_sandbox_banner);
      status = g_test_run ();
      g_unlink (info);
      g_rmdir (proc);
      g_rmdir (fake_dir);
      g_free (fake_dir);
      return status;
    }

  g_test_add_func ("/ui/unlock/dismissed", test_dismissed);
  g_test_add_func ("/ui/unlock/not-authorized", test_not_authorized);
  g_test_add_func ("/ui/unlock/unlock-and-lock", test_unlock_and_lock);
  g_test_add_func ("/ui/unlock/helper-dies", test_helper_dies);
  g_test_add_func ("/ui/unlock/hidden-banner", test_hidden_banner);
  g_test_add_func ("/ui/unlock/close-while-waiting", test_close_while_waiting);

  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autofree char *folder = g_build_filename (fake_dir, scripts[i], NULL);
      g_autofree char *path = g_build_filename (folder, "pkexec", NULL);

      g_unlink (path);
      g_rmdir (folder);
    }
  g_rmdir (fake_dir);
  g_free (fake_dir);
  return status;
}

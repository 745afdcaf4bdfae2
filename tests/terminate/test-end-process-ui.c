/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process flow on a display (exit 77 without one), with a real
 * monitor and listeners this test starts: the confirm dialog (plain text,
 * Cancel the default), Cancel leaves the process alone, End frees the port
 * and the toast says so; a process name with markup and bidi characters is
 * shown literally and visibly. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <adwaita.h>

#include "ps-backend.h"
#include "ps-end-process.h"
#include "ps-monitor.h"
#include "ps-procinfo.h"
#include "ps-socket-item.h"
#include "ps-ui.h"
#include "ps-window.h"

#define DEADLINE_MS 30000

typedef struct
{
  pid_t pid;
  guint16 port;
} Child;

static G_GNUC_NORETURN void
child_main (pid_t       test_pid,
            int         ack,
            const char *comm)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  socklen_t len = sizeof sin;
  guint16 port;
  int s;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != test_pid)
    _exit (89);
  signal (SIGTERM, SIG_DFL);
  if (comm != NULL)
    prctl (PR_SET_NAME, comm);
  s = socket (AF_INET, SOCK_STREAM, 0);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (s < 0 || bind (s, (struct sockaddr *) &sin, sizeof sin) != 0 || listen (s, 4) != 0
      || getsockname (s, (struct sockaddr *) &sin, &len) != 0)
    _exit (91);
  port = ntohs (sin.sin_port);
  if (write (ack, &port, sizeof port) != sizeof port)
    _exit (92);
  for (;;)
    pause ();
}

static void
child_start (Child      *child,
             const char *comm)
{
  pid_t test_pid = getpid ();
  int ack[2];

  g_assert_no_errno (pipe2 (ack, O_CLOEXEC));
  child->pid = fork ();
  g_assert_cmpint (child->pid, >=, 0);
  if (child->pid == 0)
    child_main (test_pid, ack[1], comm);
  close (ack[1]);
  g_assert_cmpint (read (ack[0], &child->port, sizeof child->port), ==, sizeof child->port);
  close (ack[0]);
}

static void
child_stop (Child *child)
{
  if (child->pid > 0)
    {
      kill (child->pid, SIGKILL);
      waitpid (child->pid, NULL, 0);
    }
  child->pid = 0;
}

static gboolean
child_alive (pid_t pid)
{
  PsProcStat st;

  return ps_proc_read_stat (NULL, pid, &st) == 0 && st.state != 'Z';
}

static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int r;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (port);
  r = connect (s, (struct sockaddr *) &sin, sizeof sin);
  close (s);
  return r == 0;
}

typedef gboolean (*Condition) (gpointer data);

static GtkWidget *dump_on_timeout;   /* what to print when a wait times out */
static void dump_labels (GtkWidget *widget);

static void
spin_until (Condition   cond,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_MS * G_TIME_SPAN_MILLISECOND;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          if (dump_on_timeout != NULL)
            dump_labels (dump_on_timeout);
          g_error ("timed out waiting for %s", what);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The monitor's latest snapshot has PORT with an owner. */
typedef struct
{
  PsMonitor *monitor;
  guint16 port;
  pid_t pid;
  gint index;
} FindData;

static gboolean
snapshot_has_owner (gpointer data)
{
  FindData *f = data;
  PsSnapshot *snapshot = ps_monitor_get_snapshot (f->monitor);

  if (snapshot == NULL)
    return FALSE;
  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (s->port != f->port || s->owners->len == 0)
        continue;
      if (((const PsOwner *) g_ptr_array_index (s->owners, 0))->pid == f->pid)
        {
          f->index = (gint) i;
          return TRUE;
        }
    }
  ps_monitor_refresh (f->monitor, TRUE);
  return FALSE;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

/* Whether a label under WIDGET shows TEXT (toasts have no public list). */
static gboolean
has_label_text (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget))
    {
      const char *shown = gtk_label_get_text (GTK_LABEL (widget));

      if (shown != NULL && strstr (shown, text) != NULL)
        return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_label_text (c, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks a response button as a user would: the dialog closes and emits
 * "response" once. */
static void
click_response (AdwMessageDialog *dialog,
                const char       *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  GtkWidget *overlay;
  const char *text;
} ToastWait;

static void
dump_labels (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    g_printerr ("label: %s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_labels (c);
}

static gboolean
toast_shown (gpointer data)
{
  ToastWait *t = data;

  dump_on_timeout = t->overlay;
  return has_label_text (t->overlay, t->text);
}

static gboolean
child_exited (gpointer data)
{
  return !child_alive (*(pid_t *) data);
}

typedef struct
{
  GtkWindow *window;
  AdwToastOverlay *overlay;
  PsMonitor *monitor;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PsBackend) backend = ps_local_backend_new ();

  f->window = GTK_WINDOW (gtk_window_new ());
  f->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->overlay));
  gtk_window_set_default_size (f->window, 600, 400);
  gtk_window_present (f->window);
  f->monitor = ps_monitor_new (backend);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;

  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  dump_on_timeout = NULL;
  gtk_window_destroy (f->window);
  g_clear_object (&f->monitor);
}

static PsSocketItem *
item_for (Fixture *f,
          Child   *child)
{
  FindData find = { f->monitor, child->port, child->pid, -1 };

  ps_monitor_refresh (f->monitor, TRUE);
  spin_until (snapshot_has_owner, &find, "the listener in a snapshot");
  return ps_socket_item_new (ps_monitor_get_snapshot (f->monitor), (guint) find.index);
}

static void
test_cancel_then_end (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PsSocketItem) item = NULL;
  g_autoptr(PsEndProcessPins) pins = NULL;
  g_autofree char *free_text = NULL;
  AdwMessageDialog *dialog;
  ToastWait toast;
  Child child;

  child_start (&child, "ps-ui-target");
  item = item_for (f, &child);
  pins = ps_end_process_pin (item);

  /* Cancel: the default and close response; nothing is sent. */
  ps_end_process_run (f->window, f->overlay, f->monitor, item, pins);
  spin_until (dialog_shown, NULL, "the confirm dialog");
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "End “ps-ui-target”?");
  g_assert_false (adw_message_dialog_get_heading_use_markup (dialog));
  g_assert_false (adw_message_dialog_get_body_use_markup (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Unsaved work in it will be lost."));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "end"), ==, "_End Process");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "end"), ==, ADW_RESPONSE_DESTRUCTIVE);
  click_response (dialog, "_Cancel");
  spin_until (dialog_gone, NULL, "the dialog to close");
  g_assert_true (child_alive (child.pid));
  g_assert_true (port_accepts (child.port));

  /* End: the process exits, the port is free, and the toast says so. */
  ps_end_process_run (f->window, f->overlay, f->monitor, item, pins);
  spin_until (dialog_shown, NULL, "the confirm dialog");
  click_response (find_dialog (), "_End Process");
  spin_until (child_exited, &child.pid, "the target to exit");
  free_text = g_strdup_printf ("Port %u is free", child.port);
  toast.overlay = GTK_WIDGET (f->overlay);
  toast.text = free_text;
  spin_until (toast_shown, &toast, "“Port N is free”");
  g_assert_false (port_accepts (child.port));
  child_stop (&child);
}

static void
test_untrusted_name (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PsSocketItem) item = NULL;
  AdwMessageDialog *dialog;
  ToastWait toast;
  Child child;

  /* A name with markup, an entity and a right-to-left override. */
  child_start (&child, "<b>x&amp;\xe2\x80\xae");
  item = item_for (f, &child);

  ps_end_process_run (f->window, f->overlay, f->monitor, item, NULL);
  spin_until (dialog_shown, NULL, "the confirm dialog");
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "End “<b>x&amp;\\u{202E}”?");
  g_assert_false (adw_message_dialog_get_heading_use_markup (dialog));

  /* It exits before End (we end it here); End then pins against the identity
   * shown, says so, and the name appears literally in the toast, not as
   * markup. */
  child_stop (&child);
  click_response (dialog, "_End Process");
  toast.overlay = GTK_WIDGET (f->overlay);
  toast.text = "“<b>x&amp;\\u{202E}” had already exited";
  spin_until (toast_shown, &toast, "the name shown literally in a toast");
}

typedef struct
{
  PsWindow *window;
  Child *child;
} SelectWait;

static gboolean
owner_selected (gpointer data)
{
  SelectWait *w = data;
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (gtk_widget_get_template_child (GTK_WIDGET (w->window), PS_TYPE_WINDOW, "selection"));
  PsSocketItem *item;

  g_assert_nonnull (selection);
  item = gtk_single_selection_get_selected_item (selection);
  return item != NULL && ps_socket_item_get_port (item) == w->child->port
         && ps_socket_item_get_pid (item) == w->child->pid;
}

/* Through the real window: select the row, the window's End Process action
 * (what Delete and the pane's button trigger), End, the truth in a toast. */
static void
test_window (void)
{
  g_autofree char *free_text = NULL;
  AdwMessageDialog *dialog;
  PsWindow *window;
  SelectWait select;
  ToastWait toast;
  Child child;

  child_start (&child, "ps-ui-window");
  window = ps_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  ps_window_search_port (window, child.port);
  select.window = window;
  select.child = &child;
  spin_until (owner_selected, &select, "the listener's row selected");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.end-process", NULL));
  spin_until (dialog_shown, NULL, "the confirm dialog");
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "End “ps-ui-window”?");
  click_response (dialog, "_End Process");
  spin_until (child_exited, &child.pid, "the target to exit");
  free_text = g_strdup_printf ("Port %u is free", child.port);
  toast.overlay = GTK_WIDGET (window);
  toast.text = free_text;
  spin_until (toast_shown, &toast, "“Port N is free” in the window");
  g_assert_false (port_accepts (child.port));
  dump_on_timeout = NULL;
  child_stop (&child);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("PORTSCOPE_BACKEND", "local", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipped\n");
      return 77;
    }
  adw_init ();
  ps_ui_ensure_types ();
  signal (SIGPIPE, SIG_IGN);

  g_test_add ("/end-process-ui/cancel-then-end", Fixture, NULL,
              fixture_set_up, test_cancel_then_end, fixture_tear_down);
  g_test_add ("/end-process-ui/untrusted-name", Fixture, NULL,
              fixture_set_up, test_untrusted_name, fixture_tear_down);
  g_test_add_func ("/end-process-ui/window", test_window);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ps-backend.h"
#include "ps-cell.h"
#include "ps-column-sorter.h"
#include "ps-detail-pane.h"
#include "ps-end-process.h"
#include "ps-helper-backend.h"
#include "ps-knowledge.h"
#include "ps-monitor.h"
#include "ps-port-query.h"
#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "ps-ui.h"
#include "ps-window.h"
#include "ps-window-private.h"

G_DEFINE_FINAL_TYPE (PsWindow, ps_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const filter_keys[] = {
  "filter-tcp", "filter-udp", "filter-ipv4", "filter-ipv6", "filter-exposed", "filter-mine",
};

PsWindow *
ps_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (PS_TYPE_WINDOW, "application", application, NULL);
}

PsMonitor *
ps_window_get_monitor (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);
  return self->monitor;
}

PsSocketList *
ps_window_get_socket_list (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);
  return self->socket_list;
}

/* Filtering. */

static gboolean
filter_func (gpointer object,
             gpointer user_data)
{
  PsWindow *self = user_data;
  PsSocketItem *item = object;
  const PsSocket *socket = ps_socket_item_get_socket (item);
  const char *haystack;

  if (socket == NULL)
    return FALSE;
  if (socket->protocol == PS_PROTOCOL_TCP && !self->show_tcp)
    return FALSE;
  if (socket->protocol == PS_PROTOCOL_UDP && !self->show_udp)
    return FALSE;
  if (socket->family == AF_INET && !self->show_ipv4)
    return FALSE;
  if (socket->family == AF_INET6 && !self->show_ipv6)
    return FALSE;
  if (self->only_exposed && ps_socket_get_exposure (socket) == PS_EXPOSURE_THIS_COMPUTER)
    return FALSE;
  if (self->only_mine && socket->uid != self->uid)
    return FALSE;

  /* A number is a port: "80" must not match 8080. */
  if (self->query_port >= 0)
    return socket->port == (guint) self->query_port;
  if (self->query == NULL)
    return TRUE;

  haystack = ps_socket_item_get_search_text (item);
  return haystack != NULL && strstr (haystack, self->query) != NULL;
}

static gboolean
list_has_port (PsWindow *self,
               guint     port)
{
  GListModel *model = G_LIST_MODEL (self->socket_list);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      if (ps_socket_item_get_port (item) == port)
        return TRUE;
    }
  return FALSE;
}

static void
show_free_page (PsWindow *self,
                guint     port)
{
  g_autofree char *title = g_strdup_printf (_("Port %u is free"), port);
  g_autofree char *range = ps_port_range_describe (port);
  g_autofree char *ephemeral = ps_ephemeral_describe (port);
  gboolean connections = g_settings_get_boolean (self->settings, "show-connections");
  /* Without connections listed, only listeners were looked at: a program can
   * still hold the port as its end of a connection (a browser's or a
   * client's, often the port a log shows). */
  g_autoptr(GString) text = g_string_new (connections
                                          ? _("No program on this computer uses it right now.")
                                          : _("No program on this computer listens on it right now. "
                                              "Connections are not listed: one may still use it as "
                                              "its end."));
  g_autofree char *markup = NULL;
  guint low = 0;
  guint high = 0;

  if (range != NULL)
    g_string_append_printf (text, "\n\n%s", range);
  if (ephemeral != NULL)
    {
      g_string_append_printf (text, "\n\n%s", ephemeral);
    }
  else
    {
      ps_ephemeral_range (&low, &high);
      g_string_append (text, "\n\n");
      g_string_append_printf (text,
                              _("It lies outside this computer’s range of temporary ports (%u–%u), "
                                "so the system will not hand it out on its own."),
                              low, high);
    }

  /* The description of a status page is markup at libadwaita 1.2. */
  markup = g_markup_escape_text (text->str, -1);
  adw_status_page_set_title (self->free_page, title);
  adw_status_page_set_description (self->free_page, markup);
  gtk_widget_set_visible (self->show_connections_button, !connections);
  ps_ui_stack_show_page (self->stack, "free");
}

static void
update_state (PsWindow *self)
{
  guint n_shown;

  if (!self->have_snapshot)
    {
      ps_ui_stack_show_page (self->stack, self->failure_reported ? "error" : "loading");
      gtk_spinner_set_spinning (self->spinner, !self->failure_reported);
      return;
    }

  gtk_spinner_set_spinning (self->spinner, FALSE);
  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  if (n_shown > 0)
    ps_ui_stack_show_page (self->stack, "list");
  else if (self->query_port >= 0 && !list_has_port (self, self->query_port))
    show_free_page (self, self->query_port);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->socket_list)) == 0)
    ps_ui_stack_show_page (self->stack, "empty");
  else
    ps_ui_stack_show_page (self->stack, "no-results");
}

void
_ps_window_select_pending (PsWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n;

  if (self->pending_select_port < 0)
    return;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      if (ps_socket_item_get_port (item) == (guint) self->pending_select_port)
        {
          self->pending_select_port = -1;
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

static void
read_filters (PsWindow *self)
{
  self->show_tcp = g_settings_get_boolean (self->settings, "filter-tcp");
  self->show_udp = g_settings_get_boolean (self->settings, "filter-udp");
  self->show_ipv4 = g_settings_get_boolean (self->settings, "filter-ipv4");
  self->show_ipv6 = g_settings_get_boolean (self->settings, "filter-ipv6");
  self->only_exposed = g_settings_get_boolean (self->settings, "filter-exposed");
  self->only_mine = g_settings_get_boolean (self->settings, "filter-mine");
}

static gboolean
filters_active (PsWindow *self)
{
  return !self->show_tcp || !self->show_udp || !self->show_ipv4 || !self->show_ipv6 ||
         self->only_exposed || self->only_mine;
}

/* Re-filters.  With no filter and no search the filter has no function:
 * GtkFilterListModel then passes rows through (no per-row call, no bitset
 * lookup per item), which keeps a load of 20,000 rows cheap. */
static void
refilter (PsWindow *self)
{
  gboolean active = filters_active (self) || self->query != NULL;

  if (active)
    gtk_custom_filter_set_filter_func (self->filter, filter_func, self, NULL);
  else
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  self->filtering = active;
}

static void
on_settings_changed (PsWindow   *self,
                     const char *key)
{
  /* The free port's page says what was looked at. */
  if (g_str_equal (key, "show-connections"))
    update_state (self);
  if (!g_str_has_prefix (key, "filter-"))
    return;

  read_filters (self);
  if (filters_active (self))
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "ps-filtering");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "ps-filtering");
  refilter (self);
  update_state (self);
}

static void
on_search_changed (PsWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *query = *stripped != '\0' ? g_utf8_casefold (stripped, -1) : NULL;
  guint port;

  /* Already applied: Enter applies the search at once, and the entry's
   * delayed search-changed follows. */
  if (g_strcmp0 (query, self->query) == 0)
    return;
  g_free (self->query);
  self->query = g_steal_pointer (&query);
  self->query_port = -1;
  /* A port as a log, a browser or ss shows it ("127.0.0.1:62893",
   * "http://localhost:3000/") is that port, whatever the address: a
   * listener on 0.0.0.0 answers on 127.0.0.1 too. */
  if (self->query != NULL && ps_port_query_parse (stripped, &port))
    self->query_port = (int) port;
  /* The user searched for something else: forget a row still to select. */
  if (self->query_port != self->pending_select_port)
    self->pending_select_port = -1;

  refilter (self);
  update_state (self);
}

void
ps_window_set_search (PsWindow   *self,
                      const char *text)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, text != NULL && *text != '\0');
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Apply at once rather than after the entry's search delay. */
  on_search_changed (self);
}

void
ps_window_search_port (PsWindow *self,
                       guint     port)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PS_IS_WINDOW (self));
  g_return_if_fail (port <= 65535);

  text = g_strdup_printf ("%u", port);
  self->pending_select_port = (int) port;
  ps_window_set_search (self, text);
  _ps_window_select_pending (self);
}

/* Live updates. */

static PsBackendKind
backend_kind (PsWindow *self)
{
  PsBackend *backend = ps_monitor_get_backend (self->monitor);

  return backend != NULL ? ps_backend_get_kind (backend) : PS_BACKEND_KIND_LOCAL;
}

/* Counts the sockets whose owners are hidden, by reason. */
static void
count_hidden (PsWindow *self,
              guint    *n_other_user,
              guint    *n_sandbox)
{
  PsSnapshot *snapshot = ps_socket_list_get_snapshot (self->socket_list);
  guint n = snapshot != NULL ? ps_snapshot_get_n_sockets (snapshot) : 0;

  *n_other_user = 0;
  *n_sandbox = 0;
  for (guint i = 0; i < n; i++)
    {
      const PsSocket *socket = ps_snapshot_get_socket (snapshot, i);

      if (socket->owner_hidden == PS_OWNER_HIDDEN_OTHER_USER)
        (*n_other_user)++;
      else if (socket->owner_hidden == PS_OWNER_HIDDEN_SANDBOX)
        (*n_sandbox)++;
    }
}

/* Unlock helps unless the view is already privileged (or the GUI runs as
 * root, which it should not) or the sandbox keeps even the helper out. */
/* Why the host helper is not in use (the Flatpak without its permission...),
 * or NULL: the backend keeps it; reading it never blocks. */
static char *
sandbox_reason (PsWindow *self)
{
  PsBackend *backend = ps_monitor_get_backend (self->monitor);

  if (backend == NULL || !PS_IS_HELPER_BACKEND (backend))
    return NULL;
  return ps_helper_backend_dup_unavailable_reason (PS_HELPER_BACKEND (backend));
}

static gboolean
unlock_useful (PsWindow *self,
               guint     n_sandbox)
{
  return backend_kind (self) != PS_BACKEND_KIND_PRIVILEGED && geteuid () != 0 && n_sandbox == 0;
}

static void
update_unlock_buttons (PsWindow *self,
                       guint     n_sandbox)
{
  gboolean privileged = backend_kind (self) == PS_BACKEND_KIND_PRIVILEGED;
  gboolean waiting = self->unlock_cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->unlock_button), waiting || unlock_useful (self, n_sandbox));
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), privileged && !waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.unlock", !privileged && !waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.lock", privileged && !waiting);

  /* Only real changes: every property change is an accessibility event, and
   * GTK 4.8 mishandles events of widgets that are not shown. */
  if (waiting && !GTK_IS_SPINNER (gtk_button_get_child (self->unlock_button)))
    {
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_button_set_child (self->unlock_button, spinner);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->unlock_button), _("Waiting for authentication…"));
      gtk_button_set_label (self->banner_unlock_button, _("Waiting for authentication…"));
    }
  else if (!waiting && gtk_button_get_icon_name (self->unlock_button) == NULL)
    {
      gtk_button_set_icon_name (self->unlock_button, "changes-allow-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->unlock_button), _("Unlock — show every owner"));
      gtk_button_set_label (self->banner_unlock_button, _("_Unlock…"));
    }
}

/* The subtitle always names the view: whose processes the owners come from. */
static const char *
describe_view (PsWindow *self,
               guint     n_other_user,
               guint     n_sandbox)
{
  switch (backend_kind (self))
    {
    case PS_BACKEND_KIND_PRIVILEGED:
      return _("All processes — unlocked");
    case PS_BACKEND_KIND_HOST:
      return n_sandbox > 0 ? _("Sandboxed: owners unavailable") : _("Host processes");
    case PS_BACKEND_KIND_LOCAL:
    default:
      break;
    }

  if (n_sandbox > 0)
    return _("Sandboxed: owners unavailable");
  if (n_other_user > 0)
    return _("Your processes");
  if (self->have_snapshot || geteuid () == 0)
    return _("All processes");
  return _("Your processes");
}

static void
update_subtitle (PsWindow *self)
{
  guint n_other_user = 0;
  guint n_sandbox = 0;
  gboolean show_unlock = FALSE;
  const char *icon = "dialog-information-symbolic";
  const char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reason = NULL;

  count_hidden (self, &n_other_user, &n_sandbox);
  adw_window_title_set_subtitle (self->window_title, describe_view (self, n_other_user, n_sandbox));
  update_unlock_buttons (self, n_sandbox);

  if (self->helper_error != NULL)
    {
      /* The list keeps the last snapshot; the next good scan hides this. */
      icon = "dialog-warning-symbolic";
      title = _("The helper stopped unexpectedly; retrying…");
      text = g_strdup (self->helper_error);
    }
  else if (n_sandbox > 0 && (reason = sandbox_reason (self)) != NULL)
    {
      title = _("Owners are unavailable in the sandbox");
      /* Translators: the last %s says why the helper could not start. */
      text = g_strdup_printf (ngettext ("Portscope lists %u port but cannot see which program holds it: %s.",
                                        "Portscope lists %u ports but cannot see which programs hold them: %s.",
                                        n_sandbox),
                              n_sandbox, reason);
    }
  else if (n_sandbox > 0)
    {
      title = _("Owners are unavailable in the sandbox");
      text = g_strdup_printf (ngettext ("Portscope lists %u port but cannot see which program holds it: "
                                        "it needs permission to run its helper on this computer "
                                        "(org.freedesktop.Flatpak).",
                                        "Portscope lists %u ports but cannot see which programs hold them: "
                                        "it needs permission to run its helper on this computer "
                                        "(org.freedesktop.Flatpak).",
                                        n_sandbox),
                              n_sandbox);
    }
  else if (n_other_user > 0)
    {
      title = _("Some ports belong to other users");
      text = g_strdup_printf (ngettext ("%u port belongs to a program of another user. Portscope shows it, "
                                        "but cannot see which program holds it or end it.",
                                        "%u ports belong to programs of other users. Portscope shows them, "
                                        "but cannot see which programs hold them or end them.",
                                        n_other_user),
                              n_other_user);
      show_unlock = unlock_useful (self, n_sandbox) || self->unlock_cancellable != NULL;
      if (self->unlock_refusal != NULL)
        {
          g_autofree char *with_refusal = g_strdup_printf (_("%s\n\nUnlock did not succeed: %s."),
                                                           text, self->unlock_refusal);

          g_free (text);
          text = g_steal_pointer (&with_refusal);
        }
    }

  if (title != NULL)
    {
      if (g_strcmp0 (gtk_image_get_icon_name (self->hidden_banner_icon), icon) != 0)
        gtk_image_set_from_icon_name (self->hidden_banner_icon, icon);
      if (g_strcmp0 (gtk_label_get_text (self->hidden_banner_title), title) != 0)
        gtk_label_set_text (self->hidden_banner_title, title);
      if (g_strcmp0 (gtk_label_get_text (self->hidden_banner_label), text) != 0)
        gtk_label_set_text (self->hidden_banner_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->banner_unlock_button), show_unlock);
  gtk_revealer_set_reveal_child (self->hidden_banner, title != NULL);
}

/* Unlock and Lock. */

static void
toast (PsWindow   *self,
       const char *text)
{
  /* A toast's title is markup. */
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

/* Returns to the backend the window had before Unlock and ends the helper. */
static void
lock (PsWindow *self)
{
  g_autoptr(PsBackend) privileged = NULL;
  g_autoptr(PsBackend) previous = g_steal_pointer (&self->previous_backend);

  if (backend_kind (self) != PS_BACKEND_KIND_PRIVILEGED)
    return;

  privileged = g_object_ref (ps_monitor_get_backend (self->monitor));
  if (PS_IS_HELPER_BACKEND (privileged))
    ps_helper_backend_stop (PS_HELPER_BACKEND (privileged));
  if (previous == NULL)
    previous = ps_local_backend_new ();
  ps_monitor_set_backend (self->monitor, previous);
  g_clear_pointer (&self->helper_error, g_free);
  ps_monitor_refresh (self->monitor, TRUE);
  update_subtitle (self);
}

static void
unlock_started (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(PsWindow) self = g_weak_ref_get (weak);
  PsBackend *backend = PS_BACKEND (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = ps_helper_backend_start_finish (PS_HELPER_BACKEND (backend), result, &error);

  g_weak_ref_clear (weak);
  g_free (weak);

  /* The window is gone (its dispose cancelled the start) or Unlock was cancelled. */
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->monitor == NULL || self->unlock_cancellable == NULL ||
      g_cancellable_is_cancelled (self->unlock_cancellable))
    {
      ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
      return;
    }
  g_clear_object (&self->unlock_cancellable);

  if (!ok)
    {
      const char *message;

      ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
      if (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED))
        message = _("Authentication was cancelled");
      else if (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED))
        message = _("Not authorized to see every owner");
      else
        message = error->message;
      g_free (self->unlock_refusal);
      self->unlock_refusal = g_strdup (message);
      toast (self, message);
      update_subtitle (self);
      return;
    }

  g_clear_pointer (&self->unlock_refusal, g_free);
  g_clear_pointer (&self->helper_error, g_free);
  g_set_object (&self->previous_backend, ps_monitor_get_backend (self->monitor));
  ps_monitor_set_backend (self->monitor, backend);
  ps_monitor_refresh (self->monitor, TRUE);
  update_subtitle (self);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(PsBackend) backend = NULL;
  GWeakRef *weak;

  if (self->unlock_cancellable != NULL || backend_kind (self) == PS_BACKEND_KIND_PRIVILEGED)
    return;

  backend = ps_helper_backend_new (PS_HELPER_MODE_PRIVILEGED);
  self->unlock_cancellable = g_cancellable_new ();
  /* pkexec asks for a password: the start runs off the main loop, and a
   * closed window must not wait for the prompt (it holds a weak reference). */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  ps_helper_backend_start_async (PS_HELPER_BACKEND (backend), self->unlock_cancellable,
                                 unlock_started, weak);
  update_subtitle (self);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lock (PS_WINDOW (widget));
}

static void
on_monitor_updated (PsWindow   *self,
                    PsSnapshot *snapshot)
{
  /* The first scan starts with the window and usually ends before it is
   * shown (ps_window_present_when_ready() waits for it): its rows are then
   * built before the window appears, and its first frame has them. */
  if (!self->have_snapshot && ps_snapshot_get_n_sockets (snapshot) > 0)
    _ps_window_cut_first_load (self);
  ps_socket_list_apply (self->socket_list, snapshot);

  /* Insertions and removals reach the filter and sort models as
   * items-changed; rows updated in place must be re-filtered and re-sorted,
   * but only when some did change (20,000 rows are not re-sorted for nothing). */
  if (ps_socket_list_get_n_changed (self->socket_list) > 0)
    {
      if (self->filtering)
        gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
      gtk_sorter_changed (gtk_column_view_get_sorter (self->column_view), GTK_SORTER_CHANGE_DIFFERENT);
    }

  self->have_snapshot = TRUE;
  self->failure_reported = FALSE;
  g_clear_pointer (&self->helper_error, g_free);
  update_subtitle (self);
  update_state (self);
  _ps_window_select_pending (self);
  _ps_window_release_monitor_after_paint (self);
  _ps_window_present_if_pending (self);
}

static void
on_monitor_failed (PsWindow     *self,
                   const GError *error)
{
  _ps_window_release_monitor_after_paint (self);
  _ps_window_present_if_pending (self);

  /* The privileged helper refused to start again (a cancelled or refused
   * prompt after it died): the session is locked again, and says why. */
  if (backend_kind (self) == PS_BACKEND_KIND_PRIVILEGED &&
      (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_STOPPED) ||
       g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED) ||
       g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED)))
    {
      g_free (self->unlock_refusal);
      self->unlock_refusal = g_strdup (error->message);
      toast (self, error->message);
      lock (self);
      return;
    }

  /* A helper backend restarts its helper with backoff: while it does, the
   * list keeps the last snapshot and the banner says what happened. */
  if (backend_kind (self) != PS_BACKEND_KIND_LOCAL && self->have_snapshot)
    {
      g_debug ("Helper scan failed: %s", error->message);
      g_free (self->helper_error);
      self->helper_error = g_strdup (error->message);
      update_subtitle (self);
      return;
    }

  if (self->failure_reported)
    return;
  self->failure_reported = TRUE;

  if (!self->have_snapshot)
    {
      g_autofree char *markup = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, markup);
      update_state (self);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Cannot refresh the list of ports: %s"), error->message);
      /* A toast's title is markup. */
      g_autofree char *markup = g_markup_escape_text (text, -1);

      g_debug ("Scan failed: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
    }
}

static void
on_items_changed (PsWindow *self)
{
  update_state (self);
}

static void
on_selection_changed (PsWindow *self)
{
  PsSocketItem *item = gtk_single_selection_get_selected_item (self->selection);

  /* Re-filtering and re-sorting move the selected row: same item, nothing to do. */
  if (item == ps_detail_pane_get_item (self->detail_pane))
    return;

  ps_detail_pane_set_item (self->detail_pane, item);
  g_clear_pointer (&self->pins, ps_end_process_pins_free);
  if (item != NULL)
    self->pins = ps_end_process_pin (item);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.end-process", item != NULL);

  if (item != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_page);
}

/* Enter in the search: the search applies at once (not after the entry's
 * delay), the first row found is selected, so its details show, and the
 * list takes the focus for the arrow keys. */
static void
on_search_activate (PsWindow *self)
{
  on_search_changed (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return;
  gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Enter or a double click on a row: in a narrow window, show its details. */
static void
on_row_activated (PsWindow *self,
                  guint     position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (adw_leaflet_get_folded (self->leaflet) &&
      gtk_single_selection_get_selected_item (self->selection) != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->detail_page);
}

/* The monitor runs only while the window can be seen. */

static void
update_active (PsWindow *self)
{
  gboolean visible = gtk_widget_get_mapped (GTK_WIDGET (self));

  if (self->surface != NULL &&
      (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0)
    visible = FALSE;

  if (self->monitor == NULL)
    return;
  ps_monitor_set_active (self->monitor, visible);
  if (visible && !self->refreshed_once)
    {
      self->refreshed_once = TRUE;
      ps_monitor_refresh (self->monitor, FALSE);
    }
}

static void
ps_window_realize (GtkWidget *widget)
{
  PsWindow *self = PS_WINDOW (widget);

  GTK_WIDGET_CLASS (ps_window_parent_class)->realize (widget);

  self->surface = gtk_native_get_surface (GTK_NATIVE (self));
  if (self->surface != NULL)
    self->surface_state_handler =
      g_signal_connect_object (self->surface, "notify::state",
                               G_CALLBACK (update_active), self, G_CONNECT_SWAPPED);
  /* A first load cut short before the window was shown. */
  _ps_window_watch_first_paint (self);
}

static void
ps_window_unrealize (GtkWidget *widget)
{
  PsWindow *self = PS_WINDOW (widget);

  if (self->surface != NULL)
    g_clear_signal_handler (&self->surface_state_handler, self->surface);
  self->surface = NULL;
  _ps_window_release_monitor (self);
  /* No frame clock any more: the whole list now. */
  if (self->first_paint_handler != 0)
    {
      g_clear_signal_handler (&self->first_paint_handler, gtk_widget_get_frame_clock (widget));
      g_clear_handle_id (&self->widen_id, g_source_remove);
      ps_limit_model_set_limit (self->limit_model, G_MAXUINT);
    }

  GTK_WIDGET_CLASS (ps_window_parent_class)->unrealize (widget);
}

static void
ps_window_map (GtkWidget *widget)
{
  PsWindow *self = PS_WINDOW (widget);

  GTK_WIDGET_CLASS (ps_window_parent_class)->map (widget);
  _ps_window_first_map (self);
  update_active (self);
}

static void
ps_window_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ps_window_parent_class)->unmap (widget);
  update_active (PS_WINDOW (widget));
}

static gboolean
ps_window_close_request (GtkWindow *window)
{
  PsWindow *self = PS_WINDOW (window);
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (width >= 360 && height >= 294)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (ps_window_parent_class)->close_request (window);
}

/* Actions. */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);

  ps_monitor_refresh (self->monitor, TRUE);
}

/* "Show Connections" on a free port's page: connections are listed from now
 * on (the setting the preferences show); the monitor scans them at once. */
static void
show_connections_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);

  g_settings_set_boolean (self->settings, "show-connections", TRUE);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
end_process_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);
  PsSocketItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (item == NULL)
    return;
  ps_end_process_run (GTK_WINDOW (self), self->toast_overlay, self->monitor, item, self->pins);
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autofree char *markup = g_markup_escape_text (g_variant_get_string (parameter, NULL), -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Sorting. */

/* The columns with their settings key ("sort-column"), in PsColumn order. */
static GtkColumnViewColumn *
column_view_column (PsWindow *self,
                    PsColumn  column)
{
  GtkColumnViewColumn * const columns[PS_N_COLUMNS] = {
    [PS_COLUMN_PORT] = self->port_column,
    [PS_COLUMN_PROTOCOL] = self->protocol_column,
    [PS_COLUMN_ADDRESS] = self->address_column,
    [PS_COLUMN_EXPOSURE] = self->exposure_column,
    [PS_COLUMN_PROCESS] = self->process_column,
    [PS_COLUMN_PID] = self->pid_column,
    [PS_COLUMN_USER] = self->user_column,
    [PS_COLUMN_SERVICE] = self->service_column,
  };

  return columns[column];
}

static const char * const column_keys[PS_N_COLUMNS] = {
  [PS_COLUMN_PORT] = "port",
  [PS_COLUMN_PROTOCOL] = "protocol",
  [PS_COLUMN_ADDRESS] = "address",
  [PS_COLUMN_EXPOSURE] = "exposure",
  [PS_COLUMN_PROCESS] = "process",
  [PS_COLUMN_PID] = "pid",
  [PS_COLUMN_USER] = "user",
  [PS_COLUMN_SERVICE] = "service",
};

static PsColumn
column_for_key (const char *key)
{
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    if (g_strcmp0 (column_keys[i], key) == 0)
      return i;
  return PS_COLUMN_PORT;
}

/* Cells and sorters are made in code: a GtkBuilder per cell (a
 * GtkBuilderListItemFactory) and a GtkExpression per comparison cost most
 * of the first frame at 20,000 rows. */
static void
setup_columns (PsWindow *self)
{
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    {
      GtkColumnViewColumn *column = column_view_column (self, i);
      g_autoptr(GtkListItemFactory) factory = ps_cell_factory_new (i);
      g_autoptr(GtkSorter) sorter = ps_column_sorter_new (i);

      gtk_column_view_column_set_factory (column, factory);
      gtk_column_view_column_set_sorter (column, sorter);
    }
}

/* The sort the user picked (a click on a column's header) is kept.  The
 * sorter also changes when updated rows are re-sorted: only a different
 * column or direction than the one saved is written. */
static void
save_sort (PsWindow *self)
{
  PsColumn column;
  GtkSortType order;

  /* Columns are removed (the sort changes) while the window is destroyed. */
  if (self->column_view == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)) ||
      !ps_column_sorter_get_primary (gtk_column_view_get_sorter (self->column_view), &column, &order))
    return;
  if (column == self->sort_column && order == self->sort_order)
    return;
  self->sort_column = column;
  self->sort_order = order;
  g_settings_set_string (self->settings, "sort-column", column_keys[column]);
  g_settings_set_boolean (self->settings, "sort-descending", order == GTK_SORT_DESCENDING);
}

static void
restore_sort (PsWindow *self)
{
  g_autofree char *key = g_settings_get_string (self->settings, "sort-column");

  self->sort_column = column_for_key (key);
  self->sort_order = g_settings_get_boolean (self->settings, "sort-descending")
                     ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING;
  gtk_column_view_sort_by_column (self->column_view, column_view_column (self, self->sort_column),
                                  self->sort_order);
}

/* GObject. */

static void
ps_window_dispose (GObject *object)
{
  PsWindow *self = PS_WINDOW (object);

  if (self->unlock_cancellable != NULL)
    g_cancellable_cancel (self->unlock_cancellable);
  g_clear_object (&self->unlock_cancellable);
  if (self->monitor != NULL)
    {
      PsBackend *backend = ps_monitor_get_backend (self->monitor);

      ps_monitor_set_active (self->monitor, FALSE);
      /* The privileged helper ends with the window, not when the last scan lets go of it. */
      if (backend != NULL && PS_IS_HELPER_BACKEND (backend) &&
          ps_backend_get_kind (backend) == PS_BACKEND_KIND_PRIVILEGED)
        ps_helper_backend_stop (PS_HELPER_BACKEND (backend));
    }
  g_clear_object (&self->monitor);
  g_clear_handle_id (&self->present_timeout_id, g_source_remove);
  g_clear_handle_id (&self->widen_id, g_source_remove);
  g_clear_object (&self->previous_backend);
  g_clear_pointer (&self->pins, ps_end_process_pins_free);
  /* GLib 2.74's GSimpleActionGroup does not disconnect from its actions when
   * it is finalized, and a settings action lives as long as its GSettings
   * (shared per schema): remove them while the group is alive, or the next
   * change of the key reaches a freed group. */
  for (guint i = 0; i < G_N_ELEMENTS (filter_keys); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), filter_keys[i]);
  gtk_widget_dispose_template (GTK_WIDGET (self), PS_TYPE_WINDOW);

  G_OBJECT_CLASS (ps_window_parent_class)->dispose (object);
}

static void
ps_window_finalize (GObject *object)
{
  PsWindow *self = PS_WINDOW (object);

  g_clear_object (&self->settings);
  g_free (self->query);
  g_free (self->unlock_refusal);
  g_free (self->helper_error);

  G_OBJECT_CLASS (ps_window_parent_class)->finalize (object);
}

static void
ps_window_class_init (PsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  ps_ui_ensure_types ();

  object_class->dispose = ps_window_dispose;
  object_class->finalize = ps_window_finalize;
  widget_class->realize = ps_window_realize;
  widget_class->unrealize = ps_window_unrealize;
  widget_class->map = ps_window_map;
  widget_class->unmap = ps_window_unmap;
  window_class->close_request = ps_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ps-window.ui");

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, PsWindow, name)
  BIND (toast_overlay);
  BIND (leaflet);
  BIND (list_page);
  BIND (detail_page);
  BIND (window_title);
  BIND (search_button);
  BIND (filter_button);
  BIND (search_bar);
  BIND (search_entry);
  BIND (hidden_banner);
  BIND (hidden_banner_icon);
  BIND (hidden_banner_title);
  BIND (hidden_banner_label);
  BIND (banner_unlock_button);
  BIND (unlock_button);
  BIND (lock_button);
  BIND (stack);
  BIND (spinner);
  BIND (free_page);
  BIND (show_connections_button);
  BIND (error_page);
  BIND (column_view);
  BIND (port_column);
  BIND (protocol_column);
  BIND (address_column);
  BIND (exposure_column);
  BIND (process_column);
  BIND (pid_column);
  BIND (user_column);
  BIND (service_column);
  BIND (selection);
  BIND (limit_model);
  BIND (sort_model);
  BIND (filter_model);
  BIND (filter);
  BIND (socket_list);
  BIND (detail_pane);
#undef BIND

  gtk_widget_class_install_action (widget_class, "window.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "window.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "window.show-connections", NULL, show_connections_action);
  gtk_widget_class_install_action (widget_class, "window.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "window.end-process", NULL, end_process_action);
  gtk_widget_class_install_action (widget_class, "window.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "window.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "window.lock", NULL, lock_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "window.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "window.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "window.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "window.end-process", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "window.end-process", NULL);
}

static void
ps_window_init (PsWindow *self)
{
  self->query_port = -1;
  self->pending_select_port = -1;
  self->uid = (guint32) getuid ();

  /* The sockets-only first scan runs on a worker while the window is built
   * (it may have started before GTK did: ps_window_prefetch()); its rows are
   * built before the window is shown (ps_window_present_when_ready()). */
  self->settings = g_settings_new (BASE_APP_ID);
  self->monitor = _ps_window_take_first_monitor (self->settings);

  gtk_widget_init_template (GTK_WIDGET (self));
  ps_ui_stack_hide_other_pages (self->stack);

#if DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  read_filters (self);
  for (guint i = 0; i < G_N_ELEMENTS (filter_keys); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, filter_keys[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  on_settings_changed (self, "filter-tcp");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* The list pipeline is declared in the .ui; the code adds the filter
   * function, the columns' cells and sorters, and the column view's sorter. */
  setup_columns (self);
  gtk_sort_list_model_set_sorter (self->sort_model, gtk_column_view_get_sorter (self->column_view));
  restore_sort (self);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (save_sort), self, G_CONNECT_SWAPPED);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (on_search_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (on_search_activate), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate",
                           G_CALLBACK (on_row_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.end-process", FALSE);

  g_signal_connect_object (self->monitor, "updated",
                           G_CALLBACK (on_monitor_updated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "failed",
                           G_CALLBACK (on_monitor_failed), self, G_CONNECT_SWAPPED);

  update_subtitle (self);
  update_state (self);
  /* A prefetch that landed before the window was built. */
  if (ps_monitor_get_snapshot (self->monitor) != NULL)
    on_monitor_updated (self, ps_monitor_get_snapshot (self->monitor));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process flow.  Everything that touches a process is in core
 * (ps-terminate.h); this file asks, shows progress and tells the truth.
 * Text from processes is made visible with ps_text_escape_visible and never
 * shown as markup: dialog headings and bodies are plain text, toast titles
 * (markup in libadwaita 1.2) are markup-escaped on top. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ps-end-process.h"
#include "ps-helper-backend.h"
#include "ps-terminate.h"
#include "ps-text.h"

#define RESCAN_DEADLINE_MS 10000
#define SERVICE_STOP_DEADLINE_MS 15000
#define NAME_MAX_CHARS 48
#define CMDLINE_MAX_CHARS 400

/* Pins. */

typedef struct
{
  gint32 pid;
  guint64 start_time;
  guint64 inode;
} PinRequest;

struct _PsEndProcessPins
{
  GPtrArray *targets;       /* of PsTerminateTarget; NULL until the worker is done */
  GCancellable *cancellable;
};

static void
pin_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GArray *requests = task_data;
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < requests->len; i++)
    {
      const PinRequest *r = &g_array_index (requests, PinRequest, i);

      g_ptr_array_add (targets, ps_terminate_target_new (r->pid, r->start_time, r->inode));
    }
  g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
}

/* Pins REQUESTS on a worker; CALLBACK gets a GPtrArray of targets. */
static void
pin_async (GArray              *requests,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pin_async);
  g_task_set_task_data (task, g_array_ref (requests), (GDestroyNotify) g_array_unref);
  g_task_run_in_thread (task, pin_thread);
}

static GPtrArray *
pin_finish (GAsyncResult  *result,
            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
pins_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PsEndProcessPins *pins = data;
  g_autoptr(GPtrArray) targets = pin_finish (result, NULL);

  /* NULL when cancelled: PINS was freed, DATA dangles; touch nothing. */
  if (targets == NULL)
    return;
  pins->targets = g_steal_pointer (&targets);
}

static GArray *
requests_for_socket (const PsSocket *socket)
{
  GArray *requests = g_array_new (FALSE, TRUE, sizeof (PinRequest));

  for (guint i = 0; i < socket->owners->len; i++)
    {
      const PsOwner *o = g_ptr_array_index (socket->owners, i);
      PinRequest r = { o->pid, o->start_time, socket->inode };

      if (o->pid > 0)
        g_array_append_val (requests, r);
    }
  return requests;
}

PsEndProcessPins *
ps_end_process_pin (PsSocketItem *item)
{
  PsEndProcessPins *pins;
  const PsSocket *socket;
  g_autoptr(GArray) requests = NULL;

  g_return_val_if_fail (PS_IS_SOCKET_ITEM (item), NULL);

  pins = g_new0 (PsEndProcessPins, 1);
  pins->cancellable = g_cancellable_new ();
  socket = ps_socket_item_get_socket (item);
  if (socket == NULL)
    {
      pins->targets = g_ptr_array_new_with_free_func (g_object_unref);
      return pins;
    }
  requests = requests_for_socket (socket);
  pin_async (requests, pins->cancellable, pins_ready_cb, pins);
  return pins;
}

void
ps_end_process_pins_free (PsEndProcessPins *pins)
{
  if (pins == NULL)
    return;
  /* The pin callback sees the cancellation and leaves PINS alone. */
  g_cancellable_cancel (pins->cancellable);
  g_clear_object (&pins->cancellable);
  g_clear_pointer (&pins->targets, g_ptr_array_unref);
  g_free (pins);
}

static PsTerminateTarget *
pins_lookup (PsEndProcessPins *pins,
             const PsOwner    *owner,
             guint64           inode)
{
  if (pins == NULL || pins->targets == NULL)
    return NULL;
  for (guint i = 0; i < pins->targets->len; i++)
    {
      PsTerminateTarget *t = g_ptr_array_index (pins->targets, i);

      if (ps_terminate_target_get_pid (t) == owner->pid && ps_terminate_target_get_inode (t) == inode)
        return g_object_ref (t);
    }
  return NULL;
}

/* Text. */

static char *
visible (const char *untrusted)
{
  g_autofree char *escaped = ps_text_escape_visible (untrusted != NULL ? untrusted : "", -1);

  return ps_text_ellipsize (escaped, NAME_MAX_CHARS);
}

static char *
owner_display_name (const PsOwner *owner)
{
  if (owner->name != NULL && owner->name[0] != '\0')
    return visible (owner->name);
  return g_strdup_printf (_("process %d"), owner->pid);
}

/* A toast whose title is plain TEXT (escaped for the markup toasts insist on). */
static AdwToast *
toast_new_plain (const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return adw_toast_new (markup);
}

static char *
other_ports (PsSnapshot    *snapshot,
             guint64        inode,
             const PsOwner *owner)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = snapshot != NULL ? ps_snapshot_get_n_sockets (snapshot) : 0;
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (s->inode == inode)
        continue;
      for (guint j = 0; j < s->owners->len; j++)
        {
          const PsOwner *o = g_ptr_array_index (s->owners, j);

          if (o->pid != owner->pid || o->start_time != owner->start_time)
            continue;
          if (shown < 12)
            g_string_append_printf (out, "%s%u/%s", out->len ? ", " : "", s->port,
                                    s->protocol == PS_PROTOCOL_UDP ? "udp" : "tcp");
          shown++;
          break;
        }
    }
  if (shown > 12)
    g_string_append_printf (out, ngettext (", and %u more", ", and %u more", shown - 12), shown - 12);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The flow. */

typedef struct
{
  GtkWindow *parent;         /* owned */
  AdwToastOverlay *toasts;   /* owned */
  PsMonitor *monitor;        /* owned, nullable */
  PsSnapshot *snapshot;      /* owned: what the user saw */
  PsSocket key;              /* the place only: protocol, family, addresses, port, state */
  guint64 inode;
  guint16 port;
  PsOwner *owner;            /* owned */
  char *name;                /* visible, plain */
  PsTerminateTarget *target; /* owned, nullable until pinned */
  AdwToast *progress;        /* owned, nullable */
  gulong phase_id;
  guint timeout;
} Flow;

static void toast_dismiss (AdwToast *toast);

static void
flow_free (Flow *flow)
{
  if (flow->progress != NULL)
    toast_dismiss (flow->progress);
  g_clear_object (&flow->progress);
  g_clear_signal_handler (&flow->phase_id, flow->target);
  g_clear_object (&flow->target);
  g_clear_object (&flow->parent);
  g_clear_object (&flow->toasts);
  g_clear_object (&flow->monitor);
  g_clear_pointer (&flow->snapshot, ps_snapshot_unref);
  g_clear_pointer (&flow->owner, ps_owner_unref);
  g_free (flow->name);
  g_free (flow);
}

static void flow_start (GtkWindow        *parent,
                        AdwToastOverlay  *toasts,
                        PsMonitor        *monitor,
                        PsSnapshot       *snapshot,
                        const PsSocket   *socket,
                        PsEndProcessPins *pins);

/* libadwaita 1.2's toast overlay frees a toast's bookkeeping when its hide
 * animation ends, but the show animation's "done" handler still points at it:
 * a toast dismissed less than 200 ms into a 500 ms "replace" show animation
 * crashes the app once both finish.  So no toast is added while a dismissed
 * one is still animating out, and none is dismissed before its show animation
 * has certainly ended. */
#define TOAST_ANIMATION_USEC (700 * G_TIME_SPAN_MILLISECOND)

static gint64 last_toast_dismissal;

static void
toast_mark_shown (AdwToast *toast)
{
  gint64 *shown_at = g_new (gint64, 1);

  *shown_at = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (toast), "ps-shown-at", shown_at, g_free);
}

typedef struct
{
  AdwToastOverlay *overlay;
  AdwToast *toast;
} PendingToast;

static gboolean
pending_toast_add_cb (gpointer data)
{
  PendingToast *pending = data;

  toast_mark_shown (pending->toast);
  adw_toast_overlay_add_toast (pending->overlay, g_steal_pointer (&pending->toast));
  g_object_unref (pending->overlay);
  g_free (pending);
  return G_SOURCE_REMOVE;
}

static guint
usec_to_ms (gint64 usec)
{
  return (guint) (usec / G_TIME_SPAN_MILLISECOND) + 1;
}

/* Adds TOAST (transfer full) to OVERLAY, now or after a dismissed toast has gone. */
static void
overlay_add_toast (AdwToastOverlay *overlay,
                   AdwToast        *toast)
{
  gint64 wait = last_toast_dismissal + TOAST_ANIMATION_USEC - g_get_monotonic_time ();
  PendingToast *pending;

  if (last_toast_dismissal == 0 || wait <= 0)
    {
      toast_mark_shown (toast);
      adw_toast_overlay_add_toast (overlay, toast);
      return;
    }
  pending = g_new0 (PendingToast, 1);
  pending->overlay = g_object_ref (overlay);
  pending->toast = toast;
  g_timeout_add (usec_to_ms (wait), pending_toast_add_cb, pending);
}

static gboolean
toast_dismiss_cb (gpointer data)
{
  AdwToast *toast = data;

  adw_toast_dismiss (toast);
  last_toast_dismissal = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

static void
toast_dismiss (AdwToast *toast)
{
  const gint64 *shown_at = g_object_get_data (G_OBJECT (toast), "ps-shown-at");
  gint64 wait;

  /* Not on screen yet (still waiting to be added): it appears and goes later. */
  if (shown_at == NULL)
    wait = 2 * TOAST_ANIMATION_USEC;
  else
    wait = *shown_at + TOAST_ANIMATION_USEC - g_get_monotonic_time ();

  if (wait <= 0)
    {
      toast_dismiss_cb (toast);
      return;
    }
  /* Adding waits for this dismissal too. */
  last_toast_dismissal = MAX (last_toast_dismissal, g_get_monotonic_time () + wait);
  g_timeout_add_full (G_PRIORITY_DEFAULT, usec_to_ms (wait), toast_dismiss_cb,
                      g_object_ref (toast), g_object_unref);
}

/* Toasts keep the normal priority: a high-priority toast postpones the
 * current one, and dismissing a postponed toast while it hides is fragile in
 * libadwaita 1.2. */
static void
flow_toast (Flow       *flow,
            const char *text)
{
  overlay_add_toast (flow->toasts, toast_new_plain (text));
}

/* One progress toast per flow, retitled as the flow goes on. */
static void
flow_progress (Flow       *flow,
               const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  if (flow->progress != NULL)
    {
      adw_toast_set_title (flow->progress, markup);
      return;
    }
  flow->progress = adw_toast_new (markup);
  adw_toast_set_timeout (flow->progress, 0);
  overlay_add_toast (flow->toasts, g_object_ref (flow->progress));
}

static void
flow_end_progress (Flow *flow)
{
  if (flow->progress != NULL)
    toast_dismiss (flow->progress);
  g_clear_object (&flow->progress);
}

static AdwMessageDialog *
flow_dialog (Flow       *flow,
             const char *heading,
             const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (flow->parent, heading, body));

  /* Plain text: the heading and body carry process text. */
  adw_message_dialog_set_heading_use_markup (dialog, FALSE);
  adw_message_dialog_set_body_use_markup (dialog, FALSE);
  return dialog;
}

/* Shows an explanation with only a Close button; ends the flow. */
static void
flow_explain (Flow       *flow,
              const char *heading,
              const char *body)
{
  AdwMessageDialog *dialog = flow_dialog (flow, heading, body);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
  flow_free (flow);
}

/* After the process is gone (or the service stopped): rescan, then the truth. */

static void
flow_free_closure (gpointer  data,
                   GClosure *closure)
{
  flow_free (data);
}

static void
end_holder_clicked_cb (AdwToast *toast,
                       gpointer  data)
{
  Flow *flow = data;
  const PsSocket *socket;

  if (flow->snapshot == NULL)
    return;
  socket = ps_terminate_find_holder (flow->snapshot, &flow->key);
  if (socket != NULL)
    flow_start (flow->parent, flow->toasts, flow->monitor, flow->snapshot, socket, NULL);
}

static void
report_rescan_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Flow *flow = data;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  const PsSocket *held;

  flow_end_progress (flow);
  snapshot = ps_terminate_rescan_finish (result, &error);
  if (snapshot == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” has exited, but the list could not be refreshed: %s"),
                                               flow->name, error->message);
      flow_toast (flow, text);
      flow_free (flow);
      return;
    }

  held = ps_terminate_find_holder (snapshot, &flow->key);
  if (held == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Port %u is free"), flow->port);

      flow_toast (flow, text);
      flow_free (flow);
      return;
    }

  if (held->owners->len > 0)
    {
      const PsOwner *o = g_ptr_array_index (held->owners, 0);
      g_autofree char *name = owner_display_name (o);
      g_autofree char *text = g_strdup_printf (_("Port %u is still held by PID %d (%s)"),
                                               flow->port, o->pid, name);
      g_autofree char *label = g_strdup_printf (_("_End PID %d"), o->pid);
      AdwToast *toast = toast_new_plain (text);
      Flow *next = g_new0 (Flow, 1);

      /* A small flow that only remembers where to look. */
      next->parent = g_object_ref (flow->parent);
      next->toasts = g_object_ref (flow->toasts);
      next->monitor = flow->monitor != NULL ? g_object_ref (flow->monitor) : NULL;
      next->snapshot = ps_snapshot_ref (snapshot);
      next->key = flow->key;
      next->port = flow->port;
      adw_toast_set_button_label (toast, label);
      adw_toast_set_timeout (toast, 0);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (end_holder_clicked_cb),
                             next, flow_free_closure, 0);
      overlay_add_toast (flow->toasts, toast);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Port %u is still held, by a process that is not visible"),
                                               flow->port);
      flow_toast (flow, text);
    }
  flow_free (flow);
}

static void
flow_report (Flow       *flow,
             gboolean    until_free,
             const char *progress)
{
  if (flow->monitor == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” has exited"), flow->name);

      flow_end_progress (flow);
      flow_toast (flow, text);
      flow_free (flow);
      return;
    }
  flow_progress (flow, progress);
  ps_terminate_rescan_async (flow->monitor, &flow->key, until_free,
                             until_free ? SERVICE_STOP_DEADLINE_MS : RESCAN_DEADLINE_MS,
                             NULL, report_rescan_cb, flow);
}

/* Force Stop. */

static void flow_handle_result (Flow              *flow,
                                PsTerminateResult  result,
                                const GError      *error);

static void
force_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Flow *flow = data;
  g_autoptr(GError) error = NULL;
  PsTerminateResult r;

  r = ps_terminate_target_force_stop_finish (PS_TERMINATE_TARGET (source), result, &error);
  flow_handle_result (flow, r, error);
}

static void
force_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          data)
{
  Flow *flow = data;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "force") != 0)
    {
      flow_free (flow);
      return;
    }
  text = g_strdup_printf (_("Force stopping “%s”…"), flow->name);
  flow_progress (flow, text);
  ps_terminate_target_force_stop_async (flow->target, flow->timeout, NULL, force_done_cb, flow);
}

static void
offer_force_stop (Flow *flow)
{
  g_autofree char *heading = g_strdup_printf (_("“%s” Is Still Running"), flow->name);
  g_autofree char *body = g_strdup_printf (ngettext ("It did not exit within %u second of being asked to. "
                                                     "Force Stop ends it at once, without letting it save "
                                                     "or clean up.",
                                                     "It did not exit within %u seconds of being asked to. "
                                                     "Force Stop ends it at once, without letting it save "
                                                     "or clean up.", flow->timeout), flow->timeout);
  AdwMessageDialog *dialog;

  flow_end_progress (flow);
  dialog = flow_dialog (flow, heading, body);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Leave It Running"),
                                    "force", _("_Force Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "force", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (force_response_cb), flow);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
flow_handle_result (Flow              *flow,
                    PsTerminateResult  result,
                    const GError      *error)
{
  g_autofree char *text = NULL;
  g_autofree char *progress = NULL;

  switch (result)
    {
    case PS_TERMINATE_EXITED:
      progress = ps_terminate_result_describe (result, flow->name, flow->port, error);
      flow_report (flow, FALSE, progress);
      return;
    case PS_TERMINATE_STILL_RUNNING:
      offer_force_stop (flow);
      return;
    default:
      text = ps_terminate_result_describe (result, flow->name, flow->port, error);
      break;
    }
  flow_end_progress (flow);
  flow_toast (flow, text);
  flow_free (flow);
}

static void
phase_cb (PsTerminateTarget *target,
          GParamSpec        *pspec,
          gpointer           data)
{
  Flow *flow = data;
  g_autofree char *text = ps_terminate_phase_describe (ps_terminate_target_get_phase (target), flow->name);

  if (text != NULL)
    flow_progress (flow, text);
}

static void
end_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Flow *flow = data;
  g_autoptr(GError) error = NULL;
  PsTerminateResult r;

  r = ps_terminate_target_end_finish (PS_TERMINATE_TARGET (source), result, &error);
  flow_handle_result (flow, r, error);
}

static void
flow_end_with_target (Flow *flow)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  PsBackend *backend = flow->monitor != NULL ? ps_monitor_get_backend (flow->monitor) : NULL;

  flow->timeout = g_settings_get_uint (settings, "terminate-timeout");
  /* Unlocked: the running privileged helper acts, no second password. */
  if (backend != NULL && PS_IS_HELPER_BACKEND (backend)
      && ps_backend_get_kind (backend) == PS_BACKEND_KIND_PRIVILEGED)
    ps_terminate_target_set_backend (flow->target, backend);
  flow->phase_id = g_signal_connect (flow->target, "notify::phase", G_CALLBACK (phase_cb), flow);
  ps_terminate_target_end_async (flow->target, flow->timeout, NULL, end_done_cb, flow);
}

static void
late_pin_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Flow *flow = data;
  g_autoptr(GPtrArray) targets = pin_finish (result, NULL);

  g_assert (targets != NULL && targets->len == 1);
  flow->target = g_object_ref (g_ptr_array_index (targets, 0));
  flow_end_with_target (flow);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          data)
{
  Flow *flow = data;
  g_autoptr(GArray) requests = NULL;
  PinRequest r;

  if (g_strcmp0 (response, "end") != 0)
    {
      flow_free (flow);
      return;
    }
  if (flow->target != NULL)
    {
      flow_end_with_target (flow);
      return;
    }
  /* Not pinned at selection (or not yet): pin now, against the identity the
   * user saw in the dialog. */
  requests = g_array_new (FALSE, TRUE, sizeof (PinRequest));
  r.pid = flow->owner->pid;
  r.start_time = flow->owner->start_time;
  r.inode = flow->inode;
  g_array_append_val (requests, r);
  pin_async (requests, NULL, late_pin_cb, flow);
}

/* Stop Service. */

static void
stop_unit_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Flow *flow = data;
  g_autoptr(GError) error = NULL;

  if (!ps_terminate_stop_unit_finish (result, &error))
    {
      g_autofree char *detail = ps_text_escape_visible (error->message, -1);
      g_autofree char *text = g_strdup_printf (_("Could not stop the service: %s"), detail);

      flow_end_progress (flow);
      flow_toast (flow, text);
      flow_free (flow);
      return;
    }
  flow_report (flow, TRUE, _("Waiting for the service to stop…"));
}

typedef struct
{
  Flow *flow;
  char *unit;
  gboolean user_unit;
} StopAsk;

static void
stop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          data)
{
  StopAsk *ask = data;
  Flow *flow = ask->flow;

  if (g_strcmp0 (response, "stop") == 0)
    {
      g_autofree char *unit = visible (ask->unit);
      g_autofree char *text = g_strdup_printf (_("Stopping “%s”…"), unit);

      flow_progress (flow, text);
      ps_terminate_stop_unit_async (ask->unit, ask->user_unit, NULL, stop_unit_cb, flow);
    }
  else
    flow_free (flow);
  g_free (ask->unit);
  g_free (ask);
}

static void
offer_stop_service (Flow       *flow,
                    const char *unit,
                    gboolean    user_unit)
{
  g_autofree char *unit_text = visible (unit);
  g_autofree char *heading = g_strdup_printf (_("Stop “%s”?"), unit_text);
  g_autofree char *body = g_strdup_printf (user_unit
                                           ? _("Port %u belongs to “%s”, a service of your user session. "
                                               "Ending only the process would make systemd start it again. "
                                               "Stopping the service frees the port until it is started again.")
                                           : _("Port %u belongs to “%s”, a system service. "
                                               "Ending only the process would make systemd start it again. "
                                               "Stopping the service frees the port until it is started "
                                               "again; you may be asked for a password."),
                                           flow->port, unit_text);
  AdwMessageDialog *dialog = flow_dialog (flow, heading, body);
  StopAsk *ask = g_new0 (StopAsk, 1);

  ask->flow = flow;
  ask->unit = g_strdup (unit);
  ask->user_unit = user_unit;
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "stop", _("_Stop Service"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (stop_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Socket activation: the .socket unit, found through systemd. */

typedef struct
{
  Flow *flow;
  gboolean user_unit;
} SocketUnitAsk;

static void
socket_unit_found_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  SocketUnitAsk *ask = data;
  Flow *flow = ask->flow;
  g_autoptr(GError) error = NULL;
  g_autofree char *unit = ps_terminate_find_socket_unit_finish (result, &error);

  if (unit != NULL)
    offer_stop_service (flow, unit, ask->user_unit);
  else
    {
      g_autofree char *heading = g_strdup_printf (_("systemd Holds Port %u"), flow->port);

      flow_explain (flow, heading,
                    _("The port is socket-activated: systemd listens on it and starts a service "
                      "when someone connects. Ending a process would not free it. Stop the "
                      "matching “.socket” unit, for example with “systemctl stop NAME.socket”."));
    }
  g_free (ask);
}

/* The start: decide what to offer, then ask. */

static const PsOwner *
choose_owner (const PsSocket *socket)
{
  /* Several owners share a socket after fork: start with the one whose
   * parent is not among them (the rescan offers the others). */
  for (guint i = 0; i < socket->owners->len; i++)
    {
      const PsOwner *o = g_ptr_array_index (socket->owners, i);
      gboolean parent_owns = FALSE;

      for (guint j = 0; j < socket->owners->len; j++)
        {
          const PsOwner *p = g_ptr_array_index (socket->owners, j);

          parent_owns |= j != i && p->pid == o->ppid;
        }
      if (!parent_owns)
        return o;
    }
  return socket->owners->len > 0 ? g_ptr_array_index (socket->owners, 0) : NULL;
}

static void
confirm_end (Flow *flow)
{
  const PsOwner *o = flow->owner;
  g_autofree char *heading = g_strdup_printf (_("End “%s”?"), flow->name);
  g_autofree char *cmdline = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ports = other_ports (flow->snapshot, flow->inode, o);
  g_autoptr(GString) body = g_string_new (NULL);
  gboolean critical = ps_terminate_is_session_critical (o);
  AdwMessageDialog *dialog;

  if (o->argv != NULL && o->argv[0] != NULL)
    {
      g_autofree char *full = ps_text_escape_argv ((const char * const *) o->argv);

      cmdline = ps_text_ellipsize (full, CMDLINE_MAX_CHARS);
    }
  else
    cmdline = g_strdup (flow->name);
  user = o->user != NULL ? visible (o->user) : g_strdup_printf ("%u", o->uid);

  if (critical)
    g_string_append_printf (body, _("“%s” is part of your desktop session. Ending it can log you out, "
                                    "freeze the screen or stop sound and other services for every "
                                    "application.\n\n"), flow->name);
  g_string_append_printf (body, _("Command line: %s\n"), cmdline);
  g_string_append_printf (body, _("Process: %d, user %s\n"), o->pid, user);
  if (ports[0] != '\0')
    g_string_append_printf (body, _("It also holds: %s\n"), ports);
  g_string_append (body, "\n");
  g_string_append (body, _("It is asked to exit first. Unsaved work in it will be lost."));

  dialog = flow_dialog (flow, heading, body->str);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "end", critical ? _("_End Session Process") : _("_End Process"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), flow);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
flow_start (GtkWindow        *parent,
            AdwToastOverlay  *toasts,
            PsMonitor        *monitor,
            PsSnapshot       *snapshot,
            const PsSocket   *socket,
            PsEndProcessPins *pins)
{
  g_autofree char *detail = NULL;
  const PsOwner *owner;
  gboolean user_unit = FALSE;
  Flow *flow;

  flow = g_new0 (Flow, 1);
  flow->parent = g_object_ref (parent);
  flow->toasts = g_object_ref (toasts);
  flow->monitor = monitor != NULL ? g_object_ref (monitor) : NULL;
  flow->snapshot = snapshot != NULL ? ps_snapshot_ref (snapshot) : NULL;
  flow->key.protocol = socket->protocol;
  flow->key.family = socket->family;
  flow->key.state = socket->state;
  flow->key.port = socket->port;
  memcpy (flow->key.address, socket->address, sizeof flow->key.address);
  memcpy (flow->key.remote_address, socket->remote_address, sizeof flow->key.remote_address);
  flow->key.remote_port = socket->remote_port;
  flow->inode = socket->inode;
  flow->port = socket->port;

  owner = choose_owner (socket);
  if (owner == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("The Owner of Port %u Is Not Visible"), socket->port);

      flow_explain (flow, heading,
                    socket->owner_hidden == PS_OWNER_HIDDEN_OTHER_USER
                    ? _("It belongs to another user. Unlock to see every owner, then end it from there.")
                    : socket->owner_hidden == PS_OWNER_HIDDEN_SANDBOX
                    ? _("Processes outside the sandbox are not visible to Portscope.")
                    : _("No process holds it: the kernel or systemd keeps it open."));
      return;
    }
  flow->owner = ps_owner_ref ((PsOwner *) owner);
  flow->name = owner_display_name (owner);

  switch (ps_terminate_classify (socket, owner, &detail, &user_unit))
    {
    case PS_END_ACTION_CONTAINER:
      {
        g_autofree char *what = visible (detail);
        g_autofree char *heading = g_strdup_printf (_("This Port Belongs to Container “%s”"), what);

        flow_explain (flow, heading,
                      _("Its container runtime would restart or recreate the process. "
                        "Stop the container with the tool that runs it, for example "
                        "“docker stop” or “podman stop”."));
        return;
      }
    case PS_END_ACTION_SOCKET_ACTIVATED:
      {
        SocketUnitAsk *ask = g_new0 (SocketUnitAsk, 1);

        /* Ask systemd which .socket unit listens there, then offer to stop it. */
        ask->flow = flow;
        ask->user_unit = user_unit;
        ps_terminate_find_socket_unit_async (socket, user_unit, NULL, socket_unit_found_cb, ask);
        return;
      }
    case PS_END_ACTION_REFUSED:
      {
        g_autofree char *heading = g_strdup_printf (_("Portscope Does Not End “%s”"), flow->name);

        flow_explain (flow, heading,
                      owner->pid == 1
                      ? _("It is the first process of the system: ending it would stop the computer.")
                      : _("It is Portscope itself."));
        return;
      }
    case PS_END_ACTION_STOP_SERVICE:
      offer_stop_service (flow, detail, user_unit);
      return;
    case PS_END_ACTION_END_PROCESS:
    default:
      {
        PsBackend *backend = monitor != NULL ? ps_monitor_get_backend (monitor) : NULL;

        /* Inside a Flatpak only the host helper sees the owner's PID. */
        if (backend != NULL && PS_IS_HELPER_BACKEND (backend)
            && ps_backend_get_kind (backend) == PS_BACKEND_KIND_HOST)
          flow->target = ps_terminate_target_new_remote (backend, owner->pid, owner->start_time,
                                                         socket->inode);
        else
          flow->target = pins_lookup (pins, owner, socket->inode);
        confirm_end (flow);
        return;
      }
    }
}

void
ps_end_process_run (GtkWindow        *parent,
                    AdwToastOverlay  *toasts,
                    gpointer          monitor,
                    PsSocketItem     *item,
                    PsEndProcessPins *pins)
{
  const PsSocket *socket;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (toasts));
  g_return_if_fail (monitor == NULL || PS_IS_MONITOR (monitor));
  g_return_if_fail (PS_IS_SOCKET_ITEM (item));

  socket = ps_socket_item_get_socket (item);
  if (socket == NULL)
    return;
  flow_start (parent, toasts, monitor, ps_socket_item_get_snapshot (item), socket, pins);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-monitor.h"
#include "ps-socket-list.h"

#define INTERVAL_MIN 250
#define INTERVAL_MAX 60000
#define INTERVAL_DEFAULT 1000
#define BACKOFF_MAX 8

struct _PsMonitor
{
  GObject parent_instance;

  PsBackend *backend;
  PsSnapshot *snapshot;

  guint interval;
  guint effective_interval;
  guint timer_interval;      /* the interval the running timer was added with */
  guint timeout_id;
  guint start_id;            /* the idle that starts the first scan */

  GCancellable *cancellable; /* of the current scan; NULL when none */

  guint n_scans;
  guint n_skipped;

  PsScanFlags pending_flags;

  guint active : 1;
  guint connections : 1;
  guint scanning : 1;
  guint constructed : 1;
  guint started : 1;         /* the first scan has been started */
  guint owners_pending : 1;  /* the fast first scan ran: a full one follows */
  guint pending_refresh : 1; /* a refresh arrived while a scan ran */
  guint held : 1;            /* ps_monitor_set_held(): no scan starts */
  guint make_items : 1;      /* the next scan makes the list's items */
};

G_DEFINE_FINAL_TYPE (PsMonitor, ps_monitor, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BACKEND,
  PROP_INTERVAL,
  PROP_ACTIVE,
  PROP_CONNECTIONS,
  PROP_SNAPSHOT,
  PROP_SCANNING,
  PROP_N_SCANS,
  PROP_EFFECTIVE_INTERVAL,
  PROP_N_SKIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_UPDATED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What travels to the worker: plain data and thread-safe references only. */
typedef struct
{
  GWeakRef monitor;
  PsBackend *backend;
  PsSnapshot *previous;      /* nullable: to tell whether anything changed */
  PsScanFlags flags;
  gboolean make_items;       /* the prefetch: make the list's items here */
} ScanData;

typedef struct
{
  PsSnapshot *snapshot;
  PsSnapshotDiff *diff;      /* vs the previous snapshot; NULL when none */
  GPtrArray *items;          /* nullable: ps_socket_list_make_items () */
  gboolean changed;
} ScanResult;

static void
scan_data_free (ScanData *data)
{
  g_weak_ref_clear (&data->monitor);
  g_clear_object (&data->backend);
  g_clear_pointer (&data->previous, ps_socket_list_release_snapshot);
  g_free (data);
}

static void
scan_result_free (ScanResult *result)
{
  g_clear_pointer (&result->snapshot, ps_socket_list_release_snapshot);
  g_clear_pointer (&result->diff, ps_snapshot_diff_free);
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  PsScanStats stats = { 0, };
  GError *error = NULL;
  PsSnapshot *snapshot;
  ScanResult *result;

  snapshot = ps_backend_scan (data->backend, data->flags, &stats, cancellable, &error);
  if (snapshot == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "The scan returned nothing");
      g_task_return_error (task, error);
      return;
    }

  result = g_new0 (ScanResult, 1);
  result->snapshot = snapshot;
  /* The window's first snapshot: its 20,000 items are made here, while the
   * main thread maps the window, rather than in the first apply. */
  if (data->make_items)
    result->items = ps_socket_list_make_items (snapshot);
  if (data->previous == NULL)
    {
      result->changed = TRUE;
    }
  else if (data->previous == snapshot)
    {
      /* The scanner's steady state returns the same snapshot. */
      result->changed = FALSE;
    }
  else
    {
      result->diff = ps_snapshot_diff (data->previous, snapshot);
      result->changed = !ps_snapshot_diff_is_empty (result->diff);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
}

static void scan_done_cb (GObject      *source_object,
                          GAsyncResult *result,
                          gpointer      user_data);

static PsScanFlags
base_flags (PsMonitor *self)
{
  return self->connections ? PS_SCAN_CONNECTIONS : PS_SCAN_DEFAULT;
}

static void
set_scanning (PsMonitor *self,
              gboolean   scanning)
{
  if (self->scanning == (guint) !!scanning)
    return;
  self->scanning = !!scanning;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

static void
set_effective_interval (PsMonitor *self,
                        guint      interval)
{
  if (self->effective_interval == interval)
    return;
  self->effective_interval = interval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EFFECTIVE_INTERVAL]);
}

static void
start_scan (PsMonitor   *self,
            PsScanFlags  flags)
{
  g_autoptr(GTask) task = NULL;
  ScanData *data;

  g_assert (!self->scanning);
  g_assert (self->backend != NULL);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->started = TRUE;

  data = g_new0 (ScanData, 1);
  g_weak_ref_init (&data->monitor, self);
  data->backend = g_object_ref (self->backend);
  data->previous = self->snapshot != NULL ? ps_snapshot_ref (self->snapshot) : NULL;
  data->flags = flags;
  data->make_items = self->make_items;
  self->make_items = FALSE;

  task = g_task_new (NULL, self->cancellable, scan_done_cb, NULL);
  g_task_set_source_tag (task, start_scan);
  g_task_set_name (task, "[portscope] scan");
  g_task_set_task_data (task, data, (GDestroyNotify) scan_data_free);
  g_task_run_in_thread (task, scan_thread);

  set_scanning (self, TRUE);
}

static gboolean
tick_cb (gpointer user_data)
{
  PsMonitor *self = user_data;

  if (self->backend == NULL)
    return G_SOURCE_CONTINUE;
  if (self->held)
    {
      self->pending_refresh = TRUE;
      return G_SOURCE_CONTINUE;
    }
  if (self->scanning)
    {
      self->n_skipped++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
      return G_SOURCE_CONTINUE;
    }
  start_scan (self, base_flags (self));
  return G_SOURCE_CONTINUE;
}

/* Keeps one timer at the effective interval while active, none otherwise.
 * RESTART begins a new full interval from now. */
static void
update_timer (PsMonitor *self,
              gboolean   restart)
{
  if (!self->active || !self->started || self->backend == NULL)
    {
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      return;
    }
  if (self->timeout_id != 0 && !restart && self->timer_interval == self->effective_interval)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timer_interval = self->effective_interval;
  self->timeout_id = g_timeout_add (self->effective_interval, tick_cb, self);
}

static void
start_first_scan (PsMonitor *self)
{
  /* Sockets only first: rows are on screen within milliseconds even when
   * the owner walk takes a while; the full scan follows at once. */
  self->owners_pending = TRUE;
  start_scan (self, base_flags (self) | PS_SCAN_NO_OWNERS);
  update_timer (self, TRUE);
}

static gboolean
start_idle_cb (gpointer user_data)
{
  PsMonitor *self = user_data;

  self->start_id = 0;
  if (self->active && !self->started && !self->scanning)
    start_first_scan (self);
  return G_SOURCE_REMOVE;
}

/* Starts the scan that waited: the one with owners after the sockets-only
 * first scan, or a refresh that arrived while a scan ran or while held. */
static void
start_pending (PsMonitor *self)
{
  gboolean owners_pending;

  if (self->scanning || self->held || self->backend == NULL)
    return;

  owners_pending = self->owners_pending;
  self->owners_pending = FALSE;
  if ((owners_pending && self->active) || self->pending_refresh)
    {
      self->pending_refresh = FALSE;
      start_scan (self, base_flags (self) | self->pending_flags);
      self->pending_flags = 0;
    }
}

static void
scan_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = G_TASK (result);
  ScanData *data = g_task_get_task_data (task);
  g_autoptr(PsMonitor) self = g_weak_ref_get (&data->monitor);
  g_autoptr(GError) error = NULL;
  ScanResult *scan;

  scan = g_task_propagate_pointer (task, &error);

  /* The monitor is gone, or this scan was superseded (backend replaced). */
  if (self == NULL || g_task_get_cancellable (task) != self->cancellable)
    {
      g_clear_pointer (&scan, scan_result_free);
      return;
    }

  g_clear_object (&self->cancellable);
  set_scanning (self, FALSE);
  self->n_scans++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SCANS]);

  if (scan != NULL)
    {
      if (scan->changed)
        set_effective_interval (self, self->interval);
      else
        set_effective_interval (self, MIN (self->effective_interval * 2,
                                           self->interval * BACKOFF_MAX));

      /* The list applying this snapshot reuses the worker's diff. */
      if (scan->diff != NULL)
        ps_socket_list_note_diff (data->previous, scan->snapshot,
                                  g_steal_pointer (&scan->diff));
      if (scan->items != NULL)
        ps_socket_list_note_items (scan->snapshot, g_steal_pointer (&scan->items));
      g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);
      self->snapshot = g_steal_pointer (&scan->snapshot);
      scan_result_free (scan);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
      g_signal_emit (self, signals[SIGNAL_UPDATED], 0, self->snapshot);
    }
  else
    {
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
    }

  /* A handler may have started a scan, replaced the backend or stopped us. */
  start_pending (self);
  update_timer (self, FALSE);
}

/* GObject */

static void
ps_monitor_constructed (GObject *object)
{
  PsMonitor *self = PS_MONITOR (object);

  G_OBJECT_CLASS (ps_monitor_parent_class)->constructed (object);

  self->constructed = TRUE;
  if (self->active && self->backend != NULL)
    self->start_id = g_idle_add (start_idle_cb, self);
}

static void
ps_monitor_dispose (GObject *object)
{
  PsMonitor *self = PS_MONITOR (object);

  /* A scan in flight finishes on its thread; its callback finds no monitor. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->start_id, g_source_remove);
  g_clear_object (&self->backend);
  g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);

  G_OBJECT_CLASS (ps_monitor_parent_class)->dispose (object);
}

static void
ps_monitor_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PsMonitor *self = PS_MONITOR (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_CONNECTIONS:
      g_value_set_boolean (value, self->connections);
      break;
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    case PROP_N_SCANS:
      g_value_set_uint (value, self->n_scans);
      break;
    case PROP_EFFECTIVE_INTERVAL:
      g_value_set_uint (value, self->effective_interval);
      break;
    case PROP_N_SKIPPED:
      g_value_set_uint (value, self->n_skipped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_monitor_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PsMonitor *self = PS_MONITOR (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      ps_monitor_set_backend (self, g_value_get_object (value));
      break;
    case PROP_INTERVAL:
      ps_monitor_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_ACTIVE:
      ps_monitor_set_active (self, g_value_get_boolean (value));
      break;
    case PROP_CONNECTIONS:
      ps_monitor_set_connections (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_monitor_class_init (PsMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ps_monitor_constructed;
  object_class->dispose = ps_monitor_dispose;
  object_class->get_property = ps_monitor_get_property;
  object_class->set_property = ps_monitor_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, PS_TYPE_BACKEND, rw | G_PARAM_CONSTRUCT);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, INTERVAL_MIN, INTERVAL_MAX, INTERVAL_DEFAULT,
                       rw | G_PARAM_CONSTRUCT);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, TRUE, rw | G_PARAM_CONSTRUCT);
  properties[PROP_CONNECTIONS] =
    g_param_spec_boolean ("connections", NULL, NULL, FALSE, rw);
  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, NULL, PS_TYPE_SNAPSHOT, ro);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE, ro);
  properties[PROP_N_SCANS] =
    g_param_spec_uint ("n-scans", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_EFFECTIVE_INTERVAL] =
    g_param_spec_uint ("effective-interval", NULL, NULL, 0, G_MAXUINT, INTERVAL_DEFAULT, ro);
  properties[PROP_N_SKIPPED] =
    g_param_spec_uint ("n-skipped", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PS_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ps_monitor_init (PsMonitor *self)
{
  self->interval = INTERVAL_DEFAULT;
  self->effective_interval = INTERVAL_DEFAULT;
  self->active = TRUE;
}

PsMonitor *
ps_monitor_new (PsBackend *backend)
{
  g_return_val_if_fail (PS_IS_BACKEND (backend), NULL);

  return g_object_new (PS_TYPE_MONITOR, "backend", backend, NULL);
}

void
ps_monitor_refresh (PsMonitor *self,
                    gboolean   full_walk)
{
  PsScanFlags flags = full_walk ? PS_SCAN_FULL_WALK : PS_SCAN_DEFAULT;

  g_return_if_fail (PS_IS_MONITOR (self));
  g_return_if_fail (self->backend != NULL);

  g_clear_handle_id (&self->start_id, g_source_remove);
  set_effective_interval (self, self->interval);

  if (self->scanning || (self->held && self->started))
    {
      self->pending_refresh = TRUE;
      self->pending_flags |= flags;
    }
  else if (!self->started)
    {
      start_first_scan (self);
    }
  else
    {
      start_scan (self, base_flags (self) | flags);
    }
  update_timer (self, TRUE);
}

void
ps_monitor_prefetch (PsMonitor *self)
{
  g_return_if_fail (PS_IS_MONITOR (self));
  g_return_if_fail (self->backend != NULL);

  if (self->started || self->scanning)
    return;
  g_clear_handle_id (&self->start_id, g_source_remove);
  self->make_items = TRUE;
  start_first_scan (self);
}

PsSnapshot *
ps_monitor_get_snapshot (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), NULL);

  return self->snapshot;
}

PsBackend *
ps_monitor_get_backend (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), NULL);

  return self->backend;
}

void
ps_monitor_set_backend (PsMonitor *self,
                        PsBackend *backend)
{
  g_return_if_fail (PS_IS_MONITOR (self));
  g_return_if_fail (backend == NULL || PS_IS_BACKEND (backend));

  if (self->backend == backend)
    return;

  g_set_object (&self->backend, backend);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);

  if (!self->constructed)
    return;

  /* The scan in flight (if any) belongs to the old backend: discard it.  Its
   * thread ends on its own; the callback sees a stale cancellable. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_scanning (self, FALSE);
  self->pending_refresh = FALSE;
  self->pending_flags = 0;
  self->owners_pending = FALSE;

  if (self->backend != NULL && self->active && (self->started || self->start_id != 0))
    ps_monitor_refresh (self, TRUE);
  else if (self->backend == NULL)
    g_clear_handle_id (&self->timeout_id, g_source_remove);
}

gboolean
ps_monitor_get_active (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), FALSE);

  return self->active;
}

void
ps_monitor_set_active (PsMonitor *self,
                       gboolean   active)
{
  g_return_if_fail (PS_IS_MONITOR (self));

  active = !!active;
  if (self->active == (guint) active)
    return;

  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);

  if (!self->constructed)
    return;

  if (!active)
    {
      /* Hidden: no timer at all.  A scan in flight still lands. */
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      g_clear_handle_id (&self->start_id, g_source_remove);
    }
  else if (self->backend != NULL)
    {
      /* Shown again: what is on screen may be old. */
      ps_monitor_refresh (self, FALSE);
    }
}

void
ps_monitor_set_held (PsMonitor *self,
                     gboolean   held)
{
  g_return_if_fail (PS_IS_MONITOR (self));

  held = !!held;
  if (self->held == (guint) held)
    return;
  self->held = held;
  if (!held)
    start_pending (self);
}

guint
ps_monitor_get_interval (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), 0);

  return self->interval;
}

void
ps_monitor_set_interval (PsMonitor *self,
                         guint      interval_ms)
{
  g_return_if_fail (PS_IS_MONITOR (self));

  interval_ms = CLAMP (interval_ms, INTERVAL_MIN, INTERVAL_MAX);
  if (self->interval == interval_ms)
    return;

  self->interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
  set_effective_interval (self, interval_ms);
  if (self->constructed)
    update_timer (self, TRUE);
}

guint
ps_monitor_get_effective_interval (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), 0);

  return self->effective_interval;
}

guint
ps_monitor_get_n_scans (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), 0);

  return self->n_scans;
}

gboolean
ps_monitor_get_scanning (PsMonitor *self)
{
  g_return_val_if_fail (PS_IS_MONITOR (self), FALSE);

  return self->scanning;
}

void
ps_monitor_set_connections (PsMonitor *self,
                            gboolean   connections)
{
  g_return_if_fail (PS_IS_MONITOR (self));

  connections = !!connections;
  if (self->connections == (guint) connections)
    return;

  self->connections = connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIONS]);

  if (self->constructed && self->started && self->backend != NULL)
    ps_monitor_refresh (self, FALSE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the window first appears.  The sockets-only first scan starts before
 * GTK does (ps_window_prefetch(), from the application's startup) and the
 * window adopts it; the window is presented once that scan's rows are built
 * (ps_window_present_when_ready(), a short grace at most), so that it never
 * appears empty; the first load is cut to the rows that fit, the rest
 * following frame by frame; and the owner walk waits until the first rows
 * are painted. */
#include "config.h"

#include "ps-backend.h"
#include "ps-window-private.h"

/* The first load.  GTK 4.8's column view builds up to 200 rows as soon as
 * its model has them, inside the model's items-changed, before it paints;
 * at 8 cells a row that is most of the time to the first rows.  So the first
 * load shows the rows that fit in the window, and the rest (off screen) follow
 * right after that frame is painted. */

/* After the first frame the rest of the list follows, ROWS_PER_FRAME rows a
 * frame while the view builds rows for them (about 200 in GTK 4.8), then
 * all at once: the window answers between the steps. */
#define ROWS_PER_FRAME 40
#define ROWS_BUILT 200

static void on_first_paint (GdkFrameClock *clock,
                            PsWindow      *self);

static gboolean
widen_cb (gpointer user_data)
{
  PsWindow *self = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  guint limit = ps_limit_model_get_limit (self->limit_model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));

  self->widen_id = 0;
  if (limit < ROWS_BUILT && limit + ROWS_PER_FRAME < n && clock != NULL)
    {
      ps_limit_model_set_limit (self->limit_model, limit + ROWS_PER_FRAME);
      self->first_paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint), self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    {
      ps_limit_model_set_limit (self->limit_model, G_MAXUINT);
    }
  _ps_window_select_pending (self);
  return G_SOURCE_REMOVE;
}

static void
on_first_paint (GdkFrameClock *clock,
                PsWindow      *self)
{
  g_clear_signal_handler (&self->first_paint_handler, clock);
  if (self->widen_id == 0)
    self->widen_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, widen_cb, self, NULL);
}

/* Rows that can be seen in the window, at least: below the header bar and
 * the column titles (~77 px together with Adwaita), the data table's rows
 * are ~20 px tall at the default font size.  (With a smaller font a few more
 * rows fit: they follow one frame later.)  A maximized window, before it is
 * shown, is as tall as the tallest monitor. */
#define LIST_TOP_PX 70
#define ROW_PX 20

static int
tallest_monitor (PsWindow *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  GListModel *monitors = gdk_display_get_monitors (display);
  int height = 0;

  if (self->surface != NULL)
    {
      GdkMonitor *monitor = gdk_display_get_monitor_at_surface (display, self->surface);
      GdkRectangle geometry;

      if (monitor != NULL)
        {
          gdk_monitor_get_geometry (monitor, &geometry);
          return geometry.height;
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      height = MAX (height, geometry.height);
    }
  return height > 0 ? height : 2160;
}

static guint
rows_on_screen (PsWindow *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int width = 0;

  if (height <= 0)
    gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (height <= 0 || gtk_window_is_maximized (GTK_WINDOW (self)) ||
      gtk_window_is_fullscreen (GTK_WINDOW (self)))
    height = MAX (height, tallest_monitor (self));
  return (guint) (MAX (height - LIST_TOP_PX, ROW_PX) / ROW_PX) + 1;
}

/* Before the window is realized (its first rows are built before it is
 * shown) the rest follows the first frame once there is a frame clock. */
void
_ps_window_watch_first_paint (PsWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL || self->first_paint_handler != 0 ||
      ps_limit_model_get_limit (self->limit_model) == G_MAXUINT)
    return;
  self->first_paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_ps_window_cut_first_load (PsWindow *self)
{
  if (self->first_paint_handler != 0 ||
      ps_limit_model_get_limit (self->limit_model) != G_MAXUINT)
    return;
  ps_limit_model_set_limit (self->limit_model, rows_on_screen (self));
  _ps_window_watch_first_paint (self);
}

/* From the map to the first frame painted after the first scan landed, the
 * monitor is held: the owner walk that follows the sockets-only scan would
 * take both cores of a small machine while that frame is built. */
void
_ps_window_release_monitor (PsWindow *self)
{
  if (self->release_handler != 0)
    g_clear_signal_handler (&self->release_handler, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  if (self->monitor_held && self->monitor != NULL)
    ps_monitor_set_held (self->monitor, FALSE);
  if (self->monitor_held)
    self->monitor_released = TRUE;
  self->monitor_held = FALSE;
}

static void
on_release_paint (GdkFrameClock *clock,
                  PsWindow      *self)
{
  _ps_window_release_monitor (self);
}

void
_ps_window_release_monitor_after_paint (PsWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (!self->monitor_held || self->release_handler != 0)
    return;
  if (clock == NULL)
    {
      _ps_window_release_monitor (self);
      return;
    }
  self->release_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_release_paint), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The first presentation waits for the first rows, a short while at most,
 * so that the window does not appear empty and then fill: the sockets-only
 * scan that started with the window usually takes a few milliseconds, tens
 * at 20,000 sockets.  Past the grace (a slow helper, say) the window appears
 * with its loading page. */
#define PRESENT_GRACE_MS 200

static gboolean
present_timeout_cb (gpointer user_data)
{
  PsWindow *self = user_data;

  self->present_timeout_id = 0;
  _ps_window_present_if_pending (self);
  return G_SOURCE_REMOVE;
}

void
_ps_window_present_if_pending (PsWindow *self)
{
  if (!self->present_pending)
    return;
  self->present_pending = FALSE;
  g_clear_handle_id (&self->present_timeout_id, g_source_remove);
  gtk_window_present (GTK_WINDOW (self));
}

void
ps_window_present_when_ready (PsWindow *self)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  self->present_pending = TRUE;
  if (self->have_snapshot || self->failure_reported || self->monitor == NULL ||
      gtk_widget_get_visible (GTK_WIDGET (self)))
    _ps_window_present_if_pending (self);
  else if (self->present_timeout_id == 0)
    self->present_timeout_id = g_timeout_add (PRESENT_GRACE_MS, present_timeout_cb, self);
}

/* The first scan: inactive (no timer) until the window maps, the
 * refresh settings bound, and the sockets-only scan started at once. */
static PsMonitor *
monitor_new_prefetching (GSettings *settings)
{
  g_autoptr(PsBackend) backend = ps_backend_new_default ();
  PsMonitor *monitor = ps_monitor_new (backend);

  ps_monitor_set_active (monitor, FALSE);
  g_settings_bind (settings, "refresh-interval", monitor, "interval", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "show-connections", monitor, "connections", G_SETTINGS_BIND_GET);
  ps_monitor_prefetch (monitor);
  return monitor;
}

/* ps_window_prefetch(): one monitor, started before the window exists. */
#define PREFETCH_MAX_AGE_USEC (5 * G_USEC_PER_SEC)
static PsMonitor *prefetched_monitor;
static gint64 prefetched_at;

PsMonitor *
ps_window_prefetch (void)
{
  g_autoptr(GSettings) settings = NULL;

  if (prefetched_monitor != NULL)
    return prefetched_monitor;
  settings = g_settings_new (BASE_APP_ID);
  prefetched_monitor = monitor_new_prefetching (settings);
  prefetched_at = g_get_monotonic_time ();
  return prefetched_monitor;
}

void
ps_window_drop_prefetch (void)
{
  g_clear_object (&prefetched_monitor);
}

/* The prefetched monitor, unless it is too old to be the window's first
 * scan (a service activation that shows a window much later). */
static PsMonitor *
adopt_prefetch (void)
{
  if (prefetched_monitor != NULL &&
      g_get_monotonic_time () - prefetched_at > PREFETCH_MAX_AGE_USEC)
    ps_window_drop_prefetch ();
  return g_steal_pointer (&prefetched_monitor);
}


PsMonitor *
_ps_window_take_first_monitor (GSettings *settings)
{
  PsMonitor *monitor = adopt_prefetch ();

  return monitor != NULL ? monitor : monitor_new_prefetching (settings);
}

/* The window maps: it is presented, whatever was pending.  From the first
 * map until the first rows are painted, nothing else is scanned (see
 * _ps_window_release_monitor_after_paint()). */
void
_ps_window_first_map (PsWindow *self)
{
  g_clear_handle_id (&self->present_timeout_id, g_source_remove);
  self->present_pending = FALSE;
  if (!self->monitor_released && !self->monitor_held && self->monitor != NULL)
    {
      self->monitor_held = TRUE;
      ps_monitor_set_held (self->monitor, TRUE);
      if (self->have_snapshot)
        _ps_window_release_monitor_after_paint (self);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsWindow's instance struct, shared by the files that make up the window:
 * ps-window.c (the window) and ps-window-first-frame.c (how it first
 * appears: the first scan, the first load, the first presentation). */
#pragma once

#include "ps-detail-pane.h"
#include "ps-end-process.h"
#include "ps-limit-model.h"
#include "ps-monitor.h"
#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "ps-window.h"

G_BEGIN_DECLS

struct _PsWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children. */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkWidget *list_page;
  GtkWidget *detail_page;
  AdwWindowTitle *window_title;
  GtkToggleButton *search_button;
  GtkMenuButton *filter_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkRevealer *hidden_banner;
  GtkImage *hidden_banner_icon;
  GtkLabel *hidden_banner_title;
  GtkLabel *hidden_banner_label;
  GtkButton *banner_unlock_button;
  GtkButton *unlock_button;
  GtkButton *lock_button;
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *free_page;
  GtkWidget *show_connections_button;
  AdwStatusPage *error_page;
  GtkColumnView *column_view;
  GtkColumnViewColumn *port_column;
  GtkColumnViewColumn *protocol_column;
  GtkColumnViewColumn *address_column;
  GtkColumnViewColumn *exposure_column;
  GtkColumnViewColumn *process_column;
  GtkColumnViewColumn *pid_column;
  GtkColumnViewColumn *user_column;
  GtkColumnViewColumn *service_column;
  GtkSingleSelection *selection;
  PsLimitModel *limit_model;
  GtkSortListModel *sort_model;
  GtkFilterListModel *filter_model;
  GtkCustomFilter *filter;
  PsSocketList *socket_list;
  PsDetailPane *detail_pane;

  GSettings *settings;
  PsMonitor *monitor;
  guint present_timeout_id;    /* ps_window_present_when_ready(): the grace */
  gboolean present_pending;
  PsEndProcessPins *pins;
  GdkSurface *surface;
  gulong surface_state_handler;
  gulong first_paint_handler;  /* on the frame clock while the list is cut short */
  gulong release_handler;      /* on the frame clock while the monitor is held */
  gboolean monitor_held;
  gboolean monitor_released;   /* held once, from the first map to the first rows */
  guint widen_id;

  /* Filter state, cached from settings and the search entry. */
  char *query;               /* lower-case, NULL when empty */
  int query_port;            /* the query as a port number, or -1 */
  gboolean show_tcp;
  gboolean show_udp;
  gboolean show_ipv4;
  gboolean show_ipv6;
  gboolean only_exposed;
  gboolean only_mine;
  gboolean filtering;        /* the filter has its function (something to filter) */
  PsColumn sort_column;      /* the sort in the settings */
  GtkSortType sort_order;
  guint32 uid;

  /* Unlock: the backend to return to on Lock, the start in progress, the
   * last refusal (shown in the banner) and the helper's last failure. */
  PsBackend *previous_backend;
  GCancellable *unlock_cancellable;
  char *unlock_refusal;
  char *helper_error;

  int pending_select_port;   /* select this port's row once it is listed, or -1 */
  gboolean have_snapshot;
  gboolean failure_reported;
  gboolean refreshed_once;
};

/* ps-window.c */
void _ps_window_select_pending (PsWindow *self);

/* ps-window-first-frame.c */
PsMonitor *_ps_window_take_first_monitor          (GSettings *settings);
void       _ps_window_cut_first_load              (PsWindow  *self);
void       _ps_window_watch_first_paint           (PsWindow  *self);
void       _ps_window_first_map                   (PsWindow  *self);
void       _ps_window_release_monitor             (PsWindow  *self);
void       _ps_window_release_monitor_after_paint (PsWindow  *self);
void       _ps_window_present_if_pending          (PsWindow  *self);

G_END_DECLS

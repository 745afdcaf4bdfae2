/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsWindow: the live list of ports and the detail pane. */
#pragma once

#include <adwaita.h>

#include "ps-monitor.h"
#include "ps-socket-list.h"

G_BEGIN_DECLS

#define PS_TYPE_WINDOW (ps_window_get_type ())
G_DECLARE_FINAL_TYPE (PsWindow, ps_window, PS, WINDOW, AdwApplicationWindow)

/* APPLICATION is nullable (tests create windows without one).  The window
 * scans with ps_backend_new_default() at the GSettings refresh interval. */
PsWindow *ps_window_new (GtkApplication *application);

/* Starts the first (sockets-only) scan now, before any window exists (the
 * application calls it before GTK initializes); the next window built within
 * a few seconds adopts it.  Returns that monitor (transfer none).
 * ps_window_drop_prefetch() discards an unused one. */
PsMonitor *ps_window_prefetch (void);
void ps_window_drop_prefetch (void);

/* Presents the window once its first rows are built (or after a short
 * grace, or at once when it has them or is already shown), so that it does
 * not appear empty.  Never blocks: the window appears from the main loop. */
void ps_window_present_when_ready (PsWindow *self);

/* Shows the search bar with TEXT in it. */
void ps_window_set_search (PsWindow   *self,
                           const char *text);
/* Searches for PORT and selects its row as soon as it is listed (the
 * `portscope PORT` flow). */
void ps_window_search_port (PsWindow *self,
                            guint     port);

PsMonitor *ps_window_get_monitor (PsWindow *self);
PsSocketList *ps_window_get_socket_list (PsWindow *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsMonitor: the refresh loop.  A main-loop timer starts at most one scan at a
 * time on a worker (GTask, source object NULL, a GWeakRef to the monitor as
 * task data owner); results come back as PsSnapshot on the main thread. */
#pragma once

#include <gio/gio.h>

#include "ps-backend.h"
#include "ps-snapshot.h"

G_BEGIN_DECLS

#define PS_TYPE_MONITOR (ps_monitor_get_type ())
G_DECLARE_FINAL_TYPE (PsMonitor, ps_monitor, PS, MONITOR, GObject)

/* Properties: backend (PsBackend, construct), interval (uint ms, default 1000,
 * clamped 250..60000), active (boolean: FALSE stops the timer, e.g. window
 * hidden), connections (boolean: scan all TCP states), snapshot (boxed,
 * read-only: the latest), scanning (boolean, read-only), n-scans (uint,
 * read-only: completed scans), effective-interval (uint ms, read-only: the
 * interval after back-off), n-skipped (uint, read-only: ticks skipped because
 * a scan was still running).
 * The first scan is a PS_SCAN_NO_OWNERS one (rows on screen at once); a full
 * scan with owners follows it immediately.  Scans start once the main loop
 * runs, so properties set right after ps_monitor_new() apply to the first.
 * Signals: "updated" (PsSnapshot *snapshot) after each scan that succeeded;
 *          "failed" (GError *error) after one that did not.
 * While nothing changes the interval backs off (doubling, at most 8×). */

PsMonitor *ps_monitor_new (PsBackend *backend);

/* Starts the first scan (sockets only, PS_SCAN_NO_OWNERS) now, even while
 * inactive, so that its snapshot is at hand when the view appears ("updated"
 * is emitted as usual).  The worker also makes the PsSocketItems a list
 * applying that snapshot needs (ps_socket_list_note_items()).  No timer runs while inactive; the scan with owners
 * starts when the monitor is (or becomes) active.  Does nothing once a scan
 * has started. */
void ps_monitor_prefetch (PsMonitor *self);

/* Starts a scan now (unless one is running; then another follows it).
 * FULL_WALK forces a full owner walk. */
void ps_monitor_refresh (PsMonitor *self,
                         gboolean   full_walk);

PsSnapshot *ps_monitor_get_snapshot (PsMonitor *self);
gboolean ps_monitor_get_active (PsMonitor *self);
guint ps_monitor_get_interval (PsMonitor *self);
guint ps_monitor_get_effective_interval (PsMonitor *self);
guint ps_monitor_get_n_scans (PsMonitor *self);
gboolean ps_monitor_get_scanning (PsMonitor *self);
void ps_monitor_set_connections (PsMonitor *self,
                                 gboolean   connections);
PsBackend *ps_monitor_get_backend (PsMonitor *self);
/* Replaces the backend (Unlock / Lock); a scan in flight is discarded. */
void ps_monitor_set_backend (PsMonitor *self,
                             PsBackend *backend);
void ps_monitor_set_active (PsMonitor *self,
                            gboolean   active);
void ps_monitor_set_interval (PsMonitor *self,
                              guint      interval_ms);

/* While HELD, no further scan starts: the scan with owners that follows the
 * sockets-only first one, timer ticks and refreshes wait (a scan in flight
 * still lands).  Releasing starts what waited, at most one scan.  The window
 * holds its monitor from the map until its first rows are painted: on two
 * cores the owner walk would compete with that frame. */
void ps_monitor_set_held (PsMonitor *self,
                          gboolean   held);

G_END_DECLS

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
 * read-only).
 * Signals: "updated" (PsSnapshot *snapshot) after each scan that succeeded;
 *          "failed" (GError *error) after one that did not.
 * While nothing changes the interval backs off (doubling, at most 8×). */

PsMonitor *ps_monitor_new (PsBackend *backend);

/* Starts a scan now (unless one is running; then another follows it).
 * FULL_WALK forces a full owner walk. */
void ps_monitor_refresh (PsMonitor *self,
                         gboolean   full_walk);

PsSnapshot *ps_monitor_get_snapshot (PsMonitor *self);
PsBackend *ps_monitor_get_backend (PsMonitor *self);
/* Replaces the backend (Unlock / Lock); a scan in flight is discarded. */
void ps_monitor_set_backend (PsMonitor *self,
                             PsBackend *backend);
void ps_monitor_set_active (PsMonitor *self,
                            gboolean   active);
void ps_monitor_set_interval (PsMonitor *self,
                              guint      interval_ms);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsSocketList: the app's GListModel of PsSocketItem, kept in the snapshot's
 * stable order, updated by diff. */
#pragma once

#include <gio/gio.h>

#include "ps-snapshot.h"
#include "ps-socket-item.h"

G_BEGIN_DECLS

#define PS_TYPE_SOCKET_LIST (ps_socket_list_get_type ())
G_DECLARE_FINAL_TYPE (PsSocketList, ps_socket_list, PS, SOCKET_LIST, GObject)

/* Properties: snapshot (boxed PsSnapshot, read-only), new-timeout-ms (uint,
 * default 3000; 0 = never mark new), closing-timeout-ms (uint, default 3000;
 * 0 = remove vanished rows at once), n-hidden (uint). */

PsSocketList *ps_socket_list_new (void);

/* Applies SNAPSHOT: vanished rows marked closing (removed after
 * closing-timeout-ms), new rows inserted (marked new for new-timeout-ms),
 * survivors updated in place (only changed properties notify).  items-changed
 * is emitted once per contiguous run, never when nothing changed, and before
 * any survivor changes: a sort model over the list sees every row compare as
 * when it last sorted, until it is told (ps_socket_list_get_n_changed()).
 * Main thread only. */
void ps_socket_list_apply (PsSocketList *self,
                           PsSnapshot   *snapshot);

/* The number of rows updated in place (some shown value changed) by the last
 * apply: when 0, a filter or sorter over the list need not be told anything
 * beyond items-changed. */
guint ps_socket_list_get_n_changed (PsSocketList *self);

/* Records DIFF = ps_snapshot_diff (BEFORE, AFTER) (transfer full), computed
 * off the main thread (PsMonitor's worker does, before "updated").  Applying
 * AFTER to a list whose snapshot is BEFORE then reuses it: O(1) when the diff
 * is empty, and no per-row comparison otherwise.  One record is kept,
 * references held.  Main thread only. */
void ps_socket_list_note_diff (PsSnapshot     *before,
                               PsSnapshot     *after,
                               PsSnapshotDiff *diff);

/* Makes the items a list applying SNAPSHOT creates for its new rows: one
 * per socket, in the snapshot's order.  Any thread: the monitor's worker
 * makes them for the window's first snapshot while the main thread is busy
 * showing the window (20,000 items take ~10-20 ms). */
GPtrArray *ps_socket_list_make_items (PsSnapshot *snapshot);

/* Records ITEMS = ps_socket_list_make_items (SNAPSHOT) (transfer full): the
 * next apply of SNAPSHOT adopts them for the rows it adds instead of making
 * its own (a row takes item I of socket I) and drops the rest; an apply of
 * another snapshot drops them all.  One record, main thread only. */
void ps_socket_list_note_items (PsSnapshot *snapshot,
                                GPtrArray  *items);

/* Drops a reference to SNAPSHOT (nullable) on a worker thread: freeing
 * 20,000 sockets takes milliseconds, which the main loop should not spend.
 * For the references the list, its items and the monitor let go of; any
 * thread. */
void ps_socket_list_release_snapshot (PsSnapshot *snapshot);

/* The latest snapshot applied (nullable, owned by the list). */
PsSnapshot *ps_socket_list_get_snapshot (PsSocketList *self);

/* Finds the row of the socket with the same key as SOCKET; -1 if none. */
gint ps_socket_list_find (PsSocketList   *self,
                          const PsSocket *socket);

G_END_DECLS

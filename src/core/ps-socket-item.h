/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One row of the list: a socket of the latest snapshot, with what the columns show. */
#pragma once

#include <gio/gio.h>

#include "ps-knowledge.h"
#include "ps-snapshot.h"

G_BEGIN_DECLS

/* The columns of the port list: what a cell shows, what a sorter compares. */
typedef enum
{
  PS_COLUMN_PORT,
  PS_COLUMN_PROTOCOL,
  PS_COLUMN_ADDRESS,
  PS_COLUMN_EXPOSURE,
  PS_COLUMN_PROCESS,
  PS_COLUMN_PID,
  PS_COLUMN_USER,
  PS_COLUMN_SERVICE,
  PS_N_COLUMNS
} PsColumn;

#define PS_TYPE_SOCKET_ITEM (ps_socket_item_get_type ())
G_DECLARE_FINAL_TYPE (PsSocketItem, ps_socket_item, PS, SOCKET_ITEM, GObject)

/* Properties (all read-only, EXPLICIT_NOTIFY; only changed ones notify on update):
 *   port (uint), protocol (string "TCP"/"UDP"), family (int), address (string),
 *   exposure (int PsExposure), exposure-label (string), exposure-icon (string),
 *   process (string, escaped for display; "" when none), pid (int, 0 none),
 *   pid-text (string), user (string), uid (uint), service (string),
 *   state (string), owner-hidden (int PsOwnerHidden), is-new (boolean),
 *   is-closing (boolean), search-text (string: lower-case haystack for search). */

/* Returns a new item for socket INDEX of SNAPSHOT (keeps a reference). */
PsSocketItem *ps_socket_item_new (PsSnapshot *snapshot,
                                  guint       index);

/* The socket (owned by the item's snapshot; valid while the item lives and
 * until the next ps_socket_item_update). */
const PsSocket *ps_socket_item_get_socket (PsSocketItem *self);
PsSnapshot *ps_socket_item_get_snapshot (PsSocketItem *self);

/* Points the item at socket INDEX of SNAPSHOT (same key); notifies only the
 * properties whose values changed.  Returns TRUE if anything changed. */
gboolean ps_socket_item_update (PsSocketItem *self,
                                PsSnapshot   *snapshot,
                                guint         index);

/* Points the item at socket INDEX of SNAPSHOT, which the caller knows to be
 * ps_socket_equal() to the current one: no comparison, no notification. */
void ps_socket_item_repoint (PsSocketItem *self,
                             PsSnapshot   *snapshot,
                             guint         index);

guint ps_socket_item_get_port (PsSocketItem *self);
gint ps_socket_item_get_pid (PsSocketItem *self);
const char *ps_socket_item_get_process (PsSocketItem *self);
const char *ps_socket_item_get_search_text (PsSocketItem *self);
gboolean ps_socket_item_get_is_new (PsSocketItem *self);
void ps_socket_item_set_is_new (PsSocketItem *self,
                                gboolean      is_new);
gboolean ps_socket_item_get_is_closing (PsSocketItem *self);
void ps_socket_item_set_is_closing (PsSocketItem *self,
                                    gboolean      is_closing);

/* Getters for the other properties (strings owned by the item, valid until
 * the next update; computed on first use). */
const char *ps_socket_item_get_protocol (PsSocketItem *self);
int ps_socket_item_get_family (PsSocketItem *self);
const char *ps_socket_item_get_address (PsSocketItem *self);
int ps_socket_item_get_exposure (PsSocketItem *self);
const char *ps_socket_item_get_pid_text (PsSocketItem *self);
const char *ps_socket_item_get_user (PsSocketItem *self);
guint ps_socket_item_get_uid (PsSocketItem *self);
const char *ps_socket_item_get_service (PsSocketItem *self);
const char *ps_socket_item_get_state (PsSocketItem *self);
int ps_socket_item_get_owner_hidden (PsSocketItem *self);

/* The text COLUMN shows for the item (owned by the item, valid until the
 * next update): the port and PID in decimal, the exposure's label, the other
 * columns' string properties.  The name of the property the text follows
 * ("port", "exposure-label", …) is ps_column_property (COLUMN). */
const char *ps_socket_item_get_column_text (PsSocketItem *self,
                                            PsColumn      column);
const char *ps_column_property (PsColumn column);

/* Orders A and B by COLUMN the way GTK's sorters over the column's property
 * would: port, exposure and PID as numbers, the other columns' text
 * case-folded and by collation key (computed once per item, kept until the
 * item changes).  Returns -1, 0 or 1; 0 for equal values (a stable sort then
 * keeps the list's order). */
int ps_socket_item_compare (PsSocketItem *a,
                            PsSocketItem *b,
                            PsColumn      column);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsDetailPane: everything about the selected socket, in grouped rows.
 * Process text is shown as plain text only. */
#pragma once

#include <adwaita.h>

#include "ps-socket-item.h"

G_BEGIN_DECLS

#define PS_TYPE_DETAIL_PANE (ps_detail_pane_get_type ())
G_DECLARE_FINAL_TYPE (PsDetailPane, ps_detail_pane, PS, DETAIL_PANE, GtkWidget)

/* Properties: item (PsSocketItem, nullable).  The pane follows the item's
 * changes.  Its End Process button activates "window.end-process". */

GtkWidget *ps_detail_pane_new (void);
PsSocketItem *ps_detail_pane_get_item (PsDetailPane *self);
void ps_detail_pane_set_item (PsDetailPane *self,
                              PsSocketItem *item);

/* "Started 5 minutes ago" for a process that started START_TIME clock ticks
 * after boot, or NULL when unknown (caller frees).  Exposed for tests. */
char *ps_detail_pane_format_started (guint64 start_time);

G_END_DECLS

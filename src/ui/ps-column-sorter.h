/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsColumnSorter: sorts PsSocketItems by one column (ps_socket_item_compare):
 * plain C on the item's socket and cached collation keys, no GtkExpression
 * or GValue per comparison. */
#pragma once

#include <gtk/gtk.h>

#include "ps-socket-item.h"

G_BEGIN_DECLS

#define PS_TYPE_COLUMN_SORTER (ps_column_sorter_get_type ())
G_DECLARE_FINAL_TYPE (PsColumnSorter, ps_column_sorter, PS, COLUMN_SORTER, GtkSorter)

GtkSorter *ps_column_sorter_new (PsColumn column);
PsColumn ps_column_sorter_get_column (PsColumnSorter *self);

G_END_DECLS

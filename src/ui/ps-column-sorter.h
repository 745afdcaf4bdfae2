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

/* The column and direction SORTER (a GtkColumnView's sorter) sorts by
 * first.  GTK 4.8 has no API for it (gtk_column_view_sorter_get_primary_
 * sort_column() is 4.10): its sorter asks its columns' sorters in order,
 * the primary one first, and inverts a descending column's answer.  So it
 * is asked to compare two probe objects: the first PsColumnSorter it asks
 * is the primary column, and the sign of the answer is the direction.
 * FALSE when the view is not sorted by one of our columns. */
gboolean ps_column_sorter_get_primary (GtkSorter   *sorter,
                                       PsColumn    *column,
                                       GtkSortType *order);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsCell: one cell of the port list.  Shows one column of a PsSocketItem as
 * plain text (never markup), the exposure column with its icon, and marks
 * its column view cell "ps-new" / "ps-closing" while the row is new or
 * vanishing.  Built in code by ps_cell_factory_new(): no GtkBuilder per
 * cell, no property bindings; the text is set on bind and follows the
 * item's notifications while bound. */
#pragma once

#include <gtk/gtk.h>

#include "ps-socket-item.h"

G_BEGIN_DECLS

#define PS_TYPE_CELL (ps_cell_get_type ())
G_DECLARE_FINAL_TYPE (PsCell, ps_cell, PS, CELL, GtkWidget)

/* Properties: item (PsSocketItem, nullable), column (PsColumn, construct-only). */

PsCell *ps_cell_new (PsColumn column);
PsColumn ps_cell_get_column (PsCell *self);
PsSocketItem *ps_cell_get_item (PsCell *self);
void ps_cell_set_item (PsCell       *self,
                       PsSocketItem *item);
GtkLabel *ps_cell_get_label (PsCell *self);
/* The cell's whole text when the column cuts it (the cell's tooltip), or NULL. */
const char *ps_cell_get_cut_text (PsCell *self);

/* A factory for a column view column of COLUMN: each list item's child is a
 * PsCell, bound to the list item's PsSocketItem. */
GtkListItemFactory *ps_cell_factory_new (PsColumn column);

G_END_DECLS

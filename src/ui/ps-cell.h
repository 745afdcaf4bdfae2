/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsCell: one cell of the port list.  Shows one property of a PsSocketItem as
 * plain text (never markup), an optional icon from another property, and
 * marks its cell "ps-new" / "ps-closing" while the row is new or vanishing. */
#pragma once

#include <gtk/gtk.h>

#include "ps-socket-item.h"

G_BEGIN_DECLS

#define PS_TYPE_CELL (ps_cell_get_type ())
G_DECLARE_FINAL_TYPE (PsCell, ps_cell, PS, CELL, GtkWidget)

/* Properties: item (PsSocketItem), field (string: the property shown),
 * icon-field (string, nullable: a property holding an icon name). */

PsSocketItem *ps_cell_get_item (PsCell *self);
void ps_cell_set_item (PsCell       *self,
                       PsSocketItem *item);
GtkLabel *ps_cell_get_label (PsCell *self);

G_END_DECLS

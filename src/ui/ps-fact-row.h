/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsFactRow: a row of the detail pane: a caption and a value in plain text
 * (never markup), wrapped and selectable, with an optional Copy button.
 * The row hides itself while its value is NULL. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PS_TYPE_FACT_ROW (ps_fact_row_get_type ())
G_DECLARE_FINAL_TYPE (PsFactRow, ps_fact_row, PS, FACT_ROW, AdwPreferencesRow)

/* Properties: value (string, nullable), copyable (boolean), monospace (boolean).
 * The caption is AdwPreferencesRow:title. */

GtkWidget *ps_fact_row_new (const char *title);
const char *ps_fact_row_get_value (PsFactRow *self);
void ps_fact_row_set_value (PsFactRow  *self,
                            const char *value);
void ps_fact_row_set_copyable (PsFactRow *self,
                               gboolean   copyable);
GtkLabel *ps_fact_row_get_value_label (PsFactRow *self);

G_END_DECLS

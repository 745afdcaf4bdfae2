/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsLimitModel: the first LIMIT items of another GListModel (no limit:
 * G_MAXUINT, the default), as the model a GTK 4.8 list view is given.
 *
 * It keeps its own copy of the items it has announced and announces every
 * change in steps GTK 4.8's list views follow correctly: one row removed at
 * a time, rows inserted in blocks, or a replacement from position 0 (for
 * reordered rows or many removals).  A change that removes at most one row
 * is forwarded as it came.  GTK 4.8 mishandles an items-changed that removes
 * several rows starting off screen and reaching into the rows it shows: its
 * rows then show items that are gone or elsewhere ("Duplicate item detected
 * in list").  See ps-limit-model.c and tests/ui/test-view-churn.c.
 *
 * The window also uses it to build only the rows its first frame shows.
 * GtkSliceListModel would do the same, but it re-announces every insertion or
 * removal as "everything from here to the end changed", even without a size. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PS_TYPE_LIMIT_MODEL (ps_limit_model_get_type ())
G_DECLARE_FINAL_TYPE (PsLimitModel, ps_limit_model, PS, LIMIT_MODEL, GObject)

/* Properties: model (GListModel, construct-only), limit (uint, default
 * G_MAXUINT: no limit). */

PsLimitModel *ps_limit_model_new       (GListModel   *model,
                                        guint         limit);
GListModel   *ps_limit_model_get_model (PsLimitModel *self);
guint         ps_limit_model_get_limit (PsLimitModel *self);
void          ps_limit_model_set_limit (PsLimitModel *self,
                                        guint         limit);

G_END_DECLS

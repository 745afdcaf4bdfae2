/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsLimitModel: the first LIMIT items of another GListModel.  Without a
 * limit (G_MAXUINT, the default) it is a pass-through that forwards every
 * items-changed exactly as received.
 *
 * The window uses it to build only the rows its first frame shows.
 * GtkSliceListModel would do the same, but it re-announces every insertion or
 * removal as "everything from here to the end changed", even without a size.
 * Under churn, GTK 4.8's list views then warn "Duplicate item detected in
 * list" (tests/ui/test-view-churn.c), and each change costs a walk over the
 * rest of the list. */
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared set-up of the ui layer: resources and the types the .ui files name. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Registers the GResource bundle and every type named in a .ui file (once). */
void ps_ui_ensure_types (void);

/* Pages of a GtkStack that have never been shown are kept hidden, so that
 * the first frame neither styles nor measures them (a homogeneous stack
 * sizes every visible page).  ps_ui_stack_hide_other_pages() hides all but
 * the visible page; ps_ui_stack_show_page() shows a page, then switches to it. */
void ps_ui_stack_hide_other_pages (GtkStack *stack);
void ps_ui_stack_show_page        (GtkStack   *stack,
                                   const char *name);

G_END_DECLS

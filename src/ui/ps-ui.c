/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-cell.h"
#include "ps-detail-pane.h"
#include "ps-fact-row.h"
#include "ps-limit-model.h"
#include "ps-resources.h"
#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "ps-ui.h"

void
ps_ui_ensure_types (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      ps_register_resource ();
      g_type_ensure (PS_TYPE_SOCKET_ITEM);
      g_type_ensure (PS_TYPE_SOCKET_LIST);
      g_type_ensure (PS_TYPE_LIMIT_MODEL);
      g_type_ensure (PS_TYPE_CELL);
      g_type_ensure (PS_TYPE_FACT_ROW);
      g_type_ensure (PS_TYPE_DETAIL_PANE);
      g_once_init_leave (&initialized, 1);
    }
}

void
ps_ui_stack_hide_other_pages (GtkStack *stack)
{
  GtkWidget *visible = gtk_stack_get_visible_child (stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != visible)
      gtk_widget_set_visible (child, FALSE);
}

void
ps_ui_stack_show_page (GtkStack   *stack,
                       const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (stack, name);

  g_return_if_fail (page != NULL);
  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (stack, page);
}

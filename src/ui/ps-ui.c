/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-cell.h"
#include "ps-detail-pane.h"
#include "ps-fact-row.h"
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
      g_type_ensure (PS_TYPE_CELL);
      g_type_ensure (PS_TYPE_FACT_ROW);
      g_type_ensure (PS_TYPE_DETAIL_PANE);
      g_once_init_leave (&initialized, 1);
    }
}

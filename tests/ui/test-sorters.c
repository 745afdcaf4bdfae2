/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The columns' sorters (PsColumnSorter, plain C) order rows exactly as GTK's
 * sorters over the items' properties did (GtkNumericSorter, GtkStringSorter
 * ignoring case), ties included.  No display needed. */
#include "config.h"

#include <locale.h>

#include <gtk/gtk.h>

#include "ps-column-sorter.h"
#include "ps-socket-list.h"
#include "../model/model-common.h"

static PsSnapshot *
varied_snapshot (void)
{
  const char *names[] = { "Zed", "alpha", "Éclair", "beta", "alpha", "sshd", "ZED", "émile" };
  const char *users[] = { "root", "Alice", "bob", "alice", NULL };
  const char *addresses4[] = { "127.0.0.1", "0.0.0.0", "10.0.0.2" };
  PsSnapshot *snapshot = ps_snapshot_new ();
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(PsOwner) owner = NULL;
      PsSocket *socket;
      guint a = g_rand_int_range (rand, 0, G_N_ELEMENTS (addresses4));

      if (i % 7 != 0)
        owner = model_owner_new (g_rand_int_range (rand, 100, 400),
                                 names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))]);
      /* Few distinct ports: many ties, which must keep the list's order. */
      socket = model_add_socket (snapshot, g_rand_int_range (rand, 1, 40) * (i % 3 == 0 ? 1 : 1000), owner);
      socket->inode = 100000 + i;
      socket->cookie = 100000 + i;
      if (i % 4 == 1)
        socket->protocol = PS_PROTOCOL_UDP;
      if (i % 5 == 2)
        {
          socket->family = AF_INET6;
          memset (socket->address, 0, sizeof socket->address);
          socket->address[15] = 1;
          g_free (socket->address_text);
          socket->address_text = g_strdup ("::1");
        }
      else
        {
          g_free (socket->address_text);
          socket->address_text = g_strdup (addresses4[a]);
          socket->address[0] = a == 0 ? 127 : a == 1 ? 0 : 10;
          socket->address[3] = a == 0 ? 1 : a == 1 ? 0 : 2;
        }
      g_clear_pointer (&socket->user, g_free);
      socket->user = g_strdup (users[i % G_N_ELEMENTS (users)]);
      socket->uid = i % 3;
      if (i % 11 == 3)
        socket->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
    }
  g_rand_free (rand);
  ps_snapshot_sort (snapshot);
  return snapshot;
}

static GtkSorter *
property_sorter (PsColumn column)
{
  static const char * const props[PS_N_COLUMNS] = {
    [PS_COLUMN_PORT] = "port",
    [PS_COLUMN_PROTOCOL] = "protocol",
    [PS_COLUMN_ADDRESS] = "address",
    [PS_COLUMN_EXPOSURE] = "exposure",
    [PS_COLUMN_PROCESS] = "process",
    [PS_COLUMN_PID] = "pid",
    [PS_COLUMN_USER] = "user",
    [PS_COLUMN_SERVICE] = "service",
  };
  GtkExpression *expression = gtk_property_expression_new (PS_TYPE_SOCKET_ITEM, NULL, props[column]);

  if (column == PS_COLUMN_PORT || column == PS_COLUMN_EXPOSURE || column == PS_COLUMN_PID)
    return GTK_SORTER (gtk_numeric_sorter_new (expression));
  return GTK_SORTER (gtk_string_sorter_new (expression));
}

static void
test_same_order (void)
{
  g_autoptr(PsSnapshot) snapshot = varied_snapshot ();
  g_autoptr(PsSocketList) list = ps_socket_list_new ();

  ps_socket_list_apply (list, snapshot);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 250);

  for (guint column = 0; column < PS_N_COLUMNS; column++)
    {
      g_autoptr(GtkSortListModel) expected =
        gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (list)), property_sorter (column));
      g_autoptr(GtkSortListModel) actual =
        gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (list)), ps_column_sorter_new (column));
      guint n = g_list_model_get_n_items (G_LIST_MODEL (expected));
      guint moved = 0;

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (actual)), ==, n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PsSocketItem) a = g_list_model_get_item (G_LIST_MODEL (expected), i);
          g_autoptr(PsSocketItem) b = g_list_model_get_item (G_LIST_MODEL (actual), i);
          g_autoptr(PsSocketItem) unsorted = g_list_model_get_item (G_LIST_MODEL (list), i);

          if (a != b)
            g_error ("column %u, row %u: %s/%s vs %s/%s", column, i,
                     ps_socket_item_get_column_text (a, column), ps_socket_item_get_process (a),
                     ps_socket_item_get_column_text (b, column), ps_socket_item_get_process (b));
          moved += a != unsorted;
        }
      /* The sort did something (the list's own order starts with the
       * protocol: sorting by it keeps every row in place). */
      if (column != PS_COLUMN_PROTOCOL)
        g_assert_cmpuint (moved, >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sorters/same-order-as-property-sorters", test_same_order);

  return g_test_run ();
}

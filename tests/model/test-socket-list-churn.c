/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsSocketList under random churn: sockets come, go and come back while
 * closing rows fade out on timers.  A mirror follows only the items-changed
 * signals (reading the new items while each signal is emitted, as a list view
 * does); after every step it must equal the model, hold each item once, and
 * every item must be its socket's (no row listed twice: GTK's list views warn
 * "Duplicate item detected in list" when a model gets this wrong). */
#include "config.h"

#include <glib.h>
#include <gio/gio.h>

#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "model-common.h"

static void
check_mirror (ModelMirror *m)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (m->model);

  g_assert_cmpuint (m->items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (m->model, i);

      g_assert_true (item == g_ptr_array_index (m->items, i));
      g_assert_false (g_hash_table_contains (seen, item));
      g_hash_table_add (seen, item);
      if (i > 0)
        g_assert_cmpuint (ps_socket_item_get_port (g_ptr_array_index (m->items, i - 1)), <,
                          ps_socket_item_get_port (PS_SOCKET_ITEM (item)));
    }
}

static void
test_churn (void)
{
  g_autoptr(PsSocketList) list = ps_socket_list_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261126);
  g_autoptr(PsOwner) owner = model_owner_new (4242, "server");
  ModelMirror m;

  g_object_set (list, "closing-timeout-ms", 3, "new-timeout-ms", 2, NULL);
  model_mirror_init (&m, G_LIST_MODEL (list));

  for (guint step = 0; step < 3000; step++)
    {
      g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
      guint n_ports = 8 + g_rand_int_range (rand, 0, 60);
      double keep = g_rand_double (rand);

      for (guint port = 1; port <= n_ports; port++)
        if (g_rand_double (rand) < keep)
          {
            PsSocket *socket = model_add_socket (snapshot, port, owner);

            /* Sometimes a changed owner count: survivors update in place. */
            if (g_rand_int_range (rand, 0, 8) == 0)
              g_ptr_array_add (socket->owners, model_owner_new (5000 + (gint32) port, "child"));
          }
      ps_snapshot_sort (snapshot);
      ps_socket_list_apply (list, snapshot);
      check_mirror (&m);

      /* Let some closing (and new) timers fire between scans. */
      if (g_rand_int_range (rand, 0, 3) == 0)
        {
          model_spin_for (g_rand_int_range (rand, 1, 8));
          check_mirror (&m);
        }
    }

  /* Everything gone: once the fades end the list is empty. */
  {
    g_autoptr(PsSnapshot) empty = ps_snapshot_new ();
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    ps_socket_list_apply (list, empty);
    while (g_list_model_get_n_items (G_LIST_MODEL (list)) > 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
    check_mirror (&m);
  }

  model_mirror_clear (&m);
  g_object_add_weak_pointer (G_OBJECT (list), (gpointer *) &list);
  g_clear_object (&list);
  g_assert_null (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/list/churn-consistent", test_churn);
  return g_test_run ();
}

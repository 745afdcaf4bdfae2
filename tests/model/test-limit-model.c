/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsLimitModel over a GListStore under random changes and limits: a mirror
 * that follows only its items-changed always equals it, every signal is a
 * step GTK 4.8's list views follow (one row removed at most, or a
 * replacement from position 0), rows that stay are never removed and
 * re-added, and a change of at most one removal is forwarded as it came. */
#include "config.h"

#include <gio/gio.h>

#include "ps-limit-model.h"
#include "model-common.h"

/* Every items-changed, checked against what GTK 4.8's list views follow
 * (see ps-limit-model.c): at most one row removed, or a replacement from
 * position 0.  Connected before the mirror: M still holds what the signal
 * removes. */
typedef struct
{
  ModelMirror *m;
  GListStore *store;
  guint n_signals;
  guint n_resets;
  gboolean unlimited;
} Steps;

static gboolean
store_has (GListStore *store,
           gpointer    item)
{
  return g_list_store_find (store, item, NULL);
}

static void
check_step (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Steps      *steps)
{
  steps->n_signals++;
  g_assert_true (removed <= 1 || position == 0);
  if (removed > 1)
    steps->n_resets++;
  /* A row removed on its own is gone from the store: rows that stay are
   * never removed in one signal and re-added in another (a view would
   * rebuild their widgets). */
  if (steps->unlimited && removed == 1 && added == 0 && position > 0)
    g_assert_false (store_has (steps->store, g_ptr_array_index (steps->m->items, position)));
}

static void
check (ModelMirror  *m,
       PsLimitModel *limit,
       GListStore   *store)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint shown = MIN (n, ps_limit_model_get_limit (limit));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (limit)), ==, shown);
  g_assert_cmpuint (m->items->len, ==, shown);
  for (guint i = 0; i < shown; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_true (g_ptr_array_index (m->items, i) == item);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (limit), shown));
}

/* Random splices of up to 80 rows into a store of up to ~300, re-adding
 * some removed items (in order, or shuffled as a resort does), under random
 * limits. */
static void
test_random (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(PsLimitModel) limit = ps_limit_model_new (G_LIST_MODEL (store), 5);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  ModelMirror m;
  Steps steps = { &m, store, 0, 0, FALSE };
  guint n_single_splices = 0;

  g_assert_true (ps_limit_model_get_model (limit) == G_LIST_MODEL (store));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (limit)) == G_TYPE_OBJECT);
  g_signal_connect (limit, "items-changed", G_CALLBACK (check_step), &steps);
  model_mirror_init (&m, G_LIST_MODEL (limit));

  for (guint step = 0; step < 20000; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint position = g_rand_int_range (rand, 0, n + 1);
      guint most = g_rand_int_range (rand, 0, 8) == 0 ? 80 : 6;
      guint removed = g_rand_int_range (rand, 0, MIN (n - position, most) + 1);
      guint added = g_rand_int_range (rand, 0, most);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      guint signals_before = steps.n_signals;

      if (g_rand_int_range (rand, 0, 20) == 0)
        {
          static const guint limits[] = { 0, 1, 3, 8, 20, 100, G_MAXUINT };

          ps_limit_model_set_limit (limit, limits[g_rand_int_range (rand, 0, G_N_ELEMENTS (limits))]);
          steps.unlimited = ps_limit_model_get_limit (limit) == G_MAXUINT;
          check (&m, limit, store);
          continue;
        }

      /* Re-add some of the removed items, then new ones. */
      for (guint k = 0; k < removed; k++)
        if (g_rand_boolean (rand))
          g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (store), position + k));
      if (n > 300)
        added = 0;
      for (guint k = 0; k < added; k++)
        g_ptr_array_insert (items, g_rand_int_range (rand, 0, items->len + 1), g_object_new (G_TYPE_OBJECT, NULL));
      if (g_rand_int_range (rand, 0, 10) == 0)
        model_shuffle (items, rand);
      g_list_store_splice (store, position, removed, items->pdata, items->len);
      check (&m, limit, store);
      /* Without a limit, a splice of at most one removal is the very signal. */
      if (steps.unlimited && removed <= 1 && (removed > 0 || items->len > 0))
        {
          g_assert_cmpuint (steps.n_signals - signals_before, ==, 1);
          n_single_splices++;
        }
    }

  /* Every path ran: single splices, steps, and replacements from 0. */
  g_assert_cmpuint (n_single_splices, >, 100);
  g_assert_cmpuint (steps.n_resets, >, 10);
  g_signal_handlers_disconnect_by_func (limit, check_step, &steps);
  model_mirror_clear (&m);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/limit/random", test_random);
  return g_test_run ();
}

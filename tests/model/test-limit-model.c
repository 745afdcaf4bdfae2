/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsLimitModel over a GListStore under random changes and limits: a mirror
 * that follows only its items-changed always equals it; without a limit it
 * forwards exactly what the store emits (no wider range). */
#include "config.h"

#include <gio/gio.h>

#include "ps-limit-model.h"
#include "model-common.h"

/* The last items-changed, to compare with what the store emitted. */
typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint n_signals;
} Last;

static void
record_signal (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               Last       *last)
{
  last->position = position;
  last->removed = removed;
  last->added = added;
  last->n_signals++;
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

static void
test_random (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(PsLimitModel) limit = ps_limit_model_new (G_LIST_MODEL (store), 5);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  ModelMirror m;
  Last last = { 0, };

  g_assert_true (ps_limit_model_get_model (limit) == G_LIST_MODEL (store));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (limit)) == G_TYPE_OBJECT);
  model_mirror_init (&m, G_LIST_MODEL (limit));
  g_signal_connect (limit, "items-changed", G_CALLBACK (record_signal), &last);

  for (guint step = 0; step < 5000; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint position = g_rand_int_range (rand, 0, n + 1);
      guint removed = g_rand_int_range (rand, 0, MIN (n - position, 4) + 1);
      guint added = g_rand_int_range (rand, 0, 4);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      if (g_rand_int_range (rand, 0, 10) == 0)
        {
          static const guint limits[] = { 0, 1, 3, 8, 20, G_MAXUINT };

          ps_limit_model_set_limit (limit, limits[g_rand_int_range (rand, 0, G_N_ELEMENTS (limits))]);
          check (&m, limit, store);
          continue;
        }

      for (guint k = 0; k < added; k++)
        g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
      /* Keep the store between 0 and ~40 items. */
      if (n > 40)
        added = 0;
      last.n_signals = 0;
      g_list_store_splice (store, position, removed, items->pdata, added);
      if (ps_limit_model_get_limit (limit) == G_MAXUINT && (removed > 0 || added > 0))
        {
          /* A pass-through: the very signal the store emitted. */
          g_assert_cmpuint (last.n_signals, ==, 1);
          g_assert_cmpuint (last.position, ==, position);
          g_assert_cmpuint (last.removed, ==, removed);
          g_assert_cmpuint (last.added, ==, added);
        }
      check (&m, limit, store);
    }

  g_signal_handlers_disconnect_by_func (limit, record_signal, &last);
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsSocketList and PsSocketItem fed synthetic snapshots: the exact
 * items-changed log, the exact property notifications, batch timers. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "model-common.h"

static void assert_name_set (GPtrArray          *names,
                             const char * const *expected);

/* Recorder: every items-changed triple, and a shadow copy of the model kept
 * by replaying the emissions (it must equal the model at every step, which
 * proves get_item() is consistent during multi-run emissions). */
typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct
{
  GListModel *model;
  GArray *log;               /* of Change */
  GPtrArray *shadow;         /* of PsSocketItem* (refs) */
  GHashTable *notifies;      /* PsSocketItem* -> GPtrArray of property names */
  GSource *last_source;      /* the main-loop source of the last emission */
  guint n_snapshot_notifies;
  guint n_hidden_notifies;
} Recorder;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *rec)
{
  Change change = { position, removed, added };

  g_array_append_val (rec->log, change);
  rec->last_source = g_main_current_source ();

  g_assert_cmpuint (position + removed, <=, rec->shadow->len);
  g_ptr_array_remove_range (rec->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    {
      PsSocketItem *item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (rec->shadow, (gint) (position + i), item);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, rec->shadow->len);
  /* Every row the listener knows must be what the model answers now. */
  for (guint i = 0; i < rec->shadow->len; i += 1 + rec->shadow->len / 64)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (rec->shadow, i));
    }
}

static void
snapshot_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    Recorder   *rec)
{
  rec->n_snapshot_notifies++;
}

static void
n_hidden_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    Recorder   *rec)
{
  rec->n_hidden_notifies++;
}

static void
recorder_init (Recorder   *rec,
               GListModel *model)
{
  memset (rec, 0, sizeof *rec);
  rec->model = model;
  rec->log = g_array_new (FALSE, FALSE, sizeof (Change));
  rec->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  rec->notifies = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), rec);
  g_signal_connect (model, "notify::snapshot", G_CALLBACK (snapshot_notify_cb), rec);
  g_signal_connect (model, "notify::n-hidden", G_CALLBACK (n_hidden_notify_cb), rec);
}

static void
item_notify_cb (GObject    *object,
                GParamSpec *pspec,
                Recorder   *rec)
{
  GPtrArray *names = g_hash_table_lookup (rec->notifies, object);

  if (names == NULL)
    {
      names = g_ptr_array_new ();
      g_hash_table_insert (rec->notifies, object, names);
    }
  g_ptr_array_add (names, (gpointer) g_param_spec_get_name (pspec));
}

/* Watches every item currently in the model. */
static void
recorder_watch_items (Recorder *rec)
{
  for (guint i = 0; i < rec->shadow->len; i++)
    g_signal_connect (g_ptr_array_index (rec->shadow, i), "notify",
                      G_CALLBACK (item_notify_cb), rec);
}

static void
recorder_clear (Recorder *rec)
{
  for (guint i = 0; i < rec->shadow->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (rec->shadow, i), rec);
  g_signal_handlers_disconnect_by_data (rec->model, rec);
  g_clear_pointer (&rec->log, g_array_unref);
  g_clear_pointer (&rec->shadow, g_ptr_array_unref);
  g_clear_pointer (&rec->notifies, g_hash_table_unref);
}

static void
recorder_reset_log (Recorder *rec)
{
  g_array_set_size (rec->log, 0);
  g_hash_table_remove_all (rec->notifies);
  rec->n_snapshot_notifies = 0;
  rec->n_hidden_notifies = 0;
}

static void
assert_log (Recorder     *rec,
            const Change *expected,
            guint         n_expected)
{
  if (rec->log->len != n_expected)
    {
      for (guint i = 0; i < rec->log->len; i++)
        {
          const Change *c = &g_array_index (rec->log, Change, i);

          g_test_message ("got (%u, %u, %u)", c->position, c->removed, c->added);
        }
    }
  g_assert_cmpuint (rec->log->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      const Change *c = &g_array_index (rec->log, Change, i);

      g_assert_cmpuint (c->position, ==, expected[i].position);
      g_assert_cmpuint (c->removed, ==, expected[i].removed);
      g_assert_cmpuint (c->added, ==, expected[i].added);
    }
}

/* The model's rows, as ports, must be exactly PORTS. */
static void
assert_ports (GListModel  *model,
              const guint *ports,
              guint        n_ports)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_ports);
  for (guint i = 0; i < n_ports; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      g_assert_cmpuint (ps_socket_item_get_port (item), ==, ports[i]);
    }
}

/* Builds a snapshot with one socket per port, owner pid = port, name
 * "proc<port>". */
static PsSnapshot *
snapshot_from_ports (const guint *ports,
                     guint        n_ports)
{
  PsSnapshot *snapshot = ps_snapshot_new ();

  for (guint i = 0; i < n_ports; i++)
    {
      g_autofree char *name = g_strdup_printf ("proc%u", ports[i]);
      g_autoptr(PsOwner) owner = model_owner_new ((gint32) ports[i], name);

      model_add_socket (snapshot, ports[i], owner);
    }
  ps_snapshot_sort (snapshot);
  return snapshot;
}

/* Ports 1000, 1010, ... (N of them). */
static GArray *
ports_range (guint n)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n; i++)
    {
      guint port = 1000 + 10 * i;

      g_array_append_val (ports, port);
    }
  return ports;
}

static PsSnapshot *
snapshot_from_array (GArray *ports)
{
  return snapshot_from_ports ((const guint *) ports->data, ports->len);
}

static PsSocketList *
list_new (guint new_timeout_ms,
          guint closing_timeout_ms)
{
  return g_object_new (PS_TYPE_SOCKET_LIST,
                       "new-timeout-ms", new_timeout_ms,
                       "closing-timeout-ms", closing_timeout_ms,
                       NULL);
}

static void
test_first_load (void)
{
  g_autoptr(GArray) ports = ports_range (20000);
  g_autoptr(PsSnapshot) snapshot = snapshot_from_array (ports);
  PsSocketList *list = list_new (3000, 3000);
  const Change expected[] = { { 0, 0, 20000 } };
  PsSocketItem *sample;
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (ps_socket_list_get_snapshot (list));

  ps_socket_list_apply (list, snapshot);

  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (rec.n_snapshot_notifies, ==, 1);
  g_assert_true (ps_socket_list_get_snapshot (list) == snapshot);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == PS_TYPE_SOCKET_ITEM);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 20000));
  for (guint i = 0; i < 20000; i += 997)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (ps_socket_item_get_socket (item) == ps_snapshot_get_socket (snapshot, i));
      /* A first load is not "new": the whole list would light up. */
      g_assert_false (ps_socket_item_get_is_new (item));
      g_assert_false (ps_socket_item_get_is_closing (item));
      g_assert_cmpint (ps_socket_list_find (list, ps_socket_item_get_socket (item)), ==, (gint) i);
    }

  sample = g_ptr_array_index (rec.shadow, 123);
  g_object_add_weak_pointer (G_OBJECT (sample), (gpointer *) &sample);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
  g_assert_null (sample);
}

static void
test_no_change (void)
{
  g_autoptr(GArray) ports = ports_range (200);
  g_autoptr(PsSnapshot) first = snapshot_from_array (ports);
  g_autoptr(PsSnapshot) second = snapshot_from_array (ports);
  PsSocketList *list = list_new (3000, 3000);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  for (guint i = 0; i < rec.shadow->len; i++)
    {
      PsSocketItem *item = g_ptr_array_index (rec.shadow, i);

      /* Read every lazy value so that a change would have to notify. */
      ps_socket_item_get_process (item);
      ps_socket_item_get_search_text (item);
      ps_socket_item_get_user (item);
      ps_socket_item_get_pid_text (item);
      g_ptr_array_add (before, g_object_ref (item));
    }
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  g_assert_cmpuint (rec.log->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (rec.notifies), ==, 0);
  g_assert_cmpuint (rec.n_snapshot_notifies, ==, 1);
  g_assert_cmpuint (rec.n_hidden_notifies, ==, 0);
  g_assert_true (ps_socket_list_get_snapshot (list) == second);
  for (guint i = 0; i < before->len; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (item == g_ptr_array_index (before, i));
      /* The items moved on to the new snapshot (the old one can go). */
      g_assert_true (ps_socket_item_get_snapshot (item) == second);
    }

  /* The very same snapshot again: still nothing. */
  recorder_reset_log (&rec);
  ps_socket_list_apply (list, second);
  g_assert_cmpuint (rec.log->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (rec.notifies), ==, 0);

  g_clear_pointer (&before, g_ptr_array_unref);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

static void
test_add_one (void)
{
  const guint old_ports[] = { 1000, 1010, 1020, 1030, 1040 };
  const guint new_ports[] = { 1000, 1010, 1015, 1020, 1030, 1040 };
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (new_ports, G_N_ELEMENTS (new_ports));
  PsSocketList *list = list_new (3000, 3000);
  const Change expected[] = { { 2, 0, 1 } };
  g_autoptr(PsSocketItem) survivor = NULL;
  g_autoptr(PsSocketItem) added = NULL;
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  survivor = g_list_model_get_item (G_LIST_MODEL (list), 2);   /* 1020 */
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  assert_ports (G_LIST_MODEL (list), new_ports, G_N_ELEMENTS (new_ports));
  g_assert_cmpuint (g_hash_table_size (rec.notifies), ==, 0);
  added = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_cmpuint (ps_socket_item_get_port (added), ==, 1015);
  g_assert_true (ps_socket_item_get_is_new (added));
  /* The selection survives: the same object, one row further down. */
  {
    g_autoptr(PsSocketItem) moved = g_list_model_get_item (G_LIST_MODEL (list), 3);

    g_assert_true (moved == survivor);
    g_assert_false (ps_socket_item_get_is_new (moved));
    g_assert_cmpint (ps_socket_list_find (list, ps_socket_item_get_socket (survivor)), ==, 3);
  }

  g_object_add_weak_pointer (G_OBJECT (added), (gpointer *) &added);
  g_object_unref (added);
  g_clear_object (&survivor);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
  g_assert_null (added);
}

static void
test_remove_one (void)
{
  const guint old_ports[] = { 1000, 1010, 1020, 1030, 1040 };
  const guint new_ports[] = { 1000, 1010, 1030, 1040 };
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (new_ports, G_N_ELEMENTS (new_ports));
  PsSocketList *list = list_new (3000, 0);
  const Change expected[] = { { 2, 1, 0 } };
  PsSocketItem *removed;
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  removed = g_ptr_array_index (rec.shadow, 2);
  g_object_add_weak_pointer (G_OBJECT (removed), (gpointer *) &removed);
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  assert_ports (G_LIST_MODEL (list), new_ports, G_N_ELEMENTS (new_ports));
  /* Closing timeout 0: gone at once, and freed (nobody else holds it). */
  g_assert_null (removed);
  g_assert_cmpint (ps_socket_list_find (list, ps_snapshot_get_socket (first, 2)), ==, -1);

  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

static gboolean
log_not_empty (gpointer data)
{
  Recorder *rec = data;

  return rec->log->len > 0;
}

static void
test_closing (void)
{
  const guint old_ports[] = { 1000, 1010, 1020, 1030, 1040, 1050 };
  const guint mid_ports[] = { 1000, 1020, 1030, 1050 };
  const guint end_ports[] = { 1000, 1020, 1030, 1050 };
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (mid_ports, G_N_ELEMENTS (mid_ports));
  PsSocketList *list = list_new (3000, 50);
  /* 1010 and 1040 vanished together: one timer, two separate runs. */
  const Change expected[] = { { 1, 1, 0 }, { 3, 1, 0 } };
  PsSocketItem *gone;
  PsSocketItem *gone2;
  GPtrArray *names;
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  gone = g_ptr_array_index (rec.shadow, 1);
  gone2 = g_ptr_array_index (rec.shadow, 4);
  g_object_add_weak_pointer (G_OBJECT (gone), (gpointer *) &gone);
  g_object_add_weak_pointer (G_OBJECT (gone2), (gpointer *) &gone2);
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  /* Still there, dimmed: no items-changed, only is-closing on those two. */
  g_assert_cmpuint (rec.log->len, ==, 0);
  assert_ports (G_LIST_MODEL (list), old_ports, G_N_ELEMENTS (old_ports));
  g_assert_true (ps_socket_item_get_is_closing (gone));
  g_assert_true (ps_socket_item_get_is_closing (gone2));
  g_assert_cmpuint (g_hash_table_size (rec.notifies), ==, 2);
  names = g_hash_table_lookup (rec.notifies, gone);
  g_assert_nonnull (names);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "is-closing");

  /* Applying the same state again keeps them closing, still no emission. */
  ps_socket_list_apply (list, second);
  g_assert_cmpuint (rec.log->len, ==, 0);

  g_assert_true (model_wait_until (log_not_empty, &rec, 5000));
  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  assert_ports (G_LIST_MODEL (list), end_ports, G_N_ELEMENTS (end_ports));
  g_assert_null (gone);
  g_assert_null (gone2);

  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

static void
test_revive (void)
{
  const guint old_ports[] = { 1000, 1010, 1020, 1030, 1040 };
  const guint without_1010[] = { 1000, 1020, 1030, 1040 };
  const guint without_1030[] = { 1000, 1010, 1020, 1040 };
  const guint final_ports[] = { 1000, 1010, 1020, 1040 };
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (without_1010, G_N_ELEMENTS (without_1010));
  g_autoptr(PsSnapshot) third = snapshot_from_ports (without_1030, G_N_ELEMENTS (without_1030));
  PsSocketList *list = list_new (3000, 100);
  const Change expected[] = { { 3, 1, 0 } };
  g_autoptr(PsSocketItem) item = NULL;
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  item = g_list_model_get_item (G_LIST_MODEL (list), 1);   /* 1010 */
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);
  g_assert_true (ps_socket_item_get_is_closing (item));

  /* 1010 comes back before its removal; 1030 goes (a later batch). */
  ps_socket_list_apply (list, third);
  g_assert_cmpuint (rec.log->len, ==, 0);
  g_assert_false (ps_socket_item_get_is_closing (item));
  {
    g_autoptr(PsSocketItem) same = g_list_model_get_item (G_LIST_MODEL (list), 1);

    g_assert_true (same == item);
    g_assert_true (ps_socket_item_get_socket (same) == ps_snapshot_get_socket (third, 1));
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);

  /* The first batch's timer fires first and must not take the revived row;
   * the second batch removes 1030 only. */
  g_assert_true (model_wait_until (log_not_empty, &rec, 5000));
  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  assert_ports (G_LIST_MODEL (list), final_ports, G_N_ELEMENTS (final_ports));
  g_assert_false (ps_socket_item_get_is_new (item));

  g_object_add_weak_pointer (G_OBJECT (item), (gpointer *) &item);
  g_object_unref (item);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
  g_assert_null (item);
}

typedef struct
{
  GPtrArray *items;
  GSource *source;           /* where is-new was cleared */
  gboolean one_source;
} NewWatch;

static void
is_new_cb (GObject    *object,
           GParamSpec *pspec,
           NewWatch   *watch)
{
  if (watch->source == NULL)
    watch->source = g_main_current_source ();
  else if (watch->source != g_main_current_source ())
    watch->one_source = FALSE;
}

static gboolean
all_not_new (gpointer data)
{
  NewWatch *watch = data;

  for (guint i = 0; i < watch->items->len; i++)
    if (ps_socket_item_get_is_new (g_ptr_array_index (watch->items, i)))
      return FALSE;
  return TRUE;
}

static void
test_new_timeout (void)
{
  const guint old_ports[] = { 1000, 1010, 1020 };
  const guint new_ports[] = { 995, 1000, 1005, 1010, 1020, 1025 };
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (new_ports, G_N_ELEMENTS (new_ports));
  PsSocketList *list = list_new (50, 3000);
  const Change expected[] = { { 0, 0, 1 }, { 2, 0, 1 }, { 5, 0, 1 } };
  NewWatch watch = { g_ptr_array_new_with_free_func (g_object_unref), NULL, TRUE };
  Recorder rec;

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  recorder_reset_log (&rec);
  ps_socket_list_apply (list, second);
  assert_log (&rec, expected, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (new_ports); i++)
    {
      PsSocketItem *item = g_ptr_array_index (rec.shadow, i);
      gboolean added = new_ports[i] % 10 != 0;

      g_assert_cmpint (ps_socket_item_get_is_new (item), ==, added);
      if (added)
        {
          g_ptr_array_add (watch.items, g_object_ref (item));
          g_signal_connect (item, "notify::is-new", G_CALLBACK (is_new_cb), &watch);
        }
    }
  g_assert_cmpuint (watch.items->len, ==, 3);

  g_assert_true (model_wait_until (all_not_new, &watch, 5000));
  /* One timer for the batch: all three cleared in the same dispatch. */
  g_assert_nonnull (watch.source);
  g_assert_true (watch.one_source);

  for (guint i = 0; i < watch.items->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (watch.items, i), &watch);
  g_ptr_array_unref (watch.items);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

static void
test_changed_one (void)
{
  g_autoptr(GArray) ports = ports_range (100);
  g_autoptr(PsSnapshot) first = snapshot_from_array (ports);
  g_autoptr(PsSnapshot) second = ps_snapshot_new ();
  PsSocketList *list = list_new (3000, 3000);
  PsSocketItem *changed;
  GPtrArray *names;
  Recorder rec;

  /* Same sockets; the owner of row 42 is another process of the same name. */
  for (guint i = 0; i < ports->len; i++)
    {
      guint port = g_array_index (ports, guint, i);
      g_autofree char *name = g_strdup_printf ("proc%u", port);
      g_autoptr(PsOwner) owner = model_owner_new (i == 42 ? 77777 : (gint32) port, name);

      model_add_socket (second, port, owner);
    }
  ps_snapshot_sort (second);

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  changed = g_ptr_array_index (rec.shadow, 42);
  g_assert_cmpint (ps_socket_item_get_pid (changed), ==, 1420);
  g_assert_cmpstr (ps_socket_item_get_pid_text (changed), ==, "1420");
  g_assert_cmpstr (ps_socket_item_get_process (changed), ==, "proc1420");
  ps_socket_item_get_search_text (changed);
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  g_assert_cmpuint (rec.log->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (rec.notifies), ==, 1);
  names = g_hash_table_lookup (rec.notifies, changed);
  g_assert_nonnull (names);
  assert_name_set (names, (const char *[]) { "pid", "pid-text", NULL });
  g_assert_cmpint (ps_socket_item_get_pid (changed), ==, 77777);
  g_assert_cmpstr (ps_socket_item_get_pid_text (changed), ==, "77777");
  g_assert_cmpstr (ps_socket_item_get_process (changed), ==, "proc1420");

  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

static void
test_runs (void)
{
  g_autoptr(GArray) old_ports = ports_range (100);     /* 1000 … 1990 */
  g_autoptr(GArray) new_ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(PsSnapshot) first = snapshot_from_array (old_ports);
  g_autoptr(PsSnapshot) second = NULL;
  PsSocketList *list = list_new (3000, 0);
  /* Worked out by hand:
   *  rows 10–12 removed                      → (10, 3, 0)
   *  1305 inserted after 1300 (old row 30,
   *  now at 27)                              → (28, 0, 1)
   *  row 50 changed                          → nothing
   *  row 70 replaced by 1705 (row 69 is at
   *  67 now)                                 → (68, 1, 1)
   *  3000 and 3010 appended                  → (98, 0, 2) */
  const Change expected[] = { { 10, 3, 0 }, { 28, 0, 1 }, { 68, 1, 1 }, { 98, 0, 2 } };
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  Recorder rec;

  for (guint i = 0; i < old_ports->len; i++)
    {
      guint port = g_array_index (old_ports, guint, i);

      if (i >= 10 && i <= 12)
        continue;
      if (i == 70)
        port = 1705;
      g_array_append_val (new_ports, port);
      if (i == 30)
        {
          guint extra = 1305;

          g_array_append_val (new_ports, extra);
        }
    }
  {
    guint tail[] = { 3000, 3010 };

    g_array_append_vals (new_ports, tail, 2);
  }
  second = snapshot_from_array (new_ports);
  /* Row 50 (port 1500) changes owner. */
  {
    PsSocket *socket = (PsSocket *) ps_snapshot_get_socket (second, (guint) ps_snapshot_find (second, ps_snapshot_get_socket (first, 50)));
    g_autoptr(PsOwner) other = model_owner_new (31337, "other");

    g_ptr_array_set_size (socket->owners, 0);
    g_ptr_array_add (socket->owners, ps_owner_ref (other));
  }

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  for (guint i = 0; i < rec.shadow->len; i++)
    g_ptr_array_add (before, g_object_ref (g_ptr_array_index (rec.shadow, i)));
  recorder_watch_items (&rec);
  recorder_reset_log (&rec);

  ps_socket_list_apply (list, second);

  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  assert_ports (G_LIST_MODEL (list), (const guint *) new_ports->data, new_ports->len);
  /* Survivors are the same objects; only the changed one notified. */
  for (guint i = 0; i < before->len; i++)
    {
      PsSocketItem *item = g_ptr_array_index (before, i);
      gint pos = ps_socket_list_find (list, ps_socket_item_get_socket (item));

      if ((i >= 10 && i <= 12) || i == 70)
        {
          g_assert_cmpint (pos, ==, -1);
          continue;
        }
      g_assert_cmpint (pos, >=, 0);
      {
        g_autoptr(PsSocketItem) now = g_list_model_get_item (G_LIST_MODEL (list), (guint) pos);

        g_assert_true (now == item);
      }
      g_assert_true ((i == 50) == g_hash_table_contains (rec.notifies, item));
    }

  g_clear_pointer (&before, g_ptr_array_unref);
  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

/* Builds the snapshots of test_runs' scenario, with row 50's owner changed. */
static void
runs_scenario (PsSnapshot **first,
               PsSnapshot **second)
{
  g_autoptr(GArray) old_ports = ports_range (100);
  g_autoptr(GArray) new_ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(PsOwner) other = model_owner_new (31337, "other");
  PsSocket *socket;

  for (guint i = 0; i < old_ports->len; i++)
    {
      guint port = g_array_index (old_ports, guint, i);

      if (i >= 10 && i <= 12)
        continue;
      if (i == 70)
        port = 1705;
      g_array_append_val (new_ports, port);
    }
  *first = snapshot_from_array (old_ports);
  *second = snapshot_from_array (new_ports);
  socket = (PsSocket *) ps_snapshot_get_socket (*second, (guint) ps_snapshot_find (*second, ps_snapshot_get_socket (*first, 50)));
  g_ptr_array_set_size (socket->owners, 0);
  g_ptr_array_add (socket->owners, ps_owner_ref (other));
}

/* The worker's diff (ps_socket_list_note_diff) gives exactly what the full
 * merge gives; an empty one makes the apply O(1); a note about other
 * snapshots is ignored. */
static void
test_diff_hint (void)
{
  g_autoptr(PsSnapshot) first = NULL;
  g_autoptr(PsSnapshot) second = NULL;
  g_autoptr(PsSnapshot) third = NULL;
  g_autoptr(PsSnapshot) fourth = NULL;
  PsSocketList *plain = list_new (3000, 0);
  PsSocketList *hinted = list_new (3000, 0);
  g_autoptr(GArray) ports = NULL;
  Recorder rec_plain;
  Recorder rec_hinted;

  runs_scenario (&first, &second);
  recorder_init (&rec_plain, G_LIST_MODEL (plain));
  recorder_init (&rec_hinted, G_LIST_MODEL (hinted));
  ps_socket_list_apply (plain, first);
  ps_socket_list_apply (hinted, first);
  recorder_watch_items (&rec_plain);
  recorder_watch_items (&rec_hinted);
  recorder_reset_log (&rec_plain);
  recorder_reset_log (&rec_hinted);

  ps_socket_list_apply (plain, second);
  ps_socket_list_note_diff (first, second, ps_snapshot_diff (first, second));
  ps_socket_list_apply (hinted, second);

  g_assert_cmpuint (rec_plain.log->len, ==, 2);   /* (10, 3, 0) and (67, 1, 1) */
  assert_log (&rec_hinted, (const Change *) rec_plain.log->data, rec_plain.log->len);
  g_assert_cmpuint (ps_socket_list_get_n_changed (plain), ==, 1);
  g_assert_cmpuint (ps_socket_list_get_n_changed (hinted), ==, 1);
  g_assert_cmpuint (g_hash_table_size (rec_plain.notifies), ==, 1);
  g_assert_cmpuint (g_hash_table_size (rec_hinted.notifies), ==, 1);
  {
    g_autoptr(PsSocketItem) a = g_list_model_get_item (G_LIST_MODEL (plain), 47);
    g_autoptr(PsSocketItem) b = g_list_model_get_item (G_LIST_MODEL (hinted), 47);
    GPtrArray *names_a = g_hash_table_lookup (rec_plain.notifies, a);
    GPtrArray *names_b = g_hash_table_lookup (rec_hinted.notifies, b);

    g_assert_cmpuint (ps_socket_item_get_port (b), ==, 1500);
    g_assert_nonnull (names_a);
    g_assert_nonnull (names_b);
    g_ptr_array_add (names_a, NULL);
    assert_name_set (names_b, (const char * const *) names_a->pdata);
    g_assert_cmpint (ps_socket_item_get_pid (b), ==, 31337);
    g_assert_true (ps_socket_item_get_snapshot (b) == second);
  }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (plain)); i++)
    {
      g_autoptr(PsSocketItem) a = g_list_model_get_item (G_LIST_MODEL (plain), i);
      g_autoptr(PsSocketItem) b = g_list_model_get_item (G_LIST_MODEL (hinted), i);

      g_assert_cmpuint (ps_socket_item_get_port (a), ==, ps_socket_item_get_port (b));
      g_assert_true (ps_socket_item_get_socket (b) == ps_snapshot_get_socket (second, i));
    }

  /* Nothing changed and the worker says so: O(1), rows stay on SECOND. */
  ports = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < ps_snapshot_get_n_sockets (second); i++)
    {
      guint port = ps_snapshot_get_socket (second, i)->port;

      g_array_append_val (ports, port);
    }
  {
    g_autoptr(PsSnapshot) unused = NULL;
    g_autoptr(PsSnapshot) unused2 = NULL;

    runs_scenario (&unused, &third);
    runs_scenario (&unused2, &fourth);
  }
  recorder_reset_log (&rec_hinted);
  ps_socket_list_note_diff (second, third, ps_snapshot_diff (second, third));
  ps_socket_list_apply (hinted, third);
  g_assert_cmpuint (rec_hinted.log->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (rec_hinted.notifies), ==, 0);
  g_assert_cmpuint (rec_hinted.n_snapshot_notifies, ==, 1);
  g_assert_cmpuint (ps_socket_list_get_n_changed (hinted), ==, 0);
  g_assert_true (ps_socket_list_get_snapshot (hinted) == third);
  {
    g_autoptr(PsSocketItem) b = g_list_model_get_item (G_LIST_MODEL (hinted), 5);

    g_assert_true (ps_socket_item_get_snapshot (b) == second);
  }

  /* A note about other snapshots: the full merge runs (rows move on). */
  ps_socket_list_note_diff (first, fourth, ps_snapshot_diff (first, fourth));
  ps_socket_list_apply (hinted, fourth);
  g_assert_cmpuint (rec_hinted.log->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (rec_hinted.notifies), ==, 0);
  assert_ports (G_LIST_MODEL (hinted), (const guint *) ports->data, ports->len);
  {
    g_autoptr(PsSocketItem) b = g_list_model_get_item (G_LIST_MODEL (hinted), 5);

    g_assert_true (ps_socket_item_get_snapshot (b) == fourth);
  }

  recorder_clear (&rec_plain);
  recorder_clear (&rec_hinted);
  g_assert_finalize_object (plain);
  g_assert_finalize_object (hinted);
}

/* Items made ahead (on the monitor's worker) for a snapshot: the list that
 * applies it adopts them, in order, with the usual emissions and flags; a
 * second list makes its own; an apply of another snapshot drops them. */
static gpointer
make_items_thread (gpointer data)
{
  return ps_socket_list_make_items (data);
}

static void
test_items_hint (void)
{
  const guint old_ports[] = { 1000, 1010, 1020 };
  const guint new_ports[] = { 1000, 1005, 1010, 1020, 1030 };
  g_autoptr(GArray) ports = ports_range (2000);
  g_autoptr(PsSnapshot) snapshot = snapshot_from_array (ports);
  g_autoptr(PsSnapshot) first = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  g_autoptr(PsSnapshot) second = snapshot_from_ports (new_ports, G_N_ELEMENTS (new_ports));
  g_autoptr(PsSnapshot) unused = snapshot_from_ports (old_ports, G_N_ELEMENTS (old_ports));
  PsSocketList *list = list_new (3000, 3000);
  PsSocketList *other = list_new (3000, 3000);
  const Change expected[] = { { 0, 0, 2000 } };
  g_autoptr(GPtrArray) made = NULL;
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_object_unref);
  gpointer dropped;
  Recorder rec;

  /* Made on another thread, as the monitor does. */
  made = g_thread_join (g_thread_new ("make-items", make_items_thread, snapshot));
  g_assert_cmpuint (made->len, ==, 2000);
  for (guint i = 0; i < made->len; i++)
    g_ptr_array_add (refs, g_object_ref (g_ptr_array_index (made, i)));
  ps_socket_list_note_items (snapshot, g_steal_pointer (&made));

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, snapshot);
  assert_log (&rec, expected, G_N_ELEMENTS (expected));
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (item == g_ptr_array_index (refs, i));
      g_assert_true (ps_socket_item_get_socket (item) == ps_snapshot_get_socket (snapshot, i));
      g_assert_false (ps_socket_item_get_is_new (item));
    }
  recorder_clear (&rec);

  /* Each item goes to one list. */
  ps_socket_list_apply (other, snapshot);
  for (guint i = 0; i < 2000; i += 7)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (other), i);

      g_assert_true (item != g_ptr_array_index (refs, i));
      g_assert_true (ps_socket_item_get_socket (item) == ps_snapshot_get_socket (snapshot, i));
    }
  g_assert_finalize_object (other);
  g_ptr_array_set_size (refs, 0);
  g_assert_finalize_object (list);

  /* Later applies: the rows added take the hint's items and are new. */
  list = list_new (3000, 3000);
  ps_socket_list_apply (list, first);
  made = ps_socket_list_make_items (second);
  g_ptr_array_add (refs, g_object_ref (g_ptr_array_index (made, 1)));   /* 1005 */
  g_ptr_array_add (refs, g_object_ref (g_ptr_array_index (made, 4)));   /* 1030 */
  ps_socket_list_note_items (second, g_steal_pointer (&made));
  ps_socket_list_apply (list, second);
  assert_ports (G_LIST_MODEL (list), new_ports, G_N_ELEMENTS (new_ports));
  {
    g_autoptr(PsSocketItem) added = g_list_model_get_item (G_LIST_MODEL (list), 1);
    g_autoptr(PsSocketItem) last = g_list_model_get_item (G_LIST_MODEL (list), 4);

    g_assert_true (added == g_ptr_array_index (refs, 0));
    g_assert_true (last == g_ptr_array_index (refs, 1));
    g_assert_true (ps_socket_item_get_is_new (added));
  }
  g_ptr_array_set_size (refs, 0);
  g_assert_finalize_object (list);

  /* Applying another snapshot lets go of the items made for UNUSED. */
  list = list_new (3000, 3000);
  made = ps_socket_list_make_items (unused);
  dropped = g_ptr_array_index (made, 0);
  g_object_add_weak_pointer (G_OBJECT (dropped), &dropped);
  ps_socket_list_note_items (unused, g_steal_pointer (&made));
  ps_socket_list_apply (list, first);
  g_assert_null (dropped);
  g_assert_finalize_object (list);
}

static void
test_n_hidden (void)
{
  g_autoptr(PsSnapshot) first = ps_snapshot_new ();
  g_autoptr(PsSnapshot) second = ps_snapshot_new ();
  PsSocketList *list = list_new (3000, 0);
  guint n_hidden = 99;
  Recorder rec;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(PsOwner) owner = model_owner_new (100 + (gint32) i, "x");
      PsSocket *a = model_add_socket (first, 2000 + i, i < 3 ? NULL : owner);
      PsSocket *b = model_add_socket (second, 2000 + i, i < 3 ? NULL : owner);

      if (i < 3)
        {
          a->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
          b->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
        }
    }
  ps_snapshot_sort (first);
  ps_snapshot_sort (second);

  recorder_init (&rec, G_LIST_MODEL (list));
  ps_socket_list_apply (list, first);
  g_object_get (list, "n-hidden", &n_hidden, NULL);
  g_assert_cmpuint (n_hidden, ==, 3);
  g_assert_cmpuint (rec.n_hidden_notifies, ==, 1);
  {
    g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (ps_socket_item_get_process (item), ==, "");
    g_assert_cmpint (ps_socket_item_get_pid (item), ==, 0);
    g_assert_cmpstr (ps_socket_item_get_pid_text (item), ==, "");
    g_assert_cmpint (ps_socket_item_get_owner_hidden (item), ==, PS_OWNER_HIDDEN_OTHER_USER);
  }

  recorder_reset_log (&rec);
  ps_socket_list_apply (list, second);
  g_assert_cmpuint (rec.n_hidden_notifies, ==, 0);

  recorder_clear (&rec);
  g_assert_finalize_object (list);
}

/* PsSocketItem alone */

typedef struct
{
  GPtrArray *names;
} ItemWatch;

static void
watch_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 ItemWatch  *watch)
{
  g_ptr_array_add (watch->names, (gpointer) g_param_spec_get_name (pspec));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* NAMES (notified property names) must be EXPECTED, in any order (GLib
 * dispatches a frozen queue in an order of its own). */
static void
assert_name_set (GPtrArray          *names,
                 const char * const *expected)
{
  g_autoptr(GPtrArray) want = g_ptr_array_new ();

  for (guint i = 0; expected[i] != NULL; i++)
    g_ptr_array_add (want, (gpointer) expected[i]);
  for (guint i = 0; i < names->len; i++)
    g_test_message ("notify::%s", (const char *) g_ptr_array_index (names, i));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_sort (want, compare_names);
  g_assert_cmpuint (names->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, g_ptr_array_index (want, i));
}

static void
assert_names (ItemWatch          *watch,
              const char * const *expected)
{
  assert_name_set (watch->names, expected);
  g_ptr_array_set_size (watch->names, 0);
}

static PsSnapshot *
one_socket_snapshot (PsOwner    *first,
                     PsOwner    *second,
                     const char *user)
{
  PsSnapshot *snapshot = ps_snapshot_new ();
  PsSocket *socket = model_add_socket (snapshot, 8080, first);

  if (second != NULL)
    g_ptr_array_add (socket->owners, ps_owner_ref (second));
  g_free (socket->user);
  socket->user = g_strdup (user);
  ps_snapshot_sort (snapshot);
  return snapshot;
}

static void
test_item_properties (void)
{
  g_autoptr(PsOwner) web = model_owner_new (500, "WebServer");
  g_autoptr(PsOwner) worker = model_owner_new (501, "worker");
  g_autoptr(PsOwner) renamed = model_owner_new (500, "Renamed");
  g_autoptr(PsOwner) evil = model_owner_new (502, "a\x1b[31mb\xe2\x80\xae");
  g_autoptr(PsSnapshot) s1 = one_socket_snapshot (web, NULL, "alice");
  g_autoptr(PsSnapshot) s2 = one_socket_snapshot (web, worker, "alice");
  g_autoptr(PsSnapshot) s3 = one_socket_snapshot (renamed, worker, "alice");
  g_autoptr(PsSnapshot) s4 = one_socket_snapshot (renamed, worker, "bob");
  g_autoptr(PsSnapshot) s5 = one_socket_snapshot (evil, NULL, "bob");
  PsSocketItem *item = ps_socket_item_new (s1, 0);
  ItemWatch watch = { g_ptr_array_new () };
  g_autofree char *protocol = NULL;
  g_autofree char *label = NULL;
  guint port = 0;

  g_object_get (item, "port", &port, "protocol", &protocol, "exposure-label", &label, NULL);
  g_assert_cmpuint (port, ==, 8080);
  g_assert_cmpstr (protocol, ==, "TCP");
  g_assert_cmpstr (label, ==, ps_exposure_label (PS_EXPOSURE_THIS_COMPUTER));
  g_assert_cmpstr (ps_socket_item_get_address (item), ==, "127.0.0.1");
  g_assert_cmpstr (ps_socket_item_get_state (item), ==, "listen");
  g_assert_cmpstr (ps_socket_item_get_process (item), ==, "WebServer");
  g_assert_cmpstr (ps_socket_item_get_user (item), ==, "alice");
  g_assert_cmpuint (ps_socket_item_get_uid (item), ==, 1000);
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "8080"));
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "webserver"));
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "/usr/bin/webserver --serve"));
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "127.0.0.1"));
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "alice"));
  g_assert_null (strstr (ps_socket_item_get_search_text (item), "WebServer"));

  g_signal_connect (item, "notify", G_CALLBACK (watch_notify_cb), &watch);

  /* Same content, another snapshot: no notification, no change. */
  {
    g_autoptr(PsSnapshot) copy = one_socket_snapshot (web, NULL, "alice");

    g_assert_false (ps_socket_item_update (item, copy, 0));
    assert_names (&watch, (const char *[]) { NULL });
    g_assert_true (ps_socket_item_get_snapshot (item) == copy);
  }

  /* A second owner: the process text and the haystack change, not the pid. */
  g_assert_true (ps_socket_item_update (item, s2, 0));
  assert_names (&watch, (const char *[]) { "process", "search-text", NULL });
  g_assert_cmpstr (ps_socket_item_get_process (item), ==, "WebServer (+1)");
  g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), "worker"));

  /* First owner renamed (same pid). */
  g_assert_true (ps_socket_item_update (item, s3, 0));
  assert_names (&watch, (const char *[]) { "process", "search-text", NULL });
  g_assert_cmpstr (ps_socket_item_get_process (item), ==, "Renamed (+1)");

  /* The user name changes; uid stays. */
  g_assert_true (ps_socket_item_update (item, s4, 0));
  assert_names (&watch, (const char *[]) { "user", "search-text", NULL });
  g_assert_cmpstr (ps_socket_item_get_user (item), ==, "bob");

  /* Hostile name: made visible, never raw control or bidi characters. */
  g_assert_true (ps_socket_item_update (item, s5, 0));
  assert_names (&watch, (const char *[]) { "process", "pid", "pid-text", "search-text", NULL });
  g_assert_null (strchr (ps_socket_item_get_process (item), '\x1b'));
  g_assert_null (strstr (ps_socket_item_get_process (item), "\xe2\x80\xae"));
  g_assert_true (g_str_has_prefix (ps_socket_item_get_process (item), "a\\x"));
  g_assert_true (g_utf8_validate (ps_socket_item_get_search_text (item), -1, NULL));
  g_assert_null (strchr (ps_socket_item_get_search_text (item), '\x1b'));

  /* is-new / is-closing notify once per real change. */
  ps_socket_item_set_is_new (item, TRUE);
  ps_socket_item_set_is_new (item, TRUE);
  ps_socket_item_set_is_closing (item, TRUE);
  ps_socket_item_set_is_closing (item, FALSE);
  assert_names (&watch, (const char *[]) { "is-new", "is-closing", "is-closing", NULL });

  g_signal_handlers_disconnect_by_data (item, &watch);
  g_ptr_array_unref (watch.names);
  g_assert_finalize_object (item);
}

/* Values never read are compared through their inputs: still exact. */
static void
test_item_lazy_notify (void)
{
  g_autoptr(PsOwner) a = model_owner_new (600, "same");
  g_autoptr(PsOwner) b = model_owner_new (601, "same");
  g_autoptr(PsSnapshot) s1 = one_socket_snapshot (a, NULL, "alice");
  g_autoptr(PsSnapshot) s2 = one_socket_snapshot (b, NULL, "alice");
  PsSocketItem *item = ps_socket_item_new (s1, 0);
  ItemWatch watch = { g_ptr_array_new () };

  g_signal_connect (item, "notify", G_CALLBACK (watch_notify_cb), &watch);
  g_assert_true (ps_socket_item_update (item, s2, 0));
  assert_names (&watch, (const char *[]) { "pid", "pid-text", NULL });
  g_assert_cmpstr (ps_socket_item_get_process (item), ==, "same");

  g_signal_handlers_disconnect_by_data (item, &watch);
  g_ptr_array_unref (watch.names);
  g_assert_finalize_object (item);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/list/first-load", test_first_load);
  g_test_add_func ("/model/list/no-change", test_no_change);
  g_test_add_func ("/model/list/add-one", test_add_one);
  g_test_add_func ("/model/list/remove-one", test_remove_one);
  g_test_add_func ("/model/list/closing", test_closing);
  g_test_add_func ("/model/list/revive", test_revive);
  g_test_add_func ("/model/list/new-timeout", test_new_timeout);
  g_test_add_func ("/model/list/changed-one", test_changed_one);
  g_test_add_func ("/model/list/runs", test_runs);
  g_test_add_func ("/model/list/diff-hint", test_diff_hint);
  g_test_add_func ("/model/list/items-hint", test_items_hint);
  g_test_add_func ("/model/list/n-hidden", test_n_hidden);
  g_test_add_func ("/model/item/properties", test_item_properties);
  g_test_add_func ("/model/item/lazy-notify", test_item_lazy_notify);

  return g_test_run ();
}

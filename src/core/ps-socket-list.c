/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-socket-list.h"

/* Rows live in a plain array in the snapshot's key order.  An apply is one
 * linear merge of the rows with the new snapshot that builds the next array
 * and a list of runs; the runs are then emitted in ascending order while
 * get_item() answers from a split view (new rows before the end of the run
 * being emitted, old rows after it), so every listener sees a model that is
 * consistent with the emissions it has received so far. */

typedef struct
{
  PsSocketItem *item;        /* owned */
  const PsSocket *socket;    /* the item's socket: the merge reads no item */
  guint closing_batch;       /* 0 unless closing: the batch whose timer removes it */
} PsRow;

typedef struct
{
  guint position;            /* in the new array */
  guint removed;
  guint added;
  guint old_end;             /* old index after the run's removals */
} PsRun;

/* A row whose shown values changed: updated once the runs are emitted. */
typedef struct
{
  guint row;                 /* in the new array */
  guint index;               /* in the new snapshot */
} PsUpdate;

typedef struct
{
  PsSocketList *self;        /* not owned: timers are removed in dispose */
  guint id;
  guint source_id;
  GPtrArray *items;          /* PsSocketItem*, for the new batches */
} PsBatch;

struct _PsSocketList
{
  GObject parent_instance;

  GArray *rows;              /* of PsRow */
  PsSnapshot *snapshot;
  guint n_hidden;
  guint n_changed;
  guint new_timeout_ms;
  guint closing_timeout_ms;

  /* The split view while runs are emitted. */
  GArray *old_rows;          /* nullable */
  GArray *spare_rows;        /* the previous array, reused: no page faults per apply */
  guint split_new;
  guint split_old;

  guint next_batch_id;
  GPtrArray *new_batches;    /* of PsBatch* */
  GPtrArray *closing_batches;

  gboolean in_apply;
};

static void ps_socket_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsSocketList, ps_socket_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ps_socket_list_model_init))

enum
{
  PROP_0,
  PROP_SNAPSHOT,
  PROP_NEW_TIMEOUT_MS,
  PROP_CLOSING_TIMEOUT_MS,
  PROP_N_HIDDEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_rows (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    g_object_unref (g_array_index (rows, PsRow, i).item);
  g_array_set_size (rows, 0);
}

static void
ps_batch_free (PsBatch *batch)
{
  g_clear_handle_id (&batch->source_id, g_source_remove);
  g_clear_pointer (&batch->items, g_ptr_array_unref);
  g_free (batch);
}

/* GListModel */

static GType
ps_socket_list_get_item_type (GListModel *model)
{
  return PS_TYPE_SOCKET_ITEM;
}

static guint
ps_socket_list_get_n_items (GListModel *model)
{
  PsSocketList *self = PS_SOCKET_LIST (model);

  if (self->old_rows != NULL)
    return self->split_new + (self->old_rows->len - self->split_old);
  return self->rows->len;
}

static gpointer
ps_socket_list_get_item (GListModel *model,
                         guint       position)
{
  PsSocketList *self = PS_SOCKET_LIST (model);
  GArray *rows = self->rows;

  if (self->old_rows != NULL && position >= self->split_new)
    {
      rows = self->old_rows;
      position = position - self->split_new + self->split_old;
    }
  if (position >= rows->len)
    return NULL;
  return g_object_ref (g_array_index (rows, PsRow, position).item);
}

static void
ps_socket_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ps_socket_list_get_item_type;
  iface->get_n_items = ps_socket_list_get_n_items;
  iface->get_item = ps_socket_list_get_item;
}

/* Runs */

static void
runs_flush (GArray *runs,
            PsRun  *run)
{
  if (run->removed > 0 || run->added > 0)
    g_array_append_val (runs, *run);
  run->removed = 0;
  run->added = 0;
}

/* Installs NEW_ROWS, then emits RUNS in ascending order.  OLD_ROWS still
 * holds the references of the rows the runs remove; they are dropped after
 * the emission, with OLD_ROWS itself. */
static void
commit (PsSocketList *self,
        GArray       *old_rows,
        GArray       *new_rows,
        GArray       *runs)
{
  self->rows = new_rows;
  self->old_rows = old_rows;
  for (guint r = 0; r < runs->len; r++)
    {
      const PsRun *run = &g_array_index (runs, PsRun, r);

      self->split_new = run->position + run->added;
      self->split_old = run->old_end;
      g_list_model_items_changed (G_LIST_MODEL (self), run->position, run->removed, run->added);
    }
  self->old_rows = NULL;

  for (guint r = 0; r < runs->len; r++)
    {
      const PsRun *run = &g_array_index (runs, PsRun, r);

      for (guint k = run->old_end - run->removed; k < run->old_end; k++)
        g_object_unref (g_array_index (old_rows, PsRow, k).item);
    }
  g_array_set_size (old_rows, 0);
  g_clear_pointer (&self->spare_rows, g_array_unref);
  self->spare_rows = old_rows;
}

static GArray *
take_rows_array (PsSocketList *self,
                 guint         reserve)
{
  GArray *rows = g_steal_pointer (&self->spare_rows);

  if (rows == NULL)
    rows = g_array_sized_new (FALSE, FALSE, sizeof (PsRow), reserve);
  return rows;
}

/* Timers, one per batch */

static gboolean
new_batch_timeout_cb (gpointer user_data)
{
  PsBatch *batch = user_data;
  PsSocketList *self = batch->self;
  g_autoptr(GPtrArray) items = g_steal_pointer (&batch->items);

  batch->source_id = 0;
  g_ptr_array_remove (self->new_batches, batch);
  for (guint i = 0; i < items->len; i++)
    ps_socket_item_set_is_new (g_ptr_array_index (items, i), FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
closing_batch_timeout_cb (gpointer user_data)
{
  PsBatch *batch = user_data;
  PsSocketList *self = batch->self;
  guint id = batch->id;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (PsRun));
  GArray *new_rows;
  PsRun run = { 0, };

  batch->source_id = 0;
  g_ptr_array_remove (self->closing_batches, batch);

  new_rows = take_rows_array (self, self->rows->len);
  for (guint i = 0; i < self->rows->len; i++)
    {
      PsRow *row = &g_array_index (self->rows, PsRow, i);

      if (row->closing_batch == id)
        {
          if (run.removed == 0)
            run.position = new_rows->len;
          run.removed++;
          run.old_end = i + 1;
        }
      else
        {
          runs_flush (runs, &run);
          g_array_append_val (new_rows, *row);
        }
    }
  runs_flush (runs, &run);

  self->in_apply = TRUE;
  commit (self, self->rows, new_rows, runs);
  self->in_apply = FALSE;

  return G_SOURCE_REMOVE;
}

static PsBatch *
batch_new (PsSocketList *self,
           guint         timeout_ms,
           GSourceFunc   func)
{
  PsBatch *batch = g_new0 (PsBatch, 1);

  batch->self = self;
  batch->id = ++self->next_batch_id;
  if (batch->id == 0)
    batch->id = ++self->next_batch_id;
  batch->source_id = g_timeout_add (timeout_ms, func, batch);
  return batch;
}

/* The diff hint: the monitor's worker already compared the latest snapshot
 * with the previous one (ps_snapshot_diff, off the main thread).  When a
 * list applies that latest snapshot over that previous one, it uses the
 * result: with an empty diff the apply costs nothing (rows keep pointing
 * into the older, equal snapshot); otherwise the merge still places rows by
 * key but skips the field-by-field comparison of every row.  One record,
 * main thread only; references are held so the pointers cannot be reused
 * while recorded. */
static PsSnapshot *hint_before;
static PsSnapshot *hint_after;
static PsSnapshotDiff *hint_diff;

void
ps_socket_list_note_diff (PsSnapshot     *before,
                          PsSnapshot     *after,
                          PsSnapshotDiff *diff)
{
  g_return_if_fail (before != NULL);
  g_return_if_fail (after != NULL);
  g_return_if_fail (diff != NULL);

  ps_snapshot_ref (before);
  ps_snapshot_ref (after);
  g_clear_pointer (&hint_before, ps_socket_list_release_snapshot);
  g_clear_pointer (&hint_after, ps_socket_list_release_snapshot);
  g_clear_pointer (&hint_diff, ps_snapshot_diff_free);
  hint_before = before;
  hint_after = after;
  hint_diff = diff;
}

/* The items hint: items made on a worker for a snapshot not yet applied. */
static PsSnapshot *items_snapshot;
static GPtrArray *items_hint;

/* Adopted items leave a NULL behind. */
static void
item_unref (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

GPtrArray *
ps_socket_list_make_items (PsSnapshot *snapshot)
{
  guint n;
  GPtrArray *items;

  g_return_val_if_fail (snapshot != NULL, NULL);

  n = ps_snapshot_get_n_sockets (snapshot);
  items = g_ptr_array_new_full (n, item_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, ps_socket_item_new (snapshot, i));
  return items;
}

static void
clear_items_hint (void)
{
  g_clear_pointer (&items_hint, g_ptr_array_unref);
  g_clear_pointer (&items_snapshot, ps_socket_list_release_snapshot);
}

void
ps_socket_list_note_items (PsSnapshot *snapshot,
                           GPtrArray  *items)
{
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (items != NULL);
  g_return_if_fail (items->len == ps_snapshot_get_n_sockets (snapshot));

  clear_items_hint ();
  g_ptr_array_set_free_func (items, item_unref);
  items_snapshot = ps_snapshot_ref (snapshot);
  items_hint = items;
}

/* The item for new row INDEX of SNAPSHOT: the hint's when it has one. */
static PsSocketItem *
take_item (PsSnapshot *snapshot,
           guint       index)
{
  if (items_hint != NULL && items_snapshot == snapshot && items_hint->pdata[index] != NULL)
    {
      PsSocketItem *item = items_hint->pdata[index];

      items_hint->pdata[index] = NULL;
      return item;
    }
  return ps_socket_item_new (snapshot, index);
}

/* Releasing snapshots: one worker, started on first use. */

static void
release_func (gpointer data,
              gpointer user_data)
{
  ps_snapshot_unref (data);
}

void
ps_socket_list_release_snapshot (PsSnapshot *snapshot)
{
  static GThreadPool *pool;

  if (snapshot == NULL)
    return;
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (release_func, NULL, 1, FALSE, NULL));
  g_thread_pool_push (pool, snapshot, NULL);
}

/* Apply */

void
ps_socket_list_apply (PsSocketList *self,
                      PsSnapshot   *snapshot)
{
  g_autoptr(GArray) runs = NULL;
  g_autoptr(GArray) updates = NULL;
  GArray *old_rows;
  GArray *new_rows;
  GPtrArray *new_items = NULL;
  guint closing_id = 0;
  guint n_old;
  guint n_new;
  guint n_hidden = 0;
  guint n_changed = 0;
  guint i = 0;
  guint j = 0;
  gboolean mark_new;
  gboolean snapshot_is_same = FALSE;
  const GArray *changed_new = NULL;
  guint next_changed = 0;
  PsRun run = { 0, };

  g_return_if_fail (PS_IS_SOCKET_LIST (self));
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (!self->in_apply);

  if (self->snapshot != NULL && snapshot == hint_after && self->snapshot == hint_before)
    {
      if (ps_snapshot_diff_is_empty (hint_diff))
        snapshot_is_same = TRUE;
      else
        changed_new = hint_diff->changed_new;
    }

  if (snapshot == self->snapshot || snapshot_is_same)
    {
      g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);
      self->snapshot = ps_snapshot_ref (snapshot);
      self->n_changed = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
      return;
    }

  self->in_apply = TRUE;

  /* Items made for another snapshot will not be used. */
  if (items_snapshot != NULL && items_snapshot != snapshot)
    clear_items_hint ();

  old_rows = self->rows;
  n_old = old_rows->len;
  n_new = ps_snapshot_get_n_sockets (snapshot);
  /* The first load is not "new": everything would light up. */
  mark_new = self->snapshot != NULL && self->new_timeout_ms > 0;

  runs = g_array_new (FALSE, FALSE, sizeof (PsRun));
  updates = g_array_new (FALSE, FALSE, sizeof (PsUpdate));
  new_rows = take_rows_array (self, n_new + n_old / 16 + 16);

  while (i < n_old || j < n_new)
    {
      PsRow *old_row = i < n_old ? &g_array_index (old_rows, PsRow, i) : NULL;
      const PsSocket *socket = j < n_new ? ps_snapshot_get_socket (snapshot, j) : NULL;
      int cmp;

      if (old_row == NULL)
        cmp = 1;
      else if (socket == NULL)
        cmp = -1;
      else
        cmp = ps_socket_compare (old_row->socket, socket);

      if (cmp == 0)
        {
          PsRow row = { old_row->item, socket, 0 };

          runs_flush (runs, &run);
          if (socket->owner_hidden != PS_OWNER_VISIBLE)
            n_hidden++;
          /* The steady state: equal rows only move on to the new snapshot
           * (no notification, nothing recomputed). */
          if (old_row->socket == socket)
            ;
          else if (changed_new != NULL && old_row->closing_batch == 0)
            {
              /* Rows that are not closing are the previous snapshot's
               * sockets, in order: the worker's diff says which differ. */
              while (next_changed < changed_new->len &&
                     g_array_index (changed_new, guint, next_changed) < j)
                next_changed++;
              if (next_changed < changed_new->len &&
                  g_array_index (changed_new, guint, next_changed) == j)
                {
                  PsUpdate update = { new_rows->len, j };

                  g_array_append_val (updates, update);
                }
              else
                {
                  ps_socket_item_repoint (old_row->item, snapshot, j);
                }
            }
          else if (ps_socket_equal (old_row->socket, socket))
            ps_socket_item_repoint (old_row->item, snapshot, j);
          else
            {
              PsUpdate update = { new_rows->len, j };

              g_array_append_val (updates, update);
            }
          if (old_row->closing_batch != 0)
            ps_socket_item_set_is_closing (old_row->item, FALSE);
          g_array_append_val (new_rows, row);
          i++;
          j++;
        }
      else if (cmp < 0)
        {
          /* A row whose socket is gone. */
          if (old_row->closing_batch != 0)
            {
              runs_flush (runs, &run);
              g_array_append_val (new_rows, *old_row);
            }
          else if (self->closing_timeout_ms > 0)
            {
              PsRow row = *old_row;

              runs_flush (runs, &run);
              if (closing_id == 0)
                {
                  PsBatch *batch = batch_new (self, self->closing_timeout_ms,
                                              closing_batch_timeout_cb);

                  g_ptr_array_add (self->closing_batches, batch);
                  closing_id = batch->id;
                }
              row.closing_batch = closing_id;
              ps_socket_item_set_is_closing (old_row->item, TRUE);
              g_array_append_val (new_rows, row);
            }
          else
            {
              if (run.removed == 0 && run.added == 0)
                run.position = new_rows->len;
              run.removed++;
              run.old_end = i + 1;
            }
          i++;
        }
      else
        {
          PsRow row = { take_item (snapshot, j), socket, 0 };

          if (run.removed == 0 && run.added == 0)
            {
              run.position = new_rows->len;
              run.old_end = i;
            }
          run.added++;
          if (socket->owner_hidden != PS_OWNER_VISIBLE)
            n_hidden++;
          if (mark_new)
            {
              ps_socket_item_set_is_new (row.item, TRUE);
              if (new_items == NULL)
                new_items = g_ptr_array_new_with_free_func (g_object_unref);
              g_ptr_array_add (new_items, g_object_ref (row.item));
            }
          g_array_append_val (new_rows, row);
          j++;
        }
    }
  runs_flush (runs, &run);

  if (new_items != NULL)
    {
      PsBatch *batch = batch_new (self, self->new_timeout_ms, new_batch_timeout_cb);

      batch->items = new_items;
      g_ptr_array_add (self->new_batches, batch);
    }

  /* The items made for this snapshot that no row took are not needed. */
  if (items_snapshot == snapshot)
    clear_items_hint ();

  commit (self, old_rows, new_rows, runs);

  /* Rows whose shown values changed are updated only now.  While the runs
   * were emitted every row still compared as it did when a sort model over
   * the list last sorted it: GtkSortListModel compares live items, and rows
   * changed under it would break its order (GTK: "Comparison method
   * violates its general contract") and what it reports.  A sorter or filter
   * is then told once (ps_socket_list_get_n_changed()). */
  for (guint u = 0; u < updates->len; u++)
    {
      const PsUpdate *update = &g_array_index (updates, PsUpdate, u);

      if (ps_socket_item_update (g_array_index (new_rows, PsRow, update->row).item, snapshot, update->index))
        n_changed++;
    }

  g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);
  self->snapshot = ps_snapshot_ref (snapshot);
  self->n_changed = n_changed;
  self->in_apply = FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
  if (self->n_hidden != n_hidden)
    {
      self->n_hidden = n_hidden;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HIDDEN]);
    }
}

guint
ps_socket_list_get_n_changed (PsSocketList *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_LIST (self), 0);

  return self->n_changed;
}

PsSnapshot *
ps_socket_list_get_snapshot (PsSocketList *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_LIST (self), NULL);

  return self->snapshot;
}

gint
ps_socket_list_find (PsSocketList   *self,
                     const PsSocket *socket)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (PS_IS_SOCKET_LIST (self), -1);
  g_return_val_if_fail (socket != NULL, -1);

  hi = self->rows->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = ps_socket_compare (g_array_index (self->rows, PsRow, mid).socket, socket);

      if (cmp == 0)
        return (gint) mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/* GObject */

static void
ps_socket_list_dispose (GObject *object)
{
  PsSocketList *self = PS_SOCKET_LIST (object);

  g_ptr_array_set_size (self->new_batches, 0);
  g_ptr_array_set_size (self->closing_batches, 0);
  clear_rows (self->rows);
  g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);

  G_OBJECT_CLASS (ps_socket_list_parent_class)->dispose (object);
}

static void
ps_socket_list_finalize (GObject *object)
{
  PsSocketList *self = PS_SOCKET_LIST (object);

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->spare_rows, g_array_unref);
  g_clear_pointer (&self->new_batches, g_ptr_array_unref);
  g_clear_pointer (&self->closing_batches, g_ptr_array_unref);

  G_OBJECT_CLASS (ps_socket_list_parent_class)->finalize (object);
}

static void
ps_socket_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PsSocketList *self = PS_SOCKET_LIST (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_NEW_TIMEOUT_MS:
      g_value_set_uint (value, self->new_timeout_ms);
      break;
    case PROP_CLOSING_TIMEOUT_MS:
      g_value_set_uint (value, self->closing_timeout_ms);
      break;
    case PROP_N_HIDDEN:
      g_value_set_uint (value, self->n_hidden);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_socket_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PsSocketList *self = PS_SOCKET_LIST (object);

  switch (prop_id)
    {
    case PROP_NEW_TIMEOUT_MS:
      if (self->new_timeout_ms != g_value_get_uint (value))
        {
          self->new_timeout_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CLOSING_TIMEOUT_MS:
      if (self->closing_timeout_ms != g_value_get_uint (value))
        {
          self->closing_timeout_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_socket_list_class_init (PsSocketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ps_socket_list_dispose;
  object_class->finalize = ps_socket_list_finalize;
  object_class->get_property = ps_socket_list_get_property;
  object_class->set_property = ps_socket_list_set_property;

  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, NULL, PS_TYPE_SNAPSHOT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEW_TIMEOUT_MS] =
    g_param_spec_uint ("new-timeout-ms", NULL, NULL, 0, G_MAXUINT, 3000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSING_TIMEOUT_MS] =
    g_param_spec_uint ("closing-timeout-ms", NULL, NULL, 0, G_MAXUINT, 3000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_HIDDEN] =
    g_param_spec_uint ("n-hidden", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_socket_list_init (PsSocketList *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (PsRow));
  self->new_batches = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_batch_free);
  self->closing_batches = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_batch_free);
  self->new_timeout_ms = 3000;
  self->closing_timeout_ms = 3000;
}

PsSocketList *
ps_socket_list_new (void)
{
  return g_object_new (PS_TYPE_SOCKET_LIST, NULL);
}

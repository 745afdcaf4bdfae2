/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-limit-model.h"

/* GTK 4.8's list views (GtkListItemManager) mishandle an items-changed that
 * removes several rows starting inside a run of rows they have no widget for
 * (rows off screen) and reaching past it: the count comes off that run and
 * the widgets in the removed range stay, showing items that are gone or that
 * now sit elsewhere; "Duplicate item detected in list" follows.  Removing one
 * row, inserting any number of rows, or removing from position 0 is handled
 * correctly.  This model tells its listeners of every change in those steps
 * only, presenting each intermediate list while it does, so it keeps its own
 * copy of the items it has announced.  Tested on the view itself in
 * tests/ui/test-view-churn.c (/view/splices). */

/* Beyond this many single-row removals for one change, the change is
 * announced as one replacement from position 0 instead (its cost: the view
 * looks up its rows by item once, O(rows)). */
#define MAX_REMOVAL_STEPS 64

struct _PsLimitModel
{
  GObject parent_instance;

  GListModel *model;
  guint limit;
  GPtrArray *shown;          /* the items announced, in order (owned) */
};

static void ps_limit_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsLimitModel, ps_limit_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ps_limit_model_list_model_init))

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ps_limit_model_get_item_type (GListModel *list)
{
  PsLimitModel *self = PS_LIMIT_MODEL (list);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
ps_limit_model_get_n_items (GListModel *list)
{
  return PS_LIMIT_MODEL (list)->shown->len;
}

static gpointer
ps_limit_model_get_item (GListModel *list,
                         guint       position)
{
  PsLimitModel *self = PS_LIMIT_MODEL (list);

  if (position >= self->shown->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->shown, position));
}

static void
ps_limit_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ps_limit_model_get_item_type;
  iface->get_n_items = ps_limit_model_get_n_items;
  iface->get_item = ps_limit_model_get_item;
}

/* How many items of the model are shown. */
static guint
n_to_show (PsLimitModel *self)
{
  if (self->model == NULL)
    return 0;
  return MIN (g_list_model_get_n_items (self->model), self->limit);
}

/* Replaces the shown items [POSITION, POSITION + N_OLD) with FRESH[FROM, TO)
 * (references taken) and says so: as that change, or with FROM_START as a
 * replacement of everything from position 0 through it.  The replaced items
 * live until the signal is out. */
static void
splice_shown (PsLimitModel *self,
              guint         position,
              guint         n_old,
              GPtrArray    *fresh,
              guint         from,
              guint         to,
              gboolean      from_start)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_full (n_old, g_object_unref);
  guint start = from_start ? 0 : position;

  for (guint k = position; k < position + n_old; k++)
    g_ptr_array_add (gone, g_object_ref (g_ptr_array_index (self->shown, k)));
  g_ptr_array_remove_range (self->shown, position, n_old);
  for (guint k = from; k < to; k++)
    g_ptr_array_insert (self->shown, position + k - from, g_object_ref (g_ptr_array_index (fresh, k)));
  if (n_old > 0 || to > from)
    g_list_model_items_changed (G_LIST_MODEL (self), start,
                                position - start + n_old, position - start + to - from);
}

/* The kept items (in both lists) in the same order in both? */
static gboolean
same_order (GPtrArray  *old_items,
            guint       old_from,
            guint       old_to,
            GHashTable *in_new,
            GPtrArray  *fresh,
            GHashTable *in_old)
{
  guint i = old_from;
  guint j = 0;

  for (;;)
    {
      while (i < old_to && !g_hash_table_contains (in_new, g_ptr_array_index (old_items, i)))
        i++;
      while (j < fresh->len && !g_hash_table_contains (in_old, g_ptr_array_index (fresh, j)))
        j++;
      if (i == old_to || j == fresh->len)
        return i == old_to && j == fresh->len;
      if (g_ptr_array_index (old_items, i) != g_ptr_array_index (fresh, j))
        return FALSE;
      i++;
      j++;
    }
}

/* Replaces the shown items [POSITION, OLD_END) with the model's items
 * [POSITION, NEW_END), announcing it in steps a GTK 4.8 list view follows. */
static void
publish (PsLimitModel *self,
         guint         position,
         guint         old_end,
         guint         new_end)
{
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GHashTable) in_old = NULL;
  g_autoptr(GHashTable) in_new = NULL;
  guint n_removals = 0;
  guint pos;
  guint j;
  guint left;

  fresh = g_ptr_array_new_full (new_end - position, g_object_unref);
  for (guint k = position; k < new_end; k++)
    g_ptr_array_add (fresh, g_list_model_get_item (self->model, k));

  /* One removal at most: one step. */
  if (old_end - position <= 1)
    {
      splice_shown (self, position, old_end - position, fresh, 0, fresh->len, FALSE);
      return;
    }

  in_old = g_hash_table_new (NULL, NULL);
  in_new = g_hash_table_new (NULL, NULL);
  for (guint k = 0; k < fresh->len; k++)
    g_hash_table_add (in_new, g_ptr_array_index (fresh, k));
  for (guint k = position; k < old_end; k++)
    {
      gpointer item = g_ptr_array_index (self->shown, k);

      g_hash_table_add (in_old, item);
      if (!g_hash_table_contains (in_new, item))
        n_removals++;
    }

  /* Rows reordered, or too many removals: one replacement from position 0,
   * the start of the view's first run of rows. */
  if (n_removals > MAX_REMOVAL_STEPS ||
      !same_order (self->shown, position, old_end, in_new, fresh, in_old))
    {
      splice_shown (self, position, old_end - position, fresh, 0, fresh->len, TRUE);
      return;
    }

  /* Walk both lists: drop what went (one row per step), keep what stayed,
   * insert each run of new rows in one step. */
  pos = position;
  left = old_end - position;
  j = 0;
  while (left > 0 || j < fresh->len)
    {
      gpointer old = left > 0 ? g_ptr_array_index (self->shown, pos) : NULL;

      if (old != NULL && !g_hash_table_contains (in_new, old))
        {
          splice_shown (self, pos, 1, fresh, 0, 0, FALSE);
          left--;
        }
      else if (j < fresh->len && !g_hash_table_contains (in_old, g_ptr_array_index (fresh, j)))
        {
          guint to = j;

          while (to < fresh->len && !g_hash_table_contains (in_old, g_ptr_array_index (fresh, to)))
            to++;
          splice_shown (self, pos, 0, fresh, j, to, FALSE);
          pos += to - j;
          j = to;
        }
      else
        {
          /* The same item in both (same_order() made sure). */
          g_assert (old == g_ptr_array_index (fresh, j));
          pos++;
          left--;
          j++;
        }
    }
}

static void
on_items_changed (PsLimitModel *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  guint old_len = self->shown->len;
  guint new_len = n_to_show (self);
  guint old_end;
  guint new_end;

  if (position >= old_len && position >= new_len)
    return;

  if (self->limit == G_MAXUINT || removed == added)
    {
      old_end = MIN (position + removed, old_len);
      new_end = MIN (position + added, new_len);
    }
  else
    {
      /* Rows after the change move into or out of the window. */
      old_end = old_len;
      new_end = new_len;
    }
  publish (self, position, old_end, new_end);
}

static void
ps_limit_model_dispose (GObject *object)
{
  PsLimitModel *self = PS_LIMIT_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  if (self->shown->len > 0)
    g_ptr_array_remove_range (self->shown, 0, self->shown->len);

  G_OBJECT_CLASS (ps_limit_model_parent_class)->dispose (object);
}

static void
ps_limit_model_finalize (GObject *object)
{
  PsLimitModel *self = PS_LIMIT_MODEL (object);

  g_ptr_array_unref (self->shown);

  G_OBJECT_CLASS (ps_limit_model_parent_class)->finalize (object);
}

static void
ps_limit_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PsLimitModel *self = PS_LIMIT_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_limit_model_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PsLimitModel *self = PS_LIMIT_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      self->model = g_value_dup_object (value);
      if (self->model != NULL)
        {
          guint n = n_to_show (self);

          for (guint k = 0; k < n; k++)
            g_ptr_array_add (self->shown, g_list_model_get_item (self->model, k));
          g_signal_connect_object (self->model, "items-changed",
                                   G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
        }
      break;
    case PROP_LIMIT:
      ps_limit_model_set_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_limit_model_class_init (PsLimitModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ps_limit_model_dispose;
  object_class->finalize = ps_limit_model_finalize;
  object_class->get_property = ps_limit_model_get_property;
  object_class->set_property = ps_limit_model_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_limit_model_init (PsLimitModel *self)
{
  self->limit = G_MAXUINT;
  self->shown = g_ptr_array_new_with_free_func (g_object_unref);
}

PsLimitModel *
ps_limit_model_new (GListModel *model,
                    guint       limit)
{
  g_return_val_if_fail (model == NULL || G_IS_LIST_MODEL (model), NULL);

  return g_object_new (PS_TYPE_LIMIT_MODEL, "model", model, "limit", limit, NULL);
}

GListModel *
ps_limit_model_get_model (PsLimitModel *self)
{
  g_return_val_if_fail (PS_IS_LIMIT_MODEL (self), NULL);

  return self->model;
}

guint
ps_limit_model_get_limit (PsLimitModel *self)
{
  g_return_val_if_fail (PS_IS_LIMIT_MODEL (self), G_MAXUINT);

  return self->limit;
}

/* The items that come into or leave the window are added or removed at its end. */
void
ps_limit_model_set_limit (PsLimitModel *self,
                          guint         limit)
{
  guint before;
  guint after;

  g_return_if_fail (PS_IS_LIMIT_MODEL (self));

  if (self->limit == limit)
    return;
  before = self->shown->len;
  self->limit = limit;
  after = n_to_show (self);
  if (before > after)
    publish (self, after, before, after);
  else if (after > before)
    publish (self, before, before, after);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

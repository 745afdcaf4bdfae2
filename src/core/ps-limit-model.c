/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-limit-model.h"

struct _PsLimitModel
{
  GObject parent_instance;

  GListModel *model;
  guint limit;
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
  PsLimitModel *self = PS_LIMIT_MODEL (list);

  if (self->model == NULL)
    return 0;
  return MIN (g_list_model_get_n_items (self->model), self->limit);
}

static gpointer
ps_limit_model_get_item (GListModel *list,
                         guint       position)
{
  PsLimitModel *self = PS_LIMIT_MODEL (list);

  if (self->model == NULL || position >= self->limit)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
ps_limit_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ps_limit_model_get_item_type;
  iface->get_n_items = ps_limit_model_get_n_items;
  iface->get_item = ps_limit_model_get_item;
}

static void
on_items_changed (PsLimitModel *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  guint n_after;
  guint n_before;

  if (self->limit == G_MAXUINT)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }
  if (position >= self->limit)
    return;

  if (removed == added)
    {
      guint n = MIN (removed, self->limit - position);

      g_list_model_items_changed (G_LIST_MODEL (self), position, n, n);
      return;
    }

  /* The items after the change move in or out of the window: what is left
   * of it from POSITION on changes (a short window, the first load only). */
  n_after = g_list_model_get_n_items (model);
  n_before = n_after - added + removed;
  n_after = MIN (n_after, self->limit);
  n_before = MIN (n_before, self->limit);
  g_list_model_items_changed (G_LIST_MODEL (self), position, n_before - position, n_after - position);
}

static void
ps_limit_model_dispose (GObject *object)
{
  PsLimitModel *self = PS_LIMIT_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (ps_limit_model_parent_class)->dispose (object);
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
        g_signal_connect_object (self->model, "items-changed",
                                 G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
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
  before = ps_limit_model_get_n_items (G_LIST_MODEL (self));
  self->limit = limit;
  after = ps_limit_model_get_n_items (G_LIST_MODEL (self));
  if (before > after)
    g_list_model_items_changed (G_LIST_MODEL (self), after, before - after, 0);
  else if (after > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, after - before);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

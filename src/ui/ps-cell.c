/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-cell.h"

struct _PsCell
{
  GtkWidget parent_instance;

  GtkWidget *image;
  GtkWidget *label;

  PsSocketItem *item;
  char *field;
  char *icon_field;

  GBinding *label_binding;
  GBinding *icon_binding;
  gulong new_handler;
  gulong closing_handler;
};

G_DEFINE_FINAL_TYPE (PsCell, ps_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_FIELD,
  PROP_ICON_FIELD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_class (GtkWidget  *widget,
           const char *css_class,
           gboolean    on)
{
  if (widget == NULL)
    return;
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* The highlight goes on the column view's cell (our parent) so that a row's
 * cells join into one band. */
static void
update_state (PsCell *self)
{
  gboolean is_new = FALSE;
  gboolean is_closing = FALSE;
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (self->item != NULL)
    {
      is_new = ps_socket_item_get_is_new (self->item);
      is_closing = ps_socket_item_get_is_closing (self->item);
    }

  set_class (GTK_WIDGET (self), "ps-new", is_new);
  set_class (GTK_WIDGET (self), "ps-closing", is_closing);
  set_class (parent, "ps-new", is_new);
  set_class (parent, "ps-closing", is_closing);
}

static void
disconnect_item (PsCell *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (self->label_binding != NULL)
    g_binding_unbind (self->label_binding);
  self->label_binding = NULL;
  if (self->icon_binding != NULL)
    g_binding_unbind (self->icon_binding);
  self->icon_binding = NULL;
  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->new_handler, self->item);
      g_clear_signal_handler (&self->closing_handler, self->item);
    }
  g_clear_object (&self->item);
  set_class (parent, "ps-new", FALSE);
  set_class (parent, "ps-closing", FALSE);
}

static void
connect_item (PsCell *self)
{
  if (self->item == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->label), "");
      gtk_widget_set_visible (self->image, FALSE);
      update_state (self);
      return;
    }

  if (self->field != NULL)
    self->label_binding = g_object_bind_property (self->item, self->field,
                                                  self->label, "label",
                                                  G_BINDING_SYNC_CREATE);
  if (self->icon_field != NULL)
    self->icon_binding = g_object_bind_property (self->item, self->icon_field,
                                                 self->image, "icon-name",
                                                 G_BINDING_SYNC_CREATE);
  gtk_widget_set_visible (self->image, self->icon_field != NULL);

  self->new_handler = g_signal_connect_object (self->item, "notify::is-new",
                                               G_CALLBACK (update_state), self,
                                               G_CONNECT_SWAPPED);
  self->closing_handler = g_signal_connect_object (self->item, "notify::is-closing",
                                                   G_CALLBACK (update_state), self,
                                                   G_CONNECT_SWAPPED);
  update_state (self);
}

PsSocketItem *
ps_cell_get_item (PsCell *self)
{
  g_return_val_if_fail (PS_IS_CELL (self), NULL);
  return self->item;
}

void
ps_cell_set_item (PsCell       *self,
                  PsSocketItem *item)
{
  g_return_if_fail (PS_IS_CELL (self));
  g_return_if_fail (item == NULL || PS_IS_SOCKET_ITEM (item));

  if (self->item == item)
    return;

  disconnect_item (self);
  if (item != NULL)
    self->item = g_object_ref (item);
  connect_item (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

GtkLabel *
ps_cell_get_label (PsCell *self)
{
  g_return_val_if_fail (PS_IS_CELL (self), NULL);
  return GTK_LABEL (self->label);
}

static void
set_string (PsCell      *self,
            char       **field,
            const char  *value,
            GParamSpec  *pspec)
{
  PsSocketItem *item;

  if (g_strcmp0 (*field, value) == 0)
    return;

  /* Rebind with the new field. */
  item = self->item != NULL ? g_object_ref (self->item) : NULL;
  disconnect_item (self);
  g_free (*field);
  *field = g_strdup (value);
  self->item = item;
  connect_item (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
ps_cell_dispose (GObject *object)
{
  PsCell *self = PS_CELL (object);

  disconnect_item (self);
  g_clear_pointer (&self->image, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (ps_cell_parent_class)->dispose (object);
}

static void
ps_cell_finalize (GObject *object)
{
  PsCell *self = PS_CELL (object);

  g_free (self->field);
  g_free (self->icon_field);

  G_OBJECT_CLASS (ps_cell_parent_class)->finalize (object);
}

static void
ps_cell_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PsCell *self = PS_CELL (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case PROP_ICON_FIELD:
      g_value_set_string (value, self->icon_field);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_cell_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PsCell *self = PS_CELL (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      ps_cell_set_item (self, g_value_get_object (value));
      break;
    case PROP_FIELD:
      set_string (self, &self->field, g_value_get_string (value), pspec);
      break;
    case PROP_ICON_FIELD:
      set_string (self, &self->icon_field, g_value_get_string (value), pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_cell_class_init (PsCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_cell_dispose;
  object_class->finalize = ps_cell_finalize;
  object_class->get_property = ps_cell_get_property;
  object_class->set_property = ps_cell_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         PS_TYPE_SOCKET_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_FIELD] =
    g_param_spec_string ("icon-field", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ps-cell");
}

static void
ps_cell_init (PsCell *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->image = gtk_image_new ();
  gtk_widget_set_visible (self->image, FALSE);
  gtk_widget_set_parent (self->image, GTK_WIDGET (self));

  /* Process text lands here: plain text only, never markup. */
  self->label = gtk_label_new (NULL);
  gtk_label_set_use_markup (GTK_LABEL (self->label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (self->label), TRUE);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  g_signal_connect (self, "notify::parent", G_CALLBACK (update_state), NULL);
}

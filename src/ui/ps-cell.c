/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ps-cell.h"

struct _PsCell
{
  GtkWidget parent_instance;

  GtkWidget *image;          /* the exposure column only */
  GtkWidget *label;

  PsSocketItem *item;
  PsColumn column;
  gulong notify_handler;

  /* What the column view cell (our parent) carries now. */
  GtkWidget *marked_parent;  /* not owned */
  guint marked_new : 1;
  guint marked_closing : 1;
};

G_DEFINE_FINAL_TYPE (PsCell, ps_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_COLUMN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The highlight goes on the column view's cell (our parent) so that a row's
 * cells join into one band.  Classes are touched only when they change:
 * every change restyles the cell. */
static void
update_state (PsCell *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  gboolean is_new = self->item != NULL && ps_socket_item_get_is_new (self->item);
  gboolean is_closing = self->item != NULL && ps_socket_item_get_is_closing (self->item);

  if (parent != self->marked_parent)
    {
      if (self->marked_parent != NULL)
        {
          if (self->marked_new)
            gtk_widget_remove_css_class (self->marked_parent, "ps-new");
          if (self->marked_closing)
            gtk_widget_remove_css_class (self->marked_parent, "ps-closing");
        }
      self->marked_parent = parent;
      self->marked_new = FALSE;
      self->marked_closing = FALSE;
    }
  if (parent == NULL)
    return;

  if (self->marked_new != (guint) is_new)
    {
      if (is_new)
        gtk_widget_add_css_class (parent, "ps-new");
      else
        gtk_widget_remove_css_class (parent, "ps-new");
      self->marked_new = is_new;
    }
  if (self->marked_closing != (guint) is_closing)
    {
      if (is_closing)
        gtk_widget_add_css_class (parent, "ps-closing");
      else
        gtk_widget_remove_css_class (parent, "ps-closing");
      self->marked_closing = is_closing;
    }
}

static void
update_text (PsCell *self)
{
  const char *text = "";

  if (self->item != NULL)
    text = ps_socket_item_get_column_text (self->item, self->column);
  /* Process text lands here: plain text, made visible by the item. */
  if (strcmp (gtk_label_get_label (GTK_LABEL (self->label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (self->label), text);

  if (self->image != NULL)
    {
      const char *icon = self->item != NULL
                         ? ps_exposure_icon_name (ps_socket_item_get_exposure (self->item))
                         : NULL;

      if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (self->image)), icon) != 0)
        gtk_image_set_from_icon_name (GTK_IMAGE (self->image), icon);
    }
}

static void
on_item_notify (PsSocketItem *item,
                GParamSpec   *pspec,
                PsCell       *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (strcmp (name, "is-new") == 0 || strcmp (name, "is-closing") == 0)
    update_state (self);
  else if (strcmp (name, ps_column_property (self->column)) == 0)
    update_text (self);
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

  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_handler, self->item);
  g_set_object (&self->item, item);
  /* The cell holds a reference: the handler goes before the item can. */
  if (item != NULL)
    self->notify_handler = g_signal_connect (item, "notify", G_CALLBACK (on_item_notify), self);

  update_text (self);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

PsColumn
ps_cell_get_column (PsCell *self)
{
  g_return_val_if_fail (PS_IS_CELL (self), PS_COLUMN_PORT);
  return self->column;
}

GtkLabel *
ps_cell_get_label (PsCell *self)
{
  g_return_val_if_fail (PS_IS_CELL (self), NULL);
  return GTK_LABEL (self->label);
}

static void
ps_cell_constructed (GObject *object)
{
  PsCell *self = PS_CELL (object);

  G_OBJECT_CLASS (ps_cell_parent_class)->constructed (object);

  if (self->column == PS_COLUMN_EXPOSURE)
    {
      self->image = gtk_image_new ();
      gtk_widget_insert_after (self->image, GTK_WIDGET (self), NULL);
    }
}

static void
ps_cell_dispose (GObject *object)
{
  PsCell *self = PS_CELL (object);

  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_handler, self->item);
  g_clear_object (&self->item);
  g_clear_pointer (&self->image, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (ps_cell_parent_class)->dispose (object);
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
    case PROP_COLUMN:
      g_value_set_int (value, self->column);
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
    case PROP_COLUMN:
      self->column = (PsColumn) g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The whole text when the column is too narrow for it (an IPv6 address, a
 * long service name): its tooltip.  Plain text, like the cell. */
const char *
ps_cell_get_cut_text (PsCell *self)
{
  const char *text;

  g_return_val_if_fail (PS_IS_CELL (self), NULL);

  text = gtk_label_get_text (GTK_LABEL (self->label));
  if (*text == '\0' || !pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (self->label))))
    return NULL;
  return text;
}

static gboolean
ps_cell_query_tooltip (GtkWidget  *widget,
                       int         x,
                       int         y,
                       gboolean    keyboard_mode,
                       GtkTooltip *tooltip)
{
  const char *text = ps_cell_get_cut_text (PS_CELL (widget));

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
ps_cell_class_init (PsCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ps_cell_constructed;
  object_class->dispose = ps_cell_dispose;
  object_class->get_property = ps_cell_get_property;
  object_class->set_property = ps_cell_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         PS_TYPE_SOCKET_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN] =
    g_param_spec_int ("column", NULL, NULL,
                      0, PS_N_COLUMNS - 1, PS_COLUMN_PORT,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->query_tooltip = ps_cell_query_tooltip;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ps-cell");
}

static void
ps_cell_init (PsCell *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  /* Process text lands here: plain text only, never markup. */
  self->label = gtk_label_new (NULL);
  gtk_label_set_use_markup (GTK_LABEL (self->label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (self->label), TRUE);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  g_signal_connect (self, "notify::parent", G_CALLBACK (update_state), NULL);
}

PsCell *
ps_cell_new (PsColumn column)
{
  g_return_val_if_fail (column < PS_N_COLUMNS, NULL);

  return g_object_new (PS_TYPE_CELL, "column", column, NULL);
}

/* The factory: GtkSignalListItemFactory, the column in the handlers' data. */

static void
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  column)
{
  gtk_list_item_set_child (list_item, GTK_WIDGET (ps_cell_new (GPOINTER_TO_INT (column))));
}

static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  column)
{
  ps_cell_set_item (PS_CELL (gtk_list_item_get_child (list_item)),
                    gtk_list_item_get_item (list_item));
}

static void
factory_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  column)
{
  ps_cell_set_item (PS_CELL (gtk_list_item_get_child (list_item)), NULL);
}

GtkListItemFactory *
ps_cell_factory_new (PsColumn column)
{
  GtkListItemFactory *factory;

  g_return_val_if_fail (column < PS_N_COLUMNS, NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind), GINT_TO_POINTER (column));
  return factory;
}

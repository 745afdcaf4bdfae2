/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ps-fact-row.h"
#include "ps-text.h"

/* A label with 100 KB of text takes GTK's layout over a minute: show at most
 * this many characters; Copy still gives the whole value. */
#define PS_FACT_ROW_MAX_CHARS 2000

struct _PsFactRow
{
  AdwPreferencesRow parent_instance;

  GtkWidget *title_label;
  GtkWidget *value_label;
  GtkWidget *copy_button;

  char *value;
  gboolean copyable;
  gboolean monospace;
};

G_DEFINE_FINAL_TYPE (PsFactRow, ps_fact_row, ADW_TYPE_PREFERENCES_ROW)

enum {
  PROP_0,
  PROP_VALUE,
  PROP_COPYABLE,
  PROP_MONOSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
ps_fact_row_new (const char *title)
{
  return g_object_new (PS_TYPE_FACT_ROW, "title", title, NULL);
}

const char *
ps_fact_row_get_value (PsFactRow *self)
{
  g_return_val_if_fail (PS_IS_FACT_ROW (self), NULL);
  return self->value;
}

void
ps_fact_row_set_value (PsFactRow  *self,
                       const char *value)
{
  g_return_if_fail (PS_IS_FACT_ROW (self));

  if (g_strcmp0 (self->value, value) == 0)
    return;

  g_free (self->value);
  self->value = g_strdup (value);
  if (value != NULL && g_utf8_strlen (value, -1) > PS_FACT_ROW_MAX_CHARS)
    {
      g_autofree char *shown = ps_text_ellipsize (value, PS_FACT_ROW_MAX_CHARS);

      gtk_label_set_text (GTK_LABEL (self->value_label), shown);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (self->value_label), value != NULL ? value : "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self), value != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

void
ps_fact_row_set_copyable (PsFactRow *self,
                          gboolean   copyable)
{
  g_return_if_fail (PS_IS_FACT_ROW (self));

  copyable = !!copyable;
  if (self->copyable == copyable)
    return;
  self->copyable = copyable;
  gtk_widget_set_visible (self->copy_button, copyable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COPYABLE]);
}

static void
set_monospace (PsFactRow *self,
               gboolean   monospace)
{
  monospace = !!monospace;
  if (self->monospace == monospace)
    return;
  self->monospace = monospace;
  if (monospace)
    gtk_widget_add_css_class (self->value_label, "monospace");
  else
    gtk_widget_remove_css_class (self->value_label, "monospace");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONOSPACE]);
}

GtkLabel *
ps_fact_row_get_value_label (PsFactRow *self)
{
  g_return_val_if_fail (PS_IS_FACT_ROW (self), NULL);
  return GTK_LABEL (self->value_label);
}

static void
on_copy_clicked (PsFactRow *self)
{
  if (self->value == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->value);
  gtk_widget_activate_action (GTK_WIDGET (self), "window.toast", "s", _("Copied"));
}

static void
ps_fact_row_finalize (GObject *object)
{
  PsFactRow *self = PS_FACT_ROW (object);

  g_free (self->value);

  G_OBJECT_CLASS (ps_fact_row_parent_class)->finalize (object);
}

static void
ps_fact_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PsFactRow *self = PS_FACT_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case PROP_COPYABLE:
      g_value_set_boolean (value, self->copyable);
      break;
    case PROP_MONOSPACE:
      g_value_set_boolean (value, self->monospace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_fact_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PsFactRow *self = PS_FACT_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      ps_fact_row_set_value (self, g_value_get_string (value));
      break;
    case PROP_COPYABLE:
      ps_fact_row_set_copyable (self, g_value_get_boolean (value));
      break;
    case PROP_MONOSPACE:
      set_monospace (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_fact_row_class_init (PsFactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ps_fact_row_finalize;
  object_class->get_property = ps_fact_row_get_property;
  object_class->set_property = ps_fact_row_set_property;

  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COPYABLE] =
    g_param_spec_boolean ("copyable", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONOSPACE] =
    g_param_spec_boolean ("monospace", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_fact_row_init (PsFactRow *self)
{
  GtkWidget *box;
  GtkWidget *text_box;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "ps-fact-row");

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_box_append (GTK_BOX (box), text_box);

  self->title_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->title_label), TRUE);
  gtk_widget_add_css_class (self->title_label, "caption");
  gtk_widget_add_css_class (self->title_label, "dim-label");
  g_object_bind_property (self, "title", self->title_label, "label", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (text_box), self->title_label);

  /* Values are often process text: plain, wrapped anywhere, selectable. */
  self->value_label = gtk_label_new (NULL);
  gtk_label_set_use_markup (GTK_LABEL (self->value_label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (self->value_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->value_label), TRUE);
  gtk_box_append (GTK_BOX (text_box), self->value_label);

  self->copy_button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (self->copy_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->copy_button, FALSE);
  gtk_widget_add_css_class (self->copy_button, "flat");
  gtk_widget_set_tooltip_text (self->copy_button, _("Copy"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy"),
                                  -1);
  g_signal_connect_object (self->copy_button, "clicked",
                           G_CALLBACK (on_copy_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), self->copy_button);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

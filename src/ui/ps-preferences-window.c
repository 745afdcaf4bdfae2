/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-preferences-window.h"
#include "ps-ui.h"

struct _PsPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkAdjustment *interval_adjustment;
  GtkAdjustment *terminate_adjustment;
  GtkSwitch *connections_switch;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (PsPreferencesWindow, ps_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

GtkWidget *
ps_preferences_window_new (void)
{
  return g_object_new (PS_TYPE_PREFERENCES_WINDOW, NULL);
}

/* refresh-interval is stored in milliseconds and shown in seconds. */
static gboolean
ms_to_seconds (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 1000.0);
  return TRUE;
}

static GVariant *
seconds_to_ms (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  double seconds = CLAMP (g_value_get_double (value), 0.25, 60.0);

  return g_variant_new_uint32 ((guint32) (seconds * 1000.0 + 0.5));
}

static gboolean
uint_to_double (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
double_to_uint (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  double seconds = CLAMP (g_value_get_double (value), 1.0, 120.0);

  return g_variant_new_uint32 ((guint32) (seconds + 0.5));
}

static void
ps_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (ps_preferences_window_parent_class)->dispose (object);
}

static void
ps_preferences_window_finalize (GObject *object)
{
  PsPreferencesWindow *self = PS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ps_preferences_window_parent_class)->finalize (object);
}

static void
ps_preferences_window_class_init (PsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  ps_ui_ensure_types ();

  object_class->dispose = ps_preferences_window_dispose;
  object_class->finalize = ps_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ps-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, interval_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, terminate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, connections_switch);
}

static void
ps_preferences_window_init (PsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APP_ID);
  g_settings_bind_with_mapping (self->settings, "refresh-interval",
                                self->interval_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT,
                                ms_to_seconds, seconds_to_ms, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "terminate-timeout",
                                self->terminate_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT,
                                uint_to_double, double_to_uint, NULL, NULL);
  g_settings_bind (self->settings, "show-connections",
                   self->connections_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

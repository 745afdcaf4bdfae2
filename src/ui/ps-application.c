/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "ps-application.h"
#include "ps-cli.h"
#include "ps-preferences-window.h"
#include "ps-ui.h"
#include "ps-window.h"

struct _PsApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PsApplication, ps_application, ADW_TYPE_APPLICATION)

PsApplication *
ps_application_new (void)
{
  return g_object_new (PS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

static PsWindow *
ensure_window (PsApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (PS_IS_WINDOW (l->data))
      return l->data;

  return ps_window_new (GTK_APPLICATION (self));
}

static int
ps_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  int port = -1;
  int status;

  /* The CLI answers without touching D-Bus or the display. */
  status = ps_cli_handle_local_options (app, options, &port);
  if (status >= 0)
    return status;

  /* Never a window as root: it would read and kill with full privilege
   * whatever a click asks for.  Tests and CI (root) set the override. */
  if (geteuid () == 0 && g_strcmp0 (g_getenv ("PORTSCOPE_ALLOW_ROOT"), "1") != 0)
    {
      g_printerr ("%s\n",
                  _("Portscope’s window does not run as root. Start it as your own user: "
                    "it asks for permission when it needs it. (portscope --list works as root.)"));
      return 1;
    }

  if (port >= 0)
    {
      /* "portscope 8080": the running instance (or this one) searches for it. */
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_action_group_activate_action (G_ACTION_GROUP (app), "search-port",
                                      g_variant_new_uint32 ((guint32) port));
      if (g_application_get_is_remote (app))
        return 0;
    }

  return -1;
}

static void
ps_application_activate (GApplication *app)
{
  ps_window_present_when_ready (ensure_window (PS_APPLICATION (app)));
}

static void
search_port_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  PsApplication *self = user_data;
  PsWindow *window = ensure_window (self);
  guint32 port = g_variant_get_uint32 (parameter);

  if (port > 65535)
    return;
  ps_window_search_port (window, port);
  ps_window_present_when_ready (window);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *preferences = ps_preferences_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (preferences), gtk_application_get_active_window (app));
  gtk_window_set_application (GTK_WINDOW (preferences), app);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Portscope"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Portscope developers"),
                        "comments", _("See which programs wait for connections on which ports, "
                                      "who can reach them, and free a port safely."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* Close rather than quit outright, so the window saves its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "search-port", search_port_action, "u", NULL, NULL },
  { "preferences", preferences_action, NULL, NULL, NULL },
  { "about", about_action, NULL, NULL, NULL },
  { "quit", quit_action, NULL, NULL, NULL },
};

static void
ps_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  /* The sockets-only first scan runs on a worker while GTK starts (a few
   * hundred milliseconds on a small machine): the window adopts it. */
  ps_window_prefetch ();
  G_APPLICATION_CLASS (ps_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
ps_application_shutdown (GApplication *app)
{
  ps_window_drop_prefetch ();
  G_APPLICATION_CLASS (ps_application_parent_class)->shutdown (app);
}

static void
ps_application_class_init (PsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->shutdown = ps_application_shutdown;
  app_class->handle_local_options = ps_application_handle_local_options;
  app_class->startup = ps_application_startup;
  app_class->activate = ps_application_activate;
}

static void
ps_application_init (PsApplication *self)
{
  /* Resources before GtkApplication's startup: the icon theme lists the
   * resource icon folder once, when it first loads. */
  ps_ui_ensure_types ();
  ps_cli_add_options (G_APPLICATION (self));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ps-cli.h"
#if PS_HAVE_GUI
#include "ps-application.h"
#endif

#if !PS_HAVE_GUI
static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  int status = ps_cli_handle_local_options (app, options, NULL);

  if (status >= 0)
    return status;
  g_printerr ("%s\n", _("This build has no window: use --list or --watch"));
  return 2;
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

#if PS_HAVE_GUI
  /* The locale is set above; GTK would set it again and warn on a bad one
   * before the CLI gets a say. */
  gtk_disable_setlocale ();
  app = G_APPLICATION (ps_application_new ());
#else
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  ps_cli_add_options (app);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
#endif

  return g_application_run (app, argc, argv);
}

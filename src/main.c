/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: built twice.
 *
 * `portscope-cli` (PS_WINDOW_MAIN 0, installed in libexecdir) links only core
 * (GLib, GIO, json-glib): `portscope` (src/list/ps-list-main.c, no GLib)
 * executes it for every command line but the plain --list forms.  It answers
 * --list, --watch, --json, --end and --bench without loading GTK, and for the
 * window (no CLI option, or a bare PORT) executes `portscope-window` with the
 * same arguments.
 *
 * `portscope-window` (PS_WINDOW_MAIN 1, installed in libexecdir) is the GTK
 * application; it handles the CLI options too, so either runs anything. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ps-cli.h"
#include "ps-list-run.h"
#if PS_WINDOW_MAIN
#include "ps-application.h"
#endif

#if !PS_WINDOW_MAIN
static char **saved_argv;

static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  int status = ps_cli_handle_local_options (app, options, NULL);

  if (status >= 0)
    return status;

#if PS_HAVE_GUI
  {
    g_autofree char *window = ps_list_find_program ("portscope-window");
    int saved_errno;

    /* argv[0] stays as given: the program name (and so the window class)
     * does not change. */
    fflush (stdout);
    fflush (stderr);
    execv (window, saved_argv);
    saved_errno = errno;
    g_printerr ("portscope: %s: %s\n", window, g_strerror (saved_errno));
    return 1;
  }
#else
  g_printerr ("%s\n", _("This build has no window: use --list or --watch"));
  return 2;
#endif
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

#if PS_WINDOW_MAIN
  /* The locale is set above; GTK would set it again and warn on a bad one
   * before the CLI gets a say. */
  gtk_disable_setlocale ();
  app = G_APPLICATION (ps_application_new ());
#else
  /* GApplication parses a copy; the window gets the arguments as given. */
  saved_argv = g_new0 (char *, argc + 1);
  memcpy (saved_argv, argv, sizeof (char *) * argc);
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  ps_cli_add_options (app);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
#endif

  return g_application_run (app, argc, argv);
}

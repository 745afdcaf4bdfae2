/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "ps-backend.h"
#include "ps-bench.h"
#include "ps-cli.h"
#include "ps-cli-end.h"
#include "ps-helper-backend.h"
#include "ps-json.h"
#include "ps-port-query.h"
#include "ps-text.h"

#define DEFAULT_INTERVAL_MS 1000
#define MIN_INTERVAL_MS 10
#define MAX_INTERVAL_MS (24 * 60 * 60 * 1000)

static const GOptionEntry cli_entries[] = {
  { "list", 'l', 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the listening sockets and exit"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --list or --watch: print JSON"), NULL },
  { "port", 'p', 0, G_OPTION_ARG_STRING, NULL,
    N_("Only sockets on this local port"), N_("PORT") },
  { "all", 'a', 0, G_OPTION_ARG_NONE, NULL,
    N_("With --list or --watch: include TCP connections"), NULL },
  { "watch", 'w', 0, G_OPTION_ARG_NONE, NULL,
    N_("Print a line per added, removed or changed socket until interrupted"), NULL },
  { "interval", 'i', 0, G_OPTION_ARG_STRING, NULL,
    N_("With --watch: milliseconds between scans (default 1000)"), N_("MS") },
  { "bench", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Measure scans on this machine and print JSON (SPEC: cold=N,steady=N,churn=SECONDS,interval=MS or all)"),
    N_("SPEC") },
  { "end", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("End the process that listens on PORT, after asking, and say whether the port is free"),
    N_("PORT") },
  { "pid", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --end: the process to end when several listen on the port"), N_("PID") },
  { "yes", 'y', 0, G_OPTION_ARG_NONE, NULL,
    N_("With --end: do not ask (needed when standard input is not a terminal)"), NULL },
  { "force", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --end: force stop (SIGKILL) the process if it is still running after the wait"), NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    NULL, N_("[PORT]") },
  { NULL }
};

/* GApplication prints option errors (unknown option, missing value) itself and
 * exits with 1; the CLI promises 2 for every bad argument.  GOptionContext
 * calls every group's error hook before failing, so a group without entries
 * catches them. */
static void
on_option_error (GOptionContext *context,
                 GOptionGroup   *group,
                 gpointer        data,
                 GError        **error)
{
  g_printerr ("portscope: %s\n", (error != NULL && *error != NULL) ? (*error)->message : _("bad arguments"));
  exit (2);
}

void
ps_cli_add_options (GApplication *app)
{
  GOptionGroup *group;

  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option_entries (app, cli_entries);
  g_application_set_option_context_summary (app,
    _("Shows which programs listen on which ports.  Without --list, --watch or --end, opens the window (on PORT if given)."));
  g_application_set_option_context_description (app,
    _("--end PORT asks the process that listens on PORT to exit (SIGTERM) and waits for it; "
      "--force then stops it at once (SIGKILL). Services, containers and the system's first "
      "process are explained, not signalled.\n"
      "Exit status of --end: 0 the port is free, 1 it is not (still running, still held, "
      "owner not visible, an error), 2 bad arguments or not confirmed, 3 Portscope does not "
      "end it (nothing was sent)."));

  group = g_option_group_new ("portscope-errors", "", "", NULL, NULL);
  g_option_group_set_error_hook (group, on_option_error);
  g_application_add_option_group (app, group);
}

static gboolean
parse_interval (const char *text,
                guint      *ms)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
      if (value > MAX_INTERVAL_MS)
        return FALSE;
    }
  if (value < MIN_INTERVAL_MS)
    return FALSE;
  *ms = (guint) value;
  return TRUE;
}

/* Output helpers: the table and the lines are ps-list-format.h's (shared
 * with `portscope --list`, which has no GLib). */

static gboolean
write_out (const char *text)
{
  if (fputs (text, stdout) == EOF)
    return FALSE;
  return TRUE;
}

static int
print_table (PsSnapshot *snapshot,
             int         port,
             gboolean    connections)
{
  PsListTable table;
  int r;

  ps_list_table_init (&table, connections);
  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *socket = ps_snapshot_get_socket (snapshot, i);
      PsListView view;

      if (port >= 0 && socket->port != port)
        continue;
      ps_list_view_init (&view, socket);
      ps_list_table_add (&table, &view.socket);
      ps_list_view_clear (&view);
    }
  r = ps_list_table_write (&table, stdout);
  ps_list_table_clear (&table);
  return r == 0 ? 0 : 1;
}

/* One --watch line: "+" added, "-" removed, "~" changed, then the table's
 * columns separated by single spaces: "+ tcp 127.0.0.1 8080 1234 python3 alice". */
static char *
event_line (const char     *event,
            const PsSocket *socket)
{
  const char *sign = g_str_equal (event, "added") ? "+" : g_str_equal (event, "removed") ? "-" : "~";
  PsBuf line = { 0 };
  PsListView view;

  ps_list_view_init (&view, socket);
  ps_list_event_line (&line, sign, &view.socket);
  ps_list_view_clear (&view);
  return ps_buf_steal (&line);
}

/* The sockets came but not their owners (for example /proc unreadable). */
static void
warn_owners_incomplete (PsBackend        *backend,
                        const PsSnapshot *snapshot)
{
  g_autofree char *reason = NULL;

  if (!ps_snapshot_get_owners_complete (snapshot))
    g_printerr ("portscope: %s\n", _("could not find which processes own the sockets; they are listed without owners"));
  /* In the Flatpak without the host helper: listed, owners hidden; say why. */
  if (PS_IS_HELPER_BACKEND (backend))
    reason = ps_helper_backend_dup_unavailable_reason (PS_HELPER_BACKEND (backend));
  if (reason != NULL)
    {
      /* Translators: %s says why the helper could not start. */
      g_autofree char *text = g_strdup_printf (_("the sockets are listed without their owners: %s"), reason);

      g_printerr ("portscope: %s\n", text);
    }
}

/* --watch */

typedef struct
{
  PsBackend *backend;
  PsSnapshot *previous;
  GMainLoop *loop;
  PsScanFlags flags;
  int port;
  gboolean json;
  int status;
} Watch;

static gboolean
emit_event (Watch          *watch,
            const char     *event,
            const PsSocket *socket)
{
  g_autofree char *line = NULL;

  if (watch->port >= 0 && socket->port != watch->port)
    return TRUE;
  if (watch->json)
    line = ps_json_event_to_string (event, socket);
  else
    line = event_line (event, socket);
  return write_out (line) && write_out ("\n");
}

static gboolean
watch_scan (Watch *watch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(PsSnapshotDiff) diff = NULL;
  gboolean ok = TRUE;

  snapshot = ps_backend_scan (watch->backend, watch->flags, NULL, NULL, &error);
  if (snapshot == NULL)
    {
      g_printerr ("portscope: %s\n", error->message);
      watch->status = 1;
      g_main_loop_quit (watch->loop);
      return G_SOURCE_REMOVE;
    }

  if (watch->previous == NULL)
    warn_owners_incomplete (watch->backend, snapshot);

  diff = ps_snapshot_diff (watch->previous, snapshot);
  for (guint i = 0; ok && i < diff->removed->len; i++)
    ok = emit_event (watch, "removed",
                     ps_snapshot_get_socket (watch->previous, g_array_index (diff->removed, guint, i)));
  for (guint i = 0; ok && i < diff->changed_new->len; i++)
    ok = emit_event (watch, "changed",
                     ps_snapshot_get_socket (snapshot, g_array_index (diff->changed_new, guint, i)));
  for (guint i = 0; ok && i < diff->added->len; i++)
    ok = emit_event (watch, "added",
                     ps_snapshot_get_socket (snapshot, g_array_index (diff->added, guint, i)));

  if (!ok || fflush (stdout) != 0)
    {
      /* The reader went away: nothing left to do. */
      watch->status = 1;
      g_main_loop_quit (watch->loop);
      return G_SOURCE_REMOVE;
    }

  g_clear_pointer (&watch->previous, ps_snapshot_unref);
  watch->previous = g_steal_pointer (&snapshot);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_watch_signal (gpointer user_data)
{
  Watch *watch = user_data;

  g_main_loop_quit (watch->loop);
  return G_SOURCE_CONTINUE;
}

static int
run_watch (PsBackend   *backend,
           PsScanFlags  flags,
           int          port,
           gboolean     json,
           guint        interval_ms)
{
  Watch watch = { 0 };
  guint timeout_id;
  guint sigint_id;
  guint sigterm_id;

  watch.backend = backend;
  watch.flags = flags;
  watch.port = port;
  watch.json = json;
  watch.loop = g_main_loop_new (NULL, FALSE);

  /* Handlers first: a signal may come as soon as the first line is out. */
  sigint_id = g_unix_signal_add (SIGINT, on_watch_signal, &watch);
  sigterm_id = g_unix_signal_add (SIGTERM, on_watch_signal, &watch);

  /* The first scan reports every current socket as added. */
  if (watch_scan (&watch))
    {
      timeout_id = g_timeout_add (interval_ms, (GSourceFunc) watch_scan, &watch);
      g_main_loop_run (watch.loop);
      if (watch.status == 0)
        g_source_remove (timeout_id);
    }

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_main_loop_unref (watch.loop);
  g_clear_pointer (&watch.previous, ps_snapshot_unref);
  return watch.status;
}

/* Parsing */

static int
bad_argument (const char *reason)
{
  g_printerr ("portscope: %s\n", reason);
  return 2;
}

int
ps_cli_handle_local_options (GApplication *app,
                             GVariantDict *options,
                             int          *port_out)
{
  gboolean list = g_variant_dict_contains (options, "list");
  gboolean json = g_variant_dict_contains (options, "json");
  gboolean all = g_variant_dict_contains (options, "all");
  gboolean watch = g_variant_dict_contains (options, "watch");
  gboolean end = g_variant_dict_contains (options, "end");
  const char *port_text = NULL;
  const char *interval_text = NULL;
  g_autofree const char **remaining = NULL;
  guint interval_ms = DEFAULT_INTERVAL_MS;
  int port = -1;

  g_return_val_if_fail (G_IS_APPLICATION (app), 2);
  g_return_val_if_fail (options != NULL, 2);

  if (port_out != NULL)
    *port_out = -1;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("portscope %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "bench"))
    {
      const char *spec = NULL;

      if (list || watch || json || all || end ||
          g_variant_dict_contains (options, "port") ||
          g_variant_dict_contains (options, "interval") ||
          g_variant_dict_contains (options, G_OPTION_REMAINING))
        return bad_argument (_("--bench takes no other option"));
      g_variant_dict_lookup (options, "bench", "&s", &spec);
      return ps_bench_main (spec);
    }

  if (end)
    {
      const char *end_text = NULL;
      const char *pid_text = NULL;

      if (list || watch || json || all ||
          g_variant_dict_contains (options, "port") ||
          g_variant_dict_contains (options, "interval") ||
          g_variant_dict_contains (options, G_OPTION_REMAINING))
        return bad_argument (_("--end takes no other option than --pid, --yes and --force"));
      g_variant_dict_lookup (options, "end", "&s", &end_text);
      g_variant_dict_lookup (options, "pid", "&s", &pid_text);
      return ps_cli_end_run (end_text, pid_text,
                             g_variant_dict_contains (options, "yes"),
                             g_variant_dict_contains (options, "force"));
    }
  if (g_variant_dict_contains (options, "pid") || g_variant_dict_contains (options, "yes") ||
      g_variant_dict_contains (options, "force"))
    return bad_argument (_("--pid, --yes and --force need --end"));

  g_variant_dict_lookup (options, "port", "&s", &port_text);
  g_variant_dict_lookup (options, "interval", "&s", &interval_text);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &remaining);

  if (remaining != NULL && remaining[0] != NULL && remaining[1] != NULL)
    return bad_argument (_("at most one PORT argument"));
  if (remaining != NULL && remaining[0] != NULL)
    {
      if (port_text != NULL)
        return bad_argument (_("give the port either as --port or as an argument, not both"));
      port_text = remaining[0];
    }
  if (port_text != NULL)
    {
      guint value;

      if (!ps_port_query_parse (port_text, &value))
        return bad_argument (_("a port is a number from 0 to 65535, alone or as in "
                               "127.0.0.1:8080, [::1]:8080 or http://localhost:8080/"));
      port = (int) value;
    }

  if (list && watch)
    return bad_argument (_("--list and --watch cannot be combined"));
  if (json && !list && !watch)
    return bad_argument (_("--json needs --list or --watch"));
  if (all && !list && !watch)
    return bad_argument (_("--all needs --list or --watch"));
  if (interval_text != NULL)
    {
      if (!watch)
        return bad_argument (_("--interval needs --watch"));
      if (!parse_interval (interval_text, &interval_ms))
        return bad_argument (_("the interval is a number of milliseconds from 10 to 86400000"));
    }

  if (list || watch)
    {
      g_autoptr(PsBackend) backend = ps_backend_new_default ();
      PsScanFlags flags = all ? PS_SCAN_CONNECTIONS : PS_SCAN_DEFAULT;

      if (list)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(PsSnapshot) snapshot = NULL;

          snapshot = ps_backend_scan (backend, flags, NULL, NULL, &error);
          if (snapshot == NULL)
            {
              g_printerr ("portscope: %s\n", error->message);
              return 1;
            }
          warn_owners_incomplete (backend, snapshot);
          if (json)
            {
              if (!ps_json_snapshot_write (snapshot, port, TRUE, stdout) || fflush (stdout) != 0)
                return 1;
              return 0;
            }
          return print_table (snapshot, port, all);
        }

      return run_watch (backend, flags, port, json, interval_ms);
    }

  /* The window. */
  if (port_out != NULL)
    *port_out = port;
  return -1;
}

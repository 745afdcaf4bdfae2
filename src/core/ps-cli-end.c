/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope --end PORT`: the safe replacement for `kill $(lsof -t -i:PORT)`.
 * The same backend as the window (ps_backend_new_default: in process, the
 * privileged helper, or the host helper inside a Flatpak) and the same rules
 * as End Process in the window (ps-end-process.c over ps-terminate.h): the
 * owner is pinned right after the scan, classified (services, containers and
 * critical targets are explained, not signalled), confirmed, re-verified by
 * the engine before SIGTERM (and SIGCONT), waited for on its pidfd, force
 * stopped only on request, and a rescan says whether the port is free.
 * Process text is untrusted: every name, user, unit and command line goes
 * through ps_text_escape_visible before it reaches the terminal. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>

#include <glib/gi18n.h>

#include "ps-backend.h"
#include "ps-cli.h"
#include "ps-cli-end.h"
#include "ps-helper-backend.h"
#include "ps-port-query.h"
#include "ps-terminate.h"
#include "ps-text.h"

#define DEFAULT_TIMEOUT_SECONDS 5
#define MAX_TIMEOUT_SECONDS 120
#define RESCAN_DEADLINE_MS 3000
#define RESCAN_INTERVAL_MS 100
#define SOCKET_UNIT_DEADLINE_MS 5000
#define NAME_MAX_CHARS 48
#define CMDLINE_MAX_CHARS 300
#define MAX_OTHER_PORTS 12

/* Text. */

static char *
visible (const char *untrusted,
         gsize       max_chars)
{
  g_autofree char *escaped = ps_text_escape_visible (untrusted != NULL ? untrusted : "", -1);

  return ps_text_ellipsize (escaped, max_chars);
}

static char *
owner_name (const PsOwner *owner)
{
  if (owner->name != NULL && owner->name[0] != '\0')
    return visible (owner->name, NAME_MAX_CHARS);
  return g_strdup_printf (_("process %d"), owner->pid);
}

static char *
owner_user (const PsOwner *owner)
{
  if (owner->user != NULL)
    return visible (owner->user, NAME_MAX_CHARS);
  return g_strdup_printf ("%u", owner->uid);
}

static char *
owner_command_line (const PsOwner *owner)
{
  g_autofree char *full = NULL;

  if (owner->argv == NULL || owner->argv[0] == NULL)
    return owner_name (owner);
  full = ps_text_escape_argv ((const char * const *) owner->argv);
  return ps_text_ellipsize (full, CMDLINE_MAX_CHARS);
}

/* "systemctl [--user] stop UNIT", the unit quoted for a shell unless it has
 * only the characters systemd allows in unit names. */
static char *
systemctl_command (const char *unit,
                   gboolean    user_unit)
{
  g_autofree char *shown = visible (unit, G_MAXSIZE);
  g_autofree char *quoted = NULL;

  for (const char *p = shown; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (":_.-@\\", *p) == NULL)
      {
        quoted = g_shell_quote (shown);
        break;
      }
  return g_strdup_printf ("systemctl%s stop %s", user_unit ? " --user" : "",
                          quoted != NULL ? quoted : shown);
}

static void
say (const char *text)
{
  g_print ("%s\n", text);
}

/* A reason on stderr, "portscope: …", like the rest of the CLI. */
static int
complain (int         status,
          const char *text)
{
  fflush (stdout);
  g_printerr ("portscope: %s\n", text);
  return status;
}

/* Who listens on the port. */

typedef struct
{
  PsOwner *owner;           /* owned */
  const PsSocket *socket;   /* its first socket on the port (owned by the snapshot) */
} Holder;

static void
holder_free (gpointer data)
{
  Holder *holder = data;

  ps_owner_unref (holder->owner);
  g_free (holder);
}

typedef struct
{
  GPtrArray *holders;       /* of Holder: one per process (pid, start time) */
  guint n_sockets;          /* listening sockets on the port */
  guint n_hidden;           /* of which the owners are not visible */
  PsOwnerHidden hidden;     /* why (the first such socket's reason) */
} PortUse;

static void
port_use_clear (PortUse *use)
{
  g_clear_pointer (&use->holders, g_ptr_array_unref);
}

static gboolean
is_listening (const PsSocket *socket)
{
  if (socket->protocol == PS_PROTOCOL_TCP)
    return socket->state == TCP_LISTEN;
  return socket->state != TCP_ESTABLISHED;
}

static Holder *
find_holder (GPtrArray *holders,
             gint32     pid)
{
  for (guint i = 0; i < holders->len; i++)
    {
      Holder *h = g_ptr_array_index (holders, i);

      if (h->owner->pid == pid)
        return h;
    }
  return NULL;
}

/* Fills USE from SNAPSHOT (which must outlive it). */
static void
port_use_collect (PortUse    *use,
                  PsSnapshot *snapshot,
                  guint       port)
{
  memset (use, 0, sizeof *use);
  use->holders = g_ptr_array_new_with_free_func (holder_free);

  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);
      guint n_owners = 0;

      if (s->port != port || !is_listening (s))
        continue;
      use->n_sockets++;
      for (guint j = 0; j < s->owners->len; j++)
        {
          PsOwner *o = g_ptr_array_index (s->owners, j);

          if (o->pid <= 0)
            continue;
          n_owners++;
          if (find_holder (use->holders, o->pid) == NULL)
            {
              Holder *h = g_new0 (Holder, 1);

              h->owner = ps_owner_ref (o);
              h->socket = s;
              g_ptr_array_add (use->holders, h);
            }
        }
      if (n_owners == 0 && s->owner_hidden != PS_OWNER_VISIBLE)
        {
          if (use->n_hidden == 0)
            use->hidden = s->owner_hidden;
          use->n_hidden++;
        }
    }
}

/* The processes among HOLDERS whose parent is not one of them: a server
 * that forked workers after listening is one root, as in the window. */
static GPtrArray *
holder_roots (GPtrArray *holders)
{
  GPtrArray *roots = g_ptr_array_new ();

  for (guint i = 0; i < holders->len; i++)
    {
      Holder *h = g_ptr_array_index (holders, i);

      if (h->owner->ppid <= 0 || find_holder (holders, h->owner->ppid) == NULL)
        g_ptr_array_add (roots, h);
    }
  return roots;
}

static void
print_holders (GPtrArray *holders,
               guint      port)
{
  g_autofree char *heading = g_strdup_printf (ngettext ("Port %u is held by %u process:",
                                                        "Port %u is held by %u processes:",
                                                        holders->len),
                                              port, holders->len);

  say (heading);
  for (guint i = 0; i < holders->len; i++)
    {
      Holder *h = g_ptr_array_index (holders, i);
      g_autofree char *name = owner_name (h->owner);
      g_autofree char *user = owner_user (h->owner);
      g_autofree char *cmdline = owner_command_line (h->owner);

      g_print ("  PID %-8d %-16s %-10s %s\n", h->owner->pid, name, user, cmdline);
    }
}

/* The ports OWNER holds besides PORT ("8081/tcp, 5353/udp"), or "". */
static char *
other_ports (PsSnapshot    *snapshot,
             const PsOwner *owner,
             guint          port)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint shown = 0;

  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (s->port == port)
        continue;
      for (guint j = 0; j < s->owners->len; j++)
        {
          const PsOwner *o = g_ptr_array_index (s->owners, j);

          if (o->pid != owner->pid || o->start_time != owner->start_time)
            continue;
          if (shown < MAX_OTHER_PORTS)
            g_string_append_printf (out, "%s%u/%s", out->len ? ", " : "", s->port,
                                    ps_protocol_to_string (s->protocol));
          shown++;
          break;
        }
    }
  if (shown > MAX_OTHER_PORTS)
    g_string_append_printf (out, ngettext (", and %u more", ", and %u more", shown - MAX_OTHER_PORTS),
                            shown - MAX_OTHER_PORTS);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
describe (PsSnapshot *snapshot,
          Holder     *holder,
          guint       port,
          const char *name)
{
  const PsOwner *o = holder->owner;
  g_autofree char *heading = g_strdup_printf (_("Port %u is held by “%s”:"), port, name);
  g_autofree char *cmdline = owner_command_line (o);
  g_autofree char *user = owner_user (o);
  g_autofree char *ports = other_ports (snapshot, o, port);

  say (heading);
  g_print ("  ");
  g_print (_("Command line: %s\n"), cmdline);
  g_print ("  ");
  g_print (_("Process: %d, user %s\n"), o->pid, user);
  if (ports[0] != '\0')
    {
      g_print ("  ");
      g_print (_("It also holds: %s\n"), ports);
    }
  if (ps_terminate_is_session_critical (o))
    {
      g_autofree char *warning = g_strdup_printf (_("“%s” is part of your desktop session: ending it can "
                                                    "log you out, freeze the screen or stop sound and other "
                                                    "services for every application."), name);
      say (warning);
    }
}

/* Waiting for the engine without blocking it: the default main context runs
 * until the callback has stored the result. */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GAsyncResult **slot = data;

  *slot = g_object_ref (result);
}

static void
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Asks systemd which .socket unit listens on SOCKET; NULL when unknown. */
static char *
find_socket_unit (const PsSocket *socket,
                  gboolean        user_unit)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  guint deadline;
  char *unit;

  deadline = g_timeout_add (SOCKET_UNIT_DEADLINE_MS, cancel_cb, cancellable);
  ps_terminate_find_socket_unit_async (socket, user_unit, cancellable, store_result_cb, &result);
  wait_result (&result);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (deadline);
  unit = ps_terminate_find_socket_unit_finish (result, NULL);
  return unit;
}

/* Confirmation. */

static gboolean
answer_is_yes (const char *line)
{
  g_autofree char *copy = g_strstrip (g_strdup (line));
  g_autofree char *answer = g_utf8_strdown (copy, -1);

  return g_str_equal (answer, "y") || g_str_equal (answer, "yes")
         /* Translators: the short answer "yes" to a [y/N] question, lowercase. */
         || g_str_equal (answer, C_("answer", "y"))
         /* Translators: the answer "yes" to a [y/N] question, lowercase. */
         || g_str_equal (answer, C_("answer", "yes"));
}

/* Shows QUESTION on stderr and reads one line from the terminal on stdin. */
static gboolean
ask (const char *question)
{
  char line[256];

  fflush (stdout);
  g_printerr ("%s", question);
  fflush (stderr);
  if (fgets (line, sizeof line, stdin) == NULL)
    {
      g_printerr ("\n");
      return FALSE;
    }
  if (g_utf8_validate (line, -1, NULL) == FALSE)
    return FALSE;
  return answer_is_yes (line);
}

/* The truth afterwards. */

/* "Port N is free." on standard output: the answer --end exists for. */
static int
say_free (guint port)
{
  g_autofree char *text = g_strdup_printf (_("Port %u is free"), port);

  g_print ("%s.\n", text);
  return PS_CLI_END_FREED;
}

/* Rescans until the port is free or the deadline passes (workers that shared
 * the socket may take a moment to follow their parent).  NAME: the process
 * that was ended, for an error message when EXITED. */
static int
report_port (PsBackend  *backend,
             guint       port,
             const char *name,
             gboolean    exited)
{
  gint64 deadline = g_get_monotonic_time () + RESCAN_DEADLINE_MS * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsSnapshot) snapshot = NULL;
      PortUse use;

      snapshot = ps_backend_scan (backend, PS_SCAN_FULL_WALK, NULL, NULL, &error);
      if (snapshot == NULL)
        {
          g_autofree char *detail = ps_text_escape_visible (error->message, -1);
          g_autofree char *text = exited
            ? g_strdup_printf (_("“%s” has exited, but the list could not be refreshed: %s"), name, detail)
            : g_strdup_printf (_("Could not scan the ports: %s"), detail);

          return complain (PS_CLI_END_FAILED, text);
        }
      port_use_collect (&use, snapshot, port);
      if (use.n_sockets == 0)
        {
          port_use_clear (&use);
          return say_free (port);
        }
      if (g_get_monotonic_time () < deadline)
        {
          port_use_clear (&use);
          g_usleep (RESCAN_INTERVAL_MS * G_TIME_SPAN_MILLISECOND);
          continue;
        }

      if (use.holders->len > 0)
        {
          Holder *h = g_ptr_array_index (use.holders, 0);
          g_autofree char *holder = owner_name (h->owner);
          g_autofree char *text = g_strdup_printf (_("Port %u is still held by PID %d (%s)"),
                                                   port, h->owner->pid, holder);

          g_print ("%s.\n", text);
          if (use.holders->len > 1)
            print_holders (use.holders, port);
        }
      else
        {
          g_autofree char *text = g_strdup_printf (_("Port %u is still held, by a process that is not visible"),
                                                   port);
          g_print ("%s.\n", text);
        }
      port_use_clear (&use);
      return PS_CLI_END_FAILED;
    }
}

/* Timeout: the window's preference when its schema is installed. */
static guint
terminate_timeout (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "terminate-timeout"))
    return DEFAULT_TIMEOUT_SECONDS;
  settings = g_settings_new_full (schema, NULL, NULL);
  return CLAMP (g_settings_get_uint (settings, "terminate-timeout"), 1, MAX_TIMEOUT_SECONDS);
}

/* The engine. */

typedef struct
{
  PsBackend *backend;
  PsTerminateTarget *target;
  guint port;
  char *name;               /* visible */
  gint32 pid;
  guint timeout;
  gboolean interactive;     /* a question may be asked on the terminal */
  gboolean force;
} End;

static void
phase_cb (PsTerminateTarget *target,
          GParamSpec        *pspec,
          gpointer           data)
{
  End *end = data;
  g_autofree char *text = ps_terminate_phase_describe (ps_terminate_target_get_phase (target), end->name);

  if (text == NULL)
    return;
  say (text);
  fflush (stdout);
}

static PsTerminateResult
run_engine (End      *end,
            gboolean  force_stop,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (force_stop)
    {
      ps_terminate_target_force_stop_async (end->target, end->timeout, NULL, store_result_cb, &result);
      wait_result (&result);
      return ps_terminate_target_force_stop_finish (end->target, result, error);
    }
  ps_terminate_target_end_async (end->target, end->timeout, NULL, store_result_cb, &result);
  wait_result (&result);
  return ps_terminate_target_end_finish (end->target, result, error);
}

static int
handle_result (End               *end,
               PsTerminateResult  result,
               const GError      *error,
               gboolean           forced)
{
  g_autofree char *text = NULL;

  switch (result)
    {
    case PS_TERMINATE_EXITED:
      text = ps_terminate_result_describe (result, end->name, end->port, error);
      say (text);
      return report_port (end->backend, end->port, end->name, TRUE);

    case PS_TERMINATE_STILL_RUNNING:
      if (forced)
        {
          text = g_strdup_printf (_("“%s” (PID %d) is still running even after Force Stop; "
                                    "it may be stuck in the kernel"), end->name, end->pid);
          return complain (PS_CLI_END_FAILED, text);
        }
      text = g_strdup_printf (ngettext ("“%s” (PID %d) is still running %u second after being asked to exit",
                                        "“%s” (PID %d) is still running %u seconds after being asked to exit",
                                        end->timeout),
                              end->name, end->pid, end->timeout);
      say (text);
      if (!end->force && end->interactive)
        end->force = ask (_("Force stop it now, without letting it save or clean up? [y/N] "));
      if (!end->force)
        return complain (PS_CLI_END_FAILED,
                         _("not ended: run again with --force to stop it at once, without letting it "
                           "save or clean up"));
      {
        g_autoptr(GError) force_error = NULL;
        g_autofree char *progress = g_strdup_printf (_("Force stopping “%s”…"), end->name);
        PsTerminateResult r;

        say (progress);
        fflush (stdout);
        r = run_engine (end, TRUE, &force_error);
        return handle_result (end, r, force_error, TRUE);
      }

    case PS_TERMINATE_ALREADY_EXITED:
    case PS_TERMINATE_NO_LONGER_HOLDS:
      text = ps_terminate_result_describe (result, end->name, end->port, error);
      say (text);
      return report_port (end->backend, end->port, end->name, FALSE);

    case PS_TERMINATE_REFUSED:
      text = ps_terminate_result_describe (result, end->name, end->port, error);
      return complain (PS_CLI_END_REFUSED, text);

    case PS_TERMINATE_DISMISSED:
    case PS_TERMINATE_NOT_AUTHORIZED:
    case PS_TERMINATE_PERMISSION_DENIED:
    case PS_TERMINATE_FAILED:
    default:
      text = ps_terminate_result_describe (result, end->name, end->port, error);
      return complain (PS_CLI_END_FAILED, text);
    }
}

/* What the window would offer instead of End Process, said on the terminal;
 * returns the status, or -1 when End Process is what to do. */
static int
explain_classification (PsSnapshot *snapshot,
                        Holder     *holder,
                        guint       port,
                        const char *name)
{
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;
  gboolean user_unit = FALSE;

  switch (ps_terminate_classify (holder->socket, holder->owner, &detail, &user_unit))
    {
    case PS_END_ACTION_END_PROCESS:
      return -1;

    case PS_END_ACTION_CONTAINER:
      {
        g_autofree char *what = visible (detail, NAME_MAX_CHARS);

        text = g_strdup_printf (_("port %u belongs to container “%s”: its runtime would restart or "
                                  "recreate the process, so nothing was sent. Stop the container with "
                                  "the tool that runs it, for example “docker stop” or “podman stop”"),
                                port, what);
        return complain (PS_CLI_END_REFUSED, text);
      }

    case PS_END_ACTION_STOP_SERVICE:
      {
        g_autofree char *unit = visible (detail, NAME_MAX_CHARS);
        g_autofree char *command = systemctl_command (detail, user_unit);

        text = g_strdup_printf (user_unit
                                ? _("port %u belongs to “%s”, a service of your user session: ending only "
                                    "the process would make systemd start it again, so nothing was sent. "
                                    "Stop the service instead: %s")
                                : _("port %u belongs to “%s”, a system service: ending only the process "
                                    "would make systemd start it again, so nothing was sent. Stop the "
                                    "service instead: %s"),
                                port, unit, command);
        return complain (PS_CLI_END_REFUSED, text);
      }

    case PS_END_ACTION_SOCKET_ACTIVATED:
      {
        g_autofree char *socket_unit = find_socket_unit (holder->socket, user_unit);

        if (socket_unit != NULL)
          {
            g_autofree char *unit = visible (socket_unit, NAME_MAX_CHARS);
            g_autofree char *command = systemctl_command (socket_unit, user_unit);

            text = g_strdup_printf (_("port %u is socket-activated by “%s”: systemd listens on it and "
                                      "starts a service when someone connects, so ending a process would "
                                      "not free it and nothing was sent. Stop the socket unit instead: %s"),
                                    port, unit, command);
          }
        else
          text = g_strdup_printf (_("port %u is socket-activated: systemd listens on it and starts a "
                                    "service when someone connects, so ending a process would not free "
                                    "it and nothing was sent. Stop the matching “.socket” unit, for "
                                    "example with “systemctl stop NAME.socket”"), port);
        return complain (PS_CLI_END_REFUSED, text);
      }

    case PS_END_ACTION_REFUSED:
    default:
      text = g_strdup_printf (holder->owner->pid == 1
                              ? _("Portscope does not end “%s” (PID %d): it is the first process of "
                                  "the system, and ending it would stop the computer")
                              : _("Portscope does not end “%s” (PID %d): it is Portscope itself"),
                              name, holder->owner->pid);
      return complain (PS_CLI_END_REFUSED, text);
    }
}

static gboolean
parse_pid (const char *text,
           gint32     *pid)
{
  gint64 value = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      value = value * 10 + (*p - '0');
      if (value > G_MAXINT32)
        return FALSE;
    }
  if (value < 1)
    return FALSE;
  *pid = (gint32) value;
  return TRUE;
}

/* The owners of the port could not be seen: say why. */
static int
explain_hidden (PsBackend     *backend,
                const PortUse *use,
                guint          port)
{
  g_autofree char *text = NULL;
  g_autofree char *reason = NULL;

  switch (use->hidden)
    {
    case PS_OWNER_HIDDEN_OTHER_USER:
      text = g_strdup_printf (_("the process that listens on port %u belongs to another user, and "
                                "Portscope cannot see it: run “portscope --end %u” as that user or "
                                "as root"), port, port);
      return complain (PS_CLI_END_FAILED, text);
    case PS_OWNER_HIDDEN_SANDBOX:
      if (PS_IS_HELPER_BACKEND (backend))
        reason = ps_helper_backend_dup_unavailable_reason (PS_HELPER_BACKEND (backend));
      if (reason != NULL)
        /* Translators: the last %s says why the helper could not start. */
        text = g_strdup_printf (_("the process that listens on port %u runs outside the sandbox, and "
                                  "Portscope cannot see it: %s"), port, reason);
      else
        text = g_strdup_printf (_("the process that listens on port %u runs outside the sandbox, and "
                                  "Portscope cannot see it: the helper that runs on the host is not "
                                  "available"), port);
      return complain (PS_CLI_END_FAILED, text);
    case PS_OWNER_VISIBLE:
    default:
      text = g_strdup_printf (_("no process holds port %u: the kernel keeps it open, so there is "
                                "nothing to end"), port);
      return complain (PS_CLI_END_REFUSED, text);
    }
}

static int
end_holder (PsBackend  *backend,
            PsSnapshot *snapshot,
            Holder     *holder,
            guint       port,
            gboolean    yes,
            gboolean    force)
{
  g_autoptr(GError) error = NULL;
  End end = { 0 };
  PsTerminateResult result;
  gulong phase_id;
  int status;

  end.backend = backend;
  end.port = port;
  end.pid = holder->owner->pid;
  end.name = owner_name (holder->owner);
  end.force = force;
  end.interactive = !yes && isatty (STDIN_FILENO);

  status = explain_classification (snapshot, holder, port, end.name);
  if (status >= 0)
    {
      g_free (end.name);
      return status;
    }

  /* Pinned now, as the window pins at selection: what is confirmed below
   * is this process, and the engine re-verifies it before each signal.
   * Inside a Flatpak the PID is the host's: only the host helper can act. */
  if (PS_IS_HELPER_BACKEND (backend) && ps_backend_get_kind (backend) == PS_BACKEND_KIND_HOST
      && ps_helper_backend_is_running (PS_HELPER_BACKEND (backend)))
    end.target = ps_terminate_target_new_remote (backend, holder->owner->pid,
                                                 holder->owner->start_time, holder->socket->inode);
  else
    {
      end.target = ps_terminate_target_new (holder->owner->pid, holder->owner->start_time,
                                            holder->socket->inode);
      /* Scanning through the privileged helper: it signals too, no new pkexec. */
      if (PS_IS_HELPER_BACKEND (backend) && ps_backend_get_kind (backend) == PS_BACKEND_KIND_PRIVILEGED)
        ps_terminate_target_set_backend (end.target, backend);
    }
  end.timeout = terminate_timeout ();

  describe (snapshot, holder, port, end.name);

  /* A pin that failed (gone, no longer holds, refused) is reported by the
   * engine without sending anything: no question for it. */
  if (ps_terminate_target_is_pinned (end.target) && !yes)
    {
      if (end.interactive)
        {
          g_autofree char *question = g_strdup_printf (_("End “%s” (PID %d), which listens on port %u? [y/N] "),
                                                       end.name, end.pid, port);

          say (_("It is asked to exit first. Unsaved work in it will be lost."));
          if (!ask (question))
            {
              status = complain (PS_CLI_END_USAGE, _("not confirmed: nothing was sent"));
              goto out;
            }
        }
      else
        {
          g_autofree char *text = g_strdup_printf (_("not confirmed: standard input is not a terminal; "
                                                     "add --yes to end “%s” (PID %d) without a question"),
                                                   end.name, end.pid);

          status = complain (PS_CLI_END_USAGE, text);
          goto out;
        }
    }

  fflush (stdout);
  phase_id = g_signal_connect (end.target, "notify::phase", G_CALLBACK (phase_cb), &end);
  result = run_engine (&end, FALSE, &error);
  status = handle_result (&end, result, error, FALSE);
  g_signal_handler_disconnect (end.target, phase_id);

out:
  g_clear_object (&end.target);
  g_free (end.name);
  return status;
}

int
ps_cli_end_run (const char *port_text,
                const char *pid_text,
                gboolean    yes,
                gboolean    force)
{
  g_autoptr(PsBackend) backend = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roots = NULL;
  PortUse use;
  Holder *chosen = NULL;
  gint32 pid = 0;
  guint port;
  int status;

  if (!ps_port_query_parse (port_text, &port) || port == 0)
    return complain (PS_CLI_END_USAGE, _("--end needs a port number from 1 to 65535, alone or as in "
                                         "127.0.0.1:8080, [::1]:8080 or http://localhost:8080/"));
  if (pid_text != NULL && !parse_pid (pid_text, &pid))
    return complain (PS_CLI_END_USAGE, _("--pid needs a process ID, a number from 1 to 2147483647"));

  backend = ps_backend_new_default ();
  snapshot = ps_backend_scan (backend, PS_SCAN_FULL_WALK, NULL, NULL, &error);
  if (snapshot == NULL)
    {
      g_autofree char *detail = ps_text_escape_visible (error->message, -1);
      g_autofree char *text = g_strdup_printf (_("Could not scan the ports: %s"), detail);

      return complain (PS_CLI_END_FAILED, text);
    }

  port_use_collect (&use, snapshot, port);
  if (use.n_sockets == 0)
    {
      port_use_clear (&use);
      return say_free (port);
    }
  if (!ps_snapshot_get_owners_complete (snapshot))
    {
      g_autofree char *text = g_strdup_printf (_("could not find which processes listen on port %u"), port);

      port_use_clear (&use);
      return complain (PS_CLI_END_FAILED, text);
    }
  if (use.holders->len == 0)
    {
      status = explain_hidden (backend, &use, port);
      port_use_clear (&use);
      return status;
    }
  if (use.n_hidden > 0)
    {
      g_autofree char *text = g_strdup_printf (_("some sockets on port %u belong to processes Portscope "
                                                 "cannot see: ending the others may not free it"), port);

      complain (0, text);
    }

  if (pid != 0)
    {
      chosen = find_holder (use.holders, pid);
      if (chosen == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("PID %d does not listen on port %u: nothing was sent"),
                                                   pid, port);

          print_holders (use.holders, port);
          port_use_clear (&use);
          return complain (PS_CLI_END_REFUSED, text);
        }
    }
  else
    {
      roots = holder_roots (use.holders);
      if (roots->len == 1)
        chosen = g_ptr_array_index (roots, 0);
      else
        {
          g_autofree char *text = g_strdup_printf (_("several processes listen on port %u: choose one "
                                                      "with --pid"), port);

          print_holders (use.holders, port);
          port_use_clear (&use);
          return complain (PS_CLI_END_USAGE, text);
        }
    }

  status = end_holder (backend, snapshot, chosen, port, yes, force);
  port_use_clear (&use);
  return status;
}

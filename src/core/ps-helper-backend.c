/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsHelperBackend: scans and terminations through `portscope-helper serve`.
 *
 * Threads: scans come from the monitor's worker, terminations from their own
 * GTask threads; io_mutex makes them take turns on the one connection.  stop()
 * runs on the main thread and must not wait for io_mutex: it shuts the socket
 * down under state_mutex, which wakes any reader with end of file. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ps-helper-backend.h"
#include "ps-sandbox.h"
#include "ps-pin.h"
#include "ps-sockets.h"
#include "ps-wire.h"

#define DEFAULT_HELLO_MS (10 * 1000)
#define DEFAULT_PRIVILEGED_HELLO_MS (5 * 60 * 1000)   /* a person types a password */
#define DEFAULT_REQUEST_MS (30 * 1000)
#define DEFAULT_BACKOFF_INITIAL_MS 1000
#define DEFAULT_BACKOFF_MAX_MS (60 * 1000)
#define EXIT_WAIT_MS 1000

struct _PsHelperBackend
{
  GObject parent_instance;

  PsHelperMode mode;
  PsBackendKind kind;
  char **argv;              /* fixed command, or NULL: built at each start */

  guint hello_ms;
  guint request_ms;
  guint backoff_initial_ms;
  guint backoff_max_ms;

  GMutex io_mutex;          /* one request at a time; guards everything below but fd */
  GSubprocess *process;
  gboolean ever_started;
  guint backoff_ms;
  gint64 next_start_usec;   /* monotonic: no restart before */
  char *last_error;
  PsScanner *fallback;      /* host mode before the helper ever ran */

  GMutex state_mutex;       /* guards fd, stopped and unavailable_reason */
  int fd;                   /* our end of the socketpair, -1 when not running */
  gboolean stopped;
  char *unavailable_reason; /* why the fallback lists sockets without owners */

  gint helper_pid;          /* atomic */
  guint helper_uid;         /* atomic */
};

static void ps_helper_backend_iface_init (PsBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsHelperBackend, ps_helper_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PS_TYPE_BACKEND, ps_helper_backend_iface_init))

G_DEFINE_QUARK (ps-helper-backend-error-quark, ps_helper_backend_error)

gboolean
ps_helper_backend_check_host_permission (const char  *flatpak_info,
                                         GError     **error)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *policy = NULL;
  g_auto(GStrv) sockets = NULL;

  g_return_val_if_fail (flatpak_info != NULL, FALSE);

  /* Unreadable or malformed: nothing to say in advance; starting it tells. */
  if (!g_key_file_load_from_file (info, flatpak_info, G_KEY_FILE_NONE, NULL))
    return TRUE;

  policy = g_key_file_get_string (info, "Session Bus Policy", "org.freedesktop.Flatpak", NULL);
  if (policy != NULL && (g_str_equal (policy, "talk") || g_str_equal (policy, "own")))
    return TRUE;
  sockets = g_key_file_get_string_list (info, "Context", "sockets", NULL, NULL);
  if (sockets != NULL && g_strv_contains ((const char * const *) sockets, "session-bus"))
    return TRUE;

  g_set_error_literal (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED,
                       _("The sandbox does not let Portscope run its helper on this computer "
                         "(permission to talk to org.freedesktop.Flatpak is missing)"));
  return FALSE;
}

static const char *
env_or (const char *name,
        const char *fallback)
{
  const char *value = g_getenv (name);

  return (value != NULL && *value != '\0') ? value : fallback;
}

/* Host copy */

static char *
file_sha256 (const char  *path,
             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

char *
ps_helper_backend_install_host_copy (const char  *helper_path,
                                     const char  *data_dir,
                                     GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *existing = NULL;
  g_autoptr(GDir) dir = NULL;
  gsize len = 0;
  const char *entry;

  g_return_val_if_fail (helper_path != NULL, NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  if (!g_file_get_contents (helper_path, &contents, &len, error))
    return NULL;
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  name = g_strdup_printf ("portscope-helper-%s-%.16s", PACKAGE_VERSION, hash);
  path = g_build_filename (data_dir, name, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder for the host helper: %s"), g_strerror (saved));
      return NULL;
    }

  /* Checked before every start: the folder is the app's, but files change. */
  existing = file_sha256 (path, NULL);
  if (existing == NULL || !g_str_equal (existing, hash) || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
      g_autofree char *written = NULL;

      if (!g_file_set_contents_full (tmp, contents, len, G_FILE_SET_CONTENTS_CONSISTENT, 0700, error))
        return NULL;
      if (g_rename (tmp, path) < 0)
        {
          int saved = errno;

          g_unlink (tmp);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not place the host helper: %s"), g_strerror (saved));
          return NULL;
        }
      written = file_sha256 (path, error);
      if (written == NULL)
        return NULL;
      if (!g_str_equal (written, hash))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The copy of the host helper does not match the original"));
          return NULL;
        }
    }

  /* Other versions are left over from updates. */
  dir = g_dir_open (data_dir, 0, NULL);
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (entry, "portscope-helper-") && !g_str_equal (entry, name))
        {
          g_autofree char *stale = g_build_filename (data_dir, entry, NULL);

          g_unlink (stale);
        }
    }

  return g_steal_pointer (&path);
}

/* Process handling (io_mutex held) */

typedef struct
{
  gboolean done;
  gboolean exited;
} WaitData;

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WaitData *data = user_data;

  data->exited = g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  data->done = TRUE;
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Waits up to TIMEOUT_MS for PROCESS to exit, on a private main context (we
 * are on a worker).  Returns TRUE when it exited. */
static gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  WaitData data = { FALSE };

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, cancellable, wait_done_cb, &data);
  g_source_set_callback (timeout, wait_timeout_cb, cancellable, NULL);
  g_source_attach (timeout, context);
  while (!data.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  return data.exited;
}

/* Closes our end; with WAIT, also makes sure the helper is gone: SIGTERM (a
 * flatpak-spawn forwards it to the host side), then SIGKILL.  Returns TRUE
 * when the process is known to have exited (or there was none). */
static gboolean
drop_helper (PsHelperBackend *self,
             gboolean         wait)
{
  g_autoptr(GSubprocess) process = g_steal_pointer (&self->process);
  int fd;

  g_mutex_lock (&self->state_mutex);
  fd = self->fd;
  self->fd = -1;
  g_mutex_unlock (&self->state_mutex);
  if (fd >= 0)
    {
      shutdown (fd, SHUT_RDWR);
      close (fd);
    }
  g_atomic_int_set (&self->helper_pid, 0);

  if (process == NULL)
    return TRUE;
  if (!wait)
    return FALSE;
  if (wait_for_exit (process, EXIT_WAIT_MS / 4))
    return TRUE;
  g_subprocess_send_signal (process, SIGTERM);
  if (wait_for_exit (process, EXIT_WAIT_MS))
    return TRUE;
  g_subprocess_force_exit (process);
  return wait_for_exit (process, EXIT_WAIT_MS);
}

/* Records a failure: the helper is dropped and not restarted before the backoff. */
static void
note_failure (PsHelperBackend *self,
              const GError    *error)
{
  drop_helper (self, TRUE);
  if (self->backoff_ms == 0)
    self->backoff_ms = self->backoff_initial_ms;
  else
    self->backoff_ms = MIN (self->backoff_ms * 2, self->backoff_max_ms);
  self->next_start_usec = g_get_monotonic_time () + (gint64) self->backoff_ms * 1000;
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);

  /* A refused or cancelled password prompt is an answer: never ask again by
   * ourselves; only an explicit start (Unlock) does. */
  if (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED) ||
      g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED))
    {
      g_mutex_lock (&self->state_mutex);
      self->stopped = TRUE;
      g_mutex_unlock (&self->state_mutex);
    }
}

static char **
build_argv (PsHelperBackend  *self,
            GError          **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *helper = env_or ("PORTSCOPE_HELPER", LIBEXECDIR "/portscope-helper");
  const char *pkexec = env_or ("PORTSCOPE_PKEXEC", "pkexec");
  const char *spawn = env_or ("PORTSCOPE_FLATPAK_SPAWN", "flatpak-spawn");
  g_autofree char *copy = NULL;

  if (self->argv != NULL)
    return g_strdupv (self->argv);

  if (self->mode == PS_HELPER_MODE_HOST || ps_sandbox_is_flatpak ())
    {
      /* Said before anything is copied or spawned: flatpak-spawn would only
       * fail with a D-Bus error.  (Tests that fake flatpak-spawn skip it.) */
      if (ps_sandbox_is_flatpak () && g_getenv ("PORTSCOPE_FLATPAK_SPAWN") == NULL &&
          !ps_helper_backend_check_host_permission (ps_sandbox_info_path (), error))
        return NULL;
      copy = ps_helper_backend_install_host_copy (helper, g_get_user_data_dir (), error);
      if (copy == NULL)
        return NULL;
      g_strv_builder_add_many (builder, spawn, "--host", "--watch-bus", NULL);
      helper = copy;
    }
  if (self->mode == PS_HELPER_MODE_PRIVILEGED)
    g_strv_builder_add (builder, pkexec);
  g_strv_builder_add_many (builder, helper, "serve", NULL);
  return g_strv_builder_end (builder);
}

static gboolean
argv_uses_pkexec (char **argv)
{
  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (argv[i]);

      if (g_str_equal (base, "pkexec"))
        return TRUE;
    }
  return FALSE;
}

/* Waits until FD is readable, CANCELLABLE fires or DEADLINE_MS passes.
 * Returns 0, -ECANCELED or -ETIMEDOUT. */
static int
wait_readable (int           fd,
               GCancellable *cancellable,
               gint64        deadline_ms)
{
  GPollFD fds[2] = { { fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 } };
  guint n = 1;
  int r;

  if (g_cancellable_make_pollfd (cancellable, &fds[1]))
    n = 2;
  for (;;)
    {
      gint64 left = deadline_ms - ps_wire_now_ms ();

      if (g_cancellable_is_cancelled (cancellable))
        {
          r = -ECANCELED;
          goto out;
        }
      if (left <= 0)
        {
          r = -ETIMEDOUT;
          goto out;
        }
      r = g_poll (fds, n, (int) MIN (left, 60000));
      if (r < 0 && errno != EINTR)
        {
          r = -errno;
          goto out;
        }
      if (r > 0 && fds[0].revents != 0)
        {
          r = 0;
          goto out;
        }
    }
out:
  if (n == 2)
    g_cancellable_release_fd (cancellable);
  return r;
}

static void
set_wire_error (GError     **error,
                int          r,
                const char  *what)
{
  switch (r)
    {
    case 0:
    case -ECONNRESET:
    case -EPIPE:
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED,
                   _("The helper stopped unexpectedly (%s)"), what);
      break;
    case -ETIMEDOUT:
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_TIMED_OUT,
                   _("The helper did not answer in time (%s)"), what);
      break;
    case -ECANCELED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      break;
    case -EMSGSIZE:
    case -EPROTO:
    case -EINVAL:
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL,
                   _("The helper sent a malformed answer (%s)"), what);
      break;
    case -EPROTONOSUPPORT:
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL,
                   _("The helper speaks another version of the protocol"));
      break;
    default:
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED,
                   _("Could not talk to the helper (%s): %s"), what, g_strerror (-r));
      break;
    }
}

/* Reads one message before DEADLINE_MS (cancellable while waiting for it to start). */
static int
receive_message (int            fd,
                 GCancellable  *cancellable,
                 gint64         deadline_ms,
                 PsWireMessage *msg)
{
  int r = wait_readable (fd, cancellable, deadline_ms);

  memset (msg, 0, sizeof *msg);
  if (r < 0)
    return r;
  return ps_wire_receive (fd, deadline_ms, msg);
}

static gboolean
start_locked (PsHelperBackend  *self,
              GCancellable     *cancellable,
              GError          **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) local_error = NULL;
  PsWireMessage hello;
  int sv[2];
  int r;

  if (self->process != NULL)
    return TRUE;

  argv = build_argv (self, error);
  if (argv == NULL)
    return FALSE;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not start the helper: %s"), g_strerror (saved));
      return FALSE;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdin_fd (launcher, sv[1]);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (sv[1]));
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &local_error);
  g_clear_object (&launcher);     /* closes the child's ends here */
  if (self->process == NULL)
    {
      close (sv[0]);
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED,
                   _("Could not start the helper: %s"), local_error->message);
      return FALSE;
    }

  g_mutex_lock (&self->state_mutex);
  self->fd = sv[0];
  self->stopped = FALSE;
  g_mutex_unlock (&self->state_mutex);

  r = receive_message (sv[0], cancellable, ps_wire_now_ms () + self->hello_ms, &hello);
  if (r == 1 && (hello.type != PS_WIRE_MSG_HELLO || hello.version != PS_WIRE_VERSION))
    r = hello.type == PS_WIRE_MSG_HELLO ? -EPROTONOSUPPORT : -EPROTO;
  if (r != 1)
    {
      g_autoptr(GSubprocess) process = g_object_ref (self->process);
      gboolean exited;

      ps_wire_message_clear (&hello);
      exited = drop_helper (self, TRUE);
      if (r == -ECANCELED)
        {
          set_wire_error (error, r, "hello");
          return FALSE;
        }
      /* pkexec's own exit statuses say why it did not run the helper. */
      if (exited && argv_uses_pkexec (argv) && g_subprocess_get_if_exited (process))
        {
          int status = g_subprocess_get_exit_status (process);

          if (status == 126)
            {
              g_set_error_literal (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED,
                                   _("Authentication was cancelled"));
              return FALSE;
            }
          if (status == 127)
            {
              g_set_error_literal (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED,
                                   _("Not authorized to see every owner"));
              return FALSE;
            }
        }
      if (r == -EPROTONOSUPPORT && self->argv == NULL && self->mode == PS_HELPER_MODE_HOST)
        {
          /* A copy from another version: remove it, the next start replaces it. */
          const char *path = argv[3];

          if (path != NULL && strstr (path, "portscope-helper-") != NULL)
            g_unlink (path);
        }
      set_wire_error (error, r, "hello");
      return FALSE;
    }

  g_atomic_int_set (&self->helper_pid, hello.pid);
  g_atomic_int_set ((gint *) &self->helper_uid, (gint) hello.uid);
  self->ever_started = TRUE;
  g_mutex_lock (&self->state_mutex);
  g_clear_pointer (&self->unavailable_reason, g_free);
  g_mutex_unlock (&self->state_mutex);
  ps_wire_message_clear (&hello);
  return TRUE;
}

/* Sends REQUEST and reads the answer into REPLY (caller clears).  Starts the
 * helper when needed (not during backoff, not after stop()). */
static gboolean
request_locked (PsHelperBackend      *self,
                const PsWireMessage  *request,
                PsWireMessage        *reply,
                GCancellable         *cancellable,
                GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 deadline;
  int fd;
  int r;

  memset (reply, 0, sizeof *reply);

  g_mutex_lock (&self->state_mutex);
  fd = self->fd;
  if (self->stopped)
    {
      g_mutex_unlock (&self->state_mutex);
      if (self->process != NULL)
        drop_helper (self, FALSE);
      g_set_error_literal (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_STOPPED,
                           self->last_error != NULL ? self->last_error : _("The helper was stopped"));
      return FALSE;
    }
  g_mutex_unlock (&self->state_mutex);

  if (fd < 0)
    {
      gint64 now = g_get_monotonic_time ();

      if (self->process != NULL)
        drop_helper (self, TRUE);
      if (self->last_error != NULL && now < self->next_start_usec)
        {
          g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_FAILED,
                       _("%s. Trying again in %d s."), self->last_error,
                       (int) ((self->next_start_usec - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
          return FALSE;
        }
      if (!start_locked (self, cancellable, &local_error))
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            note_failure (self, local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_mutex_lock (&self->state_mutex);
      fd = self->fd;
      g_mutex_unlock (&self->state_mutex);
    }

  deadline = ps_wire_now_ms () + self->request_ms;
  r = ps_wire_send (fd, request, deadline);
  if (r == 0)
    {
      r = receive_message (fd, NULL, deadline, reply);
      if (r == 1 && reply->type == PS_WIRE_MSG_HELLO)
        r = -EPROTO;
    }
  if (r <= 0)
    {
      gboolean stopped;

      ps_wire_message_clear (reply);
      g_mutex_lock (&self->state_mutex);
      stopped = self->stopped;
      g_mutex_unlock (&self->state_mutex);
      if (stopped)
        {
          drop_helper (self, FALSE);
          g_set_error_literal (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_STOPPED,
                               _("The helper was stopped"));
          return FALSE;
        }
      set_wire_error (&local_error, r, request->type == PS_WIRE_MSG_SCAN_REQUEST ? "scan" : "terminate");
      note_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A working exchange: the next failure starts the backoff afresh. */
  self->backoff_ms = 0;
  g_clear_pointer (&self->last_error, g_free);

  if (reply->type == PS_WIRE_MSG_ERROR)
    {
      g_set_error (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_HELPER,
                   _("The helper could not do it: %s (%s)"),
                   reply->text != NULL && g_utf8_validate (reply->text, -1, NULL) ? reply->text : "?",
                   g_strerror (-reply->code));
      ps_wire_message_clear (reply);
      return FALSE;
    }
  return TRUE;
}

/* Snapshot conversion */

static PsOwner *
owner_from_wire (const PsWireMessage *reply,
                 const PsWireProcess *p)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = p->pid;
  owner->ppid = p->ppid;
  owner->uid = p->uid;
  owner->start_time = p->start_time;
  owner->state = p->state;
  owner->name = g_strdup (p->comm != NULL ? p->comm : "");
  g_strfreev (owner->argv);
  owner->argv = ps_owner_argv_from_cmdline (p->cmdline, p->cmdline_len);
  owner->exe = g_strdup (p->exe);
  owner->cwd = g_strdup (p->cwd);
  owner->user = g_strdup (ps_wire_message_find_user (reply, p->uid));
  owner->unit = g_strdup (p->unit);
  owner->user_unit = p->user_unit != 0;
  owner->container = g_strdup (p->container);
  return owner;
}

static PsSnapshot *
snapshot_from_reply (const PsWireMessage *reply,
                     guint32              helper_uid)
{
  g_autoptr(GHashTable) owners = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) ps_owner_unref);
  PsSnapshot *snapshot = ps_snapshot_new ();
  gboolean complete = (reply->flags & PS_WIRE_REPLY_OWNERS_COMPLETE) != 0;

  for (size_t i = 0; i < reply->n_processes; i++)
    g_hash_table_replace (owners, GINT_TO_POINTER (reply->processes[i].pid),
                          owner_from_wire (reply, &reply->processes[i]));

  ps_snapshot_set_source (snapshot, reply->source == PS_PROBE_SOURCE_PROCNET ? "procnet" : "netlink");
  ps_snapshot_set_owners_complete (snapshot, complete);

  for (size_t i = 0; i < reply->n_sockets; i++)
    {
      const PsWireSocket *ws = &reply->sockets[i];
      const PsProbeSocket *in = &ws->socket;
      PsSocket *out = ps_snapshot_add (snapshot);
      char buf[128];

      out->protocol = in->protocol;
      out->family = in->family;
      out->state = in->state;
      out->v6only = in->v6only;
      out->port = in->local_port;
      memcpy (out->address, in->local_addr, sizeof out->address);
      memcpy (out->remote_address, in->remote_addr, sizeof out->remote_address);
      out->remote_port = in->remote_port;
      out->ifindex = in->ifindex;
      out->uid = in->uid;
      out->inode = in->inode;
      out->cookie = in->cookie;
      out->user = g_strdup (ps_wire_message_find_user (reply, in->uid));
      out->address_text = g_strdup (ps_probe_format_address (in->family, in->local_addr,
                                                             in->ifindex, buf, sizeof buf));
      out->owner_hidden = PS_OWNER_VISIBLE;

      for (size_t k = 0; k < ws->n_owners; k++)
        {
          PsOwner *owner = g_hash_table_lookup (owners, GINT_TO_POINTER (ws->owners[k]));

          if (owner != NULL)
            g_ptr_array_add (out->owners, ps_owner_ref (owner));
        }
      if (complete && out->owners->len == 0 && in->inode != 0
          && helper_uid != 0 && in->uid != helper_uid)
        out->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
    }

  ps_snapshot_sort (snapshot);
  ps_snapshot_set_timestamp (snapshot, g_get_monotonic_time ());
  return snapshot;
}

/* PsBackend */

static PsSnapshot *
ps_helper_backend_scan (PsBackend     *backend,
                        PsScanFlags    flags,
                        PsScanStats   *stats,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PsHelperBackend *self = PS_HELPER_BACKEND (backend);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->io_mutex);
  g_autoptr(GError) local_error = NULL;
  PsWireMessage request = { .type = PS_WIRE_MSG_SCAN_REQUEST };
  PsWireMessage reply;
  PsSnapshot *snapshot;
  gint64 t0 = g_get_monotonic_time ();

  if (flags & PS_SCAN_CONNECTIONS)
    request.flags |= PS_WIRE_SCAN_CONNECTIONS;
  if (flags & PS_SCAN_FULL_WALK)
    request.flags |= PS_WIRE_SCAN_FULL_WALK;
  if (flags & PS_SCAN_NO_OWNERS)
    request.flags |= PS_WIRE_SCAN_NO_OWNERS;

  if (!request_locked (self, &request, &reply, cancellable, &local_error))
    {
      /* In the sandbox, a helper that never ran (no permission to reach the
       * host, no static helper...) leaves the sockets listed, owners hidden. */
      if (self->mode == PS_HELPER_MODE_HOST && !self->ever_started && self->argv == NULL
          && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Host helper unavailable, listing sockets only: %s", local_error->message);
          g_mutex_lock (&self->state_mutex);
          g_free (self->unavailable_reason);
          self->unavailable_reason = g_strdup (local_error->message);
          g_mutex_unlock (&self->state_mutex);
          if (self->fallback == NULL)
            self->fallback = ps_scanner_new ();
          return ps_scanner_scan (self->fallback, flags, stats, error);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (reply.type != PS_WIRE_MSG_SCAN_REPLY)
    {
      ps_wire_message_clear (&reply);
      g_set_error_literal (&local_error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL,
                           _("The helper answered a scan with something else"));
      note_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  snapshot = snapshot_from_reply (&reply, (guint32) g_atomic_int_get ((gint *) &self->helper_uid));
  if (stats != NULL)
    {
      memset (stats, 0, sizeof *stats);
      stats->n_sockets = ps_snapshot_get_n_sockets (snapshot);
      stats->full_walks = reply.full_walks;
      stats->partial_walks = reply.partial_walks;
      stats->pids_denied = reply.pids_denied;
      stats->dump_usec = g_get_monotonic_time () - t0;
    }
  ps_wire_message_clear (&reply);
  return snapshot;
}

static PsBackendKind
ps_helper_backend_get_kind (PsBackend *backend)
{
  return PS_HELPER_BACKEND (backend)->kind;
}

static void
ps_helper_backend_iface_init (PsBackendInterface *iface)
{
  iface->scan = ps_helper_backend_scan;
  iface->get_kind = ps_helper_backend_get_kind;
}

/* GObject */

static void
ps_helper_backend_finalize (GObject *object)
{
  PsHelperBackend *self = PS_HELPER_BACKEND (object);

  drop_helper (self, FALSE);
  g_clear_pointer (&self->argv, g_strfreev);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->fallback, ps_scanner_free);
  g_clear_pointer (&self->unavailable_reason, g_free);
  g_mutex_clear (&self->io_mutex);
  g_mutex_clear (&self->state_mutex);

  G_OBJECT_CLASS (ps_helper_backend_parent_class)->finalize (object);
}

static void
ps_helper_backend_class_init (PsHelperBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ps_helper_backend_finalize;
}

static void
ps_helper_backend_init (PsHelperBackend *self)
{
  g_mutex_init (&self->io_mutex);
  g_mutex_init (&self->state_mutex);
  self->fd = -1;
  self->hello_ms = DEFAULT_HELLO_MS;
  self->request_ms = DEFAULT_REQUEST_MS;
  self->backoff_initial_ms = DEFAULT_BACKOFF_INITIAL_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
}

PsBackend *
ps_helper_backend_new (PsHelperMode mode)
{
  PsHelperBackend *self = g_object_new (PS_TYPE_HELPER_BACKEND, NULL);

  self->mode = mode;
  self->kind = mode == PS_HELPER_MODE_HOST ? PS_BACKEND_KIND_HOST : PS_BACKEND_KIND_PRIVILEGED;
  if (mode == PS_HELPER_MODE_PRIVILEGED)
    self->hello_ms = DEFAULT_PRIVILEGED_HELLO_MS;
  return PS_BACKEND (self);
}

PsBackend *
ps_helper_backend_new_for_argv (PsBackendKind       kind,
                                const char * const *argv)
{
  PsHelperBackend *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (PS_TYPE_HELPER_BACKEND, NULL);
  self->kind = kind;
  self->mode = kind == PS_BACKEND_KIND_HOST ? PS_HELPER_MODE_HOST : PS_HELPER_MODE_PRIVILEGED;
  self->argv = g_strdupv ((char **) argv);
  return PS_BACKEND (self);
}

void
ps_helper_backend_set_timeouts (PsHelperBackend *self,
                                guint            hello_ms,
                                guint            request_ms,
                                guint            backoff_initial_ms,
                                guint            backoff_max_ms)
{
  g_return_if_fail (PS_IS_HELPER_BACKEND (self));

  g_mutex_lock (&self->io_mutex);
  if (hello_ms != 0)
    self->hello_ms = hello_ms;
  if (request_ms != 0)
    self->request_ms = request_ms;
  if (backoff_initial_ms != 0)
    self->backoff_initial_ms = backoff_initial_ms;
  if (backoff_max_ms != 0)
    self->backoff_max_ms = backoff_max_ms;
  g_mutex_unlock (&self->io_mutex);
}

gboolean
ps_helper_backend_start (PsHelperBackend  *self,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean running;

  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->io_mutex);

  /* An explicit start (Unlock) clears stop() and the backoff. */
  g_mutex_lock (&self->state_mutex);
  self->stopped = FALSE;
  running = self->fd >= 0;
  g_mutex_unlock (&self->state_mutex);
  if (running)
    return TRUE;
  if (self->process != NULL)
    drop_helper (self, TRUE);
  self->next_start_usec = 0;

  if (!start_locked (self, cancellable, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        note_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (ps_helper_backend_start (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ps_helper_backend_start_async (PsHelperBackend     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PS_IS_HELPER_BACKEND (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_helper_backend_start_async);
  g_task_run_in_thread (task, start_thread);
}

gboolean
ps_helper_backend_start_finish (PsHelperBackend  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ps_helper_backend_stop (PsHelperBackend *self)
{
  g_return_if_fail (PS_IS_HELPER_BACKEND (self));

  g_mutex_lock (&self->state_mutex);
  self->stopped = TRUE;
  if (self->fd >= 0)
    shutdown (self->fd, SHUT_RDWR);   /* the helper reads end of file and exits */
  g_mutex_unlock (&self->state_mutex);

  if (g_mutex_trylock (&self->io_mutex))
    {
      drop_helper (self, FALSE);
      g_clear_pointer (&self->last_error, g_free);
      g_mutex_unlock (&self->io_mutex);
    }
}

gboolean
ps_helper_backend_is_running (PsHelperBackend *self)
{
  gboolean running;

  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), FALSE);

  g_mutex_lock (&self->state_mutex);
  running = self->fd >= 0 && !self->stopped;
  g_mutex_unlock (&self->state_mutex);
  return running;
}

char *
ps_helper_backend_dup_unavailable_reason (PsHelperBackend *self)
{
  char *reason;

  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), NULL);

  g_mutex_lock (&self->state_mutex);
  reason = g_strdup (self->unavailable_reason);
  g_mutex_unlock (&self->state_mutex);
  return reason;
}

gint32
ps_helper_backend_get_helper_pid (PsHelperBackend *self)
{
  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), 0);

  return g_atomic_int_get (&self->helper_pid);
}

guint32
ps_helper_backend_get_helper_uid (PsHelperBackend *self)
{
  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), 0);

  return (guint32) g_atomic_int_get ((gint *) &self->helper_uid);
}

gboolean
ps_helper_backend_terminate (PsHelperBackend  *self,
                             gint32            pid,
                             guint64           start_time,
                             guint64           inode,
                             int               sig,
                             guint             timeout_ms,
                             int              *code,
                             gboolean         *exited,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  PsWireMessage request = { .type = PS_WIRE_MSG_TERMINATE_REQUEST };
  PsWireMessage reply;
  guint saved_request_ms;
  gboolean ok;

  g_return_val_if_fail (PS_IS_HELPER_BACKEND (self), FALSE);
  g_return_val_if_fail (pid > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  request.pid = pid;
  request.start_time = start_time;
  request.inode = inode;
  request.signal = sig;
  request.timeout_ms = MIN (timeout_ms, PS_WIRE_MAX_TERMINATE_WAIT_MS);

  locker = g_mutex_locker_new (&self->io_mutex);
  /* The helper may wait for the exit: give it that long on top. */
  saved_request_ms = self->request_ms;
  self->request_ms += request.timeout_ms;
  ok = request_locked (self, &request, &reply, cancellable, error);
  self->request_ms = saved_request_ms;
  if (!ok)
    return FALSE;
  if (reply.type != PS_WIRE_MSG_TERMINATE_REPLY)
    {
      g_autoptr(GError) local_error = NULL;

      ps_wire_message_clear (&reply);
      g_set_error_literal (&local_error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_PROTOCOL,
                           _("The helper answered End Process with something else"));
      note_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (code != NULL)
    *code = reply.code;
  if (exited != NULL)
    *exited = (reply.flags & PS_WIRE_TERMINATE_EXITED) != 0;
  ps_wire_message_clear (&reply);
  return TRUE;
}

typedef struct
{
  gint32 pid;
  guint64 start_time;
  guint64 inode;
  int sig;
  guint timeout_ms;
  int code;
  gboolean exited;
} TerminateData;

static void
terminate_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TerminateData *data = task_data;
  GError *error = NULL;

  if (ps_helper_backend_terminate (source_object, data->pid, data->start_time, data->inode,
                                   data->sig, data->timeout_ms, &data->code, &data->exited,
                                   cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ps_helper_backend_terminate_async (PsHelperBackend     *self,
                                   gint32               pid,
                                   guint64              start_time,
                                   guint64              inode,
                                   int                  sig,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TerminateData *data;

  g_return_if_fail (PS_IS_HELPER_BACKEND (self));

  data = g_new0 (TerminateData, 1);
  data->pid = pid;
  data->start_time = start_time;
  data->inode = inode;
  data->sig = sig;
  data->timeout_ms = timeout_ms;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_helper_backend_terminate_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, terminate_thread);
}

gboolean
ps_helper_backend_terminate_finish (PsHelperBackend  *self,
                                    GAsyncResult     *result,
                                    int              *code,
                                    gboolean         *exited,
                                    GError          **error)
{
  TerminateData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (code != NULL)
    *code = data->code;
  if (exited != NULL)
    *exited = data->exited;
  return TRUE;
}

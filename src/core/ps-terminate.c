/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process engine.  See ps-terminate.h. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "ps-helper-backend.h"
#include "ps-pin.h"
#include "ps-terminate.h"
#include "ps-text.h"

/* Keep in sync with ps-helper.h (core does not include helper headers). */
enum
{
  HELPER_SIGNALLED = 0,
  HELPER_USAGE = 2,
  HELPER_REFUSED = 3,
  HELPER_GONE = 4,
  HELPER_NO_LONGER_HOLDS = 5,
  HELPER_PERMISSION = 6,
  HELPER_ERROR = 7,
  PKEXEC_DISMISSED = 126,
  PKEXEC_NOT_AUTHORIZED = 127,
};

/* How often the wait checks /proc when the kernel has no pidfd. */
#define NO_PIDFD_POLL_MS 100

const char *
ps_terminate_result_to_string (PsTerminateResult result)
{
  switch (result)
    {
    case PS_TERMINATE_EXITED:
      return _("The process has exited");
    case PS_TERMINATE_STILL_RUNNING:
      return _("The process is still running");
    case PS_TERMINATE_ALREADY_EXITED:
      return _("Already exited");
    case PS_TERMINATE_NO_LONGER_HOLDS:
      return _("The process no longer holds this port");
    case PS_TERMINATE_REFUSED:
      return _("Portscope does not end this process");
    case PS_TERMINATE_PERMISSION_DENIED:
      return _("Permission denied");
    case PS_TERMINATE_NOT_AUTHORIZED:
      return _("Not authorized");
    case PS_TERMINATE_DISMISSED:
      return _("Authentication was cancelled");
    case PS_TERMINATE_FAILED:
    default:
      return _("Could not end the process");
    }
}

char *
ps_terminate_phase_describe (PsTerminatePhase  phase,
                             const char       *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  switch (phase)
    {
    case PS_TERMINATE_PHASE_AUTHENTICATING:
      return g_strdup_printf (_("Asking for permission to end “%s”…"), name);
    case PS_TERMINATE_PHASE_WAITING:
      return g_strdup_printf (_("Waiting for “%s” to exit…"), name);
    case PS_TERMINATE_PHASE_IDLE:
    case PS_TERMINATE_PHASE_SIGNALLING:
    case PS_TERMINATE_PHASE_DONE:
    default:
      return NULL;
    }
}

char *
ps_terminate_result_describe (PsTerminateResult  result,
                              const char        *name,
                              guint              port,
                              const GError      *error)
{
  g_return_val_if_fail (name != NULL, NULL);

  switch (result)
    {
    case PS_TERMINATE_EXITED:
      return g_strdup_printf (_("“%s” has exited; checking port %u…"), name, port);
    case PS_TERMINATE_STILL_RUNNING:
      return NULL;
    case PS_TERMINATE_ALREADY_EXITED:
      return g_strdup_printf (_("“%s” had already exited: nothing was sent"), name);
    case PS_TERMINATE_NO_LONGER_HOLDS:
      return g_strdup_printf (_("“%s” no longer holds port %u: nothing was sent"), name, port);
    case PS_TERMINATE_REFUSED:
      return g_strdup_printf (_("Portscope does not end “%s”"), name);
    case PS_TERMINATE_DISMISSED:
      return g_strdup_printf (_("“%s” was not ended: authentication was cancelled"), name);
    case PS_TERMINATE_NOT_AUTHORIZED:
      return g_strdup_printf (_("“%s” was not ended: not authorized"), name);
    case PS_TERMINATE_PERMISSION_DENIED:
      return g_strdup_printf (_("“%s” was not ended: permission denied"), name);
    case PS_TERMINATE_FAILED:
    default:
      {
        /* Error messages can quote process text (a unit name...). */
        g_autofree char *detail = ps_text_escape_visible (error != NULL ? error->message : "", -1);

        return g_strdup_printf (_("Could not end “%s”: %s"), name,
                                detail[0] ? detail : _("unknown error"));
      }
    }
}

struct _PsTerminateTarget
{
  GObject parent_instance;

  PsPin pin;
  int pin_result;           /* of ps_pin_open at creation */
  gint32 pid;
  guint64 start_time;
  guint64 inode;
  PsTerminatePhase phase;
  gboolean elevated;
  gboolean busy;
  gboolean remote;          /* no local pin: only BACKEND can act */
  PsBackend *backend;       /* nullable: a PsHelperBackend */
};

G_DEFINE_FINAL_TYPE (PsTerminateTarget, ps_terminate_target, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PID,
  PROP_PHASE,
  PROP_ELEVATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One end or force-stop operation (the task data). */
typedef struct
{
  int sig;
  gboolean force;
  guint timeout_seconds;
  guint fd_source;
  guint poll_source;
  guint timeout_source;
  GSource *cancel_source;
  GError *error;            /* details for the finish function */
  gboolean done;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_assert (op->fd_source == 0 && op->poll_source == 0 && op->timeout_source == 0);
  g_assert (op->cancel_source == NULL);
  g_clear_error (&op->error);
  g_free (op);
}

static void
set_phase (PsTerminateTarget *self,
           PsTerminatePhase   phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static void
set_elevated (PsTerminateTarget *self,
              gboolean           elevated)
{
  if (self->elevated == elevated)
    return;
  self->elevated = elevated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELEVATED]);
}

/* Completes TASK with RESULT; ERROR (nullable, taken) explains it. */
static void
op_finish (GTask             *task,
           PsTerminateResult  result,
           GError            *error)
{
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  g_assert (!op->done);
  op->done = TRUE;
  g_clear_handle_id (&op->fd_source, g_source_remove);
  g_clear_handle_id (&op->poll_source, g_source_remove);
  g_clear_handle_id (&op->timeout_source, g_source_remove);
  if (op->cancel_source != NULL)
    {
      g_source_destroy (op->cancel_source);
      g_clear_pointer (&op->cancel_source, g_source_unref);
    }
  g_clear_error (&op->error);
  op->error = error;
  self->busy = FALSE;
  set_phase (self, PS_TERMINATE_PHASE_DONE);
  g_task_return_int (task, result);
  g_object_unref (task);
}

static PsTerminateResult
result_for_pin (int      r,
                gboolean force)
{
  switch (r)
    {
    case PS_PIN_OK:
      return PS_TERMINATE_EXITED;
    case PS_PIN_GONE:
      /* Force Stop targets the process we already signalled: it is gone. */
      return force ? PS_TERMINATE_EXITED : PS_TERMINATE_ALREADY_EXITED;
    case PS_PIN_NO_LONGER_HOLDS:
      return PS_TERMINATE_NO_LONGER_HOLDS;
    case PS_PIN_REFUSED:
      return PS_TERMINATE_REFUSED;
    case -EPERM:
    case -EACCES:
      return PS_TERMINATE_PERMISSION_DENIED;
    default:
      return PS_TERMINATE_FAILED;
    }
}

/* The wait: the pidfd becomes readable when the process exits. */

static gboolean
wait_exited_cb (gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);

  op->fd_source = 0;
  op_finish (task, PS_TERMINATE_EXITED, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_fd_cb (int          fd,
            GIOCondition condition,
            gpointer     data)
{
  return wait_exited_cb (data);
}

static gboolean
wait_poll_cb (gpointer data)
{
  GTask *task = data;
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (!ps_pin_has_exited (&self->pin))
    return G_SOURCE_CONTINUE;
  op->poll_source = 0;
  op_finish (task, PS_TERMINATE_EXITED, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_timeout_cb (gpointer data)
{
  GTask *task = data;
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  op->timeout_source = 0;
  /* The exit may be pending in the same iteration: look once more. */
  if (ps_pin_has_exited (&self->pin))
    op_finish (task, PS_TERMINATE_EXITED, NULL);
  else
    op_finish (task, PS_TERMINATE_STILL_RUNNING, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_wait (GTask *task)
{
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  set_phase (self, PS_TERMINATE_PHASE_WAITING);
  if (ps_pin_has_exited (&self->pin))
    {
      op_finish (task, PS_TERMINATE_EXITED, NULL);
      return;
    }
  if (self->pin.pidfd >= 0)
    op->fd_source = g_unix_fd_add (self->pin.pidfd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                   wait_fd_cb, task);
  else
    op->poll_source = g_timeout_add (NO_PIDFD_POLL_MS, wait_poll_cb, task);
  op->timeout_source = g_timeout_add_seconds (MAX (op->timeout_seconds, 1),
                                              wait_timeout_cb, task);
}

/* The privileged path: pkexec portscope-helper terminate …. */

static char *
dup_helper_path (void)
{
  const char *env = g_getenv ("PORTSCOPE_HELPER");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (LIBEXECDIR, "portscope-helper", NULL);
}

static char *
dup_pkexec_path (void)
{
  const char *env = g_getenv ("PORTSCOPE_PKEXEC");
  char *found;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  found = g_find_program_in_path ("pkexec");
  return found != NULL ? found : g_strdup ("/usr/bin/pkexec");
}

static const char *
signal_word (int sig)
{
  switch (sig)
    {
    case SIGTERM:
      return "TERM";
    case SIGKILL:
      return "KILL";
    case SIGCONT:
      return "CONT";
    default:
      g_assert_not_reached ();
    }
}

static void
helper_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  GSubprocess *subprocess = G_SUBPROCESS (source);
  GTask *task = data;
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *detail = NULL;
  int status;

  if (op->done)
    {
      /* Cancelled meanwhile: the result was already reported. */
      g_object_unref (task);
      return;
    }
  g_object_unref (task);    /* the reference held for this callback */

  if (!g_subprocess_communicate_utf8_finish (subprocess, result, NULL, &err_text, &error))
    {
      op_finish (task, PS_TERMINATE_FAILED, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_if_exited (subprocess))
    {
      op_finish (task, PS_TERMINATE_FAILED,
                 g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                              _("The privileged helper did not finish")));
      return;
    }
  status = g_subprocess_get_exit_status (subprocess);
  if (err_text != NULL)
    detail = g_strstrip (g_strdup (err_text));

  switch (status)
    {
    case HELPER_SIGNALLED:
      set_elevated (self, TRUE);
      start_wait (task);
      return;
    case HELPER_REFUSED:
      op_finish (task, PS_TERMINATE_REFUSED, NULL);
      return;
    case HELPER_GONE:
      op_finish (task, op->force ? PS_TERMINATE_EXITED : PS_TERMINATE_ALREADY_EXITED, NULL);
      return;
    case HELPER_NO_LONGER_HOLDS:
      op_finish (task, PS_TERMINATE_NO_LONGER_HOLDS, NULL);
      return;
    case HELPER_PERMISSION:
      op_finish (task, PS_TERMINATE_PERMISSION_DENIED,
                 g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                              detail != NULL && detail[0] ? detail : _("Permission denied")));
      return;
    case PKEXEC_DISMISSED:
      op_finish (task, PS_TERMINATE_DISMISSED,
                 g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("Authentication was cancelled")));
      return;
    case PKEXEC_NOT_AUTHORIZED:
      op_finish (task, PS_TERMINATE_NOT_AUTHORIZED,
                 g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                      _("Not authorized")));
      return;
    case HELPER_USAGE:
    case HELPER_ERROR:
    default:
      op_finish (task, PS_TERMINATE_FAILED,
                 g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                              _("The privileged helper failed (status %d): %s"), status,
                              detail != NULL && detail[0] ? detail : _("no details")));
      return;
    }
}

static void
run_helper (GTask *task)
{
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pkexec = dup_pkexec_path ();
  g_autofree char *helper = dup_helper_path ();
  g_autofree char *pid = g_strdup_printf ("%d", self->pid);
  g_autofree char *start = g_strdup_printf ("%" G_GUINT64_FORMAT, self->start_time);
  g_autofree char *inode = g_strdup_printf ("%" G_GUINT64_FORMAT, self->inode);
  const char *argv[] = { pkexec, helper, "terminate", pid, start, inode, signal_word (op->sig), NULL };

  set_phase (self, PS_TERMINATE_PHASE_AUTHENTICATING);
  subprocess = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                  &error);
  if (subprocess == NULL)
    {
      g_prefix_error (&error, _("Could not run pkexec: "));
      op_finish (task, PS_TERMINATE_FAILED, g_steal_pointer (&error));
      return;
    }
  /* Not cancellable: once asked, the helper's answer must be read. */
  g_subprocess_communicate_utf8_async (subprocess, NULL, NULL, helper_done_cb, g_object_ref (task));
}

/* Through a running `portscope-helper serve` (host mode, or unlocked). */

static void
backend_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GTask *task = data;
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  int code = 0;

  if (op->done)
    {
      g_object_unref (task);
      return;
    }
  g_object_unref (task);

  if (!ps_helper_backend_terminate_finish (PS_HELPER_BACKEND (source), result, &code, &exited, &error))
    {
      if (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_DISMISSED))
        op_finish (task, PS_TERMINATE_DISMISSED, g_steal_pointer (&error));
      else if (g_error_matches (error, PS_HELPER_BACKEND_ERROR, PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED))
        op_finish (task, PS_TERMINATE_NOT_AUTHORIZED, g_steal_pointer (&error));
      else
        op_finish (task, PS_TERMINATE_FAILED, g_steal_pointer (&error));
      return;
    }
  if (code == PS_PIN_OK)
    {
      set_elevated (self, !self->remote);
      /* The helper watched its own pidfd; a local one can only confirm. */
      if (exited || ps_terminate_target_has_exited (self))
        op_finish (task, PS_TERMINATE_EXITED, NULL);
      else
        op_finish (task, PS_TERMINATE_STILL_RUNNING, NULL);
      return;
    }
  if (result_for_pin (code, op->force) == PS_TERMINATE_FAILED)
    op_finish (task, PS_TERMINATE_FAILED,
               g_error_new (G_IO_ERROR, g_io_error_from_errno (code < 0 ? -code : EIO), "%s",
                            g_strerror (code < 0 ? -code : EIO)));
  else
    op_finish (task, result_for_pin (code, op->force), NULL);
}

static void
run_backend (GTask *task)
{
  PsTerminateTarget *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  /* The helper signals and then waits; the user sees the wait. */
  set_phase (self, PS_TERMINATE_PHASE_WAITING);
  ps_helper_backend_terminate_async (PS_HELPER_BACKEND (self->backend), self->pid, self->start_time,
                                     self->inode, op->sig, MAX (op->timeout_seconds, 1) * 1000,
                                     NULL, backend_done_cb, g_object_ref (task));
}

static gboolean
backend_usable (PsTerminateTarget *self)
{
  return self->backend != NULL && PS_IS_HELPER_BACKEND (self->backend)
         && (self->remote || ps_helper_backend_is_running (PS_HELPER_BACKEND (self->backend)));
}

/* The unprivileged path: ps_pin_signal on a worker (it reads /proc). */

static void
signal_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PsTerminateTarget *self = source;
  int sig = GPOINTER_TO_INT (task_data);

  /* The pin is immutable while an operation runs; the task keeps SELF alive. */
  g_task_return_int (task, ps_pin_signal (&self->pin, NULL, sig));
}

static void
signal_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  int r;

  if (op->done)
    {
      g_object_unref (task);
      return;
    }
  g_object_unref (task);

  /* Never an error: the value is ps_pin_signal's. */
  r = (int) g_task_propagate_int (G_TASK (result), NULL);
  if (r == PS_PIN_OK)
    start_wait (task);
  else if (r == -EPERM && backend_usable (g_task_get_source_object (task)))
    run_backend (task);
  else if (r == -EPERM)
    run_helper (task);
  else if (result_for_pin (r, op->force) == PS_TERMINATE_FAILED)
    op_finish (task, PS_TERMINATE_FAILED,
               g_error_new (G_IO_ERROR, g_io_error_from_errno (-r), "%s", g_strerror (-r)));
  else
    op_finish (task, result_for_pin (r, op->force), NULL);
}

static gboolean
cancelled_cb (gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);

  g_clear_pointer (&op->cancel_source, g_source_unref);
  op_finish (task, PS_TERMINATE_FAILED,
             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void
start_op (PsTerminateTarget   *self,
          int                  sig,
          gboolean             force,
          guint                timeout_seconds,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) inner = NULL;
  GTask *task;
  Op *op;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  op = g_new0 (Op, 1);
  op->sig = sig;
  op->force = force;
  op->timeout_seconds = timeout_seconds;
  g_task_set_task_data (task, op, op_free);

  if (self->busy)
    {
      op->done = TRUE;
      op->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                       _("Already ending this process"));
      g_task_return_int (task, PS_TERMINATE_FAILED);
      g_object_unref (task);
      return;
    }
  self->busy = TRUE;

  /* TASK holds one reference, dropped by op_finish. */
  if (cancellable != NULL)
    {
      op->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->cancel_source, cancelled_cb, task, NULL);
      g_source_attach (op->cancel_source, g_main_context_get_thread_default ());
    }

  if (self->remote)
    {
      if (backend_usable (self))
        run_backend (task);
      else
        op_finish (task, PS_TERMINATE_FAILED,
                   g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                        _("The helper that can end this process is not available")));
      return;
    }

  if (self->pin_result != PS_PIN_OK)
    {
      PsTerminateResult r = result_for_pin (self->pin_result, FALSE);

      op_finish (task, r, r == PS_TERMINATE_FAILED
                 ? g_error_new (G_IO_ERROR, g_io_error_from_errno (-self->pin_result), "%s",
                                g_strerror (-self->pin_result))
                 : NULL);
      return;
    }

  set_phase (self, PS_TERMINATE_PHASE_SIGNALLING);
  if (self->elevated)
    {
      if (backend_usable (self))
        run_backend (task);
      else
        run_helper (task);
      return;
    }
  inner = g_task_new (self, NULL, signal_done_cb, g_object_ref (task));
  g_task_set_task_data (inner, GINT_TO_POINTER (sig), NULL);
  g_task_run_in_thread (inner, signal_thread);
}

static PsTerminateResult
finish_op (PsTerminateTarget  *self,
           GAsyncResult       *result,
           GError            **error)
{
  Op *op;
  gssize r;

  g_return_val_if_fail (g_task_is_valid (result, self), PS_TERMINATE_FAILED);

  op = g_task_get_task_data (G_TASK (result));
  r = g_task_propagate_int (G_TASK (result), NULL);
  if (op->error != NULL && error != NULL)
    *error = g_error_copy (op->error);
  return (PsTerminateResult) r;
}

void
ps_terminate_target_end_async (PsTerminateTarget   *self,
                               guint                timeout_seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (PS_IS_TERMINATE_TARGET (self));

  start_op (self, SIGTERM, FALSE, timeout_seconds, cancellable, callback, user_data,
            ps_terminate_target_end_async);
}

PsTerminateResult
ps_terminate_target_end_finish (PsTerminateTarget  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), PS_TERMINATE_FAILED);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ps_terminate_target_end_async,
                        PS_TERMINATE_FAILED);
  return finish_op (self, result, error);
}

void
ps_terminate_target_force_stop_async (PsTerminateTarget   *self,
                                      guint                timeout_seconds,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (PS_IS_TERMINATE_TARGET (self));

  start_op (self, SIGKILL, TRUE, timeout_seconds, cancellable, callback, user_data,
            ps_terminate_target_force_stop_async);
}

PsTerminateResult
ps_terminate_target_force_stop_finish (PsTerminateTarget  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), PS_TERMINATE_FAILED);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ps_terminate_target_force_stop_async,
                        PS_TERMINATE_FAILED);
  return finish_op (self, result, error);
}

PsTerminateTarget *
ps_terminate_target_new (gint32  pid,
                         guint64 start_time,
                         guint64 inode)
{
  PsTerminateTarget *self = g_object_new (PS_TYPE_TERMINATE_TARGET, NULL);

  self->pid = pid;
  self->start_time = start_time;
  self->inode = inode;
  self->pin_result = ps_pin_open (&self->pin, NULL, pid, start_time, inode);
  return self;
}

PsTerminateTarget *
ps_terminate_target_new_remote (PsBackend *backend,
                                gint32     pid,
                                guint64    start_time,
                                guint64    inode)
{
  PsTerminateTarget *self;

  g_return_val_if_fail (PS_IS_BACKEND (backend), NULL);

  self = g_object_new (PS_TYPE_TERMINATE_TARGET, NULL);
  self->pid = pid;
  self->start_time = start_time;
  self->inode = inode;
  self->remote = TRUE;
  self->pin_result = PS_PIN_OK;
  self->backend = g_object_ref (backend);
  return self;
}

void
ps_terminate_target_set_backend (PsTerminateTarget *self,
                                 PsBackend         *backend)
{
  g_return_if_fail (PS_IS_TERMINATE_TARGET (self));
  g_return_if_fail (backend == NULL || PS_IS_BACKEND (backend));

  if (self->remote && backend == NULL)
    return;                 /* a remote target cannot lose its only way */
  g_set_object (&self->backend, backend);
}

gint32
ps_terminate_target_get_pid (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), 0);
  return self->pid;
}

guint64
ps_terminate_target_get_inode (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), 0);
  return self->inode;
}

PsTerminatePhase
ps_terminate_target_get_phase (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), PS_TERMINATE_PHASE_IDLE);
  return self->phase;
}

gboolean
ps_terminate_target_get_elevated (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), FALSE);
  return self->elevated;
}

gboolean
ps_terminate_target_is_pinned (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), FALSE);
  return self->pin_result == PS_PIN_OK;
}

gboolean
ps_terminate_target_has_exited (PsTerminateTarget *self)
{
  g_return_val_if_fail (PS_IS_TERMINATE_TARGET (self), FALSE);
  if (self->remote)
    return FALSE;           /* unknown here: only the helper can tell */
  if (self->pin_result != PS_PIN_OK)
    return self->pin_result == PS_PIN_GONE;
  return ps_pin_has_exited (&self->pin) != 0;
}

static void
ps_terminate_target_finalize (GObject *object)
{
  PsTerminateTarget *self = PS_TERMINATE_TARGET (object);

  ps_pin_close (&self->pin);
  g_clear_object (&self->backend);
  G_OBJECT_CLASS (ps_terminate_target_parent_class)->finalize (object);
}

static void
ps_terminate_target_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PsTerminateTarget *self = PS_TERMINATE_TARGET (object);

  switch (prop_id)
    {
    case PROP_PID:
      g_value_set_int (value, self->pid);
      break;
    case PROP_PHASE:
      g_value_set_int (value, self->phase);
      break;
    case PROP_ELEVATED:
      g_value_set_boolean (value, self->elevated);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_terminate_target_class_init (PsTerminateTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ps_terminate_target_finalize;
  object_class->get_property = ps_terminate_target_get_property;

  properties[PROP_PID] =
    g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT32, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHASE] =
    g_param_spec_int ("phase", NULL, NULL,
                      PS_TERMINATE_PHASE_IDLE, PS_TERMINATE_PHASE_DONE, PS_TERMINATE_PHASE_IDLE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ELEVATED] =
    g_param_spec_boolean ("elevated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_terminate_target_init (PsTerminateTarget *self)
{
  self->pin.pidfd = -1;
  self->pin_result = -EINVAL;
}

/* What to offer. */

static gboolean
has_suffix (const char *s,
            const char *suffix)
{
  return s != NULL && g_str_has_suffix (s, suffix);
}

static gboolean
is_container_runtime_name (const char *name)
{
  static const char * const names[] = {
    "docker-proxy", "rootlessport", "rootlessport-chi", "conmon", "slirp4netns", "pasta",
    "pasta.avx2", "containerd-shim", NULL,
  };

  return name != NULL && g_strv_contains (names, name);
}

static gboolean
is_container_unit (const char *unit)
{
  return unit != NULL
         && (g_str_has_prefix (unit, "docker-") || g_str_has_prefix (unit, "libpod-")
             || g_str_has_prefix (unit, "crio-") || g_str_has_prefix (unit, "cri-containerd-"))
         && has_suffix (unit, ".scope");
}

/* A .service that stopping makes sense for (not the user's whole session). */
static gboolean
is_stoppable_service (const char *unit)
{
  return has_suffix (unit, ".service")
         && !g_str_has_prefix (unit, "user@")
         && !g_str_has_prefix (unit, "user-runtime-dir@");
}

PsEndAction
ps_terminate_classify (const PsSocket *socket,
                       const PsOwner  *owner,
                       char          **detail,
                       gboolean       *user_unit)
{
  if (detail != NULL)
    *detail = NULL;
  if (user_unit != NULL)
    *user_unit = FALSE;

  if (owner == NULL)
    return PS_END_ACTION_REFUSED;

  if (owner->container != NULL)
    {
      if (detail != NULL)
        *detail = g_strdup (owner->container);
      return PS_END_ACTION_CONTAINER;
    }
  if (is_container_unit (owner->unit))
    {
      if (detail != NULL)
        *detail = g_strdup (owner->unit);
      return PS_END_ACTION_CONTAINER;
    }
  if (is_container_runtime_name (owner->name))
    {
      if (detail != NULL)
        *detail = g_strdup (owner->name);
      return PS_END_ACTION_CONTAINER;
    }

  if (owner->pid == 1 || (g_strcmp0 (owner->name, "systemd") == 0 && owner->user_unit))
    {
      /* Socket activation: systemd holds the listening socket; the service it
       * started may hold it too.  Ending either would only restart it. */
      if (socket != NULL)
        {
          for (guint i = 0; i < socket->owners->len; i++)
            {
              const PsOwner *other = g_ptr_array_index (socket->owners, i);

              if (other->pid != 1 && is_stoppable_service (other->unit))
                {
                  if (detail != NULL)
                    *detail = g_strdup (other->unit);
                  if (user_unit != NULL)
                    *user_unit = other->user_unit;
                  return PS_END_ACTION_STOP_SERVICE;
                }
            }
        }
      if (user_unit != NULL)
        *user_unit = owner->pid != 1;
      return PS_END_ACTION_SOCKET_ACTIVATED;
    }

  if (owner->pid <= 1 || owner->pid == (gint32) getpid ())
    return PS_END_ACTION_REFUSED;

  if (is_stoppable_service (owner->unit))
    {
      if (detail != NULL)
        *detail = g_strdup (owner->unit);
      if (user_unit != NULL)
        *user_unit = owner->user_unit;
      return PS_END_ACTION_STOP_SERVICE;
    }

  return PS_END_ACTION_END_PROCESS;
}

gboolean
ps_terminate_is_session_critical (const PsOwner *owner)
{
  static const char * const exact[] = {
    "gnome-shell", "mutter", "Xwayland", "Xorg", "X", "plasmashell", "kwin",
    "dbus-daemon", "dbus-broker", "dbus-broker-lau", "pipewire", "pipewire-pulse",
    "wireplumber", "gnome-session", "ksmserver", "sddm", "lightdm", NULL,
  };
  static const char * const prefixes[] = {
    "gnome-session", "kwin_", "gdm", "gnome-shell", NULL,
  };
  const char *name;

  g_return_val_if_fail (owner != NULL, FALSE);

  name = owner->name;
  if (name == NULL)
    return FALSE;
  if (g_strv_contains (exact, name))
    return TRUE;
  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  /* systemd --user (PID 1 is refused anyway). */
  if (g_str_equal (name, "systemd") && owner->pid != 1)
    return TRUE;
  return FALSE;
}

/* The rescan that tells the truth. */

static gboolean
same_place (const PsSocket *a,
            const PsSocket *b)
{
  if (a->protocol != b->protocol || a->family != b->family || a->port != b->port
      || a->state != b->state)
    return FALSE;
  if (memcmp (a->address, b->address, sizeof a->address) != 0)
    return FALSE;
  if (a->remote_port != b->remote_port
      || memcmp (a->remote_address, b->remote_address, sizeof a->remote_address) != 0)
    return FALSE;
  return TRUE;
}

const PsSocket *
ps_terminate_find_holder (PsSnapshot     *snapshot,
                          const PsSocket *key)
{
  guint n;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  n = ps_snapshot_get_n_sockets (snapshot);
  for (guint i = 0; i < n; i++)
    {
      const PsSocket *s = ps_snapshot_get_socket (snapshot, i);

      if (same_place (s, key))
        return s;
    }
  return NULL;
}

typedef struct
{
  PsMonitor *monitor;       /* owned */
  PsSocket key;             /* a copy of the place only (no strings, no owners) */
  gboolean has_key;
  gboolean until_free;
  guint skip;               /* "updated" emissions to ignore (a scan in flight) */
  gulong updated_id;
  gulong failed_id;
  guint deadline_source;
  PsSnapshot *last;         /* the latest complete snapshot after the request */
  gboolean done;
} Rescan;

static void
rescan_free (gpointer data)
{
  Rescan *r = data;

  g_assert (r->updated_id == 0 && r->failed_id == 0 && r->deadline_source == 0);
  g_clear_object (&r->monitor);
  g_clear_pointer (&r->last, ps_snapshot_unref);
  g_free (r);
}

static void
rescan_stop (Rescan *r)
{
  r->done = TRUE;
  g_clear_signal_handler (&r->updated_id, r->monitor);
  g_clear_signal_handler (&r->failed_id, r->monitor);
  g_clear_handle_id (&r->deadline_source, g_source_remove);
}

static gboolean
monitor_is_scanning (PsMonitor *monitor)
{
  gboolean scanning = FALSE;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (monitor), "scanning") != NULL)
    g_object_get (monitor, "scanning", &scanning, NULL);
  return scanning;
}

static void
rescan_updated_cb (PsMonitor  *monitor,
                   PsSnapshot *snapshot,
                   gpointer    data)
{
  GTask *task = data;
  Rescan *r = g_task_get_task_data (task);

  if (r->done)
    return;
  if (r->skip > 0)
    {
      r->skip--;
      return;
    }
  if (!ps_snapshot_get_owners_complete (snapshot))
    return;                 /* owners not there yet: the next one will have them */
  g_clear_pointer (&r->last, ps_snapshot_unref);
  r->last = ps_snapshot_ref (snapshot);
  if (r->has_key && r->until_free && ps_terminate_find_holder (snapshot, &r->key) != NULL)
    {
      /* Still held: look again (the service may take a moment to stop). */
      ps_monitor_refresh (monitor, TRUE);
      return;
    }
  rescan_stop (r);
  g_task_return_pointer (task, ps_snapshot_ref (snapshot), (GDestroyNotify) ps_snapshot_unref);
  g_object_unref (task);
}

static void
rescan_failed_cb (PsMonitor *monitor,
                  GError    *error,
                  gpointer   data)
{
  GTask *task = data;
  Rescan *r = g_task_get_task_data (task);

  if (r->done)
    return;
  if (r->skip > 0)
    {
      r->skip--;
      return;
    }
  rescan_stop (r);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not scan the ports: %s"),
                           error != NULL ? error->message : _("unknown error"));
  g_object_unref (task);
}

static gboolean
rescan_deadline_cb (gpointer data)
{
  GTask *task = data;
  Rescan *r = g_task_get_task_data (task);

  r->deadline_source = 0;
  rescan_stop (r);
  /* Waiting for the port to be free: the latest scan after the request is
   * the truth (the port is still held). */
  if (r->last != NULL)
    g_task_return_pointer (task, g_steal_pointer (&r->last), (GDestroyNotify) ps_snapshot_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _("The list of ports was not refreshed in time"));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
ps_terminate_rescan_async (PsMonitor           *monitor,
                           const PsSocket      *key,
                           gboolean             until_free,
                           guint                deadline_ms,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Rescan *r;

  g_return_if_fail (PS_IS_MONITOR (monitor));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_terminate_rescan_async);
  r = g_new0 (Rescan, 1);
  r->monitor = g_object_ref (monitor);
  if (key != NULL)
    {
      r->has_key = TRUE;
      r->key.protocol = key->protocol;
      r->key.family = key->family;
      r->key.state = key->state;
      r->key.port = key->port;
      memcpy (r->key.address, key->address, sizeof r->key.address);
      memcpy (r->key.remote_address, key->remote_address, sizeof r->key.remote_address);
      r->key.remote_port = key->remote_port;
    }
  r->until_free = until_free;
  /* A scan in flight started before the exit: its result is not the truth. */
  r->skip = monitor_is_scanning (monitor) ? 1 : 0;
  g_task_set_task_data (task, r, rescan_free);

  /* TASK's own reference is dropped when it completes. */
  r->updated_id = g_signal_connect (monitor, "updated", G_CALLBACK (rescan_updated_cb), task);
  r->failed_id = g_signal_connect (monitor, "failed", G_CALLBACK (rescan_failed_cb), task);
  r->deadline_source = g_timeout_add (MAX (deadline_ms, 1), rescan_deadline_cb, task);
  ps_monitor_refresh (monitor, TRUE);
}

PsSnapshot *
ps_terminate_rescan_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

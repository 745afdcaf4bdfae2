/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsHelperBackend: a PsBackend that asks `portscope-helper serve` over the
 * wire protocol (ps-wire.h).  Two modes:
 *   privileged  pkexec <libexecdir>/portscope-helper serve   (Unlock)
 *               inside a Flatpak: flatpak-spawn --host --watch-bus pkexec <copy> serve
 *   host        flatpak-spawn --host --watch-bus <copy> serve  (Flatpak owners)
 * The helper starts on the first scan (or ps_helper_backend_start), speaks
 * over one socketpair (its stdin and stdout) and ends when that closes.  Every
 * read has a deadline; a helper that dies, hangs or talks nonsense is dropped
 * and restarted on a later scan with exponential backoff. */
#pragma once

#include <gio/gio.h>

#include "ps-backend.h"

G_BEGIN_DECLS

typedef enum
{
  PS_HELPER_MODE_PRIVILEGED,
  PS_HELPER_MODE_HOST,
} PsHelperMode;

#define PS_HELPER_BACKEND_ERROR (ps_helper_backend_error_quark ())
GQuark ps_helper_backend_error_quark (void);

typedef enum
{
  PS_HELPER_BACKEND_ERROR_FAILED,         /* could not start, or it died */
  PS_HELPER_BACKEND_ERROR_TIMED_OUT,      /* no answer before the deadline */
  PS_HELPER_BACKEND_ERROR_PROTOCOL,       /* malformed or oversized frames, wrong version */
  PS_HELPER_BACKEND_ERROR_DISMISSED,      /* pkexec 126: the password prompt was cancelled */
  PS_HELPER_BACKEND_ERROR_NOT_AUTHORIZED, /* pkexec 127 */
  PS_HELPER_BACKEND_ERROR_STOPPED,        /* ps_helper_backend_stop() was called */
  PS_HELPER_BACKEND_ERROR_HELPER,         /* the helper answered with an ERROR frame */
} PsHelperBackendError;

#define PS_TYPE_HELPER_BACKEND (ps_helper_backend_get_type ())
G_DECLARE_FINAL_TYPE (PsHelperBackend, ps_helper_backend, PS, HELPER_BACKEND, GObject)

/* A backend for MODE with the command built from the environment:
 * $PORTSCOPE_HELPER (helper path), $PORTSCOPE_PKEXEC (pkexec path),
 * $PORTSCOPE_FLATPAK_SPAWN (flatpak-spawn path).  Nothing is started yet. */
PsBackend *ps_helper_backend_new (PsHelperMode mode);

/* A backend that runs ARGV (NULL-terminated, copied) as the helper; KIND is
 * what it reports.  For tests and for callers that built the command. */
PsBackend *ps_helper_backend_new_for_argv (PsBackendKind       kind,
                                           const char * const *argv);

/* Tunes the deadlines (milliseconds; 0 keeps the current value).  HELLO_MS
 * covers spawning and any password prompt; REQUEST_MS one scan or terminate;
 * BACKOFF_*: the first wait after a failure and its cap. */
void ps_helper_backend_set_timeouts (PsHelperBackend *self,
                                     guint            hello_ms,
                                     guint            request_ms,
                                     guint            backoff_initial_ms,
                                     guint            backoff_max_ms);

/* Starts the helper now and waits for its HELLO (blocking: call from a
 * worker, or use the async variant).  TRUE when it runs.  Unlock uses this:
 * a cancelled prompt gives PS_HELPER_BACKEND_ERROR_DISMISSED. */
gboolean ps_helper_backend_start (PsHelperBackend  *self,
                                  GCancellable     *cancellable,
                                  GError          **error);
void ps_helper_backend_start_async (PsHelperBackend     *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean ps_helper_backend_start_finish (PsHelperBackend  *self,
                                         GAsyncResult     *result,
                                         GError          **error);

/* Ends the helper (Lock): its stdin closes, so it exits; a request in flight
 * fails.  No restart afterwards until ps_helper_backend_start().  Never blocks. */
void ps_helper_backend_stop (PsHelperBackend *self);

/* Whether a helper is running, and its pid (in the helper's own PID
 * namespace: on the host for the Flatpak modes) and effective uid. */
gboolean ps_helper_backend_is_running (PsHelperBackend *self);
gint32 ps_helper_backend_get_helper_pid (PsHelperBackend *self);

/* Host mode: why the last scans listed sockets without owners (the helper
 * could not be started: no permission, no flatpak-spawn...), a translated
 * sentence; NULL once the helper runs or before it was tried.  Never blocks
 * (callable from the main thread while a scan runs).  Caller frees. */
char *ps_helper_backend_dup_unavailable_reason (PsHelperBackend *self);

/* Whether the Flatpak sandbox described by FLATPAK_INFO (a /.flatpak-info
 * key file) may talk to org.freedesktop.Flatpak, which flatpak-spawn --host
 * needs.  TRUE when it may, or when the file cannot be read (unknown). */
gboolean ps_helper_backend_check_host_permission (const char  *flatpak_info,
                                                  GError     **error);
guint32 ps_helper_backend_get_helper_uid (PsHelperBackend *self);

/* Terminate through the helper: it re-verifies (PID, START_TIME, INODE) and
 * refuses PID <= 1, kernel threads, itself and its parent.  SIG: SIGTERM,
 * SIGKILL or SIGCONT.  Waits up to TIMEOUT_MS (capped at 10 s) for the exit.
 * Blocking: from a worker, or the async variant.  Returns FALSE with ERROR
 * when the helper could not be asked; otherwise TRUE with *CODE = PS_PIN_OK,
 * PS_PIN_GONE, PS_PIN_NO_LONGER_HOLDS, PS_PIN_REFUSED or -errno, and
 * *EXITED (nullable) TRUE when the target exited within TIMEOUT_MS. */
gboolean ps_helper_backend_terminate (PsHelperBackend  *self,
                                      gint32            pid,
                                      guint64           start_time,
                                      guint64           inode,
                                      int               sig,
                                      guint             timeout_ms,
                                      int              *code,
                                      gboolean         *exited,
                                      GCancellable     *cancellable,
                                      GError          **error);
void ps_helper_backend_terminate_async (PsHelperBackend     *self,
                                        gint32               pid,
                                        guint64              start_time,
                                        guint64              inode,
                                        int                  sig,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean ps_helper_backend_terminate_finish (PsHelperBackend  *self,
                                             GAsyncResult     *result,
                                             int              *code,
                                             gboolean         *exited,
                                             GError          **error);

/* Host mode: places a copy of HELPER_PATH where the host can run it, under
 * $XDG_DATA_HOME (inside a Flatpak that is ~/.var/app/ID/data, the same path
 * on the host), named portscope-helper-VERSION-HASHPREFIX.  An existing copy
 * is checked by SHA-256 and replaced when it differs; stale copies of other
 * versions are removed.  Returns the path (caller frees) or NULL with ERROR. */
char *ps_helper_backend_install_host_copy (const char  *helper_path,
                                           const char  *data_dir,
                                           GError     **error);

G_END_DECLS

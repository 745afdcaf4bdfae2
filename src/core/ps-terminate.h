/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process engine (GLib, no GTK): a pinned target, SIGTERM, a wait on
 * the pidfd that never blocks the main loop, Force Stop only on request,
 * pkexec to the helper on EPERM; plus what to offer instead (Stop Service,
 * containers), critical targets, and the rescan that tells the truth. */
#pragma once

#include <gio/gio.h>

#include "ps-backend.h"
#include "ps-monitor.h"
#include "ps-snapshot.h"

G_BEGIN_DECLS

typedef enum
{
  PS_TERMINATE_EXITED,             /* the process is gone (pidfd readable) */
  PS_TERMINATE_STILL_RUNNING,      /* signalled, still there after the timeout: offer Force Stop */
  PS_TERMINATE_ALREADY_EXITED,     /* gone before we signalled, or its PID was reused */
  PS_TERMINATE_NO_LONGER_HOLDS,    /* alive but no longer holds the socket: not signalled */
  PS_TERMINATE_REFUSED,            /* PID 1, a kernel thread, this app or its parent */
  PS_TERMINATE_PERMISSION_DENIED,  /* even the helper could not signal it */
  PS_TERMINATE_NOT_AUTHORIZED,     /* pkexec 127 */
  PS_TERMINATE_DISMISSED,          /* pkexec 126: the password prompt was cancelled */
  PS_TERMINATE_FAILED,             /* anything else; the GError says what */
} PsTerminateResult;

typedef enum
{
  PS_TERMINATE_PHASE_IDLE,
  PS_TERMINATE_PHASE_SIGNALLING,
  PS_TERMINATE_PHASE_AUTHENTICATING, /* pkexec is running */
  PS_TERMINATE_PHASE_WAITING,        /* signal sent, waiting on the pidfd */
  PS_TERMINATE_PHASE_DONE,
} PsTerminatePhase;

/* A plain-language sentence for RESULT (translated; static). */
const char *ps_terminate_result_to_string (PsTerminateResult result);

/* What End Process says, in the window and on the terminal alike.  NAME is
 * the process name already made visible (ps-text.h); caller frees.
 * Progress while in PHASE ("Waiting for “NAME” to exit…"), or NULL for the
 * phases that say nothing. */
char *ps_terminate_phase_describe (PsTerminatePhase  phase,
                                   const char       *name);
/* The sentence for RESULT of ending NAME, which held PORT; ERROR (nullable)
 * for PS_TERMINATE_FAILED.  NULL for PS_TERMINATE_STILL_RUNNING: each front
 * end offers Force Stop its own way. */
char *ps_terminate_result_describe (PsTerminateResult  result,
                                    const char        *name,
                                    guint              port,
                                    const GError      *error);

#define PS_TYPE_TERMINATE_TARGET (ps_terminate_target_get_type ())
G_DECLARE_FINAL_TYPE (PsTerminateTarget, ps_terminate_target, PS, TERMINATE_TARGET, GObject)

/* Properties: pid (int), phase (int PsTerminatePhase, read-only, notifies:
 * the progress to show), elevated (boolean, read-only: signals go through
 * pkexec since an EPERM). */

/* Pins (PID, START_TIME, INODE) now: a pidfd opened and verified (INODE 0 =
 * do not check the socket).  Never NULL: a pin that failed is remembered and
 * reported by ps_terminate_target_end_async without signalling anything.
 * Reads /proc/PID (a few small files): call it when a row is selected. */
PsTerminateTarget *ps_terminate_target_new (gint32  pid,
                                            guint64 start_time,
                                            guint64 inode);

/* A target known only to BACKEND's helper (a PsHelperBackend in host mode:
 * inside a Flatpak, host PIDs are invisible here).  No local pin: every
 * signal goes through `portscope-helper serve`, which pins and re-verifies
 * (PID, START_TIME, INODE) itself and waits for the exit (at most 10 s). */
PsTerminateTarget *ps_terminate_target_new_remote (PsBackend *backend,
                                                   gint32     pid,
                                                   guint64    start_time,
                                                   guint64    inode);

/* Sends what needs privilege (EPERM here) through BACKEND, a running
 * PsHelperBackend in privileged mode (the view is unlocked), instead of a new
 * pkexec.  NULL (or any other backend) keeps pkexec. */
void ps_terminate_target_set_backend (PsTerminateTarget *self,
                                      PsBackend         *backend);

gint32 ps_terminate_target_get_pid (PsTerminateTarget *self);
guint64 ps_terminate_target_get_inode (PsTerminateTarget *self);
PsTerminatePhase ps_terminate_target_get_phase (PsTerminateTarget *self);
gboolean ps_terminate_target_get_elevated (PsTerminateTarget *self);
/* Whether the pin at creation succeeded (else END reports why). */
gboolean ps_terminate_target_is_pinned (PsTerminateTarget *self);
/* Whether the pinned process has exited (pidfd readable); never blocks. */
gboolean ps_terminate_target_has_exited (PsTerminateTarget *self);

/* Re-verifies the pin and sends SIGTERM (and SIGCONT when stopped) from a
 * worker thread; on EPERM runs `pkexec HELPER terminate PID START INODE TERM`
 * ($PORTSCOPE_PKEXEC and $PORTSCOPE_HELPER override both paths); then waits on
 * the pidfd for up to TIMEOUT_SECONDS.  Never sends SIGKILL.  The result is
 * EXITED only when the process is gone.  One operation at a time. */
void ps_terminate_target_end_async (PsTerminateTarget   *self,
                                    guint                timeout_seconds,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* Returns the result; ERROR (nullable) is set for PS_TERMINATE_FAILED and
 * carries the helper's or pkexec's explanation for the other failures. */
PsTerminateResult ps_terminate_target_end_finish (PsTerminateTarget  *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

/* Force Stop, only when the user asks: the same re-verification, then SIGKILL
 * (through pkexec when the target is elevated), then the same wait. */
void ps_terminate_target_force_stop_async (PsTerminateTarget   *self,
                                           guint                timeout_seconds,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
PsTerminateResult ps_terminate_target_force_stop_finish (PsTerminateTarget  *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

/* What End Process offers for OWNER of SOCKET. */
typedef enum
{
  PS_END_ACTION_END_PROCESS,
  PS_END_ACTION_STOP_SERVICE,      /* *DETAIL: the unit; *USER_UNIT: session bus */
  PS_END_ACTION_SOCKET_ACTIVATED,  /* held by systemd (PID 1, or systemd --user: *USER_UNIT)
                                    * and no .service found: find the .socket unit */
  PS_END_ACTION_CONTAINER,         /* *DETAIL: the container ("docker:abc…") or the runtime's name */
  PS_END_ACTION_REFUSED,           /* PID <= 1 otherwise, this app */
} PsEndAction;

/* Decides what to offer.  DETAIL (nullable out, caller frees) and USER_UNIT
 * (nullable out) as documented above.  OWNER may be NULL (no visible owner). */
PsEndAction ps_terminate_classify (const PsSocket *socket,
                                   const PsOwner  *owner,
                                   char          **detail,
                                   gboolean       *user_unit);

/* TRUE for the session's own processes (shell, compositor, systemd --user,
 * the bus, audio, display manager): ending them logs the user out or worse. */
gboolean ps_terminate_is_session_critical (const PsOwner *owner);

/* org.freedesktop.systemd1.Manager.StopUnit (UNIT, "replace") on the system
 * bus, or the session bus when USER_UNIT.  Interactive authorization allowed
 * (systemd's own polkit check).  A missing bus gives a clear error. */
void ps_terminate_stop_unit_async (const char          *unit,
                                   gboolean             user_unit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean ps_terminate_stop_unit_finish (GAsyncResult  *result,
                                        GError       **error);

/* Finds the systemd ".socket" unit that listens on SOCKET's port with its
 * protocol (Stream for TCP, Datagram for UDP): ListUnitsByPatterns then each
 * unit's Listen property, on the system bus or the session bus when
 * USER_UNIT.  Returns the unit name (caller frees), or NULL with ERROR
 * (G_IO_ERROR_NOT_FOUND when no unit listens there). */
void ps_terminate_find_socket_unit_async (const PsSocket      *socket,
                                          gboolean             user_unit,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char *ps_terminate_find_socket_unit_finish (GAsyncResult  *result,
                                            GError       **error);

/* Asks MONITOR for a refresh with a full owner walk and returns the first
 * snapshot of a scan that started after this call (a scan in flight is
 * skipped).  When KEY is not NULL and UNTIL_FREE is TRUE, it keeps refreshing
 * until no socket matches KEY or the deadline passes.  Fails with
 * G_IO_ERROR_TIMED_OUT after DEADLINE_MS. */
void ps_terminate_rescan_async (PsMonitor           *monitor,
                                const PsSocket      *key,
                                gboolean             until_free,
                                guint                deadline_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
PsSnapshot *ps_terminate_rescan_finish (GAsyncResult  *result,
                                        GError       **error);

/* Whether SNAPSHOT still has a socket on KEY's protocol, family, local address
 * and port (any inode).  Returns that socket (owned by SNAPSHOT) or NULL. */
const PsSocket *ps_terminate_find_holder (PsSnapshot     *snapshot,
                                          const PsSocket *key);

G_END_DECLS

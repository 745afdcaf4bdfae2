/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-pin.h: a process pinned by pidfd, and its safe termination. libc only. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A target the user chose: the pidfd opened when they selected it, plus the
 * identity it must still have when we signal it. */
typedef struct
{
  int pidfd;                /* -1 when pidfd_open is unavailable (pre-5.3 kernel) */
  int32_t pid;
  uint64_t start_time;
  uint64_t inode;           /* socket inode it must still hold; 0 = do not check */
} PsPin;

/* Results beyond -errno. */
enum
{
  PS_PIN_OK = 0,
  PS_PIN_GONE = 1,          /* the pinned process exited (or the PID was reused) */
  PS_PIN_NO_LONGER_HOLDS = 2, /* alive, but no longer holds the socket inode */
  PS_PIN_REFUSED = 3,       /* PID <= 1, a kernel thread, ourselves or our parent */
};

/* PROC_ROOT NULL means "/proc" everywhere below.  The pidfd always refers to
 * the caller's PID namespace, so PROC_ROOT must show that namespace. */

/* Opens a pidfd for PID FIRST, then checks through /proc that the process it
 * refers to has START_TIME (so the pidfd is the process the user saw), is not
 * a refused target, and holds INODE when non-zero.  When INODE cannot be
 * checked here (-EACCES: another user's process) the pin still opens: then
 * ps_pin_signal returns -EPERM and the privileged helper re-verifies.
 * Returns PS_PIN_OK, PS_PIN_GONE, PS_PIN_NO_LONGER_HOLDS, PS_PIN_REFUSED, or
 * -errno.  On PS_PIN_OK the caller owns PIN (ps_pin_close); on any other
 * result PIN->pidfd is -1 and nothing needs closing. */
int ps_pin_open (PsPin      *pin,
                 const char *proc_root,
                 int32_t     pid,
                 uint64_t    start_time,
                 uint64_t    inode);

/* Re-verifies the pin right before signalling (alive through the pidfd, same
 * start time, still holds the inode), then sends SIG (only SIGTERM, SIGKILL
 * or SIGCONT; else -EINVAL) through pidfd_send_signal.  SIGTERM is followed by
 * SIGCONT when the target is stopped (state T or t).  Without pidfd support it
 * falls back to kill() right after re-reading the start time: the PID-reuse
 * race is then narrower, not closed.  Returns PS_PIN_OK, PS_PIN_GONE,
 * PS_PIN_NO_LONGER_HOLDS, PS_PIN_REFUSED, or -errno (-EPERM: another user's
 * process, or one whose sockets we may not read: nothing was sent). */
int ps_pin_signal (const PsPin *pin,
                   const char  *proc_root,
                   int          sig);

/* Returns 1 when the pinned process has exited (pidfd readable; without a
 * pidfd: /proc/PID is gone or has another start time), 0 when alive. */
int ps_pin_has_exited (const PsPin *pin);

/* Closes the pidfd; the pin is unusable afterwards.  Safe to call twice. */
void ps_pin_close (PsPin *pin);

/* Returns PS_PIN_REFUSED for targets never to be signalled (PID <= 1, kernel
 * threads, the caller, the caller's parent), PS_PIN_OK otherwise, or -errno
 * when /proc/PID/stat cannot be read (-ENOENT or -ESRCH: gone). */
int ps_pin_check_target (const char *proc_root,
                         int32_t     pid);

/* Thin wrappers of the system calls (no glibc wrappers on Debian 12).
 * Return what the syscall returns, errno set. */
int ps_pidfd_open (int32_t  pid,
                   unsigned flags);
int ps_pidfd_send_signal (int      pidfd,
                          int      sig,
                          unsigned flags);

#ifdef __cplusplus
}
#endif

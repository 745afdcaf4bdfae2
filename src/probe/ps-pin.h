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

/* Opens a pidfd for PID and checks it still has START_TIME (and holds INODE
 * when non-zero).  Returns PS_PIN_OK, PS_PIN_GONE, PS_PIN_NO_LONGER_HOLDS,
 * PS_PIN_REFUSED, or -errno.  On PS_PIN_OK the caller owns PIN (ps_pin_close). */
int ps_pin_open (PsPin      *pin,
                 const char *proc_root,
                 int32_t     pid,
                 uint64_t    start_time,
                 uint64_t    inode);

/* Re-verifies the pin (alive through the pidfd, same start time, still holds
 * the inode), then sends SIG through pidfd_send_signal.  SIGTERM also sends
 * SIGCONT when the target is stopped.  Returns PS_PIN_OK, PS_PIN_GONE,
 * PS_PIN_NO_LONGER_HOLDS, or -errno (-EPERM: another user's process). */
int ps_pin_signal (const PsPin *pin,
                   const char  *proc_root,
                   int          sig);

/* Returns 1 when the pinned process has exited (pidfd readable), 0 when alive. */
int ps_pin_has_exited (const PsPin *pin);

/* Closes the pidfd; the pin is unusable afterwards. */
void ps_pin_close (PsPin *pin);

/* Returns PS_PIN_REFUSED for targets never to be signalled (PID <= 1, kernel
 * threads, the caller, the caller's parent), else PS_PIN_OK. */
int ps_pin_check_target (const char *proc_root,
                         int32_t     pid);

#ifdef __cplusplus
}
#endif

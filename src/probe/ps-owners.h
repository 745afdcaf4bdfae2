/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-owners.h: which processes hold which socket inodes (/proc/PID/fd). libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ps-sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counters of one owner scan. */
typedef struct
{
  unsigned full_walks;      /* walks of every /proc/PID/fd */
  unsigned partial_walks;   /* early-exit walks for new inodes */
  unsigned pids_scanned;
  unsigned fds_scanned;
  unsigned pids_denied;     /* EACCES/EPERM on PID/fd: another user's process */
  unsigned pids_vanished;   /* ENOENT/ESRCH: exited during the walk */
  unsigned unresolved;      /* inodes with no owner found */
} PsOwnerStats;

/* Keeps inode -> PIDs between scans (an open-addressing hash map), and skips
 * the /proc walk when no socket inode is new.  Not thread-safe: one scanner
 * owns it. */
typedef struct PsOwnerTracker PsOwnerTracker;

/* Returns a new tracker (caller frees with ps_owner_tracker_free), or NULL on ENOMEM.
 * PROC_ROOT NULL means "/proc" (or $PORTSCOPE_PROC_ROOT when set). */
PsOwnerTracker *ps_owner_tracker_new (const char *proc_root);
void ps_owner_tracker_free (PsOwnerTracker *tracker);

/* Brings the map up to date for SOCKETS: resolves inodes not seen before
 * (early-exit walk), forgets inodes that vanished.  FORCE_FULL does a full walk.
 * Inodes a full walk could not resolve are remembered and do not trigger
 * another walk.  A full walk also happens when the last one is older than
 * PS_OWNER_FULL_WALK_INTERVAL seconds.  STATS (nullable) receives the counters
 * of this call.  Returns 0 or -errno. */
int ps_owner_tracker_update (PsOwnerTracker           *tracker,
                             const PsProbeSocketArray *sockets,
                             int                       force_full,
                             PsOwnerStats             *stats);

#define PS_OWNER_FULL_WALK_INTERVAL 300

/* The full walk runs on up to 4 threads (one per CPU); PORTSCOPE_WALK_THREADS=N
 * overrides the count (tests, benchmarks). */

/* Looks up INODE.  Returns the number of owning PIDs and sets *PIDS to an array
 * owned by the tracker, valid until the next update or forget_pid.  0 when
 * unknown.  After a full walk the PIDs are sorted. */
size_t ps_owner_tracker_lookup (const PsOwnerTracker *tracker,
                                uint64_t              inode,
                                const int32_t       **pids);

/* Tells the tracker that PID is gone (its /proc entry vanished): inodes lose
 * it, and those left without any owner are looked for again at the next
 * update (a daemon that forked and exited leaves its socket to the child). */
void ps_owner_tracker_forget_pid (PsOwnerTracker *tracker,
                                  int32_t         pid);

/* Reads the socket inodes held by PID (for End Process re-checks).
 * Returns 1 if PID holds INODE, 0 if not, or -errno (-ESRCH when gone). */
int ps_owner_pid_holds_inode (const char *proc_root,
                              int32_t     pid,
                              uint64_t    inode);

/* Parses a readlink target "socket:[12345]".  Returns 1 and sets *INODE, or 0. */
int ps_owner_parse_socket_link (const char *target,
                                size_t      len,
                                uint64_t   *inode);

#ifdef __cplusplus
}
#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-scan.h: one whole scan (sockets, their owners' facts, user names) as a
 * SCAN_REPLY message.  libc only.  The helper sends it over the wire;
 * `portscope --list` (no GLib) prints it. */
#pragma once

#include <stdint.h>

#include "ps-owners.h"
#include "ps-sockets.h"
#include "ps-wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Dumps the sockets (PS_WIRE_SCAN_* FLAGS: listening TCP or, with
 * CONNECTIONS, every TCP state; bound UDP; both families) and, unless
 * NO_OWNERS, finds their owners with *TRACKER (created on first use, kept by
 * the caller between scans; free with ps_owner_tracker_free) and reads each
 * owner's facts below PROC_ROOT (NULL: /proc).  Fills REPLY (zeroed by the
 * caller; clear it with ps_wire_message_clear whatever the result): sockets
 * in dump order, each with the PIDs whose facts could be read; processes;
 * the names of the uids of sockets and processes from the user table
 * ($PORTSCOPE_PASSWD or /etc/passwd); OWNERS_COMPLETE when the owner walk
 * worked.  Returns 0 or -errno. */
int ps_scan_build_reply (PsOwnerTracker **tracker,
                         const char      *proc_root,
                         uint32_t         flags,
                         PsWireMessage   *reply);

/* The stable sort key of sockets (the snapshot's order): protocol, family,
 * local address, port, inode, then remote address and port. */
int ps_probe_socket_compare (const PsProbeSocket *a,
                             const PsProbeSocket *b);

#ifdef __cplusplus
}
#endif

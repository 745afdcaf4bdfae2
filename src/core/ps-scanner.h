/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ps-snapshot.h"

G_BEGIN_DECLS

typedef enum
{
  PS_SCAN_DEFAULT = 0,
  PS_SCAN_CONNECTIONS = 1 << 0,  /* all TCP states, not only LISTEN */
  PS_SCAN_FULL_WALK = 1 << 1,    /* force a full /proc walk (refresh on request) */
  PS_SCAN_NO_OWNERS = 1 << 2,    /* sockets only: the fast first paint */
} PsScanFlags;

/* Per-scan counters (for --bench and tests). */
typedef struct
{
  guint n_sockets;
  guint full_walks;
  guint partial_walks;
  guint pids_denied;
  gint64 dump_usec;
  gint64 owners_usec;
  gint64 facts_usec;
  guint fds_scanned;        /* fds the owner walk read (0 when it did not walk) */
} PsScanStats;

/* The in-process scanner: probe's socket dump, owner tracker (kept between
 * scans: the steady state skips the /proc walk), process facts cache and the
 * user table.  Used by one thread at a time (the monitor's worker). */
typedef struct _PsScanner PsScanner;

PsScanner *ps_scanner_new (void);
void ps_scanner_free (PsScanner *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsScanner, ps_scanner_free)

/* Returns a sorted snapshot (caller owns), or NULL with ERROR set.
 * STATS nullable. */
PsSnapshot *ps_scanner_scan (PsScanner   *self,
                             PsScanFlags  flags,
                             PsScanStats *stats,
                             GError     **error);

G_END_DECLS

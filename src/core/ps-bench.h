/* SPDX-License-Identifier: GPL-3.0-or-later */
/* In-process benchmark figures for `portscope --bench=SPEC` (bench/run reads them). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs the in-process benchmark on this machine's sockets and prints one JSON
 * object on stdout.  SPEC is a comma-separated list (NULL, "" or "all": the
 * defaults, cold=5,steady=30):
 *   cold=N        N cold scans, each with a new scanner (full /proc walk)
 *   steady=N      N refreshes back to back on one warm scanner (no change expected)
 *   churn=SECONDS refreshes every interval for SECONDS (run it under churn),
 *                 then the owner tracker alone for SECONDS / 2: fds read per walk
 *   interval=MS   the churn refresh interval (default 1000)
 * A kind left out is not run.  Returns 0, 1 when a scan fails, or 2 with a
 * one-line reason on stderr when SPEC is malformed. */
int ps_bench_main (const char *spec);

G_END_DECLS

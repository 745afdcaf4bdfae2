/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope --end PORT`: frees a port from a terminal or a script through
 * the window's backend and End Process engine (ps-terminate.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of --end (also in --help). */
typedef enum
{
  PS_CLI_END_FREED = 0,     /* the port is free (or was already) */
  PS_CLI_END_FAILED = 1,    /* not freed: still running, still held, owner not visible, an error */
  PS_CLI_END_USAGE = 2,     /* bad arguments, not confirmed, several processes and no --pid */
  PS_CLI_END_REFUSED = 3,   /* Portscope does not end it: PID 1, itself or its parent, a
                             * service (use systemctl), a container, a PID that does not
                             * hold the port; nothing was sent */
} PsCliEndStatus;

/* Runs `--end PORT_TEXT [--pid PID_TEXT] [--yes] [--force]`: scans with
 * ps_backend_new_default(), pins the process that listens on the port, asks
 * (a terminal on stdin) or needs YES, sends SIGTERM (and SIGCONT), waits, with
 * FORCE sends SIGKILL after the wait, and rescans to say whether the port is
 * free.  PID_TEXT (nullable) chooses among several processes.  Runs the
 * default main context until done.  Returns a PsCliEndStatus. */
int ps_cli_end_run (const char *port_text,
                    const char *pid_text,
                    gboolean    yes,
                    gboolean    force);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The headless CLI: --list, --json, --port, --all, --watch, --interval, --bench. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds the CLI's options to APP's main option group. */
void ps_cli_add_options (GApplication *app);

/* Called from GApplication::handle-local-options.  Returns an exit status when
 * the CLI handled the invocation (a --list, --watch or a bad argument: exit 2
 * with a one-line reason on stderr), or -1 to let the application go on (GUI).
 * Sets *PORT_OUT (nullable) to a bare PORT argument's value or -1. */
int ps_cli_handle_local_options (GApplication *app,
                                 GVariantDict *options,
                                 int          *port_out);

G_END_DECLS

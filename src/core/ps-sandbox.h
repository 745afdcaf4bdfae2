/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether Portscope runs inside a Flatpak sandbox, asked in one place. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The sandbox's description: /.flatpak-info, or $PORTSCOPE_FLATPAK_INFO
 * (tests: a fixture that makes this process behave as if sandboxed). */
const char *ps_sandbox_info_path (void);

/* Whether that file exists: the sockets are then the host's (shared
 * network) while the processes are only the sandbox's. */
gboolean ps_sandbox_is_flatpak (void);

G_END_DECLS

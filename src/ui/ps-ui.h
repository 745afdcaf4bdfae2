/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared set-up of the ui layer: resources and the types the .ui files name. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Registers the GResource bundle and every type named in a .ui file (once). */
void ps_ui_ensure_types (void);

G_END_DECLS

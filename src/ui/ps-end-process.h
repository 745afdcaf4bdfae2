/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The End Process flow: confirm, SIGTERM through a pin, wait, Force Stop,
 * report the truth; Stop Service for systemd units; explain containers. */
#pragma once

#include <adwaita.h>

#include "ps-backend.h"
#include "ps-monitor.h"
#include "ps-socket-item.h"

G_BEGIN_DECLS

/* Pins every owner of ITEM's socket now (call when the row is selected): the
 * pidfds are opened and verified on a worker thread, so this never blocks.
 * Returns an opaque pin set (free with ps_end_process_pins_free; a flow in
 * progress keeps what it needs). */
typedef struct _PsEndProcessPins PsEndProcessPins;
PsEndProcessPins *ps_end_process_pin (PsSocketItem *item);
void ps_end_process_pins_free (PsEndProcessPins *pins);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsEndProcessPins, ps_end_process_pins_free)

/* Starts the flow for ITEM with the pins taken at selection (PINS may be NULL:
 * then pins are taken now).  Dialogs are transient for PARENT; progress and
 * results go to TOASTS.  After the process exits, MONITOR (nullable) is asked
 * (a PsMonitor) is asked for a refresh and its next snapshot says whether
 * the port is free. */
void ps_end_process_run (GtkWindow        *parent,
                         AdwToastOverlay  *toasts,
                         gpointer          monitor,
                         PsSocketItem     *item,
                         PsEndProcessPins *pins);

G_END_DECLS

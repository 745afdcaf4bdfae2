/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A backend answers scans and terminations.  Three transports, one contract:
 * in-process (probe), the privileged helper (pkexec), the Flatpak host helper. */
#pragma once

#include <gio/gio.h>

#include "ps-scanner.h"
#include "ps-snapshot.h"

G_BEGIN_DECLS

#define PS_TYPE_BACKEND (ps_backend_get_type ())
G_DECLARE_INTERFACE (PsBackend, ps_backend, PS, BACKEND, GObject)

typedef enum
{
  PS_BACKEND_KIND_LOCAL,       /* in-process, as the user */
  PS_BACKEND_KIND_PRIVILEGED,  /* pkexec portscope-helper serve */
  PS_BACKEND_KIND_HOST,        /* flatpak-spawn --host portscope-helper serve */
} PsBackendKind;

struct _PsBackendInterface
{
  GTypeInterface parent_iface;

  /* Called on the monitor's worker thread, one call at a time. */
  PsSnapshot *(*scan)      (PsBackend     *self,
                            PsScanFlags    flags,
                            PsScanStats   *stats,
                            GCancellable  *cancellable,
                            GError       **error);
  PsBackendKind (*get_kind) (PsBackend    *self);
};

PsSnapshot *ps_backend_scan (PsBackend     *self,
                             PsScanFlags    flags,
                             PsScanStats   *stats,
                             GCancellable  *cancellable,
                             GError       **error);
PsBackendKind ps_backend_get_kind (PsBackend *self);

/* The in-process backend (wraps a PsScanner behind a mutex). */
#define PS_TYPE_LOCAL_BACKEND (ps_local_backend_get_type ())
G_DECLARE_FINAL_TYPE (PsLocalBackend, ps_local_backend, PS, LOCAL_BACKEND, GObject)

PsBackend *ps_local_backend_new (void);

/* Chooses the backend for this process: $PORTSCOPE_BACKEND ("local",
 * "privileged", "host") forces one; otherwise "host" inside a Flatpak, else
 * "local".  Returns a new reference. */
PsBackend *ps_backend_new_default (void);

G_END_DECLS

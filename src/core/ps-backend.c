/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-backend.h"
#include "ps-helper-backend.h"
#include "ps-sandbox.h"

G_DEFINE_INTERFACE (PsBackend, ps_backend, G_TYPE_OBJECT)

static PsBackendKind
ps_backend_real_get_kind (PsBackend *self)
{
  return PS_BACKEND_KIND_LOCAL;
}

static void
ps_backend_default_init (PsBackendInterface *iface)
{
  iface->get_kind = ps_backend_real_get_kind;
}

PsSnapshot *
ps_backend_scan (PsBackend     *self,
                 PsScanFlags    flags,
                 PsScanStats   *stats,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PsBackendInterface *iface;

  g_return_val_if_fail (PS_IS_BACKEND (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = PS_BACKEND_GET_IFACE (self);
  g_return_val_if_fail (iface->scan != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return iface->scan (self, flags, stats, cancellable, error);
}

PsBackendKind
ps_backend_get_kind (PsBackend *self)
{
  g_return_val_if_fail (PS_IS_BACKEND (self), PS_BACKEND_KIND_LOCAL);

  return PS_BACKEND_GET_IFACE (self)->get_kind (self);
}

/* PsLocalBackend: the in-process scanner, one scan at a time. */

struct _PsLocalBackend
{
  GObject parent_instance;

  GMutex mutex;
  PsScanner *scanner;       /* guarded by mutex */
};

static void ps_local_backend_iface_init (PsBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsLocalBackend, ps_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PS_TYPE_BACKEND, ps_local_backend_iface_init))

static PsSnapshot *
ps_local_backend_scan (PsBackend     *backend,
                       PsScanFlags    flags,
                       PsScanStats   *stats,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PsLocalBackend *self = PS_LOCAL_BACKEND (backend);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (self->scanner == NULL)
    self->scanner = ps_scanner_new ();

  return ps_scanner_scan (self->scanner, flags, stats, error);
}

static PsBackendKind
ps_local_backend_get_kind (PsBackend *backend)
{
  return PS_BACKEND_KIND_LOCAL;
}

static void
ps_local_backend_iface_init (PsBackendInterface *iface)
{
  iface->scan = ps_local_backend_scan;
  iface->get_kind = ps_local_backend_get_kind;
}

static void
ps_local_backend_finalize (GObject *object)
{
  PsLocalBackend *self = PS_LOCAL_BACKEND (object);

  g_clear_pointer (&self->scanner, ps_scanner_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ps_local_backend_parent_class)->finalize (object);
}

static void
ps_local_backend_class_init (PsLocalBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ps_local_backend_finalize;
}

static void
ps_local_backend_init (PsLocalBackend *self)
{
  g_mutex_init (&self->mutex);
}

PsBackend *
ps_local_backend_new (void)
{
  return g_object_new (PS_TYPE_LOCAL_BACKEND, NULL);
}

PsBackend *
ps_backend_new_default (void)
{
  const char *name = g_getenv ("PORTSCOPE_BACKEND");

  if (name == NULL || *name == '\0')
    name = ps_sandbox_is_flatpak () ? "host" : "local";

  if (g_str_equal (name, "local"))
    return ps_local_backend_new ();

  if (g_str_equal (name, "host"))
    return ps_helper_backend_new (PS_HELPER_MODE_HOST);
  if (g_str_equal (name, "privileged"))
    return ps_helper_backend_new (PS_HELPER_MODE_PRIVILEGED);

  g_message ("Unknown backend “%s” in PORTSCOPE_BACKEND (local, privileged, host): "
             "using the in-process backend", name);
  return ps_local_backend_new ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stop Service and socket activation, through systemd's D-Bus API (the
 * systemd half of ps-terminate.h). */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ps-terminate.h"

/* Stop Service. */

typedef struct
{
  char *unit;
  gboolean user_unit;
} StopUnitData;

static void
stop_unit_data_free (gpointer data)
{
  StopUnitData *d = data;

  g_free (d->unit);
  g_free (d);
}

static void
stop_unit_call_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
stop_unit_bus_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  StopUnitData *d = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               d->user_unit
                               ? _("Could not reach the session bus to stop the service: %s")
                               : _("Could not reach the system bus to stop the service: %s"),
                               error->message);
      return;
    }
  g_dbus_connection_call (bus,
                          "org.freedesktop.systemd1",
                          "/org/freedesktop/systemd1",
                          "org.freedesktop.systemd1.Manager",
                          "StopUnit",
                          g_variant_new ("(ss)", d->unit, "replace"),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          -1,
                          g_task_get_cancellable (task),
                          stop_unit_call_cb,
                          g_object_ref (task));
}

void
ps_terminate_stop_unit_async (const char          *unit,
                              gboolean             user_unit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StopUnitData *d;

  g_return_if_fail (unit != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_terminate_stop_unit_async);
  d = g_new0 (StopUnitData, 1);
  d->unit = g_strdup (unit);
  d->user_unit = user_unit;
  g_task_set_task_data (task, d, stop_unit_data_free);
  g_bus_get (user_unit ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, cancellable,
             stop_unit_bus_cb, g_object_ref (task));
}

gboolean
ps_terminate_stop_unit_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The .socket unit of a socket-activated port. */

typedef struct
{
  GDBusConnection *bus;
  PsProtocol protocol;
  guint16 port;
  GPtrArray *units;         /* of char*: names */
  GPtrArray *paths;         /* of char*: object paths */
  guint next;
} FindSocket;

static void
find_socket_free (gpointer data)
{
  FindSocket *f = data;

  g_clear_object (&f->bus);
  g_clear_pointer (&f->units, g_ptr_array_unref);
  g_clear_pointer (&f->paths, g_ptr_array_unref);
  g_free (f);
}

/* Whether a Listen entry (TYPE, ADDRESS) of a socket unit is PORT/PROTOCOL:
 * "80", "0.0.0.0:80", "[::]:80", "127.0.0.1:8080"; paths and the like never. */
static gboolean
listen_matches (const char *type,
                const char *address,
                PsProtocol  protocol,
                guint16     port)
{
  const char *colon;
  const char *digits;
  guint64 value;

  if ((protocol == PS_PROTOCOL_TCP && g_strcmp0 (type, "Stream") != 0)
      || (protocol == PS_PROTOCOL_UDP && g_strcmp0 (type, "Datagram") != 0))
    return FALSE;
  if (address == NULL || address[0] == '/' || address[0] == '@')
    return FALSE;
  colon = strrchr (address, ':');
  digits = colon != NULL ? colon + 1 : address;
  if (!g_ascii_string_to_unsigned (digits, 10, 1, 65535, &value, NULL))
    return FALSE;
  return value == port;
}

static void find_socket_next (GTask *task);

static void
find_socket_listen_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr(GTask) task = data;
  FindSocket *f = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) listen = NULL;
  GVariantIter iter;
  const char *type;
  const char *address;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  if (reply != NULL)
    {
      g_variant_get (reply, "(v)", &listen);
      if (g_variant_is_of_type (listen, G_VARIANT_TYPE ("a(ss)")))
        {
          g_variant_iter_init (&iter, listen);
          while (g_variant_iter_next (&iter, "(&s&s)", &type, &address))
            if (listen_matches (type, address, f->protocol, f->port))
              {
                g_task_return_pointer (task, g_strdup (g_ptr_array_index (f->units, f->next - 1)), g_free);
                return;
              }
        }
    }
  find_socket_next (g_steal_pointer (&task));
}

static void
find_socket_next (GTask *task)
{
  FindSocket *f = g_task_get_task_data (task);
  const char *path;

  if (f->next >= f->paths->len)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No systemd socket unit listens on port %u"), f->port);
      g_object_unref (task);
      return;
    }
  path = g_ptr_array_index (f->paths, f->next++);
  g_dbus_connection_call (f->bus, "org.freedesktop.systemd1", path,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", "org.freedesktop.systemd1.Socket", "Listen"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), find_socket_listen_cb, task);
}

static void
find_socket_list_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  GTask *task = data;
  FindSocket *f = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  const char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_variant_get (reply, "(a(ssssssouso))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&s&s&s&s&ou&s&o)", &name, NULL, NULL, NULL, NULL, NULL,
                              &path, NULL, NULL, NULL))
    {
      g_ptr_array_add (f->units, g_strdup (name));
      g_ptr_array_add (f->paths, g_strdup (path));
    }
  find_socket_next (task);
}

static void
find_socket_bus_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  GTask *task = data;
  FindSocket *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *states[] = { NULL };
  const char *patterns[] = { "*.socket", NULL };

  f->bus = g_bus_get_finish (result, &error);
  if (f->bus == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Could not reach systemd: %s"), error->message);
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (f->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                          "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns",
                          g_variant_new ("(^as^as)", (char **) states, (char **) patterns),
                          G_VARIANT_TYPE ("(a(ssssssouso))"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), find_socket_list_cb, task);
}

void
ps_terminate_find_socket_unit_async (const PsSocket      *socket,
                                     gboolean             user_unit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  FindSocket *f;

  g_return_if_fail (socket != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_terminate_find_socket_unit_async);
  f = g_new0 (FindSocket, 1);
  f->protocol = socket->protocol;
  f->port = socket->port;
  f->units = g_ptr_array_new_with_free_func (g_free);
  f->paths = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, f, find_socket_free);
  /* TASK's reference travels through the callbacks. */
  g_bus_get (user_unit ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, cancellable, find_socket_bus_cb, task);
}

char *
ps_terminate_find_socket_unit_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}


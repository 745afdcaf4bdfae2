/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ps-json.h"

/* Text from processes is emitted as is when it is valid UTF-8 (json-glib
 * escapes the control characters JSON requires); each invalid byte sequence is
 * replaced by U+FFFD (g_utf8_make_valid), so the output is always valid UTF-8
 * and a consumer never has to guess whether a backslash came from us. */
static void
add_untrusted (JsonBuilder *builder,
               const char  *member,
               const char  *text)
{
  if (member != NULL)
    json_builder_set_member_name (builder, member);
  if (text == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  if (g_utf8_validate (text, -1, NULL))
    {
      json_builder_add_string_value (builder, text);
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      json_builder_add_string_value (builder, valid);
    }
}

static void
add_owner (JsonBuilder   *builder,
           const PsOwner *owner)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, owner->pid);
  add_untrusted (builder, "name", owner->name != NULL ? owner->name : "");
  json_builder_set_member_name (builder, "cmdline");
  json_builder_begin_array (builder);
  for (guint i = 0; owner->argv != NULL && owner->argv[i] != NULL; i++)
    add_untrusted (builder, NULL, owner->argv[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, owner->uid);
  add_untrusted (builder, "user", owner->user);
  json_builder_set_member_name (builder, "start_time");
  json_builder_add_int_value (builder, (gint64) owner->start_time);
  add_untrusted (builder, "unit", owner->unit);
  add_untrusted (builder, "container", owner->container);
  json_builder_end_object (builder);
}

const char *
ps_json_state_name (const PsSocket *socket)
{
  g_return_val_if_fail (socket != NULL, NULL);

  if (socket->protocol == PS_PROTOCOL_UDP)
    return socket->state == TCP_ESTABLISHED ? "connected" : "unconnected";
  return ps_socket_state_to_string (socket->state);
}

static gboolean
is_connection (const PsSocket *socket)
{
  if (socket->protocol == PS_PROTOCOL_TCP)
    return socket->state != TCP_LISTEN;
  return socket->state == TCP_ESTABLISHED;
}

static void
add_socket (JsonBuilder    *builder,
            const PsSocket *socket)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, ps_protocol_to_string (socket->protocol));
  json_builder_set_member_name (builder, "family");
  json_builder_add_string_value (builder, ps_family_to_string (socket->family));
  add_untrusted (builder, "address", socket->address_text != NULL ? socket->address_text : "");
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, socket->port);
  if (is_connection (socket))
    {
      char buf[INET6_ADDRSTRLEN] = "";

      inet_ntop (socket->family, socket->remote_address, buf, sizeof buf);
      json_builder_set_member_name (builder, "remote_address");
      json_builder_add_string_value (builder, buf);
      json_builder_set_member_name (builder, "remote_port");
      json_builder_add_int_value (builder, socket->remote_port);
    }
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, ps_json_state_name (socket));
  json_builder_set_member_name (builder, "inode");
  json_builder_add_int_value (builder, (gint64) socket->inode);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, socket->uid);
  add_untrusted (builder, "user", socket->user);
  json_builder_set_member_name (builder, "v6only");
  if (socket->family == AF_INET6 && socket->v6only <= 1)
    json_builder_add_boolean_value (builder, socket->v6only == 1);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "owners");
  json_builder_begin_array (builder);
  for (guint i = 0; i < socket->owners->len; i++)
    add_owner (builder, g_ptr_array_index (socket->owners, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "owner_hidden");
  switch (socket->owner_hidden)
    {
    case PS_OWNER_HIDDEN_OTHER_USER:
      json_builder_add_string_value (builder, "other-user");
      break;
    case PS_OWNER_HIDDEN_SANDBOX:
      json_builder_add_string_value (builder, "sandbox");
      break;
    case PS_OWNER_VISIBLE:
    default:
      json_builder_add_null_value (builder);
      break;
    }
  json_builder_end_object (builder);
}

JsonNode *
ps_json_socket_to_node (const PsSocket *socket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (socket != NULL, NULL);

  add_socket (builder, socket);
  return json_builder_get_root (builder);
}

JsonNode *
ps_json_snapshot_to_node (const PsSnapshot *snapshot,
                          int               port)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n;

  g_return_val_if_fail (snapshot != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "sockets");
  json_builder_begin_array (builder);
  n = ps_snapshot_get_n_sockets (snapshot);
  for (guint i = 0; i < n; i++)
    {
      const PsSocket *socket = ps_snapshot_get_socket (snapshot, i);

      if (port >= 0 && socket->port != port)
        continue;
      add_socket (builder, socket);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
node_to_string (JsonNode *node,
                gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

char *
ps_json_snapshot_to_string (const PsSnapshot *snapshot,
                            int               port,
                            gboolean          pretty)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);

  node = ps_json_snapshot_to_node (snapshot, port);
  return node_to_string (node, pretty);
}

char *
ps_json_event_to_string (const char     *event,
                         const PsSocket *socket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (socket != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  json_builder_set_member_name (builder, "socket");
  add_socket (builder, socket);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return node_to_string (node, FALSE);
}

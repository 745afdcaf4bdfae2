/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
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


/* The text output is written directly (no JsonNode tree): at 20,000 sockets
 * the tree and json-glib's generator cost ~100 MB and most of a second.  The
 * shape is json-glib's (pretty: two spaces, "key" : value), and strings are
 * escaped as RFC 8259 requires: json-glib 1.6 leaves U+001F unescaped. */
typedef struct
{
  GString *buf;
  gboolean pretty;
  guint depth;
  gboolean first;           /* no member or element yet at this depth */
} Writer;

static void
writer_newline (Writer *w)
{
  if (!w->pretty)
    return;
  g_string_append_c (w->buf, '\n');
  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->buf, "  ");
}

static void
writer_escaped (Writer     *w,
                const char *text)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;
  const char *p;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (w->buf, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (w->buf, "\\\""); break;
        case '\\': g_string_append (w->buf, "\\\\"); break;
        case '\b': g_string_append (w->buf, "\\b"); break;
        case '\f': g_string_append (w->buf, "\\f"); break;
        case '\n': g_string_append (w->buf, "\\n"); break;
        case '\r': g_string_append (w->buf, "\\r"); break;
        case '\t': g_string_append (w->buf, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              g_string_append (w->buf, "\\u00");
              g_string_append_c (w->buf, hex[c >> 4]);
              g_string_append_c (w->buf, hex[c & 0xf]);
            }
          else
            g_string_append_c (w->buf, (char) c);
          break;
        }
    }
  g_string_append_c (w->buf, '"');
}

/* Starts a member (KEY non-NULL) or an array element (KEY NULL). */
static void
writer_key (Writer     *w,
            const char *key)
{
  if (!w->first)
    g_string_append_c (w->buf, ',');
  w->first = FALSE;
  writer_newline (w);
  if (key != NULL)
    {
      g_string_append_c (w->buf, '"');
      g_string_append (w->buf, key);
      g_string_append (w->buf, w->pretty ? "\" : " : "\":");
    }
}

static void
writer_begin (Writer *w,
              char    open)
{
  g_string_append_c (w->buf, open);
  w->depth++;
  w->first = TRUE;
}

static void
writer_end (Writer *w,
            char    close)
{
  gboolean empty = w->first;

  w->depth--;
  w->first = FALSE;
  if (!empty)
    writer_newline (w);
  g_string_append_c (w->buf, close);
}

static void
writer_string (Writer     *w,
               const char *key,
               const char *value)
{
  writer_key (w, key);
  if (value == NULL)
    g_string_append (w->buf, "null");
  else
    writer_escaped (w, value);
}

static void
writer_int (Writer     *w,
            const char *key,
            gint64      value)
{
  writer_key (w, key);
  g_string_append_printf (w->buf, "%" G_GINT64_FORMAT, value);
}

static void
writer_literal (Writer     *w,
                const char *key,
                const char *literal)
{
  writer_key (w, key);
  g_string_append (w->buf, literal);
}

static void
write_owner (Writer        *w,
             const PsOwner *owner)
{
  writer_key (w, NULL);
  writer_begin (w, '{');
  writer_int (w, "pid", owner->pid);
  writer_string (w, "name", owner->name != NULL ? owner->name : "");
  writer_key (w, "cmdline");
  writer_begin (w, '[');
  for (guint i = 0; owner->argv != NULL && owner->argv[i] != NULL; i++)
    writer_string (w, NULL, owner->argv[i]);
  writer_end (w, ']');
  writer_int (w, "uid", owner->uid);
  writer_string (w, "user", owner->user);
  writer_int (w, "start_time", (gint64) owner->start_time);
  writer_string (w, "unit", owner->unit);
  writer_string (w, "container", owner->container);
  writer_end (w, '}');
}

static void
write_socket (Writer         *w,
              const char     *key,
              const PsSocket *socket)
{
  writer_key (w, key);
  writer_begin (w, '{');
  writer_string (w, "protocol", ps_protocol_to_string (socket->protocol));
  writer_string (w, "family", ps_family_to_string (socket->family));
  writer_string (w, "address", socket->address_text != NULL ? socket->address_text : "");
  writer_int (w, "port", socket->port);
  if (is_connection (socket))
    {
      char buf[INET6_ADDRSTRLEN] = "";

      inet_ntop (socket->family, socket->remote_address, buf, sizeof buf);
      writer_string (w, "remote_address", buf);
      writer_int (w, "remote_port", socket->remote_port);
    }
  writer_string (w, "state", ps_json_state_name (socket));
  writer_int (w, "inode", (gint64) socket->inode);
  writer_int (w, "uid", socket->uid);
  writer_string (w, "user", socket->user);
  if (socket->family == AF_INET6 && socket->v6only <= 1)
    writer_literal (w, "v6only", socket->v6only == 1 ? "true" : "false");
  else
    writer_literal (w, "v6only", "null");
  writer_key (w, "owners");
  writer_begin (w, '[');
  for (guint i = 0; i < socket->owners->len; i++)
    write_owner (w, g_ptr_array_index (socket->owners, i));
  writer_end (w, ']');
  switch (socket->owner_hidden)
    {
    case PS_OWNER_HIDDEN_OTHER_USER:
      writer_string (w, "owner_hidden", "other-user");
      break;
    case PS_OWNER_HIDDEN_SANDBOX:
      writer_string (w, "owner_hidden", "sandbox");
      break;
    case PS_OWNER_VISIBLE:
    default:
      writer_literal (w, "owner_hidden", "null");
      break;
    }
  writer_end (w, '}');
}

/* Writes the document into W; with OUT, flushes W's buffer to OUT every
 * FLUSH_SIZE bytes.  Returns FALSE on a write error. */
#define FLUSH_SIZE (64 * 1024)

static gboolean
flush_to (Writer *w,
          FILE   *out)
{
  if (out == NULL || w->buf->len == 0)
    return TRUE;
  if (fwrite (w->buf->str, 1, w->buf->len, out) != w->buf->len)
    return FALSE;
  g_string_truncate (w->buf, 0);
  return TRUE;
}

static gboolean
write_snapshot (Writer           *w,
                const PsSnapshot *snapshot,
                int               port,
                FILE             *out)
{
  guint n = ps_snapshot_get_n_sockets (snapshot);

  writer_begin (w, '{');
  writer_int (w, "version", 1);
  writer_key (w, "sockets");
  writer_begin (w, '[');
  for (guint i = 0; i < n; i++)
    {
      const PsSocket *socket = ps_snapshot_get_socket (snapshot, i);

      if (port >= 0 && socket->port != port)
        continue;
      write_socket (w, NULL, socket);
      if (w->buf->len >= FLUSH_SIZE && !flush_to (w, out))
        return FALSE;
    }
  writer_end (w, ']');
  writer_end (w, '}');
  return TRUE;
}

gboolean
ps_json_snapshot_write (const PsSnapshot *snapshot,
                        int               port,
                        gboolean          pretty,
                        FILE             *out)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), pretty, 0, TRUE };
  gboolean ok;

  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  ok = write_snapshot (&w, snapshot, port, out);
  if (ok)
    {
      g_string_append_c (w.buf, '\n');
      ok = flush_to (&w, out);
    }
  g_string_free (w.buf, TRUE);
  return ok;
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

char *
ps_json_snapshot_to_string (const PsSnapshot *snapshot,
                            int               port,
                            gboolean          pretty)
{
  Writer w = { g_string_new (NULL), pretty, 0, TRUE };

  g_return_val_if_fail (snapshot != NULL, NULL);

  write_snapshot (&w, snapshot, port, NULL);
  return g_string_free (w.buf, FALSE);
}

char *
ps_json_event_to_string (const char     *event,
                         const PsSocket *socket)
{
  Writer w = { g_string_new (NULL), FALSE, 0, TRUE };

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (socket != NULL, NULL);

  writer_begin (&w, '{');
  writer_string (&w, "event", event);
  write_socket (&w, "socket", socket);
  writer_end (&w, '}');
  return g_string_free (w.buf, FALSE);
}

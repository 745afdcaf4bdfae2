/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ps-json.h"

const char *
ps_json_state_name (const PsSocket *socket)
{
  PsListSocket view = { 0 };

  g_return_val_if_fail (socket != NULL, NULL);

  view.protocol = (guint8) socket->protocol;
  view.state = socket->state;
  return ps_list_state_name (&view);
}

/* PsSocket as the record of the shared writers (ps-list-format.h). */
void
ps_list_view_init (PsListView     *view,
                   const PsSocket *socket)
{
  guint n = socket->owners->len;
  PsListSocket *out = &view->socket;

  memset (view, 0, sizeof *view);
  view->owners = n <= G_N_ELEMENTS (view->stack) ? view->stack : g_new0 (PsListOwner, n);
  for (guint i = 0; i < n; i++)
    {
      const PsOwner *owner = g_ptr_array_index (socket->owners, i);
      PsListOwner *o = &view->owners[i];

      o->pid = owner->pid;
      o->uid = owner->uid;
      o->start_time = owner->start_time;
      o->name = owner->name;
      o->argv = (const char * const *) owner->argv;
      o->user = owner->user;
      o->unit = owner->unit;
      o->container = owner->container;
    }
  out->protocol = (guint8) socket->protocol;
  out->family = (guint8) socket->family;
  out->state = socket->state;
  out->v6only = socket->v6only;
  out->port = socket->port;
  out->remote_port = socket->remote_port;
  out->remote_address = socket->remote_address;
  out->uid = socket->uid;
  out->inode = socket->inode;
  out->user = socket->user;
  out->address_text = socket->address_text;
  out->owner_hidden = (int) socket->owner_hidden;
  out->owners = view->owners;
  out->n_owners = n;
}

void
ps_list_view_clear (PsListView *view)
{
  if (view->owners != view->stack)
    g_free (view->owners);
  view->owners = NULL;
}

/* The text output is written directly (no JsonNode tree) by the shared
 * writer, which `portscope --list --json` (no GLib) uses too: at 20,000
 * sockets json-glib's tree and generator cost ~100 MB and most of a second,
 * and json-glib 1.6 leaves U+001F unescaped. */
static void
write_socket (PsJsonWriter   *w,
              const char     *key,
              const PsSocket *socket)
{
  PsListView view;

  ps_list_view_init (&view, socket);
  ps_list_json_socket (w, key, &view.socket);
  ps_list_view_clear (&view);
}

/* Writes the document into W; with OUT, flushes W's buffer to OUT every
 * FLUSH_SIZE bytes.  Returns FALSE on a write error. */
#define FLUSH_SIZE (64 * 1024)

static gboolean
flush_to (PsJsonWriter *w,
          FILE         *out)
{
  if (out == NULL || w->buf->len == 0)
    return TRUE;
  if (fwrite (w->buf->data, 1, w->buf->len, out) != w->buf->len)
    return FALSE;
  ps_buf_truncate (w->buf, 0);
  return TRUE;
}

static gboolean
write_snapshot (PsJsonWriter     *w,
                const PsSnapshot *snapshot,
                int               port,
                FILE             *out)
{
  guint n = ps_snapshot_get_n_sockets (snapshot);

  ps_list_json_document_begin (w);
  for (guint i = 0; i < n; i++)
    {
      const PsSocket *socket = ps_snapshot_get_socket (snapshot, i);

      if (port >= 0 && socket->port != port)
        continue;
      write_socket (w, NULL, socket);
      if (w->buf->len >= FLUSH_SIZE && !flush_to (w, out))
        return FALSE;
    }
  ps_list_json_document_end (w);
  return TRUE;
}

gboolean
ps_json_snapshot_write (const PsSnapshot *snapshot,
                        int               port,
                        gboolean          pretty,
                        FILE             *out)
{
  PsBuf buf = { 0 };
  PsJsonWriter w;
  gboolean ok;

  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  ps_json_writer_init (&w, &buf, pretty);
  ok = write_snapshot (&w, snapshot, port, out);
  if (ok)
    {
      ps_buf_append_c (&buf, '\n');
      ok = flush_to (&w, out);
    }
  ps_buf_clear (&buf);
  return ok;
}

/* The nodes are parsed from the text the shared writer makes: one
 * definition of the format. */
static JsonNode *
node_from_buf (PsBuf *buf)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (buf->data, &error);

  if (node == NULL)
    g_critical ("The JSON writer made a document json-glib cannot read: %s", error->message);
  ps_buf_clear (buf);
  return node;
}

JsonNode *
ps_json_socket_to_node (const PsSocket *socket)
{
  PsBuf buf = { 0 };
  PsJsonWriter w;

  g_return_val_if_fail (socket != NULL, NULL);

  ps_json_writer_init (&w, &buf, FALSE);
  write_socket (&w, NULL, socket);
  return node_from_buf (&buf);
}

JsonNode *
ps_json_snapshot_to_node (const PsSnapshot *snapshot,
                          int               port)
{
  PsBuf buf = { 0 };
  PsJsonWriter w;

  g_return_val_if_fail (snapshot != NULL, NULL);

  ps_json_writer_init (&w, &buf, FALSE);
  write_snapshot (&w, snapshot, port, NULL);
  return node_from_buf (&buf);
}

char *
ps_json_snapshot_to_string (const PsSnapshot *snapshot,
                            int               port,
                            gboolean          pretty)
{
  PsBuf buf = { 0 };
  PsJsonWriter w;

  g_return_val_if_fail (snapshot != NULL, NULL);

  ps_json_writer_init (&w, &buf, pretty);
  write_snapshot (&w, snapshot, port, NULL);
  return ps_buf_steal (&buf);
}

char *
ps_json_event_to_string (const char     *event,
                         const PsSocket *socket)
{
  PsBuf buf = { 0 };
  PsJsonWriter w;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (socket != NULL, NULL);

  ps_json_writer_init (&w, &buf, FALSE);
  ps_json_writer_begin (&w, '{');
  ps_json_writer_string (&w, "event", event);
  write_socket (&w, "socket", socket);
  ps_json_writer_end (&w, '}');
  return ps_buf_steal (&buf);
}

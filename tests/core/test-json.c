/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "ps-json.h"

static PsOwner *
hostile_owner (void)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = 4321;
  owner->ppid = 1;
  owner->uid = 1000;
  owner->start_time = G_GUINT64_CONSTANT (123456789012);
  owner->state = 'S';
  owner->name = g_strdup (") S 1 (\xff");
  g_strfreev (owner->argv);
  owner->argv = g_new0 (char *, 4);
  owner->argv[0] = g_strdup ("<b>x</b>");
  owner->argv[1] = g_strdup ("\x1b[2J\nnew\xe2\x80\xaeline");
  owner->argv[2] = g_strdup ("bad\xc3");
  owner->user = g_strdup ("alice");
  owner->unit = g_strdup ("app.service");
  owner->user_unit = TRUE;
  return owner;
}

static PsSnapshot *
make_snapshot (void)
{
  PsSnapshot *snapshot = ps_snapshot_new ();
  PsSocket *s;

  s = ps_snapshot_add (snapshot);
  s->protocol = PS_PROTOCOL_TCP;
  s->family = AF_INET;
  s->state = TCP_LISTEN;
  s->v6only = 2;
  s->port = 8080;
  s->address[0] = 127;
  s->address[3] = 1;
  s->inode = 5555;
  s->uid = 1000;
  s->user = g_strdup ("alice");
  s->address_text = g_strdup ("127.0.0.1");
  g_ptr_array_add (s->owners, hostile_owner ());

  s = ps_snapshot_add (snapshot);
  s->protocol = PS_PROTOCOL_UDP;
  s->family = AF_INET6;
  s->state = TCP_CLOSE;
  s->v6only = 1;
  s->port = 5353;
  s->inode = 6666;
  s->uid = 0;
  s->address_text = g_strdup ("::");
  s->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;

  s = ps_snapshot_add (snapshot);
  s->protocol = PS_PROTOCOL_TCP;
  s->family = AF_INET6;
  s->state = TCP_LISTEN;
  s->v6only = 0;
  s->port = 22;
  s->inode = 7777;
  s->address[15] = 1;
  s->address_text = g_strdup ("::1");
  s->owner_hidden = PS_OWNER_HIDDEN_SANDBOX;

  ps_snapshot_sort (snapshot);
  return snapshot;
}

static JsonObject *
find_socket (JsonArray *sockets,
             gint64     port)
{
  for (guint i = 0; i < json_array_get_length (sockets); i++)
    {
      JsonObject *o = json_array_get_object_element (sockets, i);

      if (json_object_get_int_member (o, "port") == port)
        return o;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_keys (JsonObject  *object,
             const char **keys)
{
  g_autoptr(GList) members = json_object_get_members (object);
  guint n = 0;

  for (; keys[n] != NULL; n++)
    {
      g_test_message ("key %s", keys[n]);
      g_assert_true (json_object_has_member (object, keys[n]));
    }
  g_assert_cmpuint (g_list_length (members), ==, n);
}

static void
test_document_shape (void)
{
  g_autoptr(PsSnapshot) snapshot = make_snapshot ();
  g_autofree char *text = ps_json_snapshot_to_string (snapshot, -1, TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *socket_keys[] = { "protocol", "family", "address", "port", "state", "inode",
                                "uid", "user", "v6only", "owners", "owner_hidden", NULL };
  const char *owner_keys[] = { "pid", "name", "cmdline", "uid", "user", "start_time",
                               "unit", "container", NULL };
  JsonObject *root;
  JsonArray *sockets;
  JsonObject *tcp, *udp, *v6;
  JsonObject *owner;
  JsonArray *cmdline;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  sockets = json_object_get_array_member (root, "sockets");
  g_assert_cmpuint (json_array_get_length (sockets), ==, 3);

  tcp = find_socket (sockets, 8080);
  assert_keys (tcp, socket_keys);
  g_assert_cmpstr (json_object_get_string_member (tcp, "protocol"), ==, "tcp");
  g_assert_cmpstr (json_object_get_string_member (tcp, "family"), ==, "ipv4");
  g_assert_cmpstr (json_object_get_string_member (tcp, "address"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (tcp, "state"), ==, "listen");
  g_assert_cmpint (json_object_get_int_member (tcp, "inode"), ==, 5555);
  g_assert_cmpint (json_object_get_int_member (tcp, "uid"), ==, 1000);
  g_assert_cmpstr (json_object_get_string_member (tcp, "user"), ==, "alice");
  g_assert_true (json_object_get_null_member (tcp, "v6only"));
  g_assert_true (json_object_get_null_member (tcp, "owner_hidden"));

  owner = json_array_get_object_element (json_object_get_array_member (tcp, "owners"), 0);
  assert_keys (owner, owner_keys);
  g_assert_cmpint (json_object_get_int_member (owner, "pid"), ==, 4321);
  g_assert_cmpint (json_object_get_int_member (owner, "start_time"), ==, G_GINT64_CONSTANT (123456789012));
  /* Valid text verbatim, an invalid byte replaced by U+FFFD. */
  g_assert_cmpstr (json_object_get_string_member (owner, "name"), ==, ") S 1 (\xef\xbf\xbd");
  cmdline = json_object_get_array_member (owner, "cmdline");
  g_assert_cmpuint (json_array_get_length (cmdline), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (cmdline, 0), ==, "<b>x</b>");
  g_assert_cmpstr (json_array_get_string_element (cmdline, 1), ==, "\x1b[2J\nnew\xe2\x80\xaeline");
  g_assert_cmpstr (json_array_get_string_element (cmdline, 2), ==, "bad\xef\xbf\xbd");
  g_assert_cmpstr (json_object_get_string_member (owner, "unit"), ==, "app.service");
  g_assert_true (json_object_get_null_member (owner, "container"));

  /* No raw control byte in the text: JSON escaped it. */
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\n');

  udp = find_socket (sockets, 5353);
  g_assert_cmpstr (json_object_get_string_member (udp, "protocol"), ==, "udp");
  g_assert_cmpstr (json_object_get_string_member (udp, "family"), ==, "ipv6");
  g_assert_cmpstr (json_object_get_string_member (udp, "state"), ==, "unconnected");
  g_assert_true (json_object_get_boolean_member (udp, "v6only"));
  g_assert_true (json_object_get_null_member (udp, "user"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (udp, "owners")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (udp, "owner_hidden"), ==, "other-user");

  v6 = find_socket (sockets, 22);
  g_assert_false (json_object_get_boolean_member (v6, "v6only"));
  g_assert_cmpstr (json_object_get_string_member (v6, "owner_hidden"), ==, "sandbox");
}

static void
test_port_filter (void)
{
  g_autoptr(PsSnapshot) snapshot = make_snapshot ();
  g_autoptr(JsonNode) node = ps_json_snapshot_to_node (snapshot, 5353);
  JsonArray *sockets = json_object_get_array_member (json_node_get_object (node), "sockets");

  g_assert_cmpuint (json_array_get_length (sockets), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sockets, 0), "port"), ==, 5353);

  {
    g_autoptr(JsonNode) none = ps_json_snapshot_to_node (snapshot, 1);
    sockets = json_object_get_array_member (json_node_get_object (none), "sockets");
    g_assert_cmpuint (json_array_get_length (sockets), ==, 0);
  }
}

static void
test_event (void)
{
  g_autoptr(PsSnapshot) snapshot = make_snapshot ();
  const char *events[] = { "added", "removed", "changed" };

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_autofree char *line = ps_json_event_to_string (events[i], ps_snapshot_get_socket (snapshot, 0));
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *root;

      g_assert_null (strchr (line, '\n'));
      g_assert_true (g_utf8_validate (line, -1, NULL));
      g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "event"), ==, events[i]);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "socket"), "port"),
                       ==, ps_snapshot_get_socket (snapshot, 0)->port);
    }
}

static void
test_connection (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  PsSocket *s = ps_snapshot_add (snapshot);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  s->protocol = PS_PROTOCOL_TCP;
  s->family = AF_INET;
  s->state = TCP_ESTABLISHED;
  s->port = 40000;
  s->address_text = g_strdup ("10.0.0.2");
  s->remote_address[0] = 10;
  s->remote_address[3] = 9;
  s->remote_port = 443;
  ps_snapshot_sort (snapshot);

  node = ps_json_socket_to_node (ps_snapshot_get_socket (snapshot, 0));
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "established");
  g_assert_cmpstr (json_object_get_string_member (o, "remote_address"), ==, "10.0.0.9");
  g_assert_cmpint (json_object_get_int_member (o, "remote_port"), ==, 443);
}

/* Every control character is escaped (json-glib 1.6 leaves U+001F raw, which
 * strict parsers reject), and the streamed document equals the string one. */
static void
test_control_characters (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *streamed = NULL;
  char name[40];
  JsonObject *owner;
  PsSocket *s;
  PsOwner *o;
  FILE *out;
  size_t len = 0;
  guint n = 0;

  for (int c = 1; c < 0x20; c++)
    name[n++] = (char) c;
  name[n++] = 0x7f;
  name[n] = '\0';

  s = ps_snapshot_add (snapshot);
  s->protocol = PS_PROTOCOL_TCP;
  s->family = AF_INET;
  s->state = TCP_LISTEN;
  s->port = 1;
  s->address_text = g_strdup ("127.0.0.1");
  o = ps_owner_new ();
  o->pid = 1;
  o->name = g_strdup (name);
  g_ptr_array_add (s->owners, o);
  ps_snapshot_sort (snapshot);

  compact = ps_json_snapshot_to_string (snapshot, -1, FALSE);
  for (const char *p = compact; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
  g_assert_nonnull (strstr (compact, "\\u001f"));

  pretty = ps_json_snapshot_to_string (snapshot, -1, TRUE);
  for (const char *p = pretty; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\n');

  json_parser_load_from_data (parser, compact, -1, &error);
  g_assert_no_error (error);
  owner = json_array_get_object_element (
    json_object_get_array_member (
      json_array_get_object_element (
        json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "sockets"), 0),
      "owners"), 0);
  g_assert_cmpstr (json_object_get_string_member (owner, "name"), ==, name);

  out = open_memstream (&streamed, &len);
  g_assert_nonnull (out);
  g_assert_true (ps_json_snapshot_write (snapshot, -1, TRUE, out));
  g_assert_cmpint (fclose (out), ==, 0);
  g_assert_cmpuint (len, ==, strlen (pretty) + 1);
  g_assert_true (g_str_has_prefix (streamed, pretty));
  g_assert_cmpint (streamed[len - 1], ==, '\n');
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/document-shape", test_document_shape);
  g_test_add_func ("/json/port-filter", test_port_filter);
  g_test_add_func ("/json/event", test_event);
  g_test_add_func ("/json/connection", test_connection);
  g_test_add_func ("/json/control-characters", test_control_characters);

  return g_test_run ();
}

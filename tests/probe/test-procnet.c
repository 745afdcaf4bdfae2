/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The /proc/net/{tcp,udp}{,6} fallback parser against fixture trees. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-sockets.h"

static char *
fixture (const char *name)
{
  return g_build_filename (FIXTURES_DIR, name, NULL);
}

static const PsProbeSocket *
find_inode (const PsProbeSocketArray *array,
            uint64_t                  inode)
{
  for (size_t i = 0; i < array->len; i++)
    if (array->items[i].inode == inode)
      return &array->items[i];
  return NULL;
}

static const PsProbeSocket *
find_port (const PsProbeSocketArray *array,
           int                       protocol,
           int                       family,
           uint16_t                  port)
{
  for (size_t i = 0; i < array->len; i++)
    if (array->items[i].protocol == protocol && array->items[i].family == family
        && array->items[i].local_port == port)
      return &array->items[i];
  return NULL;
}

static void
assert_address (const PsProbeSocket *sock,
                const char          *expected)
{
  char buf[128];

  ps_probe_format_address (sock->family, sock->local_addr, sock->ifindex, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, expected);
}

static gboolean
skip_unless_little_endian (void)
{
  /* The fixtures print 32-bit words as a little-endian kernel does. */
  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      g_test_skip ("fixtures are written for little-endian hosts");
      return TRUE;
    }
  return FALSE;
}

static void
test_basic_tree (void)
{
  g_autofree char *root = fixture ("procnet-basic");
  PsProbeSocketArray array = { 0 };
  const PsProbeSocket *s;
  size_t bad = 99;
  uint8_t expect[16] = { 0 };

  if (skip_unless_little_endian ())
    return;

  g_assert_cmpint (ps_procnet_dump (root, PS_PROBE_DEFAULT, &array, &bad), ==, 0);
  /* tcp: two LISTEN lines (the ESTABLISHED one is filtered); three bad lines.
   * tcp6: four LISTEN lines.  udp (CRLF): one unconnected.  udp6: header only. */
  g_assert_cmpuint (bad, ==, 3);
  g_assert_cmpuint (array.len, ==, 7);

  s = find_inode (&array, 12345);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->protocol, ==, IPPROTO_TCP);
  g_assert_cmpuint (s->family, ==, AF_INET);
  g_assert_cmpuint (s->state, ==, TCP_LISTEN);
  g_assert_cmpuint (s->local_port, ==, 8080);
  g_assert_cmpuint (s->uid, ==, 1000);
  g_assert_cmpuint (s->v6only, ==, PS_V6ONLY_UNKNOWN);
  g_assert_cmpuint (s->cookie, ==, 0);
  expect[0] = 127;
  expect[3] = 1;
  g_assert_cmpmem (s->local_addr, 4, expect, 4);
  assert_address (s, "127.0.0.1");

  s = find_inode (&array, 2222);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->local_port, ==, 22);
  g_assert_cmpuint (s->uid, ==, 0);
  assert_address (s, "0.0.0.0");

  g_assert_null (find_inode (&array, 3333));   /* ESTABLISHED */
  g_assert_null (find_inode (&array, 4321));   /* non-hex address */

  s = find_inode (&array, 4444);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->family, ==, AF_INET6);
  g_assert_cmpuint (s->local_port, ==, 631);
  g_assert_cmpuint (s->uid, ==, 1000);
  memset (expect, 0, sizeof expect);
  expect[15] = 1;
  g_assert_cmpmem (s->local_addr, 16, expect, 16);
  assert_address (s, "::1");

  s = find_inode (&array, 5555);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->local_port, ==, 8081);
  assert_address (s, "::ffff:127.0.0.1");

  s = find_inode (&array, 6666);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->local_port, ==, 8082);
  g_assert_cmpuint (s->uid, ==, 106);
  g_assert_cmpuint (s->local_addr[0], ==, 0xfe);
  g_assert_cmpuint (s->local_addr[1], ==, 0x80);
  g_assert_cmpuint (s->local_addr[15], ==, 1);
  assert_address (s, "fe80::1");

  s = find_port (&array, IPPROTO_TCP, AF_INET6, 80);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->inode, ==, 0);
  assert_address (s, "::");

  s = find_inode (&array, 7777);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->protocol, ==, IPPROTO_UDP);
  g_assert_cmpuint (s->state, ==, TCP_CLOSE);
  g_assert_cmpuint (s->local_port, ==, 53);
  g_assert_cmpuint (s->uid, ==, 101);
  g_assert_null (find_inode (&array, 8888));   /* connected UDP */

  ps_probe_socket_array_clear (&array);
}

static void
test_flags (void)
{
  g_autofree char *root = fixture ("procnet-basic");
  PsProbeSocketArray array = { 0 };
  const PsProbeSocket *s;

  if (skip_unless_little_endian ())
    return;

  /* Every state. */
  g_assert_cmpint (ps_procnet_dump (root, PS_PROBE_TCP_ALL | PS_PROBE_UDP_ALL
                                    | PS_PROBE_IPV4 | PS_PROBE_IPV6, &array, NULL), ==, 0);
  g_assert_cmpuint (array.len, ==, 9);
  s = find_inode (&array, 3333);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->state, ==, TCP_ESTABLISHED);
  g_assert_cmpuint (s->remote_port, ==, 50000);
  g_assert_cmpuint (s->remote_addr[0], ==, 127);
  g_assert_cmpuint (s->remote_addr[3], ==, 1);
  g_assert_nonnull (find_inode (&array, 8888));
  ps_probe_socket_array_clear (&array);

  /* IPv6 TCP only. */
  g_assert_cmpint (ps_procnet_dump (root, PS_PROBE_TCP_LISTEN | PS_PROBE_IPV6,
                                    &array, NULL), ==, 0);
  g_assert_cmpuint (array.len, ==, 4);
  for (size_t i = 0; i < array.len; i++)
    {
      g_assert_cmpuint (array.items[i].family, ==, AF_INET6);
      g_assert_cmpuint (array.items[i].protocol, ==, IPPROTO_TCP);
    }
  ps_probe_socket_array_clear (&array);

  /* UDP only. */
  g_assert_cmpint (ps_procnet_dump (root, PS_PROBE_UDP | PS_PROBE_IPV4 | PS_PROBE_IPV6,
                                    &array, NULL), ==, 0);
  g_assert_cmpuint (array.len, ==, 1);
  g_assert_cmpuint (array.items[0].inode, ==, 7777);
  ps_probe_socket_array_clear (&array);
}

static void
test_empty_and_header_only (void)
{
  g_autofree char *empty = fixture ("procnet-empty");
  g_autofree char *header = fixture ("procnet-header");
  g_autofree char *missing = fixture ("procnet-does-not-exist");
  PsProbeSocketArray array = { 0 };
  size_t bad = 99;

  g_assert_cmpint (ps_procnet_dump (empty, PS_PROBE_DEFAULT, &array, &bad), ==, 0);
  g_assert_cmpuint (array.len, ==, 0);
  g_assert_cmpuint (bad, ==, 0);

  bad = 99;
  g_assert_cmpint (ps_procnet_dump (header, PS_PROBE_DEFAULT, &array, &bad), ==, 0);
  g_assert_cmpuint (array.len, ==, 0);
  g_assert_cmpuint (bad, ==, 0);

  /* No file at all is an error, not an empty list. */
  g_assert_cmpint (ps_procnet_dump (missing, PS_PROBE_DEFAULT, &array, &bad), ==, -ENOENT);
  g_assert_cmpuint (array.len, ==, 0);
}

static void
test_parse_line (void)
{
  PsProbeSocket s;
  const char *good = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345";
  const char *bad[] = {
    "",
    "   0:",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0",
    "   0: 0100007F1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 1",
    "   0: 100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 1",
    "   0: 0100007F:1F90 00000000:0000 0AB 00000000:00000000 00:00000000 00000000  1000 0 1",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  -1 0 1",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  4294967296 0 1",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1 0 99999999999999999999999",
    "   x 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1 0 1",
    "   0: 0100007F:+F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1 0 1",
  };

  g_assert_cmpint (ps_procnet_parse_line (good, strlen (good), AF_INET, IPPROTO_TCP, &s), ==, 0);
  g_assert_cmpuint (s.local_port, ==, 0x1f90);
  g_assert_cmpuint (s.inode, ==, 12345);
  g_assert_cmpuint (s.uid, ==, 1000);

  /* The length bounds the parse: cutting the inode off makes it malformed. */
  g_assert_cmpint (ps_procnet_parse_line (good, strlen (good) - 6, AF_INET, IPPROTO_TCP, &s), ==, -EINVAL);
  /* An IPv4 line is not an IPv6 line. */
  g_assert_cmpint (ps_procnet_parse_line (good, strlen (good), AF_INET6, IPPROTO_TCP, &s), ==, -EINVAL);
  g_assert_cmpint (ps_procnet_parse_line (good, strlen (good), AF_UNIX, IPPROTO_TCP, &s), ==, -EINVAL);

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad line %zu", i);
      g_assert_cmpint (ps_procnet_parse_line (bad[i], strlen (bad[i]), AF_INET, IPPROTO_TCP, &s),
                       ==, -EINVAL);
    }
}

static void
test_big_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("portscope-procnet-XXXXXX", &error);
  g_autofree char *net = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) text = g_string_new ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
  PsProbeSocketArray array = { 0 };
  size_t bad = 99;
  const guint n = 10000;

  g_assert_no_error (error);
  net = g_build_filename (tmp, "net", NULL);
  g_assert_cmpint (g_mkdir (net, 0700), ==, 0);

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (text,
                              "%5u: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 %u 1 0000000000000000 100 0 0 10 0",
                              i, i + 1, i % 7, 100000 + i);
      /* One line far longer than any read chunk: its fields must survive. */
      if (i == 5000)
        for (guint j = 0; j < 40000; j++)
          g_string_append (text, " pad");
      g_string_append_c (text, '\n');
    }
  path = g_build_filename (net, "tcp", NULL);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);

  g_assert_cmpint (ps_procnet_dump (tmp, PS_PROBE_DEFAULT, &array, &bad), ==, 0);
  g_assert_cmpuint (bad, ==, 0);
  g_assert_cmpuint (array.len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (array.items[i].local_port, ==, i + 1);
      g_assert_cmpuint (array.items[i].inode, ==, 100000 + i);
      g_assert_cmpuint (array.items[i].uid, ==, i % 7);
    }
  ps_probe_socket_array_clear (&array);

  g_unlink (path);
  g_rmdir (net);
  g_rmdir (tmp);
}

static void
test_env_override (void)
{
  g_autofree char *root = fixture ("procnet-basic");
  PsProbeSocketArray array = { 0 };
  PsProbeSource source = PS_PROBE_SOURCE_NETLINK;

  if (skip_unless_little_endian ())
    return;

  g_setenv ("PORTSCOPE_PROC_ROOT", root, TRUE);
  g_setenv ("PORTSCOPE_FORCE_PROCNET", "1", TRUE);
  g_assert_cmpint (ps_probe_dump_sockets (PS_PROBE_DEFAULT, &array, &source), ==, 0);
  g_assert_cmpint (source, ==, PS_PROBE_SOURCE_PROCNET);
  g_assert_cmpuint (array.len, ==, 7);
  g_assert_nonnull (find_inode (&array, 6666));
  ps_probe_socket_array_clear (&array);
  g_unsetenv ("PORTSCOPE_FORCE_PROCNET");
  g_unsetenv ("PORTSCOPE_PROC_ROOT");
}

static void
test_format_address (void)
{
  uint8_t v4[16] = { 192, 168, 1, 20 };
  uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
  uint8_t g6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
  char buf[64];

  g_assert_cmpstr (ps_probe_format_address (AF_INET, v4, 3, buf, sizeof buf), ==, "192.168.1.20");
  g_assert_cmpstr (ps_probe_format_address (AF_INET6, ll, 0, buf, sizeof buf), ==, "fe80::1");
  g_assert_cmpstr (ps_probe_format_address (AF_INET6, ll, 2, buf, sizeof buf), ==, "fe80::1%2");
  /* The interface only matters for link-local addresses. */
  g_assert_cmpstr (ps_probe_format_address (AF_INET6, g6, 2, buf, sizeof buf), ==, "2001:db8::1");
  g_assert_cmpstr (ps_probe_format_address (AF_UNIX, g6, 0, buf, sizeof buf), ==, "?");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe/procnet/basic-tree", test_basic_tree);
  g_test_add_func ("/probe/procnet/flags", test_flags);
  g_test_add_func ("/probe/procnet/empty-and-header-only", test_empty_and_header_only);
  g_test_add_func ("/probe/procnet/parse-line", test_parse_line);
  g_test_add_func ("/probe/procnet/big-file", test_big_file);
  g_test_add_func ("/probe/procnet/env-override", test_env_override);
  g_test_add_func ("/probe/procnet/format-address", test_format_address);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps_port_query_parse(): a port as people type or paste it (a number, an
 * address with a port as logs, browsers, ss and netstat print it, a URL), and
 * nothing else. */
#include "config.h"

#include "ps-port-query.h"

typedef struct
{
  const char *text;
  guint port;
} Accepted;

static const Accepted accepted[] = {
  { "0", 0 },
  { "80", 80 },
  { "00080", 80 },
  { "65535", 65535 },
  { ":8080", 8080 },
  { "8080/tcp", 8080 },
  { "53/UDP", 53 },
  /* Logs, ss, lsof. */
  { "127.0.0.1:62893", 62893 },
  { "0.0.0.0:22", 22 },
  { "*:5353", 5353 },
  { "localhost:3000", 3000 },
  { "LOCALHOST:3000", 3000 },
  { "my-laptop.local:22", 22 },
  { "db_1:5432", 5432 },
  { "127.0.0.53%lo:53", 53 },
  { "[::1]:8080", 8080 },
  { "[::]:22", 22 },
  { "[::ffff:127.0.0.1]:631", 631 },
  { "[fe80::1%eth0]:22", 22 },
  /* netstat prints IPv6 without brackets. */
  { ":::22", 22 },
  /* A browser's address bar, and URLs. */
  { "localhost:3000/docs", 3000 },
  { "[::1]:8080/api/v1", 8080 },
  { "http://localhost:3000/", 3000 },
  { "http://127.0.0.1:8000/index.html?q=1#top", 8000 },
  { "HTTP://localhost/", 80 },
  { "https://localhost/login", 443 },
  { "ws://[::1]:9229/0f2c", 9229 },
  { "wss://example.test", 443 },
  { "postgresql://user@localhost:5433/db", 5433 },
};

static const char * const refused[] = {
  "", " 80", "80 ", "+80", "-1", "0x50", "1e3", "65536", "99999999999999999999",
  "abc", "localhost", "8080/sctp", "8080/tcp/x", "80,443",
  /* An address without a port is an address: text search. */
  "127.0.0.1", "::1", "fe80::1", "::1:631", "::", "[::1]", "[::1]:", "[::1]x80",
  "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x", "127.0.0.1:-80",
  "[127.0.0.1]:80", "[nothing]:80", "[]:80",
  /* Hosts that are not hosts. */
  "1.2.3:80", "999.1.1.1:80", "a b:80", "user@host:22", ".x:80", "-x:80",
  "host%:80", "host%a b:80", "host:80:90", "mailto:someone@example.test",
  "C:\\Windows", "10:30",
  /* URLs without a host, a usable port or a web scheme. */
  "http:///path", "http://localhost:99999/", "ftp://example.test/", "file:///tmp/x",
  "http://[::1:80/",
  "\xff:80", "\x1b[31m:80",
};

static void
test_accepted (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      guint port = G_MAXUINT;

      if (!ps_port_query_parse (accepted[i].text, &port))
        g_error ("refused \"%s\"", accepted[i].text);
      g_assert_cmpuint (port, ==, accepted[i].port);
      /* The port is optional. */
      g_assert_true (ps_port_query_parse (accepted[i].text, NULL));
    }
}

static void
test_refused (void)
{
  g_assert_false (ps_port_query_parse (NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      guint port = 4242;

      if (ps_port_query_parse (refused[i], &port))
        g_error ("accepted \"%s\" as %u", refused[i], port);
      g_assert_cmpuint (port, ==, 4242);
    }
}

/* Every number from 0 to 65535 is its own port, with or without a host. */
static void
test_every_port (void)
{
  for (guint i = 0; i <= 65535; i++)
    {
      char text[32];
      guint port = G_MAXUINT;

      g_snprintf (text, sizeof text, "%u", i);
      g_assert_true (ps_port_query_parse (text, &port));
      g_assert_cmpuint (port, ==, i);
      g_snprintf (text, sizeof text, "[::1]:%u", i);
      g_assert_true (ps_port_query_parse (text, &port));
      g_assert_cmpuint (port, ==, i);
    }
}

/* Random text made of the characters that matter (under the sanitizers,
 * this is where an overrun would show): never more than one port, and a
 * digits-only text is exactly its number. */
static void
test_random (void)
{
  static const char alphabet[] = "0123456789:[]%/.*@-_abfxltcpuhs ";
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 200000; i++)
    {
      char text[24];
      guint len = (guint) g_rand_int_range (rand, 0, sizeof text);
      gboolean digits = len > 0;
      guint port = G_MAXUINT;

      for (guint j = 0; j < len; j++)
        {
          text[j] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
          digits = digits && g_ascii_isdigit (text[j]);
        }
      text[len] = '\0';
      if (ps_port_query_parse (text, &port))
        g_assert_cmpuint (port, <=, 65535);
      if (digits)
        g_assert_true (ps_port_query_parse (text, NULL) == (g_ascii_strtoull (text, NULL, 10) <= 65535));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/port-query/accepted", test_accepted);
  g_test_add_func ("/port-query/refused", test_refused);
  g_test_add_func ("/port-query/every-port", test_every_port);
  g_test_add_func ("/port-query/random", test_random);
  return g_test_run ();
}

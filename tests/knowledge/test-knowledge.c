/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port knowledge as table tests: ranges, the ephemeral range, services,
 * scope and reach, security notes, commands and the browser URL. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-knowledge.h"

/* Fixtures */

/* A socket built on the stack, as a scan would fill it. */
static void
socket_init (PsSocket   *socket,
             PsProtocol  protocol,
             const char *address,
             guint       port)
{
  memset (socket, 0, sizeof *socket);
  socket->protocol = protocol;
  socket->state = protocol == PS_PROTOCOL_TCP ? TCP_LISTEN : TCP_CLOSE;
  socket->v6only = 2;
  socket->port = port;
  socket->uid = 1000;
  socket->owner_hidden = PS_OWNER_VISIBLE;
  socket->owners = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_owner_unref);

  if (inet_pton (AF_INET, address, socket->address) == 1)
    socket->family = AF_INET;
  else if (inet_pton (AF_INET6, address, socket->address) == 1)
    socket->family = AF_INET6;
  else
    g_error ("bad address in test: %s", address);
}

static void
socket_clear (PsSocket *socket)
{
  g_clear_pointer (&socket->owners, g_ptr_array_unref);
}

static void
socket_add_owner (PsSocket   *socket,
                  gint32      pid,
                  guint32     uid,
                  const char *name)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = pid;
  owner->ppid = 1;
  owner->uid = uid;
  owner->name = g_strdup (name);
  g_ptr_array_add (socket->owners, owner);
}

/* A scratch folder; removed (with the files the tests put in it) at the end. */
typedef struct
{
  char *root;
  GPtrArray *paths;   /* files and folders created, in creation order */
} Scratch;

static void
scratch_init (Scratch *scratch)
{
  g_autoptr(GError) error = NULL;

  scratch->root = g_dir_make_tmp ("portscope-knowledge-XXXXXX", &error);
  g_assert_no_error (error);
  scratch->paths = g_ptr_array_new_with_free_func (g_free);
}

static char *
scratch_write (Scratch    *scratch,
               const char *relative,
               const char *contents,
               gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (relative, "/", -1);
  g_autofree char *dir = g_strdup (scratch->root);
  char *path;

  for (guint i = 0; parts[i + 1] != NULL; i++)
    {
      char *next = g_build_filename (dir, parts[i], NULL);

      g_free (dir);
      dir = next;
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
          g_ptr_array_add (scratch->paths, g_strdup (dir));
        }
    }

  path = g_build_filename (scratch->root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_ptr_array_add (scratch->paths, g_strdup (path));
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
scratch_clear (Scratch *scratch)
{
  for (guint i = scratch->paths->len; i > 0; i--)
    g_assert_cmpint (g_remove (g_ptr_array_index (scratch->paths, i - 1)), ==, 0);
  g_assert_cmpint (g_rmdir (scratch->root), ==, 0);
  g_clear_pointer (&scratch->paths, g_ptr_array_unref);
  g_clear_pointer (&scratch->root, g_free);
}

/* Ranges */

static void
test_range_boundaries (void)
{
  static const struct
  {
    guint port;
    PsPortRange range;
    const char *span;
  } cases[] = {
    { 0, PS_PORT_RANGE_WELL_KNOWN, "0–1023" },
    { 1, PS_PORT_RANGE_WELL_KNOWN, "0–1023" },
    { 1023, PS_PORT_RANGE_WELL_KNOWN, "0–1023" },
    { 1024, PS_PORT_RANGE_REGISTERED, "1024–49151" },
    { 49151, PS_PORT_RANGE_REGISTERED, "1024–49151" },
    { 49152, PS_PORT_RANGE_DYNAMIC, "49152–65535" },
    { 65535, PS_PORT_RANGE_DYNAMIC, "49152–65535" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ps_port_range_describe (cases[i].port);
      const char *name = ps_port_range_name (cases[i].range);

      g_test_message ("port %u", cases[i].port);
      g_assert_cmpint (ps_port_range (cases[i].port), ==, cases[i].range);
      g_assert_nonnull (name);
      g_assert_true (g_str_has_prefix (text, name));
      g_assert_nonnull (strstr (text, cases[i].span));
    }

}

static void
test_range_sentences (void)
{
  g_autofree char *well_known = ps_port_range_describe (80);
  g_autofree char *dynamic = ps_port_range_describe (50000);

  g_assert_cmpstr (well_known, ==, "Well-known, 0–1023: only administrators can open these");
  g_assert_cmpstr (dynamic, ==, "Dynamic, 49152–65535: usually handed out by the system for "
                                "temporary services");
  g_assert_cmpstr (ps_port_range_name (PS_PORT_RANGE_WELL_KNOWN), !=,
                   ps_port_range_name (PS_PORT_RANGE_REGISTERED));
  g_assert_cmpstr (ps_port_range_name (PS_PORT_RANGE_REGISTERED), !=,
                   ps_port_range_name (PS_PORT_RANGE_DYNAMIC));
}

/* The ephemeral range */

static void
test_ephemeral_range (void)
{
  static const struct
  {
    const char *contents;   /* NULL: no file at all */
    gboolean ok;
    guint low, high;
  } cases[] = {
    { "32768\t60999\n", TRUE, 32768, 60999 },
    { "1024 65535", TRUE, 1024, 65535 },
    { "40000\t40000\n", TRUE, 40000, 40000 },
    { "  49152 \t 65000  \n", TRUE, 49152, 65000 },
    { "0 0\n", TRUE, 0, 0 },
    { NULL, FALSE, 32768, 60999 },
    { "", FALSE, 32768, 60999 },
    { "\n", FALSE, 32768, 60999 },
    { "32768\n", FALSE, 32768, 60999 },
    { "32768 60999 61000\n", FALSE, 32768, 60999 },
    { "60999 32768\n", FALSE, 32768, 60999 },
    { "1024 65536\n", FALSE, 32768, 60999 },
    { "70000 80000\n", FALSE, 32768, 60999 },
    { "4294968320 65535\n", FALSE, 32768, 60999 },
    { "-1 5\n", FALSE, 32768, 60999 },
    { "+1024 5000\n", FALSE, 32768, 60999 },
    { "0x400 5000\n", FALSE, 32768, 60999 },
    { "1024,5000\n", FALSE, 32768, 60999 },
    { "1024\n5000\n", FALSE, 32768, 60999 },
    { "1024 5000x\n", FALSE, 32768, 60999 },
    { "abc def\n", FALSE, 32768, 60999 },
    { "1024 5000\n# comment\n", FALSE, 32768, 60999 },
  };
  Scratch scratch;

  scratch_init (&scratch);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *root = g_strdup_printf ("%s/proc%u", scratch.root, i);
      g_autofree char *relative = g_strdup_printf ("proc%u/sys/net/ipv4/ip_local_port_range", i);
      guint low = 1, high = 1;

      g_test_message ("case %u: %s", i, cases[i].contents ? cases[i].contents : "(missing)");
      if (cases[i].contents != NULL)
        g_free (scratch_write (&scratch, relative, cases[i].contents, -1));

      g_setenv ("PORTSCOPE_PROC_ROOT", root, TRUE);
      g_assert_cmpint (ps_ephemeral_range (&low, &high), ==, cases[i].ok);
      g_assert_cmpuint (low, ==, cases[i].low);
      g_assert_cmpuint (high, ==, cases[i].high);
      /* NULL outs are allowed. */
      g_assert_cmpint (ps_ephemeral_range (NULL, NULL), ==, cases[i].ok);
    }

  /* A NUL byte inside the file is malformed too. */
  g_free (scratch_write (&scratch, "nul/sys/net/ipv4/ip_local_port_range", "1024\0 5000\n", 11));
  {
    g_autofree char *root = g_build_filename (scratch.root, "nul", NULL);
    guint low, high;

    g_setenv ("PORTSCOPE_PROC_ROOT", root, TRUE);
    g_assert_false (ps_ephemeral_range (&low, &high));
    g_assert_cmpuint (low, ==, 32768);
    g_assert_cmpuint (high, ==, 60999);
  }

  g_unsetenv ("PORTSCOPE_PROC_ROOT");
  scratch_clear (&scratch);
}

static void
test_ephemeral_describe (void)
{
  Scratch scratch;
  g_autofree char *proc = NULL;
  g_autofree char *missing = NULL;

  scratch_init (&scratch);
  g_free (scratch_write (&scratch, "proc/sys/net/ipv4/ip_local_port_range", "40000\t50000\n", -1));
  proc = g_build_filename (scratch.root, "proc", NULL);
  missing = g_build_filename (scratch.root, "missing", NULL);

  g_setenv ("PORTSCOPE_PROC_ROOT", proc, TRUE);
  {
    g_autofree char *below = ps_ephemeral_describe (39999);
    g_autofree char *low = ps_ephemeral_describe (40000);
    g_autofree char *high = ps_ephemeral_describe (50000);
    g_autofree char *above = ps_ephemeral_describe (50001);

    g_assert_null (below);
    g_assert_null (above);
    g_assert_nonnull (low);
    g_assert_cmpstr (low, ==, high);
    g_assert_nonnull (strstr (low, "40000–50000"));
    g_assert_nonnull (strstr (low, "temporary"));
    g_assert_nonnull (strstr (low, "outgoing connections"));
    g_assert_null (strstr (low, "default"));
  }

  /* Unreadable: Linux's default, and said so. */
  g_setenv ("PORTSCOPE_PROC_ROOT", missing, TRUE);
  {
    g_autofree char *below = ps_ephemeral_describe (32767);
    g_autofree char *low = ps_ephemeral_describe (32768);
    g_autofree char *high = ps_ephemeral_describe (60999);
    g_autofree char *above = ps_ephemeral_describe (61000);

    g_assert_null (below);
    g_assert_null (above);
    g_assert_nonnull (high);
    g_assert_nonnull (strstr (low, "32768–60999"));
    g_assert_nonnull (strstr (low, "Linux's default"));
  }

  g_unsetenv ("PORTSCOPE_PROC_ROOT");
  scratch_clear (&scratch);
}

/* Services */

static void
test_services_table (void)
{
  gsize n = 0;
  const PsServiceInfo *table = ps_service_curated_entries (&n);

  g_assert_cmpuint (n, >, 50);
  for (gsize i = 0; i < n; i++)
    {
      const PsServiceInfo *info = &table[i];
      gsize len;

      g_test_message ("entry %" G_GSIZE_FORMAT ": port %u", i, info->port);
      g_assert_nonnull (info->name);
      g_assert_nonnull (info->description);
      len = strlen (info->description);
      g_assert_cmpuint (len, >, 0);
      g_assert_cmpint (info->description[len - 1], !=, '.');
      g_assert_true (g_utf8_validate (info->description, -1, NULL));
      g_assert_cmpuint (info->protocols, !=, 0);
      g_assert_cmpuint (info->protocols & ~(PS_SERVICE_TCP | PS_SERVICE_UDP), ==, 0);

      /* Sorted by port; entries sharing a port do not share a protocol. */
      if (i > 0)
        {
          g_assert_cmpuint (table[i - 1].port, <=, info->port);
          if (table[i - 1].port == info->port)
            g_assert_cmpuint (table[i - 1].protocols & info->protocols, ==, 0);
        }

      /* The lookup finds exactly this entry for each of its protocols. */
      if (info->protocols & PS_SERVICE_TCP)
        g_assert_true (ps_service_lookup_curated (info->port, PS_PROTOCOL_TCP) == info);
      if (info->protocols & PS_SERVICE_UDP)
        g_assert_true (ps_service_lookup_curated (info->port, PS_PROTOCOL_UDP) == info);
    }
}

#define T PS_SERVICE_TCP
#define U PS_SERVICE_UDP

/* What the brief asks the table to know, with its kind and plaintext flag. */
static void
test_services_required (void)
{
  static const struct
  {
    guint port;
    guint8 protocols;
    PsServiceKind kind;
    int plaintext;     /* -1: either */
  } cases[] = {
    { 22, T, PS_SERVICE_KIND_REMOTE_ACCESS, FALSE },
    { 23, T, PS_SERVICE_KIND_REMOTE_ACCESS, TRUE },
    { 25, T, PS_SERVICE_KIND_MAIL, -1 },
    { 53, T | U, PS_SERVICE_KIND_NAME_SERVICE, FALSE },
    { 67, U, PS_SERVICE_KIND_OTHER, -1 },
    { 68, U, PS_SERVICE_KIND_OTHER, -1 },
    { 80, T, PS_SERVICE_KIND_WEB, TRUE },
    { 110, T, PS_SERVICE_KIND_MAIL, TRUE },
    { 123, U, PS_SERVICE_KIND_OTHER, -1 },
    { 137, U, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 138, U, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 139, T, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 143, T, PS_SERVICE_KIND_MAIL, -1 },
    { 161, U, PS_SERVICE_KIND_OTHER, TRUE },
    { 389, T, PS_SERVICE_KIND_OTHER, -1 },
    { 443, T, PS_SERVICE_KIND_WEB, FALSE },
    { 445, T, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 465, T, PS_SERVICE_KIND_MAIL, FALSE },
    { 587, T, PS_SERVICE_KIND_MAIL, -1 },
    { 631, T, PS_SERVICE_KIND_PRINTING, -1 },
    { 631, U, PS_SERVICE_KIND_PRINTING, -1 },
    { 873, T, PS_SERVICE_KIND_FILE_SHARING, TRUE },
    { 993, T, PS_SERVICE_KIND_MAIL, FALSE },
    { 1433, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 1521, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 1716, T | U, PS_SERVICE_KIND_OTHER, -1 },
    { 1883, T, PS_SERVICE_KIND_OTHER, TRUE },
    { 1900, U, PS_SERVICE_KIND_OTHER, -1 },
    { 2049, T, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 2375, T, PS_SERVICE_KIND_CONTAINER_API, TRUE },
    { 2376, T, PS_SERVICE_KIND_CONTAINER_API, FALSE },
    { 3000, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 3001, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 3306, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 3389, T, PS_SERVICE_KIND_REMOTE_ACCESS, FALSE },
    { 3702, U, PS_SERVICE_KIND_OTHER, -1 },
    { 4200, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 5000, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 5005, T, PS_SERVICE_KIND_DEBUGGER, -1 },
    { 5173, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 5353, U, PS_SERVICE_KIND_NAME_SERVICE, -1 },
    { 5355, U, PS_SERVICE_KIND_NAME_SERVICE, -1 },
    { 5432, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 5672, T, PS_SERVICE_KIND_OTHER, -1 },
    { 5678, T, PS_SERVICE_KIND_DEBUGGER, -1 },
    { 5900, T, PS_SERVICE_KIND_REMOTE_ACCESS, TRUE },
    { 6379, T, PS_SERVICE_KIND_DATABASE, TRUE },
    { 6443, T, PS_SERVICE_KIND_CONTAINER_API, FALSE },
    { 8000, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 8080, T, PS_SERVICE_KIND_WEB, -1 },
    { 8443, T, PS_SERVICE_KIND_WEB, FALSE },
    { 8888, T, PS_SERVICE_KIND_DEV_SERVER, -1 },
    { 9000, T, PS_SERVICE_KIND_OTHER, -1 },
    { 9090, T, PS_SERVICE_KIND_OTHER, -1 },
    { 9092, T, PS_SERVICE_KIND_OTHER, -1 },
    { 9200, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 9222, T, PS_SERVICE_KIND_DEBUGGER, -1 },
    { 9229, T, PS_SERVICE_KIND_DEBUGGER, -1 },
    { 11211, T, PS_SERVICE_KIND_DATABASE, TRUE },
    { 17500, T | U, PS_SERVICE_KIND_FILE_SHARING, -1 },
    { 24800, T, PS_SERVICE_KIND_REMOTE_ACCESS, -1 },
    { 25565, T, PS_SERVICE_KIND_OTHER, -1 },
    { 27017, T, PS_SERVICE_KIND_DATABASE, -1 },
    { 51820, U, PS_SERVICE_KIND_OTHER, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (guint bit = T; bit <= U; bit <<= 1)
        {
          PsProtocol protocol = bit == T ? PS_PROTOCOL_TCP : PS_PROTOCOL_UDP;
          const PsServiceInfo *info;

          if (!(cases[i].protocols & bit))
            continue;
          g_test_message ("port %u/%s", cases[i].port, ps_protocol_to_string (protocol));
          info = ps_service_lookup_curated (cases[i].port, protocol);
          g_assert_nonnull (info);
          g_assert_cmpuint (info->port, ==, cases[i].port);
          g_assert_cmpint (info->kind, ==, cases[i].kind);
          if (cases[i].plaintext != -1)
            g_assert_cmpint (!!info->plaintext, ==, cases[i].plaintext);
        }
    }

  /* The protocol matters. */
  g_assert_null (ps_service_lookup_curated (5353, PS_PROTOCOL_TCP));
  g_assert_null (ps_service_lookup_curated (6379, PS_PROTOCOL_UDP));
  g_assert_null (ps_service_lookup_curated (51820, PS_PROTOCOL_TCP));
  g_assert_true (ps_service_lookup_curated (631, PS_PROTOCOL_TCP)
                 != ps_service_lookup_curated (631, PS_PROTOCOL_UDP));
  g_assert_null (ps_service_lookup_curated (0, PS_PROTOCOL_TCP));
  g_assert_null (ps_service_lookup_curated (65535, PS_PROTOCOL_UDP));
  g_assert_null (ps_service_lookup_curated (70000, PS_PROTOCOL_TCP));
}

#undef T
#undef U

static const char services_fixture[] =
  "# A fixture for /etc/services\n"
  "\n"
  "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
  "postgresql\t5432/tcp\tpostgres\t# curated wins over this\n"
  "krb524\t\t4444/tcp\n"
  "first-wins 4445/udp\n"
  "second-loses 4445/udp\n"
  "  indented\t 4446/tcp  alias1 alias2\r\n"
  "mdns\t\t5353/tcp\n"
  "nothing-here\n"
  "bad-port\t99999/tcp\n"
  "bad-number\tabc/tcp\n"
  "bad-protocol\t4447/sctp\n"
  "no-slash\t4448\n"
  "negative\t-4449/tcp\n"
  "# commented\t4450/tcp\n"
  "inline#comment\t4451/tcp\n"
  "bad-utf8-\xff\t4452/tcp\n"
  "last-line-no-newline\t4453/udp";

static void
test_services_file (void)
{
  static const struct
  {
    guint port;
    PsProtocol protocol;
    const char *name;          /* NULL: unknown */
    gboolean has_description;  /* curated */
  } cases[] = {
    { 1, PS_PROTOCOL_TCP, "tcpmux", FALSE },
    { 1, PS_PROTOCOL_UDP, NULL, FALSE },
    { 5432, PS_PROTOCOL_TCP, "PostgreSQL", TRUE },
    { 4444, PS_PROTOCOL_TCP, "krb524", FALSE },
    { 4444, PS_PROTOCOL_UDP, NULL, FALSE },
    { 4445, PS_PROTOCOL_UDP, "first-wins", FALSE },
    { 4446, PS_PROTOCOL_TCP, "indented", FALSE },
    { 5353, PS_PROTOCOL_TCP, "mdns", FALSE },
    { 5353, PS_PROTOCOL_UDP, "mDNS", TRUE },
    { 4447, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4447, PS_PROTOCOL_UDP, NULL, FALSE },
    { 4448, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4449, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4450, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4451, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4452, PS_PROTOCOL_TCP, NULL, FALSE },
    { 4453, PS_PROTOCOL_UDP, "last-line-no-newline", FALSE },
    { 34463, PS_PROTOCOL_TCP, NULL, FALSE },
  };
  Scratch scratch;
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;

  scratch_init (&scratch);
  path = scratch_write (&scratch, "services", services_fixture, -1);
  missing = g_build_filename (scratch.root, "no-such-services", NULL);

  g_setenv ("PORTSCOPE_SERVICES", path, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *description = NULL;
      g_autofree char *name = NULL;

      g_test_message ("port %u/%s", cases[i].port, ps_protocol_to_string (cases[i].protocol));
      name = ps_service_describe (cases[i].port, cases[i].protocol, &description);
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpint (description != NULL, ==, cases[i].has_description);
      if (cases[i].has_description)
        g_assert_cmpstr (description, ==,
                         ps_service_lookup_curated (cases[i].port, cases[i].protocol)->description);
    }

  /* A missing file is fine: the curated table still answers. */
  g_setenv ("PORTSCOPE_SERVICES", missing, TRUE);
  {
    g_autofree char *description = NULL;
    g_autofree char *krb = ps_service_describe (4444, PS_PROTOCOL_TCP, &description);
    g_autofree char *redis = ps_service_describe (6379, PS_PROTOCOL_TCP, NULL);

    g_assert_null (krb);
    g_assert_null (description);
    g_assert_cmpstr (redis, ==, "Redis");
  }

  /* And the fixture again (the cache follows the path). */
  g_setenv ("PORTSCOPE_SERVICES", path, TRUE);
  {
    g_autofree char *krb = ps_service_describe (4444, PS_PROTOCOL_TCP, NULL);

    g_assert_cmpstr (krb, ==, "krb524");
  }

  g_unsetenv ("PORTSCOPE_SERVICES");
  scratch_clear (&scratch);
}

static gpointer
services_thread (gpointer data)
{
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *krb = ps_service_describe (4444, PS_PROTOCOL_TCP, NULL);
      g_autofree char *ssh = ps_service_describe (22, PS_PROTOCOL_TCP, NULL);

      if (g_strcmp0 (krb, "krb524") != 0 || g_strcmp0 (ssh, "SSH") != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_services_threads (void)
{
  Scratch scratch;
  g_autofree char *path = NULL;
  GThread *threads[4];

  scratch_init (&scratch);
  path = scratch_write (&scratch, "services", services_fixture, -1);
  g_setenv ("PORTSCOPE_SERVICES", path, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("services", services_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));

  g_unsetenv ("PORTSCOPE_SERVICES");
  scratch_clear (&scratch);
}

/* Scope, exposure and reach */

static void
test_scope_table (void)
{
  static const struct
  {
    const char *address;
    PsScope scope;
    PsExposure exposure;
  } cases[] = {
    { "127.0.0.1", PS_SCOPE_LOOPBACK, PS_EXPOSURE_THIS_COMPUTER },
    { "127.0.0.53", PS_SCOPE_LOOPBACK, PS_EXPOSURE_THIS_COMPUTER },
    { "127.255.255.255", PS_SCOPE_LOOPBACK, PS_EXPOSURE_THIS_COMPUTER },
    { "::1", PS_SCOPE_LOOPBACK, PS_EXPOSURE_THIS_COMPUTER },
    { "::ffff:127.0.0.1", PS_SCOPE_LOOPBACK, PS_EXPOSURE_THIS_COMPUTER },
    { "0.0.0.0", PS_SCOPE_WILDCARD, PS_EXPOSURE_ALL_NETWORKS },
    { "::", PS_SCOPE_WILDCARD, PS_EXPOSURE_ALL_NETWORKS },
    { "::ffff:0.0.0.0", PS_SCOPE_WILDCARD, PS_EXPOSURE_ALL_NETWORKS },
    { "10.0.0.1", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "10.255.255.254", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "172.15.255.255", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "172.16.0.1", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "172.31.255.254", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "172.32.0.1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "192.168.1.20", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "192.169.0.1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "100.63.255.255", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "100.64.0.1", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "100.127.255.254", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "100.128.0.1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "169.254.12.34", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "169.255.0.1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "224.0.0.251", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "8.8.8.8", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "fe80::1", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "fe80::a00:27ff:fe4e:66a1", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "febf::1", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "fd00::1", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "fc00::1", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "fe00::1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "ff02::fb", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "::ffff:10.1.2.3", PS_SCOPE_PRIVATE, PS_EXPOSURE_LOCAL_NETWORK },
    { "::ffff:169.254.1.1", PS_SCOPE_LINK_LOCAL, PS_EXPOSURE_LOCAL_NETWORK },
    { "::ffff:8.8.8.8", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "::2", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "::127.0.0.1", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "2001:4860::8888", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
    { "2001:4860:4860::8888", PS_SCOPE_PUBLIC, PS_EXPOSURE_ALL_NETWORKS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsSocket socket;

      g_test_message ("%s", cases[i].address);
      socket_init (&socket, PS_PROTOCOL_TCP, cases[i].address, 8080);
      g_assert_cmpint (ps_scope_for_address (socket.family, socket.address), ==, cases[i].scope);
      g_assert_cmpint (ps_exposure_for_scope (cases[i].scope), ==, cases[i].exposure);
      g_assert_cmpint (ps_socket_get_exposure (&socket), ==, cases[i].exposure);
      socket_clear (&socket);
    }
}

static gboolean
adwaita_has_icon (const char *icon_name)
{
  const char *base = "/usr/share/icons/Adwaita/scalable";
  g_autoptr(GDir) dir = g_dir_open (base, 0, NULL);
  g_autofree char *file = g_strconcat (icon_name, ".svg", NULL);
  const char *context;

  g_assert_nonnull (dir);
  while ((context = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (base, context, file, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    }
  return FALSE;
}

static void
test_exposure_labels (void)
{
  static const PsExposure all[] = {
    PS_EXPOSURE_THIS_COMPUTER, PS_EXPOSURE_LOCAL_NETWORK, PS_EXPOSURE_ALL_NETWORKS,
  };
  gboolean have_theme = g_file_test ("/usr/share/icons/Adwaita/scalable", G_FILE_TEST_IS_DIR);

  g_assert_cmpstr (ps_exposure_label (PS_EXPOSURE_THIS_COMPUTER), ==, "This computer");
  g_assert_cmpstr (ps_exposure_label (PS_EXPOSURE_LOCAL_NETWORK), ==, "Local network");
  g_assert_cmpstr (ps_exposure_label (PS_EXPOSURE_ALL_NETWORKS), ==, "All networks");

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      const char *icon = ps_exposure_icon_name (all[i]);

      g_assert_nonnull (icon);
      g_assert_true (g_str_has_suffix (icon, "-symbolic"));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (icon, !=, ps_exposure_icon_name (all[j]));
      if (have_theme)
        g_assert_true (adwaita_has_icon (icon));
    }
  if (!have_theme)
    g_test_message ("no Adwaita icon theme here: icon files not checked");
}

static void
test_reach (void)
{
  static const char loopback[] =
    "Only programs on this computer can connect — but any program or user on it can.";
  static const char wildcard[] =
    "Any computer on every network you join can connect unless a firewall blocks it.";
  static const char also_ipv4[] = "It also accepts IPv4 connections.";
  static const struct
  {
    const char *address;
    guint8 v6only;
    const char *prefix;       /* NULL: anything else */
    gboolean ipv4_too;
  } cases[] = {
    { "127.0.0.1", 2, loopback, FALSE },
    { "127.0.0.53", 2, loopback, FALSE },
    { "::1", 1, loopback, FALSE },
    { "::ffff:127.0.0.1", 0, loopback, FALSE },
    { "0.0.0.0", 2, wildcard, FALSE },
    { "::", 0, wildcard, TRUE },
    { "::", 2, wildcard, TRUE },
    { "::", 1, wildcard, FALSE },
    { "192.168.1.20", 2, NULL, FALSE },
    { "fe80::1", 2, NULL, FALSE },
    { "8.8.8.8", 2, NULL, FALSE },
  };
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsSocket socket;
      g_autofree char *reach = NULL;

      g_test_message ("%s v6only=%u", cases[i].address, cases[i].v6only);
      socket_init (&socket, PS_PROTOCOL_TCP, cases[i].address, 8080);
      socket.v6only = cases[i].v6only;
      reach = ps_socket_describe_reach (&socket);

      g_assert_nonnull (reach);
      if (cases[i].prefix != NULL)
        g_assert_true (g_str_has_prefix (reach, cases[i].prefix));
      else
        {
          g_assert_false (g_str_has_prefix (reach, loopback));
          g_assert_false (g_str_has_prefix (reach, wildcard));
          for (guint j = 0; j < others->len; j++)
            g_assert_cmpstr (reach, !=, g_ptr_array_index (others, j));
          g_ptr_array_add (others, g_strdup (reach));
        }
      g_assert_cmpint (strstr (reach, also_ipv4) != NULL, ==, cases[i].ipv4_too);
      if (cases[i].prefix == loopback || (cases[i].prefix == wildcard && !cases[i].ipv4_too
                                          && socket.family == AF_INET))
        g_assert_cmpstr (reach, ==, cases[i].prefix);
      socket_clear (&socket);
    }
}

/* Security notes */

typedef enum
{
  OWNERS_NONE,          /* visible, nobody holds it */
  OWNERS_ONE,           /* one owner: pid 4242 with UID */
  OWNERS_HIDDEN,        /* another user's */
  OWNERS_SYSTEMD,       /* systemd (pid 1) alone */
  OWNERS_SYSTEMD_AND,   /* systemd (pid 1) and the service (pid 4242, UID) */
  OWNERS_USER_SYSTEMD,  /* a "systemd" that is not pid 1 */
} OwnersCase;

static void
test_security_notes (void)
{
  static const struct
  {
    const char *what;
    PsProtocol protocol;
    const char *address;
    guint port;
    OwnersCase owners;
    guint32 uid;          /* the owner's, and the socket's */
    guint8 state;         /* 0: listening */
    const char *expected; /* "id:severity" joined by spaces, most severe first */
  } cases[] = {
    /* exposed-database */
    { "postgres on all", PS_PROTOCOL_TCP, "0.0.0.0", 5432, OWNERS_ONE, 106, 0,
      "exposed-database:danger" },
    { "postgres on LAN", PS_PROTOCOL_TCP, "192.168.1.20", 5432, OWNERS_ONE, 106, 0,
      "exposed-database:danger" },
    { "postgres on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 5432, OWNERS_ONE, 106, 0, "" },
    { "postgres connection", PS_PROTOCOL_TCP, "0.0.0.0", 5432, OWNERS_ONE, 106,
      TCP_ESTABLISHED, "" },
    { "redis on ::", PS_PROTOCOL_TCP, "::", 6379, OWNERS_ONE, 1000, 0,
      "exposed-database:danger plaintext:warning" },
    { "memcached UDP", PS_PROTOCOL_UDP, "0.0.0.0", 11211, OWNERS_ONE, 1000, 0,
      "exposed-database:danger plaintext:warning" },
    { "port 6379 over UDP", PS_PROTOCOL_UDP, "0.0.0.0", 6379, OWNERS_ONE, 1000, 0, "" },
    /* debuggers */
    { "devtools on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 9222, OWNERS_ONE, 1000, 0,
      "debugger-local:warning" },
    { "devtools on LAN", PS_PROTOCOL_TCP, "10.0.0.5", 9222, OWNERS_ONE, 1000, 0,
      "debugger-exposed:danger" },
    { "inspector on ::1", PS_PROTOCOL_TCP, "::1", 9229, OWNERS_ONE, 1000, 0,
      "debugger-local:warning" },
    { "inspector on all", PS_PROTOCOL_TCP, "0.0.0.0", 9229, OWNERS_ONE, 1000, 0,
      "debugger-exposed:danger" },
    { "jdwp on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 5005, OWNERS_ONE, 1000, 0,
      "debugger-local:warning" },
    { "debugpy on all", PS_PROTOCOL_TCP, "::", 5678, OWNERS_ONE, 1000, 0,
      "debugger-exposed:danger" },
    { "9229 over UDP", PS_PROTOCOL_UDP, "127.0.0.1", 9229, OWNERS_ONE, 1000, 0, "" },
    /* container API */
    { "docker 2375 on all", PS_PROTOCOL_TCP, "0.0.0.0", 2375, OWNERS_ONE, 0, 0,
      "container-api-exposed:danger root-exposed:warning" },
    { "docker 2375 on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 2375, OWNERS_ONE, 0, 0,
      "container-api-local:warning" },
    { "docker 2376 on all", PS_PROTOCOL_TCP, "0.0.0.0", 2376, OWNERS_ONE, 0, 0,
      "root-exposed:warning" },
    /* root */
    { "root on all", PS_PROTOCOL_TCP, "0.0.0.0", 4444, OWNERS_ONE, 0, 0,
      "root-exposed:warning" },
    { "root on public v6", PS_PROTOCOL_UDP, "2001:4860::8888", 4444, OWNERS_ONE, 0, 0,
      "root-exposed:warning" },
    { "root on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 4444, OWNERS_ONE, 0, 0, "" },
    { "user on all", PS_PROTOCOL_TCP, "0.0.0.0", 4444, OWNERS_ONE, 1000, 0, "" },
    { "hidden root on all", PS_PROTOCOL_TCP, "0.0.0.0", 4444, OWNERS_HIDDEN, 0, 0,
      "root-exposed:warning" },
    { "hidden user on all", PS_PROTOCOL_TCP, "0.0.0.0", 4444, OWNERS_HIDDEN, 1000, 0, "" },
    /* plaintext */
    { "http on all", PS_PROTOCOL_TCP, "0.0.0.0", 80, OWNERS_ONE, 33, 0, "plaintext:warning" },
    { "http on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 80, OWNERS_ONE, 33, 0, "" },
    { "https on all", PS_PROTOCOL_TCP, "0.0.0.0", 443, OWNERS_ONE, 33, 0, "" },
    { "mqtt on LAN", PS_PROTOCOL_TCP, "192.168.1.20", 1883, OWNERS_ONE, 107, 0,
      "plaintext:warning" },
    { "root http on all", PS_PROTOCOL_TCP, "::", 8080, OWNERS_ONE, 0, 0,
      "root-exposed:warning plaintext:warning" },
    /* remote access */
    { "sshd on all", PS_PROTOCOL_TCP, "0.0.0.0", 22, OWNERS_ONE, 0, 0,
      "root-exposed:warning remote-access-exposed:info" },
    { "ssh on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 22, OWNERS_ONE, 0, 0, "" },
    { "rdp on LAN", PS_PROTOCOL_TCP, "192.168.1.20", 3389, OWNERS_ONE, 1000, 0,
      "remote-access-exposed:info" },
    { "vnc on all", PS_PROTOCOL_TCP, "0.0.0.0", 5900, OWNERS_ONE, 1000, 0,
      "remote-access-exposed:warning" },
    { "vnc on loopback", PS_PROTOCOL_TCP, "::1", 5900, OWNERS_ONE, 1000, 0, "" },
    /* dev servers */
    { "vite on all", PS_PROTOCOL_TCP, "0.0.0.0", 5173, OWNERS_ONE, 1000, 0,
      "dev-server-exposed:warning" },
    { "http.server on ::", PS_PROTOCOL_TCP, "::", 8000, OWNERS_ONE, 1000, 0,
      "dev-server-exposed:warning" },
    { "vite on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 5173, OWNERS_ONE, 1000, 0, "" },
    { "vite on LAN address", PS_PROTOCOL_TCP, "192.168.1.20", 5173, OWNERS_ONE, 1000, 0, "" },
    /* systemd */
    { "socket unit, nobody visible", PS_PROTOCOL_TCP, "127.0.0.1", 631, OWNERS_NONE, 0, 0,
      "systemd-socket:info" },
    { "socket unit, pid 1 alone", PS_PROTOCOL_TCP, "127.0.0.1", 631, OWNERS_SYSTEMD, 0, 0,
      "systemd-socket:info" },
    { "socket unit and service", PS_PROTOCOL_TCP, "0.0.0.0", 631, OWNERS_SYSTEMD_AND, 0, 0,
      "root-exposed:warning systemd-socket:info" },
    { "pid 1 alone on all", PS_PROTOCOL_TCP, "0.0.0.0", 4444, OWNERS_SYSTEMD, 0, 0,
      "systemd-socket:info" },
    { "hidden, nobody visible", PS_PROTOCOL_TCP, "127.0.0.1", 631, OWNERS_HIDDEN, 0, 0, "" },
    { "user's socket, nobody visible", PS_PROTOCOL_TCP, "127.0.0.1", 4444, OWNERS_NONE,
      1000, 0, "" },
    { "user systemd", PS_PROTOCOL_TCP, "127.0.0.1", 4444, OWNERS_USER_SYSTEMD, 1000, 0, "" },
    /* nothing at all */
    { "ephemeral on loopback", PS_PROTOCOL_TCP, "127.0.0.1", 45678, OWNERS_ONE, 1000, 0, "" },
  };
  static const char *severities[] = { "info", "warning", "danger" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsSocket socket;
      g_autoptr(GPtrArray) notes = NULL;
      g_autoptr(GString) got = g_string_new ("");

      g_test_message ("case: %s", cases[i].what);
      socket_init (&socket, cases[i].protocol, cases[i].address, cases[i].port);
      socket.uid = cases[i].uid;
      if (cases[i].state != 0)
        socket.state = cases[i].state;

      switch (cases[i].owners)
        {
        case OWNERS_NONE:
          break;
        case OWNERS_ONE:
          socket_add_owner (&socket, 4242, cases[i].uid, "server");
          break;
        case OWNERS_HIDDEN:
          socket.owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
          break;
        case OWNERS_SYSTEMD:
          socket_add_owner (&socket, 1, 0, "systemd");
          break;
        case OWNERS_SYSTEMD_AND:
          socket_add_owner (&socket, 1, 0, "systemd");
          socket_add_owner (&socket, 4242, cases[i].uid, "cupsd");
          break;
        case OWNERS_USER_SYSTEMD:
          socket_add_owner (&socket, 1234, cases[i].uid, "systemd");
          break;
        default:
          g_assert_not_reached ();
        }

      notes = ps_security_notes (&socket);
      g_assert_nonnull (notes);
      for (guint j = 0; j < notes->len; j++)
        {
          const PsSecurityNote *note = g_ptr_array_index (notes, j);
          gsize len;

          g_assert_nonnull (note->id);
          g_assert_nonnull (note->title);
          g_assert_cmpuint (strlen (note->title), >, 0);
          g_assert_nonnull (note->advice);
          len = strlen (note->advice);
          g_assert_cmpuint (len, >, 0);
          g_assert_cmpint (note->advice[len - 1], ==, '.');
          g_assert_cmpuint (note->severity, <, G_N_ELEMENTS (severities));
          if (j > 0)
            g_assert_cmpint (((const PsSecurityNote *) g_ptr_array_index (notes, j - 1))->severity,
                             >=, note->severity);
          g_string_append_printf (got, "%s%s:%s", j > 0 ? " " : "", note->id,
                                  severities[note->severity]);
        }
      g_assert_cmpstr (got->str, ==, cases[i].expected);
      socket_clear (&socket);
    }
}

static char *
first_advice (const char *address,
              guint       port)
{
  PsSocket socket;
  g_autoptr(GPtrArray) notes = NULL;
  char *advice;

  socket_init (&socket, PS_PROTOCOL_TCP, address, port);
  socket_add_owner (&socket, 4242, 1000, "debuggee");
  notes = ps_security_notes (&socket);
  g_assert_cmpuint (notes->len, >, 0);
  advice = g_strdup (((const PsSecurityNote *) g_ptr_array_index (notes, 0))->advice);
  socket_clear (&socket);
  return advice;
}

static void
test_security_debugger_words (void)
{
  g_autofree char *devtools = first_advice ("127.0.0.1", 9222);
  g_autofree char *inspector = first_advice ("127.0.0.1", 9229);
  g_autofree char *devtools_exposed = first_advice ("0.0.0.0", 9222);

  g_assert_nonnull (strstr (devtools, "Any program on this computer can take over the browser"));
  g_assert_nonnull (strstr (inspector, "run code"));
  g_assert_nonnull (strstr (devtools_exposed, "take over the browser"));
}

static void
test_security_note_free (void)
{
  g_autoptr(PsSecurityNote) note = g_new0 (PsSecurityNote, 1);
  g_autoptr(PsSecurityNote) empty = NULL;

  note->id = g_strdup ("exposed-database");
  note->title = g_strdup ("title");
  note->advice = g_strdup ("advice.");
  ps_security_note_free (NULL);
}

/* Check it yourself, and the browser */

static void
test_commands (void)
{
  static const struct
  {
    PsProtocol protocol;
    const char *address;
    guint port;
    guint8 state;         /* 0: listening */
    const char *ss;
    const char *lsof;
  } cases[] = {
    { PS_PROTOCOL_TCP, "127.0.0.1", 8080, 0,
      "ss -ltnp 'sport = :8080'", "lsof -nP -iTCP:8080 -sTCP:LISTEN" },
    { PS_PROTOCOL_TCP, "::", 22, 0,
      "ss -ltnp 'sport = :22'", "lsof -nP -iTCP:22 -sTCP:LISTEN" },
    { PS_PROTOCOL_TCP, "0.0.0.0", 65535, 0,
      "ss -ltnp 'sport = :65535'", "lsof -nP -iTCP:65535 -sTCP:LISTEN" },
    { PS_PROTOCOL_UDP, "0.0.0.0", 5353, 0,
      "ss -lunp 'sport = :5353'", "lsof -nP -iUDP:5353" },
    { PS_PROTOCOL_UDP, "::", 0, 0,
      "ss -lunp 'sport = :0'", "lsof -nP -iUDP:0" },
    { PS_PROTOCOL_TCP, "192.168.1.20", 45678, TCP_ESTABLISHED,
      "ss -tnp 'sport = :45678'", "lsof -nP -iTCP:45678" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsSocket socket;
      g_autofree char *ss = NULL;
      g_autofree char *lsof = NULL;

      socket_init (&socket, cases[i].protocol, cases[i].address, cases[i].port);
      if (cases[i].state != 0)
        socket.state = cases[i].state;
      socket.address_text = (char *) "'; rm -rf ~; '";
      ss = ps_socket_ss_command (&socket);
      lsof = ps_socket_lsof_command (&socket);
      g_assert_cmpstr (ss, ==, cases[i].ss);
      g_assert_cmpstr (lsof, ==, cases[i].lsof);
      socket_clear (&socket);
    }
}

static void
test_browser_url (void)
{
  static const struct
  {
    PsProtocol protocol;
    const char *address;
    guint port;
    guint8 state;         /* 0: listening */
    const char *url;      /* NULL: none */
  } cases[] = {
    { PS_PROTOCOL_TCP, "127.0.0.1", 3000, 0, "http://127.0.0.1:3000/" },
    { PS_PROTOCOL_TCP, "0.0.0.0", 8080, 0, "http://127.0.0.1:8080/" },
    { PS_PROTOCOL_TCP, "::1", 5173, 0, "http://[::1]:5173/" },
    { PS_PROTOCOL_TCP, "::", 8000, 0, "http://[::1]:8000/" },
    { PS_PROTOCOL_TCP, "::ffff:127.0.0.1", 8001, 0, "http://127.0.0.1:8001/" },
    { PS_PROTOCOL_TCP, "::ffff:0.0.0.0", 8002, 0, "http://127.0.0.1:8002/" },
    { PS_PROTOCOL_TCP, "127.0.0.1", 65535, 0, "http://127.0.0.1:65535/" },
    /* Not reachable at the fixed loopback literals. */
    { PS_PROTOCOL_TCP, "127.0.0.53", 80, 0, NULL },
    { PS_PROTOCOL_TCP, "::ffff:127.0.0.2", 80, 0, NULL },
    /* Not loopback or wildcard. */
    { PS_PROTOCOL_TCP, "192.168.1.20", 8080, 0, NULL },
    { PS_PROTOCOL_TCP, "10.0.0.1", 8080, 0, NULL },
    { PS_PROTOCOL_TCP, "8.8.8.8", 80, 0, NULL },
    { PS_PROTOCOL_TCP, "fe80::1", 8080, 0, NULL },
    { PS_PROTOCOL_TCP, "fd00::1", 8080, 0, NULL },
    { PS_PROTOCOL_TCP, "2001:4860::8888", 80, 0, NULL },
    { PS_PROTOCOL_TCP, "ff01::1", 80, 0, NULL },
    /* Not TCP, not listening. */
    { PS_PROTOCOL_UDP, "127.0.0.1", 8080, 0, NULL },
    { PS_PROTOCOL_UDP, "::", 8080, 0, NULL },
    { PS_PROTOCOL_TCP, "127.0.0.1", 8080, TCP_ESTABLISHED, NULL },
    { PS_PROTOCOL_TCP, "0.0.0.0", 8080, TCP_CLOSE, NULL },
    { PS_PROTOCOL_TCP, "127.0.0.1", 0, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsSocket socket;
      g_autofree char *url = NULL;

      g_test_message ("%s:%u", cases[i].address, cases[i].port);
      socket_init (&socket, cases[i].protocol, cases[i].address, cases[i].port);
      if (cases[i].state != 0)
        socket.state = cases[i].state;
      /* Text from the socket never reaches the URL. */
      socket.address_text = (char *) "evil.example\"><script>";
      url = ps_socket_browser_url (&socket);
      g_assert_cmpstr (url, ==, cases[i].url);
      socket_clear (&socket);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("PORTSCOPE_PROC_ROOT");
  g_unsetenv ("PORTSCOPE_SERVICES");

  g_test_add_func ("/knowledge/range/boundaries", test_range_boundaries);
  g_test_add_func ("/knowledge/range/sentences", test_range_sentences);
  g_test_add_func ("/knowledge/ephemeral/range", test_ephemeral_range);
  g_test_add_func ("/knowledge/ephemeral/describe", test_ephemeral_describe);
  g_test_add_func ("/knowledge/services/table", test_services_table);
  g_test_add_func ("/knowledge/services/required", test_services_required);
  g_test_add_func ("/knowledge/services/etc-services", test_services_file);
  g_test_add_func ("/knowledge/services/threads", test_services_threads);
  g_test_add_func ("/knowledge/scope/table", test_scope_table);
  g_test_add_func ("/knowledge/exposure/labels", test_exposure_labels);
  g_test_add_func ("/knowledge/reach", test_reach);
  g_test_add_func ("/knowledge/security/rules", test_security_notes);
  g_test_add_func ("/knowledge/security/debugger-words", test_security_debugger_words);
  g_test_add_func ("/knowledge/security/note-free", test_security_note_free);
  g_test_add_func ("/knowledge/commands", test_commands);
  g_test_add_func ("/knowledge/browser-url", test_browser_url);

  return g_test_run ();
}

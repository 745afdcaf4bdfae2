/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "ps-snapshot.h"

static PsSocket *
add_socket (PsSnapshot *snapshot,
            PsProtocol  protocol,
            int         family,
            guint8      last_byte,
            guint16     port,
            guint64     inode)
{
  PsSocket *socket = ps_snapshot_add (snapshot);

  socket->protocol = protocol;
  socket->family = family;
  socket->state = protocol == PS_PROTOCOL_TCP ? TCP_LISTEN : TCP_CLOSE;
  socket->port = port;
  socket->inode = inode;
  if (family == AF_INET)
    {
      socket->address[0] = 127;
      socket->address[3] = last_byte;
    }
  else
    {
      socket->address[15] = last_byte;
    }
  socket->address_text = g_strdup_printf ("%u", last_byte);
  return socket;
}

static PsOwner *
make_owner (gint32      pid,
            const char *name)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = pid;
  owner->start_time = 1000 + pid;
  owner->name = g_strdup (name);
  g_strfreev (owner->argv);
  owner->argv = g_new0 (char *, 3);
  owner->argv[0] = g_strdup (name);
  owner->argv[1] = g_strdup ("--serve");
  return owner;
}

static void
assert_sorted (const PsSnapshot *snapshot)
{
  for (guint i = 1; i < ps_snapshot_get_n_sockets (snapshot); i++)
    g_assert_cmpint (ps_socket_compare (ps_snapshot_get_socket (snapshot, i - 1),
                                        ps_snapshot_get_socket (snapshot, i)), <, 0);
}

static void
test_sort_and_find (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  PsSocket key = { 0 };

  /* Deliberately out of order, every key field exercised. */
  add_socket (snapshot, PS_PROTOCOL_UDP, AF_INET, 1, 53, 10);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET6, 1, 80, 11);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 2, 80, 12);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 8080, 13);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 80, 15);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 80, 14);
  ps_snapshot_sort (snapshot);

  g_assert_cmpuint (ps_snapshot_get_n_sockets (snapshot), ==, 6);
  assert_sorted (snapshot);
  /* TCP before UDP, IPv4 before IPv6, then address, port, inode. */
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 0)->inode, ==, 14);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 1)->inode, ==, 15);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 2)->inode, ==, 13);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 3)->inode, ==, 12);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 4)->inode, ==, 11);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 5)->inode, ==, 10);

  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (ps_snapshot_find (snapshot, ps_snapshot_get_socket (snapshot, i)), ==, (gint) i);

  key.protocol = PS_PROTOCOL_TCP;
  key.family = AF_INET;
  key.address[0] = 127;
  key.address[3] = 1;
  key.port = 80;
  key.inode = 99;
  g_assert_cmpint (ps_snapshot_find (snapshot, &key), ==, -1);
  key.inode = 15;
  g_assert_cmpint (ps_snapshot_find (snapshot, &key), ==, 1);
}

static void
test_sort_merges_repeats (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  g_autoptr(PsSnapshot) before = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;

  /* A dump resumed under churn listed inode 2 three times and 5 twice. */
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 20, 2);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 50, 5);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 20, 2);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 10, 1);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 20, 2);
  add_socket (snapshot, PS_PROTOCOL_TCP, AF_INET, 1, 50, 5);
  ps_snapshot_sort (snapshot);

  g_assert_cmpuint (ps_snapshot_get_n_sockets (snapshot), ==, 3);
  assert_sorted (snapshot);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 0)->inode, ==, 1);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 1)->inode, ==, 2);
  g_assert_cmpuint (ps_snapshot_get_socket (snapshot, 2)->inode, ==, 5);

  /* So a socket present before is never "added" again. */
  add_socket (before, PS_PROTOCOL_TCP, AF_INET, 1, 20, 2);
  ps_snapshot_sort (before);
  diff = ps_snapshot_diff (before, snapshot);
  g_assert_cmpuint (diff->added->len, ==, 2);
  g_assert_cmpuint (diff->removed->len, ==, 0);
  g_assert_cmpuint (diff->changed_old->len, ==, 0);
}

static void
test_find_empty (void)
{
  g_autoptr(PsSnapshot) snapshot = ps_snapshot_new ();
  PsSocket key = { 0 };

  ps_snapshot_sort (snapshot);
  g_assert_cmpuint (ps_snapshot_get_n_sockets (snapshot), ==, 0);
  g_assert_cmpint (ps_snapshot_find (snapshot, &key), ==, -1);
  g_assert_cmpuint (ps_snapshot_get_n_hidden (snapshot), ==, 0);
}

static void
assert_indices (GArray      *array,
                const guint *expected,
                guint        n)
{
  g_assert_cmpuint (array->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (array, guint, i), ==, expected[i]);
}

static void
test_diff_empty (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  g_autoptr(PsSnapshot) b = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = ps_snapshot_diff (a, b);
  g_autoptr(PsSnapshotDiff) from_null = ps_snapshot_diff (NULL, b);

  g_assert_true (ps_snapshot_diff_is_empty (diff));
  g_assert_true (ps_snapshot_diff_is_empty (from_null));
}

static void
test_diff_from_null (void)
{
  g_autoptr(PsSnapshot) b = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;
  const guint all[] = { 0, 1, 2 };

  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 1, 1);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 2, 2);
  add_socket (b, PS_PROTOCOL_UDP, AF_INET, 1, 3, 3);
  ps_snapshot_sort (b);

  diff = ps_snapshot_diff (NULL, b);
  assert_indices (diff->added, all, 3);
  g_assert_cmpuint (diff->removed->len, ==, 0);
  g_assert_cmpuint (diff->changed_old->len, ==, 0);
  g_assert_false (ps_snapshot_diff_is_empty (diff));
}

static void
test_diff_identical (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  g_autoptr(PsSnapshot) b = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;
  g_autoptr(PsOwner) shared = make_owner (42, "nginx");

  for (guint i = 0; i < 50; i++)
    {
      PsSocket *sa = add_socket (a, i % 2 ? PS_PROTOCOL_UDP : PS_PROTOCOL_TCP, AF_INET, 1, 1000 + i, i);
      PsSocket *sb = add_socket (b, i % 2 ? PS_PROTOCOL_UDP : PS_PROTOCOL_TCP, AF_INET, 1, 1000 + i, i);

      /* Same content, distinct owner records: compared by value. */
      g_ptr_array_add (sa->owners, ps_owner_ref (shared));
      g_ptr_array_add (sb->owners, make_owner (42, "nginx"));
    }
  ps_snapshot_sort (a);
  ps_snapshot_sort (b);

  diff = ps_snapshot_diff (a, b);
  g_assert_true (ps_snapshot_diff_is_empty (diff));
}

/* A snapshot against itself (what a scanner returns in the steady state):
 * empty, and at once, not by a walk over every socket. */
static void
test_diff_self (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;
  g_autoptr(PsOwner) owner = make_owner (42, "nginx");

  /* The scanner hands back the same snapshot when nothing changed, and
   * --watch diffs it with itself: nothing added, removed or changed.  (That
   * this costs nothing is the early return's point; it is measured by
   * bench/run's --watch CPU, not timed here.) */
  for (guint i = 0; i < 1000; i++)
    {
      PsSocket *sa = add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, i % 65536, i);

      sa->user = g_strdup ("someone");
      g_ptr_array_add (sa->owners, ps_owner_ref (owner));
    }
  ps_snapshot_sort (a);
  diff = ps_snapshot_diff (a, a);
  g_assert_true (ps_snapshot_diff_is_empty (diff));
  g_assert_cmpuint (diff->added->len, ==, 0);
  g_assert_cmpuint (diff->removed->len, ==, 0);
  g_assert_cmpuint (diff->changed_new->len, ==, 0);
}

static void
test_diff_interleaved (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  g_autoptr(PsSnapshot) b = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;
  PsSocket *s;
  /* OLD ports 10 20 30 40 50 60 (indices 0..5); NEW ports 5 10 30 35 37 50 60 70
   * (indices 0..7) where 50 has another owner name and 60 another uid. */
  const guint expect_added[] = { 0, 3, 4, 7 };
  const guint expect_removed[] = { 1, 3 };
  const guint expect_changed_old[] = { 4, 5 };
  const guint expect_changed_new[] = { 5, 6 };

  /* Added in reverse order: the diff must rely on the sort. */
  add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 60, 6)->uid = 0;
  s = add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 50, 5);
  g_ptr_array_add (s->owners, make_owner (7, "old"));
  add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 40, 4);
  add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 30, 3);
  add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 20, 2);
  add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 10, 1);

  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 70, 103);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 60, 6)->uid = 1000;
  s = add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 50, 5);
  g_ptr_array_add (s->owners, make_owner (7, "new"));
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 37, 102);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 35, 101);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 30, 3);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 10, 1);
  add_socket (b, PS_PROTOCOL_TCP, AF_INET, 1, 5, 100);
  ps_snapshot_sort (a);
  ps_snapshot_sort (b);

  diff = ps_snapshot_diff (a, b);
  assert_indices (diff->added, expect_added, G_N_ELEMENTS (expect_added));
  assert_indices (diff->removed, expect_removed, G_N_ELEMENTS (expect_removed));
  assert_indices (diff->changed_old, expect_changed_old, G_N_ELEMENTS (expect_changed_old));
  assert_indices (diff->changed_new, expect_changed_new, G_N_ELEMENTS (expect_changed_new));
  g_assert_cmpuint (ps_snapshot_get_socket (b, 5)->port, ==, 50);
  g_assert_cmpuint (ps_snapshot_get_socket (a, 3)->port, ==, 40);
}

static void
test_diff_everything_replaced (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  g_autoptr(PsSnapshot) b = ps_snapshot_new ();
  g_autoptr(PsSnapshotDiff) diff = NULL;
  g_autoptr(PsSnapshotDiff) back = NULL;

  /* Same ports, new inodes: a restart is removed + added, never "changed". */
  for (guint i = 0; i < 10; i++)
    {
      add_socket (a, PS_PROTOCOL_TCP, AF_INET6, 1, 100 + i, 1 + i);
      add_socket (b, PS_PROTOCOL_TCP, AF_INET6, 1, 100 + i, 1000 + i);
    }
  ps_snapshot_sort (a);
  ps_snapshot_sort (b);

  diff = ps_snapshot_diff (a, b);
  g_assert_cmpuint (diff->added->len, ==, 10);
  g_assert_cmpuint (diff->removed->len, ==, 10);
  g_assert_cmpuint (diff->changed_old->len, ==, 0);

  back = ps_snapshot_diff (b, a);
  g_assert_cmpuint (back->added->len, ==, 10);
  g_assert_cmpuint (back->removed->len, ==, 10);
}

static void
test_socket_equal_fields (void)
{
  g_autoptr(PsSnapshot) a = ps_snapshot_new ();
  PsSocket *x = add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 80, 1);
  PsSocket *y = add_socket (a, PS_PROTOCOL_TCP, AF_INET, 1, 80, 1);
  PsOwner *ox = make_owner (5, "srv");
  PsOwner *oy = make_owner (5, "srv");

  g_ptr_array_add (x->owners, ox);
  g_ptr_array_add (y->owners, oy);
  g_assert_true (ps_socket_equal (x, y));
  g_assert_true (ps_owner_equal (ox, oy));

  g_free (oy->argv[1]);
  oy->argv[1] = g_strdup ("--other");
  g_assert_false (ps_owner_equal (ox, oy));
  g_assert_false (ps_socket_equal (x, y));
  g_free (oy->argv[1]);
  oy->argv[1] = g_strdup ("--serve");
  g_assert_true (ps_socket_equal (x, y));

  y->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
  g_assert_false (ps_socket_equal (x, y));
  g_assert_cmpuint (ps_snapshot_get_n_hidden (a), ==, 1);
  y->owner_hidden = PS_OWNER_VISIBLE;

  y->state = TCP_CLOSE;
  g_assert_false (ps_socket_equal (x, y));
  y->state = x->state;

  g_ptr_array_add (y->owners, make_owner (6, "srv"));
  g_assert_false (ps_socket_equal (x, y));
}

static void
test_owner_refcount_and_command_line (void)
{
  PsOwner *owner = make_owner (9, "a b");
  g_autofree char *line = NULL;
  PsOwner *empty = ps_owner_new ();
  g_autofree char *empty_line = ps_owner_dup_command_line (empty);

  g_assert_nonnull (empty->argv);
  g_assert_null (empty->argv[0]);
  g_assert_cmpstr (empty_line, ==, "");
  ps_owner_unref (empty);

  line = ps_owner_dup_command_line (owner);
  g_assert_cmpstr (line, ==, "a b --serve");
  g_assert_true (ps_owner_ref (owner) == owner);
  ps_owner_unref (owner);
  g_assert_cmpstr (owner->name, ==, "a b");
  ps_owner_unref (owner);
}

static void
test_snapshot_facts (void)
{
  g_autoptr(PsSnapshot) s = ps_snapshot_new ();
  PsSnapshot *ref = ps_snapshot_ref (s);

  g_assert_true (ref == s);
  ps_snapshot_unref (ref);
  ps_snapshot_set_timestamp (s, 1234);
  g_assert_cmpint (ps_snapshot_get_timestamp (s), ==, 1234);
  ps_snapshot_set_source (s, "procnet");
  g_assert_cmpstr (ps_snapshot_get_source (s), ==, "procnet");
  ps_snapshot_set_owners_complete (s, FALSE);
  g_assert_false (ps_snapshot_get_owners_complete (s));
  g_assert_cmpstr (ps_protocol_to_string (PS_PROTOCOL_UDP), ==, "udp");
  g_assert_cmpstr (ps_family_to_string (AF_INET6), ==, "ipv6");
  g_assert_cmpstr (ps_socket_state_to_string (TCP_LISTEN), ==, "listen");
  g_assert_cmpstr (ps_socket_state_to_string (TCP_ESTABLISHED), ==, "established");
  g_assert_true (g_type_is_a (PS_TYPE_SNAPSHOT, G_TYPE_BOXED));
  g_assert_true (g_type_is_a (PS_TYPE_OWNER, G_TYPE_BOXED));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot/sort-and-find", test_sort_and_find);
  g_test_add_func ("/snapshot/sort-merges-repeats", test_sort_merges_repeats);
  g_test_add_func ("/snapshot/find-empty", test_find_empty);
  g_test_add_func ("/snapshot/diff/empty", test_diff_empty);
  g_test_add_func ("/snapshot/diff/from-null", test_diff_from_null);
  g_test_add_func ("/snapshot/diff/identical", test_diff_identical);
  g_test_add_func ("/snapshot/diff/self", test_diff_self);
  g_test_add_func ("/snapshot/diff/interleaved", test_diff_interleaved);
  g_test_add_func ("/snapshot/diff/everything-replaced", test_diff_everything_replaced);
  g_test_add_func ("/snapshot/socket-equal", test_socket_equal_fields);
  g_test_add_func ("/snapshot/owner", test_owner_refcount_and_command_line);
  g_test_add_func ("/snapshot/facts", test_snapshot_facts);

  return g_test_run ();
}

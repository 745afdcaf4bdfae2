/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PsMonitor driven by a fake backend: scripted snapshots, a scan that blocks
 * on a condition variable, scripted failures. */
#include "config.h"

#include <gio/gio.h>

#include "ps-backend.h"
#include "ps-monitor.h"
#include "model-common.h"

/* The fake backend.  Everything but the script is guarded by the mutex:
 * scans run on the monitor's worker thread. */
#define TEST_TYPE_FAKE_BACKEND (test_fake_backend_get_type ())
G_DECLARE_FINAL_TYPE (TestFakeBackend, test_fake_backend, TEST, FAKE_BACKEND, GObject)

struct _TestFakeBackend
{
  GObject parent_instance;

  GMutex mutex;
  GCond cond;
  gboolean blocked;          /* scans wait while TRUE */
  guint fail_next;           /* the next N scans fail */
  GPtrArray *script;         /* PsSnapshot*: returned in order, the last repeats */
  guint next;
  guint n_calls;
  guint n_returned;
  guint in_scan;
  guint max_in_scan;
  GArray *flags;             /* PsScanFlags of each call */
};

static void test_fake_backend_iface_init (PsBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFakeBackend, test_fake_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PS_TYPE_BACKEND, test_fake_backend_iface_init))

static PsSnapshot *
test_fake_backend_scan (PsBackend     *backend,
                        PsScanFlags    flags,
                        PsScanStats   *stats,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TestFakeBackend *self = TEST_FAKE_BACKEND (backend);
  PsSnapshot *snapshot = NULL;

  g_mutex_lock (&self->mutex);
  self->n_calls++;
  self->in_scan++;
  self->max_in_scan = MAX (self->max_in_scan, self->in_scan);
  g_array_append_val (self->flags, flags);
  while (self->blocked)
    g_cond_wait (&self->cond, &self->mutex);

  if (self->fail_next > 0)
    {
      self->fail_next--;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "scripted failure");
    }
  else
    {
      g_assert_cmpuint (self->script->len, >, 0);
      snapshot = ps_snapshot_ref (g_ptr_array_index (self->script,
                                                     MIN (self->next, self->script->len - 1)));
      self->next++;
    }
  self->in_scan--;
  self->n_returned++;
  g_mutex_unlock (&self->mutex);

  return snapshot;
}

static void
test_fake_backend_iface_init (PsBackendInterface *iface)
{
  iface->scan = test_fake_backend_scan;
}

static void
test_fake_backend_finalize (GObject *object)
{
  TestFakeBackend *self = TEST_FAKE_BACKEND (object);

  g_ptr_array_unref (self->script);
  g_array_unref (self->flags);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (test_fake_backend_parent_class)->finalize (object);
}

static void
test_fake_backend_class_init (TestFakeBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_fake_backend_finalize;
}

static void
test_fake_backend_init (TestFakeBackend *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->script = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_snapshot_unref);
  self->flags = g_array_new (FALSE, FALSE, sizeof (PsScanFlags));
}

static TestFakeBackend *
fake_new (gboolean blocked,
          guint    fail_next)
{
  TestFakeBackend *self = g_object_new (TEST_TYPE_FAKE_BACKEND, NULL);

  self->blocked = blocked;
  self->fail_next = fail_next;
  return self;
}

/* Appends SNAPSHOT (a reference is taken) to the script. */
static void
fake_push (TestFakeBackend *self,
           PsSnapshot      *snapshot)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->script, ps_snapshot_ref (snapshot));
  g_mutex_unlock (&self->mutex);
}

static void
fake_release (TestFakeBackend *self)
{
  g_mutex_lock (&self->mutex);
  self->blocked = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static guint
fake_get (TestFakeBackend *self,
          const guint     *field)
{
  guint value;

  g_mutex_lock (&self->mutex);
  value = *field;
  g_mutex_unlock (&self->mutex);
  return value;
}

static PsScanFlags
fake_flags (TestFakeBackend *self,
            guint            call)
{
  PsScanFlags flags;

  g_mutex_lock (&self->mutex);
  g_assert_cmpuint (call, <, self->flags->len);
  flags = g_array_index (self->flags, PsScanFlags, call);
  g_mutex_unlock (&self->mutex);
  return flags;
}

/* Snapshots: one socket on 1000 without owner (as a NO_OWNERS scan gives),
 * the same with its owner, and one with a second socket. */
static PsSnapshot *
snapshot_bare (void)
{
  PsSnapshot *snapshot = ps_snapshot_new ();

  model_add_socket (snapshot, 1000, NULL);
  ps_snapshot_set_owners_complete (snapshot, FALSE);
  ps_snapshot_sort (snapshot);
  return snapshot;
}

static PsSnapshot *
snapshot_owned (guint n_sockets)
{
  PsSnapshot *snapshot = ps_snapshot_new ();
  g_autoptr(PsOwner) owner = model_owner_new (4000, "server");

  for (guint i = 0; i < n_sockets; i++)
    model_add_socket (snapshot, 1000 + 10 * i, owner);
  ps_snapshot_sort (snapshot);
  return snapshot;
}

/* What the monitor said. */
typedef struct
{
  PsMonitor *monitor;
  GPtrArray *updates;        /* PsSnapshot* (refs) */
  GArray *intervals;         /* effective interval right after each update */
  GArray *times;             /* gint64 monotonic time of each update */
  guint n_failed;
} Log;

static void
updated_cb (PsMonitor  *monitor,
            PsSnapshot *snapshot,
            Log        *log)
{
  guint interval = ps_monitor_get_effective_interval (monitor);
  gint64 now = g_get_monotonic_time ();

  g_assert_nonnull (snapshot);
  g_assert_true (snapshot == ps_monitor_get_snapshot (monitor));
  g_ptr_array_add (log->updates, ps_snapshot_ref (snapshot));
  g_array_append_val (log->intervals, interval);
  g_array_append_val (log->times, now);
}

static void
failed_cb (PsMonitor *monitor,
           GError    *error,
           Log       *log)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  log->n_failed++;
}

static void
log_init (Log       *log,
          PsMonitor *monitor)
{
  log->monitor = monitor;
  log->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_snapshot_unref);
  log->intervals = g_array_new (FALSE, FALSE, sizeof (guint));
  log->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  log->n_failed = 0;
  g_signal_connect (monitor, "updated", G_CALLBACK (updated_cb), log);
  g_signal_connect (monitor, "failed", G_CALLBACK (failed_cb), log);
}

static void
log_clear (Log *log)
{
  if (log->monitor != NULL)
    g_signal_handlers_disconnect_by_data (log->monitor, log);
  g_clear_pointer (&log->updates, g_ptr_array_unref);
  g_clear_pointer (&log->intervals, g_array_unref);
  g_clear_pointer (&log->times, g_array_unref);
}

/* Conditions for model_wait_until. */
typedef struct
{
  PsMonitor *monitor;
  TestFakeBackend *fake;
  guint n;
} Want;

static gboolean
want_scans (gpointer data)
{
  Want *want = data;

  return ps_monitor_get_n_scans (want->monitor) >= want->n;
}

static gboolean
want_calls (gpointer data)
{
  Want *want = data;

  return fake_get (want->fake, &want->fake->n_calls) >= want->n;
}

static gboolean
want_returned (gpointer data)
{
  Want *want = data;

  return fake_get (want->fake, &want->fake->n_returned) >= want->n;
}

static gboolean
want_skipped (gpointer data)
{
  Want *want = data;
  guint n_skipped = 0;

  g_object_get (want->monitor, "n-skipped", &n_skipped, NULL);
  return n_skipped >= want->n;
}

static gboolean
want_idle (gpointer data)
{
  Want *want = data;

  return !ps_monitor_get_scanning (want->monitor);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drops the caller's reference to FAKE and waits until every scan task let
 * go of it too (the worker and the callback are done). */
static void
finalize_backend (TestFakeBackend *fake)
{
  gpointer weak = fake;

  g_object_add_weak_pointer (G_OBJECT (fake), &weak);
  g_object_unref (fake);
  g_assert_true (model_wait_until (pointer_is_null, &weak, 5000));
}

static void
test_first_scan (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (FALSE, 0);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  monitor = ps_monitor_new (PS_BACKEND (fake));
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 2 };

  /* Nothing starts before the main loop runs. */
  g_assert_cmpuint (ps_monitor_get_n_scans (monitor), ==, 0);
  g_assert_null (ps_monitor_get_snapshot (monitor));
  g_assert_true (ps_monitor_get_backend (monitor) == PS_BACKEND (fake));

  g_assert_true (model_wait_until (want_scans, &want, 5000));

  /* Sockets only first, then at once the full scan with owners. */
  g_assert_cmpuint (log.updates->len, ==, 2);
  g_assert_true (g_ptr_array_index (log.updates, 0) == bare);
  g_assert_true (g_ptr_array_index (log.updates, 1) == owned);
  g_assert_true (fake_flags (fake, 0) & PS_SCAN_NO_OWNERS);
  g_assert_false (fake_flags (fake, 1) & PS_SCAN_NO_OWNERS);
  g_assert_false (fake_flags (fake, 1) & PS_SCAN_CONNECTIONS);
  g_assert_true (ps_monitor_get_snapshot (monitor) == owned);
  g_assert_cmpuint (ps_monitor_get_effective_interval (monitor), ==, 1000);
  g_assert_cmpuint (fake_get (fake, &fake->max_in_scan), ==, 1);
  g_assert_cmpuint (log.n_failed, ==, 0);

  /* Asking for connections rescans at once with the flag. */
  ps_monitor_set_connections (monitor, TRUE);
  want.n = 3;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_true (fake_flags (fake, 2) & PS_SCAN_CONNECTIONS);

  /* The interval is clamped. */
  ps_monitor_set_interval (monitor, 10);
  g_assert_cmpuint (ps_monitor_get_interval (monitor), ==, 250);
  ps_monitor_set_interval (monitor, 10 * 60 * 1000);
  g_assert_cmpuint (ps_monitor_get_interval (monitor), ==, 60000);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

/* The window asks for the first snapshot before it is shown: one sockets-only
 * scan while inactive, nothing more until it becomes active. */
static void
test_prefetch (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (FALSE, 0);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  monitor = ps_monitor_new (PS_BACKEND (fake));
  ps_monitor_set_active (monitor, FALSE);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 1 };

  ps_monitor_prefetch (monitor);
  g_assert_true (ps_monitor_get_scanning (monitor));
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_cmpuint (log.updates->len, ==, 1);
  g_assert_true (g_ptr_array_index (log.updates, 0) == bare);
  g_assert_true (fake_flags (fake, 0) & PS_SCAN_NO_OWNERS);

  /* Inactive: no owners scan, no timer, and a second prefetch does nothing. */
  ps_monitor_prefetch (monitor);
  model_spin_for (1300);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 1);
  g_assert_false (ps_monitor_get_scanning (monitor));

  /* Shown: the scan with owners follows. */
  ps_monitor_set_active (monitor, TRUE);
  want.n = 2;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_false (fake_flags (fake, 1) & PS_SCAN_NO_OWNERS);
  g_assert_true (ps_monitor_get_snapshot (monitor) == owned);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

/* The window holds its monitor from the map until the first rows are
 * painted: the first scan lands, but neither the scan with owners, nor a
 * tick, nor a refresh starts until it lets go; then one scan starts. */
static void
test_held (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (TRUE, 0);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  monitor = g_object_new (PS_TYPE_MONITOR,
                          "backend", fake,
                          "interval", 250,
                          "active", FALSE,
                          NULL);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 1 };

  ps_monitor_prefetch (monitor);
  ps_monitor_set_held (monitor, TRUE);
  ps_monitor_set_active (monitor, TRUE);
  fake_release (fake);
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_cmpuint (log.updates->len, ==, 1);
  g_assert_true (g_ptr_array_index (log.updates, 0) == bare);

  /* Held: ticks at 250 ms and a refresh start nothing. */
  ps_monitor_refresh (monitor, FALSE);
  model_spin_for (700);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 1);
  g_assert_false (ps_monitor_get_scanning (monitor));

  /* Let go: one scan, with owners, at once (long before a 60 s tick). */
  ps_monitor_set_interval (monitor, 60000);
  ps_monitor_set_held (monitor, FALSE);
  g_assert_true (ps_monitor_get_scanning (monitor));
  want.n = 2;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_false (fake_flags (fake, 1) & PS_SCAN_NO_OWNERS);
  g_assert_true (ps_monitor_get_snapshot (monitor) == owned);
  model_spin_for (300);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 2);

  /* Releasing twice starts nothing more. */
  ps_monitor_set_held (monitor, FALSE);
  g_assert_false (ps_monitor_get_scanning (monitor));

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

static void
test_one_at_a_time (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (TRUE, 0);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  monitor = g_object_new (PS_TYPE_MONITOR, "backend", fake, "interval", 250, NULL);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 1 };

  g_assert_true (model_wait_until (want_calls, &want, 5000));
  g_assert_true (ps_monitor_get_scanning (monitor));

  /* Ticks come and are skipped while the scan blocks. */
  want.n = 2;
  g_assert_true (model_wait_until (want_skipped, &want, 5000));
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 1);

  /* A refresh while scanning does not start a second scan... */
  ps_monitor_refresh (monitor, TRUE);
  model_spin_for (100);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 1);
  g_assert_cmpuint (ps_monitor_get_n_scans (monitor), ==, 0);

  /* ...it follows the running one, with its flags. */
  fake_release (fake);
  want.n = 2;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_true (fake_flags (fake, 0) & PS_SCAN_NO_OWNERS);
  g_assert_true (fake_flags (fake, 1) & PS_SCAN_FULL_WALK);
  g_assert_false (fake_flags (fake, 1) & PS_SCAN_NO_OWNERS);
  g_assert_cmpuint (fake_get (fake, &fake->max_in_scan), ==, 1);
  g_assert_cmpuint (log.updates->len, ==, 2);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

static void
test_failure (void)
{
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (FALSE, 2);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, owned);
  monitor = g_object_new (PS_TYPE_MONITOR, "backend", fake, "interval", 250, NULL);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 3 };

  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_cmpuint (log.n_failed, ==, 2);
  g_assert_cmpuint (log.updates->len, ==, 1);
  g_assert_true (ps_monitor_get_snapshot (monitor) == owned);

  /* And it keeps going. */
  want.n = 4;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_cmpuint (log.updates->len, ==, 2);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

static void
test_backoff (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  g_autoptr(PsSnapshot) same = snapshot_owned (1);
  g_autoptr(PsSnapshot) changed = snapshot_owned (2);
  TestFakeBackend *fake = fake_new (FALSE, 0);
  /* Scan 1 (sockets only) and 2 (owners arrive) are changes; then each
   * unchanged scan doubles, up to 8 × 250. */
  const guint expected[] = { 250, 250, 500, 1000, 2000, 2000 };
  PsMonitor *monitor;
  gint64 gap;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  fake_push (fake, same);
  monitor = g_object_new (PS_TYPE_MONITOR, "backend", fake, "interval", 250, NULL);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, G_N_ELEMENTS (expected) };

  g_assert_true (model_wait_until (want_scans, &want, 15000));
  g_assert_cmpuint (log.intervals->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (g_array_index (log.intervals, guint, i), ==, expected[i]);
  /* The timer really waited the backed-off interval. */
  gap = g_array_index (log.times, gint64, 5) - g_array_index (log.times, gint64, 4);
  g_assert_cmpint (gap, >=, 1900 * 1000);

  /* A refresh resets at once; a change keeps it at the base. */
  fake_push (fake, changed);
  ps_monitor_refresh (monitor, FALSE);
  g_assert_cmpuint (ps_monitor_get_effective_interval (monitor), ==, 250);
  want.n = G_N_ELEMENTS (expected) + 1;
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_true (g_ptr_array_index (log.updates, G_N_ELEMENTS (expected)) == changed);
  g_assert_cmpuint (g_array_index (log.intervals, guint, G_N_ELEMENTS (expected)), ==, 250);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

static void
test_inactive (void)
{
  g_autoptr(PsSnapshot) bare = snapshot_bare ();
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (FALSE, 0);
  PsMonitor *monitor;
  guint n_calls;
  Want want;
  Log log;

  fake_push (fake, bare);
  fake_push (fake, owned);
  monitor = g_object_new (PS_TYPE_MONITOR,
                          "backend", fake,
                          "interval", 250,
                          "active", FALSE,
                          NULL);
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 2 };

  /* Created hidden: no scan at all. */
  model_spin_for (600);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, 0);
  g_assert_false (ps_monitor_get_active (monitor));

  ps_monitor_set_active (monitor, TRUE);
  g_assert_true (model_wait_until (want_scans, &want, 5000));
  g_assert_true (fake_flags (fake, 0) & PS_SCAN_NO_OWNERS);

  /* Hidden again: once the scan in flight (if any) lands, nothing more. */
  ps_monitor_set_active (monitor, FALSE);
  g_assert_true (model_wait_until (want_idle, &want, 5000));
  n_calls = fake_get (fake, &fake->n_calls);
  model_spin_for (1000);
  g_assert_cmpuint (fake_get (fake, &fake->n_calls), ==, n_calls);

  /* Shown: a scan at once, long before a 60 s tick. */
  ps_monitor_set_interval (monitor, 60000);
  ps_monitor_set_active (monitor, TRUE);
  want.n = n_calls + 1;
  g_assert_true (model_wait_until (want_calls, &want, 5000));
  g_assert_false (fake_flags (fake, n_calls) & PS_SCAN_NO_OWNERS);
  g_assert_true (model_wait_until (want_idle, &want, 5000));

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (fake);
}

static void
test_finalize_in_flight (void)
{
  g_autoptr(PsSnapshot) owned = snapshot_owned (1);
  TestFakeBackend *fake = fake_new (TRUE, 0);
  PsMonitor *monitor;
  Want want;
  Log log;

  fake_push (fake, owned);
  monitor = ps_monitor_new (PS_BACKEND (fake));
  log_init (&log, monitor);
  want = (Want) { monitor, fake, 1 };
  g_assert_true (model_wait_until (want_calls, &want, 5000));

  /* The task holds only a weak reference: the monitor goes at once. */
  log_clear (&log);
  g_assert_finalize_object (monitor);

  /* The worker finishes; its callback finds no monitor and drops it. */
  fake_release (fake);
  g_assert_true (model_wait_until (want_returned, &want, 5000));
  finalize_backend (fake);
}

static void
test_set_backend (void)
{
  g_autoptr(PsSnapshot) from_a = snapshot_owned (1);
  g_autoptr(PsSnapshot) from_b = snapshot_owned (2);
  TestFakeBackend *a = fake_new (TRUE, 0);
  TestFakeBackend *b = fake_new (FALSE, 0);
  PsMonitor *monitor;
  Want want_a;
  Want want_b;
  Log log;

  fake_push (a, from_a);
  fake_push (b, from_b);
  monitor = ps_monitor_new (PS_BACKEND (a));
  log_init (&log, monitor);
  want_a = (Want) { monitor, a, 1 };
  want_b = (Want) { monitor, b, 1 };
  g_assert_true (model_wait_until (want_calls, &want_a, 5000));

  /* Unlock: the scan on A is discarded, B scans at once. */
  ps_monitor_set_backend (monitor, PS_BACKEND (b));
  g_assert_true (ps_monitor_get_backend (monitor) == PS_BACKEND (b));
  g_assert_true (model_wait_until (want_scans, &want_b, 5000));
  g_assert_true (ps_monitor_get_snapshot (monitor) == from_b);
  g_assert_true (fake_flags (b, 0) & PS_SCAN_FULL_WALK);

  fake_release (a);
  g_assert_true (model_wait_until (want_returned, &want_a, 5000));
  finalize_backend (a);
  for (guint i = 0; i < log.updates->len; i++)
    g_assert_true (g_ptr_array_index (log.updates, i) == from_b);
  g_assert_true (ps_monitor_get_snapshot (monitor) == from_b);

  log_clear (&log);
  g_assert_finalize_object (monitor);
  finalize_backend (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/monitor/first-scan", test_first_scan);
  g_test_add_func ("/model/monitor/prefetch", test_prefetch);
  g_test_add_func ("/model/monitor/held", test_held);
  g_test_add_func ("/model/monitor/one-at-a-time", test_one_at_a_time);
  g_test_add_func ("/model/monitor/failure", test_failure);
  g_test_add_func ("/model/monitor/backoff", test_backoff);
  g_test_add_func ("/model/monitor/inactive", test_inactive);
  g_test_add_func ("/model/monitor/finalize-in-flight", test_finalize_in_flight);
  g_test_add_func ("/model/monitor/set-backend", test_set_backend);

  return g_test_run ();
}

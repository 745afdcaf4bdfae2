/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n.h>

#include "ps-bench.h"
#include "ps-owners.h"
#include "ps-scanner.h"
#include "ps-snapshot.h"
#include "ps-sockets.h"

#define DEFAULT_COLD 5
#define DEFAULT_STEADY 30
#define DEFAULT_INTERVAL_MS 1000
#define MAX_COUNT 100000

typedef struct
{
  guint cold;
  guint steady;
  guint churn_seconds;
  guint interval_ms;
} BenchSpec;

/* Durations of one kind of scan, and the scanner's counters summed over it. */
typedef struct
{
  GArray *total;       /* gint64 µs per scan */
  GArray *cpu;         /* gint64 µs of CPU (every thread of the process) per scan */
  GArray *dump;
  GArray *owners;
  GArray *facts;
  GArray *fds;         /* guint: fds the owner walk read per scan */
  guint machine_fds;   /* fds a full walk read (the scan before the series) */
  guint64 full_walks;
  guint64 partial_walks;
  guint64 added;
  guint64 removed;
  guint64 changed;
  guint n_sockets;
  guint pids_denied;
} Series;

static void
series_init (Series *s)
{
  memset (s, 0, sizeof *s);
  s->total = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->dump = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->owners = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->facts = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->fds = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
series_clear (Series *s)
{
  g_clear_pointer (&s->total, g_array_unref);
  g_clear_pointer (&s->cpu, g_array_unref);
  g_clear_pointer (&s->dump, g_array_unref);
  g_clear_pointer (&s->owners, g_array_unref);
  g_clear_pointer (&s->facts, g_array_unref);
  g_clear_pointer (&s->fds, g_array_unref);
}

static void
series_add (Series            *s,
            gint64             total_usec,
            gint64             cpu_usec,
            const PsScanStats *stats)
{
  g_array_append_val (s->total, total_usec);
  g_array_append_val (s->cpu, cpu_usec);
  g_array_append_val (s->dump, stats->dump_usec);
  g_array_append_val (s->owners, stats->owners_usec);
  g_array_append_val (s->facts, stats->facts_usec);
  g_array_append_val (s->fds, stats->fds_scanned);
  s->full_walks += stats->full_walks;
  s->partial_walks += stats->partial_walks;
  s->n_sockets = stats->n_sockets;
  s->pids_denied = stats->pids_denied;
}

static void
series_add_diff (Series           *s,
                 const PsSnapshot *old,
                 const PsSnapshot *new_)
{
  g_autoptr(PsSnapshotDiff) diff = ps_snapshot_diff (old, new_);

  s->added += diff->added->len;
  s->removed += diff->removed->len;
  s->changed += diff->changed_new->len;
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static guint
max_uint (GArray *values)
{
  guint max = 0;

  for (guint i = 0; i < values->len; i++)
    max = MAX (max, g_array_index (values, guint, i));
  return max;
}

/* Walks that read at least half the fds of the machine: full walks in all
 * but name, whatever the counters call them. */
static guint
count_near_full (GArray *fds,
                 guint   machine_fds)
{
  guint n = 0;

  for (guint i = 0; machine_fds > 0 && i < fds->len; i++)
    if (g_array_index (fds, guint, i) >= machine_fds / 2)
      n++;
  return n;
}

static guint median_uint (GArray *values);

/* The Q-quantile (0..1, nearest rank) of VALUES in milliseconds; sorts VALUES. */
static double
quantile_ms (GArray *values,
             double  q)
{
  guint rank;

  if (values->len == 0)
    return 0.0;
  g_array_sort (values, compare_gint64);
  rank = (guint) (q * (values->len - 1) + 0.5);
  return g_array_index (values, gint64, MIN (rank, values->len - 1)) / 1000.0;
}

static void
print_series (GString    *out,
              const char *name,
              Series     *s,
              gboolean    with_diff)
{
  guint n = s->total->len;

  g_string_append_printf (out, "  \"%s\": {\n", name);
  g_string_append_printf (out, "    \"runs\": %u,\n", n);
  g_string_append_printf (out, "    \"sockets\": %u,\n", s->n_sockets);
  g_string_append_printf (out, "    \"median_ms\": %.3f,\n", quantile_ms (s->total, 0.5));
  g_string_append_printf (out, "    \"min_ms\": %.3f,\n", quantile_ms (s->total, 0.0));
  g_string_append_printf (out, "    \"p95_ms\": %.3f,\n", quantile_ms (s->total, 0.95));
  g_string_append_printf (out, "    \"max_ms\": %.3f,\n", quantile_ms (s->total, 1.0));
  g_string_append_printf (out, "    \"cpu_median_ms\": %.3f,\n", quantile_ms (s->cpu, 0.5));
  g_string_append_printf (out, "    \"dump_median_ms\": %.3f,\n", quantile_ms (s->dump, 0.5));
  g_string_append_printf (out, "    \"owners_median_ms\": %.3f,\n", quantile_ms (s->owners, 0.5));
  g_string_append_printf (out, "    \"facts_median_ms\": %.3f,\n", quantile_ms (s->facts, 0.5));
  g_string_append_printf (out, "    \"full_walks\": %" G_GUINT64_FORMAT ",\n", s->full_walks);
  g_string_append_printf (out, "    \"partial_walks\": %" G_GUINT64_FORMAT ",\n", s->partial_walks);
  g_string_append_printf (out, "    \"full_walks_per_refresh\": %.3f,\n",
                          n > 0 ? (double) s->full_walks / n : 0.0);
  g_string_append_printf (out, "    \"walk_fds_median\": %u,\n", median_uint (s->fds));
  g_string_append_printf (out, "    \"walk_fds_max\": %u,\n", max_uint (s->fds));
  if (s->machine_fds > 0)
    g_string_append_printf (out, "    \"near_full_walks\": %u,\n",
                            count_near_full (s->fds, s->machine_fds));
  if (with_diff)
    {
      g_string_append_printf (out, "    \"added\": %" G_GUINT64_FORMAT ",\n", s->added);
      g_string_append_printf (out, "    \"removed\": %" G_GUINT64_FORMAT ",\n", s->removed);
      g_string_append_printf (out, "    \"changed\": %" G_GUINT64_FORMAT ",\n", s->changed);
    }
  g_string_append_printf (out, "    \"pids_denied\": %u\n", s->pids_denied);
  g_string_append (out, "  }");
}

static gboolean
parse_count (const char *text,
             guint       min,
             guint      *value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, min, MAX_COUNT, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

static gboolean
parse_spec (const char *text,
            BenchSpec  *spec)
{
  g_auto(GStrv) items = NULL;
  gboolean any_kind = FALSE;

  spec->cold = 0;
  spec->steady = 0;
  spec->churn_seconds = 0;
  spec->interval_ms = DEFAULT_INTERVAL_MS;

  items = g_strsplit (text != NULL ? text : "", ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      const char *eq = strchr (item, '=');
      g_autofree char *key = eq != NULL ? g_strndup (item, eq - item) : g_strdup (item);
      const char *value = eq != NULL ? eq + 1 : NULL;

      if (*item == '\0' && items[1] == NULL)
        break;
      if (strcmp (key, "all") == 0 && value == NULL)
        {
          spec->cold = DEFAULT_COLD;
          spec->steady = DEFAULT_STEADY;
          any_kind = TRUE;
        }
      else if (strcmp (key, "cold") == 0)
        {
          spec->cold = DEFAULT_COLD;
          if (value != NULL && !parse_count (value, 1, &spec->cold))
            return FALSE;
          any_kind = TRUE;
        }
      else if (strcmp (key, "steady") == 0)
        {
          spec->steady = DEFAULT_STEADY;
          if (value != NULL && !parse_count (value, 1, &spec->steady))
            return FALSE;
          any_kind = TRUE;
        }
      else if (strcmp (key, "churn") == 0)
        {
          if (value == NULL || !parse_count (value, 1, &spec->churn_seconds))
            return FALSE;
          any_kind = TRUE;
        }
      else if (strcmp (key, "interval") == 0)
        {
          if (value == NULL || !parse_count (value, 10, &spec->interval_ms))
            return FALSE;
        }
      else
        return FALSE;
    }

  if (!any_kind)
    {
      spec->cold = DEFAULT_COLD;
      spec->steady = DEFAULT_STEADY;
    }
  return TRUE;
}

/* CPU time of the whole process (the walk may use several threads), in µs. */
static gint64
process_cpu_usec (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* One scan, timed from the outside.  Returns the snapshot or NULL. */
static PsSnapshot *
timed_scan (PsScanner   *scanner,
            PsScanFlags  flags,
            Series      *series,
            GError     **error)
{
  PsScanStats stats = { 0 };
  PsSnapshot *snapshot;
  gint64 c0 = process_cpu_usec ();
  gint64 t0 = g_get_monotonic_time ();

  snapshot = ps_scanner_scan (scanner, flags, &stats, error);
  if (snapshot != NULL && series != NULL)
    series_add (series, g_get_monotonic_time () - t0, process_cpu_usec () - c0, &stats);
  return snapshot;
}

static gboolean
run_cold (guint    runs,
          Series  *cold,
          Series  *dump_only,
          GError **error)
{
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(PsScanner) scanner = ps_scanner_new ();
      g_autoptr(PsScanner) dump_scanner = ps_scanner_new ();
      g_autoptr(PsSnapshot) snapshot = NULL;
      g_autoptr(PsSnapshot) dump = NULL;

      snapshot = timed_scan (scanner, PS_SCAN_DEFAULT, cold, error);
      if (snapshot == NULL)
        return FALSE;
      /* The fast first paint: sockets from the dump, no owners. */
      dump = timed_scan (dump_scanner, PS_SCAN_NO_OWNERS, dump_only, error);
      if (dump == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_steady (guint    runs,
            Series  *steady,
            GArray  *diff_usec,
            GError **error)
{
  g_autoptr(PsScanner) scanner = ps_scanner_new ();
  g_autoptr(PsSnapshot) previous = NULL;

  /* The first scan walks /proc: not counted. */
  previous = timed_scan (scanner, PS_SCAN_DEFAULT, NULL, error);
  if (previous == NULL)
    return FALSE;

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(PsSnapshot) snapshot = timed_scan (scanner, PS_SCAN_DEFAULT, steady, error);
      gint64 t0;

      if (snapshot == NULL)
        return FALSE;
      t0 = g_get_monotonic_time ();
      series_add_diff (steady, previous, snapshot);
      t0 = g_get_monotonic_time () - t0;
      g_array_append_val (diff_usec, t0);
      g_clear_pointer (&previous, ps_snapshot_unref);
      previous = g_steal_pointer (&snapshot);
    }
  return TRUE;
}

static gboolean
run_churn (guint    seconds,
           guint    interval_ms,
           Series  *churn,
           GError **error)
{
  g_autoptr(PsScanner) scanner = ps_scanner_new ();
  g_autoptr(PsSnapshot) previous = NULL;
  PsScanStats first = { 0 };
  gint64 start, next;

  /* The first scan walks every fd: the machine's count. */
  previous = ps_scanner_scan (scanner, PS_SCAN_DEFAULT, &first, error);
  if (previous == NULL)
    return FALSE;
  churn->machine_fds = first.fds_scanned;

  start = g_get_monotonic_time ();
  next = start + (gint64) interval_ms * 1000;
  while (next <= start + (gint64) seconds * G_USEC_PER_SEC)
    {
      g_autoptr(PsSnapshot) snapshot = NULL;
      gint64 now = g_get_monotonic_time ();

      if (now < next)
        g_usleep (next - now);
      next += (gint64) interval_ms * 1000;

      snapshot = timed_scan (scanner, PS_SCAN_DEFAULT, churn, error);
      if (snapshot == NULL)
        return FALSE;
      series_add_diff (churn, previous, snapshot);
      g_clear_pointer (&previous, ps_snapshot_unref);
      previous = g_steal_pointer (&snapshot);
    }
  return TRUE;
}

/* The owner tracker alone under churn, for what the scanner's counters do not
 * say: how many fds each refresh's walk read (a "partial" walk that does not
 * stop early reads every fd of the machine).  FDS gets one guint per refresh;
 * *MACHINE_FDS the count of the initial full walk. */
static gboolean
run_churn_walks (guint    seconds,
                 guint    interval_ms,
                 GArray  *fds,
                 guint   *machine_fds,
                 GError **error)
{
  PsOwnerTracker *tracker = ps_owner_tracker_new (NULL);
  gint64 start, next;
  gboolean ok = TRUE;

  if (tracker == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
      return FALSE;
    }

  start = g_get_monotonic_time ();
  next = start;
  while (ok && next <= start + (gint64) seconds * G_USEC_PER_SEC)
    {
      PsProbeSocketArray sockets = { 0 };
      PsProbeSource source;
      PsOwnerStats stats = { 0 };
      gint64 now = g_get_monotonic_time ();
      int r;

      if (now < next)
        g_usleep (next - now);
      r = ps_probe_dump_sockets (PS_PROBE_DEFAULT, &sockets, &source);
      if (r == 0)
        r = ps_owner_tracker_update (tracker, &sockets, FALSE, &stats);
      ps_probe_socket_array_clear (&sockets);
      if (r < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r), "%s", g_strerror (-r));
          ok = FALSE;
        }
      else if (next == start)
        *machine_fds = stats.fds_scanned;
      else
        g_array_append_val (fds, stats.fds_scanned);
      next += (gint64) interval_ms * 1000;
    }
  ps_owner_tracker_free (tracker);
  return ok;
}

static guint
median_uint (GArray *values)
{
  g_autoptr(GArray) sorted = NULL;
  guint mid;

  if (values->len == 0)
    return 0;
  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_guint);
  mid = g_array_index (sorted, guint, sorted->len / 2);
  return mid;
}

int
ps_bench_main (const char *spec_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("{\n");
  g_autoptr(GArray) diff_usec = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) churn_fds = g_array_new (FALSE, FALSE, sizeof (guint));
  guint machine_fds = 0;
  BenchSpec spec;
  Series cold, dump_only, steady, churn;
  gboolean ok = TRUE;
  gboolean first = TRUE;

  if (!parse_spec (spec_text, &spec))
    {
      g_printerr ("portscope: %s\n",
                  _("--bench takes a list like cold=5,steady=30,churn=30,interval=1000"));
      return 2;
    }

  series_init (&cold);
  series_init (&dump_only);
  series_init (&steady);
  series_init (&churn);

  if (ok && spec.cold > 0)
    ok = run_cold (spec.cold, &cold, &dump_only, &error);
  if (ok && spec.steady > 0)
    ok = run_steady (spec.steady, &steady, diff_usec, &error);
  if (ok && spec.churn_seconds > 0)
    ok = run_churn (spec.churn_seconds, spec.interval_ms, &churn, &error);
  if (ok && spec.churn_seconds > 0)
    ok = run_churn_walks (MAX (spec.churn_seconds / 2, 1), spec.interval_ms,
                          churn_fds, &machine_fds, &error);

  if (ok)
    {
      if (spec.cold > 0)
        {
          print_series (out, "cold", &cold, FALSE);
          g_string_append (out, ",\n");
          print_series (out, "dump_only", &dump_only, FALSE);
          first = FALSE;
        }
      if (spec.steady > 0)
        {
          if (!first)
            g_string_append (out, ",\n");
          print_series (out, "steady", &steady, TRUE);
          g_string_append_printf (out, ",\n  \"steady_diff_median_ms\": %.3f",
                                  quantile_ms (diff_usec, 0.5));
          first = FALSE;
        }
      if (spec.churn_seconds > 0)
        {
          if (!first)
            g_string_append (out, ",\n");
          print_series (out, "churn", &churn, TRUE);
          g_string_append_printf (out, ",\n  \"churn_interval_ms\": %u", spec.interval_ms);
          g_string_append_printf (out, ",\n  \"churn_walk_fds_median\": %u", median_uint (churn_fds));
          g_string_append_printf (out, ",\n  \"churn_walk_fds_max\": %u", max_uint (churn_fds));
          g_string_append_printf (out, ",\n  \"churn_walk_near_full\": %u",
                                  count_near_full (churn_fds, machine_fds));
          g_string_append_printf (out, ",\n  \"churn_walk_refreshes\": %u", churn_fds->len);
          g_string_append_printf (out, ",\n  \"machine_fds\": %u", machine_fds);
          first = FALSE;
        }
      g_string_append (out, "\n}\n");
      fputs (out->str, stdout);
      fflush (stdout);
    }
  else
    {
      g_printerr ("portscope: %s\n", error != NULL ? error->message : _("the scan failed"));
    }

  series_clear (&cold);
  series_clear (&dump_only);
  series_clear (&steady);
  series_clear (&churn);
  return ok ? 0 : 1;
}

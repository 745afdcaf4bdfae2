/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Not a test: PsSocketList apply times (issue 7).  Prints the median over
 * --runs of: the first load of --rows sockets, an apply with no change, and
 * an apply with 210 changes (100 sockets replaced by others, 10 owners
 * changed), with the list's default new/closing timeouts.  Owners are shared
 * between snapshots, as the scanner's facts cache does in the steady state.
 * The plain figures are what the app does: the monitor's worker computed
 * the diff and noted it (ps_socket_list_note_diff), so a no-change apply is
 * O(1) and a change apply compares keys only; the *_merge figures are the
 * same applies without the note (every row compared on the main thread).
 * owners_arrive is the app's second apply: every row of the dump-only first
 * scan gets its owner.
 * Output: key=value lines (times in ms). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gio/gio.h>

#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "model-common.h"

#define N_PROCESSES 500

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* Socket I of the scenario: TCP 80 %, UDP 20 %, 127.0.0.1 and ::1. */
static PsSocket *
add_scenario_socket (PsSnapshot *snapshot,
                     guint       i,
                     guint       port,
                     PsOwner    *owner)
{
  PsSocket *socket = model_add_socket (snapshot, port, owner);

  socket->inode = 100000 + i;
  if (i % 5 == 4)
    {
      socket->protocol = PS_PROTOCOL_UDP;
      socket->state = TCP_CLOSE;
    }
  if (i % 2 == 1)
    {
      socket->family = AF_INET6;
      memset (socket->address, 0, sizeof socket->address);
      socket->address[15] = 1;
      g_free (socket->address_text);
      socket->address_text = g_strdup ("::1");
    }
  return socket;
}

/* REPLACED: indices of sockets swapped for others (new port and inode);
 * CHANGED: indices whose owner is another process. */
/* The dump-only first scan: the same sockets without owners. */
static PsSnapshot *
build_bare (guint n_rows)
{
  PsSnapshot *snapshot = ps_snapshot_new ();

  for (guint i = 0; i < n_rows; i++)
    add_scenario_socket (snapshot, i, 10000 + i, NULL);
  ps_snapshot_set_owners_complete (snapshot, FALSE);
  ps_snapshot_sort (snapshot);
  return snapshot;
}

static PsSnapshot *
build (guint       n_rows,
       GPtrArray  *owners,
       GHashTable *replaced,
       GHashTable *changed)
{
  PsSnapshot *snapshot = ps_snapshot_new ();

  for (guint i = 0; i < n_rows; i++)
    {
      PsOwner *owner = g_ptr_array_index (owners, i % N_PROCESSES);
      guint port = 10000 + i;
      PsSocket *socket;

      if (changed != NULL && g_hash_table_contains (changed, GUINT_TO_POINTER (i)))
        owner = g_ptr_array_index (owners, N_PROCESSES + i % 10);
      if (replaced != NULL && g_hash_table_contains (replaced, GUINT_TO_POINTER (i)))
        {
          socket = add_scenario_socket (snapshot, i, port, owner);
          socket->inode += 1000000;    /* the same port, another socket */
          continue;
        }
      add_scenario_socket (snapshot, i, port, owner);
    }
  ps_snapshot_sort (snapshot);
  return snapshot;
}

/* Wall and CPU time of one apply, in ms (CPU time leaves out the time this
 * thread was not running: the machine may be busy). */
typedef struct
{
  GArray *wall;
  GArray *cpu;
  guint emissions;
} Measure;

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
measure_apply (Measure      *measure,
               PsSocketList *list,
               PsSnapshot   *snapshot,
               guint        *n_emissions)
{
  gint64 wall = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_usec ();
  double ms;

  *n_emissions = 0;
  ps_socket_list_apply (list, snapshot);
  cpu = thread_cpu_usec () - cpu;
  wall = g_get_monotonic_time () - wall;
  ms = wall / 1000.0;
  g_array_append_val (measure->wall, ms);
  ms = cpu / 1000.0;
  g_array_append_val (measure->cpu, ms);
  measure->emissions = *n_emissions;
}

static void
measure_init (Measure *measure)
{
  measure->wall = g_array_new (FALSE, FALSE, sizeof (double));
  measure->cpu = g_array_new (FALSE, FALSE, sizeof (double));
  measure->emissions = 0;
}

static void
measure_print (Measure    *measure,
               const char *key)
{
  printf ("%s_ms=%.3f\n", key, median (measure->wall));
  printf ("%s_cpu_ms=%.3f\n", key, median (measure->cpu));
  printf ("%s_emissions=%u\n", key, measure->emissions);
  g_array_unref (measure->wall);
  g_array_unref (measure->cpu);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_emissions)
{
  (*n_emissions)++;
}

int
main (int   argc,
      char *argv[])
{
  int n_runs = 21;
  int n_rows = 20000;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &n_runs, "Runs (median reported)", "N" },
    { "rows", 'r', 0, G_OPTION_ARG_INT, &n_rows, "Sockets in the snapshot", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- PsSocketList apply times");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_owner_unref);
  g_autoptr(GHashTable) replaced = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) changed = g_hash_table_new (NULL, NULL);
  g_autoptr(PsSnapshot) base = NULL;
  g_autoptr(PsSnapshot) same = NULL;
  g_autoptr(PsSnapshot) same2 = NULL;
  g_autoptr(PsSnapshot) churn = NULL;
  g_autoptr(GArray) merge = g_array_new (FALSE, FALSE, sizeof (double));
  Measure first;
  Measure none;
  Measure none_merge;
  Measure some;
  Measure some_merge;
  Measure owners_arrive;
  g_autoptr(PsSnapshot) bare = NULL;
  g_autoptr(GArray) search = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (n_runs < 1 || n_rows < 1000 || n_rows > 50000)
    {
      g_printerr ("--runs must be ≥ 1 and --rows within 1000–50000\n");
      return 2;
    }

  for (guint i = 0; i < N_PROCESSES + 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("server-%u", i);

      g_ptr_array_add (owners, model_owner_new (2000 + (gint32) i, name));
    }
  while (g_hash_table_size (replaced) < 100)
    g_hash_table_add (replaced, GUINT_TO_POINTER (g_rand_int_range (rand, 0, n_rows)));
  while (g_hash_table_size (changed) < 10)
    {
      guint i = (guint) g_rand_int_range (rand, 0, n_rows);

      if (!g_hash_table_contains (replaced, GUINT_TO_POINTER (i)))
        g_hash_table_add (changed, GUINT_TO_POINTER (i));
    }

  base = build ((guint) n_rows, owners, NULL, NULL);
  same = build ((guint) n_rows, owners, NULL, NULL);
  same2 = build ((guint) n_rows, owners, NULL, NULL);
  churn = build ((guint) n_rows, owners, replaced, changed);
  bare = build_bare ((guint) n_rows);

  measure_init (&first);
  measure_init (&none);
  measure_init (&none_merge);
  measure_init (&some);
  measure_init (&some_merge);
  measure_init (&owners_arrive);

  for (int run = 0; run < n_runs; run++)
    {
      g_autoptr(PsSocketList) list = ps_socket_list_new ();
      g_autoptr(PsSocketList) plain = ps_socket_list_new ();
      g_autoptr(PsSocketList) fast = ps_socket_list_new ();
      guint n_emissions = 0;

      g_signal_connect (list, "items-changed", G_CALLBACK (count_changes_cb), &n_emissions);
      g_signal_connect (plain, "items-changed", G_CALLBACK (count_changes_cb), &n_emissions);

      measure_apply (&first, list, base, &n_emissions);

      /* As in the app: the worker's diff is noted before the apply. */
      ps_socket_list_note_diff (base, same, ps_snapshot_diff (base, same));
      measure_apply (&none, list, same, &n_emissions);
      ps_socket_list_note_diff (same, churn, ps_snapshot_diff (same, churn));
      measure_apply (&some, list, churn, &n_emissions);

      /* Without the note: every row compared on the main thread. */
      ps_socket_list_apply (plain, base);
      measure_apply (&none_merge, plain, same2, &n_emissions);
      measure_apply (&some_merge, plain, churn, &n_emissions);

      /* The app's start: dump-only rows, then every owner arrives. */
      ps_socket_list_apply (fast, bare);
      ps_socket_list_note_diff (bare, base, ps_snapshot_diff (bare, base));
      measure_apply (&owners_arrive, fast, base, &n_emissions);

      /* The first search keystroke: every row's haystack. */
      {
        gint64 start = g_get_monotonic_time ();
        guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
        double ms;

        for (guint i = 0; i < n; i++)
          {
            g_autoptr(PsSocketItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

            ps_socket_item_get_search_text (item);
          }
        ms = (g_get_monotonic_time () - start) / 1000.0;
        g_array_append_val (search, ms);
      }
    }

  printf ("rows=%d\n", n_rows);
  printf ("runs=%d\n", n_runs);
  measure_print (&first, "first_load");
  measure_print (&none, "no_change");
  measure_print (&some, "changes_210");
  measure_print (&none_merge, "no_change_merge");
  measure_print (&some_merge, "changes_210_merge");
  measure_print (&owners_arrive, "owners_arrive");
  printf ("first_search_ms=%.3f\n", median (search));
  printf ("target_no_change_ms=1\n");
  printf ("target_changes_210_ms=5\n");

  return 0;
}

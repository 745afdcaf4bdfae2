/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Not a test: how long after the window maps the first rows are painted
 * (issue 7: ≤ 100 ms even at large).  Runs the real application; the clock
 * starts when the window maps and stops at the first frame painted after the
 * column view's model has rows.  "Maps" is taken at the end of the window's
 * realize, which GTK runs right before the map: the window's own map handler
 * (which applies a first snapshot scanned meanwhile) runs before any "map"
 * handler connected here could, and must be on the clock.  The window may
 * build its first rows before it is shown (rows_before_map=1); the clock
 * still starts at its realize.  `--floor` measures a bare
 * AdwApplicationWindow of the same size instead (a header bar and a label):
 * what GTK, the theme and the X server cost for any window here.  Needs a
 * display; run it under xvfb-run.  Output: key=value lines (times in ms).
 *
 * Where the time from the map to the first frame goes, for both windows
 * (GTK 4.8 on X11): GTK sizes the window and asks the X server to map it
 * (map_request_ms, ending when the surface is shown); GDK then holds every
 * frame until the server reports the window mapped (server_map_ms, ending
 * when the first frame starts); then the frame's layout (frame_layout_ms)
 * and its paint (frame_paint_ms: render nodes, rasterize, copy to the
 * server), with the main thread's CPU time in that frame (frame_cpu_ms). */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>

#include "ps-application.h"
#include "ps-window.h"

#define GIVE_UP_SECONDS 60

typedef struct
{
  GApplication *app;
  GtkWidget *window;
  GListModel *model;
  gint64 started;
  gint64 mapped;
  gint64 scanned;   /* the first snapshot reached the main thread */
  gint64 items;     /* when the model first had rows */
  gint64 painted;   /* the first frame painted after that */
  gint64 first_frame; /* the first frame painted after the map, rows or not */
  gint64 shown;      /* the window's surface was shown (XMapWindow sent) */
  gint64 frame_start; /* the first frame after the map began */
  gint64 frame_laid_out; /* ... its layout phase ended */
  gint64 cpu_frame_start; /* main-thread CPU time then, µs */
  gint64 cpu_first_frame; /* main-thread CPU time in that frame, µs */
  gint64 cpu_mapped; /* main-thread CPU time at the map, µs */
  glong faults_mapped; /* main-thread minor page faults at the map */
  glong faults_frame_start; /* ... when the first frame began */
  glong faults_first_frame; /* ... in that frame */
  int server_pid;    /* the X server (BENCH_XSERVER_PID), 0 if unknown */
  glong server_faults_mapped; /* its minor page faults at the map */
  glong server_faults_first_frame; /* ... from the map to the first frame */
  gboolean rows_before_map; /* the model had rows when the window mapped */
  gboolean floor;    /* --floor: a bare window of the same size, no list */
  guint n_items;
  gulong paint_handler;
  gboolean done;
} State;

/* CPU time of the calling thread (the main thread), µs. */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Minor page faults of the calling thread (the main thread): each is a page
 * of memory touched for the first time. */
static glong
thread_minor_faults (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_THREAD, &usage) != 0)
    return 0;
  return usage.ru_minflt;
}

/* Minor page faults of process PID so far (field 10 of /proc/PID/stat), or
 * -1.  The command name (field 2) may hold spaces: fields are counted from
 * its closing parenthesis. */
static glong
process_minor_faults (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  end = strrchr (text, ')');
  if (end == NULL)
    return -1;
  fields = g_strsplit (end + 2, " ", 0);
  /* After the name: state (3), ppid, pgrp, session, tty_nr, tpgid, flags, minflt (10). */
  if (g_strv_length (fields) < 8)
    return -1;
  return strtol (fields[7], NULL, 10);
}

/* What one page fault costs here: the time to touch each page of 64 MiB of
 * fresh anonymous memory once, per page (4 KiB).  Inside some virtual
 * machines this is tens of microseconds, and a window's first frame touches
 * a few thousand pages (its buffers) in the application and the X server. */
static int
fault_cost (void)
{
  const gsize size = 64 << 20;
  const long page = sysconf (_SC_PAGESIZE);
  char *memory = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  gint64 start;
  gint64 elapsed;

  if (memory == MAP_FAILED)
    return 1;
  start = g_get_monotonic_time ();
  for (gsize offset = 0; offset < size; offset += page)
    memory[offset] = 1;
  elapsed = g_get_monotonic_time () - start;
  printf ("fault_us=%.2f\n", (double) elapsed / (size / page));
  munmap (memory, size);
  return 0;
}

static GtkColumnView *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return GTK_COLUMN_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkColumnView *found = find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
count_widgets (GtkWidget *widget,
               guint     *all,
               guint     *mapped)
{
  (*all)++;
  if (gtk_widget_get_mapped (widget))
    (*mapped)++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_widgets (child, all, mapped);
}

static void
finish (State *state)
{
  guint widgets = 0;
  guint widgets_mapped = 0;

  if (state->done)
    return;
  state->done = TRUE;
  printf ("launch_to_map_ms=%.1f\n", (state->mapped - state->started) / 1000.0);
  printf ("map_to_items_ms=%.1f\n", (MAX (state->items, state->mapped) - state->mapped) / 1000.0);
  printf ("map_to_first_frame_ms=%.1f\n", (state->first_frame - state->mapped) / 1000.0);
  printf ("map_to_rows_ms=%.1f\n", (state->painted - state->mapped) / 1000.0);
  printf ("launch_to_rows_ms=%.1f\n", (state->painted - state->started) / 1000.0);
  printf ("rows_before_map=%d\n", state->rows_before_map);
  /* Where the time after the map goes: the first scan (worker), its apply
   * into the models, then building and painting the rows (main thread). */
  if (state->scanned != 0)
    {
      printf ("launch_to_snapshot_ms=%.1f\n", (state->scanned - state->started) / 1000.0);
      printf ("map_to_snapshot_ms=%.1f\n", (MAX (state->scanned, state->mapped) - state->mapped) / 1000.0);
      printf ("snapshot_to_items_ms=%.1f\n", (MAX (state->items, state->scanned) - MAX (state->scanned, state->mapped)) / 1000.0);
    }
  printf ("items_to_rows_ms=%.1f\n", (state->painted - MAX (state->items, state->mapped)) / 1000.0);
  if (state->shown != 0 && state->frame_start != 0 && state->frame_laid_out != 0)
    {
      printf ("map_request_ms=%.1f\n", (state->shown - state->mapped) / 1000.0);
      printf ("server_map_ms=%.1f\n", (state->frame_start - state->shown) / 1000.0);
      printf ("frame_layout_ms=%.1f\n", (state->frame_laid_out - state->frame_start) / 1000.0);
      printf ("frame_paint_ms=%.1f\n", (state->first_frame - state->frame_laid_out) / 1000.0);
      printf ("frame_cpu_ms=%.1f\n", state->cpu_first_frame / 1000.0);
      printf ("frame_faults=%ld\n", state->faults_first_frame);
      if (state->server_faults_first_frame >= 0)
        printf ("server_faults_map_to_first_frame=%ld\n", state->server_faults_first_frame);
    }
  printf ("main_cpu_launch_to_map_ms=%.1f\n", state->cpu_mapped / 1000.0);
  printf ("main_cpu_map_to_rows_ms=%.1f\n", (thread_cpu_usec () - state->cpu_mapped) / 1000.0);
  printf ("main_faults_map_to_rows=%ld\n", thread_minor_faults () - state->faults_mapped);
  /* The rows listed (the first frame may show only those that fit). */
  printf ("rows=%u\n", PS_IS_WINDOW (state->window)
                         ? g_list_model_get_n_items (G_LIST_MODEL (ps_window_get_socket_list (PS_WINDOW (state->window))))
                         : state->n_items);
  printf ("rows_in_first_frame=%u\n", state->n_items);
  /* Widgets in the window at the first frame with rows, and those mapped. */
  count_widgets (state->window, &widgets, &widgets_mapped);
  printf ("widgets=%u\nwidgets_mapped=%u\n", widgets, widgets_mapped);
  fflush (stdout);
  g_application_quit (state->app);
}

/* The phases of the first frame after the map (see the top of the file). */
static void
on_surface_mapped (GdkSurface *surface,
                   GParamSpec *pspec,
                   State      *state)
{
  if (state->mapped != 0 && state->shown == 0 && gdk_surface_get_mapped (surface))
    state->shown = g_get_monotonic_time ();
}

static void
on_before_paint (GdkFrameClock *clock,
                 State         *state)
{
  if (state->mapped == 0 || state->frame_start != 0)
    return;
  state->frame_start = g_get_monotonic_time ();
  state->cpu_frame_start = thread_cpu_usec ();
  state->faults_frame_start = thread_minor_faults ();
}

/* Connected after GDK's own layout handler: the layout has been done. */
static void
on_layout (GdkFrameClock *clock,
           State         *state)
{
  if (state->frame_start != 0 && state->frame_laid_out == 0)
    state->frame_laid_out = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                State         *state)
{
  if (state->mapped == 0 || state->done)
    return;
  if (state->first_frame == 0)
    {
      state->first_frame = g_get_monotonic_time ();
      if (state->frame_start != 0)
        {
          state->cpu_first_frame = thread_cpu_usec () - state->cpu_frame_start;
          state->faults_first_frame = thread_minor_faults () - state->faults_frame_start;
          state->server_faults_first_frame = state->server_faults_mapped >= 0
                                             ? process_minor_faults (state->server_pid) - state->server_faults_mapped
                                             : -1;
        }
      prctl (PR_SET_NAME, "after-frame1");
    }
  if (state->items == 0)
    return;
  state->painted = g_get_monotonic_time ();
  finish (state);
}

static void
check_items (State *state)
{
  if (state->items != 0 || state->model == NULL)
    return;
  state->n_items = g_list_model_get_n_items (state->model);
  if (state->n_items > 0)
    {
      state->items = g_get_monotonic_time ();
      /* Make sure a frame follows even if nothing else asks for one. */
      gtk_widget_queue_draw (state->window);
    }
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  State      *state)
{
  check_items (state);
}

static void
on_realize (GtkWidget *window,
            State     *state)
{
  GdkFrameClock *clock;

  if (state->mapped != 0)
    return;
  GtkColumnView *view = find_column_view (window);
  GListModel *model = view != NULL ? G_LIST_MODEL (gtk_column_view_get_model (view)) : NULL;

  state->mapped = g_get_monotonic_time ();
  state->cpu_mapped = thread_cpu_usec ();
  state->faults_mapped = thread_minor_faults ();
  state->server_faults_mapped = process_minor_faults (state->server_pid);
  g_signal_connect (gtk_native_get_surface (GTK_NATIVE (window)), "notify::mapped",
                    G_CALLBACK (on_surface_mapped), state);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), state);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout), state);
  /* The window may build its first rows before it is shown. */
  state->rows_before_map = model != NULL && g_list_model_get_n_items (model) > 0;
  /* For profiles: `perf report --comms after-map,after-frame1` is the main
   * thread from here to the first frame, then after it. */
  prctl (PR_SET_NAME, "after-map");
}

static void
on_map (GtkWidget *window,
        State     *state)
{
  GtkColumnView *view;
  GdkFrameClock *clock;

  if (state->paint_handler != 0)
    return;
  if (state->mapped == 0)
    on_realize (window, state);

  clock = gtk_widget_get_frame_clock (window);
  if (state->floor)
    {
      /* Nothing to wait for: the first frame is the figure. */
      state->items = state->mapped;
      state->paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), state);
      return;
    }

  view = find_column_view (window);
  if (view == NULL)
    {
      g_printerr ("bench-first-rows: the window has no GtkColumnView\n");
      exit (1);
    }
  state->model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_signal_connect (state->model, "items-changed", G_CALLBACK (on_items_changed), state);
  check_items (state);
  if (state->rows_before_map)
    state->items = state->mapped;

  state->paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), state);
}

/* Emitted just before "updated", whose handler applies the snapshot. */
static void
on_snapshot (PsMonitor  *monitor,
             GParamSpec *pspec,
             State      *state)
{
  if (state->scanned == 0 && ps_monitor_get_snapshot (monitor) != NULL)
    state->scanned = g_get_monotonic_time ();
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 State          *state)
{
  if (state->window != NULL)
    return;
  state->window = GTK_WIDGET (window);
  g_signal_connect (window, "realize", G_CALLBACK (on_realize), state);
  g_signal_connect (window, "map", G_CALLBACK (on_map), state);
  if (PS_IS_WINDOW (window))
    g_signal_connect (ps_window_get_monitor (PS_WINDOW (window)), "notify::snapshot",
                      G_CALLBACK (on_snapshot), state);
}

/* --floor: what any window of Portscope's size costs here (GTK, the theme,
 * the X server): an AdwApplicationWindow with a header bar and a label, at
 * the size the settings give Portscope's window, on the same clock. */
static void
floor_activate (GtkApplication *app,
                State          *state)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Portscope");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
give_up (gpointer user_data)
{
  g_printerr ("bench-first-rows: no rows after %d s\n", GIVE_UP_SECONDS);
  exit (1);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) app = NULL;
  State state = { 0 };
  char *args[] = { argv[0], NULL };
  int status;

  setlocale (LC_ALL, "");
  state.started = g_get_monotonic_time ();
  if (argc > 1 && g_str_equal (argv[1], "--fault-cost"))
    return fault_cost ();
  state.floor = argc > 1 && g_str_equal (argv[1], "--floor");
  state.server_pid = g_getenv ("BENCH_XSERVER_PID") != NULL ? atoi (g_getenv ("BENCH_XSERVER_PID")) : 0;
  state.server_faults_first_frame = -1;
  if (state.floor)
    {
      app = G_APPLICATION (adw_application_new (APP_ID ".BenchFloor", G_APPLICATION_DEFAULT_FLAGS));
      g_signal_connect (app, "activate", G_CALLBACK (floor_activate), &state);
    }
  else
    {
      app = G_APPLICATION (ps_application_new ());
    }
  /* One instance per run, whatever else runs on this bus. */
  g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  state.app = app;
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), &state);
  g_timeout_add_seconds (GIVE_UP_SECONDS, give_up, NULL);
  status = g_application_run (app, 1, args);
  if (state.painted == 0)
    return 1;
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's list pipeline (PsSocketList → filter → sort by the column
 * view's sorter → PsLimitModel → single selection → GtkColumnView) on a
 * display, under churn like the soak test's: listeners come and go, most of
 * them close at once, owners appear and vanish in place, and the view
 * scrolls, selects and takes the focus between scans.  The cells are plain
 * labels: the rows' widgets matter here, not what they show.
 *
 * What it catches, each seen before it was fixed:
 * - GTK 4.8's list view warning "Duplicate item detected in list" (fatal
 *   here), which GtkSliceListModel in the pipeline provoked;
 * - "Comparison method violates its general contract" (a critical) and a
 *   wrongly sorted list when the sort column is one whose values change in
 *   place (Process, PID): the rows changed under the sort model before it
 *   was told.
 * After every scan the model the view shows is checked against the
 * items-changed signals it emitted, for duplicates, and for its order.
 *
 * /view/splices: the rows a GTK 4.8 list view shows, under splices that
 * remove several rows starting above its realized rows and reaching into
 * them, with PsLimitModel in front of it as in the window.  Given the store
 * directly, GTK 4.8.3's view holds rows showing items that are gone or
 * elsewhere within 50 splices for each of these seeds (and, later, warns
 * "Duplicate item detected in list"); PsLimitModel announces such changes
 * in steps the view follows. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <gtk/gtk.h>

#include "ps-column-sorter.h"
#include "ps-limit-model.h"
#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "ps-ui.h"
#include "../model/model-common.h"

#define N_LISTENERS 200
#define N_KEPT 40
#define CHURN_PER_SCAN 10

typedef struct
{
  PsColumn column;
  guint seed;
  guint scans;
} Case;

typedef struct
{
  GtkWidget *window;
  GtkColumnView *view;
  GtkWidget *list_view;
  GtkAdjustment *scroll;
  PsSocketList *list;
  GtkSingleSelection *selection;
  ModelMirror mirror;
  GRand *rand;
  guint live[N_LISTENERS];
  guint n_live;
  guint next_id;
} Fixture;

static void
check_model (Fixture  *f,
             PsColumn  column)
{
  GListModel *model = G_LIST_MODEL (f->selection);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (model);

  g_assert_cmpuint (f->mirror.items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (f->mirror.items, i));
      g_assert_false (g_hash_table_contains (seen, item));
      g_hash_table_add (seen, item);
      if (i > 0)
        g_assert_cmpint (ps_socket_item_compare (g_ptr_array_index (f->mirror.items, i - 1), item, column), <=, 0);
    }
}

/* The scan: the live listeners, each with its owner three times in four. */
static PsSnapshot *
scan (Fixture *f)
{
  PsSnapshot *snapshot = ps_snapshot_new ();

  for (guint k = 0; k < f->n_live; k++)
    {
      guint id = f->live[k];
      g_autoptr(PsOwner) owner = model_owner_new (100 + (gint32) (id % 7), (id % 7) % 2 ? "node" : "python3");
      PsSocket *socket = model_add_socket (snapshot, 32768 + (id * 2654435761u) % 28000,
                                           g_rand_int_range (f->rand, 0, 4) != 0 ? owner : NULL);

      socket->inode = id;
      socket->cookie = id;
      if (id % 4 == 1)
        socket->protocol = PS_PROTOCOL_UDP;
    }
  ps_snapshot_sort (snapshot);
  return snapshot;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item)
{
  gtk_list_item_set_child (list_item, gtk_label_new (NULL));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item)
{
  PsSocketItem *item = gtk_list_item_get_item (list_item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), ps_socket_item_get_process (item));
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Until WINDOW has laid out and painted what its models hold now. */
static void
wait_for_frame_of (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);

  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static void
test_churn (gconstpointer data)
{
  const Case *c = data;
  Fixture f = { 0, };
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  PsLimitModel *limit_model;
  GtkWidget *scrolled;
  g_autoptr(GtkColumnViewColumn) sort_column = NULL;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }
  ps_ui_ensure_types ();

  f.rand = g_rand_new_with_seed (c->seed);
  f.list = ps_socket_list_new ();
  g_object_set (f.list, "closing-timeout-ms", 3, "new-timeout-ms", 2, NULL);

  /* As in ps-window.ui and ps_window_init(). */
  filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (f.list)), NULL);
  sort_model = gtk_sort_list_model_new (G_LIST_MODEL (filter_model), NULL);
  limit_model = ps_limit_model_new (G_LIST_MODEL (sort_model), G_MAXUINT);
  g_object_unref (sort_model);
  f.selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (limit_model)));
  gtk_single_selection_set_autoselect (f.selection, FALSE);
  gtk_single_selection_set_can_unselect (f.selection, TRUE);
  f.view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (f.selection))));
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) sorter = ps_column_sorter_new (i);
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
      column = gtk_column_view_column_new ("column", factory);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_append_column (f.view, column);
      g_object_unref (column);
    }
  gtk_sort_list_model_set_sorter (sort_model, gtk_column_view_get_sorter (f.view));
  sort_column = g_list_model_get_item (gtk_column_view_get_columns (f.view), c->column);
  gtk_column_view_sort_by_column (f.view, sort_column, GTK_SORT_ASCENDING);
  model_mirror_init (&f.mirror, G_LIST_MODEL (f.selection));

  f.window = gtk_window_new ();
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (f.view));
  gtk_window_set_child (GTK_WINDOW (f.window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 900, 700);
  gtk_window_present (GTK_WINDOW (f.window));
  f.list_view = find_list_view (GTK_WIDGET (f.view));
  g_assert_nonnull (f.list_view);
  f.scroll = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  for (f.n_live = 0; f.n_live < N_LISTENERS; f.n_live++)
    f.live[f.n_live] = f.next_id++;

  for (guint step = 0; step < c->scans; step++)
    {
      g_autoptr(PsSnapshot) snapshot = NULL;
      guint n;

      /* Churn; now and then all but N_KEPT close at once, then reopen. */
      if (step % 200 == 199)
        f.n_live = N_KEPT;
      else if (f.n_live < N_LISTENERS)
        for (; f.n_live < N_LISTENERS; f.n_live++)
          f.live[f.n_live] = f.next_id++;
      else
        for (guint k = 0; k < CHURN_PER_SCAN; k++)
          f.live[g_rand_int_range (f.rand, 0, f.n_live)] = f.next_id++;

      /* What a user does between two frames: picks a row, scrolls (in a
       * view laid out for what the model holds), focuses the list. */
      wait_for_frame_of (f.window);
      n = g_list_model_get_n_items (G_LIST_MODEL (f.selection));
      if (n > 0 && g_rand_int_range (f.rand, 0, 5) == 0)
        gtk_single_selection_set_selected (f.selection, g_rand_int_range (f.rand, 0, n));
      if (g_rand_int_range (f.rand, 0, 4) == 0)
        gtk_adjustment_set_value (f.scroll, g_rand_double (f.rand) *
                                  (gtk_adjustment_get_upper (f.scroll) - gtk_adjustment_get_page_size (f.scroll)));
      if (g_rand_int_range (f.rand, 0, 7) == 0)
        gtk_widget_grab_focus (GTK_WIDGET (f.view));

      /* What PsWindow does with a scan (on_monitor_updated), before the
       * next frame. */
      snapshot = scan (&f);
      ps_socket_list_apply (f.list, snapshot);
      if (ps_socket_list_get_n_changed (f.list) > 0)
        gtk_sorter_changed (gtk_column_view_get_sorter (f.view), GTK_SORTER_CHANGE_DIFFERENT);
      check_model (&f, c->column);

      /* Closing and new rows fade between scans. */
      if (g_rand_int_range (f.rand, 0, 3) == 0)
        {
          model_spin_for (g_rand_int_range (f.rand, 1, 8));
          check_model (&f, c->column);
        }
    }

  gtk_window_destroy (GTK_WINDOW (f.window));
  model_mirror_clear (&f.mirror);
  g_clear_object (&f.selection);
  g_clear_object (&limit_model);
  g_clear_object (&f.list);
  g_rand_free (f.rand);
}

/* /view/splices */

static void
setup_string (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              GPtrArray                *list_items)
{
  gtk_list_item_set_child (list_item, gtk_label_new (NULL));
  g_ptr_array_add (list_items, list_item);
}

static void
bind_string (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
}

static void
teardown_string (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 GPtrArray                *list_items)
{
  g_ptr_array_remove (list_items, list_item);
}

/* The view's rows show the items at their positions.  Returns the first
 * realized position after 0 (the focus row). */
static guint
check_rows (GPtrArray  *list_items,
            GListModel *model)
{
  guint first = G_MAXUINT;

  for (guint i = 0; i < list_items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (list_items, i);
      guint position = gtk_list_item_get_position (list_item);
      g_autoptr(GObject) item = NULL;

      /* Every row widget the view holds, on screen or kept just off it
       * (shown as it is when scrolled to). */
      if (position == GTK_INVALID_LIST_POSITION ||
          gtk_widget_get_parent (gtk_widget_get_parent (gtk_list_item_get_child (list_item))) == NULL)
        continue;
      item = g_list_model_get_item (model, position);
      if (item != gtk_list_item_get_item (list_item))
        g_error ("The row at %u shows \"%s\", the model has \"%s\" there", position,
                 gtk_string_object_get_string (gtk_list_item_get_item (list_item)),
                 item != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "nothing");
      if (position > 0)
        first = MIN (first, position);
    }
  return first;
}

static void
test_splices (gconstpointer data)
{
  guint seed = GPOINTER_TO_UINT (data);
  g_autoptr(GListStore) store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr(GPtrArray) list_items = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(PsLimitModel) limit_model = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window;
  GtkWidget *scrolled;
  GtkWidget *view;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *text = g_strdup_printf ("row %u", i);
      g_autoptr(GtkStringObject) item = gtk_string_object_new (text);

      g_list_store_append (store, item);
    }
  limit_model = ps_limit_model_new (G_LIST_MODEL (store), G_MAXUINT);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_string), list_items);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_string), NULL);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_string), list_items);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (limit_model)))),
                            factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 400);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_frame_of (window);
  gtk_widget_activate_action (view, "list.scroll-to-item", "u", 2500);
  wait_for_frame_of (window);

  for (guint step = 0; step < 200; step++)
    {
      GListModel *model = G_LIST_MODEL (store);
      guint n = g_list_model_get_n_items (model);
      guint first = check_rows (list_items, G_LIST_MODEL (limit_model));
      guint position;
      guint removed;
      guint added;
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      g_assert_cmpuint (first, <, n);
      /* From up to 300 rows above the first realized one, into the
       * realized ones. */
      position = g_rand_int_range (rand, MAX ((int) first - 300, 1), first);
      removed = MIN (first - position + g_rand_int_range (rand, 1, 200), n - position);
      added = g_rand_int_range (rand, removed / 2, removed * 3 / 2 + 1);
      /* Three in four removed rows come back, in another order (as in a
       * sort model's changes), with new ones among them. */
      for (guint k = 0; k < removed; k++)
        if (g_rand_int_range (rand, 0, 4) != 0)
          g_ptr_array_add (items, g_list_model_get_item (model, position + k));
      for (guint k = items->len; k < added; k++)
        {
          g_autofree char *text = g_strdup_printf ("new %u.%u", step, k);

          g_ptr_array_add (items, gtk_string_object_new (text));
        }
      model_shuffle (items, rand);
      g_list_store_splice (store, position, removed, items->pdata, items->len);
      wait_for_frame_of (window);
      /* Now and then the view scrolls elsewhere. */
      if (g_rand_int_range (rand, 0, 10) == 0)
        {
          gtk_widget_activate_action (view, "list.scroll-to-item", "u",
                                      g_rand_int_range (rand, 1000, g_list_model_get_n_items (model) - 1000));
          wait_for_frame_of (window);
        }
    }
  check_rows (list_items, G_LIST_MODEL (limit_model));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* With GtkSliceListModel in place of PsLimitModel, seed 1 has the view
   * warn at scan 25. */
  static const Case by_port[] = { { PS_COLUMN_PORT, 1, 150 }, { PS_COLUMN_PORT, 2, 150 } };
  static const Case by_process = { PS_COLUMN_PROCESS, 1, 100 };
  static const Case by_pid = { PS_COLUMN_PID, 4, 100 };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/view/churn/port-seed-1", &by_port[0], test_churn);
  g_test_add_data_func ("/view/churn/port-seed-2", &by_port[1], test_churn);
  g_test_add_data_func ("/view/churn/process", &by_process, test_churn);
  g_test_add_data_func ("/view/churn/pid", &by_pid, test_churn);
  for (guint seed = 1; seed <= 4; seed++)
    {
      g_autofree char *path = g_strdup_printf ("/view/splices/seed-%u", seed);

      g_test_add_data_func (path, GUINT_TO_POINTER (seed), test_splices);
    }
  return g_test_run ();
}

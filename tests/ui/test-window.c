/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window with the real monitor and the local backend: rows for listeners
 * this test starts, the detail pane, plain-text process names, the "port is
 * free" page, filters and the `portscope PORT` selection. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ps-cell.h"
#include "ps-column-sorter.h"
#include "ps-detail-pane.h"
#include "ps-fact-row.h"
#include "ps-knowledge.h"
#include "ps-limit-model.h"
#include "ps-preferences-window.h"
#include "ps-window.h"
#include "ui-common.h"

static int
listen_on (int         family,
           int         type,
           const char *address,
           guint      *port_out)
{
  struct sockaddr_storage storage = { 0 };
  socklen_t length;
  int fd = socket (family, type | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  if (family == AF_INET)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) &storage;

      in->sin_family = AF_INET;
      g_assert_cmpint (inet_pton (AF_INET, address, &in->sin_addr), ==, 1);
      length = sizeof *in;
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &storage;

      in6->sin6_family = AF_INET6;
      g_assert_cmpint (inet_pton (AF_INET6, address, &in6->sin6_addr), ==, 1);
      length = sizeof *in6;
    }
  g_assert_cmpint (bind (fd, (struct sockaddr *) &storage, length), ==, 0);
  if (type == SOCK_STREAM)
    g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &storage, &length), ==, 0);
  if (family == AF_INET)
    *port_out = ntohs (((struct sockaddr_in *) &storage)->sin_port);
  else
    *port_out = ntohs (((struct sockaddr_in6 *) &storage)->sin6_port);
  return fd;
}

static char *
own_comm (void)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/comm", &contents, NULL, NULL));
  return g_strdup (g_strstrip (contents));
}

/* Finds the row of PORT/PROTOCOL/FAMILY in what the list shows (filtered,
 * sorted); returns its position or -1. */
static int
find_shown (PsWindow   *window,
            guint       port,
            PsProtocol  protocol,
            int         family)
{
  GListModel *model = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);
      const PsSocket *socket = ps_socket_item_get_socket (item);

      if (socket->port == port && socket->protocol == protocol && socket->family == family &&
          !ps_socket_item_get_is_closing (item))
        return (int) i;
    }
  return -1;
}

static PsSocketItem *
shown_item (PsWindow *window,
            int       position)
{
  GListModel *model = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));

  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (model, (guint) position);
}

typedef struct
{
  PsWindow *window;
  guint port;
  PsProtocol protocol;
  int family;
  const char *process;   /* nullable: wait for this process name too */
  gboolean present;
} RowWait;

static gboolean
row_matches (gpointer data)
{
  RowWait *wait = data;
  int position = find_shown (wait->window, wait->port, wait->protocol, wait->family);
  g_autoptr(PsSocketItem) item = NULL;

  if (!wait->present)
    return position < 0;
  if (position < 0)
    return FALSE;
  if (wait->process == NULL)
    return TRUE;
  item = shown_item (wait->window, position);
  return g_strcmp0 (ps_socket_item_get_process (item), wait->process) == 0;
}

static int
wait_for_row (PsWindow   *window,
              guint       port,
              PsProtocol  protocol,
              int         family,
              const char *process)
{
  RowWait wait = { window, port, protocol, family, process, TRUE };

  if (!ui_wait_for (row_matches, &wait))
    g_error ("no row for port %u (process %s) within the deadline", port, process ? process : "any");
  return find_shown (window, port, protocol, family);
}

static void
wait_for_absent (PsWindow   *window,
                 guint       port,
                 PsProtocol  protocol,
                 int         family)
{
  RowWait wait = { window, port, protocol, family, NULL, FALSE };

  g_assert_true (ui_wait_for (row_matches, &wait));
}

static PsWindow *
window_new (void)
{
  PsWindow *window = ps_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Destroys WINDOW and checks that it and its monitor are finalized. */
static void
window_destroy_and_check (PsWindow *window)
{
  gpointer window_ptr = window;
  gpointer monitor_ptr = ps_window_get_monitor (window);
  gpointer list_ptr = ps_window_get_socket_list (window);

  g_object_add_weak_pointer (G_OBJECT (window), &window_ptr);
  g_object_add_weak_pointer (G_OBJECT (monitor_ptr), &monitor_ptr);
  g_object_add_weak_pointer (G_OBJECT (list_ptr), &list_ptr);
  gtk_window_destroy (GTK_WINDOW (window));

  /* A scan in flight holds only a weak reference: it ends on its own. */
  g_assert_true (ui_wait_for (is_null, &window_ptr));
  g_assert_true (ui_wait_for (is_null, &monitor_ptr));
  g_assert_true (ui_wait_for (is_null, &list_ptr));
}

static void
collect_labels (GtkWidget  *widget,
                const char *text,
                GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        g_ptr_array_add (found, child);
      collect_labels (child, text, found);
    }
}

typedef struct
{
  PsWindow *window;
  const char *text;
  GPtrArray *found;
} LabelWait;

static gboolean
labels_found (gpointer data)
{
  LabelWait *wait = data;

  g_ptr_array_set_size (wait->found, 0);
  collect_labels (ui_template_child (wait->window, PS_TYPE_WINDOW, "column_view"), wait->text, wait->found);
  return wait->found->len > 0;
}

/* Shows only PORT's rows, so that they are realized, and collects the list's
 * labels whose text is TEXT. */
static void
wait_for_cell_labels (PsWindow   *window,
                      guint       port,
                      const char *text,
                      GPtrArray  *found)
{
  g_autofree char *search = g_strdup_printf ("%u", port);
  LabelWait wait = { window, text, found };

  ps_window_set_search (window, search);
  g_assert_true (ui_wait_for (labels_found, &wait));
}

static const char *
fact (PsWindow   *window,
      const char *row_name)
{
  PsDetailPane *pane = ui_template_child (window, PS_TYPE_WINDOW, "detail_pane");
  PsFactRow *row = ui_template_child (pane, PS_TYPE_DETAIL_PANE, row_name);
  GtkLabel *label = ps_fact_row_get_value_label (row);

  /* Every value is plain text. */
  g_assert_false (gtk_label_get_use_markup (label));
  if (!gtk_widget_get_visible (GTK_WIDGET (row)))
    return NULL;
  return gtk_label_get_text (label);
}

typedef struct
{
  PsWindow *window;
  guint port;
  const char *css_class;
} CellWait;

static gboolean
find_cell_with_class (GtkWidget  *widget,
                      guint       port,
                      const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (PS_IS_CELL (child))
        {
          PsSocketItem *item = ps_cell_get_item (PS_CELL (child));
          GtkWidget *cell = gtk_widget_get_parent (child);

          const PsSocket *socket = item != NULL ? ps_socket_item_get_socket (item) : NULL;

          if (socket != NULL && socket->port == port && socket->protocol == PS_PROTOCOL_TCP &&
              socket->family == AF_INET &&
              cell != NULL && gtk_widget_has_css_class (cell, css_class))
            return TRUE;
        }
      if (find_cell_with_class (child, port, css_class))
        return TRUE;
    }
  return FALSE;
}

/* TRUE when a realized cell of our IPv4 TCP row on PORT carries the CSS class. */
static gboolean
cell_has_class (gpointer data)
{
  CellWait *wait = data;

  return find_cell_with_class (ui_template_child (wait->window, PS_TYPE_WINDOW, "column_view"),
                               wait->port, wait->css_class);
}

/* The PsCells of our IPv4 TCP row on PORT, by column. */
typedef struct
{
  PsWindow *window;
  guint port;
  PsCell *cells[PS_N_COLUMNS];
} RowCells;

static void
collect_row_cells (GtkWidget *widget,
                   RowCells  *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (PS_IS_CELL (child))
        {
          PsSocketItem *item = ps_cell_get_item (PS_CELL (child));
          const PsSocket *socket = item != NULL ? ps_socket_item_get_socket (item) : NULL;

          if (socket != NULL && socket->port == row->port && socket->protocol == PS_PROTOCOL_TCP &&
              socket->family == AF_INET)
            row->cells[ps_cell_get_column (PS_CELL (child))] = PS_CELL (child);
        }
      collect_row_cells (child, row);
    }
}

static gboolean
row_cells_found (gpointer data)
{
  RowCells *row = data;

  memset (row->cells, 0, sizeof row->cells);
  collect_row_cells (ui_template_child (row->window, PS_TYPE_WINDOW, "column_view"), row);
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    if (row->cells[i] == NULL)
      return FALSE;
  return TRUE;
}

typedef struct
{
  RowCells *row;
  const char *expected[PS_N_COLUMNS];
} CellTextWait;

/* TRUE when every cell of the row shows the expected text (NULL: any). */
static gboolean
cells_show (gpointer data)
{
  CellTextWait *wait = data;

  if (!row_cells_found (wait->row))
    return FALSE;
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    {
      GtkLabel *label = ps_cell_get_label (wait->row->cells[i]);

      if (wait->expected[i] != NULL && g_strcmp0 (gtk_label_get_text (label), wait->expected[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  RowCells *row;
  const char *text;   /* NULL: the process cell's text is whole */
} CutWait;

static gboolean
process_cut (gpointer data)
{
  CutWait *wait = data;

  return row_cells_found (wait->row) &&
         g_strcmp0 (ps_cell_get_cut_text (wait->row->cells[PS_COLUMN_PROCESS]), wait->text) == 0;
}

static gboolean
port_in_list (PsWindow *window,
              guint     port)
{
  GListModel *model = G_LIST_MODEL (ps_window_get_socket_list (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);

      if (ps_socket_item_get_port (item) == port)
        return TRUE;
    }
  return FALSE;
}

static gboolean
cell_lacks_class (gpointer data)
{
  return !cell_has_class (data);
}

/* TRUE when the list no longer holds our IPv4 TCP socket on the port (other
 * programs may use the same number on IPv6 or UDP). */
static gboolean
port_gone (gpointer data)
{
  CellWait *wait = data;
  GListModel *model = G_LIST_MODEL (ps_window_get_socket_list (wait->window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (model, i);
      const PsSocket *socket = ps_socket_item_get_socket (item);

      if (socket->port == wait->port && socket->protocol == PS_PROTOCOL_TCP && socket->family == AF_INET)
        return FALSE;
    }
  return TRUE;
}

static void
test_listener_row (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  g_autofree char *comm = own_comm ();
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  PsWindow *window = window_new ();
  GtkSingleSelection *selection = ui_template_child (window, PS_TYPE_WINDOW, "selection");
  PsDetailPane *pane = ui_template_child (window, PS_TYPE_WINDOW, "detail_pane");
  GtkStack *stack = ui_template_child (window, PS_TYPE_WINDOW, "stack");
  g_autoptr(PsSocketItem) item = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  const char *reach;
  int position;

  position = wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, comm);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  /* Nothing is selected on its own (autoselect off). */
  g_assert_null (ps_detail_pane_get_item (pane));
  gtk_single_selection_set_selected (selection, (guint) position);
  item = shown_item (window, position);
  g_assert_true (ps_detail_pane_get_item (pane) == item);

  g_assert_cmpstr (fact (window, "process_row"), ==, comm);
  g_assert_cmpstr (fact (window, "pid_row"), ==, pid);
  g_assert_cmpstr (fact (window, "address_row"), ==, "127.0.0.1");
  /* The loopback sentence, in the words the issue asks for. */
  reach = fact (window, "reach_row");
  g_assert_nonnull (reach);
  g_assert_true (g_str_has_prefix (reach, "Only programs on this computer can connect"));
  g_assert_nonnull (fact (window, "range_row"));
  g_assert_nonnull (strstr (fact (window, "ss_row"), "ss "));

  /* The row's cells show the process name as text. */
  wait_for_cell_labels (window, port, comm, labels);

  /* Every column's cell shows its own field of this row, as plain text. */
  {
    g_autofree char *port_text = g_strdup_printf ("%u", port);
    RowCells row = { window, port, { NULL, } };
    CellTextWait wait = { &row, { NULL, } };

    wait.expected[PS_COLUMN_PORT] = port_text;
    wait.expected[PS_COLUMN_PROTOCOL] = "TCP";
    wait.expected[PS_COLUMN_ADDRESS] = "127.0.0.1";
    wait.expected[PS_COLUMN_EXPOSURE] = "This computer";
    wait.expected[PS_COLUMN_PROCESS] = comm;
    wait.expected[PS_COLUMN_PID] = pid;
    wait.expected[PS_COLUMN_USER] = g_get_user_name ();
    g_assert_true (ui_wait_for (cells_show, &wait));
    for (guint i = 0; i < PS_N_COLUMNS; i++)
      {
        PsCell *cell = row.cells[i];

        g_assert_false (gtk_label_get_use_markup (ps_cell_get_label (cell)));
        g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (ps_cell_get_label (cell))));
      }
    /* The service column shows the item's service (empty for a random port, or its name). */
    g_assert_cmpstr (gtk_label_get_text (ps_cell_get_label (row.cells[PS_COLUMN_SERVICE])), ==,
                     ps_socket_item_get_service (ps_cell_get_item (row.cells[PS_COLUMN_SERVICE])));
    /* Only the exposure column has an icon, and it names the exposure. */
    {
      GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (row.cells[PS_COLUMN_EXPOSURE]));

      g_assert_true (GTK_IS_IMAGE (first));
      g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (first)), ==,
                       ps_exposure_icon_name (PS_EXPOSURE_THIS_COMPUTER));
      g_assert_true (GTK_IS_LABEL (gtk_widget_get_first_child (GTK_WIDGET (row.cells[PS_COLUMN_PORT]))));
    }
  }

  /* A column too narrow for its text cuts it, and the cell's tooltip shows
   * it whole; wide enough again, no tooltip. */
  {
    GtkColumnViewColumn *column = ui_template_child (window, PS_TYPE_WINDOW, "process_column");
    int width = gtk_column_view_column_get_fixed_width (column);
    RowCells row = { window, port, { NULL, } };
    CutWait cut = { &row, comm };

    g_assert_true (ui_wait_for (row_cells_found, &row));
    g_assert_null (ps_cell_get_cut_text (row.cells[PS_COLUMN_PROCESS]));
    gtk_column_view_column_set_expand (column, FALSE);
    gtk_column_view_column_set_fixed_width (column, 24);
    g_assert_true (ui_wait_for (process_cut, &cut));
    gtk_column_view_column_set_fixed_width (column, width);
    gtk_column_view_column_set_expand (column, TRUE);
    cut.text = NULL;
    g_assert_true (ui_wait_for (process_cut, &cut));
  }

  /* Unselecting empties the pane. */
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_assert_null (ps_detail_pane_get_item (pane));

  /* A listener that goes away stays a moment, dimmed, then leaves. */
  close (fd);
  {
    CellWait wait = { window, port, "ps-closing" };

    g_assert_true (ui_wait_for (cell_has_class, &wait));
  }
  {
    CellWait wait = { window, port, NULL };

    g_assert_true (ui_wait_for (port_gone, &wait));
  }

  window_destroy_and_check (window);
}

static void
test_markup_name (void)
{
  const char *name = "<b>x</b>";
  int port_pipe[2];
  int hold_pipe[2];
  guint port = 0;
  pid_t child;
  PsWindow *window;
  GtkSingleSelection *selection;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  int position;
  int status;

  g_assert_cmpint (pipe2 (port_pipe, O_CLOEXEC), ==, 0);
  g_assert_cmpint (pipe2 (hold_pipe, O_CLOEXEC), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      char byte;
      int fd;

      prctl (PR_SET_NAME, name);
      close (port_pipe[0]);
      close (hold_pipe[1]);
      fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
      if (write (port_pipe[1], &port, sizeof port) != sizeof port)
        _exit (1);
      /* Hold the socket until the parent closes the pipe (or dies). */
      while (read (hold_pipe[0], &byte, 1) > 0)
        ;
      close (fd);
      _exit (0);
    }
  close (port_pipe[1]);
  close (hold_pipe[0]);
  g_assert_cmpint (read (port_pipe[0], &port, sizeof port), ==, sizeof port);
  close (port_pipe[0]);

  window = window_new ();
  selection = ui_template_child (window, PS_TYPE_WINDOW, "selection");
  position = wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, name);
  gtk_single_selection_set_selected (selection, (guint) position);

  /* Literally, in the pane and in the list: never markup. */
  g_assert_cmpstr (fact (window, "process_row"), ==, name);
  wait_for_cell_labels (window, port, name, labels);
  for (guint i = 0; i < labels->len; i++)
    g_assert_false (gtk_label_get_use_markup (g_ptr_array_index (labels, i)));

  window_destroy_and_check (window);
  close (hold_pipe[1]);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static gboolean
have_snapshot (gpointer data)
{
  PsWindow *window = data;

  return ps_socket_list_get_snapshot (ps_window_get_socket_list (window)) != NULL;
}

typedef struct
{
  GtkStack *stack;
  const char *name;
} StackWait;

static gboolean
stack_shows (gpointer data)
{
  StackWait *wait = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (wait->stack), wait->name) == 0;
}

static void
test_free_port (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  guint listening_port = port;
  PsWindow *window = window_new ();
  GtkStack *stack = ui_template_child (window, PS_TYPE_WINDOW, "stack");
  AdwStatusPage *free_page = ui_template_child (window, PS_TYPE_WINDOW, "free_page");
  GListModel *shown = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));
  StackWait wait = { stack, "free" };
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *comm = own_comm ();
  guint free_port = 0;

  /* With its owner: the first scan may come without owners. */
  wait_for_row (window, listening_port, PS_PROTOCOL_TCP, AF_INET, comm);
  g_assert_true (ui_wait_for (have_snapshot, window));

  /* A port nobody uses: one the kernel just handed out and we gave back,
   * and that no other socket in the list has (other programs, IPv6, UDP). */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      close (listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &free_port));
      if (!port_in_list (window, free_port))
        break;
    }
  if (port_in_list (window, free_port))
    {
      g_test_skip ("the kernel's free port is already in the list");
      window_destroy_and_check (window);
      close (fd);
      return;
    }

  text = g_strdup_printf ("%u", free_port);
  ps_window_set_search (window, text);
  g_assert_true (ui_wait_for (stack_shows, &wait));
  expected = g_strdup_printf ("Port %u is free", free_port);
  g_assert_cmpstr (adw_status_page_get_title (free_page), ==, expected);
  g_assert_nonnull (adw_status_page_get_description (free_page));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);

  /* The same port as a browser or a log shows it. */
  {
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/", free_port);
    g_autofree char *ipv4 = g_strdup_printf ("127.0.0.1:%u", free_port);
    g_autofree char *ipv6 = g_strdup_printf ("[::1]:%u", free_port);
    const char *forms[] = { url, ipv4, ipv6 };

    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      {
        ps_window_set_search (window, "no-such-thing-anywhere-at-all");
        wait.name = "no-results";
        g_assert_true (ui_wait_for (stack_shows, &wait));
        ps_window_set_search (window, forms[i]);
        wait.name = "free";
        g_assert_true (ui_wait_for (stack_shows, &wait));
        g_assert_cmpstr (adw_status_page_get_title (free_page), ==, expected);
      }
  }

  /* A used port shows its row, and only rows of that port ("80" ≠ 8080),
   * however it is written: the port decides, not the address (a listener
   * on 0.0.0.0 answers on 127.0.0.1 too). */
  {
    g_autofree char *number = g_strdup_printf ("%u", listening_port);
    g_autofree char *ipv4 = g_strdup_printf ("127.0.0.1:%u", listening_port);
    g_autofree char *browser = g_strdup_printf ("localhost:%u/docs", listening_port);
    g_autofree char *ipv6 = g_strdup_printf ("[::1]:%u", listening_port);
    const char *forms[] = { number, ipv4, browser, ipv6 };

    wait.name = "list";
    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      {
        ps_window_set_search (window, forms[i]);
        g_assert_true (ui_wait_for (stack_shows, &wait));
        for (guint j = 0; j < g_list_model_get_n_items (shown); j++)
          {
            g_autoptr(PsSocketItem) item = g_list_model_get_item (shown, j);

            g_assert_cmpuint (ps_socket_item_get_port (item), ==, listening_port);
          }
        g_assert_cmpint (find_shown (window, listening_port, PS_PROTOCOL_TCP, AF_INET), >=, 0);
      }
  }

  /* Enter in the search, right after pasting (before the entry's search
   * delay): the first row found is selected, its details show, and the list
   * has the focus for the arrow keys. */
  {
    GtkWidget *entry = ui_template_child (window, PS_TYPE_WINDOW, "search_entry");
    GtkWidget *column_view = ui_template_child (window, PS_TYPE_WINDOW, "column_view");
    PsDetailPane *pane = ui_template_child (window, PS_TYPE_WINDOW, "detail_pane");
    g_autofree char *pasted = g_strdup_printf ("127.0.0.1:%u", listening_port);
    GtkWidget *focus;

    ps_window_set_search (window, "no-such-thing-anywhere-at-all");
    g_assert_null (ps_detail_pane_get_item (pane));
    g_signal_emit_by_name (entry, "activate");
    g_assert_null (ps_detail_pane_get_item (pane));
    gtk_editable_set_text (GTK_EDITABLE (entry), pasted);
    g_signal_emit_by_name (entry, "activate");
    g_assert_nonnull (ps_detail_pane_get_item (pane));
    g_assert_cmpuint (ps_socket_item_get_port (ps_detail_pane_get_item (pane)), ==, listening_port);
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_true (focus == column_view || (focus != NULL && gtk_widget_is_ancestor (focus, column_view)));
  }

  /* Text searches the haystack: our own process name finds our row. */
  ps_window_set_search (window, comm);
  g_assert_cmpint (find_shown (window, listening_port, PS_PROTOCOL_TCP, AF_INET), >=, 0);
  ps_window_set_search (window, "no-such-thing-anywhere-at-all");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  wait.name = "no-results";
  g_assert_true (ui_wait_for (stack_shows, &wait));

  /* A listener that appears while the window is open is highlighted for a
   * few seconds. */
  {
    guint new_port = 0;
    int new_fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &new_port);
    CellWait cell_wait = { window, new_port, "ps-new" };

    g_free (text);
    text = g_strdup_printf ("%u", new_port);
    ps_window_set_search (window, text);
    g_assert_true (ui_wait_for (cell_has_class, &cell_wait));
    g_assert_true (ui_wait_for (cell_lacks_class, &cell_wait));
    close (new_fd);
  }

  window_destroy_and_check (window);
  close (fd);
}

/* A port that only a connection uses (its near end, as a log shows it):
 * with connections not listed, the free port's page says only that nothing
 * listens on it and offers to list them; listed, the connection's row shows. */
static void
test_free_port_connection (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autofree char *comm = own_comm ();
  g_autofree char *text = NULL;
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  guint port = 0;
  guint near_port;
  int listener = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  int client = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int server;
  PsWindow *window;
  GtkStack *stack;
  AdwStatusPage *free_page;
  GtkWidget *button;
  StackWait wait;

  g_assert_cmpint (inet_pton (AF_INET, "127.0.0.1", &address.sin_addr), ==, 1);
  address.sin_port = htons (port);
  g_assert_cmpint (connect (client, (struct sockaddr *) &address, sizeof address), ==, 0);
  server = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  g_assert_cmpint (server, >=, 0);
  g_assert_cmpint (getsockname (client, (struct sockaddr *) &address, &length), ==, 0);
  near_port = ntohs (address.sin_port);

  g_settings_set_boolean (settings, "show-connections", FALSE);
  window = window_new ();
  stack = ui_template_child (window, PS_TYPE_WINDOW, "stack");
  free_page = ui_template_child (window, PS_TYPE_WINDOW, "free_page");
  button = ui_template_child (window, PS_TYPE_WINDOW, "show_connections_button");
  wait = (StackWait) { stack, "free" };
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, comm);

  text = g_strdup_printf ("127.0.0.1:%u", near_port);
  ps_window_set_search (window, text);
  g_assert_true (ui_wait_for (stack_shows, &wait));
  g_assert_nonnull (strstr (adw_status_page_get_description (free_page), "listens on it"));
  g_assert_true (gtk_widget_get_visible (button));

  /* The button lists connections: the one on the port shows. */
  g_assert_true (gtk_widget_activate_action (button, "window.show-connections", NULL));
  g_assert_true (g_settings_get_boolean (settings, "show-connections"));
  wait_for_row (window, near_port, PS_PROTOCOL_TCP, AF_INET, comm);
  wait.name = "list";
  g_assert_true (ui_wait_for (stack_shows, &wait));

  /* With connections listed, a free port is free, and no button.  The
   * server's end closes first: it, not the client's, waits in TIME_WAIT. */
  close (server);
  close (client);
  wait_for_absent (window, near_port, PS_PROTOCOL_TCP, AF_INET);
  wait.name = "free";
  g_assert_true (ui_wait_for (stack_shows, &wait));
  g_assert_nonnull (strstr (adw_status_page_get_description (free_page), "uses it right now"));
  g_assert_false (gtk_widget_get_visible (button));

  g_settings_reset (settings, "show-connections");
  window_destroy_and_check (window);
  close (listener);
}

static void
test_filters (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  guint tcp_port = 0;
  guint udp_port = 0;
  guint tcp6_port = 0;
  int tcp = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &tcp_port);
  int udp = listen_on (AF_INET, SOCK_DGRAM, "127.0.0.1", &udp_port);
  int tcp6 = listen_on (AF_INET6, SOCK_STREAM, "::1", &tcp6_port);
  PsWindow *window = window_new ();

  wait_for_row (window, tcp_port, PS_PROTOCOL_TCP, AF_INET, NULL);
  wait_for_row (window, udp_port, PS_PROTOCOL_UDP, AF_INET, NULL);
  wait_for_row (window, tcp6_port, PS_PROTOCOL_TCP, AF_INET6, NULL);

  g_settings_set_boolean (settings, "filter-tcp", FALSE);
  wait_for_absent (window, tcp_port, PS_PROTOCOL_TCP, AF_INET);
  wait_for_absent (window, tcp6_port, PS_PROTOCOL_TCP, AF_INET6);
  g_assert_cmpint (find_shown (window, udp_port, PS_PROTOCOL_UDP, AF_INET), >=, 0);
  g_settings_reset (settings, "filter-tcp");
  wait_for_row (window, tcp_port, PS_PROTOCOL_TCP, AF_INET, NULL);

  g_settings_set_boolean (settings, "filter-udp", FALSE);
  wait_for_absent (window, udp_port, PS_PROTOCOL_UDP, AF_INET);
  g_assert_cmpint (find_shown (window, tcp_port, PS_PROTOCOL_TCP, AF_INET), >=, 0);
  g_settings_reset (settings, "filter-udp");

  g_settings_set_boolean (settings, "filter-ipv4", FALSE);
  wait_for_absent (window, tcp_port, PS_PROTOCOL_TCP, AF_INET);
  g_assert_cmpint (find_shown (window, tcp6_port, PS_PROTOCOL_TCP, AF_INET6), >=, 0);
  g_settings_reset (settings, "filter-ipv4");

  g_settings_set_boolean (settings, "filter-ipv6", FALSE);
  wait_for_absent (window, tcp6_port, PS_PROTOCOL_TCP, AF_INET6);
  g_assert_cmpint (find_shown (window, tcp_port, PS_PROTOCOL_TCP, AF_INET), >=, 0);
  g_settings_reset (settings, "filter-ipv6");

  /* Loopback is not reachable from other computers. */
  g_settings_set_boolean (settings, "filter-exposed", TRUE);
  wait_for_absent (window, tcp_port, PS_PROTOCOL_TCP, AF_INET);
  wait_for_absent (window, udp_port, PS_PROTOCOL_UDP, AF_INET);
  g_settings_reset (settings, "filter-exposed");

  /* Our own sockets stay under "Mine only". */
  g_settings_set_boolean (settings, "filter-mine", TRUE);
  wait_for_row (window, tcp_port, PS_PROTOCOL_TCP, AF_INET, NULL);
  g_settings_reset (settings, "filter-mine");

  wait_for_row (window, tcp_port, PS_PROTOCOL_TCP, AF_INET, NULL);
  wait_for_row (window, udp_port, PS_PROTOCOL_UDP, AF_INET, NULL);
  window_destroy_and_check (window);
  close (tcp);
  close (udp);
  close (tcp6);
}

typedef struct
{
  PsWindow *window;
  guint port;
} SelectWait;

static gboolean
port_selected (gpointer data)
{
  SelectWait *wait = data;
  GtkSingleSelection *selection = ui_template_child (wait->window, PS_TYPE_WINDOW, "selection");
  PsSocketItem *item = gtk_single_selection_get_selected_item (selection);

  return item != NULL && ps_socket_item_get_port (item) == wait->port;
}

static void
test_search_port_selects (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  PsWindow *window = window_new ();
  PsDetailPane *pane = ui_template_child (window, PS_TYPE_WINDOW, "detail_pane");
  GtkEditable *entry = ui_template_child (window, PS_TYPE_WINDOW, "search_entry");
  SelectWait wait = { window, port };
  g_autofree char *text = g_strdup_printf ("%u", port);

  /* Before the first scan has come back: the row is selected when it does. */
  ps_window_search_port (window, port);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, text);
  g_assert_true (ui_wait_for (port_selected, &wait));
  g_assert_nonnull (ps_detail_pane_get_item (pane));
  g_assert_cmpuint (ps_socket_item_get_port (ps_detail_pane_get_item (pane)), ==, port);

  window_destroy_and_check (window);
  close (fd);
}

/* A search typed before the owners are known: the first scan comes without
 * owners, the next one updates the rows in place, and the filter must look
 * at them again. */
static void
test_search_follows_updates (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  g_autofree char *comm = own_comm ();
  PsWindow *window = ps_window_new (NULL);
  GListModel *shown = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));

  ps_window_set_search (window, comm);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, comm);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(PsSocketItem) item = g_list_model_get_item (shown, i);

      g_assert_nonnull (strstr (ps_socket_item_get_search_text (item), comm));
    }

  window_destroy_and_check (window);
  close (fd);
}

static gboolean
whole_list_shown (gpointer data)
{
  PsWindow *window = data;
  PsLimitModel *limit = ui_template_child (window, PS_TYPE_WINDOW, "limit_model");
  GListModel *shown = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));
  GListModel *sorted = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "sort_model"));

  return ps_limit_model_get_limit (limit) == G_MAXUINT &&
         g_list_model_get_n_items (shown) == g_list_model_get_n_items (sorted);
}

/* The first load shows the rows that fit in the window first; the rest
 * follows, in steps, until every row is in the view's model. */
static void
test_first_load_whole_list (void)
{
  int fds[150];
  guint ports[G_N_ELEMENTS (fds)];
  PsWindow *window;
  GListModel *shown;

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &ports[i]);
  window = window_new ();
  shown = G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"));

  g_assert_true (ui_wait_for (have_snapshot, window));
  g_assert_true (ui_wait_for (whole_list_shown, window));
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, G_N_ELEMENTS (fds));
  /* The last of ours is listed, wherever the sort put it. */
  g_assert_cmpint (find_shown (window, ports[G_N_ELEMENTS (fds) - 1], PS_PROTOCOL_TCP, AF_INET), >=, 0);

  window_destroy_and_check (window);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

/* The owner walk that follows the sockets-only first scan waits until the
 * window has painted the first rows: on a small machine it would compete
 * with that frame. */
typedef struct
{
  gboolean updated;            /* the first snapshot reached the window */
  gboolean painted;            /* a frame was painted after that */
  gboolean second_started;     /* the scan with owners started */
  gboolean painted_before_second;
} FirstFrameLog;

static void
first_frame_updated (PsMonitor     *monitor,
                     PsSnapshot    *snapshot,
                     FirstFrameLog *log)
{
  log->updated = TRUE;
}

static void
first_frame_painted (GdkFrameClock *clock,
                     FirstFrameLog *log)
{
  if (log->updated)
    log->painted = TRUE;
}

static void
first_frame_scanning (PsMonitor     *monitor,
                      GParamSpec    *pspec,
                      FirstFrameLog *log)
{
  if (ps_monitor_get_scanning (monitor) && log->updated && !log->second_started)
    {
      log->second_started = TRUE;
      log->painted_before_second = log->painted;
    }
}

static gboolean
second_scan_done (gpointer data)
{
  return ps_monitor_get_n_scans (data) >= 2;
}

static void
test_owner_scan_after_first_frame (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  FirstFrameLog log = { FALSE, };
  PsWindow *window = ps_window_new (NULL);
  PsMonitor *monitor = ps_window_get_monitor (window);
  GdkFrameClock *clock;
  gulong paint_handler;

  g_signal_connect (monitor, "updated", G_CALLBACK (first_frame_updated), &log);
  g_signal_connect (monitor, "notify::scanning", G_CALLBACK (first_frame_scanning), &log);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_painted), &log);

  g_assert_true (ui_wait_for (second_scan_done, monitor));
  g_assert_true (log.second_started);
  g_assert_true (log.painted_before_second);
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, NULL);

  g_signal_handler_disconnect (clock, paint_handler);
  g_signal_handlers_disconnect_by_data (monitor, &log);
  window_destroy_and_check (window);
  close (fd);
}

/* The window appears with its rows: ps_window_present_when_ready() shows it
 * once the first scan's rows are built, not before. */
static void
record_rows_at_map (GtkWidget *window,
                    guint     *rows)
{
  *rows = g_list_model_get_n_items (G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection")));
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_appears_with_rows (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  PsWindow *window = ps_window_new (NULL);
  guint rows_at_map = 0;

  g_signal_connect (window, "map", G_CALLBACK (record_rows_at_map), &rows_at_map);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  ps_window_present_when_ready (window);
  /* The scan lands from the main loop: nothing is shown yet. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_assert_true (ui_wait_for (is_mapped, window));
  g_assert_cmpuint (rows_at_map, >, 0);
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, NULL);

  g_signal_handlers_disconnect_by_data (window, &rows_at_map);
  window_destroy_and_check (window);
  close (fd);
}

/* A first scan slower than the grace (here a helper behind a prompt that
 * takes 3 s) does not keep the window hidden: it appears with its loading
 * page, and the rows follow. */
static void
test_appears_without_slow_scan (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("portscope-window-XXXXXX", &error);
  g_autofree char *pkexec = NULL;
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  PsWindow *window;
  guint rows_at_map = G_MAXUINT;
  gint64 asked;

  g_assert_no_error (error);
  if (g_getenv ("PORTSCOPE_HELPER_BIN") == NULL)
    {
      g_test_skip ("PORTSCOPE_HELPER_BIN is not set");
      close (fd);
      return;
    }
  /* The backend reads a prompt's exit status only from a "pkexec". */
  pkexec = g_build_filename (dir, "pkexec", NULL);
  g_file_set_contents (pkexec, "#!/bin/sh\nsleep 3\nexec \"$@\"\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (pkexec, 0755), ==, 0);
  g_setenv ("PORTSCOPE_BACKEND", "privileged", TRUE);
  g_setenv ("PORTSCOPE_PKEXEC", pkexec, TRUE);
  g_setenv ("PORTSCOPE_HELPER", g_getenv ("PORTSCOPE_HELPER_BIN"), TRUE);

  window = ps_window_new (NULL);
  g_setenv ("PORTSCOPE_BACKEND", "local", TRUE);
  g_signal_connect (window, "map", G_CALLBACK (record_rows_at_map), &rows_at_map);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  asked = g_get_monotonic_time ();
  ps_window_present_when_ready (window);

  g_assert_true (ui_wait_for (is_mapped, window));
  g_assert_cmpint (g_get_monotonic_time () - asked, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (rows_at_map, ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ui_template_child (window, PS_TYPE_WINDOW, "stack")),
                   ==, "loading");
  /* The helper answers once the prompt is done. */
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, NULL);

  g_signal_handlers_disconnect_by_data (window, &rows_at_map);
  window_destroy_and_check (window);
  g_unsetenv ("PORTSCOPE_PKEXEC");
  g_unsetenv ("PORTSCOPE_HELPER");
  g_unlink (pkexec);
  g_rmdir (dir);
  close (fd);
}

/* The application starts the first scan before GTK does: the window built
 * next adopts that monitor, and a scan that landed before the window existed
 * is in its rows at once, before the window is shown. */
static gboolean
monitor_has_snapshot (gpointer data)
{
  return ps_monitor_get_snapshot (data) != NULL;
}

static void
test_adopts_prefetch (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  PsMonitor *prefetched = ps_window_prefetch ();
  PsWindow *window;
  PsWindow *second;

  g_assert_nonnull (prefetched);
  g_assert_true (ps_window_prefetch () == prefetched);
  g_assert_true (ui_wait_for (monitor_has_snapshot, prefetched));

  window = ps_window_new (NULL);
  g_assert_true (ps_window_get_monitor (window) == prefetched);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ui_template_child (window, PS_TYPE_WINDOW, "selection"))),
                    >, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Adopted once: the next window scans for itself. */
  second = ps_window_new (NULL);
  g_assert_true (ps_window_get_monitor (second) != prefetched);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  ps_window_present_when_ready (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  wait_for_row (window, port, PS_PROTOCOL_TCP, AF_INET, NULL);

  window_destroy_and_check (second);
  window_destroy_and_check (window);
  close (fd);
}

/* A click on a column's header sorts by it (GTK's header calls
 * gtk_column_view_sort_by_column()); the choice is saved, and the next window
 * sorts the same way. */
static void
test_remembers_sort (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  PsWindow *window = window_new ();
  GtkColumnView *view = ui_template_child (window, PS_TYPE_WINDOW, "column_view");
  PsColumn column = PS_N_COLUMNS;
  GtkSortType order = GTK_SORT_ASCENDING;
  g_autofree char *saved = NULL;

  g_settings_reset (settings, "sort-column");
  g_settings_reset (settings, "sort-descending");

  gtk_column_view_sort_by_column (view, ui_template_child (window, PS_TYPE_WINDOW, "process_column"),
                                  GTK_SORT_DESCENDING);
  g_assert_true (ps_column_sorter_get_primary (gtk_column_view_get_sorter (view), &column, &order));
  g_assert_cmpint (column, ==, PS_COLUMN_PROCESS);
  g_assert_cmpint (order, ==, GTK_SORT_DESCENDING);
  saved = g_settings_get_string (settings, "sort-column");
  g_assert_cmpstr (saved, ==, "process");
  g_assert_true (g_settings_get_boolean (settings, "sort-descending"));

  /* A second click on the same header: ascending. */
  gtk_column_view_sort_by_column (view, ui_template_child (window, PS_TYPE_WINDOW, "process_column"),
                                  GTK_SORT_ASCENDING);
  g_assert_false (g_settings_get_boolean (settings, "sort-descending"));

  gtk_column_view_sort_by_column (view, ui_template_child (window, PS_TYPE_WINDOW, "pid_column"),
                                  GTK_SORT_DESCENDING);
  window_destroy_and_check (window);

  window = window_new ();
  view = ui_template_child (window, PS_TYPE_WINDOW, "column_view");
  g_assert_true (ps_column_sorter_get_primary (gtk_column_view_get_sorter (view), &column, &order));
  g_assert_cmpint (column, ==, PS_COLUMN_PID);
  g_assert_cmpint (order, ==, GTK_SORT_DESCENDING);
  window_destroy_and_check (window);

  g_settings_reset (settings, "sort-column");
  g_settings_reset (settings, "sort-descending");
}

/* The first frame shows as many rows as the list has room for: the rows
 * built before the first paint reach the bottom of the list's view. */
typedef struct
{
  PsWindow *window;
  gboolean painted;
  double rows_bottom;    /* the lowest row's bottom edge, in the view */
  double view_height;
} FillLog;

static void
lowest_cell (GtkWidget *widget,
             GtkWidget *view,
             double    *bottom)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (PS_IS_CELL (child) && gtk_widget_get_child_visible (gtk_widget_get_parent (child)) &&
          gtk_widget_compute_bounds (child, view, &bounds))
        *bottom = MAX (*bottom, bounds.origin.y + bounds.size.height);
      lowest_cell (child, view, bottom);
    }
}

static void
fill_painted (GdkFrameClock *clock,
              FillLog       *log)
{
  GtkWidget *view = gtk_widget_get_parent (ui_template_child (log->window, PS_TYPE_WINDOW, "column_view"));

  if (log->painted)
    return;
  log->painted = TRUE;
  log->view_height = gtk_widget_get_height (view);
  lowest_cell (view, view, &log->rows_bottom);
}

static void
fill_mapped (GtkWidget *widget,
             FillLog   *log)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (fill_painted), log);
}

static gboolean
fill_done (gpointer data)
{
  return ((FillLog *) data)->painted;
}

static void
test_first_frame_fills_view (void)
{
  int fds[120];
  guint port;
  FillLog log = { NULL, };

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  log.window = ps_window_new (NULL);
  g_signal_connect (log.window, "map", G_CALLBACK (fill_mapped), &log);
  gtk_window_set_default_size (GTK_WINDOW (log.window), 1200, 780);
  ps_window_present_when_ready (log.window);

  g_assert_true (ui_wait_for (fill_done, &log));
  g_assert_cmpfloat (log.view_height, >, 0);
  g_assert_cmpfloat (log.rows_bottom, >=, log.view_height - 1);

  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (log.window)), &log);
  g_signal_handlers_disconnect_by_data (log.window, &log);
  window_destroy_and_check (log.window);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

static gboolean
is_folded (gpointer data)
{
  return adw_leaflet_get_folded (data);
}

/* At its default size the window shows the list and the details side by
 * side, and every column of the list whole: nothing to scroll sideways. */
static void
test_default_size_fits_columns (void)
{
  FillLog log = { NULL, };
  GtkColumnView *view;
  GtkAdjustment *hadjustment;
  GListModel *columns;
  double total = 0;

  log.window = ps_window_new (NULL);
  g_signal_connect (log.window, "map", G_CALLBACK (fill_mapped), &log);
  gtk_window_present (GTK_WINDOW (log.window));
  g_assert_true (ui_wait_for (fill_done, &log));

  g_assert_false (adw_leaflet_get_folded (ui_template_child (log.window, PS_TYPE_WINDOW, "leaflet")));
  view = ui_template_child (log.window, PS_TYPE_WINDOW, "column_view");
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_true (gtk_column_view_column_get_visible (column));
      total += gtk_column_view_column_get_fixed_width (column);
    }
  hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));
  g_assert_cmpfloat (gtk_adjustment_get_page_size (hadjustment), >=, total);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=, gtk_adjustment_get_page_size (hadjustment));

  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (log.window)), &log);
  g_signal_handlers_disconnect_by_data (log.window, &log);
  window_destroy_and_check (log.window);
}

typedef struct
{
  AdwLeaflet *leaflet;
  GtkWidget *page;
} PageWait;

static gboolean
page_shown (gpointer data)
{
  PageWait *wait = data;

  return adw_leaflet_get_visible_child (wait->leaflet) == wait->page;
}

static void
test_narrow (void)
{
  guint port = 0;
  int fd = listen_on (AF_INET, SOCK_STREAM, "127.0.0.1", &port);
  PsWindow *window = ps_window_new (NULL);
  AdwLeaflet *leaflet = ui_template_child (window, PS_TYPE_WINDOW, "leaflet");
  PageWait wait = { leaflet, ui_template_child (window, PS_TYPE_WINDOW, "detail_page") };
  SelectWait selected = { window, port };

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_wait_for (is_folded, leaflet));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) ==
                 ui_template_child (window, PS_TYPE_WINDOW, "list_page"));

  /* Selecting a row in a narrow window shows its details; Back returns. */
  ps_window_search_port (window, port);
  g_assert_true (ui_wait_for (port_selected, &selected));
  g_assert_true (ui_wait_for (page_shown, &wait));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.back", NULL));
  wait.page = ui_template_child (window, PS_TYPE_WINDOW, "list_page");
  g_assert_true (ui_wait_for (page_shown, &wait));

  window_destroy_and_check (window);
  close (fd);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_APP_ID);
  GtkWidget *preferences = ps_preferences_window_new ();
  GtkAdjustment *interval = ui_template_child (preferences, PS_TYPE_PREFERENCES_WINDOW, "interval_adjustment");
  GtkAdjustment *terminate = ui_template_child (preferences, PS_TYPE_PREFERENCES_WINDOW, "terminate_adjustment");
  GtkSwitch *connections = ui_template_child (preferences, PS_TYPE_PREFERENCES_WINDOW, "connections_switch");
  PsWindow *window = window_new ();
  gpointer preferences_ptr = preferences;
  guint interval_ms = 0;
  gboolean scan_connections = TRUE;

  gtk_window_present (GTK_WINDOW (preferences));

  /* Seconds in the window, milliseconds in the settings, and the monitor follows. */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (interval), 1.0, 0.001);
  gtk_adjustment_set_value (interval, 2.5);
  g_assert_cmpuint (g_settings_get_uint (settings, "refresh-interval"), ==, 2500);
  g_object_get (ps_window_get_monitor (window), "interval", &interval_ms, "connections", &scan_connections, NULL);
  g_assert_cmpuint (interval_ms, ==, 2500);
  g_assert_false (scan_connections);

  g_settings_set_uint (settings, "terminate-timeout", 9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (terminate), 9.0, 0.001);

  gtk_switch_set_active (connections, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "show-connections"));
  g_object_get (ps_window_get_monitor (window), "connections", &scan_connections, NULL);
  g_assert_true (scan_connections);

  g_settings_reset (settings, "refresh-interval");
  g_settings_reset (settings, "terminate-timeout");
  g_settings_reset (settings, "show-connections");

  g_object_add_weak_pointer (G_OBJECT (preferences), &preferences_ptr);
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_true (ui_wait_for (is_null, &preferences_ptr));
  window_destroy_and_check (window);
}

static void
test_started_text (void)
{
  struct timespec now;
  long ticks = sysconf (_SC_CLK_TCK);
  g_autofree char *text = NULL;

  g_assert_null (ps_detail_pane_format_started (0));

  /* A process that started five minutes ago on the boot-time clock. */
  g_assert_cmpint (clock_gettime (CLOCK_BOOTTIME, &now), ==, 0);
  if (now.tv_sec < 400)
    {
      g_test_skip ("the machine booted less than 400 s ago");
      return;
    }
  text = ps_detail_pane_format_started ((guint64) (now.tv_sec - 300) * (guint64) ticks);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "5 minutes ago"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("PORTSCOPE_BACKEND", "local", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    return 77;
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  g_test_add_func ("/ui/window/listener-row", test_listener_row);
  g_test_add_func ("/ui/window/markup-name", test_markup_name);
  g_test_add_func ("/ui/window/free-port", test_free_port);
  g_test_add_func ("/ui/window/free-port-connection", test_free_port_connection);
  g_test_add_func ("/ui/window/filters", test_filters);
  g_test_add_func ("/ui/window/search-port-selects", test_search_port_selects);
  g_test_add_func ("/ui/window/narrow", test_narrow);
  g_test_add_func ("/ui/window/default-size-fits-columns", test_default_size_fits_columns);
  g_test_add_func ("/ui/window/first-load-whole-list", test_first_load_whole_list);
  g_test_add_func ("/ui/window/owner-scan-after-first-frame", test_owner_scan_after_first_frame);
  g_test_add_func ("/ui/window/search-follows-updates", test_search_follows_updates);
  g_test_add_func ("/ui/window/appears-with-rows", test_appears_with_rows);
  g_test_add_func ("/ui/window/appears-without-slow-scan", test_appears_without_slow_scan);
  g_test_add_func ("/ui/window/adopts-prefetch", test_adopts_prefetch);
  g_test_add_func ("/ui/window/remembers-sort", test_remembers_sort);
  g_test_add_func ("/ui/window/first-frame-fills-view", test_first_frame_fills_view);
  g_test_add_func ("/ui/preferences", test_preferences);
  g_test_add_func ("/ui/detail-pane/started", test_started_text);

  return g_test_run ();
}

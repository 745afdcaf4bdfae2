/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window in German: with LANGUAGE=de (on the C.UTF-8 locale, which every
 * system has), the real window built from its templates shows German text,
 * and no text in it is an English string that has a German translation (a
 * string that was marked but never passed through gettext, or a template
 * without the text domain).  Needs a display: 77 without one. */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ps-window.h"

static void
add_text (GHashTable *texts,
          const char *text)
{
  if (text != NULL && *text != '\0')
    g_hash_table_add (texts, g_strdup (text));
}

static void
collect_menu (GHashTable *texts,
              GMenuModel *menu)
{
  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        add_text (texts, label);
      links = g_menu_model_iterate_item_links (menu, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) child = g_menu_link_iter_get_value (links);
          collect_menu (texts, child);
        }
    }
}

/* Every text a user can meet in WIDGET and below: labels, titles, tooltips,
 * placeholders, column titles and menus. */
static void
collect (GHashTable *texts,
         GtkWidget  *widget)
{
  add_text (texts, gtk_widget_get_tooltip_text (widget));

  if (GTK_IS_LABEL (widget))
    add_text (texts, gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_BUTTON (widget))
    add_text (texts, gtk_button_get_label (GTK_BUTTON (widget)));
  else if (GTK_IS_MENU_BUTTON (widget))
    collect_menu (texts, gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)));
  else if (GTK_IS_SEARCH_ENTRY (widget))
    {
      g_autofree char *placeholder = NULL;

      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      add_text (texts, placeholder);
    }
  else if (GTK_IS_COLUMN_VIEW (widget))
    {
      GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (widget));

      for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

          add_text (texts, gtk_column_view_column_get_title (column));
        }
    }
  else if (ADW_IS_WINDOW_TITLE (widget))
    add_text (texts, adw_window_title_get_title (ADW_WINDOW_TITLE (widget)));
  else if (ADW_IS_STATUS_PAGE (widget))
    {
      add_text (texts, adw_status_page_get_title (ADW_STATUS_PAGE (widget)));
      add_text (texts, adw_status_page_get_description (ADW_STATUS_PAGE (widget)));
    }
  else if (ADW_IS_PREFERENCES_GROUP (widget))
    add_text (texts, adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    add_text (texts, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (texts, child);
}

static gboolean
wait_for (gboolean (*condition) (gpointer),
          gpointer   data,
          guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
    }
  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
has_rows (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ps_window_get_socket_list (data))) > 0;
}

static void
test_window_in_german (void)
{
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) leaks = g_string_new (NULL);
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GWeakRef weak;
  PsWindow *window;
  GHashTableIter iter;
  const char *text;
  /* What this catalog says for a few strings the window always has: the
   * column titles, the empty detail pane, the main menu. */
  const char *expected[] = {
    "Protokoll", "Adresse", "Prozess", "Benutzer", "Dienst", "Erreichbarkeit",
    "Kein Port ausgewählt", "_Einstellungen", "Jetzt _aktualisieren",
  };

  /* A listener of our own, so the list has at least one row to show. */
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);

  window = ps_window_new (NULL);
  g_weak_ref_init (&weak, window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_mapped, window, 10000));
  g_assert_true (wait_for (has_rows, window, 10000));

  collect (texts, GTK_WIDGET (window));
  add_text (texts, gtk_window_get_title (GTK_WINDOW (window)));

  g_test_message ("%u texts in the window", g_hash_table_size (texts));
  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &text, NULL))
    g_test_message ("text: %s", text);

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_hash_table_contains (texts, expected[i]))
      g_test_message ("missing German text: %s", expected[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_hash_table_contains (texts, expected[i]));

  /* Any text that is itself an English msgid with a different German
   * translation was shown untranslated. */
  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &text, NULL))
    {
      const char *translated = g_dgettext (GETTEXT_PACKAGE, text);

      if (translated != text && g_strcmp0 (translated, text) != 0)
        g_string_append_printf (leaks, "\n  \"%s\" (German: \"%s\")", text, translated);
    }
  if (leaks->len > 0)
    g_error ("English text in the German window:%s", leaks->str);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

int
main (int   argc,
      char *argv[])
{
  /* gettext ignores LANGUAGE under the "C" locale, not under C.UTF-8. */
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      g_printerr ("C.UTF-8 locale not available\n");
      return 1;
    }
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipped\n");
      return 77;
    }
  adw_init ();

  /* The catalog itself must be there, or everything below is vacuous. */
  if (g_strcmp0 (g_dgettext (GETTEXT_PACKAGE, "Protocol"), "Protokoll") != 0)
    {
      g_printerr ("no German catalog under %s\n", TEST_LOCALEDIR);
      return 1;
    }

  g_test_add_func ("/i18n/window-in-german", test_window_in_german);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ps-detail-pane.h"
#include "ps-fact-row.h"
#include "ps-knowledge.h"
#include "ps-text.h"
#include "ps-ui.h"

struct _PsDetailPane
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkScrolledWindow *scroller;
  GtkLabel *heading_label;
  GtkLabel *summary_label;
  GtkWidget *browser_button;
  GtkWidget *copy_address_button;
  GtkWidget *end_process_button;
  PsFactRow *range_row;
  PsFactRow *ephemeral_row;
  PsFactRow *service_row;
  PsFactRow *service_description_row;
  PsFactRow *address_row;
  PsFactRow *reach_row;
  PsFactRow *url_row;
  AdwPreferencesGroup *owner_group;
  PsFactRow *hidden_row;
  PsFactRow *process_row;
  PsFactRow *pid_row;
  PsFactRow *command_row;
  PsFactRow *exe_row;
  PsFactRow *cwd_row;
  PsFactRow *user_row;
  PsFactRow *started_row;
  PsFactRow *parent_row;
  PsFactRow *unit_row;
  PsFactRow *container_row;
  GtkBox *other_owners_box;
  AdwPreferencesGroup *notes_group;
  PsFactRow *ss_row;
  PsFactRow *lsof_row;

  PsSocketItem *item;
  gulong notify_handler;
  guint update_idle;
  GPtrArray *note_rows;
  char *browser_url;
  char *address_with_port;
};

G_DEFINE_FINAL_TYPE (PsDetailPane, ps_detail_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
ps_detail_pane_new (void)
{
  return g_object_new (PS_TYPE_DETAIL_PANE, NULL);
}

char *
ps_detail_pane_format_started (guint64 start_time)
{
  struct timespec now;
  long ticks = sysconf (_SC_CLK_TCK);
  gint64 age;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *clock = NULL;

  /* start_time counts clock ticks on the boot-time clock (suspend included). */
  if (start_time == 0 || ticks <= 0 || clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return NULL;

  age = (gint64) now.tv_sec - (gint64) (start_time / (guint64) ticks);
  if (age < 0)
    age = 0;

  if (age < 60)
    relative = g_strdup (_("Less than a minute ago"));
  else if (age < 3600)
    relative = g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", (int) (age / 60)),
                                (int) (age / 60));
  else if (age < 86400)
    relative = g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", (int) (age / 3600)),
                                (int) (age / 3600));
  else
    relative = g_strdup_printf (ngettext ("%d day ago", "%d days ago", (int) (age / 86400)),
                                (int) (age / 86400));

  local_now = g_date_time_new_now_local ();
  started = g_date_time_add_seconds (local_now, (gdouble) -age);
  if (started == NULL)
    return g_steal_pointer (&relative);
  clock = g_date_time_format (started, age < 86400 ? "%X" : "%x %X");
  if (clock == NULL)
    return g_steal_pointer (&relative);

  /* Translators: "5 minutes ago (14:02:11)" */
  return g_strdup_printf (_("%s (%s)"), relative, clock);
}

static char *
escape_nullable (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return ps_text_escape_visible (text, -1);
}

static char *
format_user (const char *user,
             guint32     uid)
{
  g_autofree char *name = escape_nullable (user);

  if (name != NULL)
    return g_strdup_printf (_("%s (user ID %u)"), name, uid);
  return g_strdup_printf (_("User ID %u"), uid);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
clear_notes (PsDetailPane *self)
{
  for (guint i = 0; i < self->note_rows->len; i++)
    adw_preferences_group_remove (self->notes_group, g_ptr_array_index (self->note_rows, i));
  g_ptr_array_set_size (self->note_rows, 0);
}

static GtkWidget *
note_row_new (const PsSecurityNote *note)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon;
  GtkWidget *title;
  GtkWidget *advice;
  const char *icon_name;
  const char *icon_label;
  const char *css_class;

  switch (note->severity)
    {
    case PS_SEVERITY_DANGER:
      icon_name = "dialog-error-symbolic";
      /* Translators: accessible name of a security note's severity icon */
      icon_label = _("Danger");
      css_class = "error";
      break;
    case PS_SEVERITY_WARNING:
      icon_name = "dialog-warning-symbolic";
      /* Translators: accessible name of a security note's severity icon */
      icon_label = _("Warning");
      css_class = "warning";
      break;
    case PS_SEVERITY_INFO:
    default:
      icon_name = "dialog-information-symbolic";
      /* Translators: accessible name of a security note's severity icon */
      icon_label = _("Information");
      css_class = "accent";
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), note->title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "ps-note");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);

  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, css_class);
  /* The colour alone tells danger from warning: screen readers need words. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, icon_label,
                                  -1);
  gtk_box_append (GTK_BOX (box), icon);

  title = gtk_label_new (note->title);
  gtk_label_set_use_markup (GTK_LABEL (title), FALSE);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (title, css_class);
  gtk_box_append (GTK_BOX (text_box), title);

  advice = gtk_label_new (note->advice);
  gtk_label_set_use_markup (GTK_LABEL (advice), FALSE);
  gtk_label_set_xalign (GTK_LABEL (advice), 0.0);
  gtk_label_set_wrap (GTK_LABEL (advice), TRUE);
  gtk_label_set_selectable (GTK_LABEL (advice), TRUE);
  gtk_box_append (GTK_BOX (text_box), advice);

  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_box_append (GTK_BOX (box), text_box);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static void
set_owner_rows (PsDetailPane  *self,
                const PsOwner *owner,
                const char    *process_text)
{
  g_autofree char *pid = NULL;
  g_autofree char *command = NULL;
  g_autofree char *exe = escape_nullable (owner->exe);
  g_autofree char *cwd = escape_nullable (owner->cwd);
  g_autofree char *user = format_user (owner->user, owner->uid);
  g_autofree char *started = ps_detail_pane_format_started (owner->start_time);
  g_autofree char *parent = NULL;
  g_autofree char *unit = escape_nullable (owner->unit);
  g_autofree char *container = escape_nullable (owner->container);
  g_autofree char *name = NULL;

  if (process_text == NULL)
    process_text = name = escape_nullable (owner->name);

  pid = g_strdup_printf ("%d", owner->pid);
  if (owner->argv != NULL && owner->argv[0] != NULL)
    command = ps_text_escape_argv ((const char * const *) owner->argv);
  if (owner->ppid > 0)
    parent = g_strdup_printf ("%d", owner->ppid);
  if (unit != NULL && owner->user_unit)
    {
      char *with_scope = g_strdup_printf (_("%s (a service of your user session)"), unit);

      g_free (unit);
      unit = with_scope;
    }

  ps_fact_row_set_value (self->process_row, process_text);
  ps_fact_row_set_value (self->pid_row, pid);
  ps_fact_row_set_value (self->command_row, command);
  ps_fact_row_set_value (self->exe_row, exe);
  ps_fact_row_set_value (self->cwd_row, cwd);
  ps_fact_row_set_value (self->user_row, user);
  ps_fact_row_set_value (self->started_row, started);
  ps_fact_row_set_value (self->parent_row, parent);
  ps_fact_row_set_value (self->unit_row, unit);
  ps_fact_row_set_value (self->container_row, container);
}

static void
clear_owner_rows (PsDetailPane *self)
{
  PsFactRow *rows[] = {
    self->process_row, self->pid_row, self->command_row, self->exe_row,
    self->cwd_row, self->user_row, self->started_row, self->parent_row,
    self->unit_row, self->container_row,
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    ps_fact_row_set_value (rows[i], NULL);
}

static GtkWidget *
other_owner_group_new (const PsOwner *owner)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *name = escape_nullable (owner->name);
  g_autofree char *title = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", owner->pid);
  g_autofree char *command = NULL;
  g_autofree char *user = format_user (owner->user, owner->uid);
  GtkWidget *row;

  if (owner->argv != NULL && owner->argv[0] != NULL)
    command = ps_text_escape_argv ((const char * const *) owner->argv);

  /* The group title is markup in libadwaita 1.2: keep process text out of it. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Also Held By"));

  row = ps_fact_row_new (_("Process"));
  ps_fact_row_set_value (PS_FACT_ROW (row), name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = ps_fact_row_new (_("Process ID"));
  ps_fact_row_set_value (PS_FACT_ROW (row), pid);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = ps_fact_row_new (_("Command line"));
  ps_fact_row_set_copyable (PS_FACT_ROW (row), TRUE);
  ps_fact_row_set_value (PS_FACT_ROW (row), command);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  row = ps_fact_row_new (_("User"));
  ps_fact_row_set_value (PS_FACT_ROW (row), user);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  return group;
}

static void
update (PsDetailPane *self)
{
  const PsSocket *socket;
  g_autofree char *heading = NULL;
  g_autofree char *range = NULL;
  g_autofree char *ephemeral = NULL;
  g_autofree char *service_description = NULL;
  g_autofree char *service = NULL;
  g_autofree char *address = NULL;
  g_autofree char *reach = NULL;
  g_autofree char *ss = NULL;
  g_autofree char *lsof = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  const char *process;
  gboolean closing;

  g_clear_handle_id (&self->update_idle, g_source_remove);
  g_clear_pointer (&self->browser_url, g_free);
  g_clear_pointer (&self->address_with_port, g_free);
  clear_notes (self);
  clear_box (self->other_owners_box);
  gtk_widget_set_visible (GTK_WIDGET (self->other_owners_box), FALSE);

  if (self->item == NULL || (socket = ps_socket_item_get_socket (self->item)) == NULL)
    {
      ps_ui_stack_show_page (self->stack, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "pane.open-browser", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "pane.copy-address", FALSE);
      return;
    }

  process = ps_socket_item_get_process (self->item);
  if (process != NULL && *process == '\0')
    process = NULL;
  closing = ps_socket_item_get_is_closing (self->item);

  /* Heading and summary. */
  heading = g_strdup_printf (_("Port %u"), (guint) socket->port);
  gtk_label_set_text (self->heading_label, heading);
  g_string_append (summary, socket->protocol == PS_PROTOCOL_UDP ? "UDP" : "TCP");
  g_string_append (summary, socket->family == AF_INET6 ? " · IPv6" : " · IPv4");
  if (process != NULL)
    g_string_append_printf (summary, " · %s", process);
  if (closing)
    g_string_append_printf (summary, " · %s", _("closed"));
  gtk_label_set_text (self->summary_label, summary->str);

  /* Port. */
  range = ps_port_range_describe (socket->port);
  ephemeral = ps_ephemeral_describe (socket->port);
  service = ps_service_describe (socket->port, socket->protocol, &service_description);
  ps_fact_row_set_value (self->range_row, range);
  ps_fact_row_set_value (self->ephemeral_row, ephemeral);
  ps_fact_row_set_value (self->service_row, service);
  ps_fact_row_set_value (self->service_description_row, service_description);

  /* Address. */
  address = escape_nullable (socket->address_text);
  ps_fact_row_set_value (self->address_row, address);
  reach = ps_socket_describe_reach (socket);
  ps_fact_row_set_value (self->reach_row, reach);
  self->browser_url = ps_socket_browser_url (socket);
  ps_fact_row_set_value (self->url_row, self->browser_url);
  if (address != NULL)
    self->address_with_port = g_strdup_printf (socket->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
                                               address, (guint) socket->port);

  /* Owner. */
  clear_owner_rows (self);
  if (socket->owner_hidden == PS_OWNER_HIDDEN_OTHER_USER)
    {
      g_autofree char *user = format_user (socket->user, socket->uid);
      g_autofree char *text =
        g_strdup_printf (_("This port belongs to a program of %s. Portscope sees the port, "
                           "but not which program holds it."), user);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hidden_row), _("Owned by another user"));
      ps_fact_row_set_value (self->hidden_row, text);
    }
  else if (socket->owner_hidden == PS_OWNER_HIDDEN_SANDBOX)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hidden_row), _("Owner not visible"));
      ps_fact_row_set_value (self->hidden_row,
                             _("Portscope runs in a sandbox and cannot see the programs of this computer."));
    }
  else if (socket->owners->len == 0)
    {
      g_autofree char *user = format_user (socket->user, socket->uid);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hidden_row), _("No program holds it"));
      ps_fact_row_set_value (self->hidden_row,
                             _("No running program has this socket open: the system (for example systemd or the kernel) keeps it."));
      ps_fact_row_set_value (self->user_row, user);
    }
  else
    {
      ps_fact_row_set_value (self->hidden_row, NULL);
      set_owner_rows (self, g_ptr_array_index (socket->owners, 0), process);
      for (guint i = 1; i < socket->owners->len; i++)
        gtk_box_append (self->other_owners_box,
                        other_owner_group_new (g_ptr_array_index (socket->owners, i)));
      gtk_widget_set_visible (GTK_WIDGET (self->other_owners_box), socket->owners->len > 1);
    }

  /* Security notes. */
  notes = ps_security_notes (socket);
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      GtkWidget *row = note_row_new (g_ptr_array_index (notes, i));

      adw_preferences_group_add (self->notes_group, row);
      g_ptr_array_add (self->note_rows, row);
    }
  /* Notes come first when there are any; no group at all otherwise. */
  gtk_widget_set_visible (GTK_WIDGET (self->notes_group), self->note_rows->len > 0);

  /* Check it yourself. */
  ss = ps_socket_ss_command (socket);
  lsof = ps_socket_lsof_command (socket);
  ps_fact_row_set_value (self->ss_row, ss);
  ps_fact_row_set_value (self->lsof_row, lsof);

  gtk_widget_set_visible (self->browser_button, self->browser_url != NULL && !closing);
  gtk_widget_set_visible (self->end_process_button,
                          socket->owners->len > 0 && socket->owner_hidden == PS_OWNER_VISIBLE && !closing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pane.open-browser", self->browser_url != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pane.copy-address", self->address_with_port != NULL);
  ps_ui_stack_show_page (self->stack, "details");
}

static gboolean
update_idle_cb (gpointer user_data)
{
  PsDetailPane *self = user_data;

  self->update_idle = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
on_item_notify (PsDetailPane *self)
{
  if (self->update_idle == 0)
    self->update_idle = g_idle_add (update_idle_cb, self);
}

PsSocketItem *
ps_detail_pane_get_item (PsDetailPane *self)
{
  g_return_val_if_fail (PS_IS_DETAIL_PANE (self), NULL);
  return self->item;
}

void
ps_detail_pane_set_item (PsDetailPane *self,
                         PsSocketItem *item)
{
  g_return_if_fail (PS_IS_DETAIL_PANE (self));
  g_return_if_fail (item == NULL || PS_IS_SOCKET_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_handler, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    self->notify_handler = g_signal_connect_object (item, "notify",
                                                    G_CALLBACK (on_item_notify), self,
                                                    G_CONNECT_SWAPPED);
  update (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0.0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
open_browser_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PsDetailPane *self = PS_DETAIL_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->browser_url == NULL)
    return;
  /* gtk_show_uri: the floor is GTK 4.8 (GtkUriLauncher came in 4.10). */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->browser_url, GDK_CURRENT_TIME);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PsDetailPane *self = PS_DETAIL_PANE (widget);

  if (self->address_with_port == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->address_with_port);
  gtk_widget_activate_action (widget, "window.toast", "s", _("Address copied"));
}

static void
ps_detail_pane_dispose (GObject *object)
{
  PsDetailPane *self = PS_DETAIL_PANE (object);

  g_clear_handle_id (&self->update_idle, g_source_remove);
  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_handler, self->item);
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), PS_TYPE_DETAIL_PANE);

  G_OBJECT_CLASS (ps_detail_pane_parent_class)->dispose (object);
}

static void
ps_detail_pane_finalize (GObject *object)
{
  PsDetailPane *self = PS_DETAIL_PANE (object);

  g_clear_pointer (&self->note_rows, g_ptr_array_unref);
  g_free (self->browser_url);
  g_free (self->address_with_port);

  G_OBJECT_CLASS (ps_detail_pane_parent_class)->finalize (object);
}

static void
ps_detail_pane_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PsDetailPane *self = PS_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_detail_pane_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PsDetailPane *self = PS_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      ps_detail_pane_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_detail_pane_class_init (PsDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_detail_pane_dispose;
  object_class->finalize = ps_detail_pane_finalize;
  object_class->get_property = ps_detail_pane_get_property;
  object_class->set_property = ps_detail_pane_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         PS_TYPE_SOCKET_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PS_TYPE_FACT_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ps-detail-pane.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, PsDetailPane, name)
  BIND (stack);
  BIND (scroller);
  BIND (heading_label);
  BIND (summary_label);
  BIND (browser_button);
  BIND (copy_address_button);
  BIND (end_process_button);
  BIND (range_row);
  BIND (ephemeral_row);
  BIND (service_row);
  BIND (service_description_row);
  BIND (address_row);
  BIND (reach_row);
  BIND (url_row);
  BIND (owner_group);
  BIND (hidden_row);
  BIND (process_row);
  BIND (pid_row);
  BIND (command_row);
  BIND (exe_row);
  BIND (cwd_row);
  BIND (user_row);
  BIND (started_row);
  BIND (parent_row);
  BIND (unit_row);
  BIND (container_row);
  BIND (other_owners_box);
  BIND (notes_group);
  BIND (ss_row);
  BIND (lsof_row);
#undef BIND

  gtk_widget_class_install_action (widget_class, "pane.open-browser", NULL, open_browser_action);
  gtk_widget_class_install_action (widget_class, "pane.copy-address", NULL, copy_address_action);
}

static void
ps_detail_pane_init (PsDetailPane *self)
{
  self->note_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
  /* The facts are built on the first selection's frame, not the window's first. */
  ps_ui_stack_hide_other_pages (self->stack);
}

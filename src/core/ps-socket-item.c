/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <netinet/tcp.h>

#include "ps-socket-item.h"
#include "ps-socket-list.h"
#include "ps-text.h"

/* An item points into a snapshot (kept alive by a reference).  The derived
 * strings are computed on first use and cached: a list of 20,000 rows only
 * pays for what the view shows or the search reads. */
struct _PsSocketItem
{
  GObject parent_instance;

  PsSnapshot *snapshot;
  const PsSocket *socket;
  guint index;

  guint is_new : 1;
  guint is_closing : 1;
  guint service_done : 1;

  char *process;
  char *pid_text;
  char *user;
  char *service;
  char *search_text;
  char **collate_keys;       /* nullable; per PsColumn, for sorting by text */
  char port_text[8];         /* "" until first asked */
};

G_DEFINE_FINAL_TYPE (PsSocketItem, ps_socket_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PORT,
  PROP_PROTOCOL,
  PROP_FAMILY,
  PROP_ADDRESS,
  PROP_EXPOSURE,
  PROP_EXPOSURE_LABEL,
  PROP_EXPOSURE_ICON,
  PROP_PROCESS,
  PROP_PID,
  PROP_PID_TEXT,
  PROP_USER,
  PROP_UID,
  PROP_SERVICE,
  PROP_STATE,
  PROP_OWNER_HIDDEN,
  PROP_IS_NEW,
  PROP_IS_CLOSING,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Derived values, as pure functions of a socket. */

static gboolean
socket_owners_visible (const PsSocket *socket)
{
  return socket->owner_hidden == PS_OWNER_VISIBLE && socket->owners->len > 0;
}

static const PsOwner *
socket_first_owner (const PsSocket *socket)
{
  if (!socket_owners_visible (socket))
    return NULL;
  return g_ptr_array_index (socket->owners, 0);
}

static char *
compute_process (const PsSocket *socket)
{
  const PsOwner *owner = socket_first_owner (socket);
  g_autofree char *name = NULL;

  if (owner == NULL)
    return g_strdup ("");

  name = ps_text_escape_visible (owner->name != NULL ? owner->name : "", -1);
  if (socket->owners->len > 1)
    return g_strdup_printf ("%s (+%u)", name, socket->owners->len - 1);
  return g_steal_pointer (&name);
}

static gboolean
process_inputs_equal (const PsSocket *a,
                      const PsSocket *b)
{
  const PsOwner *oa = socket_first_owner (a);
  const PsOwner *ob = socket_first_owner (b);

  if (oa == NULL || ob == NULL)
    return oa == ob;
  return a->owners->len == b->owners->len &&
         g_strcmp0 (oa->name, ob->name) == 0;
}

static gint
compute_pid (const PsSocket *socket)
{
  const PsOwner *owner = socket_first_owner (socket);

  return owner != NULL ? owner->pid : 0;
}

static char *
compute_pid_text (const PsSocket *socket)
{
  gint pid = compute_pid (socket);

  return pid != 0 ? g_strdup_printf ("%d", pid) : g_strdup ("");
}

static char *
compute_user (const PsSocket *socket)
{
  if (socket->user != NULL)
    return ps_text_escape_visible (socket->user, -1);
  return g_strdup_printf ("%u", socket->uid);
}

static gboolean
user_inputs_equal (const PsSocket *a,
                   const PsSocket *b)
{
  if (a->user != NULL || b->user != NULL)
    return g_strcmp0 (a->user, b->user) == 0;
  return a->uid == b->uid;
}

static char *
compute_service (const PsSocket *socket)
{
  char *name = ps_service_describe (socket->port, socket->protocol, NULL);

  return name != NULL ? name : g_strdup ("");
}

/* Printable ASCII without a backslash reads the same escaped: the common
 * case skips ps_text_escape_visible(). */
static gboolean
is_plain_ascii (const char *text,
                gboolean    allow_space)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e || *p == '\\' || (*p == ' ' && !allow_space))
      return FALSE;
  return TRUE;
}

static void
append_visible (GString    *haystack,
                const char *text)
{
  g_string_append_c (haystack, ' ');
  if (is_plain_ascii (text, TRUE))
    {
      g_string_append (haystack, text);
    }
  else
    {
      g_autofree char *escaped = ps_text_escape_visible (text, -1);

      g_string_append (haystack, escaped);
    }
}

static void
append_argv (GString            *haystack,
             const char * const *argv)
{
  gboolean plain = TRUE;

  /* Arguments with spaces are quoted by ps_text_escape_argv: let it. */
  for (guint i = 0; plain && argv[i] != NULL; i++)
    plain = argv[i][0] != '\0' && is_plain_ascii (argv[i], FALSE) &&
            strpbrk (argv[i], "'\"") == NULL;

  if (plain)
    {
      for (guint i = 0; argv[i] != NULL; i++)
        {
          g_string_append_c (haystack, ' ');
          g_string_append (haystack, argv[i]);
        }
    }
  else
    {
      g_autofree char *command_line = ps_text_escape_argv (argv);

      g_string_append_c (haystack, ' ');
      g_string_append (haystack, command_line);
    }
}

/* The lower-case haystack for search: port, process names and command
 * lines, address, user, service, each made visible like on screen. */
static char *
compute_search_text (const PsSocket *socket,
                     const char     *service)
{
  g_autoptr(GString) haystack = g_string_sized_new (128);
  gboolean ascii = TRUE;

  g_string_append_printf (haystack, "%u", socket->port);
  if (socket_owners_visible (socket))
    {
      for (guint i = 0; i < socket->owners->len; i++)
        {
          const PsOwner *owner = g_ptr_array_index (socket->owners, i);

          append_visible (haystack, owner->name != NULL ? owner->name : "");
          if (owner->argv != NULL && owner->argv[0] != NULL)
            append_argv (haystack, (const char * const *) owner->argv);
        }
    }
  if (socket->address_text != NULL)
    append_visible (haystack, socket->address_text);
  if (socket->user != NULL)
    append_visible (haystack, socket->user);
  else
    g_string_append_printf (haystack, " %u", socket->uid);
  if (service != NULL && service[0] != '\0')
    append_visible (haystack, service);

  for (gsize i = 0; ascii && i < haystack->len; i++)
    ascii = (guchar) haystack->str[i] < 0x80;
  if (ascii)
    {
      for (gsize i = 0; i < haystack->len; i++)
        haystack->str[i] = g_ascii_tolower (haystack->str[i]);
      return g_string_free (g_steal_pointer (&haystack), FALSE);
    }
  return g_utf8_casefold (haystack->str, (gssize) haystack->len);
}

static gboolean
search_inputs_equal (const PsSocket *a,
                     const PsSocket *b)
{
  gboolean va = socket_owners_visible (a);
  gboolean vb = socket_owners_visible (b);

  if (a->port != b->port ||
      g_strcmp0 (a->address_text, b->address_text) != 0 ||
      !user_inputs_equal (a, b) ||
      va != vb)
    return FALSE;
  if (!va)
    return TRUE;
  if (a->owners->len != b->owners->len)
    return FALSE;
  for (guint i = 0; i < a->owners->len; i++)
    {
      const PsOwner *oa = g_ptr_array_index (a->owners, i);
      const PsOwner *ob = g_ptr_array_index (b->owners, i);

      if (oa == ob)
        continue;
      if (g_strcmp0 (oa->name, ob->name) != 0)
        return FALSE;
      if (oa->argv != ob->argv)
        {
          const char * const empty[] = { NULL };
          const char * const *pa = oa->argv != NULL ? (const char * const *) oa->argv : empty;
          const char * const *pb = ob->argv != NULL ? (const char * const *) ob->argv : empty;

          if (!g_strv_equal (pa, pb))
            return FALSE;
        }
    }
  return TRUE;
}

static const char *
socket_protocol (const PsSocket *socket)
{
  switch (socket->protocol)
    {
    case PS_PROTOCOL_TCP:
      return "TCP";
    case PS_PROTOCOL_UDP:
      return "UDP";
    default:
      return "";
    }
}

static const char *
socket_state (const PsSocket *socket)
{
  /* An unconnected UDP socket reports TCP_CLOSE; say what ss says. */
  if (socket->protocol == PS_PROTOCOL_UDP && socket->state == TCP_CLOSE)
    return "unconnected";
  return ps_socket_state_to_string (socket->state);
}

static const char *
socket_address (const PsSocket *socket)
{
  return socket->address_text != NULL ? socket->address_text : "";
}

static void
clear_collate_keys (PsSocketItem *self)
{
  if (self->collate_keys == NULL)
    return;
  for (guint i = 0; i < PS_N_COLUMNS; i++)
    g_free (self->collate_keys[i]);
  g_clear_pointer (&self->collate_keys, g_free);
}

/* GObject */

static void
ps_socket_item_finalize (GObject *object)
{
  PsSocketItem *self = PS_SOCKET_ITEM (object);

  g_clear_pointer (&self->process, g_free);
  g_clear_pointer (&self->pid_text, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->search_text, g_free);
  clear_collate_keys (self);
  /* A closing row may hold the last reference to an old snapshot. */
  g_clear_pointer (&self->snapshot, ps_socket_list_release_snapshot);

  G_OBJECT_CLASS (ps_socket_item_parent_class)->finalize (object);
}

static void
ps_socket_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PsSocketItem *self = PS_SOCKET_ITEM (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, ps_socket_item_get_port (self));
      break;
    case PROP_PROTOCOL:
      g_value_set_string (value, ps_socket_item_get_protocol (self));
      break;
    case PROP_FAMILY:
      g_value_set_int (value, ps_socket_item_get_family (self));
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, ps_socket_item_get_address (self));
      break;
    case PROP_EXPOSURE:
      g_value_set_int (value, ps_socket_item_get_exposure (self));
      break;
    case PROP_EXPOSURE_LABEL:
      g_value_set_string (value, ps_exposure_label (ps_socket_item_get_exposure (self)));
      break;
    case PROP_EXPOSURE_ICON:
      g_value_set_string (value, ps_exposure_icon_name (ps_socket_item_get_exposure (self)));
      break;
    case PROP_PROCESS:
      g_value_set_string (value, ps_socket_item_get_process (self));
      break;
    case PROP_PID:
      g_value_set_int (value, ps_socket_item_get_pid (self));
      break;
    case PROP_PID_TEXT:
      g_value_set_string (value, ps_socket_item_get_pid_text (self));
      break;
    case PROP_USER:
      g_value_set_string (value, ps_socket_item_get_user (self));
      break;
    case PROP_UID:
      g_value_set_uint (value, ps_socket_item_get_uid (self));
      break;
    case PROP_SERVICE:
      g_value_set_string (value, ps_socket_item_get_service (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, ps_socket_item_get_state (self));
      break;
    case PROP_OWNER_HIDDEN:
      g_value_set_int (value, ps_socket_item_get_owner_hidden (self));
      break;
    case PROP_IS_NEW:
      g_value_set_boolean (value, self->is_new);
      break;
    case PROP_IS_CLOSING:
      g_value_set_boolean (value, self->is_closing);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, ps_socket_item_get_search_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_socket_item_class_init (PsSocketItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ps_socket_item_finalize;
  object_class->get_property = ps_socket_item_get_property;

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, flags);
  properties[PROP_PROTOCOL] =
    g_param_spec_string ("protocol", NULL, NULL, NULL, flags);
  properties[PROP_FAMILY] =
    g_param_spec_int ("family", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_EXPOSURE] =
    g_param_spec_int ("exposure", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_EXPOSURE_LABEL] =
    g_param_spec_string ("exposure-label", NULL, NULL, NULL, flags);
  properties[PROP_EXPOSURE_ICON] =
    g_param_spec_string ("exposure-icon", NULL, NULL, NULL, flags);
  properties[PROP_PROCESS] =
    g_param_spec_string ("process", NULL, NULL, NULL, flags);
  properties[PROP_PID] =
    g_param_spec_int ("pid", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_PID_TEXT] =
    g_param_spec_string ("pid-text", NULL, NULL, NULL, flags);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL, flags);
  properties[PROP_UID] =
    g_param_spec_uint ("uid", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SERVICE] =
    g_param_spec_string ("service", NULL, NULL, NULL, flags);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_OWNER_HIDDEN] =
    g_param_spec_int ("owner-hidden", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_IS_NEW] =
    g_param_spec_boolean ("is-new", NULL, NULL, FALSE, flags);
  properties[PROP_IS_CLOSING] =
    g_param_spec_boolean ("is-closing", NULL, NULL, FALSE, flags);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_socket_item_init (PsSocketItem *self)
{
}

PsSocketItem *
ps_socket_item_new (PsSnapshot *snapshot,
                    guint       index)
{
  PsSocketItem *self;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (index < ps_snapshot_get_n_sockets (snapshot), NULL);

  self = g_object_new (PS_TYPE_SOCKET_ITEM, NULL);
  self->snapshot = ps_snapshot_ref (snapshot);
  self->index = index;
  self->socket = ps_snapshot_get_socket (snapshot, index);
  return self;
}

const PsSocket *
ps_socket_item_get_socket (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  return self->socket;
}

PsSnapshot *
ps_socket_item_get_snapshot (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  return self->snapshot;
}

static void
swap_snapshot (PsSocketItem *self,
               PsSnapshot   *snapshot,
               guint         index)
{
  PsSnapshot *old = self->snapshot;

  self->snapshot = ps_snapshot_ref (snapshot);
  self->index = index;
  self->socket = ps_snapshot_get_socket (snapshot, index);
  ps_snapshot_unref (old);
}

void
ps_socket_item_repoint (PsSocketItem *self,
                        PsSnapshot   *snapshot,
                        guint         index)
{
  g_return_if_fail (PS_IS_SOCKET_ITEM (self));
  g_return_if_fail (snapshot != NULL);

  if (self->snapshot != snapshot)
    swap_snapshot (self, snapshot, index);
}

/* Replaces a cached string when the value derived from the new socket
 * differs; a value never computed is compared through its inputs.  Returns
 * TRUE when it changed. */
static gboolean
refresh_string (char           **cache,
                char            *fresh,
                gboolean         inputs_equal)
{
  if (*cache == NULL)
    {
      g_free (fresh);
      return !inputs_equal;
    }
  if (strcmp (*cache, fresh) == 0)
    {
      g_free (fresh);
      return FALSE;
    }
  g_free (*cache);
  *cache = fresh;
  return TRUE;
}

gboolean
ps_socket_item_update (PsSocketItem *self,
                       PsSnapshot   *snapshot,
                       guint         index)
{
  const PsSocket *old;
  const PsSocket *new;
  gboolean changed[N_PROPS] = { FALSE, };
  gboolean any = FALSE;

  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (index < ps_snapshot_get_n_sockets (snapshot), FALSE);

  old = self->socket;
  new = ps_snapshot_get_socket (snapshot, index);

  /* The steady state: nothing shown differs, only the snapshot moves on. */
  if (old == new || ps_socket_equal (old, new))
    {
      if (self->snapshot != snapshot)
        swap_snapshot (self, snapshot, index);
      return FALSE;
    }

  /* Compare while the old snapshot is still alive. */
  changed[PROP_PORT] = old->port != new->port;
  changed[PROP_PROTOCOL] = old->protocol != new->protocol;
  changed[PROP_FAMILY] = old->family != new->family;
  changed[PROP_ADDRESS] = strcmp (socket_address (old), socket_address (new)) != 0;
  changed[PROP_EXPOSURE] = ps_socket_get_exposure (old) != ps_socket_get_exposure (new);
  changed[PROP_EXPOSURE_LABEL] = changed[PROP_EXPOSURE];
  changed[PROP_EXPOSURE_ICON] = changed[PROP_EXPOSURE];
  changed[PROP_PROCESS] = refresh_string (&self->process,
                                          self->process != NULL ? compute_process (new) : NULL,
                                          process_inputs_equal (old, new));
  changed[PROP_PID] = compute_pid (old) != compute_pid (new);
  changed[PROP_PID_TEXT] = changed[PROP_PID];
  g_clear_pointer (&self->pid_text, g_free);
  changed[PROP_USER] = refresh_string (&self->user,
                                       self->user != NULL ? compute_user (new) : NULL,
                                       user_inputs_equal (old, new));
  changed[PROP_UID] = old->uid != new->uid;
  changed[PROP_STATE] = strcmp (socket_state (old), socket_state (new)) != 0;
  changed[PROP_OWNER_HIDDEN] = old->owner_hidden != new->owner_hidden;

  if (changed[PROP_PORT] || changed[PROP_PROTOCOL])
    {
      char *service = compute_service (new);

      changed[PROP_SERVICE] = g_strcmp0 (service, self->service != NULL ? self->service : "") != 0;
      g_free (self->service);
      self->service = service;
      self->service_done = TRUE;
    }

  if (self->search_text != NULL)
    changed[PROP_SEARCH_TEXT] =
      refresh_string (&self->search_text,
                      compute_search_text (new, ps_socket_item_get_service (self)),
                      TRUE);
  else
    changed[PROP_SEARCH_TEXT] = !search_inputs_equal (old, new) || changed[PROP_SERVICE];

  swap_snapshot (self, snapshot, index);

  for (guint i = PROP_0 + 1; i < N_PROPS; i++)
    any |= changed[i];
  if (!any)
    return FALSE;

  clear_collate_keys (self);
  self->port_text[0] = '\0';

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_0 + 1; i < N_PROPS; i++)
    if (changed[i])
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

guint
ps_socket_item_get_port (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return self->socket->port;
}

const char *
ps_socket_item_get_protocol (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  return socket_protocol (self->socket);
}

int
ps_socket_item_get_family (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return self->socket->family;
}

const char *
ps_socket_item_get_address (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  return socket_address (self->socket);
}

int
ps_socket_item_get_exposure (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return ps_socket_get_exposure (self->socket);
}

gint
ps_socket_item_get_pid (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return compute_pid (self->socket);
}

const char *
ps_socket_item_get_pid_text (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  if (self->pid_text == NULL)
    self->pid_text = compute_pid_text (self->socket);
  return self->pid_text;
}

const char *
ps_socket_item_get_process (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  if (self->process == NULL)
    self->process = compute_process (self->socket);
  return self->process;
}

const char *
ps_socket_item_get_user (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  if (self->user == NULL)
    self->user = compute_user (self->socket);
  return self->user;
}

guint
ps_socket_item_get_uid (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return self->socket->uid;
}

const char *
ps_socket_item_get_service (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  if (!self->service_done)
    {
      self->service = compute_service (self->socket);
      self->service_done = TRUE;
    }
  return self->service;
}

const char *
ps_socket_item_get_state (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  return socket_state (self->socket);
}

int
ps_socket_item_get_owner_hidden (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), 0);

  return self->socket->owner_hidden;
}

const char *
ps_socket_item_get_search_text (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  if (self->search_text == NULL)
    self->search_text = compute_search_text (self->socket, ps_socket_item_get_service (self));
  return self->search_text;
}

gboolean
ps_socket_item_get_is_new (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), FALSE);

  return self->is_new;
}

void
ps_socket_item_set_is_new (PsSocketItem *self,
                           gboolean      is_new)
{
  g_return_if_fail (PS_IS_SOCKET_ITEM (self));

  is_new = !!is_new;
  if (self->is_new == (guint) is_new)
    return;
  self->is_new = is_new;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEW]);
}

gboolean
ps_socket_item_get_is_closing (PsSocketItem *self)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), FALSE);

  return self->is_closing;
}

void
ps_socket_item_set_is_closing (PsSocketItem *self,
                               gboolean      is_closing)
{
  g_return_if_fail (PS_IS_SOCKET_ITEM (self));

  is_closing = !!is_closing;
  if (self->is_closing == (guint) is_closing)
    return;
  self->is_closing = is_closing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_CLOSING]);
}

const char *
ps_column_property (PsColumn column)
{
  static const char * const names[PS_N_COLUMNS] = {
    [PS_COLUMN_PORT] = "port",
    [PS_COLUMN_PROTOCOL] = "protocol",
    [PS_COLUMN_ADDRESS] = "address",
    [PS_COLUMN_EXPOSURE] = "exposure-label",
    [PS_COLUMN_PROCESS] = "process",
    [PS_COLUMN_PID] = "pid-text",
    [PS_COLUMN_USER] = "user",
    [PS_COLUMN_SERVICE] = "service",
  };

  g_return_val_if_fail (column < PS_N_COLUMNS, NULL);

  return names[column];
}

const char *
ps_socket_item_get_column_text (PsSocketItem *self,
                                PsColumn      column)
{
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (self), NULL);

  switch (column)
    {
    case PS_COLUMN_PORT:
      if (self->port_text[0] == '\0')
        g_snprintf (self->port_text, sizeof self->port_text, "%u", self->socket->port);
      return self->port_text;
    case PS_COLUMN_PROTOCOL:
      return ps_socket_item_get_protocol (self);
    case PS_COLUMN_ADDRESS:
      return ps_socket_item_get_address (self);
    case PS_COLUMN_EXPOSURE:
      return ps_exposure_label (ps_socket_item_get_exposure (self));
    case PS_COLUMN_PROCESS:
      return ps_socket_item_get_process (self);
    case PS_COLUMN_PID:
      return ps_socket_item_get_pid_text (self);
    case PS_COLUMN_USER:
      return ps_socket_item_get_user (self);
    case PS_COLUMN_SERVICE:
      return ps_socket_item_get_service (self);
    case PS_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* What GtkStringSorter (ignore-case) compares: the collation key of the
 * case-folded text. */
static const char *
collate_key (PsSocketItem *self,
             PsColumn      column)
{
  if (self->collate_keys == NULL)
    self->collate_keys = g_new0 (char *, PS_N_COLUMNS);
  if (self->collate_keys[column] == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (ps_socket_item_get_column_text (self, column), -1);

      self->collate_keys[column] = g_utf8_collate_key (folded, -1);
    }
  return self->collate_keys[column];
}

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

int
ps_socket_item_compare (PsSocketItem *a,
                        PsSocketItem *b,
                        PsColumn      column)
{
  int r;

  g_return_val_if_fail (PS_IS_SOCKET_ITEM (a), 0);
  g_return_val_if_fail (PS_IS_SOCKET_ITEM (b), 0);

  switch (column)
    {
    case PS_COLUMN_PORT:
      return CMP (a->socket->port, b->socket->port);
    case PS_COLUMN_EXPOSURE:
      return CMP (ps_socket_get_exposure (a->socket), ps_socket_get_exposure (b->socket));
    case PS_COLUMN_PID:
      return CMP (compute_pid (a->socket), compute_pid (b->socket));
    case PS_COLUMN_PROTOCOL:
    case PS_COLUMN_ADDRESS:
    case PS_COLUMN_PROCESS:
    case PS_COLUMN_USER:
    case PS_COLUMN_SERVICE:
      r = strcmp (collate_key (a, column), collate_key (b, column));
      return CMP (r, 0);
    case PS_N_COLUMNS:
    default:
      g_return_val_if_reached (0);
    }
}

#undef CMP

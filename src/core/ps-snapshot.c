/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "ps-list-format.h"
#include "ps-snapshot.h"
#include "ps-utext.h"

/* Owners and snapshots live in GLib's atomic refcounted boxes: the public
 * structs stay plain, the count is hidden in front of them. */

static void
ps_owner_clear (PsOwner *owner)
{
  g_clear_pointer (&owner->name, g_free);
  g_clear_pointer (&owner->argv, g_strfreev);
  g_clear_pointer (&owner->exe, g_free);
  g_clear_pointer (&owner->cwd, g_free);
  g_clear_pointer (&owner->user, g_free);
  g_clear_pointer (&owner->unit, g_free);
  g_clear_pointer (&owner->container, g_free);
}

G_DEFINE_BOXED_TYPE (PsOwner, ps_owner, ps_owner_ref, ps_owner_unref)

PsOwner *
ps_owner_new (void)
{
  PsOwner *owner = g_atomic_rc_box_new0 (PsOwner);

  owner->argv = g_new0 (char *, 1);
  return owner;
}

PsOwner *
ps_owner_ref (PsOwner *owner)
{
  g_return_val_if_fail (owner != NULL, NULL);

  return g_atomic_rc_box_acquire (owner);
}

void
ps_owner_unref (PsOwner *owner)
{
  g_return_if_fail (owner != NULL);

  g_atomic_rc_box_release_full (owner, (GDestroyNotify) ps_owner_clear);
}

static gboolean
strv_equal_nullable (char * const *a,
                     char * const *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    {
      /* NULL and an empty vector mean the same: nothing readable. */
      char * const *other = a != NULL ? a : b;
      return other[0] == NULL;
    }
  for (; *a != NULL && *b != NULL; a++, b++)
    if (strcmp (*a, *b) != 0)
      return FALSE;
  return *a == NULL && *b == NULL;
}

gboolean
ps_owner_equal (const PsOwner *a,
                const PsOwner *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;

  return a->pid == b->pid &&
         a->ppid == b->ppid &&
         a->uid == b->uid &&
         a->start_time == b->start_time &&
         a->state == b->state &&
         a->user_unit == b->user_unit &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->exe, b->exe) == 0 &&
         g_strcmp0 (a->cwd, b->cwd) == 0 &&
         g_strcmp0 (a->user, b->user) == 0 &&
         g_strcmp0 (a->unit, b->unit) == 0 &&
         g_strcmp0 (a->container, b->container) == 0 &&
         strv_equal_nullable (a->argv, b->argv);
}

char **
ps_owner_argv_from_cmdline (const char *cmdline,
                            gsize       len)
{
  /* malloc'ed: g_strfreev() frees it (GLib uses the system allocator). */
  return ps_utext_argv_from_cmdline (cmdline, len);
}

char *
ps_owner_dup_command_line (const PsOwner *owner)
{
  g_return_val_if_fail (owner != NULL, NULL);

  if (owner->argv == NULL)
    return g_strdup ("");
  return g_strjoinv (" ", owner->argv);
}

/* Snapshot */

struct _PsSnapshot
{
  GPtrArray *sockets;       /* of PsSocket*, individually allocated: pointers stay valid */
  gint64 timestamp;
  char *source;
  gboolean owners_complete;
};

static void
ps_socket_free (PsSocket *socket)
{
  g_free (socket->user);
  g_free (socket->address_text);
  g_clear_pointer (&socket->owners, g_ptr_array_unref);
  g_free (socket);
}

static void
ps_snapshot_clear (PsSnapshot *self)
{
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->source, g_free);
}

G_DEFINE_BOXED_TYPE (PsSnapshot, ps_snapshot, ps_snapshot_ref, ps_snapshot_unref)

PsSnapshot *
ps_snapshot_new (void)
{
  PsSnapshot *self = g_atomic_rc_box_new0 (PsSnapshot);

  self->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_socket_free);
  self->source = g_strdup ("netlink");
  self->owners_complete = TRUE;
  return self;
}

PsSnapshot *
ps_snapshot_ref (PsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ps_snapshot_unref (PsSnapshot *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) ps_snapshot_clear);
}

PsSocket *
ps_snapshot_add (PsSnapshot *self)
{
  PsSocket *socket;

  g_return_val_if_fail (self != NULL, NULL);

  socket = g_new0 (PsSocket, 1);
  socket->owners = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_owner_unref);
  g_ptr_array_add (self->sockets, socket);
  return socket;
}

static int
compare_socket_ptrs (gconstpointer a,
                     gconstpointer b)
{
  return ps_socket_compare (*(const PsSocket * const *) a,
                            *(const PsSocket * const *) b);
}

void
ps_snapshot_sort (PsSnapshot *self)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_sort (self->sockets, compare_socket_ptrs);

  /* Keys must be unique for find and diff.  A kernel dump resumed while
   * sockets come and go can list one socket twice: keep the first. */
  if (self->sockets->len > 1)
    {
      guint kept = 1;

      for (guint i = 1; i < self->sockets->len; i++)
        {
          PsSocket *socket = g_ptr_array_index (self->sockets, i);

          if (ps_socket_compare (g_ptr_array_index (self->sockets, kept - 1), socket) == 0)
            {
              ps_socket_free (socket);
              continue;
            }
          g_ptr_array_index (self->sockets, kept++) = socket;
        }
      if (kept < self->sockets->len)
        {
          g_debug ("Dropped %u repeated sockets from a scan", self->sockets->len - kept);
          /* The dropped ones are freed already: shrink without the free func. */
          g_ptr_array_set_free_func (self->sockets, NULL);
          g_ptr_array_set_size (self->sockets, kept);
          g_ptr_array_set_free_func (self->sockets, (GDestroyNotify) ps_socket_free);
        }
    }
}

guint
ps_snapshot_get_n_sockets (const PsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->sockets->len;
}

const PsSocket *
ps_snapshot_get_socket (const PsSnapshot *self,
                        guint             i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->sockets->len, NULL);

  return g_ptr_array_index (self->sockets, i);
}

gint
ps_snapshot_find (const PsSnapshot *self,
                  const PsSocket   *key)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (key != NULL, -1);

  hi = self->sockets->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = ps_socket_compare (g_ptr_array_index (self->sockets, mid), key);

      if (cmp == 0)
        return (gint) mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

gint64
ps_snapshot_get_timestamp (const PsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->timestamp;
}

void
ps_snapshot_set_timestamp (PsSnapshot *self,
                           gint64      timestamp)
{
  g_return_if_fail (self != NULL);

  self->timestamp = timestamp;
}

guint
ps_snapshot_get_n_hidden (const PsSnapshot *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      const PsSocket *socket = g_ptr_array_index (self->sockets, i);

      if (socket->owner_hidden != PS_OWNER_VISIBLE)
        n++;
    }
  return n;
}

gboolean
ps_snapshot_get_owners_complete (const PsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->owners_complete;
}

void
ps_snapshot_set_owners_complete (PsSnapshot *self,
                                 gboolean    complete)
{
  g_return_if_fail (self != NULL);

  self->owners_complete = !!complete;
}

const char *
ps_snapshot_get_source (const PsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source;
}

void
ps_snapshot_set_source (PsSnapshot *self,
                        const char *source)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (source != NULL);

  if (g_strcmp0 (self->source, source) == 0)
    return;
  g_free (self->source);
  self->source = g_strdup (source);
}

#define CMP(x, y) G_STMT_START { if ((x) != (y)) return (x) < (y) ? -1 : 1; } G_STMT_END

int
ps_socket_compare (const PsSocket *a,
                   const PsSocket *b)
{
  int r;

  CMP (a->protocol, b->protocol);
  CMP (a->family, b->family);
  r = memcmp (a->address, b->address, sizeof a->address);
  if (r != 0)
    return r < 0 ? -1 : 1;
  CMP (a->port, b->port);
  CMP (a->inode, b->inode);
  r = memcmp (a->remote_address, b->remote_address, sizeof a->remote_address);
  if (r != 0)
    return r < 0 ? -1 : 1;
  CMP (a->remote_port, b->remote_port);
  return 0;
}

#undef CMP

static gboolean
owners_equal (const GPtrArray *a,
              const GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!ps_owner_equal (g_ptr_array_index ((GPtrArray *) a, i),
                         g_ptr_array_index ((GPtrArray *) b, i)))
      return FALSE;
  return TRUE;
}

gboolean
ps_socket_equal (const PsSocket *a,
                 const PsSocket *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return ps_socket_compare (a, b) == 0 &&
         a->state == b->state &&
         a->v6only == b->v6only &&
         a->ifindex == b->ifindex &&
         a->uid == b->uid &&
         a->owner_hidden == b->owner_hidden &&
         g_strcmp0 (a->user, b->user) == 0 &&
         g_strcmp0 (a->address_text, b->address_text) == 0 &&
         owners_equal (a->owners, b->owners);
}

/* Diff */

PsSnapshotDiff *
ps_snapshot_diff (const PsSnapshot *old,
                  const PsSnapshot *new_)
{
  PsSnapshotDiff *diff;
  guint n_old;
  guint n_new;
  guint i = 0;
  guint j = 0;

  g_return_val_if_fail (new_ != NULL, NULL);

  diff = g_new0 (PsSnapshotDiff, 1);
  diff->added = g_array_new (FALSE, FALSE, sizeof (guint));
  diff->removed = g_array_new (FALSE, FALSE, sizeof (guint));
  diff->changed_old = g_array_new (FALSE, FALSE, sizeof (guint));
  diff->changed_new = g_array_new (FALSE, FALSE, sizeof (guint));

  /* A scanner returns the same snapshot again when nothing changed (the
   * steady state): nothing to compare. */
  if (old == new_)
    return diff;

  n_old = old != NULL ? old->sockets->len : 0;
  n_new = new_->sockets->len;

  while (i < n_old || j < n_new)
    {
      int cmp;

      if (i == n_old)
        cmp = 1;
      else if (j == n_new)
        cmp = -1;
      else
        cmp = ps_socket_compare (g_ptr_array_index (old->sockets, i),
                                 g_ptr_array_index (new_->sockets, j));

      if (cmp < 0)
        {
          g_array_append_val (diff->removed, i);
          i++;
        }
      else if (cmp > 0)
        {
          g_array_append_val (diff->added, j);
          j++;
        }
      else
        {
          if (!ps_socket_equal (g_ptr_array_index (old->sockets, i),
                                g_ptr_array_index (new_->sockets, j)))
            {
              g_array_append_val (diff->changed_old, i);
              g_array_append_val (diff->changed_new, j);
            }
          i++;
          j++;
        }
    }

  return diff;
}

void
ps_snapshot_diff_free (PsSnapshotDiff *diff)
{
  if (diff == NULL)
    return;
  g_array_unref (diff->added);
  g_array_unref (diff->removed);
  g_array_unref (diff->changed_old);
  g_array_unref (diff->changed_new);
  g_free (diff);
}

gboolean
ps_snapshot_diff_is_empty (const PsSnapshotDiff *diff)
{
  g_return_val_if_fail (diff != NULL, TRUE);

  return diff->added->len == 0 &&
         diff->removed->len == 0 &&
         diff->changed_old->len == 0;
}

/* The names are those of the shared text writers (ps-list-format.h). */
const char *
ps_protocol_to_string (PsProtocol protocol)
{
  return ps_list_protocol_name (protocol);
}

const char *
ps_family_to_string (int family)
{
  return ps_list_family_name (family);
}

const char *
ps_socket_state_to_string (guint8 state)
{
  return ps_list_tcp_state_name (state);
}

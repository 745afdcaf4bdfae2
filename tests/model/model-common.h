/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the model tests and the apply benchmark: synthetic
 * snapshots, a main-loop wait with a deadline, a shuffle, and a mirror of a
 * list model. */
#pragma once

#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include <glib.h>
#include <gio/gio.h>

#include "ps-snapshot.h"

G_BEGIN_DECLS

/* Returns a new owner (refcount 1) with PID, NAME and a one-word argv. */
static inline PsOwner *
model_owner_new (gint32      pid,
                 const char *name)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = pid;
  owner->ppid = 1;
  owner->uid = 1000;
  owner->start_time = 4242 + (guint64) pid;
  owner->state = 'S';
  owner->name = g_strdup (name);
  g_strfreev (owner->argv);
  owner->argv = g_new0 (char *, 3);
  owner->argv[0] = g_strdup_printf ("/usr/bin/%s", name);
  owner->argv[1] = g_strdup ("--serve");
  owner->user = g_strdup ("alice");
  return owner;
}

/* Appends a listening TCP socket on 127.0.0.1:PORT (inode = PORT) owned by
 * OWNER (nullable: no owner; a reference is taken).  Returns it for tweaks. */
static inline PsSocket *
model_add_socket (PsSnapshot *snapshot,
                  guint       port,
                  PsOwner    *owner)
{
  PsSocket *socket = ps_snapshot_add (snapshot);

  socket->protocol = PS_PROTOCOL_TCP;
  socket->family = AF_INET;
  socket->state = TCP_LISTEN;
  socket->port = (guint16) port;
  socket->address[0] = 127;
  socket->address[3] = 1;
  socket->inode = port;
  socket->cookie = port;
  socket->uid = 1000;
  socket->user = g_strdup ("alice");
  socket->address_text = g_strdup ("127.0.0.1");
  socket->owner_hidden = PS_OWNER_VISIBLE;
  if (owner != NULL)
    g_ptr_array_add (socket->owners, ps_owner_ref (owner));
  return socket;
}

typedef gboolean (*ModelCondition) (gpointer data);

static inline gboolean
model_deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static inline gboolean
model_poll_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until CONDITION holds or TIMEOUT_MS
 * passes; returns whether it holds.  A 5 ms wake-up re-checks conditions
 * that change on another thread (a worker dropping its last reference). */
static inline gboolean
model_wait_until (ModelCondition condition,
                  gpointer       data,
                  guint          timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, model_deadline_cb, &expired);
  guint poll_id = g_timeout_add (5, model_poll_cb, NULL);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  g_source_remove (poll_id);
  return condition (data);
}

/* Iterates the default main context for MS milliseconds (to show that
 * something does NOT happen within a bound). */
static inline void
model_spin_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, model_deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* Puts ITEMS in a random order (Fisher-Yates). */
static inline void
model_shuffle (GPtrArray *items,
               GRand     *rand)
{
  for (guint k = 0; k + 1 < items->len; k++)
    {
      guint other = g_rand_int_range (rand, k, items->len);
      gpointer swap = items->pdata[k];

      items->pdata[k] = items->pdata[other];
      items->pdata[other] = swap;
    }
}

/* What a GListModel holds, kept from its items-changed signals alone, reading
 * the new items while each signal is emitted (as a list view does).  A
 * signal that does not fit what came before fails an assertion. */
typedef struct
{
  GPtrArray *items;
  GListModel *model;
} ModelMirror;

static inline void
model_mirror_items_changed (GListModel  *model,
                            guint        position,
                            guint        removed,
                            guint        added,
                            ModelMirror *m)
{
  g_assert_cmpuint (position + removed, <=, m->items->len);
  g_ptr_array_remove_range (m->items, position, removed);
  for (guint k = 0; k < added; k++)
    {
      gpointer item = g_list_model_get_item (model, position + k);

      g_assert_nonnull (item);
      g_ptr_array_insert (m->items, position + k, item);
    }
  g_assert_cmpuint (m->items->len, ==, g_list_model_get_n_items (model));
}

/* Starts mirroring MODEL (not referenced), which must be empty. */
static inline void
model_mirror_init (ModelMirror *m,
                   GListModel  *model)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  m->items = g_ptr_array_new_with_free_func (g_object_unref);
  m->model = model;
  g_signal_connect (model, "items-changed", G_CALLBACK (model_mirror_items_changed), m);
}

static inline void
model_mirror_clear (ModelMirror *m)
{
  g_signal_handlers_disconnect_by_func (m->model, model_mirror_items_changed, m);
  g_clear_pointer (&m->items, g_ptr_array_unref);
}

G_END_DECLS

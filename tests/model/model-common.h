/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the model tests and the apply benchmark: synthetic
 * snapshots and a main-loop wait with a deadline. */
#pragma once

#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include <glib.h>

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

G_END_DECLS

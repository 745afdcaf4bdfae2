/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole scan as a SCAN_REPLY message (moved here from the helper, which
 * serves it, so that `portscope --list` prints the very same scan). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ps-procinfo.h"
#include "ps-scan.h"
#include "ps-users.h"

_Static_assert (sizeof (PsWireSocket) >= sizeof (PsProbeSocket),
                "a reply record widens the dump's record in place");

static char *
dup_or_null (const char *s)
{
  return s != NULL ? strdup (s) : NULL;
}

/* Adds PID's facts to REPLY unless already there.  Returns 0 or -ENOMEM;
 * a process that vanished is simply left out. */
static int
add_process (const char    *proc_root,
             PsWireMessage *reply,
             size_t        *cap,
             int32_t        pid)
{
  PsProcInfo info;
  PsWireProcess *p;

  if (ps_wire_message_find_process (reply, pid) != NULL)
    return 0;

  memset (&info, 0, sizeof info);
  if (ps_proc_info_read (proc_root, pid, &info) < 0)
    {
      ps_proc_info_clear (&info);
      return 0;
    }

  if (reply->n_processes == *cap)
    {
      size_t new_cap = *cap ? *cap * 2 : 16;
      PsWireProcess *procs = realloc (reply->processes, new_cap * sizeof *procs);

      if (procs == NULL)
        {
          ps_proc_info_clear (&info);
          return -ENOMEM;
        }
      reply->processes = procs;
      *cap = new_cap;
    }
  p = &reply->processes[reply->n_processes++];
  memset (p, 0, sizeof *p);
  p->pid = info.pid;
  p->ppid = info.ppid;
  p->uid = info.uid;
  p->start_time = info.start_time;
  p->state = info.state;
  p->kernel_thread = info.kernel_thread != 0;
  p->user_unit = info.cgroup.user_unit != 0;
  info.comm[sizeof info.comm - 1] = '\0';
  p->comm = strdup (info.comm);
  if (info.cmdline != NULL && info.cmdline_len > 0)
    {
      p->cmdline = malloc (info.cmdline_len);
      if (p->cmdline != NULL)
        {
          memcpy (p->cmdline, info.cmdline, info.cmdline_len);
          p->cmdline_len = info.cmdline_len;
        }
    }
  p->exe = dup_or_null (info.exe);
  p->cwd = dup_or_null (info.cwd);
  p->unit = dup_or_null (info.cgroup.unit);
  p->container = dup_or_null (info.cgroup.container);
  ps_proc_info_clear (&info);
  return 0;
}

/* Adds UID's name to REPLY unless already there or unknown. */
static int
add_user (PsWireMessage     *reply,
          size_t            *cap,
          const PsUserTable *users,
          uint32_t           uid)
{
  const char *name;

  if (users == NULL || ps_wire_message_find_user (reply, uid) != NULL)
    return 0;
  name = ps_user_table_lookup (users, uid);
  if (name == NULL)
    return 0;
  if (reply->n_users == *cap)
    {
      size_t new_cap = *cap ? *cap * 2 : 8;
      PsWireUser *u = realloc (reply->users, new_cap * sizeof *u);

      if (u == NULL)
        return -ENOMEM;
      reply->users = u;
      *cap = new_cap;
    }
  reply->users[reply->n_users].uid = uid;
  reply->users[reply->n_users].name = strdup (name);
  if (reply->users[reply->n_users].name == NULL)
    return -ENOMEM;
  reply->n_users++;
  return 0;
}

int
ps_scan_build_reply (PsOwnerTracker **tracker,
                     const char      *proc_root,
                     uint32_t         flags,
                     PsWireMessage   *reply)
{
  PsProbeSocketArray sockets = { 0 };
  PsProbeSource source = PS_PROBE_SOURCE_NETLINK;
  PsOwnerStats stats = { 0 };
  PsUserTable *users = NULL;
  unsigned probe_flags = PS_PROBE_UDP | PS_PROBE_IPV4 | PS_PROBE_IPV6;
  int have_owners = 0;
  size_t proc_cap = 0, user_cap = 0;
  int r;

  probe_flags |= (flags & PS_WIRE_SCAN_CONNECTIONS) ? PS_PROBE_TCP_ALL : PS_PROBE_TCP_LISTEN;
  r = ps_probe_dump_sockets (probe_flags, &sockets, &source);
  if (r < 0)
    goto out;

  if (!(flags & PS_WIRE_SCAN_NO_OWNERS))
    {
      if (*tracker == NULL)
        *tracker = ps_owner_tracker_new (proc_root);
      if (*tracker != NULL
          && ps_owner_tracker_update (*tracker, &sockets,
                                      (flags & PS_WIRE_SCAN_FULL_WALK) != 0, &stats) == 0)
        have_owners = 1;
    }

  /* Read at every scan: the helper lives for a whole session. */
  users = ps_user_table_load (NULL);

  reply->type = PS_WIRE_MSG_SCAN_REPLY;
  reply->flags = have_owners ? PS_WIRE_REPLY_OWNERS_COMPLETE : 0;
  reply->source = source;
  reply->full_walks = stats.full_walks;
  reply->partial_walks = stats.partial_walks;
  reply->pids_denied = stats.pids_denied;
  reply->pids_scanned = stats.pids_scanned;
  if (sockets.len > 0)
    {
      /* The reply's records take the dump's memory: each widens in place,
       * from the last to the first (record I moves from I * sizeof
       * (PsProbeSocket) to I * sizeof (PsWireSocket) bytes, never onto one
       * not yet moved).  At 20,000 sockets this spares a second array of
       * 1.7 MB: `portscope --list` peaks below ss. */
      PsWireSocket *records = realloc (sockets.items, sockets.len * sizeof *records);

      if (records == NULL)
        {
          r = -ENOMEM;
          goto out;
        }
      for (size_t i = sockets.len; i-- > 0;)
        {
          PsProbeSocket socket;

          memcpy (&socket, (const char *) records + i * sizeof socket, sizeof socket);
          records[i].socket = socket;
          records[i].owners = NULL;
          records[i].n_owners = 0;
        }
      reply->sockets = records;
      reply->n_sockets = sockets.len;
      memset (&sockets, 0, sizeof sockets);
    }

  for (size_t i = 0; i < reply->n_sockets; i++)
    {
      PsWireSocket *ws = &reply->sockets[i];
      const int32_t *pids = NULL;
      size_t n_pids = 0;

      if ((r = add_user (reply, &user_cap, users, ws->socket.uid)) < 0)
        goto out;
      if (!have_owners || ws->socket.inode == 0)
        continue;

      n_pids = ps_owner_tracker_lookup (*tracker, ws->socket.inode, &pids);
      if (n_pids == 0)
        continue;
      ws->owners = calloc (n_pids, sizeof *ws->owners);
      if (ws->owners == NULL)
        {
          r = -ENOMEM;
          goto out;
        }
      for (size_t k = 0; k < n_pids; k++)
        {
          if ((r = add_process (proc_root, reply, &proc_cap, pids[k])) < 0)
            goto out;
          /* Only owners whose facts could be read: the others exited. */
          if (ps_wire_message_find_process (reply, pids[k]) != NULL)
            ws->owners[ws->n_owners++] = pids[k];
        }
    }
  for (size_t i = 0; i < reply->n_processes; i++)
    if ((r = add_user (reply, &user_cap, users, reply->processes[i].uid)) < 0)
      goto out;
  r = 0;

out:
  ps_probe_socket_array_clear (&sockets);
  ps_user_table_free (users);
  return r;
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

int
ps_probe_socket_compare (const PsProbeSocket *a,
                         const PsProbeSocket *b)
{
  int r;

  CMP (a->protocol, b->protocol);
  CMP (a->family, b->family);
  r = memcmp (a->local_addr, b->local_addr, sizeof a->local_addr);
  if (r != 0)
    return r < 0 ? -1 : 1;
  CMP (a->local_port, b->local_port);
  CMP (a->inode, b->inode);
  r = memcmp (a->remote_addr, b->remote_addr, sizeof a->remote_addr);
  if (r != 0)
    return r < 0 ? -1 : 1;
  CMP (a->remote_port, b->remote_port);
  return 0;
}

#undef CMP

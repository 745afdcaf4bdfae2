/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ps-owners.h"
#include "ps-procinfo.h"
#include "ps-sandbox.h"
#include "ps-scanner.h"
#include "ps-sockets.h"
#include "ps-users.h"

/* Facts of an owner are re-read in full at most this often (µs) while its
 * identity and name stay the same: a server may setuid() or chdir() after
 * binding without exec'ing. */
#define FACTS_MAX_AGE_USEC (10 * G_USEC_PER_SEC)

/* An owner's identity and state (one read of stat) are checked again about
 * this often; a PID that died while a child keeps its socket is noticed then.
 * Each PID gets its own period between ½× and 1½× these, so that the reads
 * spread over refreshes instead of coming all at once. */
#define VALIDATE_PERIOD_USEC (4 * G_USEC_PER_SEC)

/* At most this many owners are validated (stat) or re-read in full (details)
 * per scan, beyond a fraction of the owners: the rest wait for the next one. */
#define VALIDATE_MIN_BUDGET 16
#define REREAD_MIN_BUDGET 4

/* From this many sockets in the last dump, dump UDP on a second thread
 * while TCP is dumped (ps_netlink_dump's PS_PROBE_PARALLEL): below, the
 * thread (~0.1-0.3 ms of CPU) costs more than the UDP part it hides
 * (measured at 2,000 sockets: 0.2 ms less wall time, 0.25 ms more CPU). */
#define PARALLEL_DUMP_MIN_SOCKETS 10000

typedef struct
{
  PsOwner *owner;           /* immutable, shared with snapshots */
  gint64 read_at;           /* monotonic µs of the full read */
  gint64 validated_at;      /* monotonic µs of the last stat check (or full read) */
  guint generation;         /* scan that last used it */
} CachedFacts;

struct _PsScanner
{
  PsOwnerTracker *tracker;
  char *proc_root;          /* NULL: /proc */
  GHashTable *facts;        /* pid -> CachedFacts* */
  guint generation;

  PsUserTable *users;
  char *passwd_path;
  struct stat passwd_stat;
  gboolean passwd_stat_valid;

  gboolean in_flatpak;
  uid_t euid;

  /* The last snapshot with owners and what it was built from: a scan whose
   * dump is the same, with no walk and no owner change, returns it again. */
  PsSnapshot *previous;
  PsProbeSocketArray previous_dump;
  PsProbeSocketArray spare_dump;  /* empty, its memory kept for the next dump */
  PsScanFlags previous_flags;
  PsProbeSource previous_source;
  GArray *previous_inodes;  /* sorted guint64: to tell new sockets */
  gboolean users_reloaded;  /* by this scan */
  gboolean owners_dirty;    /* this scan changed a cached owner or the tracker */
};

static void
cached_facts_free (CachedFacts *cached)
{
  g_clear_pointer (&cached->owner, ps_owner_unref);
  g_free (cached);
}

PsScanner *
ps_scanner_new (void)
{
  PsScanner *self = g_new0 (PsScanner, 1);
  const char *passwd = g_getenv ("PORTSCOPE_PASSWD");

  self->proc_root = g_strdup (g_getenv ("PORTSCOPE_PROC_ROOT"));
  self->facts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cached_facts_free);
  self->passwd_path = g_strdup (passwd != NULL && *passwd != '\0' ? passwd : "/etc/passwd");
  self->in_flatpak = ps_sandbox_is_flatpak ();
  self->euid = geteuid ();
  return self;
}

void
ps_scanner_free (PsScanner *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->tracker, ps_owner_tracker_free);
  g_clear_pointer (&self->facts, g_hash_table_unref);
  g_clear_pointer (&self->users, ps_user_table_free);
  g_clear_pointer (&self->previous, ps_snapshot_unref);
  g_clear_pointer (&self->previous_inodes, g_array_unref);
  ps_probe_socket_array_clear (&self->previous_dump);
  ps_probe_socket_array_clear (&self->spare_dump);
  g_free (self->passwd_path);
  g_free (self->proc_root);
  g_free (self);
}

/* Reloads the user table when the passwd file changed (or on first use). */
static void
ps_scanner_update_users (PsScanner *self)
{
  struct stat st;
  gboolean have_stat = stat (self->passwd_path, &st) == 0;

  if (self->users != NULL)
    {
      if (!have_stat && !self->passwd_stat_valid)
        return;
      if (have_stat && self->passwd_stat_valid &&
          st.st_ino == self->passwd_stat.st_ino &&
          st.st_dev == self->passwd_stat.st_dev &&
          st.st_size == self->passwd_stat.st_size &&
          st.st_mtim.tv_sec == self->passwd_stat.st_mtim.tv_sec &&
          st.st_mtim.tv_nsec == self->passwd_stat.st_mtim.tv_nsec)
        return;
    }

  g_clear_pointer (&self->users, ps_user_table_free);
  self->users = ps_user_table_load (self->passwd_path);
  self->passwd_stat_valid = have_stat;
  if (have_stat)
    self->passwd_stat = st;
  /* Users' names changed: re-read every owner's facts. */
  g_hash_table_remove_all (self->facts);
  self->users_reloaded = TRUE;
}

static const char *
ps_scanner_lookup_user (PsScanner *self,
                        guint32    uid)
{
  if (self->users == NULL)
    return NULL;
  return ps_user_table_lookup (self->users, uid);
}

static PsOwner *
owner_from_info (PsScanner        *self,
                 const PsProcInfo *info)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = info->pid;
  owner->ppid = info->ppid;
  owner->uid = info->uid;
  owner->start_time = info->start_time;
  owner->state = info->state;
  owner->name = g_strndup (info->comm, sizeof info->comm);
  g_strfreev (owner->argv);
  owner->argv = ps_owner_argv_from_cmdline (info->cmdline, info->cmdline_len);
  owner->exe = g_strdup (info->exe);
  owner->cwd = g_strdup (info->cwd);
  owner->user = g_strdup (ps_scanner_lookup_user (self, info->uid));
  owner->unit = g_strdup (info->cgroup.unit);
  owner->user_unit = info->cgroup.user_unit != 0;
  owner->container = g_strdup (info->cgroup.container);
  return owner;
}

static PsOwner *
owner_copy_with_state (const PsOwner *src,
                       char           state,
                       gint32         ppid)
{
  PsOwner *owner = ps_owner_new ();

  owner->pid = src->pid;
  owner->ppid = ppid;
  owner->uid = src->uid;
  owner->start_time = src->start_time;
  owner->state = state;
  owner->name = g_strdup (src->name);
  g_strfreev (owner->argv);
  owner->argv = g_strdupv (src->argv);
  owner->exe = g_strdup (src->exe);
  owner->cwd = g_strdup (src->cwd);
  owner->user = g_strdup (src->user);
  owner->unit = g_strdup (src->unit);
  owner->user_unit = src->user_unit;
  owner->container = g_strdup (src->container);
  return owner;
}

/* Running, sleeping, disk wait and idle are one "alive" state for display:
 * a busy server flips between them every scan and must not look changed. */
static gboolean
states_equivalent (char a,
                   char b)
{
  static const char alive[] = "RSDIW";

  if (a == b)
    return TRUE;
  return a != '\0' && b != '\0' && strchr (alive, a) != NULL && strchr (alive, b) != NULL;
}

/* PID is gone (or unreadable): drop its facts, and when it has exited let the
 * tracker look again for the sockets it held, so a socket left to a child by
 * a daemon that forked and exited finds its new owner at the next scan. */
static void
ps_scanner_forget_dead_pid (PsScanner *self,
                            gint32     pid,
                            int        error)
{
  g_hash_table_remove (self->facts, GINT_TO_POINTER (pid));
  if (self->tracker != NULL && (error == -ESRCH || error == -ENOENT))
    ps_owner_tracker_forget_pid (self->tracker, pid);
  self->owners_dirty = TRUE;
}

/* A per-PID factor in [512, 1536) / 1024: spreads the periods. */
static gint64
spread_period (gint32 pid,
               gint64 period)
{
  guint32 h = (guint32) pid * 2654435761u;

  return period / 2 + (period * (gint64) (h >> 22)) / 1024;
}

static gboolean
cached_is_due (const CachedFacts *cached,
               gint32             pid,
               gint64             now)
{
  return now - cached->validated_at >= spread_period (pid, VALIDATE_PERIOD_USEC);
}

static gboolean
cached_details_due (const CachedFacts *cached,
                    gint32             pid,
                    gint64             now)
{
  return now - cached->read_at >= spread_period (pid, FACTS_MAX_AGE_USEC);
}

/* Checks CACHED against one read of PID's stat.  Returns TRUE when it is
 * still the same process (CACHED then holds its current state), FALSE when
 * the PID is gone (forgotten) or is another program now (caller re-reads). */
static gboolean
ps_scanner_check_cached (PsScanner   *self,
                         gint32       pid,
                         CachedFacts *cached,
                         gint64       now)
{
  PsProcStat st;
  int r = ps_proc_read_stat (self->proc_root, pid, &st);

  if (r < 0)
    {
      ps_scanner_forget_dead_pid (self, pid, r);
      return FALSE;
    }
  if (st.start_time != cached->owner->start_time ||
      strncmp (st.comm, cached->owner->name, sizeof st.comm) != 0)
    return FALSE;
  if (!states_equivalent (st.state, cached->owner->state) ||
      st.ppid != cached->owner->ppid)
    {
      PsOwner *updated = owner_copy_with_state (cached->owner, st.state, st.ppid);

      ps_owner_unref (cached->owner);
      cached->owner = updated;
      self->owners_dirty = TRUE;
    }
  cached->validated_at = now;
  return TRUE;
}

/* Reads everything about PID into the cache.  Returns the entry, or NULL
 * when PID is gone (forgotten). */
static CachedFacts *
ps_scanner_read_facts (PsScanner *self,
                       gint32     pid,
                       gint64     now)
{
  CachedFacts *cached;
  PsProcInfo info;
  int r;

  memset (&info, 0, sizeof info);
  r = ps_proc_info_read (self->proc_root, pid, &info);
  if (r < 0)
    {
      ps_proc_info_clear (&info);
      ps_scanner_forget_dead_pid (self, pid, r);
      return NULL;
    }
  cached = g_new0 (CachedFacts, 1);
  cached->owner = owner_from_info (self, &info);
  ps_proc_info_clear (&info);
  cached->read_at = now;
  cached->validated_at = now;
  cached->generation = self->generation;
  g_hash_table_replace (self->facts, GINT_TO_POINTER (pid), cached);
  return cached;
}

/* Brings a bounded slice of the cached owners up to date: a stat check for
 * those whose check is due, a full re-read for those whose details are
 * (a server may setuid() or chdir() after binding without exec'ing).  Sets
 * owners_dirty when anything shown changed. */
static void
ps_scanner_validate_some (PsScanner *self,
                          gint64     now)
{
  guint n = g_hash_table_size (self->facts);
  guint check_budget = MAX (VALIDATE_MIN_BUDGET, n / 8);
  guint reread_budget = MAX (REREAD_MIN_BUDGET, n / 32);
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint32));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->facts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint32 pid = GPOINTER_TO_INT (key);

      if (cached_is_due (value, pid, now) || cached_details_due (value, pid, now))
        g_array_append_val (due, pid);
    }

  /* The table may change below (dead PIDs, re-reads): PIDs, not entries. */
  for (guint i = 0; i < due->len && (check_budget > 0 || reread_budget > 0); i++)
    {
      gint32 pid = g_array_index (due, gint32, i);
      CachedFacts *cached = g_hash_table_lookup (self->facts, GINT_TO_POINTER (pid));

      if (cached == NULL)
        continue;
      if (cached_details_due (cached, pid, now))
        {
          PsOwner *old;

          if (reread_budget == 0)
            continue;
          reread_budget--;
          old = ps_owner_ref (cached->owner);
          cached = ps_scanner_read_facts (self, pid, now);
          if (cached != NULL && !ps_owner_equal (old, cached->owner))
            self->owners_dirty = TRUE;
          ps_owner_unref (old);
        }
      else if (check_budget > 0)
        {
          check_budget--;
          if (!ps_scanner_check_cached (self, pid, cached, now) &&
              g_hash_table_contains (self->facts, GINT_TO_POINTER (pid)))
            {
              /* Another program under the same PID: read it all at once. */
              g_hash_table_remove (self->facts, GINT_TO_POINTER (pid));
              self->owners_dirty = TRUE;
            }
        }
    }
}

/* Returns a new reference to PID's owner record, or NULL when it is gone.
 * Cached records are used as they are (ps_scanner_validate_some() keeps
 * them current), except for the owners of a socket new since the last scan
 * (VERIFY): one read of stat first, same start time (the identity) and same
 * comm (no exec since) reuse them. */
static PsOwner *
ps_scanner_get_owner (PsScanner *self,
                      gint32     pid,
                      gboolean   verify,
                      gint64     now)
{
  CachedFacts *cached = g_hash_table_lookup (self->facts, GINT_TO_POINTER (pid));

  if (cached != NULL && (!verify || cached->validated_at == now))
    {
      cached->generation = self->generation;
      return ps_owner_ref (cached->owner);
    }

  if (cached != NULL)
    {
      if (ps_scanner_check_cached (self, pid, cached, now))
        {
          cached->generation = self->generation;
          return ps_owner_ref (cached->owner);
        }
      if (!g_hash_table_contains (self->facts, GINT_TO_POINTER (pid)))
        return NULL;  /* gone */
      /* Reused PID or exec: read everything again. */
    }

  self->owners_dirty = TRUE;
  cached = ps_scanner_read_facts (self, pid, now);
  if (cached == NULL)
    return NULL;
  return ps_owner_ref (cached->owner);
}

static int
compare_inodes (gconstpointer a,
                gconstpointer b)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
inode_is_new (GArray  *sorted,
              guint64  inode)
{
  if (sorted == NULL)
    return TRUE;
  return bsearch (&inode, sorted->data, sorted->len, sizeof (guint64), compare_inodes) == NULL;
}

static gboolean
dumps_equal (const PsProbeSocketArray *a,
             const PsProbeSocketArray *b)
{
  return a->len == b->len &&
         (a->len == 0 || memcmp (a->items, b->items, a->len * sizeof a->items[0]) == 0);
}

/* Keeps the memory of ARRAY (taken: ARRAY is left empty) for the next dump:
 * no allocation and page faults of a megabyte-sized array per refresh. */
static void
ps_scanner_keep_spare (PsScanner          *self,
                       PsProbeSocketArray *array)
{
  if (array->cap > self->spare_dump.cap)
    {
      ps_probe_socket_array_clear (&self->spare_dump);
      self->spare_dump = *array;
      self->spare_dump.len = 0;
    }
  else
    ps_probe_socket_array_clear (array);
  memset (array, 0, sizeof *array);
}

/* Keeps SOCKETS (taken: SOCKETS is left empty) and SNAPSHOT for the next scan. */
static void
ps_scanner_remember (PsScanner          *self,
                     PsProbeSocketArray *sockets,
                     PsScanFlags         flags,
                     PsSnapshot         *snapshot,
                     gboolean            inodes_changed)
{
  if (inodes_changed || self->previous_inodes == NULL)
    {
      g_clear_pointer (&self->previous_inodes, g_array_unref);
      self->previous_inodes = g_array_sized_new (FALSE, FALSE, sizeof (guint64), sockets->len);
      for (size_t i = 0; i < sockets->len; i++)
        g_array_append_val (self->previous_inodes, sockets->items[i].inode);
      g_array_sort (self->previous_inodes, compare_inodes);
    }
  ps_scanner_keep_spare (self, &self->previous_dump);
  self->previous_dump = *sockets;
  memset (sockets, 0, sizeof *sockets);
  self->previous_flags = flags;
  g_clear_pointer (&self->previous, ps_snapshot_unref);
  self->previous = ps_snapshot_ref (snapshot);
}

static gboolean
facts_is_stale (gpointer key,
                gpointer value,
                gpointer user_data)
{
  CachedFacts *cached = value;
  guint generation = GPOINTER_TO_UINT (user_data);

  return cached->generation != generation;
}

static int
compare_owner_pids (gconstpointer a,
                    gconstpointer b)
{
  const PsOwner *oa = *(const PsOwner * const *) a;
  const PsOwner *ob = *(const PsOwner * const *) b;

  return (oa->pid > ob->pid) - (oa->pid < ob->pid);
}

/* What the kernel is asked for: listening TCP sockets (every TCP state only
 * for connections), bound UDP sockets, both families. */
static unsigned
probe_flags_for (PsScanner   *self,
                 PsScanFlags  flags)
{
  unsigned probe_flags = PS_PROBE_UDP | PS_PROBE_IPV4 | PS_PROBE_IPV6;

  if (flags & PS_SCAN_CONNECTIONS)
    probe_flags |= PS_PROBE_TCP_ALL;
  else
    probe_flags |= PS_PROBE_TCP_LISTEN;
  if (self->previous_dump.len >= PARALLEL_DUMP_MIN_SOCKETS)
    probe_flags |= PS_PROBE_PARALLEL;
  return probe_flags;
}

PsSnapshot *
ps_scanner_scan (PsScanner    *self,
                 PsScanFlags   flags,
                 PsScanStats  *stats,
                 GError      **error)
{
  g_autoptr(PsSnapshot) snapshot = NULL;
  PsProbeSocketArray sockets = { 0 };
  PsProbeSource source = PS_PROBE_SOURCE_NETLINK;
  PsOwnerStats owner_stats = { 0 };
  gboolean have_owners = FALSE;
  gboolean full_walk;
  gint64 t0, t1, t2, t3;
  int r;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  t0 = g_get_monotonic_time ();
  sockets = self->spare_dump;
  memset (&self->spare_dump, 0, sizeof self->spare_dump);
  r = ps_probe_dump_sockets (probe_flags_for (self, flags), &sockets, &source);
  if (r < 0)
    {
      ps_probe_socket_array_clear (&sockets);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                   "Could not list the sockets of this computer: %s",
                   g_strerror (-r));
      return NULL;
    }
  t1 = g_get_monotonic_time ();

  self->users_reloaded = FALSE;
  self->owners_dirty = FALSE;
  ps_scanner_update_users (self);

  if (!(flags & PS_SCAN_NO_OWNERS))
    {
      if (self->tracker == NULL)
        self->tracker = ps_owner_tracker_new (self->proc_root);
      if (self->tracker == NULL)
        r = -ENOMEM;
      else
        r = ps_owner_tracker_update (self->tracker, &sockets,
                                     (flags & PS_SCAN_FULL_WALK) != 0,
                                     &owner_stats);
      if (r < 0)
        g_debug ("Could not find the owners of sockets: %s", g_strerror (-r));
      else
        have_owners = TRUE;
    }
  t2 = g_get_monotonic_time ();

  if (have_owners)
    {
      gboolean same_dump;

      ps_scanner_validate_some (self, t2);

      /* Steady state: the same sockets, no walk, no owner changed: the last
       * snapshot is still true (owners are immutable and shared anyway). */
      same_dump = self->previous != NULL &&
                  self->previous_flags == (flags & ~PS_SCAN_FULL_WALK) &&
                  self->previous_source == source &&
                  dumps_equal (&sockets, &self->previous_dump);
      if (same_dump && !self->owners_dirty && !self->users_reloaded &&
          owner_stats.full_walks == 0 && owner_stats.partial_walks == 0)
        {
          ps_scanner_keep_spare (self, &sockets);
          t3 = g_get_monotonic_time ();
          if (stats != NULL)
            {
              memset (stats, 0, sizeof *stats);
              stats->n_sockets = ps_snapshot_get_n_sockets (self->previous);
              stats->pids_denied = owner_stats.pids_denied;
              stats->dump_usec = t1 - t0;
              stats->owners_usec = t2 - t1;
              stats->facts_usec = t3 - t2;
            }
          return ps_snapshot_ref (self->previous);
        }
    }

  full_walk = owner_stats.full_walks > 0;
  self->generation++;
  snapshot = ps_snapshot_new ();
  ps_snapshot_set_source (snapshot, source == PS_PROBE_SOURCE_PROCNET ? "procnet" : "netlink");
  ps_snapshot_set_owners_complete (snapshot, have_owners);

  for (size_t i = 0; i < sockets.len; i++)
    {
      const PsProbeSocket *in = &sockets.items[i];
      PsSocket *out = ps_snapshot_add (snapshot);
      char buf[128];

      out->protocol = in->protocol;
      out->family = in->family;
      out->state = in->state;
      out->v6only = in->v6only;
      out->port = in->local_port;
      memcpy (out->address, in->local_addr, sizeof out->address);
      memcpy (out->remote_address, in->remote_addr, sizeof out->remote_address);
      out->remote_port = in->remote_port;
      out->ifindex = in->ifindex;
      out->uid = in->uid;
      out->inode = in->inode;
      out->cookie = in->cookie;
      out->user = g_strdup (ps_scanner_lookup_user (self, in->uid));
      out->address_text = g_strdup (ps_probe_format_address (in->family, in->local_addr,
                                                             in->ifindex, buf, sizeof buf));
      out->owner_hidden = PS_OWNER_VISIBLE;

      if (!have_owners || in->inode == 0)
        continue;

      {
        const int32_t *pids = NULL;
        size_t n_pids = ps_owner_tracker_lookup (self->tracker, in->inode, &pids);
        /* A new socket may come from a new process under a known PID, or
         * after a walk: check its owners' identity now. */
        gboolean verify = full_walk || inode_is_new (self->previous_inodes, in->inode);

        for (size_t k = 0; k < n_pids; k++)
          {
            PsOwner *owner = ps_scanner_get_owner (self, pids[k], verify, t2);

            if (owner != NULL)
              g_ptr_array_add (out->owners, owner);
          }
      }

      /* A stable order, so that the same owners never look "changed". */
      g_ptr_array_sort (out->owners, compare_owner_pids);

      if (out->owners->len == 0)
        {
          if (self->in_flatpak)
            out->owner_hidden = PS_OWNER_HIDDEN_SANDBOX;
          else if (self->euid != 0 && in->uid != self->euid)
            out->owner_hidden = PS_OWNER_HIDDEN_OTHER_USER;
        }
    }

  /* Forget processes that own nothing any more (or are gone). */
  if (have_owners)
    g_hash_table_foreach_remove (self->facts, facts_is_stale,
                                 GUINT_TO_POINTER (self->generation));

  ps_snapshot_sort (snapshot);
  t3 = g_get_monotonic_time ();
  ps_snapshot_set_timestamp (snapshot, t3);

  if (have_owners)
    {
      gboolean inodes_changed = self->previous_inodes == NULL ||
                                sockets.len != self->previous_dump.len ||
                                !dumps_equal (&sockets, &self->previous_dump);

      ps_scanner_remember (self, &sockets, flags & ~PS_SCAN_FULL_WALK, snapshot, inodes_changed);
      self->previous_source = source;
    }
  ps_probe_socket_array_clear (&sockets);

  if (stats != NULL)
    {
      stats->n_sockets = ps_snapshot_get_n_sockets (snapshot);
      stats->full_walks = owner_stats.full_walks;
      stats->partial_walks = owner_stats.partial_walks;
      stats->pids_denied = owner_stats.pids_denied;
      stats->fds_scanned = owner_stats.fds_scanned;
      stats->dump_usec = t1 - t0;
      stats->owners_usec = t2 - t1;
      stats->facts_usec = t3 - t2;
    }

  return g_steal_pointer (&snapshot);
}

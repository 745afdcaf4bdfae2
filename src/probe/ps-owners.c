/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-owners.c: socket inode -> owning PIDs, from one walk of /proc/PID/fd.
 *
 * The walk is the expensive part of a scan (one readlinkat per open fd on
 * the machine), so: a dir fd per PID and readlinkat relative to it (no path
 * resolution from the root for every fd), getdents64 into a reused buffer,
 * a cheap prefix test on "socket:[", and an open-addressing map holding only
 * the inodes of the dump.  Between scans the map is kept and the walk is
 * skipped unless the dump brings inodes we have never resolved. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ps-owners.h"
#include "ps-probe-util.h"

#define DENTS_BUF_SIZE (64 * 1024)

enum
{
  OWNER_NEW = 0,          /* in the dump, not looked for yet */
  OWNER_RESOLVED = 1,     /* at least one owner found */
  OWNER_UNRESOLVABLE = 2, /* a complete walk found no owner: do not walk for it again */
};

typedef struct
{
  uint64_t inode;           /* 0 = empty slot */
  int32_t *pids;
  uint32_t n_pids;
  uint32_t cap_pids;
  uint8_t state;
  uint8_t kept;             /* scratch: carried over into the new table */
} OwnerEntry;

typedef struct
{
  int32_t *items;
  size_t len;
  size_t cap;
} PidArray;

struct PsOwnerTracker
{
  char *proc_root;

  OwnerEntry *table;
  size_t cap;               /* power of two, or 0 */
  size_t count;
  size_t pending;           /* entries in OWNER_NEW */

  size_t unresolved;        /* entries without owner, valid unless unresolved_stale */
  int unresolved_stale;

  /* The inodes of the last dump, in its order: the steady state gives the
   * same list again, and one memcmp says the table still fits it. */
  uint64_t *last_inodes;
  size_t n_last_inodes;
  size_t cap_last_inodes;
  int last_inodes_valid;

  PidArray prev_pids;       /* sorted PIDs listed by the last walk */
  PidArray young_pids;      /* sorted PIDs that were new to the last walk */
  int has_walked;
  int has_full_walk;
  time_t last_full_walk;

  uint8_t *dents;           /* getdents64 buffer, reused */
};

struct linux_dirent64
{
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static long
sys_getdents64 (int    fd,
                void  *buf,
                size_t size)
{
  return syscall (SYS_getdents64, fd, buf, size);
}

static int
pid_array_push (PidArray *array,
                int32_t   pid)
{
  if (array->len == array->cap)
    {
      size_t new_cap = array->cap ? array->cap * 2 : 256;
      int32_t *items = realloc (array->items, new_cap * sizeof (int32_t));

      if (items == NULL)
        return -ENOMEM;
      array->items = items;
      array->cap = new_cap;
    }
  array->items[array->len++] = pid;
  return 0;
}

static int
cmp_pid (const void *a,
         const void *b)
{
  int32_t x = *(const int32_t *) a;
  int32_t y = *(const int32_t *) b;

  return (x > y) - (x < y);
}

static void
pid_array_sort_unique (PidArray *array)
{
  size_t i, j;

  if (array->len < 2)
    return;
  qsort (array->items, array->len, sizeof (int32_t), cmp_pid);
  for (i = 1, j = 1; i < array->len; i++)
    if (array->items[i] != array->items[j - 1])
      array->items[j++] = array->items[i];
  array->len = j;
}

static int
pid_array_contains (const PidArray *sorted,
                    int32_t         pid)
{
  return sorted->len > 0
         && bsearch (&pid, sorted->items, sorted->len, sizeof (int32_t), cmp_pid) != NULL;
}

static size_t
hash_inode (uint64_t inode,
            size_t   mask)
{
  return (size_t) ((inode * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static OwnerEntry *
table_find (OwnerEntry *table,
            size_t      cap,
            uint64_t    inode)
{
  size_t mask, i;

  if (cap == 0 || inode == 0)
    return NULL;
  mask = cap - 1;
  for (i = hash_inode (inode, mask); table[i].inode != 0; i = (i + 1) & mask)
    if (table[i].inode == inode)
      return &table[i];
  return NULL;
}

/* Returns the slot for INODE (an empty one when absent); the table is never full. */
static OwnerEntry *
table_slot (OwnerEntry *table,
            size_t      cap,
            uint64_t    inode)
{
  size_t mask = cap - 1;
  size_t i;

  for (i = hash_inode (inode, mask); table[i].inode != 0; i = (i + 1) & mask)
    if (table[i].inode == inode)
      break;
  return &table[i];
}

static int
entry_add_pid (OwnerEntry *entry,
               int32_t     pid)
{
  uint32_t i;

  for (i = 0; i < entry->n_pids; i++)
    if (entry->pids[i] == pid)
      return 0;
  if (entry->n_pids == entry->cap_pids)
    {
      uint32_t new_cap = entry->cap_pids ? entry->cap_pids * 2 : 2;
      int32_t *pids = realloc (entry->pids, new_cap * sizeof (int32_t));

      if (pids == NULL)
        return -ENOMEM;
      entry->pids = pids;
      entry->cap_pids = new_cap;
    }
  entry->pids[entry->n_pids++] = pid;
  return 0;
}

PsOwnerTracker *
ps_owner_tracker_new (const char *proc_root)
{
  PsOwnerTracker *tracker = calloc (1, sizeof *tracker);

  if (tracker == NULL)
    return NULL;
  tracker->proc_root = strdup (ps_probe_proc_root (proc_root));
  tracker->dents = malloc (DENTS_BUF_SIZE);
  if (tracker->proc_root == NULL || tracker->dents == NULL)
    {
      ps_owner_tracker_free (tracker);
      return NULL;
    }
  return tracker;
}

void
ps_owner_tracker_free (PsOwnerTracker *tracker)
{
  size_t i;

  if (tracker == NULL)
    return;
  for (i = 0; i < tracker->cap; i++)
    free (tracker->table[i].pids);
  free (tracker->table);
  free (tracker->last_inodes);
  free (tracker->prev_pids.items);
  free (tracker->young_pids.items);
  free (tracker->dents);
  free (tracker->proc_root);
  free (tracker);
}

size_t
ps_owner_tracker_lookup (const PsOwnerTracker *tracker,
                         uint64_t              inode,
                         const int32_t       **pids)
{
  OwnerEntry *entry;

  if (pids != NULL)
    *pids = NULL;
  if (tracker == NULL)
    return 0;
  entry = table_find (tracker->table, tracker->cap, inode);
  if (entry == NULL || entry->n_pids == 0)
    return 0;
  if (pids != NULL)
    *pids = entry->pids;
  return entry->n_pids;
}

void
ps_owner_tracker_forget_pid (PsOwnerTracker *tracker,
                             int32_t         pid)
{
  size_t i;

  if (tracker == NULL)
    return;
  tracker->unresolved_stale = 1;
  for (i = 0; i < tracker->cap; i++)
    {
      OwnerEntry *entry = &tracker->table[i];
      uint32_t j;

      if (entry->inode == 0)
        continue;
      for (j = 0; j < entry->n_pids; j++)
        if (entry->pids[j] == pid)
          {
            memmove (&entry->pids[j], &entry->pids[j + 1],
                     (entry->n_pids - j - 1) * sizeof (int32_t));
            entry->n_pids--;
            break;
          }
      if (entry->n_pids == 0 && entry->state == OWNER_RESOLVED)
        {
          entry->state = OWNER_NEW;
          tracker->pending++;
        }
    }
}

int
ps_owner_parse_socket_link (const char *target,
                            size_t      len,
                            uint64_t   *inode)
{
  uint64_t v = 0;

  /* "socket:[" + 1..20 digits + "]" */
  if (target == NULL || len < 10 || len > 29)
    return 0;
  if (memcmp (target, "socket:[", 8) != 0 || target[len - 1] != ']')
    return 0;
  if (ps_probe_parse_dec_u64 (target + 8, len - 9, &v) < 0)
    return 0;
  if (inode != NULL)
    *inode = v;
  return 1;
}

static int
parse_pid_name (const char *name,
                int32_t    *pid)
{
  int64_t v = 0;
  const char *p;

  if (*name < '1' || *name > '9')
    return 0;
  for (p = name; *p; p++)
    {
      if (*p < '0' || *p > '9')
        return 0;
      v = v * 10 + (*p - '0');
      if (v > INT32_MAX)
        return 0;
    }
  *pid = (int32_t) v;
  return 1;
}

/* Lists the numeric entries of the /proc dir fd into PIDS (sorted). */
static int
list_pids (PsOwnerTracker *tracker,
           int             proc_fd,
           PidArray       *pids)
{
  for (;;)
    {
      long n = sys_getdents64 (proc_fd, tracker->dents, DENTS_BUF_SIZE);
      long off = 0;

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (n == 0)
        break;
      while (off < n)
        {
          struct linux_dirent64 *d = (struct linux_dirent64 *) (void *) (tracker->dents + off);
          int32_t pid;

          off += d->d_reclen;
          if ((d->d_type == DT_DIR || d->d_type == DT_UNKNOWN)
              && parse_pid_name (d->d_name, &pid)
              && pid_array_push (pids, pid) < 0)
            return -ENOMEM;
        }
    }
  pid_array_sort_unique (pids);
  return 0;
}

/* Opens PID/fd below the /proc dir fd.  Returns the fd or -errno. */
static int
open_fd_dir (int     proc_fd,
             int32_t pid)
{
  char name[32];
  int fd;

  snprintf (name, sizeof name, "%d/fd", (int) pid);
  fd = openat (proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -errno;
  return fd;
}

/* Calls FOUND for each socket inode PID holds.  Returns 0, a positive value
 * when FOUND asked to stop, or -errno. */
typedef int (*SocketFoundFunc) (void     *data,
                                int32_t   pid,
                                uint64_t  inode);

static int
scan_pid (uint8_t         *dents,
          int              proc_fd,
          int32_t          pid,
          SocketFoundFunc  found,
          void            *data,
          unsigned        *n_fds)
{
  int dfd = open_fd_dir (proc_fd, pid);
  int ret = 0;

  if (dfd < 0)
    return dfd;

  for (;;)
    {
      long n = sys_getdents64 (dfd, dents, DENTS_BUF_SIZE);
      long off = 0;

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          ret = -errno;
          break;
        }
      if (n == 0)
        break;
      while (off < n)
        {
          struct linux_dirent64 *d = (struct linux_dirent64 *) (void *) (dents + off);
          char target[32];
          ssize_t len;
          uint64_t inode;

          off += d->d_reclen;
          if (d->d_name[0] == '.')
            continue;
          if (n_fds != NULL)
            (*n_fds)++;
          /* A socket link is at most 29 bytes; longer targets are not sockets. */
          len = readlinkat (dfd, d->d_name, target, sizeof target);
          if (len < 10 || (size_t) len >= sizeof target)
            continue;
          if (target[0] != 's' || !ps_owner_parse_socket_link (target, (size_t) len, &inode))
            continue;
          ret = found (data, pid, inode);
          if (ret != 0)
            goto out;
        }
    }

out:
  close (dfd);
  return ret;
}

typedef struct
{
  PsOwnerTracker *tracker;
  int err;
} WalkData;

static int
walk_found (void     *data,
            int32_t   pid,
            uint64_t  inode)
{
  WalkData *wd = data;
  PsOwnerTracker *tracker = wd->tracker;
  OwnerEntry *entry = table_find (tracker->table, tracker->cap, inode);

  if (entry == NULL)
    return 0;
  if (entry->state == OWNER_NEW)
    {
      entry->state = OWNER_RESOLVED;
      tracker->pending--;
    }
  else if (entry->state == OWNER_UNRESOLVABLE)
    entry->state = OWNER_RESOLVED;
  if (entry_add_pid (entry, pid) < 0)
    {
      wd->err = -ENOMEM;
      return -ENOMEM;
    }
  return 0;
}

static void
count_errno (PsOwnerStats *stats,
             int           err)
{
  if (err == -ENOENT || err == -ESRCH)
    stats->pids_vanished++;
  else if (err == -EACCES || err == -EPERM)
    stats->pids_denied++;
}

/* Scans PID; returns -ENOMEM on allocation failure, else 0. */
static int
walk_pid (PsOwnerTracker *tracker,
          int             proc_fd,
          int32_t         pid,
          WalkData       *wd,
          PsOwnerStats   *stats)
{
  int ret;

  stats->pids_scanned++;
  ret = scan_pid (tracker->dents, proc_fd, pid, walk_found, wd, &stats->fds_scanned);
  if (wd->err < 0)
    return wd->err;
  if (ret < 0)
    count_errno (stats, ret);
  return 0;
}

/* Whether the table holds exactly the inodes of SOCKETS (the steady state):
 * then it is kept as it is, without allocating a new one. */
static int
table_matches (PsOwnerTracker           *tracker,
               const PsProbeSocketArray *sockets)
{
  size_t i, n = 0;
  int match = 1;

  if (tracker->table == NULL)
    return 0;
  for (i = 0; i < sockets->len && match; i++)
    {
      OwnerEntry *entry;

      if (sockets->items[i].inode == 0)
        continue;
      entry = table_find (tracker->table, tracker->cap, sockets->items[i].inode);
      if (entry == NULL)
        match = 0;
      else if (!entry->kept)
        {
          entry->kept = 1;
          n++;
        }
    }
  /* Clear the scratch marks this pass set (only entries of SOCKETS). */
  for (size_t j = 0; j < i; j++)
    {
      OwnerEntry *entry = table_find (tracker->table, tracker->cap, sockets->items[j].inode);

      if (entry != NULL)
        entry->kept = 0;
    }
  return match && n == tracker->count;
}

/* Rebuilds the table for the inodes of SOCKETS; vanished entries' PIDs go
 * into VANISHED_OWNERS.  Returns 0 or -ENOMEM (the old table stays). */
static int
rebuild_table (PsOwnerTracker           *tracker,
               const PsProbeSocketArray *sockets,
               PidArray                 *vanished_owners)
{
  size_t want = 16;
  size_t i;
  OwnerEntry *table;
  size_t count = 0, pending = 0;

  if (table_matches (tracker, sockets))
    return 0;
  tracker->unresolved_stale = 1;

  while (want < sockets->len * 2 + 2)
    want *= 2;
  table = calloc (want, sizeof (OwnerEntry));
  if (table == NULL)
    return -ENOMEM;

  for (i = 0; i < tracker->cap; i++)
    tracker->table[i].kept = 0;

  for (i = 0; i < sockets->len; i++)
    {
      uint64_t inode = sockets->items[i].inode;
      OwnerEntry *slot, *old;

      if (inode == 0)
        continue;
      slot = table_slot (table, want, inode);
      if (slot->inode != 0)
        continue; /* listed twice */
      old = table_find (tracker->table, tracker->cap, inode);
      if (old != NULL)
        {
          *slot = *old;
          old->kept = 1;
          slot->kept = 0;
        }
      else
        {
          slot->inode = inode;
          slot->state = OWNER_NEW;
        }
      if (slot->state == OWNER_NEW)
        pending++;
      count++;
    }

  for (i = 0; i < tracker->cap; i++)
    {
      OwnerEntry *old = &tracker->table[i];
      uint32_t j;

      if (old->inode == 0 || old->kept)
        continue;
      for (j = 0; j < old->n_pids; j++)
        if (pid_array_push (vanished_owners, old->pids[j]) < 0)
          {
            /* Only a hint for ordering: losing it is harmless. */
            break;
          }
      free (old->pids);
    }
  free (tracker->table);

  tracker->table = table;
  tracker->cap = want;
  tracker->count = count;
  tracker->pending = pending;
  pid_array_sort_unique (vanished_owners);
  return 0;
}

/* Whether SOCKETS lists the same inodes, in the same order, as the last
 * update (then the table already holds exactly them). */
static int
same_inodes_as_last (const PsOwnerTracker     *tracker,
                     const PsProbeSocketArray *sockets)
{
  size_t i;

  if (!tracker->last_inodes_valid || sockets->len != tracker->n_last_inodes)
    return 0;
  for (i = 0; i < sockets->len; i++)
    if (sockets->items[i].inode != tracker->last_inodes[i])
      return 0;
  return 1;
}

static void
remember_inodes (PsOwnerTracker           *tracker,
                 const PsProbeSocketArray *sockets)
{
  size_t i;

  if (sockets->len > tracker->cap_last_inodes)
    {
      uint64_t *inodes = realloc (tracker->last_inodes, sockets->len * sizeof (uint64_t));

      if (inodes == NULL)
        {
          tracker->last_inodes_valid = 0;
          return;
        }
      tracker->last_inodes = inodes;
      tracker->cap_last_inodes = sockets->len;
    }
  for (i = 0; i < sockets->len; i++)
    tracker->last_inodes[i] = sockets->items[i].inode;
  tracker->n_last_inodes = sockets->len;
  tracker->last_inodes_valid = 1;
}

static int
open_proc (const PsOwnerTracker *tracker)
{
  int fd = open (tracker->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  return fd < 0 ? -errno : fd;
}

/* The full walk is split over a few threads: it is nearly all syscalls on
 * independent /proc/PID/fd directories, so it scales with the cores.  The
 * workers only read the table; their matches are applied afterwards. */
#define WALK_MAX_THREADS 4
#define WALK_MIN_PIDS_PER_THREAD 32
#define WALK_CHUNK 8

typedef struct
{
  OwnerEntry *entry;
  int32_t pid;
} WalkMatch;

typedef struct
{
  const PsOwnerTracker *tracker;
  int proc_fd;
  const PidArray *pids;
  size_t *next;             /* shared: next PID index to take */
  uint8_t *dents;
  WalkMatch *matches;
  size_t n_matches;
  size_t cap_matches;
  PsOwnerStats stats;
  int err;
} WalkWorker;

static int
worker_found (void     *data,
              int32_t   pid,
              uint64_t  inode)
{
  WalkWorker *w = data;
  OwnerEntry *entry = table_find (w->tracker->table, w->tracker->cap, inode);

  if (entry == NULL)
    return 0;
  if (w->n_matches == w->cap_matches)
    {
      size_t new_cap = w->cap_matches ? w->cap_matches * 2 : 256;
      WalkMatch *matches = realloc (w->matches, new_cap * sizeof (WalkMatch));

      if (matches == NULL)
        {
          w->err = -ENOMEM;
          return -ENOMEM;
        }
      w->matches = matches;
      w->cap_matches = new_cap;
    }
  w->matches[w->n_matches].entry = entry;
  w->matches[w->n_matches].pid = pid;
  w->n_matches++;
  return 0;
}

static void *
worker_run (void *data)
{
  WalkWorker *w = data;

  for (;;)
    {
      size_t start = __atomic_fetch_add (w->next, WALK_CHUNK, __ATOMIC_RELAXED);
      size_t end, i;

      if (start >= w->pids->len)
        break;
      end = start + WALK_CHUNK < w->pids->len ? start + WALK_CHUNK : w->pids->len;
      for (i = start; i < end; i++)
        {
          int ret;

          w->stats.pids_scanned++;
          ret = scan_pid (w->dents, w->proc_fd, w->pids->items[i], worker_found, w,
                          &w->stats.fds_scanned);
          if (w->err < 0)
            return NULL;
          if (ret < 0)
            count_errno (&w->stats, ret);
        }
    }
  return NULL;
}

static size_t
walk_thread_count (size_t n_pids)
{
  const char *env = getenv ("PORTSCOPE_WALK_THREADS");
  cpu_set_t set;
  long n = 1;

  if (env != NULL && *env != '\0')
    n = strtol (env, NULL, 10);
  else if (sched_getaffinity (0, sizeof set, &set) == 0)
    n = CPU_COUNT (&set);
  if (n < 1)
    n = 1;
  if (n > WALK_MAX_THREADS)
    n = WALK_MAX_THREADS;
  while (n > 1 && n_pids / (size_t) n < WALK_MIN_PIDS_PER_THREAD)
    n--;
  return (size_t) n;
}

static int
cmp_pid_value (const void *a,
               const void *b)
{
  return cmp_pid (a, b);
}

static int
full_walk (PsOwnerTracker *tracker,
           int             proc_fd,
           PidArray       *pids,
           PsOwnerStats   *stats)
{
  WalkWorker workers[WALK_MAX_THREADS];
  pthread_t threads[WALK_MAX_THREADS];
  size_t n_threads = walk_thread_count (pids->len);
  size_t started = 1;
  size_t next = 0;
  size_t i, j;
  int ret = 0;

  /* Forget every owner: the walk sees them all again. */
  for (i = 0; i < tracker->cap; i++)
    {
      OwnerEntry *entry = &tracker->table[i];

      if (entry->inode == 0)
        continue;
      entry->n_pids = 0;
      if (entry->state != OWNER_NEW)
        tracker->pending++;
      entry->state = OWNER_NEW;
    }

  memset (workers, 0, sizeof workers);
  for (i = 0; i < n_threads; i++)
    {
      workers[i].tracker = tracker;
      workers[i].proc_fd = proc_fd;
      workers[i].pids = pids;
      workers[i].next = &next;
      workers[i].dents = i == 0 ? tracker->dents : malloc (DENTS_BUF_SIZE);
      if (workers[i].dents == NULL)
        {
          n_threads = i;
          break;
        }
    }

  for (i = 1; i < n_threads; i++)
    {
      if (pthread_create (&threads[i], NULL, worker_run, &workers[i]) != 0)
        break;
      started++;
    }
  worker_run (&workers[0]);
  for (i = 1; i < started; i++)
    pthread_join (threads[i], NULL);

  for (i = 0; i < n_threads; i++)
    {
      WalkWorker *w = &workers[i];

      if (w->err < 0)
        ret = w->err;
      stats->pids_scanned += w->stats.pids_scanned;
      stats->fds_scanned += w->stats.fds_scanned;
      stats->pids_denied += w->stats.pids_denied;
      stats->pids_vanished += w->stats.pids_vanished;
      for (j = 0; j < w->n_matches && ret == 0; j++)
        {
          OwnerEntry *entry = w->matches[j].entry;

          if (entry->state == OWNER_NEW)
            {
              entry->state = OWNER_RESOLVED;
              tracker->pending--;
            }
          if (entry_add_pid (entry, w->matches[j].pid) < 0)
            ret = -ENOMEM;
        }
      free (w->matches);
      if (i > 0)
        free (w->dents);
    }
  if (ret < 0)
    return ret;

  /* The threads interleave: sort owners so results do not depend on timing. */
  for (i = 0; i < tracker->cap; i++)
    if (tracker->table[i].n_pids > 1)
      qsort (tracker->table[i].pids, tracker->table[i].n_pids, sizeof (int32_t), cmp_pid_value);
  return 0;
}

/* Inodes still pending after the cheap groups of a partial walk are often
 * sockets that closed after the dump (a process that exited, a socket
 * replaced): no walk can find them, so the early exit never comes and the
 * "partial" walk reads every fd of the machine.  One more dump of the kinds
 * concerned (milliseconds) tells which still exist; the others are marked
 * unresolvable (a closed socket's inode does not come back).  Only against
 * the real /proc: a fixture root's inodes are not the kernel's. */
static void
drop_closed_pending (PsOwnerTracker           *tracker,
                     const PsProbeSocketArray *sockets)
{
  PsProbeSocketArray fresh = { 0 };
  unsigned flags = 0;
  size_t i;

  if (strcmp (tracker->proc_root, "/proc") != 0)
    return;

  for (i = 0; i < sockets->len; i++)
    {
      const PsProbeSocket *sk = &sockets->items[i];
      OwnerEntry *entry = table_find (tracker->table, tracker->cap, sk->inode);

      if (entry == NULL || entry->state != OWNER_NEW)
        continue;
      flags |= sk->family == AF_INET6 ? PS_PROBE_IPV6 : PS_PROBE_IPV4;
      if (sk->protocol == IPPROTO_TCP)
        flags |= sk->state == TCP_LISTEN ? PS_PROBE_TCP_LISTEN : PS_PROBE_TCP_ALL;
      else
        flags |= sk->state == TCP_ESTABLISHED ? PS_PROBE_UDP_ALL : PS_PROBE_UDP;
    }
  if (flags == 0 || ps_probe_dump_sockets (flags, &fresh, NULL) < 0)
    {
      ps_probe_socket_array_clear (&fresh);
      return;
    }

  for (i = 0; i < tracker->cap; i++)
    tracker->table[i].kept = 0;
  for (i = 0; i < fresh.len; i++)
    {
      OwnerEntry *entry = table_find (tracker->table, tracker->cap, fresh.items[i].inode);

      if (entry != NULL)
        entry->kept = 1;
    }
  for (i = 0; i < tracker->cap; i++)
    {
      OwnerEntry *entry = &tracker->table[i];

      if (entry->inode != 0 && entry->state == OWNER_NEW && !entry->kept)
        {
          entry->state = OWNER_UNRESOLVABLE;
          tracker->pending--;
        }
      entry->kept = 0;
    }
  ps_probe_socket_array_clear (&fresh);
}

/* Whether PID is new since the last walk, or was new to it: a process that
 * was listed before it opened its sockets (a fresh fork, a server starting)
 * is still read among the new ones the next time. */
static int
is_young (const PsOwnerTracker *tracker,
          int32_t               pid)
{
  return tracker->has_walked
         && (!pid_array_contains (&tracker->prev_pids, pid)
             || pid_array_contains (&tracker->young_pids, pid));
}

/* Whether the first two groups of a partial walk took PID: an owner of a
 * vanished inode, or a young PID. */
static int
is_walked_early (const PsOwnerTracker *tracker,
                 const PidArray       *vanished_owners,
                 int32_t               pid)
{
  if (is_young (tracker, pid))
    return 1;
  return pid_array_contains (vanished_owners, pid);
}

/* The PIDs that own a socket of the table (sorted).  Returns 0 or -ENOMEM. */
static int
known_owners (const PsOwnerTracker *tracker,
              PidArray             *owners)
{
  size_t i;
  uint32_t j;

  memset (owners, 0, sizeof *owners);
  for (i = 0; i < tracker->cap; i++)
    for (j = 0; j < tracker->table[i].n_pids; j++)
      if (pid_array_push (owners, tracker->table[i].pids[j]) < 0)
        {
          free (owners->items);
          memset (owners, 0, sizeof *owners);
          return -ENOMEM;
        }
  pid_array_sort_unique (owners);
  return 0;
}

/* Early-exit walk: owners of vanished inodes, then new PIDs, then the PIDs
 * that own other sockets, then the rest.
 * The first two groups are small and scanned whole (a fresh fork shares its
 * parent's socket); the rest stops as soon as no inode is pending.  Returns
 * 1 when every PID was scanned (the walk was in effect complete), 0 when it
 * stopped early, or -errno. */
static int
partial_walk (PsOwnerTracker           *tracker,
              int                       proc_fd,
              PidArray                 *pids,
              const PidArray           *vanished_owners,
              const PsProbeSocketArray *sockets,
              PsOwnerStats             *stats)
{
  WalkData wd = { tracker, 0 };
  PidArray owners;
  size_t i;
  int ret;

  for (i = 0; i < vanished_owners->len; i++)
    if (pid_array_contains (pids, vanished_owners->items[i]))
      {
        ret = walk_pid (tracker, proc_fd, vanished_owners->items[i], &wd, stats);
        if (ret < 0)
          return ret;
      }

  for (i = 0; i < pids->len; i++)
    {
      int32_t pid = pids->items[i];

      if (!is_young (tracker, pid))
        continue;
      if (pid_array_contains (vanished_owners, pid))
        continue;
      ret = walk_pid (tracker, proc_fd, pid, &wd, stats);
      if (ret < 0)
        return ret;
    }

  /* Only the rest is expensive: first drop what closed since the dump. */
  if (tracker->pending > 0)
    drop_closed_pending (tracker, sockets);
  if (tracker->pending == 0)
    return 0;

  /* Then the processes that hold sockets already: a new socket is far more
   * likely theirs (a server replacing a socket whose old inode was never
   * resolved) than one of the many processes that hold none. */
  if (known_owners (tracker, &owners) < 0)
    return -ENOMEM;
  for (i = 0; i < owners.len && tracker->pending > 0; i++)
    {
      int32_t pid = owners.items[i];

      if (!pid_array_contains (pids, pid) || is_walked_early (tracker, vanished_owners, pid))
        continue;
      ret = walk_pid (tracker, proc_fd, pid, &wd, stats);
      if (ret < 0)
        {
          free (owners.items);
          return ret;
        }
    }

  for (i = 0; i < pids->len; i++)
    {
      int32_t pid = pids->items[i];

      if (tracker->pending == 0)
        break;
      if (is_walked_early (tracker, vanished_owners, pid) || pid_array_contains (&owners, pid))
        continue;
      ret = walk_pid (tracker, proc_fd, pid, &wd, stats);
      if (ret < 0)
        {
          free (owners.items);
          return ret;
        }
    }
  free (owners.items);
  return tracker->pending == 0 ? 0 : 1;
}

static time_t
monotonic_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

int
ps_owner_tracker_update (PsOwnerTracker           *tracker,
                         const PsProbeSocketArray *sockets,
                         int                       force_full,
                         PsOwnerStats             *stats)
{
  PsOwnerStats local = { 0 };
  PidArray vanished_owners = { 0 };
  PidArray pids = { 0 };
  time_t now;
  int full;
  int proc_fd = -1;
  int ret = 0;
  size_t i;

  if (tracker == NULL || sockets == NULL)
    return -EINVAL;

  if (!same_inodes_as_last (tracker, sockets))
    {
      ret = rebuild_table (tracker, sockets, &vanished_owners);
      if (ret < 0)
        {
          tracker->last_inodes_valid = 0;
          goto out;
        }
      remember_inodes (tracker, sockets);
    }

  now = monotonic_seconds ();
  full = force_full || !tracker->has_full_walk
         || now - tracker->last_full_walk >= PS_OWNER_FULL_WALK_INTERVAL;

  if (full || tracker->pending > 0)
    {
      tracker->unresolved_stale = 1;
      proc_fd = open_proc (tracker);
      if (proc_fd < 0)
        {
          ret = proc_fd;
          goto out;
        }
      ret = list_pids (tracker, proc_fd, &pids);
      if (ret < 0)
        goto out;

      if (full)
        {
          local.full_walks++;
          ret = full_walk (tracker, proc_fd, &pids, &local);
          if (ret < 0)
            goto out;
          tracker->has_full_walk = 1;
          tracker->last_full_walk = now;
          ret = 1;
        }
      else
        {
          local.partial_walks++;
          ret = partial_walk (tracker, proc_fd, &pids, &vanished_owners, sockets, &local);
          if (ret < 0)
            goto out;
        }

      /* After a complete walk, what is still unowned cannot be resolved
       * (another user's process, or a socket no process holds). */
      if (ret == 1)
        for (i = 0; i < tracker->cap; i++)
          if (tracker->table[i].inode != 0 && tracker->table[i].state == OWNER_NEW)
            tracker->table[i].state = OWNER_UNRESOLVABLE;
      tracker->pending = 0;
      ret = 0;

      /* The PIDs new to this walk stay young for the next one. */
      tracker->young_pids.len = 0;
      for (i = 0; tracker->has_walked && i < pids.len; i++)
        if (!pid_array_contains (&tracker->prev_pids, pids.items[i])
            && pid_array_push (&tracker->young_pids, pids.items[i]) < 0)
          {
            tracker->young_pids.len = 0;   /* only a hint */
            break;
          }
      free (tracker->prev_pids.items);
      tracker->prev_pids = pids;
      pids.items = NULL;
      tracker->has_walked = 1;
    }

  /* A pass over the whole table (megabytes at 20,000 sockets): only when
   * something could have changed it. */
  if (tracker->unresolved_stale || tracker->cap == 0)
    {
      tracker->unresolved = 0;
      for (i = 0; i < tracker->cap; i++)
        if (tracker->table[i].inode != 0 && tracker->table[i].n_pids == 0)
          tracker->unresolved++;
      tracker->unresolved_stale = 0;
    }
  local.unresolved = (unsigned) tracker->unresolved;

out:
  if (proc_fd >= 0)
    close (proc_fd);
  free (pids.items);
  free (vanished_owners.items);
  if (stats != NULL)
    *stats = local;
  return ret;
}

int
ps_owner_pid_holds_inode (const char *proc_root,
                          int32_t     pid,
                          uint64_t    inode)
{
  char path[4096];
  int dfd;
  int ret = 0;
  uint8_t *dents;

  if (pid <= 0)
    return -EINVAL;
  proc_root = ps_probe_proc_root (proc_root);
  if ((size_t) snprintf (path, sizeof path, "%s/%d/fd", proc_root, (int) pid) >= sizeof path)
    return -ENAMETOOLONG;
  dfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0)
    return errno == ENOENT ? -ESRCH : -errno;

  dents = malloc (DENTS_BUF_SIZE);
  if (dents == NULL)
    {
      close (dfd);
      return -ENOMEM;
    }

  for (;;)
    {
      long n = sys_getdents64 (dfd, dents, DENTS_BUF_SIZE);
      long off = 0;

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          ret = errno == ENOENT ? -ESRCH : -errno;
          break;
        }
      if (n == 0)
        break;
      while (off < n)
        {
          struct linux_dirent64 *d = (struct linux_dirent64 *) (void *) (dents + off);
          char target[32];
          ssize_t len;
          uint64_t found;

          off += d->d_reclen;
          if (d->d_name[0] == '.')
            continue;
          len = readlinkat (dfd, d->d_name, target, sizeof target);
          if (len < 10 || (size_t) len >= sizeof target)
            continue;
          if (ps_owner_parse_socket_link (target, (size_t) len, &found) && found == inode)
            {
              ret = 1;
              goto out;
            }
        }
    }

out:
  free (dents);
  close (dfd);
  return ret;
}

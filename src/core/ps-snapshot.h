/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PS_PROTOCOL_TCP = 6,      /* IPPROTO_TCP */
  PS_PROTOCOL_UDP = 17,     /* IPPROTO_UDP */
} PsProtocol;

typedef enum
{
  PS_OWNER_VISIBLE = 0,     /* owners[] is authoritative (may be empty: e.g. systemd-held) */
  PS_OWNER_HIDDEN_OTHER_USER, /* another user's process and we lack privilege */
  PS_OWNER_HIDDEN_SANDBOX,  /* inside a Flatpak without the host helper */
} PsOwnerHidden;

/* One process that holds a socket.  Immutable once in a snapshot; refcounted
 * (owners are shared between sockets and between snapshots).  Every string is
 * untrusted text from the process: never markup, may be invalid UTF-8. */
typedef struct
{
  gint32 pid;
  gint32 ppid;
  guint32 uid;
  guint64 start_time;       /* clock ticks after boot: (pid, start_time) is identity */
  char state;               /* /proc stat state letter */
  char *name;               /* comm */
  char **argv;              /* NULL-terminated; empty vector when unreadable */
  char *exe;                /* nullable */
  char *cwd;                /* nullable */
  char *user;               /* nullable: uid unknown to /etc/passwd */
  char *unit;               /* systemd unit, nullable */
  gboolean user_unit;       /* unit runs in the user's systemd */
  char *container;          /* "docker:abcdef…", nullable */
} PsOwner;

#define PS_TYPE_OWNER (ps_owner_get_type ())
GType ps_owner_get_type (void) G_GNUC_CONST;
/* Returns a zeroed owner with refcount 1 (argv empty). */
PsOwner *ps_owner_new (void);
PsOwner *ps_owner_ref (PsOwner *owner);
void ps_owner_unref (PsOwner *owner);
/* TRUE when every field is equal. */
gboolean ps_owner_equal (const PsOwner *a,
                         const PsOwner *b);
/* Splits a /proc cmdline (NUL-separated, LEN bytes, final NUL optional: a
 * process may overwrite it) into a NULL-terminated vector (caller frees). */
char **ps_owner_argv_from_cmdline (const char *cmdline,
                                   gsize       len);
/* The command line as one line of text, arguments separated by spaces (caller frees). */
char *ps_owner_dup_command_line (const PsOwner *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsOwner, ps_owner_unref)

/* One socket of a snapshot.  Addresses in network byte order (IPv4 in the
 * first 4 bytes), ports in host byte order. */
typedef struct
{
  PsProtocol protocol;
  int family;               /* AF_INET or AF_INET6 */
  guint8 state;             /* kernel TCP_* state */
  guint8 v6only;            /* 0 no, 1 yes, 2 unknown */
  guint16 port;
  guint8 address[16];
  guint8 remote_address[16];
  guint16 remote_port;
  guint32 ifindex;
  guint32 uid;
  guint64 inode;
  guint64 cookie;
  char *user;               /* name of uid, nullable */
  char *address_text;       /* "127.0.0.1", "::", "fe80::1%eth0" */
  PsOwnerHidden owner_hidden;
  GPtrArray *owners;        /* of PsOwner*, never NULL, may be empty */
} PsSocket;

/* The result of one scan: sockets sorted by ps_socket_compare().  Refcounted,
 * immutable after ps_snapshot_sort(); safe to pass between threads. */
typedef struct _PsSnapshot PsSnapshot;

#define PS_TYPE_SNAPSHOT (ps_snapshot_get_type ())
GType ps_snapshot_get_type (void) G_GNUC_CONST;

/* Returns a new empty snapshot, refcount 1. */
PsSnapshot *ps_snapshot_new (void);
PsSnapshot *ps_snapshot_ref (PsSnapshot *self);
void ps_snapshot_unref (PsSnapshot *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsSnapshot, ps_snapshot_unref)

/* Building (one thread, before sharing): appends a zeroed socket owned by the
 * snapshot (owners array created), then call ps_snapshot_sort() once.  Sorting
 * keeps one socket per key (a dump under churn can repeat a socket): pointers
 * returned by ps_snapshot_add() are not to be used after it. */
PsSocket *ps_snapshot_add (PsSnapshot *self);
void ps_snapshot_sort (PsSnapshot *self);

guint ps_snapshot_get_n_sockets (const PsSnapshot *self);
/* Returns socket I (owned by the snapshot). */
const PsSocket *ps_snapshot_get_socket (const PsSnapshot *self,
                                        guint             i);
/* Binary search by key; returns the index or -1. */
gint ps_snapshot_find (const PsSnapshot *self,
                       const PsSocket   *key);

/* Scan facts that travel with a snapshot. */
gint64 ps_snapshot_get_timestamp (const PsSnapshot *self);     /* monotonic µs */
void ps_snapshot_set_timestamp (PsSnapshot *self,
                                gint64      timestamp);
/* Number of sockets whose owners are hidden (for the banner). */
guint ps_snapshot_get_n_hidden (const PsSnapshot *self);
/* Whether owners came at all (FALSE before the first /proc walk ends: sockets
 * from the dump are shown first). */
gboolean ps_snapshot_get_owners_complete (const PsSnapshot *self);
void ps_snapshot_set_owners_complete (PsSnapshot *self,
                                      gboolean    complete);
/* The kernel interface used: "netlink" or "procnet". */
const char *ps_snapshot_get_source (const PsSnapshot *self);
void ps_snapshot_set_source (PsSnapshot *self,
                             const char *source);

/* The stable sort key: protocol, family, local address, port, inode (then
 * remote address and port for connections). */
int ps_socket_compare (const PsSocket *a,
                       const PsSocket *b);
/* TRUE when everything that is shown is equal (state, uid, owners...). */
gboolean ps_socket_equal (const PsSocket *a,
                          const PsSocket *b);

/* The difference between two snapshots, as index lists. */
typedef struct
{
  GArray *added;            /* guint indices into NEW */
  GArray *removed;          /* guint indices into OLD */
  GArray *changed_old;      /* guint indices into OLD ... */
  GArray *changed_new;      /* ... and the matching ones in NEW */
} PsSnapshotDiff;

/* OLD may be NULL (everything added).  Linear merge of the two sorted arrays;
 * OLD == NEW_ (a scanner's reused snapshot) is empty at once.
 * Caller frees with ps_snapshot_diff_free(). */
PsSnapshotDiff *ps_snapshot_diff (const PsSnapshot *old,
                                  const PsSnapshot *new_);
void ps_snapshot_diff_free (PsSnapshotDiff *diff);
gboolean ps_snapshot_diff_is_empty (const PsSnapshotDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsSnapshotDiff, ps_snapshot_diff_free)

/* Helpers for text. */
const char *ps_protocol_to_string (PsProtocol protocol);  /* "tcp" / "udp" */
const char *ps_family_to_string (int family);             /* "ipv4" / "ipv6" */
const char *ps_socket_state_to_string (guint8 state);     /* "listen", "established"... */

G_END_DECLS

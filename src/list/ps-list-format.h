/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-list-format.h: the text of `portscope --list` and `--watch`, in plain C.
 *
 * The one implementation of the table, the --watch lines and the JSON
 * document (format in src/core/ps-json.h).  `portscope` (no GLib) fills these
 * records from a probe scan; the GLib CLI from a PsSnapshot (ps_list_view_init
 * in ps-json.h).  Every string is borrowed and untrusted; the writers escape. */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "ps-utext.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same values as PsOwnerHidden. */
enum
{
  PS_LIST_OWNER_VISIBLE = 0,
  PS_LIST_OWNER_HIDDEN_OTHER_USER = 1,
  PS_LIST_OWNER_HIDDEN_SANDBOX = 2,
};

typedef struct
{
  int32_t pid;
  uint32_t uid;
  uint64_t start_time;
  const char *name;              /* comm; NULL shows as "" */
  const char *const *argv;       /* NULL-terminated; nullable */
  const char *user;              /* nullable */
  const char *unit;              /* nullable */
  const char *container;         /* nullable */
} PsListOwner;

typedef struct
{
  uint8_t protocol;              /* IPPROTO_TCP or IPPROTO_UDP */
  uint8_t family;                /* AF_INET or AF_INET6 */
  uint8_t state;                 /* kernel TCP_* state */
  uint8_t v6only;                /* 0 no, 1 yes, 2 unknown */
  uint16_t port;
  uint16_t remote_port;
  const uint8_t *remote_address; /* 16 bytes, network order */
  uint32_t uid;
  uint64_t inode;
  const char *user;              /* nullable */
  const char *address_text;      /* nullable */
  int owner_hidden;              /* PS_LIST_OWNER_* */
  const PsListOwner *owners;
  size_t n_owners;
} PsListSocket;

/* Names used in the output. */
const char *ps_list_protocol_name (int protocol);     /* "tcp" / "udp" / "unknown" */
const char *ps_list_family_name (int family);         /* "ipv4" / "ipv6" / "unknown" */
const char *ps_list_tcp_state_name (unsigned state);  /* "listen", "established"... */
/* The state as the table and the JSON show it (UDP: "connected"/"unconnected"). */
const char *ps_list_state_name (const PsListSocket *socket);
/* TRUE (1) for a TCP socket not in LISTEN or a connected UDP socket. */
int ps_list_is_connection (const PsListSocket *socket);

/* The table of --list: a header, then one row per socket; columns PROTO
 * ADDRESS PORT PID PROCESS USER (and STATE REMOTE with CONNECTIONS), padded
 * to the widest cell plus two spaces. */
typedef struct
{
  PsBuf cells;                   /* every cell, NUL-terminated, row after row */
  size_t n_rows;
  unsigned n_columns;
  size_t widths[8];
} PsListTable;

void ps_list_table_init (PsListTable *table,
                         int          connections);
void ps_list_table_add (PsListTable        *table,
                        const PsListSocket *socket);
/* Writes the table to OUT and flushes it.  Returns 0, or -1 on a write error. */
int ps_list_table_write (PsListTable *table,
                         FILE        *out);
void ps_list_table_clear (PsListTable *table);

/* Appends one --watch line (no newline): SIGN ("+", "-", "~") then the
 * table's cells separated by single spaces. */
void ps_list_event_line (PsBuf              *out,
                         const char         *sign,
                         const PsListSocket *socket);

/* A streaming JSON writer in json-glib's shape (pretty: two spaces,
 * "key" : value). */
typedef struct
{
  PsBuf *buf;
  int pretty;
  unsigned depth;
  int first;                     /* no member or element yet at this depth */
} PsJsonWriter;

void ps_json_writer_init (PsJsonWriter *w,
                          PsBuf        *buf,
                          int           pretty);
/* Starts a member (KEY non-NULL) or an array element (KEY NULL). */
void ps_json_writer_key (PsJsonWriter *w,
                         const char   *key);
void ps_json_writer_begin (PsJsonWriter *w,
                           char          open);
void ps_json_writer_end (PsJsonWriter *w,
                         char          close);
/* VALUE NULL writes null. */
void ps_json_writer_string (PsJsonWriter *w,
                            const char   *key,
                            const char   *value);
void ps_json_writer_int (PsJsonWriter *w,
                         const char   *key,
                         int64_t       value);

/* SOCKET as an object (member KEY, or an element when KEY is NULL). */
void ps_list_json_socket (PsJsonWriter       *w,
                          const char         *key,
                          const PsListSocket *socket);
/* {"version" : 1, "sockets" : [ ... ]}: begin, sockets, end. */
void ps_list_json_document_begin (PsJsonWriter *w);
void ps_list_json_document_end (PsJsonWriter *w);

#ifdef __cplusplus
}
#endif

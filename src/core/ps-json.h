/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON output of the CLI (json-glib).  The format, version 1:
 *
 *   {"version": 1, "sockets": [SOCKET, ...]}
 *   SOCKET = {"protocol": "tcp"|"udp", "family": "ipv4"|"ipv6", "address": "::1",
 *             "port": 8080, "state": "listen", "inode": 1234, "uid": 1000,
 *             "user": "alice"|null, "v6only": true|false|null,
 *             "owners": [{"pid", "name", "cmdline": [...], "uid", "user",
 *                         "start_time", "unit", "container"}],
 *             "owner_hidden": null|"other-user"|"sandbox"}
 *   A connection (--all, a TCP state other than listen) also carries
 *   "remote_address" and "remote_port".  UDP's unconnected state is "unconnected".
 *
 *   --watch prints one EVENT per line: {"event": "added"|"removed"|"changed", "socket": SOCKET}
 */
#pragma once

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "ps-list-format.h"
#include "ps-snapshot.h"

G_BEGIN_DECLS

/* Returns a new JSON object node for SOCKET (caller frees with json_node_unref). */
JsonNode *ps_json_socket_to_node (const PsSocket *socket);

/* Returns the whole-snapshot document (caller frees with json_node_unref).
 * PORT >= 0 keeps only sockets on that local port. */
JsonNode *ps_json_snapshot_to_node (const PsSnapshot *snapshot,
                                    int               port);

/* Writes the document and a newline to OUT as it is produced (no tree in
 * memory: use it for whole snapshots).  Returns FALSE on a write error. */
gboolean ps_json_snapshot_write (const PsSnapshot *snapshot,
                                 int               port,
                                 gboolean          pretty,
                                 FILE             *out);

/* Returns the document as text (caller frees); PRETTY indents it. */
char *ps_json_snapshot_to_string (const PsSnapshot *snapshot,
                                  int               port,
                                  gboolean          pretty);

/* Returns one --watch event as a single line without a newline (caller frees).
 * EVENT is "added", "removed" or "changed". */
char *ps_json_event_to_string (const char     *event,
                               const PsSocket *socket);

/* SOCKET seen as the record of the shared text writers (ps-list-format.h,
 * also used by `portscope --list`, which has no GLib): borrowed pointers,
 * valid while SOCKET is.  Clear with ps_list_view_clear. */
typedef struct
{
  PsListSocket socket;
  PsListOwner *owners;
  PsListOwner stack[4];
} PsListView;

void ps_list_view_init (PsListView     *view,
                        const PsSocket *socket);
void ps_list_view_clear (PsListView *view);

/* The state as the JSON and the table name it ("listen", "unconnected"...). */
const char *ps_json_state_name (const PsSocket *socket);

G_END_DECLS

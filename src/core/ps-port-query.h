/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What people type or paste to name a port: a number, or an address with a
 * port as logs, browsers, ss, netstat and firewalls print it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses TEXT as a port, strictly (no surrounding space; the port in decimal
 * digits only, 0..65535):
 *   8080                  :8080               8080/tcp  8080/udp
 *   127.0.0.1:8080        localhost:8080      *:8080    0.0.0.0:8080
 *   [::1]:8080            [fe80::1%eth0]:22   127.0.0.53%lo:53 (ss)
 *   :::22 (netstat's [::]:22; never a bare IPv6 address such as ::1:631,
 *         which is an address and not a port)
 *   http://localhost:3000/path  (a URL without a port: 80 for http and ws,
 *                                443 for https and wss)
 * Sets *PORT (nullable) and returns TRUE; returns FALSE for anything else. */
gboolean ps_port_query_parse (const char *text,
                              guint      *port);

G_END_DECLS

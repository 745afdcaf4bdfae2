/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port knowledge: ranges, services, reach, security notes.  Pure functions
 * over data compiled in (plus /etc/services and the ephemeral range). */
#pragma once

#include <glib.h>

#include "ps-snapshot.h"

G_BEGIN_DECLS

typedef enum
{
  PS_PORT_RANGE_WELL_KNOWN,   /* 0–1023 */
  PS_PORT_RANGE_REGISTERED,   /* 1024–49151 */
  PS_PORT_RANGE_DYNAMIC,      /* 49152–65535 */
} PsPortRange;

PsPortRange ps_port_range (guint port);
/* "Well-known", "Registered", "Dynamic" (translated, static). */
const char *ps_port_range_name (PsPortRange range);
/* A sentence: "Dynamic, 49152–65535: usually handed out by the system for
 * temporary services" (caller frees). */
char *ps_port_range_describe (guint port);

/* This machine's ephemeral range from /proc/sys/net/ipv4/ip_local_port_range
 * ($PORTSCOPE_PROC_ROOT honoured).  Falls back to Linux's default 32768–60999
 * and returns FALSE when unreadable or malformed. */
gboolean ps_ephemeral_range (guint *low,
                             guint *high);
/* "Inside this computer's temporary (ephemeral) range, 32768–60999: …" or NULL
 * when PORT lies outside it (caller frees). */
char *ps_ephemeral_describe (guint port);

typedef enum
{
  PS_SERVICE_KIND_OTHER,
  PS_SERVICE_KIND_DATABASE,
  PS_SERVICE_KIND_DEBUGGER,
  PS_SERVICE_KIND_DEV_SERVER,
  PS_SERVICE_KIND_CONTAINER_API,
  PS_SERVICE_KIND_REMOTE_ACCESS,   /* SSH, RDP, VNC */
  PS_SERVICE_KIND_NAME_SERVICE,    /* DNS, mDNS, LLMNR */
  PS_SERVICE_KIND_PRINTING,
  PS_SERVICE_KIND_WEB,
  PS_SERVICE_KIND_MAIL,
  PS_SERVICE_KIND_FILE_SHARING,
} PsServiceKind;

/* Bits of PsServiceInfo.protocols. */
#define PS_SERVICE_TCP (1u << 0)
#define PS_SERVICE_UDP (1u << 1)

typedef struct
{
  guint16 port;
  guint8 protocols;            /* PS_SERVICE_TCP | PS_SERVICE_UDP */
  PsServiceKind kind;
  gboolean plaintext;          /* sends credentials/data unencrypted */
  const char *name;            /* "PostgreSQL" (not translated) */
  const char *description;     /* one plain-language line (translatable, N_()) */
} PsServiceInfo;

/* The curated table first.  Returns NULL when unknown there (static data). */
const PsServiceInfo *ps_service_lookup_curated (guint      port,
                                                PsProtocol protocol);
/* The whole curated table, sorted by port (static data; for tests and tools). */
const PsServiceInfo *ps_service_curated_entries (gsize *n_entries);
/* Curated, then /etc/services ($PORTSCOPE_SERVICES overrides the path).
 * Returns a display name ("PostgreSQL", "http-alt") or NULL; caller frees.
 * DESCRIPTION (nullable out) gets the translated line or NULL. */
char *ps_service_describe (guint        port,
                           PsProtocol   protocol,
                           char       **description);

typedef enum
{
  PS_SCOPE_LOOPBACK,           /* 127.0.0.0/8, ::1, ::ffff:127.x */
  PS_SCOPE_WILDCARD,           /* 0.0.0.0, :: */
  PS_SCOPE_PRIVATE,            /* 10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10 */
  PS_SCOPE_LINK_LOCAL,         /* 169.254/16, fe80::/10 */
  PS_SCOPE_PUBLIC,
} PsScope;

PsScope ps_scope_for_address (int           family,
                              const guint8 *address);

typedef enum
{
  PS_EXPOSURE_THIS_COMPUTER,
  PS_EXPOSURE_LOCAL_NETWORK,
  PS_EXPOSURE_ALL_NETWORKS,
} PsExposure;

PsExposure ps_exposure_for_scope (PsScope scope);
PsExposure ps_socket_get_exposure (const PsSocket *socket);
/* "This computer", "Local network", "All networks" (translated, static). */
const char *ps_exposure_label (PsExposure exposure);
/* A symbolic icon name for the exposure. */
const char *ps_exposure_icon_name (PsExposure exposure);
/* The reach in a sentence or two, for the detail pane (caller frees). */
char *ps_socket_describe_reach (const PsSocket *socket);

typedef enum
{
  PS_SEVERITY_INFO,
  PS_SEVERITY_WARNING,
  PS_SEVERITY_DANGER,
} PsSeverity;

typedef struct
{
  PsSeverity severity;
  char *id;                    /* stable rule id: "exposed-database", "debugger" … */
  char *title;                 /* short, translated */
  char *advice;                /* one sentence: what to do */
} PsSecurityNote;

void ps_security_note_free (PsSecurityNote *note);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsSecurityNote, ps_security_note_free)

/* The notes that apply to SOCKET, most severe first (array of PsSecurityNote*,
 * caller frees; empty when nothing applies). */
GPtrArray *ps_security_notes (const PsSocket *socket);

/* "ss -ltnp 'sport = :8080'" and "lsof -nP -iTCP:8080 -sTCP:LISTEN" (caller frees). */
char *ps_socket_ss_command (const PsSocket *socket);
char *ps_socket_lsof_command (const PsSocket *socket);

/* URLs the socket answers on for "Open in Browser": NULL unless TCP, listening,
 * and on loopback or wildcard; only "http://127.0.0.1:N/" or "http://[::1]:N/"
 * (caller frees). */
char *ps_socket_browser_url (const PsSocket *socket);

G_END_DECLS

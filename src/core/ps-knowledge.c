/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port knowledge: what a port number, an address and an owner mean.  Pure
 * functions over tables compiled in, plus /etc/services (parsed once per
 * path, under a lock) and this machine's ephemeral port range. */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "ps-knowledge.h"

#define EPHEMERAL_DEFAULT_LOW 32768
#define EPHEMERAL_DEFAULT_HIGH 60999

/* Ranges */

PsPortRange
ps_port_range (guint port)
{
  g_return_val_if_fail (port <= G_MAXUINT16, PS_PORT_RANGE_DYNAMIC);

  if (port <= 1023)
    return PS_PORT_RANGE_WELL_KNOWN;
  if (port <= 49151)
    return PS_PORT_RANGE_REGISTERED;
  return PS_PORT_RANGE_DYNAMIC;
}

const char *
ps_port_range_name (PsPortRange range)
{
  switch (range)
    {
    case PS_PORT_RANGE_WELL_KNOWN:
      /* Translators: the IANA port range 0–1023 */
      return _("Well-known");
    case PS_PORT_RANGE_REGISTERED:
      /* Translators: the IANA port range 1024–49151 */
      return _("Registered");
    case PS_PORT_RANGE_DYNAMIC:
      /* Translators: the IANA port range 49152–65535 */
      return _("Dynamic");
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
ps_port_range_describe (guint port)
{
  g_return_val_if_fail (port <= G_MAXUINT16, NULL);

  switch (ps_port_range (port))
    {
    case PS_PORT_RANGE_WELL_KNOWN:
      /* Translators: binding a port below 1024 needs root (CAP_NET_BIND_SERVICE) */
      return g_strdup (_("Well-known, 0–1023: only administrators can open these"));
    case PS_PORT_RANGE_REGISTERED:
      return g_strdup (_("Registered, 1024–49151: any program can open these; many are "
                         "assigned to particular services"));
    case PS_PORT_RANGE_DYNAMIC:
      return g_strdup (_("Dynamic, 49152–65535: usually handed out by the system for "
                         "temporary services"));
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Parses a decimal number of at most 5 digits and at most 65535; advances P. */
static gboolean
parse_port_number (const char **p,
                   guint       *out)
{
  const char *s = *p;
  guint value = 0;
  guint digits = 0;

  while (g_ascii_isdigit (*s))
    {
      if (++digits > 5)
        return FALSE;
      value = value * 10 + (guint) (*s - '0');
      s++;
    }
  if (digits == 0 || value > G_MAXUINT16)
    return FALSE;

  *p = s;
  *out = value;
  return TRUE;
}

/* "LOW<blanks>HIGH" with optional surrounding whitespace, nothing else. */
static gboolean
parse_port_range (const char *text,
                  gsize       length,
                  guint      *low,
                  guint      *high)
{
  const char *p = text;
  guint a, b;

  if (memchr (text, '\0', length) != NULL)
    return FALSE;

  while (g_ascii_isspace (*p))
    p++;
  if (!parse_port_number (&p, &a))
    return FALSE;
  if (*p != ' ' && *p != '\t')
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!parse_port_number (&p, &b))
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || a > b)
    return FALSE;

  *low = a;
  *high = b;
  return TRUE;
}

gboolean
ps_ephemeral_range (guint *low,
                    guint *high)
{
  const char *root = g_getenv ("PORTSCOPE_PROC_ROOT");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint a = EPHEMERAL_DEFAULT_LOW;
  guint b = EPHEMERAL_DEFAULT_HIGH;
  gboolean ok = FALSE;

  if (root == NULL || *root == '\0')
    root = "/proc";
  path = g_build_filename (root, "sys", "net", "ipv4", "ip_local_port_range", NULL);

  if (g_file_get_contents (path, &contents, &length, NULL) && length <= 64)
    ok = parse_port_range (contents, length, &a, &b);
  if (!ok)
    {
      a = EPHEMERAL_DEFAULT_LOW;
      b = EPHEMERAL_DEFAULT_HIGH;
    }

  if (low != NULL)
    *low = a;
  if (high != NULL)
    *high = b;
  return ok;
}

char *
ps_ephemeral_describe (guint port)
{
  guint low, high;
  gboolean known;
  const char *origin = NULL;

  g_return_val_if_fail (port <= G_MAXUINT16, NULL);

  known = ps_ephemeral_range (&low, &high);
  if (port < low || port > high)
    return NULL;

  if (!known)
    /* Translators: a remark after a port range, in parentheses */
    origin = _("Linux's default; this computer's setting could not be read");
  else if (low == EPHEMERAL_DEFAULT_LOW && high == EPHEMERAL_DEFAULT_HIGH)
    /* Translators: a remark after a port range, in parentheses */
    origin = _("Linux's default");

  if (origin != NULL)
    /* Translators: %u–%u is a port range such as 32768–60999, %s a remark such as "Linux's default" */
    return g_strdup_printf (_("Inside this computer's range of temporary ports, %u–%u (%s), "
                              "used for outgoing connections and for ports the system "
                              "assigns automatically: the system probably picked this one, "
                              "and may pick a different one next time"),
                            low, high, origin);

  /* Translators: %u–%u is a port range such as 32768–60999 */
  return g_strdup_printf (_("Inside this computer's range of temporary ports, %u–%u, "
                            "used for outgoing connections and for ports the system "
                            "assigns automatically: the system probably picked this one, "
                            "and may pick a different one next time"),
                          low, high);
}

/* Services */

#define T PS_SERVICE_TCP
#define U PS_SERVICE_UDP

/* What people really meet, sorted by port (then protocols).  Descriptions
 * are one plain-language line each, without a final period. */
static const PsServiceInfo curated_services[] = {
  /* Translators: the descriptions below are one line each about a network
     service, shown under its name; keep them short, without a final period */
  { 21, T, PS_SERVICE_KIND_FILE_SHARING, TRUE, "FTP",
    N_("File transfer without encryption: passwords and files cross the network readable") },
  { 22, T, PS_SERVICE_KIND_REMOTE_ACCESS, FALSE, "SSH",
    N_("Secure Shell: encrypted remote login, commands and file transfer") },
  { 23, T, PS_SERVICE_KIND_REMOTE_ACCESS, TRUE, "Telnet",
    N_("Remote login without encryption: passwords cross the network readable") },
  { 25, T, PS_SERVICE_KIND_MAIL, FALSE, "SMTP",
    N_("Mail delivery between mail servers") },
  { 53, T | U, PS_SERVICE_KIND_NAME_SERVICE, FALSE, "DNS",
    N_("Domain name lookups; on 127.0.0.53 and 127.0.0.54 it is systemd-resolved, "
       "this computer's own resolver") },
  { 67, U, PS_SERVICE_KIND_OTHER, FALSE, "DHCP server",
    N_("Hands out network addresses to other devices") },
  { 68, U, PS_SERVICE_KIND_OTHER, FALSE, "DHCP client",
    N_("This computer asking the network for an address") },
  { 69, U, PS_SERVICE_KIND_FILE_SHARING, TRUE, "TFTP",
    N_("Trivial file transfer, with no password and no encryption; used to boot over the network") },
  { 80, T, PS_SERVICE_KIND_WEB, TRUE, "HTTP",
    N_("Web server, unencrypted") },
  { 110, T, PS_SERVICE_KIND_MAIL, TRUE, "POP3",
    N_("Mail download, unencrypted") },
  { 111, T | U, PS_SERVICE_KIND_OTHER, FALSE, "rpcbind",
    N_("Tells clients where NFS and other RPC services listen") },
  { 123, U, PS_SERVICE_KIND_OTHER, FALSE, "NTP",
    N_("Network time: keeps the clock right") },
  { 137, U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "NetBIOS Name Service",
    N_("Windows-style computer names on the local network (Samba)") },
  { 138, U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "NetBIOS Datagram",
    N_("Windows-style network browsing (Samba)") },
  { 139, T, PS_SERVICE_KIND_FILE_SHARING, FALSE, "NetBIOS Session",
    N_("Old-style Windows file and printer sharing (Samba)") },
  { 143, T, PS_SERVICE_KIND_MAIL, TRUE, "IMAP",
    N_("Mail access, unencrypted unless the client asks for STARTTLS") },
  { 161, U, PS_SERVICE_KIND_OTHER, TRUE, "SNMP",
    N_("Device monitoring; older versions send their password (community) readable") },
  { 389, T | U, PS_SERVICE_KIND_OTHER, TRUE, "LDAP",
    N_("Directory of users and groups, unencrypted unless STARTTLS is used") },
  { 443, T | U, PS_SERVICE_KIND_WEB, FALSE, "HTTPS",
    N_("Web server, encrypted") },
  { 445, T, PS_SERVICE_KIND_FILE_SHARING, FALSE, "SMB",
    N_("Windows file and printer sharing (Samba)") },
  { 465, T, PS_SERVICE_KIND_MAIL, FALSE, "SMTPS",
    N_("Sending mail from a mail program, encrypted") },
  { 587, T, PS_SERVICE_KIND_MAIL, FALSE, "SMTP submission",
    N_("Sending mail from a mail program") },
  { 631, T, PS_SERVICE_KIND_PRINTING, FALSE, "IPP (CUPS)",
    N_("Printing service: CUPS, with its web page for printers and jobs") },
  { 631, U, PS_SERVICE_KIND_PRINTING, FALSE, "CUPS browsing",
    N_("Finds printers shared on the local network") },
  { 636, T, PS_SERVICE_KIND_OTHER, FALSE, "LDAPS",
    N_("Directory of users and groups, encrypted") },
  { 873, T, PS_SERVICE_KIND_FILE_SHARING, TRUE, "rsync",
    N_("rsync daemon: file synchronisation, unencrypted") },
  { 993, T, PS_SERVICE_KIND_MAIL, FALSE, "IMAPS",
    N_("Mail access, encrypted") },
  { 995, T, PS_SERVICE_KIND_MAIL, FALSE, "POP3S",
    N_("Mail download, encrypted") },
  { 1194, T | U, PS_SERVICE_KIND_OTHER, FALSE, "OpenVPN",
    N_("OpenVPN: an encrypted tunnel into a network") },
  { 1433, T, PS_SERVICE_KIND_DATABASE, FALSE, "Microsoft SQL Server",
    N_("Microsoft SQL Server database") },
  { 1521, T, PS_SERVICE_KIND_DATABASE, FALSE, "Oracle Database",
    N_("Oracle database listener") },
  { 1716, T | U, PS_SERVICE_KIND_OTHER, FALSE, "KDE Connect",
    N_("KDE Connect / GSConnect: pairs this computer with your phone") },
  { 1883, T, PS_SERVICE_KIND_OTHER, TRUE, "MQTT",
    N_("MQTT message broker (such as Mosquitto) for smart-home and IoT devices, unencrypted") },
  { 1900, U, PS_SERVICE_KIND_OTHER, FALSE, "SSDP (UPnP)",
    N_("UPnP discovery: media servers, TVs and routers announce themselves") },
  { 2049, T | U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "NFS",
    N_("Network File System: shares folders with other computers") },
  { 2375, T, PS_SERVICE_KIND_CONTAINER_API, TRUE, "Docker API",
    N_("Docker's API without encryption or password: whoever connects has full root control") },
  { 2376, T, PS_SERVICE_KIND_CONTAINER_API, FALSE, "Docker API (TLS)",
    N_("Docker's API over TLS: clients with a trusted certificate have full root control") },
  { 3000, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Development server",
    N_("A development server: Node.js, React, Next.js, Rails or Grafana often use it") },
  { 3001, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Development server",
    N_("A development server, often the second one of a Node.js or React project") },
  { 3128, T, PS_SERVICE_KIND_WEB, TRUE, "HTTP proxy",
    N_("Web proxy such as Squid") },
  { 3306, T, PS_SERVICE_KIND_DATABASE, FALSE, "MySQL / MariaDB",
    N_("MySQL or MariaDB database") },
  { 3389, T | U, PS_SERVICE_KIND_REMOTE_ACCESS, FALSE, "RDP",
    N_("Remote Desktop: shows and controls this computer's screen from elsewhere") },
  { 3702, U, PS_SERVICE_KIND_OTHER, FALSE, "WS-Discovery",
    N_("Lets Windows computers find this one, its shares and printers on the local network") },
  { 4200, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Angular dev server",
    N_("Angular's development server (ng serve)") },
  { 5000, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Development server",
    N_("A development server, often Flask; on macOS, the AirPlay receiver") },
  { 5005, T, PS_SERVICE_KIND_DEBUGGER, FALSE, "JDWP",
    N_("Java debugger (JDWP): whoever connects can run code in the Java program") },
  { 5173, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Vite dev server",
    N_("Vite's development server") },
  { 5353, U, PS_SERVICE_KIND_NAME_SERVICE, FALSE, "mDNS",
    N_("Multicast DNS (Avahi): finds printers and other devices by name on the local network") },
  { 5355, T | U, PS_SERVICE_KIND_NAME_SERVICE, FALSE, "LLMNR",
    N_("Link-local name lookups, the Windows way (systemd-resolved)") },
  { 5432, T, PS_SERVICE_KIND_DATABASE, FALSE, "PostgreSQL",
    N_("PostgreSQL database") },
  { 5672, T, PS_SERVICE_KIND_OTHER, TRUE, "AMQP",
    N_("Message broker such as RabbitMQ, unencrypted") },
  { 5678, T, PS_SERVICE_KIND_DEBUGGER, FALSE, "debugpy",
    N_("Python debugger (debugpy): whoever connects can run code in the Python program") },
  { 5900, T, PS_SERVICE_KIND_REMOTE_ACCESS, TRUE, "VNC",
    N_("Remote desktop (VNC): shows and controls a screen, usually without encryption") },
  { 6379, T, PS_SERVICE_KIND_DATABASE, TRUE, "Redis",
    N_("Redis in-memory database, without TLS by default") },
  { 6443, T, PS_SERVICE_KIND_CONTAINER_API, FALSE, "Kubernetes API",
    N_("Kubernetes API server: controls the cluster's containers") },
  { 8000, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Development server",
    N_("A development server, often Python's http.server or Django") },
  { 8080, T, PS_SERVICE_KIND_WEB, TRUE, "HTTP alternate",
    N_("Second web server port: proxies, Tomcat, Jenkins, development servers") },
  { 8384, T, PS_SERVICE_KIND_FILE_SHARING, FALSE, "Syncthing GUI",
    N_("Syncthing's web interface") },
  { 8443, T, PS_SERVICE_KIND_WEB, FALSE, "HTTPS alternate",
    N_("Second encrypted web server port, often an admin interface") },
  { 8888, T, PS_SERVICE_KIND_DEV_SERVER, TRUE, "Jupyter",
    N_("Jupyter notebook server: runs code for whoever has its token") },
  { 9000, T, PS_SERVICE_KIND_OTHER, FALSE, "PHP-FPM / MinIO / Portainer",
    N_("Often PHP-FPM, MinIO, Portainer or SonarQube") },
  { 9090, T, PS_SERVICE_KIND_OTHER, FALSE, "Prometheus / Cockpit",
    N_("Prometheus monitoring, or Cockpit, the web console that administers this computer") },
  { 9092, T, PS_SERVICE_KIND_OTHER, TRUE, "Kafka",
    N_("Apache Kafka message broker, unencrypted by default") },
  { 9200, T, PS_SERVICE_KIND_DATABASE, FALSE, "Elasticsearch",
    N_("Elasticsearch (or OpenSearch) search database") },
  { 9222, T, PS_SERVICE_KIND_DEBUGGER, FALSE, "Chrome DevTools",
    N_("Browser remote debugging: whoever connects can drive the browser, logged-in sites included") },
  { 9229, T, PS_SERVICE_KIND_DEBUGGER, FALSE, "Node.js inspector",
    N_("Node.js debugger: whoever connects can run code in the Node.js process") },
  { 11211, T | U, PS_SERVICE_KIND_DATABASE, TRUE, "memcached",
    N_("memcached cache, with no password and no encryption") },
  { 11434, T, PS_SERVICE_KIND_OTHER, TRUE, "Ollama",
    N_("Ollama, a local AI model server; its API has no password") },
  { 17500, T | U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "Dropbox LAN sync",
    N_("Dropbox finding other computers on the local network to sync with") },
  { 21027, U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "Syncthing discovery",
    N_("Syncthing finding other devices on the local network") },
  { 22000, T | U, PS_SERVICE_KIND_FILE_SHARING, FALSE, "Syncthing",
    N_("Syncthing file synchronisation, encrypted") },
  { 24800, T, PS_SERVICE_KIND_REMOTE_ACCESS, FALSE, "Barrier / Synergy",
    N_("Shares this keyboard and mouse with other computers (Barrier, Synergy, Input Leap)") },
  { 25565, T, PS_SERVICE_KIND_OTHER, FALSE, "Minecraft",
    N_("Minecraft game server") },
  { 27017, T, PS_SERVICE_KIND_DATABASE, FALSE, "MongoDB",
    N_("MongoDB database") },
  { 51820, U, PS_SERVICE_KIND_OTHER, FALSE, "WireGuard",
    N_("WireGuard VPN: an encrypted tunnel that answers only known keys") },
  { 57621, T | U, PS_SERVICE_KIND_OTHER, FALSE, "Spotify",
    N_("Spotify finding your other devices on the local network") },
};

#undef T
#undef U

const PsServiceInfo *
ps_service_curated_entries (gsize *n_entries)
{
  g_return_val_if_fail (n_entries != NULL, NULL);

  *n_entries = G_N_ELEMENTS (curated_services);
  return curated_services;
}

static guint8
protocol_bit (PsProtocol protocol)
{
  switch (protocol)
    {
    case PS_PROTOCOL_TCP:
      return PS_SERVICE_TCP;
    case PS_PROTOCOL_UDP:
      return PS_SERVICE_UDP;
    default:
      return 0;
    }
}

static int
compare_service_port (const void *key,
                      const void *element)
{
  guint port = *(const guint *) key;
  const PsServiceInfo *info = element;

  return (port > info->port) - (port < info->port);
}

const PsServiceInfo *
ps_service_lookup_curated (guint      port,
                           PsProtocol protocol)
{
  const PsServiceInfo *hit;
  gsize i;
  guint8 bit = protocol_bit (protocol);

  g_return_val_if_fail (bit != 0, NULL);

  if (port > G_MAXUINT16)
    return NULL;

  hit = bsearch (&port, curated_services, G_N_ELEMENTS (curated_services),
                 sizeof curated_services[0], compare_service_port);
  if (hit == NULL)
    return NULL;

  /* A port may have one entry per protocol: look at its neighbours. */
  i = (gsize) (hit - curated_services);
  while (i > 0 && curated_services[i - 1].port == port)
    i--;
  for (; i < G_N_ELEMENTS (curated_services) && curated_services[i].port == port; i++)
    {
      if (curated_services[i].protocols & bit)
        return &curated_services[i];
    }
  return NULL;
}

/* /etc/services, parsed once per path.  Keys are port << 8 | protocol bit. */
static GMutex services_lock;
static char *services_path;
static GHashTable *services_table;   /* nullable: file missing */

static GHashTable *
services_parse (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *table;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  table = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *hash = strchr (line, '#');
      g_auto(GStrv) fields = NULL;
      g_autofree char *name = NULL;
      char *spec = NULL;
      char *slash;
      guint64 port;
      guint8 bit;
      guint n = 0;
      gpointer key;

      if (hash != NULL)
        *hash = '\0';
      g_strdelimit (line, "\t\r", ' ');
      fields = g_strsplit (line, " ", -1);

      /* The first two non-empty fields: name and port/protocol. */
      for (guint j = 0; fields[j] != NULL && n < 2; j++)
        {
          if (fields[j][0] == '\0')
            continue;
          if (n == 0)
            name = g_strdup (fields[j]);
          else
            spec = fields[j];
          n++;
        }
      if (n < 2)
        continue;

      slash = strchr (spec, '/');
      if (slash == NULL)
        continue;
      *slash = '\0';
      if (g_ascii_strcasecmp (slash + 1, "tcp") == 0)
        bit = PS_SERVICE_TCP;
      else if (g_ascii_strcasecmp (slash + 1, "udp") == 0)
        bit = PS_SERVICE_UDP;
      else
        continue;
      if (!g_ascii_string_to_unsigned (spec, 10, 0, G_MAXUINT16, &port, NULL))
        continue;
      if (!g_utf8_validate (name, -1, NULL))
        continue;

      /* The first line for a port and protocol wins, as in getservbyport(). */
      key = GUINT_TO_POINTER ((guint) port << 8 | bit);
      if (!g_hash_table_contains (table, key))
        g_hash_table_insert (table, key, g_steal_pointer (&name));
    }

  return table;
}

static char *
services_lookup (guint      port,
                 PsProtocol protocol)
{
  const char *path = g_getenv ("PORTSCOPE_SERVICES");
  char *name = NULL;

  if (path == NULL || *path == '\0')
    path = "/etc/services";

  g_mutex_lock (&services_lock);
  if (g_strcmp0 (services_path, path) != 0)
    {
      g_clear_pointer (&services_table, g_hash_table_unref);
      g_free (services_path);
      services_path = g_strdup (path);
      services_table = services_parse (path);
    }
  if (services_table != NULL)
    {
      gpointer key = GUINT_TO_POINTER (port << 8 | protocol_bit (protocol));

      name = g_strdup (g_hash_table_lookup (services_table, key));
    }
  g_mutex_unlock (&services_lock);

  return name;
}

char *
ps_service_describe (guint        port,
                     PsProtocol   protocol,
                     char       **description)
{
  const PsServiceInfo *info;

  g_return_val_if_fail (protocol_bit (protocol) != 0, NULL);

  if (description != NULL)
    *description = NULL;
  if (port > G_MAXUINT16)
    return NULL;

  info = ps_service_lookup_curated (port, protocol);
  if (info != NULL)
    {
      if (description != NULL)
        *description = g_strdup (_(info->description));
      return g_strdup (info->name);
    }

  return services_lookup (port, protocol);
}

/* Scope and exposure */

static PsScope
scope_for_ipv4 (const guint8 *a)
{
  if (a[0] == 127)
    return PS_SCOPE_LOOPBACK;
  if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
    return PS_SCOPE_WILDCARD;
  if (a[0] == 10
      || (a[0] == 172 && (a[1] & 0xf0) == 16)
      || (a[0] == 192 && a[1] == 168)
      || (a[0] == 100 && (a[1] & 0xc0) == 64)     /* carrier-grade NAT, Tailscale */
      || a[0] == 239)                             /* organisation-local multicast */
    return PS_SCOPE_PRIVATE;
  if ((a[0] == 169 && a[1] == 254)
      || (a[0] == 224 && a[1] == 0 && a[2] == 0)) /* link-local multicast */
    return PS_SCOPE_LINK_LOCAL;
  return PS_SCOPE_PUBLIC;
}

static gboolean
is_v4_mapped (const guint8 *a)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return memcmp (a, prefix, sizeof prefix) == 0;
}

static PsScope
scope_for_ipv6 (const guint8 *a)
{
  static const guint8 any[16] = { 0 };
  static const guint8 loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

  if (memcmp (a, any, sizeof any) == 0)
    return PS_SCOPE_WILDCARD;
  if (memcmp (a, loopback, sizeof loopback) == 0)
    return PS_SCOPE_LOOPBACK;
  if (is_v4_mapped (a))
    return scope_for_ipv4 (a + 12);
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)      /* fe80::/10 */
    return PS_SCOPE_LINK_LOCAL;
  if ((a[0] & 0xfe) == 0xfc                       /* fc00::/7 unique local */
      || (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)) /* fec0::/10, old site-local */
    return PS_SCOPE_PRIVATE;
  if (a[0] == 0xff)                               /* multicast, by its scope */
    {
      switch (a[1] & 0x0f)
        {
        case 0x1:
          return PS_SCOPE_LOOPBACK;
        case 0x2:
          return PS_SCOPE_LINK_LOCAL;
        case 0x4:
        case 0x5:
        case 0x8:
          return PS_SCOPE_PRIVATE;
        default:
          return PS_SCOPE_PUBLIC;
        }
    }
  return PS_SCOPE_PUBLIC;
}

PsScope
ps_scope_for_address (int           family,
                      const guint8 *address)
{
  g_return_val_if_fail (address != NULL, PS_SCOPE_PUBLIC);
  g_return_val_if_fail (family == AF_INET || family == AF_INET6, PS_SCOPE_PUBLIC);

  if (family == AF_INET)
    return scope_for_ipv4 (address);
  return scope_for_ipv6 (address);
}

PsExposure
ps_exposure_for_scope (PsScope scope)
{
  switch (scope)
    {
    case PS_SCOPE_LOOPBACK:
      return PS_EXPOSURE_THIS_COMPUTER;
    case PS_SCOPE_PRIVATE:
    case PS_SCOPE_LINK_LOCAL:
      return PS_EXPOSURE_LOCAL_NETWORK;
    case PS_SCOPE_WILDCARD:
    case PS_SCOPE_PUBLIC:
      return PS_EXPOSURE_ALL_NETWORKS;
    default:
      g_return_val_if_reached (PS_EXPOSURE_ALL_NETWORKS);
    }
}

static PsScope
socket_scope (const PsSocket *socket)
{
  return ps_scope_for_address (socket->family, socket->address);
}

PsExposure
ps_socket_get_exposure (const PsSocket *socket)
{
  g_return_val_if_fail (socket != NULL, PS_EXPOSURE_ALL_NETWORKS);

  return ps_exposure_for_scope (socket_scope (socket));
}

const char *
ps_exposure_label (PsExposure exposure)
{
  switch (exposure)
    {
    case PS_EXPOSURE_THIS_COMPUTER:
      /* Translators: who can reach a port */
      return _("This computer");
    case PS_EXPOSURE_LOCAL_NETWORK:
      /* Translators: who can reach a port */
      return _("Local network");
    case PS_EXPOSURE_ALL_NETWORKS:
      /* Translators: who can reach a port */
      return _("All networks");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
ps_exposure_icon_name (PsExposure exposure)
{
  /* All three are in the Adwaita icon theme of GNOME 43 (Debian 12). */
  switch (exposure)
    {
    case PS_EXPOSURE_THIS_COMPUTER:
      return "computer-symbolic";
    case PS_EXPOSURE_LOCAL_NETWORK:
      return "network-workgroup-symbolic";
    case PS_EXPOSURE_ALL_NETWORKS:
      return "web-browser-symbolic";
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
ps_socket_describe_reach (const PsSocket *socket)
{
  g_return_val_if_fail (socket != NULL, NULL);

  switch (socket_scope (socket))
    {
    case PS_SCOPE_LOOPBACK:
      return g_strdup (_("Only programs on this computer can connect — but any program "
                         "or user on it can."));

    case PS_SCOPE_WILDCARD:
      {
        const char *everyone = _("Any computer on every network you join can connect "
                                 "unless a firewall blocks it.");

        if (socket->family != AF_INET6)
          return g_strdup (everyone);
        if (socket->v6only == 1)
          return g_strconcat (everyone, " ", _("It accepts IPv6 connections only."), NULL);
        /* Without IPV6_V6ONLY (the Linux default) "::" takes IPv4 too. */
        return g_strconcat (everyone, " ", _("It also accepts IPv4 connections."), NULL);
      }

    case PS_SCOPE_PRIVATE:
      return g_strdup (_("Computers on the local network this private address belongs to "
                         "can connect unless a firewall blocks them. The internet cannot "
                         "reach it directly."));

    case PS_SCOPE_LINK_LOCAL:
      return g_strdup (_("Only computers on the same network link — the same cable or "
                         "Wi-Fi — can connect, unless a firewall blocks them."));

    case PS_SCOPE_PUBLIC:
      return g_strdup (_("This is a public address: any computer on the internet that can "
                         "route to it can connect unless a firewall blocks it."));

    default:
      g_return_val_if_reached (NULL);
    }
}

/* Security notes */

void
ps_security_note_free (PsSecurityNote *note)
{
  if (note == NULL)
    return;

  g_free (note->id);
  g_free (note->title);
  g_free (note->advice);
  g_free (note);
}

static void
add_note (GPtrArray  *notes,
          PsSeverity  severity,
          const char *id,
          const char *title,
          char       *advice)
{
  PsSecurityNote *note = g_new0 (PsSecurityNote, 1);

  note->severity = severity;
  note->id = g_strdup (id);
  note->title = g_strdup (title);
  note->advice = advice;
  g_ptr_array_add (notes, note);
}

static gboolean
socket_is_listening (const PsSocket *socket)
{
  if (socket->protocol == PS_PROTOCOL_TCP)
    return socket->state == TCP_LISTEN;
  /* Unconnected UDP sockets report TCP_CLOSE; connected ones TCP_ESTABLISHED. */
  return socket->state != TCP_ESTABLISHED;
}

static gboolean
owner_is_systemd (const PsOwner *owner)
{
  return owner->pid == 1 && g_strcmp0 (owner->name, "systemd") == 0;
}

/* Socket activation: systemd (pid 1) holds the listening socket, alone before
 * the first connection and next to the service after.  When the owners are
 * visible but nobody holds the socket, only pid 1 can be holding it unseen. */
static gboolean
socket_held_by_systemd (const PsSocket *socket)
{
  if (socket->owner_hidden != PS_OWNER_VISIBLE)
    return FALSE;
  if (socket->owners->len == 0)
    return socket->uid == 0;
  for (guint i = 0; i < socket->owners->len; i++)
    {
      if (owner_is_systemd (g_ptr_array_index (socket->owners, i)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
socket_runs_as_root (const PsSocket *socket)
{
  /* Owners unseen (another user's): the socket's uid is its creator's. */
  if (socket->owner_hidden != PS_OWNER_VISIBLE)
    return socket->owners->len == 0 && socket->uid == 0;

  for (guint i = 0; i < socket->owners->len; i++)
    {
      const PsOwner *owner = g_ptr_array_index (socket->owners, i);

      if (owner->uid == 0 && !owner_is_systemd (owner))
        return TRUE;
    }
  return FALSE;
}

static void
add_debugger_note (GPtrArray      *notes,
                   const PsSocket *socket,
                   PsExposure      exposure)
{
  if (exposure != PS_EXPOSURE_THIS_COMPUTER)
    {
      if (socket->port == 9222)
        add_note (notes, PS_SEVERITY_DANGER, "debugger-exposed",
                  _("Browser remote control reachable from other computers"),
                  g_strdup (_("Anyone who can connect can take over the browser and the sites "
                              "you are logged in to: restart it without "
                              "--remote-debugging-port, or bind it to 127.0.0.1.")));
      else
        add_note (notes, PS_SEVERITY_DANGER, "debugger-exposed",
                  _("Debugger reachable from other computers"),
                  g_strdup (_("Anyone who can connect can run code as this program: stop "
                              "debugging, or make the debugger listen on 127.0.0.1 only.")));
      return;
    }

  if (socket->port == 9222)
    add_note (notes, PS_SEVERITY_WARNING, "debugger-local",
              _("Browser remote control is on"),
              g_strdup (_("Any program on this computer can take over the browser and the "
                          "sites you are logged in to: close this browser when you are done.")));
  else if (socket->port == 9229)
    add_note (notes, PS_SEVERITY_WARNING, "debugger-local",
              _("Node.js inspector is on"),
              g_strdup (_("Any program on this computer can run code in this Node.js "
                          "process: stop it when you are done debugging.")));
  else
    add_note (notes, PS_SEVERITY_WARNING, "debugger-local",
              _("Debugger is on"),
              g_strdup (_("Any program on this computer can connect and run code in the "
                          "program being debugged: stop it when you are done.")));
}

GPtrArray *
ps_security_notes (const PsSocket *socket)
{
  g_autoptr(GPtrArray) found = NULL;
  GPtrArray *notes;
  const PsServiceInfo *info;
  PsExposure exposure;
  PsServiceKind kind;
  gboolean networked;
  static const PsSeverity order[] = {
    PS_SEVERITY_DANGER, PS_SEVERITY_WARNING, PS_SEVERITY_INFO,
  };

  g_return_val_if_fail (socket != NULL, NULL);
  g_return_val_if_fail (socket->owners != NULL, NULL);

  notes = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_security_note_free);
  if (socket->protocol != PS_PROTOCOL_TCP && socket->protocol != PS_PROTOCOL_UDP)
    return notes;
  if (!socket_is_listening (socket))
    return notes;

  found = g_ptr_array_new ();
  exposure = ps_socket_get_exposure (socket);
  networked = exposure != PS_EXPOSURE_THIS_COMPUTER;
  info = ps_service_lookup_curated (socket->port, socket->protocol);
  kind = info != NULL ? info->kind : PS_SERVICE_KIND_OTHER;

  if (kind == PS_SERVICE_KIND_DATABASE && networked)
    add_note (found, PS_SEVERITY_DANGER, "exposed-database",
              _("Database reachable from other computers"),
              g_strdup (_("Make it listen on 127.0.0.1 unless other computers need it, and "
                          "require a password.")));

  if (kind == PS_SERVICE_KIND_DEBUGGER)
    add_debugger_note (found, socket, exposure);

  if (kind == PS_SERVICE_KIND_CONTAINER_API && info->plaintext)
    {
      if (networked)
        add_note (found, PS_SEVERITY_DANGER, "container-api-exposed",
                  _("Unprotected Docker API reachable from other computers"),
                  g_strdup (_("Anyone who can connect gets full control of this computer: "
                              "turn off the TCP socket, or use TLS on port 2376.")));
      else
        add_note (found, PS_SEVERITY_WARNING, "container-api-local",
                  _("Unprotected Docker API"),
                  g_strdup (_("Any program or user on this computer can get full control "
                              "through it: use the Docker socket file, which has "
                              "permissions, instead.")));
    }

  if (networked && socket_runs_as_root (socket))
    add_note (found, PS_SEVERITY_WARNING, "root-exposed",
              _("Runs as root and is reachable from the network"),
              g_strdup (_("A flaw in it would give an attacker full control: if other "
                          "computers do not need it, bind it to 127.0.0.1 or block it "
                          "with a firewall.")));

  if (kind == PS_SERVICE_KIND_REMOTE_ACCESS && networked)
    {
      if (info->plaintext)
        add_note (found, PS_SEVERITY_WARNING, "remote-access-exposed",
                  _("Unencrypted remote access open to the network"),
                  /* Translators: %s is a service name such as "Telnet" or "VNC" */
                  g_strdup_printf (_("%s sends what you type, passwords included, without "
                                     "encryption: use SSH, or tunnel it through SSH."),
                                   info->name));
      else
        add_note (found, PS_SEVERITY_INFO, "remote-access-exposed",
                  _("Remote access open to the network"),
                  g_strdup (_("Make sure only strong keys or passwords get in, and turn it "
                              "off if you do not use it.")));
    }

  /* Debuggers, container APIs, dev servers and remote access have their own notes. */
  if (info != NULL && info->plaintext && networked
      && kind != PS_SERVICE_KIND_DEBUGGER
      && kind != PS_SERVICE_KIND_CONTAINER_API
      && kind != PS_SERVICE_KIND_DEV_SERVER
      && kind != PS_SERVICE_KIND_REMOTE_ACCESS)
    add_note (found, PS_SEVERITY_WARNING, "plaintext",
              _("Unencrypted protocol on the network"),
              /* Translators: %s is a service name such as "HTTP" or "Redis" */
              g_strdup_printf (_("Anyone on the way can read what %s sends, passwords "
                                 "included: use its encrypted variant or a VPN, or bind it "
                                 "to 127.0.0.1."),
                               info->name));

  if (kind == PS_SERVICE_KIND_DEV_SERVER && exposure == PS_EXPOSURE_ALL_NETWORKS)
    add_note (found, PS_SEVERITY_WARNING, "dev-server-exposed",
              _("Development server open to every network"),
              g_strdup (_("Everyone on the same Wi-Fi, in a café too, can open it: start it "
                          "on 127.0.0.1 (often --host 127.0.0.1) unless another device "
                          "needs it.")));

  if (socket_held_by_systemd (socket))
    add_note (found, PS_SEVERITY_INFO, "systemd-socket",
              _("Held by systemd (socket activation)"),
              g_strdup (_("Ending the process will not free the port, because systemd "
                          "keeps it open: stop the service's .socket unit instead.")));

  /* Most severe first, in rule order within a severity. */
  for (guint s = 0; s < G_N_ELEMENTS (order); s++)
    {
      for (guint i = 0; i < found->len; i++)
        {
          PsSecurityNote *note = g_ptr_array_index (found, i);

          if (note->severity == order[s])
            g_ptr_array_add (notes, note);
        }
    }
  g_assert (notes->len == found->len);

  return notes;
}

/* Check it yourself */

char *
ps_socket_ss_command (const PsSocket *socket)
{
  const char *flags;

  g_return_val_if_fail (socket != NULL, NULL);

  if (socket->protocol == PS_PROTOCOL_UDP)
    flags = socket_is_listening (socket) ? "-lunp" : "-unp";
  else
    flags = socket_is_listening (socket) ? "-ltnp" : "-tnp";

  return g_strdup_printf ("ss %s 'sport = :%u'", flags, (guint) socket->port);
}

char *
ps_socket_lsof_command (const PsSocket *socket)
{
  g_return_val_if_fail (socket != NULL, NULL);

  if (socket->protocol == PS_PROTOCOL_UDP)
    return g_strdup_printf ("lsof -nP -iUDP:%u", (guint) socket->port);
  if (socket_is_listening (socket))
    return g_strdup_printf ("lsof -nP -iTCP:%u -sTCP:LISTEN", (guint) socket->port);
  return g_strdup_printf ("lsof -nP -iTCP:%u", (guint) socket->port);
}

char *
ps_socket_browser_url (const PsSocket *socket)
{
  static const guint8 v4_any[4] = { 0, 0, 0, 0 };
  static const guint8 v4_loopback[4] = { 127, 0, 0, 1 };
  static const guint8 v6_any[16] = { 0 };
  static const guint8 v6_loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  const guint8 *v4 = NULL;

  g_return_val_if_fail (socket != NULL, NULL);

  if (socket->protocol != PS_PROTOCOL_TCP || socket->state != TCP_LISTEN || socket->port == 0)
    return NULL;
  if (socket->family != AF_INET && socket->family != AF_INET6)
    return NULL;

  /* Only fixed loopback literals and the port, never text from the socket;
   * and only where they reach it: 127.0.0.2 does not answer on 127.0.0.1. */
  if (socket->family == AF_INET)
    v4 = socket->address;
  else if (is_v4_mapped (socket->address))
    v4 = socket->address + 12;

  if (v4 != NULL)
    {
      if (memcmp (v4, v4_any, 4) == 0 || memcmp (v4, v4_loopback, 4) == 0)
        return g_strdup_printf ("http://127.0.0.1:%u/", (guint) socket->port);
      return NULL;
    }

  if (memcmp (socket->address, v6_any, 16) == 0 || memcmp (socket->address, v6_loopback, 16) == 0)
    return g_strdup_printf ("http://[::1]:%u/", (guint) socket->port);
  return NULL;
}

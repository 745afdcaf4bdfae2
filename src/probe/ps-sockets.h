/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-sockets.h: the socket records probe reads from the kernel. libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Values of PsProbeSocket.v6only. */
enum
{
  PS_V6ONLY_NO = 0,
  PS_V6ONLY_YES = 1,
  PS_V6ONLY_UNKNOWN = 2, /* /proc/net fallback, or not an IPv6 socket */
};
/* Note: the kernel makes a socket bound to a specific IPv6 address (::1,
 * fe80::…) v6-only whatever IPV6_V6ONLY says; only :: can be dual-stack. */

/* Flags for the dump functions. */
enum
{
  PS_PROBE_TCP_LISTEN = 1u << 0,  /* TCP sockets in LISTEN */
  PS_PROBE_TCP_ALL = 1u << 1,     /* TCP sockets in every state (connections) */
  PS_PROBE_UDP = 1u << 2,         /* bound, unconnected UDP sockets (TCP_CLOSE) */
  PS_PROBE_UDP_ALL = 1u << 3,     /* every UDP socket, connected ones too */
  PS_PROBE_IPV4 = 1u << 4,
  PS_PROBE_IPV6 = 1u << 5,
  /* A hint, for callers that expect many sockets: with TCP and UDP asked
   * for and two CPUs, dump UDP on a second thread (same result, same order). */
  PS_PROBE_PARALLEL = 1u << 6,
  PS_PROBE_DEFAULT = PS_PROBE_TCP_LISTEN | PS_PROBE_UDP | PS_PROBE_IPV4 | PS_PROBE_IPV6,
};

/* One socket.  Addresses are in network byte order (an IPv4 address uses the
 * first 4 bytes), ports in host byte order. */
typedef struct
{
  uint8_t protocol;         /* IPPROTO_TCP or IPPROTO_UDP */
  uint8_t family;           /* AF_INET or AF_INET6 */
  uint8_t state;            /* kernel TCP_* state (UDP: TCP_CLOSE or TCP_ESTABLISHED) */
  uint8_t v6only;           /* PS_V6ONLY_* */
  uint8_t local_addr[16];
  uint8_t remote_addr[16];
  uint16_t local_port;
  uint16_t remote_port;
  uint32_t ifindex;         /* bound interface (0 = any); matters for link-local */
  uint32_t uid;
  uint64_t inode;           /* 0 for sockets in TIME_WAIT or orphaned */
  uint64_t cookie;          /* kernel socket cookie; 0 from /proc/net */
} PsProbeSocket;

/* A growable array of sockets; zero-initialise, then free with
 * ps_probe_socket_array_clear(). */
typedef struct
{
  PsProbeSocket *items;
  size_t len;
  size_t cap;
} PsProbeSocketArray;

/* Appends a zeroed record and returns it (owned by the array), or NULL on ENOMEM. */
PsProbeSocket *ps_probe_socket_array_append (PsProbeSocketArray *array);
/* Frees the items; the array is empty and reusable afterwards. */
void ps_probe_socket_array_clear (PsProbeSocketArray *array);

/* Which source produced a dump. */
typedef enum
{
  PS_PROBE_SOURCE_NETLINK = 0,
  PS_PROBE_SOURCE_PROCNET = 1,
} PsProbeSource;

/* Dumps sockets through NETLINK_SOCK_DIAG; falls back to /proc/net when netlink
 * is refused (EPERM, EACCES, EPROTONOSUPPORT, EAFNOSUPPORT, ENOENT).  Appends to
 * OUT (caller owns it; nothing is appended on error).  SOURCE (nullable) tells
 * which was used.  Flags with neither IPV4 nor IPV6 mean both.
 * Environment: PORTSCOPE_PROC_ROOT (fallback root), PORTSCOPE_FORCE_PROCNET=1.
 * Returns 0 or -errno. */
int ps_probe_dump_sockets (unsigned           flags,
                           PsProbeSocketArray *out,
                           PsProbeSource      *source);

/* Netlink only.  The kernel filters by state (LISTEN, or every TCP state
 * with PS_PROBE_TCP_ALL; bound UDP, or every UDP socket with
 * PS_PROBE_UDP_ALL) and adds no optional attribute.  TCP of both families
 * comes from one request (the original TCPDIAG_GETSOCK interface, one walk
 * of the kernel's tables), or one per family where the kernel refuses it.
 * Every message is checked (length, sequence, port id); a dump
 * the kernel marks interrupted (NLM_F_DUMP_INTR) is run once more, then fails
 * with -EAGAIN; a datagram larger than the receive buffer restarts the dump
 * with a buffer that fits (up to 16 MiB, then -EMSGSIZE), never a short list.
 * Order: TCP (both families in the kernel's order), then IPv4 UDP, then IPv6
 * UDP, whether PS_PROBE_PARALLEL is set or not; the same sockets come in the
 * same order from one dump to the next.  Tests: PORTSCOPE_NETLINK_RCVBUF=BYTES
 * sets SO_RCVBUF, PORTSCOPE_NETLINK_BUFSIZE=BYTES the initial receive buffer,
 * PORTSCOPE_NETLINK_PER_FAMILY=1 asks for TCP one family at a time.
 * Returns 0, or -errno (the array may hold a partial dump on error: callers
 * discard it). */
int ps_netlink_dump (unsigned            flags,
                     PsProbeSocketArray *out);

/* Parses /proc/net/{tcp,tcp6,udp,udp6} below PROC_ROOT (NULL = "/proc", or
 * $PORTSCOPE_PROC_ROOT when set), with the same state filters as the netlink
 * dump.  A missing file is skipped (IPv6 disabled); none at all is -ENOENT.
 * Returns 0 or -errno; malformed lines are skipped and counted in *N_BAD
 * (nullable). */
int ps_procnet_dump (const char         *proc_root,
                     unsigned            flags,
                     PsProbeSocketArray *out,
                     size_t             *n_bad);

/* Parses one line of a /proc/net/{tcp,udp}{,6} file (no header).  FAMILY and
 * PROTOCOL say which file it came from.  Returns 0 and fills OUT, or -EINVAL. */
int ps_procnet_parse_line (const char    *line,
                           size_t         len,
                           int            family,
                           int            protocol,
                           PsProbeSocket *out);

/* Parses one inet_diag_msg netlink message payload (with its attributes) into
 * OUT.  PROTOCOL is the one requested.  Returns 0 or -EINVAL.  Exposed for the
 * fuzzer. */
int ps_netlink_parse_diag_msg (const void    *payload,
                               size_t         len,
                               int            protocol,
                               PsProbeSocket *out);

/* Formats an address ("127.0.0.1", "::1", "fe80::1%2" when IFINDEX != 0 and
 * link-local) into BUF of SIZE (>= 64).  Returns BUF. */
char *ps_probe_format_address (int            family,
                               const uint8_t *addr,
                               uint32_t       ifindex,
                               char          *buf,
                               size_t         size);

#ifdef __cplusplus
}
#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sock_diag against real sockets opened by the test, and the message parser. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "ps-sockets.h"

typedef struct
{
  int fd;
  int protocol;
  int family;
  int v6only;               /* PS_V6ONLY_* expected */
  uint16_t port;
  uint64_t inode;
  uint8_t addr[16];
} TestSocket;

static gboolean
have_ipv6 (void)
{
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
  close (fd);
  return ok;
}

/* Opens a bound (and for TCP listening) socket on ADDR, port 0. */
static void
open_socket (TestSocket *ts,
             int         protocol,
             int         family,
             const char *addr,
             int         v6only)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  struct stat st;
  int one = 1;

  memset (ts, 0, sizeof *ts);
  ts->protocol = protocol;
  ts->family = family;
  ts->fd = socket (family, (protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  g_assert_cmpint (ts->fd, >=, 0);

  if (family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

      sin->sin_family = AF_INET;
      g_assert_cmpint (inet_pton (AF_INET, addr, &sin->sin_addr), ==, 1);
      memcpy (ts->addr, &sin->sin_addr, 4);
      len = sizeof *sin;
      ts->v6only = PS_V6ONLY_UNKNOWN;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
      int val = v6only;

      sin6->sin6_family = AF_INET6;
      g_assert_cmpint (inet_pton (AF_INET6, addr, &sin6->sin6_addr), ==, 1);
      memcpy (ts->addr, &sin6->sin6_addr, 16);
      len = sizeof *sin6;
      g_assert_cmpint (setsockopt (ts->fd, IPPROTO_IPV6, IPV6_V6ONLY, &val, sizeof val), ==, 0);
      /* Binding to a specific (not v4-mapped) IPv6 address makes the
       * socket v6-only whatever IPV6_V6ONLY says. */
      ts->v6only = v6only || !IN6_IS_ADDR_UNSPECIFIED (&sin6->sin6_addr)
                   ? PS_V6ONLY_YES : PS_V6ONLY_NO;
    }

  g_assert_cmpint (setsockopt (ts->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), ==, 0);
  g_assert_cmpint (bind (ts->fd, (struct sockaddr *) &ss, len), ==, 0);
  if (protocol == IPPROTO_TCP)
    g_assert_cmpint (listen (ts->fd, 8), ==, 0);

  len = sizeof ss;
  g_assert_cmpint (getsockname (ts->fd, (struct sockaddr *) &ss, &len), ==, 0);
  ts->port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                      : ((struct sockaddr_in6 *) &ss)->sin6_port);
  g_assert_cmpint (fstat (ts->fd, &st), ==, 0);
  ts->inode = st.st_ino;
}

static const PsProbeSocket *
find_inode (const PsProbeSocketArray *array,
            uint64_t                  inode)
{
  const PsProbeSocket *found = NULL;

  for (size_t i = 0; i < array->len; i++)
    if (array->items[i].inode == inode)
      {
        g_assert_null (found);   /* listed once */
        found = &array->items[i];
      }
  return found;
}

static void
assert_socket (const PsProbeSocketArray *array,
               const TestSocket         *ts,
               gboolean                  check_v6only)
{
  const PsProbeSocket *s = find_inode (array, ts->inode);

  g_assert_nonnull (s);
  g_assert_cmpuint (s->protocol, ==, ts->protocol);
  g_assert_cmpuint (s->family, ==, ts->family);
  g_assert_cmpuint (s->local_port, ==, ts->port);
  g_assert_cmpuint (s->uid, ==, getuid ());
  g_assert_cmpmem (s->local_addr, ts->family == AF_INET ? 4 : 16,
                   ts->addr, ts->family == AF_INET ? 4 : 16);
  g_assert_cmpuint (s->state, ==, ts->protocol == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE);
  if (check_v6only)
    {
      g_assert_cmpuint (s->v6only, ==, ts->v6only);
      g_assert_cmpuint (s->cookie, !=, 0);
    }
}

static void
test_real_sockets (void)
{
  TestSocket socks[10];
  size_t n = 0;
  PsProbeSocketArray nl = { 0 }, pn = { 0 };
  TestSocket bound_only, connected;
  struct sockaddr_in peer = { .sin_family = AF_INET };

  open_socket (&socks[n++], IPPROTO_TCP, AF_INET, "127.0.0.1", 0);
  open_socket (&socks[n++], IPPROTO_TCP, AF_INET, "0.0.0.0", 0);
  open_socket (&socks[n++], IPPROTO_UDP, AF_INET, "127.0.0.1", 0);
  open_socket (&socks[n++], IPPROTO_UDP, AF_INET, "0.0.0.0", 0);
  if (have_ipv6 ())
    {
      open_socket (&socks[n++], IPPROTO_TCP, AF_INET6, "::1", 0);
      open_socket (&socks[n++], IPPROTO_TCP, AF_INET6, "::", 0);
      open_socket (&socks[n++], IPPROTO_TCP, AF_INET6, "::", 1);
      open_socket (&socks[n++], IPPROTO_UDP, AF_INET6, "::1", 1);
      open_socket (&socks[n++], IPPROTO_UDP, AF_INET6, "::", 0);
    }
  else
    g_test_message ("no IPv6 here: IPv4 only");

  /* Neither a bound TCP socket that does not listen nor a connected UDP
   * socket is in the default dump. */
  memset (&bound_only, 0, sizeof bound_only);
  bound_only.fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  {
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    struct stat st;
    g_assert_cmpint (bind (bound_only.fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
    g_assert_cmpint (fstat (bound_only.fd, &st), ==, 0);
    bound_only.inode = st.st_ino;
  }
  open_socket (&connected, IPPROTO_UDP, AF_INET, "127.0.0.1", 0);
  peer.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  peer.sin_port = htons (socks[2].port);
  g_assert_cmpint (connect (connected.fd, (struct sockaddr *) &peer, sizeof peer), ==, 0);

  g_assert_cmpint (ps_netlink_dump (PS_PROBE_DEFAULT, &nl), ==, 0);
  for (size_t i = 0; i < n; i++)
    assert_socket (&nl, &socks[i], TRUE);
  g_assert_null (find_inode (&nl, bound_only.inode));
  g_assert_null (find_inode (&nl, connected.inode));

  /* The fallback sees the same (protocol, family, address, port, inode). */
  g_assert_cmpint (ps_procnet_dump (NULL, PS_PROBE_DEFAULT, &pn, NULL), ==, 0);
  for (size_t i = 0; i < n; i++)
    {
      const PsProbeSocket *a = find_inode (&nl, socks[i].inode);
      const PsProbeSocket *b = find_inode (&pn, socks[i].inode);

      assert_socket (&pn, &socks[i], FALSE);
      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpuint (a->protocol, ==, b->protocol);
      g_assert_cmpuint (a->family, ==, b->family);
      g_assert_cmpuint (a->local_port, ==, b->local_port);
      g_assert_cmpmem (a->local_addr, 16, b->local_addr, 16);
      g_assert_cmpuint (b->v6only, ==, PS_V6ONLY_UNKNOWN);
    }
  g_assert_null (find_inode (&pn, bound_only.inode));
  g_assert_null (find_inode (&pn, connected.inode));
  ps_probe_socket_array_clear (&nl);
  ps_probe_socket_array_clear (&pn);

  /* UDP_ALL adds the connected socket, with its peer. */
  g_assert_cmpint (ps_netlink_dump (PS_PROBE_UDP_ALL | PS_PROBE_IPV4, &nl), ==, 0);
  {
    const PsProbeSocket *c = find_inode (&nl, connected.inode);
    g_assert_nonnull (c);
    g_assert_cmpuint (c->state, ==, TCP_ESTABLISHED);
    g_assert_cmpuint (c->remote_port, ==, socks[2].port);
    g_assert_null (find_inode (&nl, socks[0].inode));   /* no TCP asked */
  }
  ps_probe_socket_array_clear (&nl);

  /* The entry point prefers netlink. */
  {
    PsProbeSource source = PS_PROBE_SOURCE_PROCNET;

    g_assert_cmpint (ps_probe_dump_sockets (PS_PROBE_DEFAULT, &nl, &source), ==, 0);
    g_assert_cmpint (source, ==, PS_PROBE_SOURCE_NETLINK);
    for (size_t i = 0; i < n; i++)
      assert_socket (&nl, &socks[i], TRUE);
    ps_probe_socket_array_clear (&nl);
  }

  for (size_t i = 0; i < n; i++)
    close (socks[i].fd);
  close (bound_only.fd);
  close (connected.fd);
}

/* With a tiny receive buffer the kernel paces the dump over many datagrams
 * (PORTSCOPE_NETLINK_RCVBUF); with a tiny read buffer its datagrams do not
 * fit and the dump restarts with a larger one (PORTSCOPE_NETLINK_BUFSIZE).
 * Either way every socket must arrive, once. */
static void
test_small_buffer (gconstpointer data)
{
  const char *env = data;
  const size_t n = 3000;
  struct rlimit rl;
  TestSocket *socks;
  PsProbeSocketArray nl = { 0 };
  uint64_t min_inode = UINT64_MAX, max_inode = 0;
  size_t found = 0;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &rl), ==, 0);
  if (rl.rlim_cur < n + 256)
    {
      rl.rlim_cur = MIN (rl.rlim_max, (rlim_t) (n + 256));
      if (rl.rlim_cur < n + 256 || setrlimit (RLIMIT_NOFILE, &rl) < 0)
        {
          g_test_skip ("cannot raise RLIMIT_NOFILE");
          return;
        }
    }

  socks = g_new0 (TestSocket, n);
  for (size_t i = 0; i < n; i++)
    {
      open_socket (&socks[i], i % 5 == 4 ? IPPROTO_UDP : IPPROTO_TCP, AF_INET, "127.0.0.1", 0);
      min_inode = MIN (min_inode, socks[i].inode);
      max_inode = MAX (max_inode, socks[i].inode);
    }

  g_setenv (env, "4096", TRUE);
  g_assert_cmpint (ps_netlink_dump (PS_PROBE_DEFAULT, &nl), ==, 0);
  g_unsetenv (env);

  for (size_t i = 0; i < n; i++)
    {
      const PsProbeSocket *s = find_inode (&nl, socks[i].inode);

      g_assert_nonnull (s);
      g_assert_cmpuint (s->local_port, ==, socks[i].port);
      found++;
    }
  g_assert_cmpuint (found, ==, n);
  g_assert_cmpuint (nl.len, >=, n);
  ps_probe_socket_array_clear (&nl);

  for (size_t i = 0; i < n; i++)
    close (socks[i].fd);
  g_free (socks);
}

/* A connected TCP pair on ADDR: *CLIENT and *SERVER are the two ends,
 * *LISTENER the listening socket (left open). */
static void
open_connection (int         family,
                 const char *addr,
                 TestSocket *listener,
                 TestSocket *client,
                 TestSocket *server)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  struct stat st;

  open_socket (listener, IPPROTO_TCP, family, addr, family == AF_INET6);
  len = sizeof ss;
  g_assert_cmpint (getsockname (listener->fd, (struct sockaddr *) &ss, &len), ==, 0);

  memset (client, 0, sizeof *client);
  client->fd = socket (family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (client->fd, >=, 0);
  g_assert_cmpint (connect (client->fd, (struct sockaddr *) &ss, len), ==, 0);
  g_assert_cmpint (fstat (client->fd, &st), ==, 0);
  client->inode = st.st_ino;

  memset (server, 0, sizeof *server);
  server->fd = accept4 (listener->fd, NULL, NULL, SOCK_CLOEXEC);
  g_assert_cmpint (server->fd, >=, 0);
  g_assert_cmpint (fstat (server->fd, &st), ==, 0);
  server->inode = st.st_ino;
}

/* TCP (both families, in the kernel's order), IPv4 UDP, IPv6 UDP: the rank
 * of a record's group. */
static int
group_rank (const PsProbeSocket *s)
{
  if (s->protocol == IPPROTO_TCP)
    return 0;
  return s->family == AF_INET6 ? 2 : 1;
}

static void
assert_grouped (const PsProbeSocketArray *array)
{
  for (size_t i = 1; i < array->len; i++)
    g_assert_cmpint (group_rank (&array->items[i - 1]), <=, group_rank (&array->items[i]));
}

/* The kernel-side state filter, one family after the other or both at once
 * (PS_PROBE_PARALLEL): listeners and bound UDP sockets by default, TCP
 * connections only when asked for, and the same groups in the same order. */
static void
test_state_filter_and_parallel (gconstpointer data)
{
  const unsigned variants[] = { 0, PS_PROBE_PARALLEL };
  const char *per_family = data;
  gboolean ipv6 = have_ipv6 ();
  TestSocket udp4, udp6, lis4, cli4, srv4, lis6, cli6, srv6;

  open_socket (&udp4, IPPROTO_UDP, AF_INET, "127.0.0.1", 0);
  open_connection (AF_INET, "127.0.0.1", &lis4, &cli4, &srv4);
  if (ipv6)
    {
      open_socket (&udp6, IPPROTO_UDP, AF_INET6, "::1", 1);
      open_connection (AF_INET6, "::1", &lis6, &cli6, &srv6);
    }
  else
    g_test_message ("no IPv6 here: IPv4 only");

  /* TCP of both families in one request, or one request per family. */
  if (per_family != NULL)
    g_setenv ("PORTSCOPE_NETLINK_PER_FAMILY", per_family, TRUE);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      PsProbeSocketArray nl = { 0 };
      const PsProbeSocket *s;

      /* Default: listeners and UDP; no connection. */
      g_assert_cmpint (ps_netlink_dump (PS_PROBE_DEFAULT | variants[v], &nl), ==, 0);
      assert_grouped (&nl);
      assert_socket (&nl, &udp4, TRUE);
      assert_socket (&nl, &lis4, TRUE);
      g_assert_null (find_inode (&nl, cli4.inode));
      g_assert_null (find_inode (&nl, srv4.inode));
      if (ipv6)
        {
          assert_socket (&nl, &udp6, TRUE);
          assert_socket (&nl, &lis6, TRUE);
          g_assert_null (find_inode (&nl, cli6.inode));
          g_assert_null (find_inode (&nl, srv6.inode));
        }
      for (size_t i = 0; i < nl.len; i++)
        g_assert_cmpuint (nl.items[i].state, ==,
                          nl.items[i].protocol == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE);
      ps_probe_socket_array_clear (&nl);

      /* Connections (--all): both ends, the listeners, and UDP still. */
      g_assert_cmpint (ps_netlink_dump (PS_PROBE_TCP_ALL | PS_PROBE_UDP | variants[v], &nl), ==, 0);
      assert_grouped (&nl);
      assert_socket (&nl, &udp4, TRUE);
      assert_socket (&nl, &lis4, TRUE);
      s = find_inode (&nl, cli4.inode);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->state, ==, TCP_ESTABLISHED);
      g_assert_cmpuint (s->remote_port, ==, lis4.port);
      s = find_inode (&nl, srv4.inode);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->state, ==, TCP_ESTABLISHED);
      g_assert_cmpuint (s->local_port, ==, lis4.port);
      if (ipv6)
        {
          assert_socket (&nl, &udp6, TRUE);
          assert_socket (&nl, &lis6, TRUE);
          s = find_inode (&nl, cli6.inode);
          g_assert_nonnull (s);
          g_assert_cmpuint (s->family, ==, AF_INET6);
          g_assert_cmpuint (s->state, ==, TCP_ESTABLISHED);
          g_assert_nonnull (find_inode (&nl, srv6.inode));
        }
      ps_probe_socket_array_clear (&nl);

      /* One family only. */
      g_assert_cmpint (ps_netlink_dump (PS_PROBE_TCP_LISTEN | PS_PROBE_UDP | PS_PROBE_IPV4 | variants[v], &nl), ==, 0);
      assert_socket (&nl, &udp4, TRUE);
      for (size_t i = 0; i < nl.len; i++)
        g_assert_cmpuint (nl.items[i].family, ==, AF_INET);
      ps_probe_socket_array_clear (&nl);
    }

  g_unsetenv ("PORTSCOPE_NETLINK_PER_FAMILY");
  close (udp4.fd);
  close (lis4.fd);
  close (cli4.fd);
  close (srv4.fd);
  if (ipv6)
    {
      close (udp6.fd);
      close (lis6.fd);
      close (cli6.fd);
      close (srv6.fd);
    }
}

/* Refuses socket(AF_NETLINK, ...) with EPERM, as a sandbox might. */
static int
refuse_netlink (void)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0])
                                        + (G_BYTE_ORDER == G_BIG_ENDIAN ? 4 : 0)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = G_N_ELEMENTS (filter), .filter = filter };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -errno;
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
    return -errno;
  return 0;
}

/* With netlink refused, the entry point falls back to /proc/net and finds
 * the same sockets. */
static void
test_refused_falls_back (void)
{
  TestSocket socks[4];
  size_t n = 0;
  PsProbeSocketArray nl = { 0 };
  pid_t child;
  int status;

  open_socket (&socks[n++], IPPROTO_TCP, AF_INET, "127.0.0.1", 0);
  open_socket (&socks[n++], IPPROTO_UDP, AF_INET, "0.0.0.0", 0);
  if (have_ipv6 ())
    {
      open_socket (&socks[n++], IPPROTO_TCP, AF_INET6, "::", 1);
      open_socket (&socks[n++], IPPROTO_UDP, AF_INET6, "::1", 0);
    }
  g_assert_cmpint (ps_netlink_dump (PS_PROBE_DEFAULT, &nl), ==, 0);

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      PsProbeSocketArray fb = { 0 };
      PsProbeSource source = PS_PROBE_SOURCE_NETLINK;

      if (refuse_netlink () < 0)
        _exit (77);
      if (socket (AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG) >= 0 || errno != EPERM)
        _exit (2);
      if (ps_netlink_dump (PS_PROBE_DEFAULT, &fb) != -EPERM)
        _exit (3);
      ps_probe_socket_array_clear (&fb);
      if (ps_probe_dump_sockets (PS_PROBE_DEFAULT, &fb, &source) != 0
          || source != PS_PROBE_SOURCE_PROCNET)
        _exit (4);
      for (size_t i = 0; i < n; i++)
        {
          const PsProbeSocket *a = NULL, *b = NULL;

          for (size_t k = 0; k < nl.len; k++)
            if (nl.items[k].inode == socks[i].inode)
              a = &nl.items[k];
          for (size_t k = 0; k < fb.len; k++)
            if (fb.items[k].inode == socks[i].inode)
              b = &fb.items[k];
          if (a == NULL || b == NULL)
            _exit (5);
          if (a->protocol != b->protocol || a->family != b->family
              || a->local_port != b->local_port || a->uid != b->uid
              || memcmp (a->local_addr, b->local_addr, 16) != 0)
            _exit (6);
        }
      _exit (0);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    g_test_skip ("seccomp is not available");
  else
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  ps_probe_socket_array_clear (&nl);
  for (size_t i = 0; i < n; i++)
    close (socks[i].fd);
}

/* Builds an inet_diag_msg payload with optional attributes. */
static size_t
build_msg (uint8_t *buf,
           size_t   size,
           int      family,
           int      with_v6only,
           int      v6only)
{
  struct inet_diag_msg msg = { 0 };
  size_t len = NLMSG_ALIGN (sizeof msg);

  g_assert_cmpuint (size, >=, len + RTA_SPACE (1));
  memset (buf, 0, size);
  msg.idiag_family = (uint8_t) family;
  msg.idiag_state = TCP_LISTEN;
  msg.id.idiag_sport = htons (8080);
  msg.id.idiag_src[0] = htonl (0x7f000001);
  msg.id.idiag_if = 3;
  msg.id.idiag_cookie[0] = 0x11223344;
  msg.id.idiag_cookie[1] = 0x55;
  msg.idiag_uid = 1000;
  msg.idiag_inode = 424242;
  memcpy (buf, &msg, sizeof msg);
  if (with_v6only)
    {
      struct rtattr rta = { .rta_len = RTA_LENGTH (1), .rta_type = INET_DIAG_SKV6ONLY };

      memcpy (buf + len, &rta, sizeof rta);
      buf[len + RTA_LENGTH (0)] = (uint8_t) v6only;
      len += RTA_SPACE (1);
    }
  return len;
}

static void
test_parse_diag_msg (void)
{
  uint8_t buf[256];
  PsProbeSocket s;
  size_t len;

  len = build_msg (buf, sizeof buf, AF_INET, 0, 0);
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_TCP, &s), ==, 0);
  g_assert_cmpuint (s.family, ==, AF_INET);
  g_assert_cmpuint (s.local_port, ==, 8080);
  g_assert_cmpuint (s.local_addr[0], ==, 127);
  g_assert_cmpuint (s.local_addr[3], ==, 1);
  g_assert_cmpuint (s.ifindex, ==, 3);
  g_assert_cmpuint (s.uid, ==, 1000);
  g_assert_cmpuint (s.inode, ==, 424242);
  g_assert_cmpuint (s.cookie, ==, 0x5511223344ull);
  g_assert_cmpuint (s.v6only, ==, PS_V6ONLY_UNKNOWN);

  len = build_msg (buf, sizeof buf, AF_INET6, 1, 1);
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_UDP, &s), ==, 0);
  g_assert_cmpuint (s.protocol, ==, IPPROTO_UDP);
  g_assert_cmpuint (s.v6only, ==, PS_V6ONLY_YES);
  len = build_msg (buf, sizeof buf, AF_INET6, 1, 0);
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_TCP, &s), ==, 0);
  g_assert_cmpuint (s.v6only, ==, PS_V6ONLY_NO);

  /* Unaligned input is fine. */
  {
    uint8_t shifted[257];
    memcpy (shifted + 1, buf, len);
    g_assert_cmpint (ps_netlink_parse_diag_msg (shifted + 1, len, IPPROTO_TCP, &s), ==, 0);
    g_assert_cmpuint (s.inode, ==, 424242);
  }

  /* Truncated header, bad family, bad protocol. */
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, sizeof (struct inet_diag_msg) - 1, IPPROTO_TCP, &s), ==, -EINVAL);
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_ICMP, &s), ==, -EINVAL);
  len = build_msg (buf, sizeof buf, AF_UNIX, 0, 0);
  g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_TCP, &s), ==, -EINVAL);

  /* An attribute claiming more than the payload, or less than its header. */
  len = build_msg (buf, sizeof buf, AF_INET6, 1, 1);
  {
    size_t off = NLMSG_ALIGN (sizeof (struct inet_diag_msg));
    struct rtattr rta = { .rta_len = 200, .rta_type = INET_DIAG_SKV6ONLY };

    memcpy (buf + off, &rta, sizeof rta);
    g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_TCP, &s), ==, -EINVAL);
    rta.rta_len = 2;
    memcpy (buf + off, &rta, sizeof rta);
    g_assert_cmpint (ps_netlink_parse_diag_msg (buf, len, IPPROTO_TCP, &s), ==, -EINVAL);
    /* A zero-length SKV6ONLY payload is ignored, not read past. */
    rta.rta_len = RTA_LENGTH (0);
    memcpy (buf + off, &rta, sizeof rta);
    g_assert_cmpint (ps_netlink_parse_diag_msg (buf, off + RTA_LENGTH (0), IPPROTO_TCP, &s), ==, 0);
    g_assert_cmpuint (s.v6only, ==, PS_V6ONLY_UNKNOWN);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe/netlink/real-sockets", test_real_sockets);
  g_test_add_data_func ("/probe/netlink/small-rcvbuf", "PORTSCOPE_NETLINK_RCVBUF", test_small_buffer);
  g_test_add_data_func ("/probe/netlink/small-read-buffer", "PORTSCOPE_NETLINK_BUFSIZE", test_small_buffer);
  g_test_add_data_func ("/probe/netlink/state-filter-and-parallel", NULL,
                        test_state_filter_and_parallel);
  g_test_add_data_func ("/probe/netlink/state-filter-and-parallel-per-family", "1",
                        test_state_filter_and_parallel);
  g_test_add_func ("/probe/netlink/refused-falls-back", test_refused_falls_back);
  g_test_add_func ("/probe/netlink/parse-diag-msg", test_parse_diag_msg);

  return g_test_run ();
}

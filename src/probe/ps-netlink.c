/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-netlink.c: listening sockets through NETLINK_SOCK_DIAG (inet_diag). */
#include "config.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ps-sockets.h"

/* The kernel fills dump datagrams of at most 32 KiB (netlink_recvmsg caps
 * what it learns from our buffer size there): one recvmsg per datagram with
 * room to spare, no MSG_PEEK to size it first.  A datagram that did not fit
 * (MSG_TRUNC tells its size) restarts the dump with a buffer that fits. */
#define PS_NETLINK_BUF_INITIAL (64 * 1024)
#define PS_NETLINK_BUF_MAX (16 * 1024 * 1024)
#define PS_NETLINK_TIMEOUT_SEC 5

/* TCP states 0..TCP_CLOSING, like ss's "all": no NEW_SYN_RECV requests. */
#define PS_TCP_ALL_STATES ((1u << (TCP_CLOSING + 1)) - 1)

typedef struct
{
  int fd;
  uint32_t portid;
  uint32_t seq;
  uint8_t *buf;
  size_t size;
  size_t need;              /* size of a datagram that did not fit, or 0 */
} NetlinkConn;

int
ps_netlink_parse_diag_msg (const void    *payload,
                           size_t         len,
                           int            protocol,
                           PsProbeSocket *out)
{
  struct inet_diag_msg msg;
  const uint8_t *p = payload;
  size_t off;

  if (payload == NULL || out == NULL || len < sizeof msg)
    return -EINVAL;
  if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
    return -EINVAL;

  /* The payload may be unaligned (fuzzer, odd buffers): copy it out. */
  memcpy (&msg, p, sizeof msg);
  if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6)
    return -EINVAL;

  memset (out, 0, sizeof *out);
  out->protocol = (uint8_t) protocol;
  out->family = msg.idiag_family;
  out->state = msg.idiag_state;
  out->v6only = PS_V6ONLY_UNKNOWN;
  if (msg.idiag_family == AF_INET)
    {
      memcpy (out->local_addr, msg.id.idiag_src, 4);
      memcpy (out->remote_addr, msg.id.idiag_dst, 4);
    }
  else
    {
      memcpy (out->local_addr, msg.id.idiag_src, 16);
      memcpy (out->remote_addr, msg.id.idiag_dst, 16);
    }
  out->local_port = ntohs (msg.id.idiag_sport);
  out->remote_port = ntohs (msg.id.idiag_dport);
  out->ifindex = msg.id.idiag_if;
  out->uid = msg.idiag_uid;
  out->inode = msg.idiag_inode;
  if (msg.id.idiag_cookie[0] != INET_DIAG_NOCOOKIE
      || msg.id.idiag_cookie[1] != INET_DIAG_NOCOOKIE)
    out->cookie = (uint64_t) msg.id.idiag_cookie[0]
                  | ((uint64_t) msg.id.idiag_cookie[1] << 32);

  /* Attributes follow the aligned header. */
  off = NLMSG_ALIGN (sizeof msg);
  while (off < len && len - off >= sizeof (struct rtattr))
    {
      struct rtattr rta;
      size_t rta_len;

      memcpy (&rta, p + off, sizeof rta);
      rta_len = rta.rta_len;
      if (rta_len < sizeof rta || rta_len > len - off)
        return -EINVAL;

      if (rta.rta_type == INET_DIAG_SKV6ONLY
          && msg.idiag_family == AF_INET6
          && rta_len >= RTA_LENGTH (1))
        out->v6only = p[off + RTA_LENGTH (0)] ? PS_V6ONLY_YES : PS_V6ONLY_NO;

      if (RTA_ALIGN (rta_len) >= len - off)
        break;
      off += RTA_ALIGN (rta_len);
    }

  return 0;
}

/* A positive integer from the environment (test hooks), or 0. */
static long
env_positive (const char *name)
{
  const char *text = getenv (name);
  char *end = NULL;
  long val;

  if (text == NULL || *text == '\0')
    return 0;
  val = strtol (text, &end, 10);
  if (end == NULL || *end != '\0' || val <= 0 || val > (1 << 30))
    return 0;
  return val;
}

static int
conn_open_socket (NetlinkConn *conn)
{
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
  socklen_t addr_len = sizeof addr;
  struct timeval tv = { .tv_sec = PS_NETLINK_TIMEOUT_SEC };
  long rcvbuf;

  conn->fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (conn->fd < 0)
    return -errno;

  /* Test-only: a small receive buffer makes the kernel pace the dump. */
  rcvbuf = env_positive ("PORTSCOPE_NETLINK_RCVBUF");
  if (rcvbuf > 0)
    {
      int ival = (int) rcvbuf;
      (void) setsockopt (conn->fd, SOL_SOCKET, SO_RCVBUF, &ival, sizeof ival);
    }

  (void) setsockopt (conn->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  if (bind (conn->fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || getsockname (conn->fd, (struct sockaddr *) &addr, &addr_len) < 0)
    {
      int err = -errno;
      close (conn->fd);
      conn->fd = -1;
      return err;
    }
  if (addr_len < sizeof addr || addr.nl_family != AF_NETLINK)
    {
      close (conn->fd);
      conn->fd = -1;
      return -EPROTO;
    }
  conn->portid = addr.nl_pid;
  return 0;
}

static int
conn_open (NetlinkConn *conn)
{
  long size;
  int ret;

  memset (conn, 0, sizeof *conn);
  conn->seq = 0x50530000u;
  ret = conn_open_socket (conn);
  if (ret < 0)
    return ret;

  /* Test-only: a receive buffer too small for the kernel's datagrams. */
  size = env_positive ("PORTSCOPE_NETLINK_BUFSIZE");
  conn->size = size >= 256 ? (size_t) size : PS_NETLINK_BUF_INITIAL;
  conn->buf = malloc (conn->size);
  if (conn->buf == NULL)
    {
      close (conn->fd);
      conn->fd = -1;
      return -ENOMEM;
    }
  return 0;
}

/* After a datagram that did not fit: a buffer of its size and a new socket
 * (the old one is in the middle of a dump).  Returns 0 or -errno. */
static int
conn_grow_and_reopen (NetlinkConn *conn)
{
  size_t new_size = conn->size;
  uint8_t *buf;

  while (new_size < conn->need && new_size < PS_NETLINK_BUF_MAX)
    new_size *= 2;
  if (new_size < conn->need)
    return -EMSGSIZE;
  buf = realloc (conn->buf, new_size);
  if (buf == NULL)
    return -ENOMEM;
  conn->buf = buf;
  conn->size = new_size;
  conn->need = 0;

  close (conn->fd);
  return conn_open_socket (conn);
}

static void
conn_close (NetlinkConn *conn)
{
  if (conn->fd >= 0)
    close (conn->fd);
  conn->fd = -1;
  free (conn->buf);
  conn->buf = NULL;
}

/* Sends one request of LEN bytes to the kernel. */
static int
conn_send (NetlinkConn *conn,
           const void  *msg,
           size_t       len)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  ssize_t n;

  do
    n = sendto (conn->fd, msg, len, 0, (struct sockaddr *) &kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  if ((size_t) n != len)
    return -EIO;
  return 0;
}

/* The request of the original inet_diag interface (TCPDIAG_GETSOCK): the
 * kernel answers it for both families at once (sdiag_family AF_UNSPEC), in
 * one walk of its tables instead of one per family. */
static int
conn_send_request_both (NetlinkConn *conn,
                        uint32_t     states)
{
  struct
  {
    struct nlmsghdr nlh;
    struct inet_diag_req req;
  } msg;

  memset (&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = TCPDIAG_GETSOCK;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = ++conn->seq;
  msg.req.idiag_family = AF_INET;   /* ignored for a dump: every family */
  msg.req.idiag_states = states;
  msg.req.idiag_ext = 0;

  return conn_send (conn, &msg, sizeof msg);
}

/* FAMILY AF_UNSPEC: TCP of both families (conn_send_request_both). */
static int
conn_send_request (NetlinkConn *conn,
                   int          family,
                   int          protocol,
                   uint32_t     states)
{
  struct
  {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;

  if (family == AF_UNSPEC)
    return protocol == IPPROTO_TCP ? conn_send_request_both (conn, states) : -EINVAL;

  memset (&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = ++conn->seq;
  msg.req.sdiag_family = (uint8_t) family;
  msg.req.sdiag_protocol = (uint8_t) protocol;
  msg.req.idiag_states = states;
  /* INET_DIAG_SKV6ONLY needs no extension bit: the kernel adds it to every
   * AF_INET6 socket in LISTEN or CLOSE. */
  msg.req.idiag_ext = 0;

  return conn_send (conn, &msg, sizeof msg);
}

/* Receives one datagram into conn->buf.  Returns its length, -EMSGSIZE
 * when it did not fit (conn->need then holds its size: the rest of it is
 * lost), or another -errno. */
static ssize_t
conn_recv (NetlinkConn *conn)
{
  struct sockaddr_nl from;
  struct iovec iov;
  struct msghdr mh;
  ssize_t n;

  for (;;)
    {
      memset (&mh, 0, sizeof mh);
      memset (&from, 0, sizeof from);
      iov.iov_base = conn->buf;
      iov.iov_len = conn->size;
      mh.msg_name = &from;
      mh.msg_namelen = sizeof from;
      mh.msg_iov = &iov;
      mh.msg_iovlen = 1;
      /* MSG_TRUNC: the datagram's real length, even when it is cut. */
      n = recvmsg (conn->fd, &mh, MSG_TRUNC);
      if (n >= 0)
        break;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return -ETIMEDOUT;
      return -errno;
    }

  if ((size_t) n > conn->size || (mh.msg_flags & MSG_TRUNC))
    {
      conn->need = (size_t) n > conn->size ? (size_t) n : conn->size * 2;
      return -EMSGSIZE;
    }
  /* Only the kernel (port id 0) may answer. */
  if (mh.msg_namelen < sizeof from || from.nl_family != AF_NETLINK
      || from.nl_pid != 0)
    return -EPROTO;
  return n;
}

/* Runs one dump.  Returns 0, -EINTR when the kernel flagged the dump as
 * interrupted (already drained), or another -errno.  FAMILY AF_UNSPEC: TCP
 * of both families, answered with the request's message type. */
static int
dump_one (NetlinkConn        *conn,
          int                 family,
          int                 protocol,
          uint32_t            states,
          PsProbeSocketArray *out)
{
  int reply_type = family == AF_UNSPEC ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
  int interrupted = 0;
  int ret;

  ret = conn_send_request (conn, family, protocol, states);
  if (ret < 0)
    return ret;

  for (;;)
    {
      ssize_t n = conn_recv (conn);
      size_t off = 0;

      if (n < 0)
        return (int) n;
      if (n == 0)
        return -EPROTO;

      while (off < (size_t) n)
        {
          struct nlmsghdr nlh;
          size_t left = (size_t) n - off;
          const uint8_t *payload;
          size_t payload_len;

          if (left < sizeof nlh)
            return -EPROTO;
          memcpy (&nlh, conn->buf + off, sizeof nlh);
          if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > left)
            return -EPROTO;
          if (nlh.nlmsg_seq != conn->seq || nlh.nlmsg_pid != conn->portid)
            return -EPROTO;

          payload = conn->buf + off + NLMSG_HDRLEN;
          payload_len = nlh.nlmsg_len - NLMSG_HDRLEN;

          if (nlh.nlmsg_flags & NLM_F_DUMP_INTR)
            interrupted = 1;

          if (nlh.nlmsg_type == NLMSG_DONE)
            {
              int status = 0;

              /* The kernel puts the dump's result after the header. */
              if (payload_len >= sizeof status)
                memcpy (&status, payload, sizeof status);
              if (status < 0)
                return status;
              return interrupted ? -EINTR : 0;
            }
          else if (nlh.nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr err;

              if (payload_len < sizeof err.error)
                return -EPROTO;
              memcpy (&err.error, payload, sizeof err.error);
              if (err.error < 0)
                return err.error;
              if (err.error > 0)
                return -EPROTO;
              /* An acknowledgement: nothing to do. */
            }
          else if (nlh.nlmsg_type == reply_type)
            {
              PsProbeSocket rec;

              ret = ps_netlink_parse_diag_msg (payload, payload_len, protocol, &rec);
              if (ret < 0)
                return -EPROTO;
              if (family != AF_UNSPEC && rec.family != family)
                return -EPROTO;
              if (!interrupted)
                {
                  PsProbeSocket *slot = ps_probe_socket_array_append (out);

                  if (slot == NULL)
                    return -ENOMEM;
                  *slot = rec;
                }
            }
          else if (nlh.nlmsg_type == NLMSG_NOOP)
            ;
          else
            return -EPROTO;

          if (NLMSG_ALIGN (nlh.nlmsg_len) >= left)
            break;
          off += NLMSG_ALIGN (nlh.nlmsg_len);
        }
    }
}

static int
dump_with_retry (NetlinkConn        *conn,
                 int                 family,
                 int                 protocol,
                 uint32_t            states,
                 PsProbeSocketArray *out)
{
  size_t start = out->len;
  int interrupted = 0;

  for (;;)
    {
      int ret = dump_one (conn, family, protocol, states, out);

      if (ret == -EMSGSIZE && conn->need > 0)
        {
          /* A datagram did not fit: run the dump again with room for it. */
          out->len = start;
          ret = conn_grow_and_reopen (conn);
          if (ret < 0)
            return ret;
          continue;
        }
      if (ret != -EINTR)
        return ret;
      /* The tables changed during the dump: drop it and run it once more. */
      out->len = start;
      if (++interrupted == 2)
        return -EAGAIN;
    }
}

/* Set once the kernel refused a both-families request: per family since. */
static int both_families_refused;

static uint32_t
tcp_states (unsigned flags)
{
  return (flags & PS_PROBE_TCP_ALL) ? PS_TCP_ALL_STATES : (1u << TCP_LISTEN);
}

static uint32_t
udp_states (unsigned flags)
{
  return (flags & PS_PROBE_UDP_ALL) ? PS_TCP_ALL_STATES : (1u << TCP_CLOSE);
}

/* The TCP sockets FLAGS asks for, of the families in FAM_FLAGS. */
static int
dump_tcp (NetlinkConn        *conn,
          unsigned            fam_flags,
          unsigned            flags,
          PsProbeSocketArray *out)
{
  int ret = 0;

  if (!(flags & (PS_PROBE_TCP_LISTEN | PS_PROBE_TCP_ALL)))
    return 0;

  if (fam_flags == (PS_PROBE_IPV4 | PS_PROBE_IPV6)
      && !__atomic_load_n (&both_families_refused, __ATOMIC_RELAXED)
      && getenv ("PORTSCOPE_NETLINK_PER_FAMILY") == NULL)
    {
      size_t start = out->len;

      ret = dump_with_retry (conn, AF_UNSPEC, IPPROTO_TCP, tcp_states (flags), out);
      if (ret == 0 || ret == -ENOMEM)
        return ret;
      /* An old or trimmed kernel: ask per family from now on, on a fresh
       * socket (this one may be in the middle of a dump). */
      out->len = start;
      __atomic_store_n (&both_families_refused, 1, __ATOMIC_RELAXED);
      close (conn->fd);
      ret = conn_open_socket (conn);
      if (ret < 0)
        return ret;
    }

  if (fam_flags & PS_PROBE_IPV4)
    ret = dump_with_retry (conn, AF_INET, IPPROTO_TCP, tcp_states (flags), out);
  if (ret == 0 && (fam_flags & PS_PROBE_IPV6))
    ret = dump_with_retry (conn, AF_INET6, IPPROTO_TCP, tcp_states (flags), out);
  return ret;
}

/* The UDP sockets FLAGS asks for, of the families in FAM_FLAGS. */
static int
dump_udp (NetlinkConn        *conn,
          unsigned            fam_flags,
          unsigned            flags,
          PsProbeSocketArray *out)
{
  int ret = 0;

  if (!(flags & (PS_PROBE_UDP | PS_PROBE_UDP_ALL)))
    return 0;
  if (fam_flags & PS_PROBE_IPV4)
    ret = dump_with_retry (conn, AF_INET, IPPROTO_UDP, udp_states (flags), out);
  if (ret == 0 && (fam_flags & PS_PROBE_IPV6))
    ret = dump_with_retry (conn, AF_INET6, IPPROTO_UDP, udp_states (flags), out);
  return ret;
}

/* The UDP half of a parallel dump, on its own socket and array. */
typedef struct
{
  unsigned fam_flags;
  unsigned flags;
  PsProbeSocketArray sockets;
  int ret;
} UdpJob;

static void *
udp_job_run (void *data)
{
  UdpJob *job = data;
  NetlinkConn conn;

  job->ret = conn_open (&conn);
  if (job->ret < 0)
    return NULL;
  job->ret = dump_udp (&conn, job->fam_flags, job->flags, &job->sockets);
  conn_close (&conn);
  return NULL;
}

static int
append_all (PsProbeSocketArray       *out,
            const PsProbeSocketArray *more)
{
  size_t i;

  for (i = 0; i < more->len; i++)
    {
      PsProbeSocket *slot = ps_probe_socket_array_append (out);

      if (slot == NULL)
        return -ENOMEM;
      *slot = more->items[i];
    }
  return 0;
}

static int
have_two_cpus (void)
{
  cpu_set_t set;

  return sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) >= 2;
}

int
ps_netlink_dump (unsigned            flags,
                 PsProbeSocketArray *out)
{
  NetlinkConn conn;
  unsigned fam_flags;
  int ret = 0;

  if (out == NULL)
    return -EINVAL;

  fam_flags = flags & (PS_PROBE_IPV4 | PS_PROBE_IPV6);
  if (fam_flags == 0)
    fam_flags = PS_PROBE_IPV4 | PS_PROBE_IPV6;

  /* TCP and UDP on two CPUs: the kernel's work (nearly all of a dump) runs
   * in each reader's recvmsg, so UDP goes to a thread. */
  if ((flags & PS_PROBE_PARALLEL)
      && (flags & (PS_PROBE_TCP_LISTEN | PS_PROBE_TCP_ALL))
      && (flags & (PS_PROBE_UDP | PS_PROBE_UDP_ALL))
      && have_two_cpus ())
    {
      UdpJob job = { .fam_flags = fam_flags, .flags = flags };
      pthread_t thread;

      if (pthread_create (&thread, NULL, udp_job_run, &job) == 0)
        {
          ret = conn_open (&conn);
          if (ret == 0)
            {
              ret = dump_tcp (&conn, fam_flags, flags, out);
              conn_close (&conn);
            }
          pthread_join (thread, NULL);
          if (ret == 0)
            ret = job.ret;
          if (ret == 0)
            ret = append_all (out, &job.sockets);
          ps_probe_socket_array_clear (&job.sockets);
          return ret;
        }
      /* No thread: one after the other. */
    }

  ret = conn_open (&conn);
  if (ret < 0)
    return ret;
  ret = dump_tcp (&conn, fam_flags, flags, out);
  if (ret == 0)
    ret = dump_udp (&conn, fam_flags, flags, out);
  conn_close (&conn);
  return ret;
}

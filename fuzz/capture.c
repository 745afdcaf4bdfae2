/* SPDX-License-Identifier: GPL-3.0-or-later */
/* capture OUTDIR HELPER: records real inputs for the seed corpora.  Run it in
 * a fresh network namespace (fuzz/capture-corpus does), so that the sockets
 * and owners it records are its own test sockets and nothing of this machine:
 *   netlink/  raw inet_diag_msg payloads from a sock_diag dump (first byte:
 *             0 TCP, 1 UDP, as fuzz-netlink.c reads them)
 *   procnet/  lines of /proc/net/{tcp,tcp6,udp,udp6} (first byte: 0..3)
 *   stat/     /proc/PID/stat of its own children (one named ") S 1 (", one
 *             stopped, one zombie) and of kthreadd
 *   cgroup/   /proc/PID/cgroup of itself
 *   wire/     every frame of a real `HELPER serve` session: hello, scan
 *             request and reply, terminate request and reply, error. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ps-wire.h"

static const char *outdir;
static unsigned counter;

static void
die (const char *what)
{
  perror (what);
  exit (1);
}

static void
save (const char *kind,
      const char *name,
      int         prefix,
      const void *data,
      size_t      len)
{
  char path[4096];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s/%s-%03u", outdir, kind, name, counter++);
  f = fopen (path, "wb");
  if (f == NULL)
    die (path);
  if (prefix >= 0)
    fputc (prefix, f);
  fwrite (data, 1, len, f);
  fclose (f);
}

static int
open_socket (int         family,
             int         type,
             const char *addr,
             int         v6only,
             int         do_listen)
{
  int fd = socket (family, type, 0);

  if (fd < 0)
    die ("socket");
  if (family == AF_INET)
    {
      struct sockaddr_in sa = { .sin_family = AF_INET };

      inet_pton (AF_INET, addr, &sa.sin_addr);
      if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        die ("bind");
    }
  else
    {
      struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
      inet_pton (AF_INET6, addr, &sa.sin6_addr);
      if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        die ("bind6");
    }
  if (do_listen && listen (fd, 4) < 0)
    die ("listen");
  return fd;
}

static void
capture_netlink (int family,
                 int protocol)
{
  struct
  {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;
  static char buf[65536];
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int done = 0;

  if (fd < 0)
    die ("netlink");
  memset (&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = 1;
  msg.req.sdiag_family = family;
  msg.req.sdiag_protocol = protocol;
  msg.req.idiag_states = ~0u;
  if (send (fd, &msg, sizeof msg, 0) < 0)
    die ("send");
  while (!done)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      struct nlmsghdr *h;

      if (n <= 0)
        die ("recv");
      for (h = (struct nlmsghdr *) buf; NLMSG_OK (h, (size_t) n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
            {
              done = 1;
              break;
            }
          save ("netlink", protocol == IPPROTO_TCP ? "tcp" : "udp",
                protocol == IPPROTO_TCP ? 0 : 1, NLMSG_DATA (h), h->nlmsg_len - NLMSG_HDRLEN);
        }
    }
  close (fd);
}

static void
capture_procnet (const char *file,
                 int         selector)
{
  char path[256];
  char line[1024];
  FILE *f;
  int first = 1;

  snprintf (path, sizeof path, "/proc/net/%s", file);
  f = fopen (path, "r");
  if (f == NULL)
    die (path);
  while (fgets (line, sizeof line, f) != NULL)
    {
      size_t len = strlen (line);

      if (first)
        {
          first = 0;      /* the header */
          continue;
        }
      if (len > 0 && line[len - 1] == '\n')
        len--;
      save ("procnet", file, selector, line, len);
    }
  fclose (f);
}

static void
capture_file (const char *kind,
              const char *name,
              const char *path)
{
  char buf[65536];
  int fd = open (path, O_RDONLY);
  ssize_t n;

  if (fd < 0)
    die (path);
  n = read (fd, buf, sizeof buf);
  if (n < 0)
    die (path);
  close (fd);
  save (kind, name, -1, buf, (size_t) n);
}

static pid_t
child (const char *comm)
{
  pid_t pid = fork ();

  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      if (comm != NULL)
        prctl (PR_SET_NAME, comm);
      for (;;)
        pause ();
    }
  return pid;
}

static void
capture_stat_of (pid_t       pid,
                 const char *name)
{
  char path[64];

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  capture_file ("stat", name, path);
}

/* Sends MSG to the helper and records the frame. */
static void
wire_send (int                  fd,
           const PsWireMessage *msg,
           const char          *name)
{
  PsWireBuf buf = { 0 };

  if (ps_wire_encode (msg, &buf) < 0)
    die ("encode");
  save ("wire", name, -1, buf.data, buf.len);
  if (ps_wire_write_all (fd, buf.data, buf.len, -1) < 0)
    die ("write");
  ps_wire_buf_clear (&buf);
}

/* Reads one frame from the helper and records it. */
static void
wire_receive (int            fd,
              const char    *name,
              PsWireMessage *out)
{
  uint8_t *frame = NULL;
  size_t len = 0;

  if (ps_wire_read_frame (fd, ps_wire_now_ms () + 10000, &frame, &len) != 1)
    die ("read frame");
  save ("wire", name, -1, frame, len);
  if (ps_wire_decode (frame, len, out) < 0)
    die ("decode");
  free (frame);
}

static void
capture_wire (const char *helper,
              pid_t       victim,
              uint64_t    victim_inode)
{
  PsWireMessage msg, reply;
  int sv[2];
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    die ("socketpair");
  pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      dup2 (sv[1], 0);
      dup2 (sv[1], 1);
      execl (helper, helper, "serve", (char *) NULL);
      _exit (127);
    }
  close (sv[1]);

  wire_receive (sv[0], "hello", &reply);
  ps_wire_message_clear (&reply);

  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_SCAN_REQUEST;
  msg.flags = PS_WIRE_SCAN_FULL_WALK;
  wire_send (sv[0], &msg, "scan-request");
  wire_receive (sv[0], "scan-reply", &reply);
  ps_wire_message_clear (&reply);

  msg.flags = PS_WIRE_SCAN_NO_OWNERS | PS_WIRE_SCAN_CONNECTIONS;
  wire_send (sv[0], &msg, "scan-request");
  wire_receive (sv[0], "scan-reply", &reply);
  ps_wire_message_clear (&reply);

  {
    char path[64];
    char stat[1024];
    char *p;
    unsigned long long start_time = 0;
    FILE *f;

    snprintf (path, sizeof path, "/proc/%d/stat", (int) victim);
    f = fopen (path, "r");
    if (f == NULL || fgets (stat, sizeof stat, f) == NULL)
      die (path);
    fclose (f);
    p = strrchr (stat, ')');
    for (int field = 2; p != NULL && field < 22; field++)
      p = strchr (p + 1, ' ');
    if (p == NULL || sscanf (p + 1, "%llu", &start_time) != 1)
      die ("start time");

    memset (&msg, 0, sizeof msg);
    msg.type = PS_WIRE_MSG_TERMINATE_REQUEST;
    msg.pid = victim;
    msg.start_time = start_time;
    msg.inode = victim_inode;
    msg.signal = SIGTERM;
    msg.timeout_ms = 2000;
    wire_send (sv[0], &msg, "terminate-request");
    wire_receive (sv[0], "terminate-reply", &reply);
    ps_wire_message_clear (&reply);
  }

  /* Something the helper does not take: an ERROR comes back. */
  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_HELLO;
  msg.version = PS_WIRE_VERSION;
  msg.pid = 1;
  wire_send (sv[0], &msg, "hello-to-helper");
  wire_receive (sv[0], "error", &reply);
  ps_wire_message_clear (&reply);

  close (sv[0]);
  waitpid (pid, NULL, 0);
}

int
main (int   argc,
      char *argv[])
{
  const char *kinds[] = { "netlink", "procnet", "stat", "cgroup", "wire" };
  int fds[8];
  pid_t named, stopped, zombie, victim;
  struct stat st;
  int n = 0;

  if (argc != 3)
    {
      fprintf (stderr, "usage: capture OUTDIR HELPER (in a fresh network namespace)\n");
      return 2;
    }
  outdir = argv[1];
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      char path[4096];

      snprintf (path, sizeof path, "%s/%s", outdir, kinds[i]);
      mkdir (path, 0755);
    }

  fds[n++] = open_socket (AF_INET, SOCK_STREAM, "127.0.0.1", 0, 1);
  fds[n++] = open_socket (AF_INET, SOCK_STREAM, "0.0.0.0", 0, 1);
  fds[n++] = open_socket (AF_INET6, SOCK_STREAM, "::", 0, 1);
  fds[n++] = open_socket (AF_INET6, SOCK_STREAM, "::1", 1, 1);
  fds[n++] = open_socket (AF_INET, SOCK_DGRAM, "127.0.0.1", 0, 0);
  fds[n++] = open_socket (AF_INET6, SOCK_DGRAM, "::", 1, 0);
  fds[n++] = open_socket (AF_INET6, SOCK_DGRAM, "::", 0, 0);
  /* An established pair. */
  {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int c = socket (AF_INET, SOCK_STREAM, 0);

    getsockname (fds[0], (struct sockaddr *) &sa, &len);
    if (connect (c, (struct sockaddr *) &sa, len) < 0)
      die ("connect");
    fds[n++] = c;
  }

  capture_netlink (AF_INET, IPPROTO_TCP);
  capture_netlink (AF_INET6, IPPROTO_TCP);
  capture_netlink (AF_INET, IPPROTO_UDP);
  capture_netlink (AF_INET6, IPPROTO_UDP);
  capture_procnet ("tcp", 0);
  capture_procnet ("tcp6", 1);
  capture_procnet ("udp", 2);
  capture_procnet ("udp6", 3);

  named = child (") S 1 (");
  stopped = child (NULL);
  kill (stopped, SIGSTOP);
  zombie = fork ();
  if (zombie == 0)
    _exit (0);
  usleep (100 * 1000);
  capture_stat_of (getpid (), "self");
  capture_stat_of (named, "paren-comm");
  capture_stat_of (stopped, "stopped");
  capture_stat_of (zombie, "zombie");
  capture_stat_of (2, "kthreadd");
  capture_file ("cgroup", "self", "/proc/self/cgroup");

  /* The victim holds fds[1] only; we close our copy. */
  fstat (fds[1], &st);
  victim = fork ();
  if (victim == 0)
    {
      for (;;)
        pause ();
    }
  close (fds[1]);
  capture_wire (argv[2], victim, st.st_ino);

  kill (named, SIGKILL);
  kill (stopped, SIGKILL);
  kill (victim, SIGKILL);
  while (wait (NULL) > 0)
    ;
  printf ("%u inputs recorded in %s\n", counter, outdir);
  return 0;
}

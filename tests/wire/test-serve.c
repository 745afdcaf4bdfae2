/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope-helper serve` end to end: the real helper binary on a socketpair. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "ps-pin.h"
#include "ps-procinfo.h"
#include "ps-wire.h"

#define DEADLINE_MS 10000

typedef struct
{
  GPid pid;
  int fd;
} Helper;

static const char *
helper_path (void)
{
  const char *path = g_getenv ("PORTSCOPE_HELPER_BIN");

  g_assert_nonnull (path);
  return path;
}

static void
helper_start (Helper *h)
{
  const char *argv[] = { helper_path (), "serve", NULL };
  g_autoptr(GError) error = NULL;
  PsWireMessage hello;
  int sv[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                          NULL, NULL, &h->pid, sv[1], sv[1], -1, &error);
  g_assert_no_error (error);
  close (sv[1]);
  h->fd = sv[0];

  g_assert_cmpint (ps_wire_receive (h->fd, ps_wire_now_ms () + DEADLINE_MS, &hello), ==, 1);
  g_assert_cmpuint (hello.type, ==, PS_WIRE_MSG_HELLO);
  g_assert_cmpuint (hello.version, ==, PS_WIRE_VERSION);
  g_assert_cmpint (hello.pid, ==, h->pid);
  g_assert_cmpuint (hello.uid, ==, geteuid ());
  ps_wire_message_clear (&hello);
}

/* Waits for the helper to exit (with a deadline) and returns its wait status. */
static int
helper_wait (Helper *h)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_MS * 1000;
  int status = 0;

  for (;;)
    {
      pid_t r = waitpid (h->pid, &status, WNOHANG);

      g_assert_cmpint (r, >=, 0);
      if (r == h->pid)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  h->pid = 0;
  return status;
}

static void
helper_stop (Helper *h)
{
  int status;

  close (h->fd);
  status = helper_wait (h);
  /* End of file on stdin: a clean exit. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
request (Helper              *h,
         const PsWireMessage *req,
         PsWireMessage       *reply)
{
  g_assert_cmpint (ps_wire_send (h->fd, req, ps_wire_now_ms () + DEADLINE_MS), ==, 0);
  g_assert_cmpint (ps_wire_receive (h->fd, ps_wire_now_ms () + DEADLINE_MS, reply), ==, 1);
}

static void
scan (Helper        *h,
      PsWireMessage *reply)
{
  PsWireMessage req = { .type = PS_WIRE_MSG_SCAN_REQUEST, .flags = PS_WIRE_SCAN_FULL_WALK };

  request (h, &req, reply);
  g_assert_cmpuint (reply->type, ==, PS_WIRE_MSG_SCAN_REPLY);
}

static int
listen_loopback (int       type,
                 guint16  *port,
                 guint64  *inode)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  struct stat st;
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  if (type == SOCK_STREAM)
    g_assert_no_errno (listen (fd, 4));
  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &addr, &len));
  g_assert_no_errno (fstat (fd, &st));
  *port = ntohs (addr.sin_port);
  *inode = st.st_ino;
  return fd;
}

static const PsWireSocket *
find_socket (const PsWireMessage *reply,
             guint64              inode)
{
  for (size_t i = 0; i < reply->n_sockets; i++)
    if (reply->sockets[i].socket.inode == inode)
      return &reply->sockets[i];
  return NULL;
}

static void
test_scan (void)
{
  Helper h;
  PsWireMessage reply;
  const PsWireSocket *s;
  const PsWireProcess *p;
  PsProcStat self_stat;
  guint16 tcp_port, udp_port;
  guint64 tcp_inode, udp_inode;
  int tcp = listen_loopback (SOCK_STREAM, &tcp_port, &tcp_inode);
  int udp = listen_loopback (SOCK_DGRAM, &udp_port, &udp_inode);

  helper_start (&h);
  scan (&h, &reply);
  g_assert_true (reply.flags & PS_WIRE_REPLY_OWNERS_COMPLETE);

  s = find_socket (&reply, tcp_inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->socket.protocol, ==, IPPROTO_TCP);
  g_assert_cmpuint (s->socket.family, ==, AF_INET);
  g_assert_cmpuint (s->socket.local_port, ==, tcp_port);
  g_assert_cmpuint (s->socket.local_addr[0], ==, 127);
  g_assert_cmpuint (s->socket.uid, ==, geteuid ());
  g_assert_cmpuint (s->n_owners, ==, 1);
  g_assert_cmpint (s->owners[0], ==, getpid ());

  s = find_socket (&reply, udp_inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->socket.protocol, ==, IPPROTO_UDP);
  g_assert_cmpuint (s->socket.local_port, ==, udp_port);
  g_assert_cmpuint (s->n_owners, ==, 1);
  g_assert_cmpint (s->owners[0], ==, getpid ());

  /* The process facts are ours. */
  g_assert_cmpint (ps_proc_read_stat (NULL, getpid (), &self_stat), ==, 0);
  p = ps_wire_message_find_process (&reply, getpid ());
  g_assert_nonnull (p);
  g_assert_cmpint (p->ppid, ==, getppid ());
  g_assert_cmpuint (p->uid, ==, getuid ());
  g_assert_cmpuint (p->start_time, ==, self_stat.start_time);
  g_assert_cmpstr (p->comm, ==, self_stat.comm);
  g_assert_nonnull (p->cmdline);
  g_assert_true (g_str_has_suffix (p->cmdline, "test-serve"));
  g_assert_nonnull (p->exe);
  g_assert_true (g_str_has_suffix (p->exe, "test-serve"));
  g_assert_nonnull (ps_wire_message_find_user (&reply, geteuid ()));
  ps_wire_message_clear (&reply);

  /* The socket is gone from the next scan once closed (the tracker is kept). */
  close (tcp);
  scan (&h, &reply);
  g_assert_null (find_socket (&reply, tcp_inode));
  g_assert_nonnull (find_socket (&reply, udp_inode));
  ps_wire_message_clear (&reply);

  /* Sockets only. */
  {
    PsWireMessage req = { .type = PS_WIRE_MSG_SCAN_REQUEST, .flags = PS_WIRE_SCAN_NO_OWNERS };

    request (&h, &req, &reply);
    s = find_socket (&reply, udp_inode);
    g_assert_nonnull (s);
    g_assert_cmpuint (s->n_owners, ==, 0);
    g_assert_false (reply.flags & PS_WIRE_REPLY_OWNERS_COMPLETE);
    ps_wire_message_clear (&reply);
  }

  close (udp);
  helper_stop (&h);
}

static int
terminate (Helper   *h,
           gint32    pid,
           guint64   start_time,
           guint64   inode,
           int       sig,
           guint32   timeout_ms,
           guint32  *flags)
{
  PsWireMessage req = { .type = PS_WIRE_MSG_TERMINATE_REQUEST };
  PsWireMessage reply;
  int code;

  req.pid = pid;
  req.start_time = start_time;
  req.inode = inode;
  req.signal = sig;
  req.timeout_ms = timeout_ms;
  request (h, &req, &reply);
  g_assert_cmpuint (reply.type, ==, PS_WIRE_MSG_TERMINATE_REPLY);
  code = reply.code;
  if (flags != NULL)
    *flags = reply.flags;
  ps_wire_message_clear (&reply);
  return code;
}

static void
test_terminate (void)
{
  Helper h;
  PsWireMessage reply;
  const PsWireSocket *s;
  const PsWireProcess *p;
  guint16 port;
  guint64 inode, start_time;
  guint32 flags = 0;
  int status;
  int fd = listen_loopback (SOCK_STREAM, &port, &inode);
  pid_t child = fork ();

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      for (;;)
        pause ();
    }
  close (fd);     /* only the child holds the socket now */

  helper_start (&h);
  scan (&h, &reply);
  s = find_socket (&reply, inode);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->n_owners, ==, 1);
  g_assert_cmpint (s->owners[0], ==, child);
  p = ps_wire_message_find_process (&reply, child);
  g_assert_nonnull (p);
  start_time = p->start_time;
  ps_wire_message_clear (&reply);

  /* Refused targets, whatever the rest of the tuple says. */
  g_assert_cmpint (terminate (&h, 1, 0, 0, SIGTERM, 0, NULL), ==, PS_PIN_REFUSED);
  g_assert_cmpint (terminate (&h, h.pid, 0, 0, SIGTERM, 0, NULL), ==, PS_PIN_REFUSED);
  g_assert_cmpint (terminate (&h, getpid (), 0, 0, SIGTERM, 0, NULL), ==, PS_PIN_REFUSED);
  g_assert_cmpint (terminate (&h, 2, 0, 0, SIGTERM, 0, NULL), ==, PS_PIN_REFUSED);
  /* A signal outside the list. */
  g_assert_cmpint (terminate (&h, child, start_time, inode, SIGUSR1, 0, NULL), ==, -EINVAL);
  /* Another start time: another process, as far as the helper knows. */
  g_assert_cmpint (terminate (&h, child, start_time + 1, inode, SIGTERM, 0, NULL), ==, PS_PIN_GONE);
  /* Another socket. */
  g_assert_cmpint (terminate (&h, child, start_time, inode + 1000000, SIGTERM, 0, NULL),
                   ==, PS_PIN_NO_LONGER_HOLDS);
  g_assert_cmpint (waitpid (child, &status, WNOHANG), ==, 0);

  /* The real thing, waiting for the exit. */
  g_assert_cmpint (terminate (&h, child, start_time, inode, SIGTERM, 5000, &flags), ==, PS_PIN_OK);
  g_assert_true (flags & PS_WIRE_TERMINATE_EXITED);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);

  /* Gone now. */
  g_assert_cmpint (terminate (&h, child, start_time, inode, SIGTERM, 0, NULL), ==, PS_PIN_GONE);

  helper_stop (&h);
}

/* A well-framed but malformed request gets an ERROR, and the helper goes on. */
static void
test_malformed_request (void)
{
  static const guint8 frame[] = { 18, 0, 0, 0, 'P', 'S', 'C', 'W', 1, 0, 2, 0,
                                  4, 0, 9, 0, 0, 0 };   /* field overruns the frame */
  PsWireMessage reply;
  Helper h;

  helper_start (&h);
  g_assert_cmpint (ps_wire_write_all (h.fd, frame, sizeof frame, -1), ==, 0);
  g_assert_cmpint (ps_wire_receive (h.fd, ps_wire_now_ms () + DEADLINE_MS, &reply), ==, 1);
  g_assert_cmpuint (reply.type, ==, PS_WIRE_MSG_ERROR);
  g_assert_cmpint (reply.code, ==, -EPROTO);
  ps_wire_message_clear (&reply);

  /* A message the helper does not take. */
  {
    PsWireMessage hello = { .type = PS_WIRE_MSG_HELLO, .version = 1, .pid = 1 };

    request (&h, &hello, &reply);
    g_assert_cmpuint (reply.type, ==, PS_WIRE_MSG_ERROR);
    ps_wire_message_clear (&reply);
  }

  scan (&h, &reply);
  ps_wire_message_clear (&reply);
  helper_stop (&h);
}

/* A header it cannot trust: an ERROR, then the helper leaves (the stream is lost). */
static void
test_bad_frame_ends_session (void)
{
  static const guint8 header[] = { 0, 0, 0, 0x80, 'P', 'S', 'C', 'W', 1, 0, 2, 0 };
  PsWireMessage reply;
  Helper h;
  int status;

  helper_start (&h);
  g_assert_cmpint (ps_wire_write_all (h.fd, header, sizeof header, -1), ==, 0);
  g_assert_cmpint (ps_wire_receive (h.fd, ps_wire_now_ms () + DEADLINE_MS, &reply), ==, 1);
  g_assert_cmpuint (reply.type, ==, PS_WIRE_MSG_ERROR);
  g_assert_cmpint (reply.code, ==, -EMSGSIZE);
  ps_wire_message_clear (&reply);
  status = helper_wait (&h);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  close (h.fd);
}

/* End of file while the helper waits: it exits at once, also mid-frame. */
static void
test_eof (void)
{
  static const guint8 half[] = { 18, 0, 0, 0, 'P', 'S', 'C' };
  Helper h;
  int status;

  helper_start (&h);
  helper_stop (&h);

  helper_start (&h);
  g_assert_cmpint (ps_wire_write_all (h.fd, half, sizeof half, -1), ==, 0);
  shutdown (h.fd, SHUT_WR);
  status = helper_wait (&h);
  g_assert_true (WIFEXITED (status));
  close (h.fd);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/serve/scan", test_scan);
  g_test_add_func ("/serve/terminate", test_terminate);
  g_test_add_func ("/serve/malformed-request", test_malformed_request);
  g_test_add_func ("/serve/bad-frame-ends-session", test_bad_frame_ends_session);
  g_test_add_func ("/serve/eof", test_eof);

  return g_test_run ();
}

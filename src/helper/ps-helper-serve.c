/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "portscope-helper serve": the wire protocol (ps-wire.h) on stdin/stdout.
 *
 * The helper says HELLO first, then answers one request at a time until
 * stdin reaches end of file, which is also how it learns that the app died:
 * a parent-death signal does not survive pkexec or flatpak-spawn.  A frame it
 * cannot read (bad header, truncated) ends the session: the stream is out of
 * step.  A well-framed but malformed request gets an ERROR and the loop goes on. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ps-helper.h"
#include "ps-owners.h"
#include "ps-pin.h"
#include "ps-procinfo.h"
#include "ps-scan.h"
#include "ps-sockets.h"
#include "ps-users.h"
#include "ps-wire.h"

/* Command lines are cut to this when a whole reply would not fit in a frame. */
#define SHORT_CMDLINE 4096

typedef struct
{
  const char *proc_root;    /* NULL: /proc */
  PsOwnerTracker *tracker;  /* kept between scans: the steady state skips the walk */
  int in_fd;
  int out_fd;
} Server;

static int
send_error (Server     *server,
            int         code,
            const char *text)
{
  PsWireMessage msg = { 0 };

  msg.type = PS_WIRE_MSG_ERROR;
  msg.code = code;
  msg.text = (char *) text;
  return ps_wire_send (server->out_fd, &msg, -1);
}

static int
handle_scan (Server              *server,
             const PsWireMessage *request)
{
  PsWireMessage reply = { 0 };
  PsWireBuf buf = { 0 };
  int r;

  r = ps_scan_build_reply (&server->tracker, server->proc_root, request->flags, &reply);
  if (r < 0)
    {
      ps_wire_message_clear (&reply);
      return send_error (server, r, "Could not list the sockets of this computer");
    }

  r = ps_wire_encode (&reply, &buf);
  if (r == -EMSGSIZE)
    {
      /* Too much for one frame: long command lines are the usual cause. */
      for (size_t i = 0; i < reply.n_processes; i++)
        if (reply.processes[i].cmdline_len > SHORT_CMDLINE)
          reply.processes[i].cmdline_len = SHORT_CMDLINE;
      r = ps_wire_encode (&reply, &buf);
    }
  ps_wire_message_clear (&reply);
  if (r < 0)
    {
      ps_wire_buf_clear (&buf);
      return send_error (server, r, "The scan result is too large");
    }
  r = ps_wire_write_all (server->out_fd, buf.data, buf.len, -1);
  ps_wire_buf_clear (&buf);
  return r;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* Waits up to TIMEOUT_MS for the pinned process to exit.  Returns 1 when it did. */
static int
wait_exit (const PsPin *pin,
           uint32_t     timeout_ms)
{
  int64_t deadline = ps_wire_now_ms () + timeout_ms;

  for (;;)
    {
      int64_t left;

      if (ps_pin_has_exited (pin) == 1)
        return 1;
      left = deadline - ps_wire_now_ms ();
      if (left <= 0)
        return 0;
      if (pin->pidfd >= 0)
        {
          struct pollfd pfd = { .fd = pin->pidfd, .events = POLLIN };

          if (poll (&pfd, 1, (int) left) < 0 && errno != EINTR)
            return 0;
        }
      else
        sleep_ms (left < 20 ? (int) left : 20);
    }
}

static int
handle_terminate (Server              *server,
                  const PsWireMessage *request)
{
  PsWireMessage reply = { 0 };
  PsPin pin = { .pidfd = -1 };
  int code;

  reply.type = PS_WIRE_MSG_TERMINATE_REPLY;

  if (request->signal != SIGTERM && request->signal != SIGKILL && request->signal != SIGCONT)
    code = -EINVAL;
  else
    code = ps_pin_check_target (server->proc_root, request->pid);
  if (code == PS_PIN_OK)
    code = ps_pin_open (&pin, server->proc_root, request->pid,
                        request->start_time, request->inode);
  if (code == PS_PIN_OK)
    {
      code = ps_pin_signal (&pin, server->proc_root, request->signal);
      if (code == PS_PIN_OK && request->timeout_ms > 0)
        {
          uint32_t timeout = request->timeout_ms;

          if (timeout > PS_WIRE_MAX_TERMINATE_WAIT_MS)
            timeout = PS_WIRE_MAX_TERMINATE_WAIT_MS;
          if (wait_exit (&pin, timeout))
            reply.flags |= PS_WIRE_TERMINATE_EXITED;
        }
      ps_pin_close (&pin);
    }
  /* A PID that is no longer there is the same answer as a reused one. */
  if (code == -ENOENT || code == -ESRCH)
    code = PS_PIN_GONE;

  reply.code = code;
  return ps_wire_send (server->out_fd, &reply, -1);
}

int
ps_helper_serve_main (int    argc,
                      char **argv)
{
  Server server = { 0 };
  PsWireMessage hello = { 0 };
  const char *proc_root = getenv ("PORTSCOPE_PROC_ROOT");
  int status = 0;

  if (argc != 1)
    {
      fprintf (stderr, "usage: portscope-helper serve\n");
      return 64;
    }

  /* A vanished reader must give EPIPE, not kill us before we clean up. */
  signal (SIGPIPE, SIG_IGN);

  server.proc_root = (proc_root != NULL && *proc_root != '\0') ? proc_root : NULL;
  server.in_fd = STDIN_FILENO;
  server.out_fd = STDOUT_FILENO;

  hello.type = PS_WIRE_MSG_HELLO;
  hello.version = PS_WIRE_VERSION;
  hello.pid = (int32_t) getpid ();
  hello.uid = (uint32_t) geteuid ();
  if (ps_wire_send (server.out_fd, &hello, -1) < 0)
    return 1;

  for (;;)
    {
      PsWireMessage request;
      uint8_t *frame = NULL;
      size_t len = 0;
      int r;

      r = ps_wire_read_frame (server.in_fd, -1, &frame, &len);
      if (r == 0)
        break;                  /* end of file: the app is gone or done */
      if (r < 0)
        {
          send_error (&server, r, "Unreadable frame");
          status = 1;
          break;
        }

      r = ps_wire_decode (frame, len, &request);
      free (frame);
      if (r < 0)
        r = send_error (&server, r, "Malformed request");
      else
        {
          switch (request.type)
            {
            case PS_WIRE_MSG_SCAN_REQUEST:
              r = handle_scan (&server, &request);
              break;
            case PS_WIRE_MSG_TERMINATE_REQUEST:
              r = handle_terminate (&server, &request);
              break;
            default:
              r = send_error (&server, -EPROTO, "Unexpected message");
              break;
            }
          ps_wire_message_clear (&request);
        }
      if (r < 0)
        {
          status = 1;           /* cannot write: the reader is gone */
          break;
        }
    }

  if (server.tracker != NULL)
    ps_owner_tracker_free (server.tracker);
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A misbehaving portscope-helper for the backend tests.  argv[1] says how:
 *   die        hello, read one request, then SIGKILL itself (mid-request)
 *   die-once   like die on the first run (FAKE_HELPER_STATE names a file
 *              that marks it), then exec the real helper ($FAKE_HELPER_REAL)
 *   hang       hello, read requests, never answer
 *   silent     never say hello
 *   flood      hello, then endless garbage bytes
 *   flood-frame hello, then a maximal frame header and endless bytes
 *   version    a hello from protocol version 2
 *   exit126 / exit127   exit at once with that status (pkexec's)
 * Every start appends a line to $FAKE_HELPER_LOG when set. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps-wire.h"

static void
log_start (const char *mode)
{
  const char *log = getenv ("FAKE_HELPER_LOG");
  FILE *f;

  if (log == NULL)
    return;
  f = fopen (log, "a");
  if (f != NULL)
    {
      fprintf (f, "%s %d\n", mode, (int) getpid ());
      fclose (f);
    }
}

static void
hello (void)
{
  PsWireMessage msg = { 0 };

  msg.type = PS_WIRE_MSG_HELLO;
  msg.version = PS_WIRE_VERSION;
  msg.pid = (int32_t) getpid ();
  msg.uid = (uint32_t) geteuid ();
  if (ps_wire_send (1, &msg, -1) < 0)
    exit (1);
}

static void
read_one (void)
{
  PsWireMessage msg;

  if (ps_wire_receive (0, -1, &msg) != 1)
    exit (0);
  ps_wire_message_clear (&msg);
}

static void
flood (const void *head,
       size_t      head_len)
{
  char junk[65536];

  memset (junk, 'A', sizeof junk);
  if (head_len > 0 && ps_wire_write_all (1, head, head_len, -1) < 0)
    exit (0);
  for (;;)
    if (ps_wire_write_all (1, junk, sizeof junk, -1) < 0)
      exit (0);
}

int
main (int   argc,
      char *argv[])
{
  const char *mode = argc > 1 ? argv[1] : "";

  signal (SIGPIPE, SIG_IGN);
  log_start (mode);

  if (strcmp (mode, "die-once") == 0)
    {
      const char *state = getenv ("FAKE_HELPER_STATE");
      const char *real = getenv ("FAKE_HELPER_REAL");

      if (state != NULL && access (state, F_OK) == 0 && real != NULL)
        {
          execl (real, real, "serve", (char *) NULL);
          return 1;
        }
      if (state != NULL)
        close (open (state, O_WRONLY | O_CREAT, 0600));
      mode = "die";
    }

  if (strcmp (mode, "die") == 0)
    {
      hello ();
      read_one ();
      raise (SIGKILL);
    }
  else if (strcmp (mode, "hang") == 0)
    {
      hello ();
      for (;;)
        read_one ();
    }
  else if (strcmp (mode, "silent") == 0)
    {
      char c;

      /* Until our stdin closes. */
      while (read (0, &c, 1) > 0)
        ;
      return 0;
    }
  else if (strcmp (mode, "flood") == 0)
    {
      hello ();
      read_one ();
      flood (NULL, 0);
    }
  else if (strcmp (mode, "flood-frame") == 0)
    {
      uint8_t h[PS_WIRE_HEADER_SIZE] = { 0 };
      uint32_t len = PS_WIRE_MAX_FRAME;

      hello ();
      read_one ();
      memcpy (h, &len, 4);                /* little-endian host */
      h[4] = 'P'; h[5] = 'S'; h[6] = 'C'; h[7] = 'W';
      h[8] = PS_WIRE_VERSION;
      h[10] = PS_WIRE_MSG_SCAN_REPLY;
      flood (h, sizeof h);
    }
  else if (strcmp (mode, "version") == 0)
    {
      PsWireMessage msg = { .type = PS_WIRE_MSG_HELLO, .version = 2, .pid = 1 };
      PsWireBuf buf = { 0 };

      ps_wire_encode (&msg, &buf);
      buf.data[8] = 2;
      ps_wire_write_all (1, buf.data, buf.len, -1);
      ps_wire_buf_clear (&buf);
      read_one ();
    }
  else if (strcmp (mode, "exit126") == 0)
    return 126;
  else if (strcmp (mode, "exit127") == 0)
    return 127;

  return 2;
}

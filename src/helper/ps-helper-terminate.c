/* SPDX-License-Identifier: GPL-3.0-or-later */
/* portscope-helper terminate PID STARTTIME INODE SIGNAL
 *
 * Runs as root through pkexec (polkit action io.github.portscope.Portscope.terminate).
 * Accepts exactly that argument list: PID, STARTTIME and INODE are decimal
 * digits only (no sign, space, hex or empty string); PID in 2..4194304,
 * STARTTIME and INODE fit in 64 bits (INODE 0 skips the socket check);
 * SIGNAL is TERM, KILL or CONT.  It refuses PID <= 1, kernel threads, itself
 * and its parent, opens its own pidfd, re-verifies the start time and the
 * socket inode, and only then signals (TERM also continues a stopped target).
 * Nothing is ever sent after a parse failure.
 *
 * Exit codes (also in ps-helper.h):
 *   0  signalled
 *   2  usage: wrong argument count or a malformed/out-of-range argument
 *   3  refused target (PID <= 1, kernel thread, the helper or its parent)
 *   4  gone: the process exited or the PID now belongs to another process
 *   5  alive, but no longer holds the socket inode
 *   6  permission denied (not running with enough privilege)
 *   7  any other error
 * (pkexec itself exits 126 when the authentication dialog was dismissed and
 * 127 when not authorized; the helper never uses those.) */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ps-helper.h"
#include "ps-pin.h"
#include "ps-probe-util.h"

#define PS_HELPER_PID_MAX 4194304     /* PID_MAX_LIMIT on 64-bit kernels */

/* Parses a decimal number made of digits only, without overflow.
 * Returns 0 and sets *OUT, or -1. */
static int
parse_u64 (const char *s,
           uint64_t   *out)
{
  size_t len;

  if (s == NULL)
    return -1;
  /* At most 20 digits: more can only be leading zeros or an overflow. */
  len = strlen (s);
  if (len > 20)
    return -1;
  return ps_probe_parse_dec_u64 (s, len, out);
}

static int
parse_signal (const char *s)
{
  if (s == NULL)
    return -1;
  if (strcmp (s, "TERM") == 0)
    return SIGTERM;
  if (strcmp (s, "KILL") == 0)
    return SIGKILL;
  if (strcmp (s, "CONT") == 0)
    return SIGCONT;
  return -1;
}

static int
usage (const char *why)
{
  fprintf (stderr, "portscope-helper terminate: %s\n"
                   "usage: portscope-helper terminate PID STARTTIME INODE TERM|KILL|CONT\n", why);
  return PS_HELPER_TERMINATE_USAGE;
}

static int
exit_for_pin_result (int r,
                     const char *what)
{
  switch (r)
    {
    case PS_PIN_OK:
      return PS_HELPER_TERMINATE_SIGNALLED;
    case PS_PIN_GONE:
      fprintf (stderr, "portscope-helper terminate: %s: the process is gone\n", what);
      return PS_HELPER_TERMINATE_GONE;
    case PS_PIN_NO_LONGER_HOLDS:
      fprintf (stderr, "portscope-helper terminate: %s: no longer holds the socket\n", what);
      return PS_HELPER_TERMINATE_NO_LONGER_HOLDS;
    case PS_PIN_REFUSED:
      fprintf (stderr, "portscope-helper terminate: %s: refused target\n", what);
      return PS_HELPER_TERMINATE_REFUSED;
    case -EPERM:
    case -EACCES:
      fprintf (stderr, "portscope-helper terminate: %s: permission denied\n", what);
      return PS_HELPER_TERMINATE_PERMISSION;
    default:
      fprintf (stderr, "portscope-helper terminate: %s: %s\n", what, strerror (r < 0 ? -r : EIO));
      return PS_HELPER_TERMINATE_ERROR;
    }
}

int
ps_helper_terminate_main (int    argc,
                          char **argv)
{
  uint64_t pid;
  uint64_t start_time;
  uint64_t inode;
  PsPin pin;
  int sig;
  int r;

  /* argv[0] is "terminate". */
  if (argc != 5)
    return usage ("expected exactly 4 arguments");
  if (parse_u64 (argv[1], &pid) != 0 || pid > PS_HELPER_PID_MAX)
    return usage ("PID must be decimal digits, at most 4194304");
  if (parse_u64 (argv[2], &start_time) != 0)
    return usage ("STARTTIME must be decimal digits and fit in 64 bits");
  if (parse_u64 (argv[3], &inode) != 0)
    return usage ("INODE must be decimal digits and fit in 64 bits");
  sig = parse_signal (argv[4]);
  if (sig < 0)
    return usage ("SIGNAL must be TERM, KILL or CONT");
  if (pid <= 1)
    return exit_for_pin_result (PS_PIN_REFUSED, argv[1]);

  /* The helper only ever looks at the real /proc. */
  r = ps_pin_open (&pin, "/proc", (int32_t) pid, start_time, inode);
  if (r != PS_PIN_OK)
    return exit_for_pin_result (r, argv[1]);
  r = ps_pin_signal (&pin, "/proc", sig);
  ps_pin_close (&pin);
  return exit_for_pin_result (r, argv[1]);
}

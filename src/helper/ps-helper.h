/* SPDX-License-Identifier: GPL-3.0-or-later */
/* portscope-helper subcommands.  libc only (the helper is linked statically). */
#pragma once

/* "portscope-helper terminate PID STARTTIME INODE SIGNAL" (SIGNAL: TERM, KILL
 * or CONT; numbers decimal digits only).  Its exit codes, also documented at
 * the top of ps-helper-terminate.c.  pkexec adds 126 (authentication dialog
 * dismissed) and 127 (not authorized); the helper never uses those. */
enum
{
  PS_HELPER_TERMINATE_SIGNALLED = 0,      /* the signal was sent */
  PS_HELPER_TERMINATE_USAGE = 2,          /* wrong argument count or a bad argument */
  PS_HELPER_TERMINATE_REFUSED = 3,        /* PID <= 1, kernel thread, the helper or its parent */
  PS_HELPER_TERMINATE_GONE = 4,           /* exited, or the PID belongs to another process now */
  PS_HELPER_TERMINATE_NO_LONGER_HOLDS = 5, /* alive but no longer holds the socket inode */
  PS_HELPER_TERMINATE_PERMISSION = 6,     /* permission denied */
  PS_HELPER_TERMINATE_ERROR = 7,          /* any other error */
};

int ps_helper_terminate_main (int    argc,
                              char **argv);

/* "portscope-helper serve": the wire protocol on stdin/stdout until stdin closes. */
int ps_helper_serve_main (int    argc,
                          char **argv);

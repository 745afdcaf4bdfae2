/* SPDX-License-Identifier: GPL-3.0-or-later */
/* portscope-helper subcommands.  libc only (the helper is linked statically). */
#pragma once

/* "portscope-helper terminate PID STARTTIME INODE SIGNAL": exit codes in ps-helper-terminate.c. */
int ps_helper_terminate_main (int    argc,
                              char **argv);

/* "portscope-helper serve": the wire protocol on stdin/stdout until stdin closes. */
int ps_helper_serve_main (int    argc,
                          char **argv);

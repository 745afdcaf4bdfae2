/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-list-run.h: `portscope --list` without GLib, and how the programs find
 * each other.  libc only. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Answers the list forms itself: --list/-l with any of --json, --all/-a and
 * --port/-p N (or --port=N), when the backend is the in-process one
 * ($PORTSCOPE_BACKEND unset, empty or "local"; not in a Flatpak).  Returns
 * the exit status (0 listed, 1 could not scan or write), or -1 for every
 * other command line or backend, which the caller hands unchanged to the
 * GLib CLI (portscope-cli): so its messages and statuses stay the only ones. */
int ps_list_fast_main (int    argc,
                       char **argv);

/* The path of the program NAME of this installation: LIBEXECDIR/NAME for a
 * program installed in BINDIR; next to the running executable when that runs
 * from elsewhere (the build tree, a copy made by a test, libexecdir itself)
 * and NAME is there, else LIBEXECDIR/NAME.  Returns a malloc'ed string
 * (g_free() frees it too); never NULL (aborts when out of memory). */
char *ps_list_find_program (const char *name);

#ifdef __cplusplus
}
#endif

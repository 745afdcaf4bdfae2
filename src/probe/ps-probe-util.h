/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-probe-util.h: small helpers shared by the probe sources. libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns PROC_ROOT when non-empty, else $PORTSCOPE_PROC_ROOT when set and
 * non-empty, else "/proc".  The result is borrowed (never freed). */
const char *ps_probe_proc_root (const char *proc_root);

/* Parses exactly LEN decimal digits (no sign, no space) into *OUT.
 * Returns 0, or -1 for an empty string, any other byte, or overflow. */
int ps_probe_parse_dec_u64 (const char *s,
                            size_t      len,
                            uint64_t   *out);

#ifdef __cplusplus
}
#endif

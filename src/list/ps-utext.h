/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-utext.h: untrusted text made safe to print, in plain C (libc only).
 *
 * The one implementation of the escaping that src/core/ps-text.h documents:
 * `portscope --list` (no GLib) calls it directly, the GLib code through
 * ps_text_escape_visible().  Which characters are escaped, wide or zero-width
 * comes from tables generated at build time from GLib (gen-unicode-tables.c). */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer, always NUL-terminated after the first append.
 * Zero-initialise; free with ps_buf_clear().  Out of memory aborts (as
 * GLib's allocator does). */
typedef struct
{
  char *data;
  size_t len;
  size_t cap;
} PsBuf;

void ps_buf_clear (PsBuf *buf);
void ps_buf_truncate (PsBuf *buf,
                      size_t len);
void ps_buf_append_len (PsBuf      *buf,
                        const char *data,
                        size_t      len);
void ps_buf_append (PsBuf      *buf,
                    const char *text);
void ps_buf_append_c (PsBuf *buf,
                      char   c);
void ps_buf_appendf (PsBuf      *buf,
                     const char *format,
                     ...) __attribute__ ((format (printf, 2, 3)));
/* Returns the contents (malloc'ed, NUL-terminated; "" when empty) and leaves
 * BUF empty. */
char *ps_buf_steal (PsBuf *buf);

/* Decodes one UTF-8 character of at most LEN bytes at P (strict: no overlong
 * form, no surrogate, nothing above U+10FFFF).  Returns its length (1-4) and
 * sets *C, or 0 when the bytes at P are not a valid character. */
size_t ps_utext_decode (const char *p,
                        size_t      len,
                        uint32_t   *c);

/* Appends UNTRUSTED (LEN bytes) to OUT with every control (C0, DEL, C1), bidi,
 * invisible format and unassigned character shown as "\xNN" (below U+0080)
 * or "\u{NNNN}", a backslash as "\\", and each byte of an invalid sequence
 * as "\xNN".  The result is valid UTF-8. */
void ps_utext_escape_visible (PsBuf      *out,
                              const char *untrusted,
                              size_t      len);

/* Terminal columns of TEXT (valid UTF-8, NUL-terminated): wide characters
 * count two, zero-width ones none. */
size_t ps_utext_display_width (const char *text);

/* Appends TEXT as a JSON string (quotes included): each invalid UTF-8 byte
 * becomes U+FFFD, '"', '\\' and the control characters (and DEL) escaped as
 * RFC 8259 allows. */
void ps_utext_json_string (PsBuf      *out,
                           const char *text);

/* Splits a /proc cmdline (NUL-separated, LEN bytes, final NUL optional: a
 * process may overwrite it) into a NULL-terminated vector of malloc'ed
 * strings (free each and the vector; g_strfreev() does).  CMDLINE NULL gives
 * an empty vector. */
char **ps_utext_argv_from_cmdline (const char *cmdline,
                                   size_t      len);
void ps_utext_argv_free (char **argv);

#ifdef __cplusplus
}
#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Untrusted text from processes (names, command lines, folders) made safe to show. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns valid UTF-8 (caller frees) in which every control character (C0, DEL,
 * C1), every bidi override/isolate/mark (U+200E/F, U+202A–E, U+2066–9, U+061C),
 * zero-width and other invisible format characters are made visible as "\xNN"
 * or "\u{NNNN}", a backslash as "\\", and each invalid UTF-8 byte as "\xNN".
 * Never markup-escaped: put the result only in plain-text widgets (or escape
 * it yourself where a widget insists on markup).  LEN -1 means NUL-terminated. */
char *ps_text_escape_visible (const char *untrusted,
                              gssize      len);

/* Like ps_text_escape_visible, for a NUL-separated argv (cmdline): arguments
 * joined by spaces, each escaped; an argument with spaces is quoted. */
char *ps_text_escape_argv (const char * const *argv);

/* Truncates TEXT (valid UTF-8) to at most MAX_CHARS characters with an
 * ellipsis; caller frees. */
char *ps_text_ellipsize (const char *text,
                         gsize       max_chars);

G_END_DECLS

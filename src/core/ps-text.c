/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ps-text.h"

/* Characters that would hide, reorder or fake text when shown as is. */
static gboolean
needs_escape (gunichar c)
{
  if (c < 0x20 || c == 0x7f)
    return TRUE;                          /* C0 and DEL */
  if (c >= 0x80 && c <= 0x9f)
    return TRUE;                          /* C1 */
  if (c == 0x061c ||                      /* Arabic letter mark */
      c == 0x200e || c == 0x200f ||       /* LRM, RLM */
      (c >= 0x202a && c <= 0x202e) ||     /* embeddings and overrides */
      (c >= 0x2066 && c <= 0x2069))       /* isolates */
    return TRUE;
  if (c == 0x2028 || c == 0x2029)
    return TRUE;                          /* line and paragraph separators */
  if (c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0)
    return TRUE;                          /* Hangul fillers: blank "letters" */
  switch (g_unichar_type (c))
    {
    case G_UNICODE_FORMAT:                /* zero-width, soft hyphen, tags, BOM… */
    case G_UNICODE_CONTROL:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_UNASSIGNED:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* An invalid or truncated sequence: show its first byte, resync. */
          g_string_append_printf (out, "\\x%02X", (guint) (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x80 && needs_escape (c))
        g_string_append_printf (out, "\\x%02X", (guint) c);
      else if (needs_escape (c))
        g_string_append_printf (out, "\\u{%04X}", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
}

char *
ps_text_escape_visible (const char *untrusted,
                        gssize      len)
{
  GString *out;

  if (untrusted == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (untrusted);

  out = g_string_sized_new (len + 8);
  append_escaped (out, untrusted, len);
  return g_string_free (out, FALSE);
}

char *
ps_text_escape_argv (const char * const *argv)
{
  GString *out = g_string_new (NULL);

  if (argv == NULL)
    return g_string_free (out, FALSE);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      const char *arg = argv[i];
      gboolean quote = arg[0] == '\0' || strpbrk (arg, " \"") != NULL;

      if (i > 0)
        g_string_append_c (out, ' ');
      if (!quote)
        {
          append_escaped (out, arg, strlen (arg));
          continue;
        }

      g_string_append_c (out, '"');
      for (const char *q = arg; *q != '\0';)
        {
          const char *quote_mark = strchr (q, '"');
          gsize n = quote_mark != NULL ? (gsize) (quote_mark - q) : strlen (q);

          append_escaped (out, q, n);
          q += n;
          if (quote_mark != NULL)
            {
              g_string_append (out, "\\\"");
              q++;
            }
        }
      g_string_append_c (out, '"');
    }

  return g_string_free (out, FALSE);
}

char *
ps_text_ellipsize (const char *text,
                   gsize       max_chars)
{
  GString *out;
  const char *cut;

  g_return_val_if_fail (text != NULL, NULL);

  if (g_utf8_strlen (text, -1) <= (glong) max_chars)
    return g_strdup (text);
  if (max_chars == 0)
    return g_strdup ("");

  cut = g_utf8_offset_to_pointer (text, max_chars - 1);
  out = g_string_new_len (text, cut - text);
  g_string_append (out, "\u2026");
  return g_string_free (out, FALSE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ps-text.h"
#include "ps-utext.h"

/* The escaping itself is ps_utext_escape_visible() (plain C, shared with
 * `portscope --list`, which has no GLib): one implementation. */

char *
ps_text_escape_visible (const char *untrusted,
                        gssize      len)
{
  PsBuf out = { 0 };

  if (untrusted == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (untrusted);

  ps_utext_escape_visible (&out, untrusted, (size_t) len);
  return ps_buf_steal (&out);
}

char *
ps_text_escape_argv (const char * const *argv)
{
  PsBuf out = { 0 };

  if (argv == NULL)
    return ps_buf_steal (&out);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      const char *arg = argv[i];
      gboolean quote = arg[0] == '\0' || strpbrk (arg, " \"") != NULL;

      if (i > 0)
        ps_buf_append_c (&out, ' ');
      if (!quote)
        {
          ps_utext_escape_visible (&out, arg, strlen (arg));
          continue;
        }

      ps_buf_append_c (&out, '"');
      for (const char *q = arg; *q != '\0';)
        {
          const char *quote_mark = strchr (q, '"');
          gsize n = quote_mark != NULL ? (gsize) (quote_mark - q) : strlen (q);

          ps_utext_escape_visible (&out, q, n);
          q += n;
          if (quote_mark != NULL)
            {
              ps_buf_append (&out, "\\\"");
              q++;
            }
        }
      ps_buf_append_c (&out, '"');
    }

  return ps_buf_steal (&out);
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

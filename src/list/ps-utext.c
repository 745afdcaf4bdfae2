/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-unicode-tables.h"
#include "ps-utext.h"

/* Buffers */

static void
ps_buf_reserve (PsBuf  *buf,
                size_t  extra)
{
  size_t need = buf->len + extra + 1;
  size_t cap;
  char *data;

  if (need <= buf->cap)
    return;
  cap = buf->cap > 0 ? buf->cap : 64;
  while (cap < need)
    cap *= 2;
  data = realloc (buf->data, cap);
  if (data == NULL)
    abort ();
  buf->data = data;
  buf->cap = cap;
}

void
ps_buf_clear (PsBuf *buf)
{
  free (buf->data);
  memset (buf, 0, sizeof *buf);
}

void
ps_buf_truncate (PsBuf  *buf,
                 size_t  len)
{
  if (len < buf->len)
    {
      buf->len = len;
      buf->data[len] = '\0';
    }
}

void
ps_buf_append_len (PsBuf      *buf,
                   const char *data,
                   size_t      len)
{
  ps_buf_reserve (buf, len);
  if (len > 0)
    memcpy (buf->data + buf->len, data, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
}

void
ps_buf_append (PsBuf      *buf,
               const char *text)
{
  ps_buf_append_len (buf, text, strlen (text));
}

void
ps_buf_append_c (PsBuf *buf,
                 char   c)
{
  ps_buf_reserve (buf, 1);
  buf->data[buf->len++] = c;
  buf->data[buf->len] = '\0';
}

void
ps_buf_appendf (PsBuf      *buf,
                const char *format,
                ...)
{
  char small[128];
  va_list ap;
  int n;

  va_start (ap, format);
  n = vsnprintf (small, sizeof small, format, ap);
  va_end (ap);
  if (n < 0)
    abort ();
  if ((size_t) n < sizeof small)
    {
      ps_buf_append_len (buf, small, (size_t) n);
      return;
    }
  ps_buf_reserve (buf, (size_t) n);
  va_start (ap, format);
  vsnprintf (buf->data + buf->len, (size_t) n + 1, format, ap);
  va_end (ap);
  buf->len += (size_t) n;
}

char *
ps_buf_steal (PsBuf *buf)
{
  char *data;

  ps_buf_reserve (buf, 0);
  buf->data[buf->len] = '\0';
  data = buf->data;
  memset (buf, 0, sizeof *buf);
  return data;
}

/* UTF-8 */

size_t
ps_utext_decode (const char *p,
                 size_t      len,
                 uint32_t   *c)
{
  const unsigned char *s = (const unsigned char *) p;
  unsigned char lo = 0x80, hi = 0xbf;
  size_t n;
  uint32_t value;

  if (len == 0)
    return 0;
  if (s[0] < 0x80)
    {
      *c = s[0];
      return 1;
    }
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    {
      n = 2;
      value = s[0] & 0x1f;
    }
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    {
      n = 3;
      value = s[0] & 0x0f;
      if (s[0] == 0xe0)
        lo = 0xa0;                /* overlong */
      else if (s[0] == 0xed)
        hi = 0x9f;                /* surrogates */
    }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    {
      n = 4;
      value = s[0] & 0x07;
      if (s[0] == 0xf0)
        lo = 0x90;                /* overlong */
      else if (s[0] == 0xf4)
        hi = 0x8f;                /* above U+10FFFF */
    }
  else
    return 0;

  if (len < n)
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      value = (value << 6) | (s[i] & 0x3f);
    }
  *c = value;
  return n;
}

static int
in_ranges (const uint32_t (*ranges)[2],
           size_t           n,
           uint32_t         c)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (c < ranges[mid][0])
        hi = mid;
      else if (c > ranges[mid][1])
        lo = mid + 1;
      else
        return 1;
    }
  return 0;
}

#define IN_TABLE(table, c) in_ranges (table, sizeof table / sizeof table[0], c)

void
ps_utext_escape_visible (PsBuf      *out,
                         const char *untrusted,
                         size_t      len)
{
  const char *p = untrusted;
  const char *end = untrusted + len;

  ps_buf_reserve (out, len + 8);
  while (p < end)
    {
      uint32_t c;
      size_t n = ps_utext_decode (p, (size_t) (end - p), &c);

      if (n == 0)
        {
          /* An invalid or truncated sequence: show its first byte, resync. */
          ps_buf_appendf (out, "\\x%02X", (unsigned) (unsigned char) *p);
          p++;
          continue;
        }
      if (c == '\\')
        ps_buf_append (out, "\\\\");
      else if (c == 0 || IN_TABLE (ps_utext_escape, c))
        {
          if (c < 0x80)
            ps_buf_appendf (out, "\\x%02X", (unsigned) c);
          else
            ps_buf_appendf (out, "\\u{%04X}", (unsigned) c);
        }
      else
        ps_buf_append_len (out, p, n);
      p += n;
    }
}

size_t
ps_utext_display_width (const char *text)
{
  const char *p = text;
  size_t left = strlen (text);
  size_t width = 0;

  while (left > 0)
    {
      uint32_t c;
      size_t n = ps_utext_decode (p, left, &c);

      if (n == 0)
        n = 1;                    /* not expected: the text is escaped */
      else if (IN_TABLE (ps_utext_zerowidth, c))
        ;
      else
        width += IN_TABLE (ps_utext_wide, c) ? 2 : 1;
      p += n;
      left -= n;
    }
  return width;
}

void
ps_utext_json_string (PsBuf      *out,
                      const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const char *p = text;
  size_t left = strlen (text);

  ps_buf_reserve (out, left + 2);
  ps_buf_append_c (out, '"');
  while (left > 0)
    {
      uint32_t c;
      size_t n = ps_utext_decode (p, left, &c);

      if (n == 0)
        {
          ps_buf_append (out, "\xef\xbf\xbd");  /* U+FFFD for the byte */
          p++;
          left--;
          continue;
        }
      switch (c)
        {
        case '"': ps_buf_append (out, "\\\""); break;
        case '\\': ps_buf_append (out, "\\\\"); break;
        case '\b': ps_buf_append (out, "\\b"); break;
        case '\f': ps_buf_append (out, "\\f"); break;
        case '\n': ps_buf_append (out, "\\n"); break;
        case '\r': ps_buf_append (out, "\\r"); break;
        case '\t': ps_buf_append (out, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              ps_buf_append (out, "\\u00");
              ps_buf_append_c (out, hex[c >> 4]);
              ps_buf_append_c (out, hex[c & 0xf]);
            }
          else
            ps_buf_append_len (out, p, n);
          break;
        }
      p += n;
      left -= n;
    }
  ps_buf_append_c (out, '"');
}

char **
ps_utext_argv_from_cmdline (const char *cmdline,
                            size_t      len)
{
  size_t n = 0, start = 0;
  char **argv;

  /* At most one argument per NUL, plus an unterminated tail. */
  if (cmdline != NULL)
    {
      n = 1;
      for (const char *q = cmdline; (q = memchr (q, '\0', len - (size_t) (q - cmdline))) != NULL; q++)
        n++;
    }
  argv = calloc (n + 1, sizeof *argv);
  if (argv == NULL)
    abort ();
  n = 0;
  if (cmdline != NULL)
    for (size_t i = 0; i <= len; i++)
      {
        /* Without a final NUL (an overwritten cmdline), the tail is one more argument. */
        if (i != len && cmdline[i] != '\0')
          continue;
        if (i > start || i < len)
          {
            argv[n] = strndup (cmdline + start, i - start);
            if (argv[n] == NULL)
              abort ();
            n++;
          }
        start = i + 1;
      }
  return argv;
}

void
ps_utext_argv_free (char **argv)
{
  if (argv == NULL)
    return;
  for (size_t i = 0; argv[i] != NULL; i++)
    free (argv[i]);
  free (argv);
}

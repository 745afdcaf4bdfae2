/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ps-text.h"
#include "ps-utext.h"

typedef struct
{
  const char *input;
  gssize len;
  const char *expected;
} EscapeCase;

static const EscapeCase escape_cases[] = {
  { "nginx", -1, "nginx" },
  /* Markup is not ours to escape: it stays literal for plain-text widgets. */
  { "<b>x</b>", -1, "<b>x</b>" },
  { "a&amp;b", -1, "a&amp;b" },
  { ") S 1 (", -1, ") S 1 (" },
  { "\xe6\x97\xa5\xe6\x9c\xac", -1, "\xe6\x97\xa5\xe6\x9c\xac" },       /* 日本 */
  { "caf\xc3\xa9", -1, "caf\xc3\xa9" },                                   /* café */
  { "\xf0\x9f\x90\x8d", -1, "\xf0\x9f\x90\x8d" },                         /* emoji */
  /* Bidi: an override that would make "exe.txt" of "txt.exe". */
  { "evil\xe2\x80\xaetxt.exe", -1, "evil\\u{202E}txt.exe" },
  { "\xe2\x80\x8e\xe2\x80\x8f", -1, "\\u{200E}\\u{200F}" },
  { "\xe2\x81\xa6x\xe2\x81\xa9", -1, "\\u{2066}x\\u{2069}" },
  { "\xd8\x9c", -1, "\\u{061C}" },
  { "zero\xe2\x80\x8bwidth", -1, "zero\\u{200B}width" },
  { "bom\xef\xbb\xbf", -1, "bom\\u{FEFF}" },
  { "line\xe2\x80\xa8sep", -1, "line\\u{2028}sep" },
  /* C0, DEL, C1. */
  { "\x1b[31mred\x1b[0m", -1, "\\x1B[31mred\\x1B[0m" },
  { "two\nlines", -1, "two\\x0Alines" },
  { "cr\r", -1, "cr\\x0D" },
  { "tab\there", -1, "tab\\x09here" },
  { "del\x7f", -1, "del\\x7F" },
  { "c1\xc2\x85", -1, "c1\\u{0085}" },
  { "c1\xc2\x9b", -1, "c1\\u{009B}" },
  /* Backslashes are doubled, so an escape can never be faked. */
  { "a\\x41", -1, "a\\\\x41" },
  /* Invalid UTF-8: every bad byte shown. */
  { "\xff\xfeok", -1, "\\xFF\\xFEok" },
  { "trunc\xe6\x97", -1, "trunc\\xE6\\x97" },
  { "\xc0\xaf", -1, "\\xC0\\xAF" },                                     /* overlong "/" */
  { "\xed\xa0\x80", -1, "\\xED\\xA0\\x80" },                            /* surrogate */
  /* Explicit length: an embedded NUL is shown, the rest kept. */
  { "a\0b", 3, "a\\x00b" },
  { "abc", 2, "ab" },
  { "", -1, "" },
};

static gboolean
has_raw_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
          c == 0x202e || c == 0x202d || c == 0x200e || c == 0x200f ||
          g_unichar_type (c) == G_UNICODE_FORMAT)
        return TRUE;
    }
  return FALSE;
}

static void
test_escape_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (escape_cases); i++)
    {
      const EscapeCase *c = &escape_cases[i];
      g_autofree char *out = ps_text_escape_visible (c->input, c->len);

      g_test_message ("case %u", i);
      g_assert_cmpstr (out, ==, c->expected);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_false (has_raw_control (out));
    }
}

static void
test_escape_null (void)
{
  g_autofree char *out = ps_text_escape_visible (NULL, -1);

  g_assert_cmpstr (out, ==, "");
}

static void
test_escape_random_bytes (void)
{
  GRand *rand = g_rand_new_with_seed (20261126);

  for (guint round = 0; round < 2000; round++)
    {
      guint8 buf[64];
      gsize len = g_rand_int_range (rand, 0, sizeof buf);
      g_autofree char *out = NULL;

      for (gsize i = 0; i < len; i++)
        buf[i] = (guint8) g_rand_int_range (rand, 0, 256);

      out = ps_text_escape_visible ((const char *) buf, len);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_false (has_raw_control (out));
    }
  g_rand_free (rand);
}

static void
test_escape_argv (void)
{
  const char *argv[] = { "python3", "-m", "http server", "a\"b", "", "\x1b]0;title\x07", "bad\xff", NULL };
  g_autofree char *out = ps_text_escape_argv (argv);
  g_autofree char *none = ps_text_escape_argv (NULL);
  const char *empty[] = { NULL };
  g_autofree char *empty_out = ps_text_escape_argv (empty);

  g_assert_cmpstr (out, ==,
                   "python3 -m \"http server\" \"a\\\"b\" \"\" \\x1B]0;title\\x07 bad\\xFF");
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_false (has_raw_control (out));
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (empty_out, ==, "");
}

static void
test_ellipsize (void)
{
  struct { const char *in; gsize max; const char *out; } cases[] = {
    { "abcdef", 4, "abc\xe2\x80\xa6" },
    { "abcdef", 6, "abcdef" },
    { "abc", 10, "abc" },
    { "abc", 0, "" },
    { "abc", 1, "\xe2\x80\xa6" },
    { "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86", 3, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ps_text_ellipsize (cases[i].in, cases[i].max);

      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpint (g_utf8_strlen (out, -1), <=, (glong) cases[i].max);
    }
}

/* The escaping, widths and JSON strings are plain C (ps-utext.h, used by
 * `portscope --list` without GLib).  The references below are the GLib
 * implementations they replaced: the output must not have changed. */
/* ps-text.h's list: C0, DEL and C1; the Arabic letter mark, LRM and RLM,
 * embeddings and overrides, isolates; line and paragraph separators; the
 * Hangul fillers; then whole general categories. */
static const gunichar reference_escaped[][2] = {
  { 0x0000, 0x001f }, { 0x007f, 0x009f }, { 0x061c, 0x061c }, { 0x200e, 0x200f },
  { 0x202a, 0x202e }, { 0x2066, 0x2069 }, { 0x2028, 0x2029 }, { 0x115f, 0x1160 },
  { 0x3164, 0x3164 }, { 0xffa0, 0xffa0 },
};

static gboolean
reference_needs_escape (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  for (guint i = 0; i < G_N_ELEMENTS (reference_escaped); i++)
    if (c >= reference_escaped[i][0] && c <= reference_escaped[i][1])
      return TRUE;
  return type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL ||
         type == G_UNICODE_SURROGATE || type == G_UNICODE_UNASSIGNED;
}

static char *
reference_escape (const char *text,
                  gsize       len)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guint) (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x80 && reference_needs_escape (c))
        g_string_append_printf (out, "\\x%02X", (guint) c);
      else if (reference_needs_escape (c))
        g_string_append_printf (out, "\\u{%04X}", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

static gsize
reference_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

static char *
reference_json_string (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new ("\"");

  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\b')
        g_string_append (out, "\\b");
      else if (c == '\f')
        g_string_append (out, "\\f");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static void
check_same_as_glib (const char *text,
                    gsize       len)
{
  g_autofree char *ours = ps_text_escape_visible (text, len);
  g_autofree char *reference = reference_escape (text, len);

  g_assert_cmpstr (ours, ==, reference);
  g_assert_cmpuint (ps_utext_display_width (ours), ==, reference_width (ours));
  if (memchr (text, '\0', len) == NULL)
    {
      g_autofree char *copy = g_strndup (text, len);
      g_autofree char *json_ref = reference_json_string (copy);
      PsBuf json = { 0 };

      ps_utext_json_string (&json, copy);
      g_assert_cmpstr (json.data, ==, json_ref);
      ps_buf_clear (&json);
    }
}

static void
test_every_character_as_glib (void)
{
  for (gunichar c = 1; c < 0x110000; c++)
    {
      char buf[8];
      gsize n;

      if (c >= 0xd800 && c <= 0xdfff)
        continue;
      n = g_unichar_to_utf8 (c, buf);
      check_same_as_glib (buf, n);
    }
}

static void
test_random_bytes_as_glib (void)
{
  /* Lead and continuation bytes, boundaries of overlong, surrogate and
   * out-of-range forms, ASCII controls. */
  static const guint8 alphabet[] = {
    0x00, 0x01, 0x1f, 0x20, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
    0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf1,
    0xf4, 0xf5, 0xf8, 0xfc, 0xfe, 0xff,
  };
  GRand *rand = g_rand_new_with_seed (26112026);

  for (guint round = 0; round < 200000; round++)
    {
      guint8 buf[12];
      gsize len = g_rand_int_range (rand, 1, sizeof buf);

      for (gsize i = 0; i < len; i++)
        buf[i] = g_rand_boolean (rand)
                   ? alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))]
                   : (guint8) g_rand_int_range (rand, 0, 256);
      check_same_as_glib ((const char *) buf, len);
    }
  g_rand_free (rand);
}

static void
test_argv_from_cmdline (void)
{
  static const struct
  {
    const char *cmdline;
    gsize len;
    const char *joined;           /* arguments joined by '|' */
    guint n;
  } cases[] = {
    { "a\0bb\0", 5, "a|bb", 2 },
    { "a\0bb", 4, "a|bb", 2 },            /* overwritten: no final NUL */
    { "a\0\0b\0", 5, "a||b", 3 },         /* an empty argument */
    { "\0", 1, "", 1 },
    { "", 0, "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) argv = ps_utext_argv_from_cmdline (cases[i].cmdline, cases[i].len);
      g_autofree char *joined = g_strjoinv ("|", argv);

      g_assert_cmpuint (g_strv_length (argv), ==, cases[i].n);
      g_assert_cmpstr (joined, ==, cases[i].joined);
    }
  {
    g_auto(GStrv) none = ps_utext_argv_from_cmdline (NULL, 0);

    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/escape/table", test_escape_table);
  g_test_add_func ("/text/escape/null", test_escape_null);
  g_test_add_func ("/text/escape/random-bytes", test_escape_random_bytes);
  g_test_add_func ("/text/escape/argv", test_escape_argv);
  g_test_add_func ("/text/ellipsize", test_ellipsize);
  g_test_add_func ("/text/utext/every-character-as-glib", test_every_character_as_glib);
  g_test_add_func ("/text/utext/random-bytes-as-glib", test_random_bytes_as_glib);
  g_test_add_func ("/text/utext/argv-from-cmdline", test_argv_from_cmdline);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ps-text.h"

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

  return g_test_run ();
}

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every language in po/LINGUAS: msgfmt --check passes, no fuzzy and no
# untranslated entry, the right plural forms, French spacing; and the
# translation is complete against the strings in the sources NOW (xgettext
# with meson's glib preset), so a new string without a translation fails here.
set -u
src="${PORTSCOPE_SOURCE_DIR:?}"
cd "$src" || exit 1
export LC_ALL=C.UTF-8
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

xgettext --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --package-name=portscope --files-from=po/POTFILES.in --directory="$src" \
  --output="$tmp/portscope.pot" || { echo "xgettext failed" >&2; exit 1; }

langs=$(grep -v -e '^#' -e '^[[:space:]]*$' po/LINGUAS)
[ -n "$langs" ] || { echo "po/LINGUAS lists no language" >&2; exit 1; }

# stats FILE: prints msgfmt's statistics; fails on fuzzy or untranslated.
stats () {
  out=$(msgfmt --check --statistics -o /dev/null "$1" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$1: $out"
  case "$out" in
    *fuzzy*|*untranslated*) return 1 ;;
  esac
  return 0
}

for lang in $langs; do
  po="po/$lang.po"
  [ -f "$po" ] || { echo "$po missing" >&2; status=1; continue; }

  stats "$po" || { echo "FAIL: $po has fuzzy or untranslated entries" >&2; status=1; }

  case "$lang" in
    de) want='nplurals=2; plural=(n != 1);' ;;
    fr) want='nplurals=2; plural=(n > 1);' ;;
    *)  want='' ;;
  esac
  if [ -n "$want" ] && ! grep -qF "\"Plural-Forms: $want\\n\"" "$po"; then
    echo "FAIL: $po: Plural-Forms must be: $want" >&2
    status=1
  fi
  grep -qF "\"Language: $lang\\n\"" "$po" || { echo "FAIL: $po: no Language: $lang header" >&2; status=1; }

  msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" "$po" "$tmp/portscope.pot" \
    || { echo "msgmerge failed for $po" >&2; status=1; continue; }
  stats "$tmp/$lang.po" >/dev/null || {
    echo "FAIL: $po is out of date with the sources; new or changed strings:" >&2
    msgattrib --untranslated --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid "[^"]' >&2
    echo "update: meson compile -C BUILD portscope-pot portscope-update-po, then translate" >&2
    status=1
  }
done

# French: a no-break space (U+00A0 or U+202F) before : ; ! ? and inside « ».
# Every translation (each plural form too) except the header, one line per
# po line; keyword lists (no space, ending in ;) are exempt.
if [ -f po/fr.po ]; then
  bad=$(msgattrib --no-obsolete --no-wrap po/fr.po | awk '
    /^msgid "/      { state = "id"; header = ($0 == "msgid \"\""); next }
    /^msgid_plural/ { state = "id"; header = 0; next }
    /^msgstr/       { state = "str"; if (header) next
                      sub(/^msgstr(\[[0-9]+\])? "/, ""); sub(/"$/, ""); print; next }
    /^"/            { if (state == "id") header = 0
                      if (state == "str" && !header) { sub(/^"/, ""); sub(/"$/, ""); print }
                      next }
                    { state = "" }' \
        | grep -v -E '^[^ ]+;$' | grep -E '( [:;!?]|[[:alnum:]][;!?]|[[:alnum:]]:( |$)|« | »)')
  if [ -n "$bad" ]; then
    echo "FAIL: po/fr.po: use a no-break space before : ; ! ? and inside « »:" >&2
    echo "$bad" >&2
    status=1
  fi
fi
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# po/POTFILES.in is complete (every source under src/ with a translatable
# string is listed), lists only files that exist, and is sorted.
set -u
src="${PORTSCOPE_SOURCE_DIR:?}"
cd "$src" || exit 1
export LC_ALL=C
status=0

listed=$(mktemp) && found=$(mktemp) || exit 1
trap 'rm -f "$listed" "$found"' EXIT

grep -v -e '^#' -e '^[[:space:]]*$' po/POTFILES.in > "$listed"

if ! sort -c "$listed" 2>/dev/null; then
  echo "po/POTFILES.in is not sorted (LC_ALL=C sort); expected order:" >&2
  sort "$listed" | diff "$listed" - >&2
  status=1
fi
dups=$(uniq -d "$listed")
if [ -n "$dups" ]; then
  echo "listed twice in po/POTFILES.in: $dups" >&2
  status=1
fi

while read -r f; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists a missing file: $f" >&2; status=1; }
done < "$listed"

# C: _("…"), N_("…"), C_("…", …), NC_, ngettext and g_dngettext.
# .ui: translatable="yes".  Sources in probe/ and helper/ have no translations.
{
  grep -rlE --include='*.c' --include='*.h' \
    -e '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|ngettext)[[:space:]]*\([[:space:]]*("|$)' \
    -e '(^|[^A-Za-z0-9_])(g_dngettext|g_dpgettext2|g_dcgettext)[[:space:]]*\(' src
  grep -rl --include='*.ui' 'translatable="yes"' src
} | grep -v -e '^src/probe/' -e '^src/helper/' | sort -u > "$found"

missing=$(comm -23 "$found" "$listed")
if [ -n "$missing" ]; then
  echo "sources with translatable strings missing from po/POTFILES.in:" >&2
  echo "$missing" >&2
  status=1
fi
# A listed source under src/ that has no translatable string any more is stale.
stale=$(grep '^src/' "$listed" | comm -23 - "$found")
if [ -n "$stale" ]; then
  echo "listed in po/POTFILES.in but without translatable strings:" >&2
  echo "$stale" >&2
  status=1
fi
[ $status -eq 0 ] && echo "po/POTFILES.in: $(wc -l < "$listed") files, sorted and complete"
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson install` into a temporary DESTDIR puts every file where GNOME expects
# it.  Usage: check-install.sh BUILDDIR PREFIX BINDIR LIBEXECDIR DATADIR LOCALEDIR APP_ID BASE_ID
set -u
build="$1" prefix="$2" bindir="$3" libexecdir="$4" datadir="$5" localedir="$6"
app_id="$7" base_id="$8"
src="${PORTSCOPE_SOURCE_DIR:?}"
dest=$(mktemp -d) || exit 1
trap 'rm -rf "$dest"' EXIT

# --no-rebuild: meson test already built everything, and a nested ninja would
# wait on the build lock meson test may hold.  Post-install scripts (schema
# compile, icon cache) are skipped when DESTDIR is set: the package manager
# runs them on the target.
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet > "$dest.log" 2>&1; then
  cat "$dest.log" >&2
  rm -f "$dest.log"
  exit 1
fi
rm -f "$dest.log"

root="$dest"
status=0
need () {
  if [ -e "$root$1" ]; then
    echo "ok   $1"
  else
    echo "MISS $1" >&2
    status=1
  fi
}

need "$bindir/portscope"
need "$libexecdir/portscope-helper"
# `portscope` (no GLib) executes the GLib CLI for all but --list.
need "$libexecdir/portscope-cli"
# The window (GTK) is its own executable; `portscope` runs it (not with -Dgui=disabled).
if [ -e "$build/src/portscope-window" ]; then
  need "$libexecdir/portscope-window"
  [ -x "$root$libexecdir/portscope-window" ] || { echo "portscope-window is not executable" >&2; status=1; }
fi
need "$datadir/applications/$app_id.desktop"
need "$datadir/metainfo/$app_id.metainfo.xml"
need "$datadir/icons/hicolor/scalable/apps/$app_id.svg"
need "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
need "$datadir/glib-2.0/schemas/$base_id.gschema.xml"
need "$datadir/polkit-1/actions/$base_id.policy"
for lang in $(grep -v -e '^#' -e '^[[:space:]]*$' "$src/po/LINGUAS"); do
  need "$localedir/$lang/LC_MESSAGES/portscope.mo"
done

[ -x "$root$bindir/portscope" ] || { echo "portscope is not executable" >&2; status=1; }
[ -x "$root$libexecdir/portscope-helper" ] || { echo "portscope-helper is not executable" >&2; status=1; }
[ -x "$root$libexecdir/portscope-cli" ] || { echo "portscope-cli is not executable" >&2; status=1; }

# The installed desktop file, metainfo and icons agree with each other.
if command -v appstreamcli >/dev/null 2>&1; then
  appstreamcli validate-tree --no-net "$root$prefix" || status=1
fi
grep -qx "Icon=$app_id" "$root$datadir/applications/$app_id.desktop" \
  || { echo "desktop file: Icon is not $app_id" >&2; status=1; }
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$root$datadir/metainfo/$app_id.metainfo.xml" \
  || { echo "metainfo: launchable is not $app_id.desktop" >&2; status=1; }

# Nothing else lands outside the expected folders.
unexpected=$(find "$root" -type f | while read -r f; do
  f=${f#"$root"}
  case "$f" in
    "$bindir/portscope"|"$libexecdir/portscope-cli"|"$libexecdir/portscope-helper"|"$libexecdir/portscope-window") ;;
    "$datadir"/applications/*|"$datadir"/metainfo/*|"$datadir"/icons/*) ;;
    "$datadir"/glib-2.0/schemas/*|"$datadir"/polkit-1/actions/*|"$localedir"/*) ;;
    *) echo "$f" ;;
  esac
done)
if [ -n "$unexpected" ]; then
  echo "unexpected installed files:" >&2
  echo "$unexpected" >&2
  status=1
fi
exit $status

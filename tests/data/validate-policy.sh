#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmllint against polkit's DTD: the policy as written and as installed
# (with its translations merged).  Skips only while the policy does not exist.
set -u
src="$1"
dtd=/usr/share/polkit-1/policyconfig-1.dtd
if [ ! -e "$src" ]; then
  echo "$src does not exist yet: skipped"
  exit 77
fi
if [ ! -r "$dtd" ]; then
  # The GNOME SDK has no polkit DTD: skip inside a Flatpak build only.
  if [ -e /.flatpak-info ]; then
    echo "$dtd missing inside the Flatpak SDK: skipped"
    exit 77
  fi
  echo "$dtd missing: install polkitd" >&2
  exit 1
fi
shift
status=0
for f in "$src" "$@"; do
  [ -e "$f" ] || { echo "missing: $f (reconfigure: the policy appeared after meson setup)" >&2; status=1; continue; }
  xmllint --noout --dtdvalid "$dtd" "$f" || status=1
done
# Every action the code uses must be declared.
for action in io.github.portscope.Portscope.terminate; do
  grep -q "id=\"$action\"" "$src" || { echo "action $action not declared in $src" >&2; status=1; }
done
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The polkit policy, as written (a template) and as built (helper path
# substituted, translations merged): valid against polkit's DTD, declaring
# every action the code uses, pointing pkexec at the installed helper.
# Usage: validate-policy.sh SOURCE.policy.in BUILT.policy LIBEXECDIR
set -u
src="$1" built="$2" libexecdir="$3"
dtd=/usr/share/polkit-1/policyconfig-1.dtd
if [ ! -r "$dtd" ]; then
  # The GNOME SDK has no polkit DTD: skip inside a Flatpak build only.
  if [ -e /.flatpak-info ]; then
    echo "$dtd missing inside the Flatpak SDK: skipped"
    exit 77
  fi
  echo "$dtd missing: install polkitd" >&2
  exit 1
fi
status=0
for f in "$src" "$built"; do
  [ -e "$f" ] || { echo "missing: $f" >&2; status=1; continue; }
  xmllint --noout --dtdvalid "$dtd" "$f" && echo "valid: $f" || status=1
done
for action in io.github.portscope.Portscope.terminate io.github.portscope.Portscope.inspect; do
  grep -q "id=\"$action\"" "$built" || { echo "action $action not declared in $built" >&2; status=1; }
done
if grep -q '@[A-Z_]*@' "$built"; then
  echo "unsubstituted @VARIABLE@ in $built" >&2
  status=1
fi
grep -q ">$libexecdir/portscope-helper<" "$built" \
  || { echo "$built does not point pkexec at $libexecdir/portscope-helper" >&2; status=1; }
# Translated messages made it in (polkit shows them in the password dialog).
for lang in de fr; do
  grep -q "<message xml:lang=\"$lang\">" "$built" \
    || { echo "no $lang message in $built" >&2; status=1; }
done
exit $status

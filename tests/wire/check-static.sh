#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-static.sh HELPER static|dynamic: `ldd` must call the helper "not a
# dynamic executable".  Skips (77) when meson could not link it statically
# (no static libc, or a sanitizer build, which cannot be static).
helper="$1"
kind="$2"
if [ "$kind" != static ]; then
  echo "helper built dynamically in this configuration: skipped"
  exit 77
fi
out="$(LC_ALL=C ldd "$helper" 2>&1)"
echo "ldd $helper: $out"
case "$out" in
  *"not a dynamic executable"*) exit 0 ;;
  *) exit 1 ;;
esac

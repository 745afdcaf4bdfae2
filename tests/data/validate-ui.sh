#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Validates every src/ui/*.ui (globbed now, so new files are covered) with
# ps-validate-ui, one process per file.  Needs a display: 77 without one.
set -u
validator="$1"
src="${PORTSCOPE_SOURCE_DIR:?}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "no DISPLAY or WAYLAND_DISPLAY: skipped"
  exit 77
fi
status=0
count=0
for ui in "$src"/src/ui/*.ui "$src"/src/ui/*/*.ui; do
  [ -e "$ui" ] || continue
  count=$((count + 1))
  "$validator" "$ui"
  rc=$?
  if [ $rc -eq 77 ]; then
    exit 77
  elif [ $rc -ne 0 ]; then
    echo "FAIL: $ui" >&2
    status=1
  fi
done
if [ $count -eq 0 ]; then
  echo "no .ui files under src/ui" >&2
  exit 1
fi
echo "$count .ui files checked"
exit $status

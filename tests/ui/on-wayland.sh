#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test program (and its arguments) on Wayland, GNOME's session: in a
# private headless weston of its own, with GDK_BACKEND=wayland and no X
# display.  Exits 77 (skipped) when weston is not installed or does not
# start.  The weston it starts is ended on exit, by its PID.
set -u
command -v weston >/dev/null 2>&1 || { echo "weston is not installed: skipped"; exit 77; }

runtime="$(mktemp -d)" || exit 1
chmod 700 "$runtime"
XDG_RUNTIME_DIR="$runtime" weston --backend=headless-backend.so --socket=portscope-test \
  --width=1280 --height=800 --idle-time=0 >"$runtime/weston.log" 2>&1 &
weston_pid=$!
trap 'kill "$weston_pid" 2>/dev/null; wait "$weston_pid" 2>/dev/null; rm -rf "$runtime"' EXIT INT TERM

i=0
while [ ! -S "$runtime/portscope-test" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$weston_pid" 2>/dev/null; then
    echo "weston did not start: skipped"
    cat "$runtime/weston.log"
    exit 77
  fi
  sleep 0.1
done

env -u DISPLAY XDG_RUNTIME_DIR="$runtime" WAYLAND_DISPLAY=portscope-test GDK_BACKEND=wayland "$@"

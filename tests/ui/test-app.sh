#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The portscope binary as a user meets it: the window refuses to run as root
# (unless PORTSCOPE_ALLOW_ROOT=1, which tests and CI set), the CLI still works
# as root, and `portscope PORT` hands the port to a running instance and exits.
# Needs a display and a session bus: 77 without them.
set -u
bin="${PORTSCOPE_BIN:?}"
app_id="${1:?usage: test-app.sh APP_ID}"
fail () { echo "FAIL: $*" >&2; exit 1; }

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "no display or session bus: skipped"
  exit 77
fi

if [ "$(id -u)" -eq 0 ]; then
  err="$(env -u PORTSCOPE_ALLOW_ROOT timeout 10 "$bin" 2>&1 >/dev/null)"
  status=$?
  [ "$status" -eq 1 ] || fail "the window ran as root (exit $status)"
  case "$err" in
    *root*) ;;
    *) fail "no word about root in: $err" ;;
  esac
  env -u PORTSCOPE_ALLOW_ROOT "$bin" --list >/dev/null || fail "--list refused as root"
fi

# A bad port is refused before any window.
"$bin" 70000 >/dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "portscope 70000 exited $status, not 2"
# So is an address without a port.
"$bin" 127.0.0.1 >/dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "portscope 127.0.0.1 exited $status, not 2"

# The primary instance, then a second invocation that hands it a port.
PORTSCOPE_ALLOW_ROOT=1 PORTSCOPE_BACKEND=local "$bin" &
primary=$!
trap 'kill "$primary" 2>/dev/null' EXIT
# Wait (10 s at most) until the primary owns its name on the bus.
i=0
until gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$app_id" 2>/dev/null | grep -q true; do
  i=$((i + 1))
  [ $i -le 100 ] || fail "the first instance never owned $app_id"
  kill -0 "$primary" 2>/dev/null || fail "the first instance exited"
  sleep 0.1
done
PORTSCOPE_ALLOW_ROOT=1 timeout 20 "$bin" 8080 || fail "the second instance failed"
# A port as a browser shows it.
PORTSCOPE_ALLOW_ROOT=1 timeout 20 "$bin" http://localhost:8080/ || fail "a URL was not handed over"
kill -0 "$primary" 2>/dev/null || fail "the first instance died when handed a port"
kill "$primary"
wait "$primary" 2>/dev/null
trap - EXIT
echo "ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Suite 'flatpak': a real Flatpak, built and run offline.
#
# No GNOME runtime can be downloaded here, so the runtime is made from
# Debian's own packages: mmdebstrap a bookworm tree with the build
# dependencies, export its /usr (and /etc) as an Sdk and a Platform with
# `flatpak build-export --runtime` into a local OSTree repo, install both.
# That is cached between runs (outside the source tree), keyed by the recipe.
# Then the app is built with flatpak-builder from
# flatpak/io.github.portscope.Portscope.debian-runtime.json (the real manifest
# with another runtime and SDK: tests/data checks that they differ in nothing
# else), installed, and run:
#
#   1. `flatpak run io.github.portscope.Portscope --list --json --port N` lists
#      a TCP listener this script started on the host, with the host's inode;
#      and with --no-talk-name=org.freedesktop.Flatpak it still lists it, owner
#      hidden by the sandbox, and says on stderr why;
#   2. the owner is the listener's host PID and name (needs the host helper);
#   3. the helper copy on the host is static and gone when the app exits;
#   4. `flatpak run io.github.portscope.Portscope --end N --yes` ends that
#      listener through the host helper (the window's End Process engine):
#      exit 0, "Port N is free.", the listener (this script's child) ended
#      by SIGTERM, and the helper copy gone after the app exits (3).
#
# Usage: run-flatpak-test.sh sockets|owners|end.  'sockets' checks 1; 'owners'
# checks 2 and 3; 'end' checks 4.  The app is rebuilt only when the source tree changed since
# the last build (a hash of every tracked and untracked file).
#
# Environment: PORTSCOPE_FLATPAK_CACHE (cache folder), PORTSCOPE_FLATPAK_RUN_TESTS=1
# (also run meson test inside flatpak-builder), PORTSCOPE_FLATPAK_KEEP=1 (keep
# the scratch folder).  Exit 77 when the tools are missing outside CI.
set -euo pipefail

# meson's test environment is for our own programs, not for flatpak's.
unset G_DEBUG GSETTINGS_BACKEND GSETTINGS_SCHEMA_DIR GSK_RENDERER NO_AT_BRIDGE MALLOC_PERTURB_

mode="${1:-sockets}"
case "$mode" in sockets|owners|end) ;; *) echo "usage: $0 sockets|owners|end" >&2; exit 2 ;; esac
src="${PORTSCOPE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
app_id=io.github.portscope.Portscope
manifest="$src/flatpak/$app_id.debian-runtime.json"
branch=bookworm
arch=$(uname -m)
sdk_id=io.github.portscope.DebianSdk
platform_id=io.github.portscope.DebianPlatform
remote=portscope-debian
packages=(
  libgtk-4-dev libadwaita-1-dev libjson-glib-dev meson ninja-build gcc libc6-dev
  pkg-config gettext
  # flatpak-builder runs appstream-compose inside the SDK; it renders the
  # SVG icon through gdk-pixbuf's SVG loader.
  appstream-util elfutils librsvg2-common
  # flatpak-spawn, which the app uses to run its helper on the host.
  flatpak-xdg-utils
  # The data suite, when PORTSCOPE_FLATPAK_RUN_TESTS=1.
  desktop-file-utils appstream libxml2-utils libgtk-4-bin
)
recipe_version=2

say () { printf 'flatpak-test: %s\n' "$*"; }
fail () { printf 'flatpak-test: FAIL: %s\n' "$*" >&2; exit 1; }
skip () {
  if [ -n "${CI:-}" ]; then
    fail "$* (CI never skips this suite)"
  fi
  printf 'flatpak-test: skipped: %s\n' "$*"
  exit 77
}

for tool in flatpak flatpak-builder mmdebstrap eu-strip; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (build-aux/dev installs flatpak, flatpak-builder, mmdebstrap, elfutils)"
done
[ -r "$manifest" ] || fail "$manifest is missing"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "no session bus (run under dbus-run-session)"

if [ -n "${PORTSCOPE_FLATPAK_CACHE:-}" ]; then
  cache="$PORTSCOPE_FLATPAK_CACHE"
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/portscope-flatpak
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/portscope-flatpak"
fi
case "$cache" in
  "$src"/*) fail "the cache must be outside the source tree: $cache" ;;
esac
mkdir -p "$cache"

# One run at a time per cache.
exec 9>"$cache/lock"
flock -w 1800 9 || fail "another run holds $cache/lock"

scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/portscope-flatpak.XXXXXX")
listener_pid=
cleanup () {
  if [ -n "$listener_pid" ]; then
    kill "$listener_pid" 2>/dev/null || true
    wait "$listener_pid" 2>/dev/null || true
  fi
  if [ -z "${PORTSCOPE_FLATPAK_KEEP:-}" ]; then
    rm -rf "$scratch"
  else
    say "kept $scratch"
  fi
}
trap cleanup EXIT

# Everything flatpak writes goes to the cache (runtimes, installed app) or
# the scratch folder (HOME, the app's data, the build).
export FLATPAK_USER_DIR="$cache/flatpak-user"
export HOME="$scratch/home"
export XDG_RUNTIME_DIR="$scratch/run"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_CONFIG_HOME="$HOME/.config"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$FLATPAK_USER_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# ---------------------------------------------------------------- runtime
key=$(printf '%s\n' "$recipe_version" "$branch" "$arch" "${packages[@]}" | sha256sum | cut -c1-16)
repo="$cache/repo"

build_runtime () {
  local rootfs="$cache/rootfs-$key" stage="$cache/stage-$key" include kind id
  # A finished tree of this recipe is reused (an export that failed is redone).
  if [ ! -e "$rootfs/.portscope-complete" ]; then
    rm -rf "$cache"/rootfs-* "$cache"/stage-*
    include=$(printf '%s\n' "${packages[@]}" | paste -sd, -)
    say "building the Debian $branch tree ($include)"
    mmdebstrap --variant=apt --mode=root --include="$include" "$branch" "$rootfs" \
      > "$cache/mmdebstrap.log" 2>&1 || { tail -20 "$cache/mmdebstrap.log" >&2; fail "mmdebstrap failed"; }
    # Debian keeps flatpak-spawn out of PATH; the GNOME runtime has it in
    # /usr/bin, where the app looks for it.
    ln -sf ../libexec/flatpak-xdg-utils/flatpak-spawn "$rootfs/usr/bin/flatpak-spawn"
    touch "$rootfs/.portscope-complete"
  fi
  rm -rf "$stage" "$repo"

  for kind in Sdk Platform; do
    id=io.github.portscope.Debian$kind
    mkdir -p "$stage/$kind"
    # build-export --runtime commits usr/ (files/ must exist, as after
    # build-init); flatpak mounts the runtime's etc/ as /etc.
    mkdir -p "$stage/$kind/files"
    cp -al "$rootfs/usr" "$stage/$kind/usr"
    cp -a "$rootfs/etc" "$stage/$kind/usr/etc"
    cat > "$stage/$kind/metadata" <<EOF
[Runtime]
name=$id
runtime=$platform_id/$arch/$branch
sdk=$sdk_id/$arch/$branch
EOF
    flatpak build-export --runtime --arch="$arch" "$repo" "$stage/$kind" "$branch" \
      > "$cache/export-$kind.log" 2>&1 || { tail -20 "$cache/export-$kind.log" >&2; fail "build-export of $id failed"; }
  done
  flatpak build-update-repo "$repo" >/dev/null
  rm -rf "$rootfs" "$stage"
  echo "$key" > "$cache/runtime.key"
}

if [ ! -d "$repo" ] || [ "$(cat "$cache/runtime.key" 2>/dev/null)" != "$key" ]; then
  build_runtime
else
  say "using the cached runtime ($key) in $cache"
fi

flatpak --user remote-add --if-not-exists --no-gpg-verify "$remote" "file://$repo"
flatpak --user install -y --noninteractive --or-update "$remote" \
  "runtime/$sdk_id/$arch/$branch" "runtime/$platform_id/$arch/$branch" >/dev/null \
  || fail "installing the runtime failed"

# ---------------------------------------------------------------- the app
source_hash=$(cd "$src" && git ls-files -z -c -o --exclude-standard \
                | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-16)
if flatpak --user info "$app_id" >/dev/null 2>&1 \
   && [ "$(cat "$cache/app.source" 2>/dev/null)" = "$source_hash" ]; then
  say "$app_id is installed from this source tree ($source_hash)"
else
  builder_args=(--user --install --force-clean --disable-rofiles-fuse
                --state-dir="$scratch/state" --arch="$arch")
  if [ "${PORTSCOPE_FLATPAK_RUN_TESTS:-0}" != 1 ]; then
    # The suites already ran natively; this suite is about the sandbox.
    builder_args+=(--disable-tests)
  fi
  say "building and installing $app_id"
  rm -f "$cache/app.source"
  if ! flatpak-builder "${builder_args[@]}" "$scratch/build" "$manifest" > "$scratch/builder.log" 2>&1; then
    tail -40 "$scratch/builder.log" >&2
    fail "flatpak-builder failed"
  fi
  flatpak --user info "$app_id" >/dev/null || fail "$app_id is not installed"
  echo "$source_hash" > "$cache/app.source"
fi

# ---------------------------------------------------------------- a host listener
# Its port is one that nothing else on the host uses, on any address or
# protocol (the checks count every socket on the port).
port_file="$scratch/port"
/usr/bin/python3 -c '
import socket, sys, time

def users(port):
    n = 0
    for name in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = open("/proc/net/" + name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if int(f[1].rsplit(":", 1)[1], 16) == port and (name.startswith("udp") or f[3] == "0A"):
                n += 1
    return n

taken = []
for attempt in range(200):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen()
    if users(s.getsockname()[1]) == 1:
        break
    taken.append(s)
for t in taken:
    t.close()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    time.sleep(3600)
' "$port_file" &
listener_pid=$!
for _ in $(seq 1 100); do
  [ -s "$port_file" ] && break
  sleep 0.1
done
[ -s "$port_file" ] || fail "the host listener did not start"
port=$(cat "$port_file")
inode=
for fd in /proc/"$listener_pid"/fd/*; do
  link=$(readlink "$fd" 2>/dev/null || true)
  case "$link" in socket:\[*\]) inode=${link#socket:[}; inode=${inode%]} ;; esac
done
[ -n "$inode" ] || fail "could not read the listener's socket inode"
say "host listener: pid $listener_pid, 127.0.0.1:$port, inode $inode"

# ---------------------------------------------------------------- end it
if [ "$mode" = end ]; then
  say "flatpak run $app_id --end $port --yes"
  end_status=0
  timeout 120 flatpak run --user "$app_id" --end "$port" --yes \
    > "$scratch/end.out" 2> "$scratch/end.err" < /dev/null || end_status=$?
  cat "$scratch/end.out"
  if [ $end_status -ne 0 ]; then
    cat "$scratch/end.err" >&2
    fail "portscope --end exited $end_status, expected 0"
  fi
  grep -qxF "Port $port is free." "$scratch/end.out" || fail "portscope --end did not say the port is free"
  # The listener is this script's child: reap it, with a deadline.
  state=
  for _ in $(seq 1 100); do
    state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$listener_pid/stat" 2>/dev/null || true)
    [ -z "$state" ] || [ "$state" = Z ] && break
    sleep 0.1
  done
  [ -z "$state" ] || [ "$state" = Z ] || fail "the host listener (pid $listener_pid) still runs (state $state)"
  listener_status=0
  wait "$listener_pid" || listener_status=$?
  listener_pid=
  [ $listener_status -eq 143 ] || fail "the host listener exited with status $listener_status, expected 143 (SIGTERM)"
  say "ok: the host listener got SIGTERM and is gone; port $port is free"
  if /usr/bin/python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)' "$port" 2>/dev/null; then
    fail "something still accepts connections on 127.0.0.1:$port"
  fi
else
# ---------------------------------------------------------------- run it
say "flatpak run $app_id --list --json --port $port"
if ! timeout 120 flatpak run --user "$app_id" --list --json --port "$port" \
     > "$scratch/list.json" 2> "$scratch/list.err"; then
  cat "$scratch/list.err" >&2
  fail "flatpak run failed"
fi

check_status=0
/usr/bin/python3 - "$mode" "$scratch/list.json" "$port" "$inode" "$listener_pid" <<'PY' || check_status=$?
import json, sys
mode, path, port, inode, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = json.load(open(path))
assert data.get("version") == 1, "not version 1: %r" % data
rows = [s for s in data["sockets"] if s["port"] == port]
if len(rows) != 1:
    sys.exit("FAIL: the sandboxed app lists %d sockets on port %d, expected 1:\n%s"
             % (len(rows), port, json.dumps(data, indent=2)))
s = rows[0]
problems = []
if (s["protocol"], s["family"], s["address"], s["state"]) != ("tcp", "ipv4", "127.0.0.1", "listen"):
    problems.append("wrong socket: %r" % s)
if s["inode"] != inode:
    problems.append("inode %r, the host says %d" % (s["inode"], inode))
if problems:
    sys.exit("FAIL: " + "; ".join(problems))
print("flatpak-test: ok: the sandbox sees the host listener (inode %d)" % inode)
if mode == "sockets":
    sys.exit(0)

owners = s.get("owners", [])
if any(o["pid"] == pid and o["name"] == "python3" for o in owners):
    print("flatpak-test: ok: owner is host PID %d (python3)" % pid)
    sys.exit(0)
sys.exit("FAIL: owners %r, owner_hidden %r: expected host PID %d (python3); "
         "the app needs the host helper backend (flatpak-spawn --host portscope-helper serve)"
         % (owners, s.get("owner_hidden"), pid))
PY
[ $check_status -eq 0 ] || exit 1
if [ "$mode" = sockets ]; then
  # Without the permission flatpak-spawn needs, the list still works, the
  # owner is marked hidden by the sandbox, and the app says why.
  say "flatpak run --no-talk-name=org.freedesktop.Flatpak $app_id --list --json --port $port"
  if ! timeout 120 flatpak run --user --no-talk-name=org.freedesktop.Flatpak "$app_id" \
       --list --json --port "$port" > "$scratch/denied.json" 2> "$scratch/denied.err"; then
    cat "$scratch/denied.err" >&2
    fail "flatpak run without the permission failed"
  fi
  /usr/bin/python3 - "$scratch/denied.json" "$port" "$inode" <<'PY' || exit 1
import json, sys
data = json.load(open(sys.argv[1]))
port, inode = int(sys.argv[2]), int(sys.argv[3])
rows = [s for s in data["sockets"] if s["port"] == port]
if len(rows) != 1 or rows[0]["inode"] != inode:
    sys.exit("FAIL: without the permission the app lists %r on port %d" % (rows, port))
if rows[0]["owners"] or rows[0]["owner_hidden"] != "sandbox":
    sys.exit("FAIL: without the permission: owners %r, owner_hidden %r (expected none, sandbox)"
             % (rows[0]["owners"], rows[0]["owner_hidden"]))
print("flatpak-test: ok: without the permission the listener is listed, owner hidden by the sandbox")
PY
  grep -q 'org.freedesktop.Flatpak' "$scratch/denied.err" ||
    fail "without the permission the app does not say why owners are missing: $(cat "$scratch/denied.err")"
  say "ok: it says why: $(head -1 "$scratch/denied.err")"
  exit 0
fi
fi

# ---------------------------------------------------------------- the host copy of the helper
# The app placed it under its data folder, which the host sees in ~/.var/app.
mapfile -t copies < <(find "$HOME/.var/app/$app_id" -type f -name 'portscope-helper*' 2>/dev/null)
[ ${#copies[@]} -ge 1 ] || fail "no copy of portscope-helper under ~/.var/app/$app_id"
for copy in "${copies[@]}"; do
  # ldd exits 1 on a static binary: read its words, not its status.
  ldd_out=$(ldd "$copy" 2>&1 || true)
  case "$ldd_out" in
    *"not a dynamic executable"*) say "ok: $copy is static" ;;
    *) fail "$copy is not static: $(printf '%s\n' "$ldd_out" | head -3)" ;;
  esac
  # The app has exited: its helper must follow (stdin closed), within a deadline.
  gone=0
  for _ in $(seq 1 50); do
    if ! pgrep -f -x "$copy serve" >/dev/null 2>&1 && ! pgrep -f "^$copy( |\$)" >/dev/null 2>&1; then
      gone=1
      break
    fi
    sleep 0.1
  done
  [ $gone -eq 1 ] || fail "the host helper $copy still runs after the app exited"
  say "ok: no $copy process left after the app exited"
done
exit 0

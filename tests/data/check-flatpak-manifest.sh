#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Flatpak manifest: flatpak-builder reads it with no unknown property, its
# finish-args are exactly the justified set, nothing forbidden, and the app
# module builds the static helper; the test manifest (suite flatpak) differs
# from it only in runtime, runtime-version and sdk.
# Usage: check-flatpak-manifest.sh MANIFEST APP_ID [TEST_MANIFEST]
set -u
manifest="$1"
base_id="$2"
test_manifest="${3:-}"
status=0

if [ -n "$test_manifest" ]; then
  /usr/bin/python3 - "$manifest" "$test_manifest" <<'PY' || status=1
import json, sys
real, test = (json.load(open(p)) for p in sys.argv[1:3])
for m in (real, test):
    for key in ("runtime", "runtime-version", "sdk"):
        m.pop(key, None)
if real != test:
    keys = sorted(k for k in set(real) | set(test) if real.get(k) != test.get(k))
    sys.exit("FAIL: %s differs from %s beyond runtime/sdk, in: %s" % (sys.argv[2], sys.argv[1], keys))
PY
fi

if ! command -v flatpak-builder >/dev/null 2>&1; then
  echo "flatpak-builder is not installed: skipped (build-aux/dev installs it)"
  exit 77
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# flatpak-builder leaves a .flatpak-builder folder in its working directory.
case "$manifest" in /*) ;; *) manifest="$PWD/$manifest" ;; esac
cd "$tmp" || exit 1
if ! flatpak-builder --show-manifest "$manifest" > "$tmp/out" 2> "$tmp/err"; then
  cat "$tmp/err" >&2
  exit 1
fi
# A misspelt key is only a warning: grep for it.
if grep -i -e 'Unknown property' -e 'warning' "$tmp/err" >&2; then
  echo "FAIL: flatpak-builder does not understand part of $manifest" >&2
  status=1
fi

# The canonical manifest, as flatpak-builder parsed it, checked with python.
/usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
base_id = sys.argv[1]
want = [
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--share=ipc",
    "--talk-name=org.freedesktop.Flatpak",
    "--system-talk-name=org.freedesktop.systemd1",
    "--talk-name=org.freedesktop.systemd1",
]
errors = []
args = m.get("finish-args", [])
forbidden = [a for a in args if a.startswith("--filesystem=") or a in (
    "--device=all", "--socket=session-bus", "--socket=system-bus",
    "--socket=x11", "--share=pid") or a.startswith("--own-name=")]
if forbidden:
    errors.append("forbidden finish-args: %s" % forbidden)
if sorted(args) != sorted(want) or len(set(args)) != len(args):
    errors.append("finish-args %s differ from the justified set %s" % (args, want))
if m.get("id", m.get("app-id")) != base_id:
    errors.append("id is %r, not %r" % (m.get("id"), base_id))
if m.get("command") != "portscope":
    errors.append("command is not portscope")
if not (m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk"):
    errors.append("runtime/sdk are not org.gnome.Platform/org.gnome.Sdk")
app = [mod for mod in m.get("modules", []) if isinstance(mod, dict) and mod.get("name") == "portscope"]
if len(app) != 1:
    errors.append("no single module named portscope")
else:
    app = app[0]
    if app.get("buildsystem") != "meson":
        errors.append("the app module is not built with meson")
    if "-Dstatic_helper=enabled" not in app.get("config-opts", []):
        errors.append("the app module does not require the static helper")
    if not app.get("run-tests"):
        errors.append("the app module does not run its tests")
    if not any(s.get("type") == "dir" and s.get("path") == ".." for s in app.get("sources", [])):
        errors.append("the app module is not built from this repository (dir ..)")
for e in errors:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
' "$base_id" < "$tmp/out" || status=1

[ $status -eq 0 ] && echo "$manifest: accepted; finish-args are the justified set"
exit $status

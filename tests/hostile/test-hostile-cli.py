#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile process data through the CLI: listeners whose comm and command line
hold markup, entities, bidi overrides, escape sequences, newlines, invalid
UTF-8, 100 KB of arguments and a comm of ") S 1 (".

- `--list`: every byte of the table is checked: valid UTF-8, no control byte
  but the line ends, no C1 or bidi/invisible format character; each hostile
  listener is one line, with its PID, and its name visibly escaped as
  src/core/ps-text.h documents ("\\xNN", "\\u{NNNN}", markup left literal).
- `--json`: valid UTF-8 and parseable; each name and argument comes back
  exactly (invalid bytes as U+FFFD), the ") S 1 (" comm does not confuse the
  /proc/PID/stat parser (right name, right PID, a start time)."""
import json
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

CASES = [
    ("markup", b"<b>x</b>", [b"<b>bold</b>", b"<span foreground='red'>r</span>"]),
    ("entity", b"&amp;&lt;", [b"&amp;", b"&#x202E;"]),
    ("bidi", "a\u202eevil".encode(), ["\u202etxt.exe".encode(), "\u2066x\u2069\u200f".encode()]),
    ("escape", b"\x1b[31mred", [b"\x1b[31mred\x1b[0m", b"\x1b]0;title\x07"]),
    ("newline", b"two\nlines", [b"line1\nline2", b"\r\tcr\x7f"]),
    ("invalid", b"bad\xff\xfe\xc0", [b"\xff\xfe", b"\xe2\x80", b"ok\xc2\x85c1"]),
    ("stat", b") S 1 (", [b") S 1 (", b"x) R 0 0 0"]),
    ("huge", b"huge", [b"A" * 100_000, b"\x1b[2J"]),
]

BIDI_AND_INVISIBLE = {0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF,
                      *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def visible(raw):
    """The escaping src/core/ps-text.h documents, for checking the table."""
    out = []
    text = raw.decode("utf-8", "surrogateescape")
    for ch in text:
        c = ord(ch)
        if 0xDC80 <= c <= 0xDCFF:
            out.append("\\x%02X" % (c - 0xDC00))
        elif ch == "\\":
            out.append("\\\\")
        elif c < 0x20 or c == 0x7F or 0x80 <= c <= 0x9F:
            out.append("\\x%02X" % c)
        elif c in BIDI_AND_INVISIBLE or unicodedata.category(ch) == "Cf":
            out.append("\\u{%04X}" % c)
        else:
            out.append(ch)
    return "".join(out)


class Checker:
    def __init__(self):
        self.failures = 0

    def check(self, ok, message):
        print(("ok - " if ok else "FAIL - ") + message, flush=True)
        self.failures += 0 if ok else 1


def bad_characters(text):
    """Characters no terminal table may carry raw."""
    bad = []
    for i, ch in enumerate(text):
        c = ord(ch)
        if ch == "\n":
            continue
        if c < 0x20 or c == 0x7F or 0x80 <= c <= 0x9F or c in BIDI_AND_INVISIBLE \
           or unicodedata.category(ch) == "Cf":
            bad.append((i, hex(c)))
    return bad


def main():
    c = Checker()
    binary = os.environ.get("PORTSCOPE_BIN")
    if not binary or not os.path.exists(binary):
        print("PORTSCOPE_BIN is not set to the built binary", file=sys.stderr)
        sys.exit(1)
    env = dict(os.environ)
    for k in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(k, None)

    procs = []
    info = {}
    try:
        for name, comm, args in CASES:
            p = subprocess.Popen([PYTHON, os.path.join(HERE, "hostile_proc.py"), comm.hex()] + args,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            procs.append(p)
            line = p.stdout.readline()
            if not line:
                raise RuntimeError("hostile_proc.py %s did not start" % name)
            info[name] = json.loads(line)

        # The table.
        r = subprocess.run([binary, "--list"], capture_output=True, env=env, timeout=60)
        c.check(r.returncode == 0, "--list exits 0 (%r)" % r.stderr[:200])
        try:
            table = r.stdout.decode("utf-8")
            c.check(True, "--list output is valid UTF-8")
        except UnicodeDecodeError as e:
            table = r.stdout.decode("utf-8", "replace")
            c.check(False, "--list output is valid UTF-8: %s" % e)
        bad = bad_characters(table)
        c.check(not bad, "--list: no raw control, C1, bidi or invisible character in %d bytes: %r"
                % (len(r.stdout), bad[:10]))
        lines = table.split("\n")
        for name, comm, _ in CASES:
            port = info[name]["port"]
            rows = [l for l in lines if l.split()[:3] == ["tcp", "127.0.0.1", str(port)]]
            c.check(len(rows) == 1, "--list: %s: one line for port %d (%d)" % (name, port, len(rows)))
            if rows:
                c.check(str(info[name]["pid"]) in rows[0].split(), "--list: %s: the line names the PID" % name)
                c.check(visible(comm) in rows[0], "--list: %s: name shown visibly escaped as %r: %r"
                        % (name, visible(comm), rows[0]))

        # JSON.
        r = subprocess.run([binary, "--list", "--json"], capture_output=True, env=env, timeout=60)
        c.check(r.returncode == 0, "--list --json exits 0")
        try:
            doc = json.loads(r.stdout.decode("utf-8"))
            c.check(True, "--json is valid UTF-8 and parses")
        except (UnicodeDecodeError, ValueError) as e:
            c.check(False, "--json is valid UTF-8 and parses: %s" % e)
            doc = {"sockets": []}
        by_inode = {s["inode"]: s for s in doc["sockets"]}
        for name, comm, args in CASES:
            s = by_inode.get(info[name]["inode"])
            owners = s["owners"] if s else []
            c.check(len(owners) == 1 and owners[0]["pid"] == info[name]["pid"],
                    "--json: %s: the socket and its one owner (PID %d)" % (name, info[name]["pid"]))
            if len(owners) != 1:
                continue
            o = owners[0]
            want_name = comm.decode("utf-8", "replace")
            if name == "invalid":
                # Each invalid sequence becomes U+FFFD; the valid part stays.
                c.check(o["name"].startswith("bad") and "\ufffd" in o["name"]
                        and "\udcff" not in o["name"], "--json: invalid UTF-8 name made valid: %r" % o["name"])
            else:
                c.check(o["name"] == want_name, "--json: %s: name exact: %r" % (name, o["name"]))
            got_args = o["cmdline"][3:]
            if name in ("invalid",):
                c.check(len(got_args) == len(args) and all("\ufffd" in a for a in got_args[:2]),
                        "--json: %s: arguments made valid: %r" % (name, got_args))
            else:
                c.check(got_args == [a.decode("utf-8") for a in args],
                        "--json: %s: command line exact (%d bytes)"
                        % (name, sum(len(a) for a in args)))
            if name == "stat":
                c.check(isinstance(o["start_time"], int) and o["start_time"] > 0,
                        "--json: ') S 1 (' comm: a start time was parsed: %r" % o["start_time"])
                with open("/proc/%d/stat" % o["pid"], "rb") as f:
                    real_start = int(f.read().rsplit(b")", 1)[1].split()[19])
                c.check(o["start_time"] == real_start,
                        "--json: ') S 1 (' comm: start time %r is the real one %r" % (o["start_time"], real_start))
    finally:
        for p in procs:
            try:
                p.stdin.close()
            except OSError:
                pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    print("%d failure(s)" % c.failures)
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`portscope` answers the --list forms itself without GLib; every other
command line goes to `portscope-cli` (the GLib CLI).  In a fresh network
namespace, with listeners of our own (hostile names and command lines, wide
and zero-width characters, a forked child sharing sockets, TCP connections),
each list form prints exactly what `portscope-cli` prints for the same
sockets: stdout byte for byte, stderr and exit status too, also with a
hostile user name (PORTSCOPE_PASSWD) and with /proc unreadable (the warning).
`portscope` links no GLib (ldd), and the other forms (--version, --help, bad
arguments, another backend) behave as portscope-cli's.  Needs root
(unshare -n): skips (77) otherwise."""
import json
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import NETNS_MARK, PYTHON, Checker, Listener, cli_bin, netns_main, portscope_bin, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "..", "hostile", "hostile_proc.py")

# comm (at most 15 bytes) and extra command-line arguments.
NAMES = [
    (b"e\x1b[31mvil", [b"--x\x1b]0;t\x07", b"sp ace"]),
    ("\u202eabc".encode(), ["\u2066x\u2069".encode()]),
    (b"bad\xff\xfe\xc0", [b"\xff\xfe", b"\xe2\x80"]),
    ("\u4e2d\u6587\u540d".encode(), ["\u4e2d".encode()]),       # wide
    ("a\u0301b\u200bz".encode(), [b"q\"uote", b""]),          # combining, zero-width space
    (b"back\\sl\x1f", [b"\x1f\x7f", "\u0085".encode()]),       # backslash, U+001F, C1
]


def check_links_no_glib():
    c = Checker()
    ldd = run(["ldd", portscope_bin()])
    c.check(ldd.returncode == 0 and b"libc.so" in ldd.stdout, "ldd reads portscope")
    for lib in (b"libglib", b"libgobject", b"libgio", b"libjson-glib"):
        c.check(lib not in ldd.stdout, "portscope does not link %s" % lib.decode())
    if c.failures:
        c.finish()


class Hostile:
    def __init__(self, comm, args):
        self.proc = subprocess.Popen([PYTHON, HOSTILE, comm.hex()] + list(args),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("hostile_proc did not start")
        self.info = json.loads(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def both(c, argv, env, what, stderr_equal=True):
    """Runs portscope and portscope-cli with the same argv (argv[0] "portscope")
    and checks that they agree.  Returns portscope's result."""
    fast = subprocess.run(["portscope"] + argv, executable=portscope_bin(), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    slow = subprocess.run(["portscope"] + argv, executable=cli_bin(), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    c.check(fast.returncode == slow.returncode,
            "%s %r: exit %d, portscope-cli %d" % (what, argv, fast.returncode, slow.returncode))
    if fast.stdout == slow.stdout:
        c.check(True, "%s %r: same output (%d bytes)" % (what, argv, len(fast.stdout)))
    else:
        c.check(False, "%s %r: same output\n--- portscope\n%r\n--- portscope-cli\n%r"
                % (what, argv, fast.stdout[:3000], slow.stdout[:3000]))
    c.check(fast.stderr == slow.stderr or not stderr_equal,
            "%s %r: same messages: %r / %r" % (what, argv, fast.stderr, slow.stderr))
    return fast


def inside():
    c = Checker()
    env = dict(os.environ)
    env.pop("PORTSCOPE_BACKEND", None)
    env.pop("PORTSCOPE_PROC_ROOT", None)
    env.pop("PORTSCOPE_PASSWD", None)
    hostiles = []
    conns = []
    with tempfile.TemporaryDirectory() as tmp, \
            Listener(["tcp/127.0.0.1", "udp/::", "tcp/::1", "tcp/::/v6only", "udp/0.0.0.0"],
                     fork=True, name="shared") as shared:
        try:
            for comm, args in NAMES:
                hostiles.append(Hostile(comm, args))
            # Connections for --all: established, not accepted.
            for s in shared.sockets:
                if s["protocol"] == "tcp" and s["address"] in ("127.0.0.1", "::1"):
                    family = socket.AF_INET6 if ":" in s["address"] else socket.AF_INET
                    conn = socket.socket(family, socket.SOCK_STREAM)
                    conn.connect((s["address"], s["port"]))
                    conns.append(conn)
            port = hostiles[0].info["port"]

            forms = [["--list"], ["--list", "--json"], ["-l", "-a"], ["--list", "--all", "--json"],
                     ["-l", "-p", str(port)], ["--list", "--port=%d" % port, "--json"],
                     ["--json", "--port", str(port), "-a", "--list"], ["--list", "--port", "1"]]
            for form in forms:
                out = both(c, form, env, "as is").stdout
                if form in (["--list"], ["--list", "--json"]):
                    for h in hostiles:
                        c.check(str(h.info["port"]).encode() in out,
                                "%r lists hostile listener port %d" % (form, h.info["port"]))
                    c.check(str(shared.pid).encode() in out, "%r lists the shared listener" % (form,))
            all_out = both(c, ["-l", "-a"], env, "connections").stdout
            c.check(b"established" in all_out, "--all lists the connections")

            passwd = os.path.join(tmp, "passwd")
            with open(passwd, "wb") as f:
                f.write(b"r\x1b[2Joot\xe2\x80\xae\xff:x:0:0::/root:/bin/sh\n")
            for form in (["--list"], ["--list", "--json"], ["-l", "-a"]):
                both(c, form, dict(env, PORTSCOPE_PASSWD=passwd), "hostile user")
            for form in (["--list"], ["--list", "--json"]):
                both(c, form, dict(env, PORTSCOPE_PASSWD=os.path.join(tmp, "none")), "no user names")
                r = both(c, form, dict(env, PORTSCOPE_PROC_ROOT=os.path.join(tmp, "none")),
                         "/proc unreadable")
                c.check(b"could not find which processes own the sockets" in r.stderr,
                        "the owners warning is printed")

            # Everything else is portscope-cli's (executed as is).
            for form in (["--version"], ["--help"], ["--bogus"], ["--list", "--watch"],
                         ["--list", "--port", "70000"], ["--list", "-p"], ["--json"],
                         ["--list", "--port", "1", "--port", "2"], ["--list", "2024"],
                         ["-la"], ["--end", "x"], ["--list", "--interval", "5"]):
                both(c, form, env, "fallback")
            # GLib's message carries a time stamp: compared by content.
            r = both(c, ["--list"], dict(env, PORTSCOPE_BACKEND="bogus"), "other backend",
                     stderr_equal=False)
            c.check(b"Unknown backend" in r.stderr, "another backend goes to portscope-cli")
            r = subprocess.run(["portscope", "--bogus"], executable=portscope_bin(), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            c.check(r.returncode == 2 and r.stderr.startswith(b"portscope: "),
                    "a bad argument exits 2 with a message: %d %r" % (r.returncode, r.stderr))
        finally:
            for conn in conns:
                conn.close()
            for h in hostiles:
                h.stop()
    c.finish()


if __name__ == "__main__":
    if os.environ.get(NETNS_MARK) != "1":
        check_links_no_glib()
    netns_main(__file__, inside, timeout=150)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bad environment through the CLI: no services file, a /proc with broken
entries, a privileged helper that cannot start, exits or crashes.  Either the
list still works (exit 0, our listener with its owner) or the CLI exits 1
with exactly one clear line on stderr and nothing on stdout."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile


class Checker:
    def __init__(self):
        self.failures = 0

    def check(self, ok, message):
        print(("ok - " if ok else "FAIL - ") + message, flush=True)
        self.failures += 0 if ok else 1


def main():
    c = Checker()
    binary = os.environ.get("PORTSCOPE_BIN")
    if not binary or not os.path.exists(binary):
        print("PORTSCOPE_BIN is not set to the built binary", file=sys.stderr)
        sys.exit(1)
    env = dict(os.environ)
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "PORTSCOPE_BACKEND"):
        env.pop(k, None)
    scratch = tempfile.mkdtemp(prefix="portscope-bad-env-")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    port = s.getsockname()[1]
    inode = os.fstat(s.fileno()).st_ino

    def listing(extra, what):
        r = subprocess.run([binary, "--list", "--json", "--port", str(port)], capture_output=True,
                           env=dict(env, **extra), timeout=60)
        c.check(r.returncode == 0, "%s: exit 0 (%d, %r)" % (what, r.returncode, r.stderr[:300]))
        try:
            doc = json.loads(r.stdout.decode("utf-8"))
        except ValueError:
            c.check(False, "%s: JSON parses" % what)
            return None, r
        got = {x["inode"]: x for x in doc["sockets"]}.get(inode)
        c.check(got is not None, "%s: our listener is listed" % what)
        return got, r

    try:
        # No services file: the built-in table still names ports; nothing breaks.
        got, r = listing({"PORTSCOPE_SERVICES": "/nonexistent/services"}, "no services file")
        c.check(got is not None and [o["pid"] for o in got["owners"]] == [os.getpid()],
                "no services file: owner found")
        c.check(r.stderr == b"", "no services file: nothing on stderr: %r" % r.stderr[:200])
        r = subprocess.run([binary, "--list"], capture_output=True, timeout=60,
                           env=dict(env, PORTSCOPE_SERVICES="/nonexistent/services"))
        c.check(r.returncode == 0 and str(port).encode() in r.stdout, "no services file: the table too")

        # A /proc with broken entries beside a real one: a process directory
        # without access, one whose fd is a file, one with a dangling and a
        # looping fd link, a stat that is garbage.  Our process is found.
        proc = os.path.join(scratch, "proc")
        os.makedirs(proc)
        mine = os.path.join(proc, str(os.getpid()))
        os.makedirs(mine)
        # fd is opened O_NOFOLLOW: a real folder holding copies of the links.
        os.makedirs(os.path.join(mine, "fd"))
        for fd in os.listdir("/proc/self/fd"):
            try:
                os.symlink(os.readlink("/proc/self/fd/" + fd), os.path.join(mine, "fd", fd))
            except OSError:
                pass
        # Files are opened O_NOFOLLOW too: copies.
        for entry in ("stat", "status", "cmdline", "cgroup", "comm"):
            with open("/proc/self/" + entry, "rb") as src, open(os.path.join(mine, entry), "wb") as dst:
                dst.write(src.read())
        os.makedirs(os.path.join(proc, "99991"))
        os.chmod(os.path.join(proc, "99991"), 0)
        os.makedirs(os.path.join(proc, "99992"))
        with open(os.path.join(proc, "99992", "fd"), "w") as f:
            f.write("not a directory\n")
        os.makedirs(os.path.join(proc, "99993", "fd"))
        os.symlink("socket:[%d]" % inode, os.path.join(proc, "99993", "fd", "3"))
        os.symlink("loop", os.path.join(proc, "99993", "fd", "loop"))
        with open(os.path.join(proc, "99993", "stat"), "wb") as f:
            f.write(b"99993 (x) ) S 1 ( garbage \xff\n")
        os.makedirs(os.path.join(proc, "99994", "fd"))
        os.symlink("/nonexistent", os.path.join(proc, "99994", "fd", "7"))
        got, r = listing({"PORTSCOPE_PROC_ROOT": proc}, "broken /proc entries")
        pids = sorted(o["pid"] for o in got["owners"]) if got else []
        c.check(os.getpid() in pids, "broken /proc entries: the real owner is found: %r" % pids)
        c.check(r.stderr.count(b"\n") <= 1, "broken /proc entries: at most one line on stderr: %r"
                % r.stderr[:300])

        # The privileged helper cannot start, exits at once, or crashes.
        exit1 = os.path.join(scratch, "pkexec-exit1")
        with open(exit1, "w") as f:
            f.write("#!/bin/sh\nexit 1\n")
        crash = os.path.join(scratch, "pkexec-crash")
        with open(crash, "w") as f:
            f.write("#!/bin/sh\nkill -SEGV $$\n")
        half = os.path.join(scratch, "pkexec-half")
        with open(half, "w") as f:
            # Speaks a garbage hello, then dies.
            f.write("#!/bin/sh\nprintf 'PORTSCOPE-HELPER 999 \\033[31m<b>\\n'\nexit 3\n")
        for path in (exit1, crash, half):
            os.chmod(path, 0o755)
        for pkexec, what in ((exit1, "helper exits 1"), (crash, "helper crashes"),
                             (half, "helper says garbage and dies"),
                             ("/nonexistent/pkexec", "no pkexec")):
            r = subprocess.run([binary, "--list"], capture_output=True, timeout=90,
                               env=dict(env, PORTSCOPE_BACKEND="privileged", PORTSCOPE_PKEXEC=pkexec))
            err = r.stderr.decode("utf-8", "replace")
            c.check(r.returncode == 1, "%s: exit 1 (%d)" % (what, r.returncode))
            c.check(r.stdout == b"", "%s: nothing on stdout" % what)
            c.check(err.count("\n") == 1 and err.startswith("portscope: ") and len(err) > 20
                    and "\x1b" not in err,
                    "%s: one clear line on stderr: %r" % (what, err))
    finally:
        s.close()
        for root, dirs, _ in os.walk(scratch):
            for d in dirs:
                try:
                    os.chmod(os.path.join(root, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(scratch, ignore_errors=True)

    print("%d failure(s)" % c.failures)
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()

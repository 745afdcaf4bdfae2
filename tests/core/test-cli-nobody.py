#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unprivileged: run as `nobody`, root's listener appears with uid 0, no owner
and owner_hidden "other-user", and the exit status is 0; nobody's own listener
keeps its owner.  Needs root (to start root's listener and drop to nobody):
skips (77) otherwise."""
import json
import os
import pwd
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import LISTENER, Checker, Listener, by_inode, portscope_bin, run  # noqa: E402

SETPRIV = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def main():
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        print("skip: needs root and setpriv")
        sys.exit(77)
    try:
        nobody = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        print("skip: no nobody user")
        sys.exit(77)

    c = Checker()
    # The build tree may not be reachable by nobody: run a copy from a
    # world-readable temporary folder.
    tmp = tempfile.mkdtemp(prefix="portscope-nobody-")
    try:
        os.chmod(tmp, 0o755)
        binary = os.path.join(tmp, "portscope")
        shutil.copy2(portscope_bin(), binary)
        os.chmod(binary, 0o755)
        listener = os.path.join(tmp, "listener.py")
        shutil.copy2(LISTENER, listener)
        os.chmod(listener, 0o644)

        with Listener(["tcp/127.0.0.1", "udp/::"]) as root_listener, \
             Listener(["tcp/127.0.0.1"], prefix=SETPRIV, script=listener) as nobody_listener:
            for want in root_listener.sockets:
                r = run(SETPRIV + [binary, "--list", "--json", "--port", str(want["port"])])
                c.check(r.returncode == 0, "as nobody: exit 0 (%d, %r)" % (r.returncode, r.stderr))
                if r.returncode != 0:
                    continue

                got = by_inode(json.loads(r.stdout.decode("utf-8"))).get(want["inode"])
                label = "root's %s port %d" % (want["protocol"], want["port"])
                c.check(got is not None, label + " listed")
                if got is None:
                    continue
                c.check(got["uid"] == 0, label + ": uid 0")
                c.check(got["user"] == "root", label + ": user root")
                c.check(got["owners"] == [], label + ": no owner")
                c.check(got["owner_hidden"] == "other-user", label + ": owner_hidden other-user")

            want = root_listener.sockets[0]
            r = run(SETPRIV + [binary, "--list", "--port", str(want["port"])])
            c.check(r.returncode == 0, "as nobody: table exits 0")
            rows = [line.split() for line in r.stdout.decode("utf-8").splitlines()[1:]]
            c.check(["tcp", "127.0.0.1", str(want["port"]), "-", "-", "root"] in rows,
                    "hidden owner shows '-' and the user: %r" % rows)

            mine = nobody_listener.sockets[0]
            r = run(SETPRIV + [binary, "--list", "--json", "--port", str(mine["port"])])

            got = by_inode(json.loads(r.stdout.decode("utf-8"))).get(mine["inode"]) if r.returncode == 0 else None
            c.check(got is not None and got["uid"] == nobody, "nobody's own listener listed with its uid")
            c.check(got is not None and {o["pid"] for o in got["owners"]} == nobody_listener.pids()
                    and got["owner_hidden"] is None,
                    "nobody's own listener keeps its owner")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()

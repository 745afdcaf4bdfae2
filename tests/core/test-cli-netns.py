#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""In a fresh network namespace, the set of (protocol, port, inode, PIDs) that
`portscope --list --json` reports equals what `ss -Htulnpe` reports, for binds
on 127.0.0.1, ::1, ::, 0.0.0.0 and a v6-only ::, TCP and UDP, with a forked
child sharing the sockets.  Needs root (unshare -n): skips (77) otherwise."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import Checker, Listener, list_json, netns_main, run  # noqa: E402

SPECS = [p + "/" + a for p in ("tcp", "udp")
         for a in ("127.0.0.1", "::1", "::", "0.0.0.0", "::/v6only")]


def parse_ss(text):
    rows = set()
    v6only = {}
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        proto = fields[0]
        local = fields[4]
        port = int(local.rsplit(":", 1)[1])
        inode = int(re.search(r"\bino:(\d+)", line).group(1))
        pids = frozenset(int(p) for p in re.findall(r"pid=(\d+)", line))
        rows.add((proto, port, inode, pids))
        # ss shows a dual-stack :: as "*" and a v6-only one as "[::]".
        if local.startswith("[::]:"):
            v6only[inode] = True
        elif local.startswith("*:"):
            v6only[inode] = False
    return rows, v6only


def inside():
    c = Checker()
    with Listener(SPECS, fork=True) as shared, Listener(["tcp/127.0.0.1", "udp/::"]) as other:
        ss = run(["ss", "-Htulnpe"])
        c.check(ss.returncode == 0, "ss ran")
        ss_rows, ss_v6only = parse_ss(ss.stdout.decode("utf-8", "replace"))

        doc = list_json()
        ours = set()
        for s in doc["sockets"]:
            ours.add((s["protocol"], s["port"], s["inode"], frozenset(o["pid"] for o in s["owners"])))

        expected_inodes = {s["inode"] for s in shared.sockets + other.sockets}
        c.check({row[2] for row in ss_rows} == expected_inodes,
                "ss sees exactly the sockets of this test (%d)" % len(expected_inodes))
        c.check(ours == ss_rows, "portscope equals ss:\n  only portscope: %r\n  only ss: %r"
                % (sorted(ours - ss_rows), sorted(ss_rows - ours)))
        for row in ours:
            want = shared.pids() if row[2] in {s["inode"] for s in shared.sockets} else other.pids()
            c.check(row[3] == want, "inode %d owned by %r" % (row[2], sorted(want)))
        for s in doc["sockets"]:
            if s["inode"] in ss_v6only:
                c.check(s["v6only"] == ss_v6only[s["inode"]],
                        "v6only of %s [%s]:%d agrees with ss" % (s["protocol"], s["address"], s["port"]))
    c.finish()


if __name__ == "__main__":
    netns_main(__file__, inside, needs=("unshare", "ss"), timeout=120)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""portscope --list [--json] against real sockets opened by this test: TCP and
UDP, IPv4 and IPv6, loopback and wildcard, a forked child sharing the sockets,
and processes with hostile names and command lines."""
import json
import os
import socket
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import Checker, Listener, by_inode, list_json, portscope_bin, run  # noqa: E402

SPECS = ["tcp/127.0.0.1", "tcp/0.0.0.0", "tcp/::1", "tcp/::", "tcp/::/v6only",
         "udp/127.0.0.1", "udp/0.0.0.0", "udp/::1", "udp/::"]


def main():
    c = Checker()
    listeners = []
    try:
        shared = Listener(SPECS, name=") S 1 (", fork=True)
        listeners.append(shared)
        markup = Listener(["tcp/127.0.0.1", "udp/::1"], name="<b>x</b>",
                          extra_argv=["<i>arg</i>", "\u202eevil"])
        listeners.append(markup)
        # A name with an escape sequence and a newline; invalid UTF-8 in argv.
        hostile = Listener(["tcp/127.0.0.1"], name="\x1b[31mr\ned",
                           extra_argv=[os.fsdecode(b"bad\xff\xfe"), "tab\there"])
        listeners.append(hostile)

        # 100 KB of arguments.
        big = Listener(["udp/127.0.0.1"], extra_argv=["y" * 100000, "z"])
        listeners.append(big)

        # A connection to one of our listeners (shown only with --all).
        client = socket.create_connection(("127.0.0.1", markup.sockets[0]["port"]))
        client_inode = os.fstat(client.fileno()).st_ino

        doc = list_json()
        c.check(doc.get("version") == 1, "document version is 1")
        c.check(client_inode not in by_inode(doc), "no connection without --all")
        sockets = by_inode(doc)

        for listener in listeners:
            expected_pids = listener.pids()
            for want in listener.sockets:
                got = sockets.get(want["inode"])
                label = "%s %s port %d (%s)" % (want["protocol"], want["address"], want["port"],
                                                 listener.info.get("pid"))
                c.check(got is not None, label + " is listed")
                if got is None:
                    continue
                c.check(got["protocol"] == want["protocol"], label + ": protocol")
                c.check(got["family"] == want["family"], label + ": family")
                c.check(got["port"] == want["port"], label + ": port")
                c.check(got["address"] == want["address"], label + ": address %r" % got["address"])
                c.check(got["state"] == ("listen" if want["protocol"] == "tcp" else "unconnected"),
                        label + ": state %r" % got["state"])
                c.check(got["uid"] == os.geteuid(), label + ": uid")
                if want["family"] == "ipv6":
                    # The kernel sets IPV6_V6ONLY itself on a bind to a specific
                    # (non-mapped) IPv6 address.
                    v6only = want["v6only"] or want["address"] != "::"
                    c.check(got["v6only"] == v6only, label + ": v6only %r" % got["v6only"])
                else:
                    c.check(got["v6only"] is None, label + ": v6only null for IPv4")
                pids = {o["pid"] for o in got["owners"]}
                c.check(pids == expected_pids, label + ": owners %r == %r" % (pids, expected_pids))
                c.check(got["owner_hidden"] is None, label + ": owner not hidden")
                for o in got["owners"]:
                    c.check(o["uid"] == os.geteuid(), label + ": owner uid")
                    c.check(isinstance(o["start_time"], int) and o["start_time"] > 0, label + ": start time")
                    c.check(len(o["cmdline"]) >= 2 and "listener.py" in o["cmdline"][1],
                            label + ": cmdline %r" % o["cmdline"][:2])

        def owner_of(listener):
            got = sockets.get(listener.sockets[0]["inode"])
            return got["owners"][0] if got and got["owners"] else {}

        c.check(owner_of(shared).get("name") == ") S 1 (", "name with ') S 1 (' read from the last ')'")
        c.check(owner_of(markup).get("name") == "<b>x</b>", "markup name kept literally")
        c.check("<i>arg</i>" in owner_of(markup).get("cmdline", []), "markup argument kept literally")
        c.check("\u202eevil" in owner_of(markup).get("cmdline", []), "bidi argument kept in JSON")
        c.check(owner_of(hostile).get("name") == "\x1b[31mr\ned", "escape and newline in JSON name")
        c.check("bad\ufffd\ufffd" in owner_of(hostile).get("cmdline", []),
                "invalid UTF-8 argument replaced by U+FFFD: %r" % owner_of(hostile).get("cmdline"))

        got = sockets.get(big.sockets[0]["inode"])
        c.check(got is not None and got["owners"] and "y" * 100000 in got["owners"][0]["cmdline"]
                and got["owners"][0]["cmdline"][-1] == "z", "100 KB argument read whole")

        every = by_inode(list_json(extra=["--all"]))
        conn = every.get(client_inode)
        c.check(conn is not None and conn["state"] == "established"
                and conn["remote_port"] == markup.sockets[0]["port"]
                and conn["remote_address"] == "127.0.0.1"
                and {o["pid"] for o in conn["owners"]} == {os.getpid()},
                "--all lists our connection with its remote end and owner: %r" % (conn,))
        c.check(markup.sockets[0]["inode"] in every, "--all still lists listeners")
        r = run([portscope_bin(), "--list", "--all"])
        header = r.stdout.decode("utf-8").split("\n", 1)[0].split()
        c.check(header == ["PROTO", "ADDRESS", "PORT", "PID", "PROCESS", "USER", "STATE", "REMOTE"],
                "--list --all adds STATE and REMOTE columns: %r" % header)
        client.close()

        # --port filters.
        port = markup.sockets[0]["port"]
        filtered = list_json(extra=["--port", str(port)])
        c.check(len(filtered["sockets"]) >= 1 and all(s["port"] == port for s in filtered["sockets"]),
                "--port %d keeps only that port" % port)
        c.check(markup.sockets[0]["inode"] in by_inode(filtered), "--port keeps our socket")

        # The table: aligned columns, escaped names, no raw control character.
        r = run([portscope_bin(), "--list"])
        c.check(r.returncode == 0, "--list exits 0")
        table = r.stdout.decode("utf-8")
        lines = table.rstrip("\n").split("\n")
        c.check(lines[0].split() == ["PROTO", "ADDRESS", "PORT", "PID", "PROCESS", "USER"], "table header")
        bad = [ch for ch in table if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cf"))]
        c.check(not bad, "no raw control or format character in the table: %r" % bad[:5])
        starts = [lines[0].index(h) for h in ("ADDRESS", "PORT", "PID", "PROCESS", "USER")]

        def row_for(listener, k=0):
            want = listener.sockets[k]
            pid_text = ",".join(str(p) for p in sorted(listener.pids()))
            for line in lines[1:]:
                f = line.split()
                if f[0] == want["protocol"] and f[1] == want["address"] and f[2] == str(want["port"]):
                    return line, f, pid_text
            return None, None, pid_text

        line, fields, pid_text = row_for(markup)
        c.check(line is not None and "<b>x</b>" in line, "markup name literal in the table")
        if line:
            c.check(all(line[s - 1] == " " and line[s] != " " for s in starts),
                    "row aligned with the header: %r" % line)
            c.check(fields[3] == pid_text, "PID column %r" % fields[3])
        line, fields, pid_text = row_for(shared)
        c.check(line is not None and ") S 1 (" in line, "') S 1 (' name in the table")
        if line:
            c.check(fields[3] == pid_text, "forked owners shown as %r: %r" % (pid_text, fields[3]))
        line, fields, _ = row_for(hostile)
        c.check(line is not None and "\\x1B[31mr\\x0Aed" in line, "escape and newline made visible: %r" % line)
    finally:
        for listener in listeners:
            listener.stop()
    c.finish()


if __name__ == "__main__":
    main()

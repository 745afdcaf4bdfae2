#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Churn: listeners appear and vanish while `portscope --watch --json
--interval 250` runs, in a fresh network namespace so only this test's sockets
exist.  No crash, every line is valid JSON, every "added" socket was really
opened by the generator, every "removed" one was reported before, and once the
churn stops the reported state converges to the sockets still open.  Needs
root (unshare -n): skips (77) otherwise."""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import Checker, netns_main, portscope_bin, wait_for  # noqa: E402

CHURN_SECONDS = 4.0


KINDS = [("tcp", socket.AF_INET, "127.0.0.1"), ("tcp", socket.AF_INET6, "::1"),
         ("tcp", socket.AF_INET, "0.0.0.0"), ("tcp", socket.AF_INET6, "::"),
         ("udp", socket.AF_INET, "127.0.0.1"), ("udp", socket.AF_INET6, "::")]


def open_one(rng):
    proto, family, address = rng.choice(KINDS)
    s = socket.socket(family, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.bind((address, 0))
    if proto == "tcp":
        s.listen(4)
    key = (proto, s.getsockname()[1], os.fstat(s.fileno()).st_ino)
    return key, s


class Reader(threading.Thread):
    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.lock = threading.Lock()

    def run(self):
        for line in self.stream:
            with self.lock:
                self.lines.append(line)

    def snapshot(self):
        with self.lock:
            return list(self.lines)


def inside():
    c = Checker()
    rng = random.Random(1126)
    opened = {}     # key -> socket, currently open
    ever = set()    # every key the generator opened

    # Some listeners exist before the watch starts.
    for _ in range(5):
        key, s = open_one(rng)
        opened[key] = s
        ever.add(key)

    proc = subprocess.Popen([portscope_bin(), "--watch", "--json", "--interval", "250"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader = Reader(proc.stdout)
    reader.start()
    try:
        # The churn starts once the first scan is out (its 5 "added" lines):
        # a slow start on a loaded machine must not eat the churn time.
        wait_for(lambda: len(reader.snapshot()) >= 5 or proc.poll() is not None,
                 timeout=60, what="the first --watch scan")
        # Bursts of opens and closes; most sockets live across several scans
        # (so removals are seen), a few vanish at once (never seen at all).
        born = {key: time.monotonic() for key in opened}
        deadline = time.monotonic() + CHURN_SECONDS
        while time.monotonic() < deadline:
            for _ in range(rng.randint(1, 4)):
                key, s = open_one(rng)
                opened[key] = s
                born[key] = time.monotonic()
                ever.add(key)
                if rng.random() < 0.1:
                    opened.pop(key).close()
            now = time.monotonic()
            old = [k for k in opened if now - born[k] > 0.6]
            rng.shuffle(old)
            n_close = rng.randint(1, 4) + max(0, len(opened) - 60)
            for key in old[:n_close]:
                opened.pop(key).close()
            time.sleep(rng.uniform(0.02, 0.1))

        final = set(opened)
        state = {}
        problems = []
        n_events = [0]
        counts = {"added": 0, "removed": 0, "changed": 0}

        def converged():
            lines = reader.snapshot()
            for line in lines[n_events[0]:]:
                n_events[0] += 1
                try:
                    event = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    problems.append("bad line %r: %s" % (line, e))
                    continue
                s = event["socket"]
                key = (s["protocol"], s["port"], s["inode"])
                counts[event["event"]] = counts.get(event["event"], 0) + 1
                if event["event"] == "added":
                    if key not in ever:
                        problems.append("added a socket never opened: %r" % (key,))
                    if key in state:
                        problems.append("added twice: %r" % (key,))
                    state[key] = s
                elif event["event"] == "removed":
                    if key not in state:
                        problems.append("removed a socket never added: %r" % (key,))
                    state.pop(key, None)
                elif event["event"] == "changed":
                    if key not in state:
                        problems.append("changed a socket never added: %r" % (key,))
                    state[key] = s
                else:
                    problems.append("unknown event %r" % event["event"])
            return set(state) == final

        try:
            wait_for(converged, timeout=40, what="--watch to report the final set")
            c.check(True, "--watch converged to the %d sockets still open" % len(final))
        except AssertionError as e:
            c.check(False, "%s: reported %d, open %d; missing %r; extra %r"
                    % (e, len(state), len(final), sorted(final - set(state))[:5],
                       sorted(set(state) - final)[:5]))
        c.check(not problems, "every event is consistent: %r" % problems[:5])
        c.check(counts["added"] > 5 and counts["removed"] > 0,
                "the churn was seen: %r for %d sockets opened" % (counts, len(ever)))
        c.check(all(s["owners"] and s["owners"][0]["pid"] == os.getpid() for s in state.values()),
                "the final sockets are owned by the generator")

        c.check(proc.poll() is None, "--watch still running after the churn")
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
        c.check(rc == 0, "--watch exits 0 on SIGTERM (got %d)" % rc)
        err = proc.stderr.read()
        c.check(err == b"", "nothing on stderr: %r" % err[:200])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for s in opened.values():
            s.close()
    c.finish()


if __name__ == "__main__":
    netns_main(__file__, inside, needs=("unshare",), timeout=120)

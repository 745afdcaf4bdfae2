#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Searching a port that nobody uses says "Port N is free" and lists no row."""
import random
import socket
import sys

from e2e_harness import Failure, label_named, log, main, wait_for


def unused_port():
    """A port no TCP or UDP socket uses now, below the ephemeral range (so
    the system does not hand it out to someone else during the test)."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 30000)
        try:
            for family, kind, address in ((socket.AF_INET, socket.SOCK_STREAM, "0.0.0.0"),
                                          (socket.AF_INET, socket.SOCK_DGRAM, "0.0.0.0"),
                                          (socket.AF_INET6, socket.SOCK_STREAM, "::"),
                                          (socket.AF_INET6, socket.SOCK_DGRAM, "::")):
                with socket.socket(family, kind) as probe:
                    if family == socket.AF_INET6:
                        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    probe.bind((address, port))
        except OSError:
            continue
        return port
    raise Failure("found no unused port between 20000 and 30000")


def test(s):
    app = s.launch_app()
    port = unused_port()
    log(f"searching port {port}, which nothing uses")
    app.search_entry().queryEditableText().setTextContents(str(port))

    title = app.wait_find(f"the status 'Port {port} is free'", label_named(f"Port {port} is free"))
    parent = title.parent
    text = [n.name for n in parent] if parent is not None else []
    log(f"status page: {text}")
    if not any(t.startswith("No program on this computer uses it right now.") for t in text):
        raise Failure(f"the free-port page says {text}: expected it to say no program uses it")
    rows = app.rows()
    if rows:
        raise Failure(f"port {port} is free, yet the list shows {[c for _, c in rows]}")
    if app.toasts():
        raise Failure(f"unexpected toasts: {app.toasts()}")


if __name__ == "__main__":
    sys.exit(main(test))

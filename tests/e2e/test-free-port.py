#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Searching a port that nobody uses says "Port N is free" and lists no row.
With connections not listed (the default) the page says only that nothing
listens on it and offers Show Connections; pressed, it says nothing uses it."""
import random
import socket
import sys

from e2e_harness import Failure, button_labelled, label_named, log, main, press, wait_for


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

    def page_text():
        return [n.name for n in parent] if parent is not None else []

    def says(start):
        return any(t.startswith(start) for t in page_text())

    log(f"status page: {page_text()}")
    if not says("No program on this computer listens on it right now."):
        raise Failure(f"the free-port page says {page_text()}: expected it to say nothing listens on it")
    button = app.wait_find("the Show Connections button", button_labelled("Show Connections"))
    press(button, "Show Connections")
    wait_for("the page to say no program uses the port",
             lambda: says("No program on this computer uses it right now."))
    rows = app.rows()
    if rows:
        raise Failure(f"port {port} is free, yet the list shows {[c for _, c in rows]}")
    if app.toasts():
        raise Failure(f"unexpected toasts: {app.toasts()}")


if __name__ == "__main__":
    sys.exit(main(test))

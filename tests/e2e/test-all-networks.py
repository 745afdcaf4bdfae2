#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A listener on 0.0.0.0: the row says "All networks" and the pane warns
that every network can reach it (and, as root, that a root process is
reachable from the network)."""
import os
import sys

from e2e_harness import Failure, log, main, wait_for

NAME = "ps-e2e-wide"
ROOT_NOTE = "Runs as root and is reachable from the network"


def test(s):
    listener, port = s.listener(bind="0.0.0.0", name=NAME)
    app = s.launch_app()

    app.search_entry().queryEditableText().setTextContents(str(port))
    app.wait_only_rows(port)
    row, cells = app.wait_row(port, lambda c: c[4] == NAME)
    log("row:", cells)
    if cells[2] != "0.0.0.0" or cells[3] != "All networks":
        raise Failure(f"row for port {port} is {cells}: expected 0.0.0.0 and All networks")

    app.select_row(row)
    app.wait_pane_heading(port)
    reach = wait_for("the pane's 'Who can connect'", lambda: app.pane_fact("Who can connect"))
    log(f"Who can connect: {reach!r}")
    if "every network" not in reach:
        raise Failure(f"the pane's reach is {reach!r}: expected a warning about every network")

    notes = app.pane_notes()
    log(f"security notes: {notes}")
    if os.geteuid() == 0:
        if ROOT_NOTE not in notes:
            raise Failure(f"as root, the pane's security notes are {notes}: expected '{ROOT_NOTE}'")
    elif "Nothing here calls for attention." in notes:
        raise Failure("the pane says nothing calls for attention about a port open to every network")


if __name__ == "__main__":
    sys.exit(main(test))

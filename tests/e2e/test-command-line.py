#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`portscope PORT` from a terminal opens on that port: the search holds it,
the list shows its row, selected, and the pane describes it."""
import sys

from e2e_harness import Failure, log, main, states, wait_for

NAME = "ps-e2e-cli"


def test(s):
    listener, port = s.listener(name=NAME)
    app = s.launch_app(str(port))

    text = wait_for("the search entry to hold the port", lambda: app.search_text() == str(port)
                    and app.search_text())
    log(f"search: {text!r}")
    rows = app.wait_only_rows(port)
    row, cells = app.wait_row(port, lambda c: c[4] == NAME)
    log("row:", cells)
    if cells[5] != str(listener.pid):
        raise Failure(f"row for port {port} shows pid {cells[5]}, expected {listener.pid}")
    wait_for("the row to be selected", lambda: "selected" in states(row))
    app.wait_pane_heading(port)
    process = wait_for("the pane's Process fact", lambda: app.pane_fact("Process"))
    if process != NAME:
        raise Failure(f"the pane shows process {process!r}, expected {NAME}")


if __name__ == "__main__":
    sys.exit(main(test))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A person frees a port: an HTTP server the test starts on 127.0.0.1 shows
up; search its port, select the row, read the pane (the process, "This
computer"), End Process…, confirm, read "Port N is free"; the server is gone."""
import sys

from e2e_harness import Failure, log, main, press, process_gone, wait_for


def test(s):
    server, port = s.http_server()
    app = s.launch_app()

    entry = app.search_entry()
    entry.queryEditableText().setTextContents(str(port))
    wait_for("the search entry to hold the port",
             lambda: app.search_text() == str(port))

    app.wait_only_rows(port)
    row, cells = app.wait_row(port, lambda c: c[4] == "python3")
    log("row:", cells)
    if cells[2] != "127.0.0.1" or cells[3] != "This computer" or cells[5] != str(server.pid):
        raise Failure(f"row for port {port} is {cells}: expected 127.0.0.1, This computer, "
                      f"pid {server.pid}")

    app.select_row(row)
    app.wait_pane_heading(port)
    process = wait_for("the pane's Process fact", lambda: app.pane_fact("Process"))
    pid = app.pane_fact("Process ID")
    reach = app.pane_fact("Who can connect")
    log(f"pane: Process={process!r} Process ID={pid!r} Who can connect={reach!r}")
    if process != "python3" or pid != str(server.pid):
        raise Failure(f"pane shows process {process!r} pid {pid!r}, expected python3 {server.pid}")
    if reach is None or "this computer" not in reach:
        raise Failure(f"pane's reach is {reach!r}: expected it to say only this computer can connect")

    end = app.wait_button("End Process…")
    press(end, "End Process…")

    dialog, confirm = app.wait_dialog_with_button("End Process")
    if dialog.name != "End “python3”?":
        raise Failure(f"the confirmation is titled {dialog.name!r}: expected it to name python3")
    press(confirm, "the dialog's End Process")
    app.wait_dialog_gone(dialog)

    app.wait_toast(f"Port {port} is free")
    log(f"toasts: {app.toasts()}")
    wait_for(f"http.server (pid {server.pid}) to be gone", lambda: process_gone(server.pid))
    server.wait(timeout=10)
    if server.returncode != -15:
        raise Failure(f"http.server ended with status {server.returncode}, expected SIGTERM (-15)")
    # Other programs on a busy machine may take the freed port a moment later
    # (ephemeral range): only the server's own row must go.
    wait_for(f"the row of http.server (pid {server.pid}) to go",
             lambda: not any(cells[5] == str(server.pid) for _, cells in app.rows()))


if __name__ == "__main__":
    sys.exit(main(test))

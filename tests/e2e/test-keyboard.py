#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keyboard only, through real key events (XTest via the AT-SPI registry):

  Ctrl+F        the search entry gets the focus
  type the port the list shows that port only
  Down          the focus moves from the entry to the first row
  Space         selects that row (Down only focuses it)
  Delete        End Process: the confirmation opens with Cancel focused
                (the safe default)
  Tab           moves the focus to End Process
  Return        confirms: the process ends, "Port N is free"
"""
import sys

from e2e_harness import (Failure, button_labelled, find, key, key_combo, log, main,
                         process_gone, states, type_text, wait_for)

NAME = "ps-e2e-keys"


def focused(app):
    return app.find(lambda n: "focused" in states(n), into_table=True)


def test(s):
    listener, port = s.listener(name=NAME)
    app = s.launch_app()

    log("press Ctrl+F")
    key_combo("Control", "f")
    entry = app.search_entry()
    wait_for("Ctrl+F to focus the search entry", lambda: "focused" in states(entry))

    type_text(str(port))
    wait_for("the typed port in the search entry", lambda: app.search_text() == str(port))
    app.wait_only_rows(port)
    row, cells = app.wait_row(port, lambda c: c[4] == NAME)
    log("row:", cells)

    log('press Down')
    key("Down")
    wait_for("Down to focus the row", lambda: "focused" in states(row))
    log('press  ')
    key(" ")
    wait_for("Space to select the row", lambda: "selected" in states(row))
    app.wait_pane_heading(port)

    log('press Delete')
    key("Delete")
    dialog, confirm = app.wait_dialog_with_button("End Process")
    if dialog.name != f"End “{NAME}”?":
        raise Failure(f"Delete opened {dialog.name!r}")
    cancel = find(dialog, button_labelled("Cancel"))
    wait_for("Cancel to have the focus (the safe default)", lambda: "focused" in states(cancel))

    log('press Tab')
    key("Tab")
    wait_for("Tab to move the focus to End Process", lambda: "focused" in states(confirm))
    log('press Return')
    key("Return")
    wait_for(f"{NAME} (pid {listener.pid}) to be gone", lambda: process_gone(listener.pid))
    app.wait_dialog_gone(dialog)
    app.wait_toast(f"Port {port} is free")
    listener.wait(timeout=10)
    if listener.returncode != -15:
        raise Failure(f"{NAME} ended with status {listener.returncode}, expected SIGTERM (-15)")
    if focused(app) is None:
        log("note: nothing has the keyboard focus after the dialog closed")


if __name__ == "__main__":
    sys.exit(main(test))

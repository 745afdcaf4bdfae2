#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A program that ignores SIGTERM: End Process asks, waits, then offers
Force Stop; Force Stop ends it (SIGKILL) and the port is free."""
import signal
import sys

from e2e_harness import Failure, log, main, press, process_gone, wait_for

NAME = "ps-e2e-stubborn"


def test(s):
    stubborn, port = s.listener(name=NAME, ignore_term=True)
    app = s.launch_app()

    app.search_entry().queryEditableText().setTextContents(str(port))
    app.wait_only_rows(port)
    row, cells = app.wait_row(port, lambda c: c[4] == NAME)
    log("row:", cells)
    app.select_row(row)
    app.wait_pane_heading(port)

    press(app.wait_button("End Process…"), "End Process…")
    dialog, confirm = app.wait_dialog_with_button("End Process")
    if dialog.name != f"End “{NAME}”?":
        raise Failure(f"the confirmation is titled {dialog.name!r}")
    press(confirm, "the dialog's End Process")
    app.wait_dialog_gone(dialog)

    # The app waits terminate-timeout (5 s by default) for the exit first.
    dialog, force = app.wait_dialog_with_button("Force Stop", timeout=30)
    log(f"dialog: {dialog.name!r}")
    if dialog.name != f"“{NAME}” Is Still Running":
        raise Failure(f"the Force Stop dialog is titled {dialog.name!r}")
    if process_gone(stubborn.pid):
        raise Failure(f"{NAME} (pid {stubborn.pid}) is gone before Force Stop: it should ignore SIGTERM")
    press(force, "Force Stop")
    app.wait_dialog_gone(dialog)

    app.wait_toast(f"Port {port} is free")
    log(f"toasts: {app.toasts()}")
    wait_for(f"{NAME} (pid {stubborn.pid}) to be gone", lambda: process_gone(stubborn.pid))
    stubborn.wait(timeout=10)
    if stubborn.returncode != -signal.SIGKILL:
        raise Failure(f"{NAME} ended with status {stubborn.returncode}, expected SIGKILL (-9)")


if __name__ == "__main__":
    sys.exit(main(test))

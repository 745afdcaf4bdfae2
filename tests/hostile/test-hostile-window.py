#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile process data in the real window, read through the accessibility
tree: in a fresh network namespace (so the list holds only these sockets,
every row realized), listeners whose comm and command line hold markup,
entities, bidi overrides, escape sequences, newlines, invalid UTF-8, 100 KB
of arguments and ") S 1 (".  For each row and, once it is selected, for the
detail pane and the End Process confirmation (opened, then cancelled):
no label carries a raw control, C1, bidi or invisible format character, and
the process name is shown literally, visibly escaped (markup not applied).

Needs root (unshare -n), a display and a session bus; exits 77 otherwise."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "soak"))
from soak import Tree, alive, require_display_bus_netns, run_in_netns, wait_for  # noqa: E402
from importlib.machinery import SourceFileLoader  # noqa: E402

cli = SourceFileLoader("hostile_cli", os.path.join(HERE, "test-hostile-cli.py")).load_module()

MARK = "PORTSCOPE_HOSTILE_IN_NETNS"
KNOWN_A11Y = "g_variant_is_object_path: assertion 'string != NULL' failed"
# Known and reported (issue 8): selecting the row of a process with 100 KB of
# arguments freezes the window (the pane lays the whole command line out in
# one label; no AT-SPI answer for > 60 s).  Remove the entry once the pane
# caps what it shows: this test then checks that case too.
PANE_KNOWN_BROKEN = {}
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def app_preexec():
    """The app leaves a core file in its working folder if it crashes."""
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def backtrace(app_bin, folder):
    """Prints the backtrace of every core file in FOLDER (a crash is a
    failure: this only shows where it happened)."""
    for name in sorted(os.listdir(folder)):
        if not name.startswith("core"):
            continue
        print("# the app crashed: core file %s" % name)
        if shutil.which("gdb"):
            r = subprocess.run(["gdb", "-batch", "-ex", "thread apply all bt 30", app_bin,
                                os.path.join(folder, name)], capture_output=True, text=True,
                               timeout=300)
            print("# " + (r.stdout + r.stderr)[-12000:].replace("\n", "\n# "))


def outside():
    require_display_bus_netns()
    # A private session and accessibility bus (see soak.run_in_netns); no
    # G_DEBUG for this driver (pyatspi warns about peers that go away).
    sys.exit(run_in_netns(os.path.abspath(__file__), MARK))


def inside():
    c = cli.Checker()
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    build = os.environ.get("PORTSCOPE_BUILD_DIR", os.getcwd())
    app_bin = os.environ.get("PORTSCOPE_BIN", os.path.join(build, "src", "portscope"))
    scratch = tempfile.mkdtemp(prefix="portscope-hostile-")
    procs = []
    info = {}
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.pop(MARK, None)
    # Criticals are not fatal here: GTK 4.8's AT-SPI bridge itself logs one
    # (KNOWN_A11Y below) when a node goes away while this test reads it.
    # Every other critical or warning fails the test.
    env.update({"GTK_A11Y": "atspi", "PORTSCOPE_ALLOW_ROOT": "1",
                "GSETTINGS_BACKEND": "memory", "LANGUAGE": "C", "LC_ALL": "C.UTF-8",
                "GSETTINGS_SCHEMA_DIR": os.environ.get("GSETTINGS_SCHEMA_DIR", os.path.join(build, "data")),
                "GSK_RENDERER": os.environ.get("GSK_RENDERER", "cairo")})
    app_log = os.path.join(scratch, "portscope.log")
    try:
        for name, comm, args in cli.CASES:
            p = subprocess.Popen([PYTHON, os.path.join(HERE, "hostile_proc.py"), comm.hex()] + args,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            procs.append(p)
            info[name] = json.loads(p.stdout.readline())
        by_port = {info[name]["port"]: (name, comm) for name, comm, _ in cli.CASES}

        # Started up to 3 times only when GTK could not open the display
        # (the environment, not the app: seen while other jobs start and stop
        # their own Xvfb); any other failure to show the window fails.
        for attempt in range(1, 4):
            with open(app_log, "w") as out:
                app = subprocess.Popen([app_bin], env=env, stdout=out, stderr=subprocess.STDOUT,
                                       cwd=scratch, preexec_fn=app_preexec)
            procs.append(app)
            tree = Tree(app.pid)

            def started():
                if app.poll() is not None:
                    raise AssertionError("the app exited with status %r before its window showed up"
                                         % app.returncode)
                return tree.find_app()

            try:
                tree.app = wait_for("the window in the accessibility tree", started, 180)
                break
            except AssertionError:
                with open(app_log, errors="replace") as f:
                    if "cannot open display" not in f.read() or attempt == 3:
                        raise
                print("# attempt %d: portscope could not open the display; starting it again" % attempt)
                if app.poll() is None:
                    app.kill()
                app.wait()
                procs.remove(app)
        pyatspi = tree.pyatspi
        # The main window, found once: later looks never re-list the app's
        # windows while a dialog closes (GTK 4.8 can reach a context without
        # an object path then: GLib-CRITICAL g_variant_new_object_path, SIGSEGV).
        main = wait_for("the main window", lambda: next(
            (t for t in tree.children(tree.app)
             if t.getRole() == pyatspi.ROLE_FRAME and t.name == "Portscope"), None), 30)
        pane_node = []

        def rows_with_nodes():
            table = tree.table()
            out = []
            for part in tree.children(table):
                if part.getRole() != pyatspi.ROLE_LIST:
                    continue
                for row in tree.children(part):
                    if row.getRole() == pyatspi.ROLE_TABLE_ROW:
                        out.append((part, row, [" ".join(tree.labels(cell)) for cell in tree.children(row)]))
            return out

        def all_rows():
            try:
                rows = rows_with_nodes()
            except Exception:
                return None
            ports = {int(cells[0]) for _, _, cells in rows if cells and cells[0].isdigit()}
            return rows if ports == set(by_port) else None

        rows = wait_for("a row for each hostile listener", all_rows, 60)
        for part, row, cells in rows:
            name, comm = by_port[int(cells[0])]
            text = " | ".join(cells)
            bad = cli.bad_characters(text)
            c.check(not bad, "row %s: no raw control or bidi character: %r" % (name, bad))
            c.check(cells[4] == cli.visible(comm), "row %s: Process cell is %r (got %r)"
                    % (name, cli.visible(comm), cells[4]))
            c.check(cells[5].strip() == str(info[name]["pid"]), "row %s: PID cell" % name)

        # The detail pane of each row, and the End Process confirmation.
        for name, comm, _ in cli.CASES:
            if name in PANE_KNOWN_BROKEN:
                print("# SKIP pane and dialog of %s: %s" % (name, PANE_KNOWN_BROKEN[name]))
                continue
            port = info[name]["port"]

            def pick():
                if not alive(app.pid):
                    raise AssertionError("the app exited (status %r)" % app.poll())
                try:
                    return pick_row()
                except Exception:  # a node went away while it was read
                    return False

            def pick_row():
                for part, row, cells in rows_with_nodes():
                    if cells and cells[0] == str(port):
                        part.querySelection().selectChild(row.getIndexInParent())
                        return True
                return False

            wait_for("row %s to be selected" % name, pick, 30)

            def pane_labels():
                try:
                    return look_pane()
                except Exception:  # a node went away while it was read
                    return None

            def the_pane():
                if not pane_node:
                    found = tree.find(main, lambda n: n.name == "PsDetailPane")
                    if found is not None:
                        pane_node.append(found)
                return pane_node[0] if pane_node else None

            def look_pane_any():
                pane = the_pane()
                return list(tree.labels(pane)) if pane is not None else []

            def look_pane():
                if not alive(app.pid):
                    raise AssertionError("the app exited (status %r)" % app.poll())
                pane = the_pane()
                if pane is None:
                    return None
                labels = list(tree.labels(pane))
                return labels if any(str(port) in l for l in labels) and \
                    any(cli.visible(comm) in l for l in labels) else None

            try:
                t_select = time.monotonic()
                labels = wait_for("the pane to show %s" % name, pane_labels, 30)
                c.check(True, "pane %s: shows the name as %r (after %.1f s)"
                        % (name, cli.visible(comm), time.monotonic() - t_select))
            except AssertionError as e:
                try:
                    seen = [l[:80] + ("… (%d chars)" % len(l) if len(l) > 80 else "") for l in look_pane_any()]
                except Exception as e2:
                    seen = repr(e2)
                c.check(False, "pane %s: %s; the pane shows %r" % (name, e, seen))
                continue
            bad = cli.bad_characters(" | ".join(labels))
            c.check(not bad, "pane %s: no raw control or bidi character: %r" % (name, bad))

            def end_button():
                b = tree.find(main, lambda n: n.getRole() == pyatspi.ROLE_PUSH_BUTTON
                              and "End Process" in n.name)
                if b is not None and "sensitive" in [pyatspi.stateToString(s) for s in b.getState().getStates()]:
                    return b
                return None

            wait_for("End Process to be enabled", end_button, 30).queryAction().doAction(0)

            def dialog():
                if not alive(app.pid):
                    raise AssertionError("the app exited (status %r)" % app.poll())
                try:
                    for top in tree.children(tree.app):
                        if top == main:
                            continue
                        if top.getRole() in (pyatspi.ROLE_DIALOG, pyatspi.ROLE_ALERT) or \
                           (top.getRole() == pyatspi.ROLE_FRAME and top.name != "Portscope"):
                            labels = list(tree.labels(top))
                            if any(cli.visible(comm) in l for l in labels):
                                return top, labels
                except Exception:  # it went away while it was read
                    return None
                return None

            try:
                top, labels = wait_for("the End Process confirmation for %s" % name, dialog, 30)
                bad = cli.bad_characters(" | ".join(labels))
                c.check(not bad, "dialog %s: name shown escaped, no raw control or bidi character: %r"
                        % (name, bad))
                cancel = tree.find(top, lambda n: n.getRole() == pyatspi.ROLE_PUSH_BUTTON and "Cancel" in n.name)
                if cancel is None:
                    cancel = tree.find(top, lambda n: n.getRole() == pyatspi.ROLE_PUSH_BUTTON)
                cancel.queryAction().doAction(0)

                def closed():
                    # Asks the dialog itself, never re-lists the app's windows
                    # (see main above).  A dialog gone from the bus is closed.
                    if not alive(app.pid):
                        raise AssertionError("the app exited (status %r)" % app.poll())
                    try:
                        return "visible" not in [pyatspi.stateToString(x)
                                                 for x in top.getState().getStates()]
                    except Exception:
                        return True

                wait_for("the dialog to close", closed, 30)
            except AssertionError as e:
                c.check(False, "dialog %s: %s" % (name, e))
            c.check(all(p.poll() is None for p in procs[:-1]), "after Cancel every listener still runs")

        c.check(alive(app.pid), "the app is still running")
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with open(app_log, errors="replace") as f:
            output = f.read()
        bad = [l for l in output.splitlines() if ("CRITICAL **" in l or "WARNING **" in l)
               and KNOWN_A11Y not in l]
        c.check(not bad, "no critical or warning from the app: %r" % bad[:3])
        known = output.count(KNOWN_A11Y)
        if known:
            print("# GTK 4.8 AT-SPI bridge critical seen %d time(s): %s" % (known, KNOWN_A11Y))
    except BaseException:
        if os.path.exists(app_log):
            with open(app_log, errors="replace") as f:
                print("# app output:\n" + f.read()[-3000:])
        raise
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                try:
                    if p.stdin:
                        p.stdin.close()
                except OSError:
                    pass
                if p is procs[-1]:
                    p.kill()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        backtrace(app_bin, scratch)
        shutil.rmtree(scratch, ignore_errors=True)

    print("%d failure(s)" % c.failures)
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    if os.environ.get(MARK) == "1":
        inside()
    else:
        outside()

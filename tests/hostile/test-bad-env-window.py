#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bad environment in the real window, read through the accessibility tree,
in a fresh network namespace with one listener of ours:

- settings out of range or of the wrong type (a keyfile backend with
  refresh-interval=5 and filter-tcp='yes please'): GSettings rejects them; the
  window starts and lists the listener;
- no services file (PORTSCOPE_SERVICES=/nonexistent): the listener is listed;
- a privileged helper that cannot start (PORTSCOPE_PKEXEC runs a script that
  exits 1): the window stays up and says so in plain words (a label naming
  the helper), no crash.

Needs root (unshare -n), a display and a session bus; exits 77 otherwise."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "soak"))
from soak import Tree, alive, require_display_bus_netns, run_in_netns, wait_for  # noqa: E402

MARK = "PORTSCOPE_BAD_ENV_IN_NETNS"
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
KNOWN_A11Y = "g_variant_is_object_path: assertion 'string != NULL' failed"


def outside():
    require_display_bus_netns()
    # A private session and accessibility bus (see soak.run_in_netns).
    sys.exit(run_in_netns(os.path.abspath(__file__), MARK))


def inside():
    failures = []

    def check(ok, message):
        print(("ok - " if ok else "FAIL - ") + message, flush=True)
        if not ok:
            failures.append(message)

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    build = os.environ.get("PORTSCOPE_BUILD_DIR", os.getcwd())
    app_bin = os.environ.get("PORTSCOPE_BIN", os.path.join(build, "src", "portscope"))
    scratch = tempfile.mkdtemp(prefix="portscope-bad-env-")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    port = s.getsockname()[1]

    base = dict(os.environ)
    base.pop("NO_AT_BRIDGE", None)
    base.pop(MARK, None)
    base.update({"GTK_A11Y": "atspi", "PORTSCOPE_ALLOW_ROOT": "1", "GSETTINGS_BACKEND": "memory",
                 "LANGUAGE": "C", "LC_ALL": "C.UTF-8",
                 "GSETTINGS_SCHEMA_DIR": os.environ.get("GSETTINGS_SCHEMA_DIR", os.path.join(build, "data")),
                 "GSK_RENDERER": os.environ.get("GSK_RENDERER", "cairo")})

    # A keyfile with values GSettings must reject.
    config = os.path.join(scratch, "config")
    os.makedirs(os.path.join(config, "glib-2.0", "settings"))
    with open(os.path.join(config, "glib-2.0", "settings", "keyfile"), "w") as f:
        for path in ("io/github/portscope/Portscope", "io/github/portscope/Portscope/Devel"):
            f.write("[%s]\nrefresh-interval=5\nfilter-tcp='yes please'\nwindow-width=-40\n\n" % path)
    pkexec = os.path.join(scratch, "pkexec-exit1")
    with open(pkexec, "w") as f:
        f.write("#!/bin/sh\nexit 1\n")
    os.chmod(pkexec, 0o755)

    def run_app(extra, what, expect, with_table=True):
        log_path = os.path.join(scratch, what.replace(" ", "-") + ".log")
        with open(log_path, "w") as out:
            app = subprocess.Popen([app_bin], env=dict(base, **extra), stdout=out, stderr=subprocess.STDOUT)
        try:
            tree = Tree(app.pid)
            tree.app = wait_for("the window in the accessibility tree",
                                lambda: tree.find_app(with_table), 60)
            found = wait_for(what, lambda: expect(tree), 60)
            check(True, "%s: %s" % (what, found if isinstance(found, str) else "ok"))
            check(alive(app.pid), "%s: the app keeps running" % what)
        except AssertionError as e:
            check(False, "%s: %s (app %s)" % (what, e, "running" if alive(app.pid) else "exited %r" % app.poll()))
        finally:
            if app.poll() is None:
                app.send_signal(signal.SIGTERM)
                try:
                    app.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait()
        with open(log_path, errors="replace") as f:
            bad = [l for l in f.read().splitlines()
                   if ("CRITICAL **" in l or "WARNING **" in l) and KNOWN_A11Y not in l]
        check(not bad, "%s: no critical or warning: %r" % (what, bad[:3]))

    def our_row(tree):
        try:
            table = tree.table()
            for part in tree.children(table):
                for row in tree.children(part):
                    cells = [" ".join(tree.labels(c)) for c in tree.children(row)]
                    if cells and cells[0] == str(port):
                        return "row for port %d" % port
        except Exception:
            return None
        return None

    def label_with(words):
        def look(tree):
            def walk(n):
                if n.getRole() == tree.pyatspi.ROLE_LABEL and all(w in n.name for w in words):
                    return n.name
                if n.getRole() == tree.pyatspi.ROLE_TREE_TABLE:
                    return None
                for ch in tree.children(n):
                    r = walk(ch)
                    if r:
                        return r
                return None
            try:
                for top in tree.children(tree.app):
                    r = walk(top)
                    if r:
                        return "shows %r" % r
            except Exception:
                return None
            return None
        return look

    try:
        run_app({"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config}, "bad settings", our_row)
        run_app({"PORTSCOPE_SERVICES": "/nonexistent/services"}, "no services file", our_row)
        run_app({"PORTSCOPE_BACKEND": "privileged", "PORTSCOPE_PKEXEC": pkexec},
                "helper exits at once", label_with(["helper"]), with_table=False)
    finally:
        s.close()
        shutil.rmtree(scratch, ignore_errors=True)

    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if os.environ.get(MARK) == "1":
        inside()
    else:
        outside()

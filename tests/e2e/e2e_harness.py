# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared harness of the end-to-end tests: the real, built portscope driven
through the accessibility tree (AT-SPI, pyatspi), the way a person uses it.

Every test:

    with Session("e2e-name") as s:
        port = s.listener()            # fixtures the test starts itself
        app = s.launch_app()           # the built app, found by its PID
        ...                            # wait_for(...) on the tree, never sleep

Session ends every process it started (by PID, in a finally) and, when the
body raised, saves a screenshot, the accessibility tree and the app's output
under $PORTSCOPE_BUILD_DIR/e2e-failures/<test>/.

Run under `xvfb-run -a dbus-run-session` (build-aux/dev test does); without
a display or a session bus the tests exit 77.

GTK 4.8 specifics relied on (../shared/TESTING.md):
- a GtkColumnView is tree table > list > table row > table cell > PsCell >
  label; a cell's text is the label's accessible name (Text.getText(0, -1)
  is ''; an entry answers getText(0, characterCount));
  only realized rows are in the tree, so tests search first, then read rows;
- there is no "showing" state: hidden stack pages stay in the tree, so tests
  look for text that only exists once the app put it there;
- walking the whole tree costs seconds (no AT-SPI cache in GTK 4.8, one D-Bus
  call per node): walks skip the column view unless they want rows.
"""
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

SKIP = 77
POLL = 0.05           # seconds between two looks at the tree
DEADLINE = 20.0       # seconds: generous, the machine may be busy

def _skip_without_display():
    """Exit 77 (skip) unless a display and a session bus are there; checked
    before pyatspi loads, so no stray bus is autolaunched."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("SKIP: no display (run under xvfb-run -a dbus-run-session)", file=sys.stderr)
        sys.exit(SKIP)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("SKIP: no session bus (run under dbus-run-session)", file=sys.stderr)
        sys.exit(SKIP)


PRIVATE_BUS_MARK = "PORTSCOPE_E2E_PRIVATE_BUS"


def _on_private_bus():
    """Runs this test again on a private session bus with its own
    accessibility bus (tests/soak/soak.py, run_on_private_bus) and exits with
    its status.  The shared bus at ~/.cache/at-spi/bus, advertised on the
    display's root window, is replaced by any other session that starts one
    (another test, another xvfb-run): the app then registers on one bus while
    this driver reads another, and the window "never appears"."""
    if os.environ.get(PRIVATE_BUS_MARK) == "1":
        return
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "soak"))
    from soak import run_on_private_bus

    script = os.path.abspath(sys.argv[0])
    sys.exit(run_on_private_bus([script, *sys.argv[1:]], PRIVATE_BUS_MARK, keep_display=True))


if __name__ != "__main__":
    _skip_without_display()
    _on_private_bus()

try:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import GLib
    import pyatspi
except (ImportError, ValueError) as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: pyatspi is not available ({e}); install python3-pyatspi", file=sys.stderr)
    sys.exit(SKIP)

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.environ.get("PORTSCOPE_BUILD_DIR", os.getcwd())
APP_BIN = os.environ.get("PORTSCOPE_BIN", os.path.join(BUILD_DIR, "src", "portscope"))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
LISTENER = os.path.join(HERE, "listener.py")

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)

# X keysyms used by the keyboard test.
KEYSYMS = {
    "Return": 0xFF0D, "Tab": 0xFF09, "Escape": 0xFF1B,
    "Delete": 0xFFFF, "Down": 0xFF54, "Up": 0xFF52, "Left": 0xFF51, "Right": 0xFF53,
}


class Failure(AssertionError):
    pass


def require_display():
    _skip_without_display()
    if not os.access(APP_BIN, os.X_OK):
        raise Failure(f"the app is not built: {APP_BIN}")


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _app_preexec():
    """The app: dies with the test, and leaves a core file in its scratch
    folder (its working directory) if it crashes."""
    _die_with_parent()
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


def wait_for(what, fn, timeout=DEADLINE):
    """Polls fn() every 50 ms until it returns a true value, which is returned.
    Errors from the tree (objects that vanished mid-walk) count as "not yet".
    Raises Failure naming WHAT after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except (GLib.Error, LookupError, AttributeError, IndexError) as e:
            last_error = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(POLL)


def process_gone(pid):
    """True once PID is not a live process (a zombie counts as gone: it no
    longer runs and holds no socket)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat[stat.rindex(b")") + 2:stat.rindex(b")") + 3] in (b"Z", b"X")


# The accessibility tree.

def states(node):
    try:
        return {pyatspi.stateToString(s) for s in node.getState().getStates()}
    except GLib.Error:
        return set()


def children(node):
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            yield child


def walk(node, into_table=False):
    """Every node under NODE, depth first; the column view's rows only when
    INTO_TABLE (there may be hundreds of them)."""
    yield node
    if not into_table and node.getRole() == pyatspi.ROLE_TREE_TABLE:
        return
    for child in children(node):
        yield from walk(child, into_table)


def find(root, pred, into_table=False):
    for node in walk(root, into_table):
        if pred(node):
            return node
    return None


def find_all(root, pred, into_table=False):
    return [node for node in walk(root, into_table) if pred(node)]


def by_role(role, name=None):
    return lambda n: n.getRole() == role and (name is None or n.name == name)


def button_labelled(text):
    """A push button showing TEXT.  Matches the label child too: libadwaita
    1.2 names a message dialog's response buttons "_End Process End Process"
    (mnemonic label + label) in the tree."""
    def pred(n):
        if n.getRole() != pyatspi.ROLE_PUSH_BUTTON:
            return False
        if n.name == text:
            return True
        return any(c.getRole() == pyatspi.ROLE_LABEL and c.name == text for c in children(n))
    return pred


def label_named(text):
    return lambda n: n.getRole() == pyatspi.ROLE_LABEL and n.name == text


def label_containing(text):
    return lambda n: n.getRole() == pyatspi.ROLE_LABEL and text in n.name


def text_of(node):
    """The text of an entry: GTK 4.8 answers '' to getText(0, -1), so ask
    for the character count first."""
    text = node.queryText()
    return text.getText(0, text.characterCount)


def cell_text(cell):
    """The text of a column view cell: its labels' names (images skipped)."""
    texts = []
    for node in walk(cell):
        if node.getRole() == pyatspi.ROLE_LABEL:
            # An empty GtkLabel is named after its class in GTK 4.8.
            texts.append("" if node.name == "GtkLabel" else node.name)
    return " ".join(texts)


def dump_tree(node, out, depth=0, limit=20000):
    """Writes the tree under NODE (rows included) to OUT; returns nodes written."""
    if limit <= 0:
        return 0
    try:
        line = f"{'  ' * depth}{node.getRoleName()} name={node.name!r}"
        if node.description:
            line += f" desc={node.description!r}"
        line += f" [{','.join(sorted(states(node)))}]"
        out.write(line + "\n")
    except GLib.Error as e:
        out.write(f"{'  ' * depth}<gone: {e}>\n")
        return 1
    n = 1
    try:
        kids = list(children(node))
    except GLib.Error:
        kids = []
    for child in kids:
        n += dump_tree(child, out, depth + 1, limit - n)
    return n


def press(action_node, what):
    """Activates a button through its Action interface (the first action)."""
    action = action_node.queryAction()
    if action.nActions < 1:
        raise Failure(f"{what} has no action")
    if not action.doAction(0):
        raise Failure(f"{what}: doAction(0) failed")


def key(name, kind=None):
    """Sends one key (an X keysym name from KEYSYMS or one character) through
    the AT-SPI registry (XTest on X11)."""
    keysym = KEYSYMS[name] if name in KEYSYMS else ord(name)
    pyatspi.Registry.generateKeyboardEvent(keysym, None, kind if kind is not None else pyatspi.KEY_SYM)


MODIFIER_MASKS = {"Control": 1 << 2, "Shift": 1 << 0, "Alt": 1 << 3}


def key_combo(modifier, name):
    """MODIFIER (Control, Shift, Alt) held while NAME is pressed.  KEY_PRESS
    wants a hardware keycode, so the modifier is latched as a mask instead."""
    mask = MODIFIER_MASKS[modifier]
    pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_LOCKMODIFIERS)
    try:
        key(name)
    finally:
        pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_UNLOCKMODIFIERS)


def type_text(text):
    for ch in text:
        key(ch)


class App:
    """The running portscope, as the accessibility tree shows it."""

    def __init__(self, session, proc, log_path):
        self.session = session
        self.proc = proc
        self.pid = proc.pid
        self.log_path = log_path
        self.node = None

    # Finding things.

    def wait_started(self, timeout=DEADLINE):
        def look():
            if self.proc.poll() is not None:
                raise Failure(f"portscope exited with status {self.proc.returncode} before its "
                              f"window showed up (see {self.log_path})")
            desktop = pyatspi.Registry.getDesktop(0)
            for app in children(desktop):
                try:
                    if app.get_process_id() == self.pid and self.window(app) is not None:
                        return app
                except GLib.Error:
                    continue
            return None

        self.node = wait_for(f"portscope (pid {self.pid}) in the accessibility tree", look, timeout)
        self._window = self.window(self.node)
        log(f"app pid {self.pid} is in the tree")
        return self

    def window(self, app=None):
        """The main window (cached once found: see wait_dialog_gone)."""
        if app is None and getattr(self, "_window", None) is not None:
            return self._window
        app = app if app is not None else self.node
        for child in children(app):
            if child.getRole() == pyatspi.ROLE_FRAME and child.name == "Portscope":
                return child
        return None

    def toplevels(self):
        return list(children(self.node))

    def find(self, pred, into_table=False):
        """The first node matching PRED in the main window, then in the
        other windows (dialogs)."""
        window = self.window()
        found = find(window, pred, into_table)
        if found is not None:
            return found
        for top in self.toplevels():
            if top == window:
                continue
            found = find(top, pred, into_table)
            if found is not None:
                return found
        return None

    def wait_find(self, what, pred, into_table=False, timeout=DEADLINE):
        return wait_for(what, lambda: self.find(pred, into_table), timeout)

    def search_entry(self):
        return self.wait_find("the search entry (entry 'Search ports')",
                              by_role(pyatspi.ROLE_ENTRY, "Search ports"))

    def search_text(self):
        return text_of(self.search_entry())

    def rows(self):
        """The realized rows of the port list, each a list of cell texts
        (Port, Protocol, Address, Exposure, Process, PID, User, Service)."""
        window = self.window()
        table = find(window, by_role(pyatspi.ROLE_TREE_TABLE))
        if table is None:
            return []
        out = []
        for part in children(table):
            if part.getRole() != pyatspi.ROLE_LIST:
                continue
            for row in children(part):
                if row.getRole() == pyatspi.ROLE_TABLE_ROW:
                    out.append((row, [cell_text(c) for c in children(row)]))
        return out

    def row_list(self):
        window = self.window()
        table = find(window, by_role(pyatspi.ROLE_TREE_TABLE))
        for part in children(table):
            if part.getRole() == pyatspi.ROLE_LIST:
                return part
        raise LookupError("no list in the column view")

    def wait_row(self, port, pred=None, timeout=DEADLINE):
        """Waits until a row for PORT is listed (and PRED(cells) holds);
        returns (row, cells)."""
        def look():
            for row, cells in self.rows():
                if cells and cells[0] == str(port) and (pred is None or pred(cells)):
                    return row, cells
            return None

        return wait_for(f"a row for port {port}", look, timeout)

    def wait_only_rows(self, port, timeout=DEADLINE):
        """Waits until every listed row is PORT's (the search has applied)."""
        def look():
            rows = self.rows()
            if rows and all(cells[0] == str(port) for _, cells in rows):
                return rows
            return None

        return wait_for(f"the list filtered to port {port}", look, timeout)

    def select_row(self, row):
        """Selects ROW through the list's Selection interface, as a click would."""
        lst = self.row_list()
        index = row.getIndexInParent()
        if not lst.querySelection().selectChild(index):
            raise Failure(f"selecting row {index} failed")
        wait_for("the row to be selected", lambda: "selected" in states(row))

    def pane(self):
        return self.find(lambda n: n.name == "PsDetailPane")

    def pane_fact(self, title):
        """The value of the detail pane's fact row titled TITLE (a list item
        holding a title label, then the value label)."""
        pane = self.pane()
        for item in find_all(pane, by_role(pyatspi.ROLE_LIST_ITEM)):
            labels = [n.name for n in walk(item) if n.getRole() == pyatspi.ROLE_LABEL]
            if len(labels) >= 2 and labels[0] == title:
                return labels[1]
        return None

    def pane_notes(self):
        """The detail pane's security notes: the Security group's description
        and the title of each note row."""
        pane = self.pane()
        out = []
        header = find(pane, label_named("Security"))
        if header is not None and header.parent is not None:
            out += [n.name for n in children(header.parent)
                    if n.getRole() == pyatspi.ROLE_LABEL and n.name != "Security"]
        notes = find(pane, by_role(pyatspi.ROLE_LIST, "Security"))
        if notes is not None:
            for item in children(notes):
                labels = [n.name for n in walk(item) if n.getRole() == pyatspi.ROLE_LABEL]
                if labels:
                    out.append(labels[0])
        return out

    def wait_pane_heading(self, port):
        return wait_for(f"the detail pane to show port {port}",
                        lambda: find(self.pane(), label_named(f"Port {port}")))

    def wait_button(self, name, timeout=DEADLINE):
        """Waits for an enabled (sensitive) push button named NAME."""
        def look():
            button = self.find(by_role(pyatspi.ROLE_PUSH_BUTTON, name))
            return button if button is not None and "sensitive" in states(button) else None

        return wait_for(f"an enabled '{name}' button", look, timeout)

    def dialogs(self):
        return [t for t in self.toplevels()
                if t.getRole() in (pyatspi.ROLE_DIALOG, pyatspi.ROLE_ALERT, pyatspi.ROLE_FRAME)
                and not (t.getRole() == pyatspi.ROLE_FRAME and t.name == "Portscope")]

    def wait_dialog_with_button(self, button_name, timeout=DEADLINE):
        """Waits for a dialog that has a button showing BUTTON_NAME; returns
        (dialog, button).  AdwMessageDialog holds its buttons twice (a
        horizontal and a vertical layout); the first is the horizontal one,
        shown in a wide enough window."""
        def look():
            for dialog in self.dialogs():
                button = find(dialog, button_labelled(button_name))
                if button is not None:
                    return dialog, button
            return None

        return wait_for(f"a dialog with a '{button_name}' button", look, timeout)

    def wait_dialog_gone(self, dialog, timeout=DEADLINE):
        """Waits until DIALOG is no longer shown.  Asks the dialog itself
        rather than re-listing the app's windows: in GTK 4.8, listing a
        window that is being destroyed can reach a context without an object
        path (GLib-CRITICAL g_variant_new_object_path, then SIGSEGV)."""
        wait_for("the dialog to close", lambda: "visible" not in states(dialog), timeout)

    def toasts(self):
        """The texts of the toasts on screen (AdwToastWidget > AdwBin > label)."""
        out = []
        for toast in find_all(self.window(), lambda n: n.name == "AdwToastWidget"):
            out += [n.name for n in walk(toast) if n.getRole() == pyatspi.ROLE_LABEL]
        return out

    def wait_toast(self, text, timeout=DEADLINE):
        """Waits for a toast saying exactly TEXT."""
        return wait_for(f"a toast saying '{text}'", lambda: text in self.toasts(), timeout)

    def wait_text(self, text, timeout=DEADLINE):
        """Waits for a label saying exactly TEXT anywhere in the app (toasts,
        status pages, dialogs); the column view is skipped."""
        return self.wait_find(f"a label saying '{text}'", label_named(text), timeout=timeout)


class Session:
    """Starts fixtures and the app, ends them all, saves evidence on failure."""

    def __init__(self, name):
        require_display()
        self.name = name
        self.procs = []          # (Popen, what)
        self.app = None
        self.logs = []
        # Working folder of the fixtures and the app (a crashed app's core).
        self.scratch = os.path.join(BUILD_DIR, "e2e-scratch", name)
        shutil.rmtree(self.scratch, ignore_errors=True)
        os.makedirs(self.scratch, exist_ok=True)

    def __enter__(self):
        log(f"{self.name}: start")
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None:
                traceback.print_exception(exc_type, exc, tb)
                self.save_failure()
        finally:
            self.cleanup()
        return False

    # Processes.

    def spawn(self, argv, what, preexec_fn=_die_with_parent, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(argv, preexec_fn=preexec_fn, **kwargs)
        self.procs.append((proc, what))
        log(f"started {what}: pid {proc.pid}")
        return proc

    def _read_port(self, proc, what, parse):
        line = proc.stdout.readline()
        if not line:
            raise Failure(f"{what} printed no port (exit status {proc.poll()})")
        return parse(line)

    def http_server(self):
        """python3 -m http.server on 127.0.0.1, port 0; returns (proc, port)."""
        proc = self.spawn([PYTHON, "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"],
                          "http.server", stdout=subprocess.PIPE, text=True, cwd=self.scratch)
        # "Serving HTTP on 127.0.0.1 port 41235 (http://127.0.0.1:41235/) ..."
        port = self._read_port(proc, "http.server", lambda l: int(l.split(" port ")[1].split()[0]))
        log(f"http.server pid {proc.pid} listens on 127.0.0.1:{port}")
        return proc, port

    def listener(self, bind="127.0.0.1", name=None, ignore_term=False):
        """tests/e2e/listener.py; returns (proc, port)."""
        argv = [PYTHON, LISTENER, "--bind", bind]
        if name:
            argv += ["--name", name]
        if ignore_term:
            argv.append("--ignore-term")
        proc = self.spawn(argv, f"listener on {bind}", stdout=subprocess.PIPE, text=True)
        port = self._read_port(proc, "listener.py", lambda l: int(l))
        log(f"listener pid {proc.pid} ({name or 'python3'}) listens on {bind}:{port}")
        return proc, port

    def app_env(self):
        env = dict(os.environ)
        # tests/meson.build's test_env turns the bridge off: the app needs it.
        env.pop("NO_AT_BRIDGE", None)
        env.pop("G_DEBUG", None)
        env["GTK_A11Y"] = "atspi"
        env["PORTSCOPE_ALLOW_ROOT"] = "1"     # CI runs as root
        env["GSETTINGS_BACKEND"] = "memory"
        env.setdefault("GSETTINGS_SCHEMA_DIR", os.path.join(BUILD_DIR, "data"))
        env.setdefault("GSK_RENDERER", "cairo")
        env["LANGUAGE"] = "C"
        env["LC_ALL"] = "C.UTF-8"
        return env

    def launch_app(self, *args, wait=True):
        """Starts the built portscope with ARGS; waits until its window is in
        the accessibility tree."""
        for attempt in range(1, 4):
            log_path = os.path.join(self.scratch, f"portscope-{len(self.logs)}.log")
            out = open(log_path, "w")
            self.logs.append(log_path)
            proc = self.spawn([APP_BIN, *args], "portscope " + " ".join(args), env=self.app_env(),
                              stdout=out, stderr=subprocess.STDOUT, cwd=self.scratch,
                              preexec_fn=_app_preexec)
            out.close()
            self.app = App(self, proc, log_path)
            if not wait:
                return self.app
            try:
                self.app.wait_started()
                self._maybe_attach_gdb()
                return self.app
            except Failure:
                # Seen on this machine, rarely, while other jobs start and stop
                # their own Xvfb: GTK cannot open the display at all.  That is
                # the environment, not the app: try again, and say so.
                with open(log_path, errors="replace") as f:
                    text = f.read()
                if "cannot open display" not in text or attempt == 3:
                    raise
                probe = subprocess.run(["xdotool", "getdisplaygeometry"], capture_output=True,
                                       text=True, check=False) if shutil.which("xdotool") else None
                log(f"WARNING: attempt {attempt}: portscope could not open display "
                    f"{os.environ.get('DISPLAY')!r}"
                    + (f" (xdotool: {probe.returncode} {probe.stdout.strip()}{probe.stderr.strip()})"
                       if probe else "") + "; starting it again")
        raise AssertionError("not reached")

    def _maybe_attach_gdb(self):
        """PORTSCOPE_E2E_GDB=1: attach gdb to the app, which prints every
        thread's backtrace into the scratch folder if the app crashes."""
        if os.environ.get("PORTSCOPE_E2E_GDB") != "1" or not shutil.which("gdb"):
            return
        path = os.path.join(self.scratch, f"gdb-{self.app.pid}.txt")
        out = open(path, "w")
        self.logs.append(path)
        self.spawn(["gdb", "-p", str(self.app.pid), "-batch", "-ex", "handle SIGPIPE nostop noprint",
                    "-ex", "continue", "-ex", "thread apply all bt 40"],
                   "gdb", stdout=out, stderr=subprocess.STDOUT)
        out.close()
        wait_for("gdb to attach", lambda: "Continuing." in open(path, errors="replace").read(), 60)

    def cleanup(self):
        for proc, what in reversed(self.procs):
            if self.app is not None and proc is self.app.proc and proc.poll() is not None:
                log(f"WARNING: {what} (pid {proc.pid}) had already exited with status "
                    f"{proc.returncode} (see {self.app.log_path})")
            if proc.poll() is None:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"warning: {what} (pid {proc.pid}) did not die")
            if proc.stdout is not None:
                proc.stdout.close()
        self.procs = []
        log(f"{self.name}: every process it started has ended")

    # Evidence.

    def save_failure(self):
        folder = os.path.join(BUILD_DIR, "e2e-failures", self.name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
        try:
            shot = os.path.join(folder, "screenshot.png")
            subprocess.run(["import", "-window", "root", shot], timeout=30,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            log(f"no screenshot: {e}")
        if self.app is not None and self.app.node is not None:
            try:
                with open(os.path.join(folder, "a11y-tree.txt"), "w") as f:
                    dump_tree(self.app.node, f)
            except Exception as e:  # the evidence must not hide the failure
                log(f"no tree dump: {e}")
        for path in self.logs:
            try:
                shutil.copy(path, folder)
            except OSError:
                pass
        log(f"failure evidence saved in {folder}")


def main(test):
    """Runs TEST(session) in a Session named after the script; exit status 0 or 1."""
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    try:
        with Session(name) as session:
            test(session)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    print("PASS")
    return 0

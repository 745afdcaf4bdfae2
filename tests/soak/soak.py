#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Soak: the real portscope window runs for SOAK_SECONDS (60 by default) in a
fresh network namespace while a generator opens and closes 200 listeners per
second there.  Then:

- the app is still running (no crash) and printed no GLib/GTK critical or
  warning (G_DEBUG=fatal-criticals turns a critical into a crash, and its
  output is scanned);
- VmRSS at the end is less than 10 % above VmRSS after the warm-up (10 s);
- the number of open descriptors did not grow;
- the model equals a fresh scan: once the generator stops (keeping its last
  KEEP sockets open) and the list settles, the rows the window shows
  (read through the accessibility tree: port, protocol, address, PID) are
  exactly the sockets `portscope --list --json` finds in the same namespace.
  KEEP is small enough that every row is realized (GTK 4.8 only puts realized
  rows in the tree), so the comparison is of the whole list.

Needs root (unshare -n), a display and a session bus; exits 77 otherwise.
Run under `xvfb-run -a dbus-run-session`."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MARK = "PORTSCOPE_SOAK_IN_NETNS"
SKIP = 77
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
WARMUP = 10.0
RATE = 200            # listeners opened (and as many closed) per second
KEEP = 40             # sockets left open at the end
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def log(*args):
    print("#", *args, flush=True)


def skip(why):
    print("SKIP:", why, flush=True)
    sys.exit(SKIP)


def require_display_bus_netns():
    """Exits 77 unless a display, a session bus, root and `unshare -n` are there."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        skip("no display (run under xvfb-run -a dbus-run-session)")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        skip("no session bus (run under dbus-run-session)")
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        skip("needs root and unshare for a private network namespace")
    if subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        skip("unshare -n refused")


def outside():
    require_display_bus_netns()
    # test_env's fatal-warnings is for the app, not for this driver: pyatspi
    # warns (dbind) about peers that go away while it looks.
    sys.exit(run_in_netns(os.path.abspath(__file__), MARK))


def run_in_netns(script, mark):
    """Runs SCRIPT (with MARK=1 in its environment) in a fresh network
    namespace, on a private session bus with its own accessibility bus;
    returns its exit status (see run_on_private_bus)."""
    return run_on_private_bus([script], mark, netns=True)


def run_on_private_bus(argv, mark, netns=False, keep_display=False):
    """Runs PYTHON ARGV (with MARK=1 in its environment) on a private
    session bus with its own accessibility bus, in a fresh network namespace
    when NETNS; returns its exit status.  KEEP_DISPLAY: the bus launcher keeps
    DISPLAY, because the registry it starts synthesizes key presses through
    XTest on it (the e2e keyboard test); it then also advertises the bus on
    that display's root window, which is harmless on a display of our own
    where nothing else reads it at the same time (suite e2e runs one test at
    a time).

    Why private: without XDG_RUNTIME_DIR, at-spi-bus-launcher puts the
    accessibility bus at ~/.cache/at-spi/bus, one path for every session on
    the machine, and it advertises the bus on the display's root window
    (AT_SPI_BUS), shared by every test on that display.  Tests running at
    the same time (other meson runs, other dbus-run-sessions) then replace
    each other's bus: the app registers on one bus while this driver reads
    another, and the window never shows up.  Here the launcher gets a
    private XDG_RUNTIME_DIR and no DISPLAY (so it touches no root window),
    and the app and this driver are told the bus address
    (AT_SPI_BUS_ADDRESS, which GTK and libatspi read first)."""
    run_dir = tempfile.mkdtemp(prefix="portscope-bus-")
    os.chmod(run_dir, 0o700)
    dropped = ("AT_SPI_BUS_ADDRESS", "DBUS_SESSION_BUS_ADDRESS", "G_DEBUG")
    if not keep_display:
        dropped += ("DISPLAY", "WAYLAND_DISPLAY")
    bus_env = {k: v for k, v in os.environ.items() if k not in dropped}
    bus_env["XDG_RUNTIME_DIR"] = run_dir
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                            "--address=unix:path=" + os.path.join(run_dir, "bus")],
                           env=bus_env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("the private dbus-daemon printed no address")
        bus_env["DBUS_SESSION_BUS_ADDRESS"] = address
        r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                            "--object-path", "/org/a11y/bus", "--method", "org.a11y.Bus.GetAddress"],
                           env=bus_env, capture_output=True, text=True, timeout=60)
        m = re.match(r"\('([^']+)',\)", r.stdout.strip())
        if r.returncode != 0 or not m:
            raise RuntimeError("no accessibility bus: %s%s" % (r.stdout, r.stderr))
        env = dict(os.environ, **{mark: "1"})
        env.pop("G_DEBUG", None)
        env.update({"DBUS_SESSION_BUS_ADDRESS": address, "AT_SPI_BUS_ADDRESS": m.group(1),
                    "XDG_RUNTIME_DIR": run_dir})
        log(f"private session bus {address}, accessibility bus {m.group(1)}")
        return subprocess.run((["unshare", "-n"] if netns else []) + [PYTHON, *argv],
                              env=env).returncode
    finally:
        # The launcher leaves when its session bus does, and ends its own bus.
        bus.terminate()
        try:
            bus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            bus.kill()
            bus.wait()
        shutil.rmtree(run_dir, ignore_errors=True)


# The generator: a child process that churns listeners until stdin says
# "stop", then closes all but KEEP of them, prints them and waits for EOF.
GENERATOR = r"""
import json, os, random, select, socket, sys, time
rate, keep = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261126)
kinds = [("tcp", socket.AF_INET, "127.0.0.1"), ("tcp", socket.AF_INET6, "::1"),
         ("udp", socket.AF_INET, "127.0.0.1"), ("udp", socket.AF_INET6, "::1")]
live = []
def open_one():
    proto, family, address = rng.choice(kinds)
    s = socket.socket(family, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.bind((address, 0))
    if proto == "tcp":
        s.listen(4)
    live.append(s)
for _ in range(rate):
    open_one()
print("ready", flush=True)
tick = 0.05
per_tick = max(1, int(rate * tick))
opened = closed = 0
start = time.monotonic()
next_tick = start
while True:
    r, _, _ = select.select([sys.stdin], [], [], max(0.0, next_tick - time.monotonic()))
    if r:
        break
    for _ in range(per_tick):
        open_one()
        opened += 1
    for _ in range(per_tick):
        live.pop(rng.randrange(len(live) - per_tick)).close()
        closed += 1
    next_tick += tick
sys.stdin.readline()
rng.shuffle(live)
while len(live) > keep:
    live.pop().close()
elapsed = time.monotonic() - start
print(json.dumps({"opened": opened, "closed": closed, "seconds": elapsed,
                  "kept": [list(s.getsockname()[:2]) for s in live]}), flush=True)
sys.stdin.read()
"""


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def n_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except OSError:
        return False


def fd_targets(pid):
    out = []
    for fd in sorted(os.listdir(f"/proc/{pid}/fd"), key=int):
        try:
            out.append(fd + " -> " + os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return out


def sample(pid, looks=5):
    """(VmRSS kB, fds): the smallest of a few looks, so a scan's short-lived
    descriptors (netlink, /proc directories) or buffers are not counted as
    growth."""
    rss = []
    fds = []
    for _ in range(looks):
        rss.append(proc_status(pid, "VmRSS"))
        fds.append(n_fds(pid))
        time.sleep(0.2)
    return min(rss), min(fds)


def wait_for(what, fn, timeout):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.2)


class Tree:
    """Just enough AT-SPI to read the port list of one app (by PID)."""

    def __init__(self, pid):
        import gi

        gi.require_version("Atspi", "2.0")
        import pyatspi

        self.pyatspi = pyatspi
        self.pid = pid
        self.app = None

    def children(self, node):
        for i in range(node.childCount):
            child = node.getChildAtIndex(i)
            if child is not None:
                yield child

    def find_app(self, with_table=True):
        """Our application once its window is in the tree; WITH_TABLE: once
        the list is (a window that could not list anything shows no list)."""
        desktop = self.pyatspi.Registry.getDesktop(0)
        for app in self.children(desktop):
            try:
                if app.get_process_id() == self.pid and (not with_table or self.table() is not None):
                    return app
            except Exception:  # a peer that went away meanwhile
                continue
        return None

    def table(self, app=None):
        app = app or self.app
        if app is None:
            # find_app() probes before self.app is set.
            desktop = self.pyatspi.Registry.getDesktop(0)
            for a in self.children(desktop):
                try:
                    if a.get_process_id() == self.pid:
                        app = a
                        break
                except Exception:
                    continue
            if app is None:
                return None
        return self.find(app, lambda n: n.getRole() == self.pyatspi.ROLE_TREE_TABLE)

    def find(self, node, pred):
        if pred(node):
            return node
        if node.getRole() == self.pyatspi.ROLE_TREE_TABLE:
            return None
        for child in self.children(node):
            found = self.find(child, pred)
            if found is not None:
                return found
        return None

    def labels(self, node):
        if node.getRole() == self.pyatspi.ROLE_LABEL:
            # An empty GtkLabel is named after its class in GTK 4.8.
            yield "" if node.name == "GtkLabel" else node.name
        for child in self.children(node):
            yield from self.labels(child)

    def rows(self):
        """Every realized row: a list of cell texts (Port, Protocol, Address,
        Exposure, Process, PID, User, Service)."""
        table = self.table()
        out = []
        if table is None:
            return out
        for part in self.children(table):
            if part.getRole() != self.pyatspi.ROLE_LIST:
                continue
            for row in self.children(part):
                if row.getRole() == self.pyatspi.ROLE_TABLE_ROW:
                    out.append([" ".join(self.labels(cell)) for cell in self.children(row)])
        return out


def row_key(cells):
    """(port, protocol, address) of a row, in --json's spelling."""
    port = cells[0].strip()
    proto = cells[1].strip().lower()
    address = cells[2].strip().strip("[]")
    return (int(port) if port.isdigit() else port, proto, address)


def inside():
    failures = []

    def check(ok, message):
        print(("ok - " if ok else "FAIL - ") + message, flush=True)
        if not ok:
            failures.append(message)

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    build = os.environ.get("PORTSCOPE_BUILD_DIR", os.getcwd())
    app_bin = os.environ.get("PORTSCOPE_BIN", os.path.join(build, "src", "portscope"))
    scratch = tempfile.mkdtemp(prefix="portscope-soak-")
    procs = []

    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.pop(MARK, None)
    env.update({
        "G_DEBUG": "fatal-criticals",
        "GTK_A11Y": "atspi",
        "PORTSCOPE_ALLOW_ROOT": "1",      # CI runs as root
        "GSETTINGS_BACKEND": "memory",    # refresh-interval: the default, 1 s
        "GSETTINGS_SCHEMA_DIR": os.environ.get("GSETTINGS_SCHEMA_DIR", os.path.join(build, "data")),
        "GSK_RENDERER": os.environ.get("GSK_RENDERER", "cairo"),
        "LANGUAGE": "C",
        "LC_ALL": "C.UTF-8",
    })
    app_log = os.path.join(scratch, "portscope.log")
    try:
        gen = subprocess.Popen([PYTHON, "-c", GENERATOR, str(RATE), str(KEEP)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(gen)
        check(gen.stdout.readline().strip() == "ready", "the generator started")

        with open(app_log, "w") as out:
            app = subprocess.Popen([app_bin], env=env, stdout=out, stderr=subprocess.STDOUT)
        procs.append(app)
        log(f"portscope pid {app.pid}, generator pid {gen.pid}, output in {app_log}")
        t0 = time.monotonic()

        tree = Tree(app.pid)
        tree.app = wait_for("the window in the accessibility tree", tree.find_app, 120)
        log(f"window in the tree after {time.monotonic() - t0:.1f} s")
        # The soak's clock starts with the window up (a loaded machine may
        # take long to show it under this churn).
        t0 = time.monotonic()

        # Warm-up, then the baseline.
        while time.monotonic() - t0 < WARMUP:
            check_alive = alive(app.pid)
            if not check_alive:
                break
            time.sleep(0.5)
        rss0, fds0 = sample(app.pid, 20)
        fds0_list = fd_targets(app.pid)
        log(f"after warm-up: VmRSS {rss0} kB, {fds0} fds")
        samples = []
        while time.monotonic() - t0 < SECONDS and alive(app.pid):
            time.sleep(min(5.0, max(0.0, SECONDS - (time.monotonic() - t0))))
            if alive(app.pid):
                samples.append((round(time.monotonic() - t0), *sample(app.pid)))
                log("t=%d s: VmRSS %d kB, %d fds" % samples[-1])
        check(alive(app.pid), "the app is still running after %.0f s of churn" % SECONDS)
        rss1, fds1 = sample(app.pid) if alive(app.pid) else (0, 0)

        # Stop the churn; the generator keeps KEEP sockets.
        gen.stdin.write("stop\n")
        gen.stdin.flush()
        stats = json.loads(gen.stdout.readline())
        rate = stats["opened"] / stats["seconds"]
        log(f"generator: {stats['opened']} opened, {stats['closed']} closed in "
            f"{stats['seconds']:.1f} s ({rate:.0f}/s)")
        check(rate >= RATE * 0.8, "the generator kept up: %.0f opens per second" % rate)

        growth = (rss1 - rss0) / rss0 if rss0 else 1.0
        check(growth < 0.10, "VmRSS grew %.1f %% (%d -> %d kB), under 10 %%"
              % (growth * 100, rss0, rss1))

        # The model equals a fresh scan, once the list settles.
        def fresh():
            r = subprocess.run([app_bin, "--list", "--json"], capture_output=True, timeout=60,
                               env=dict(os.environ, GSETTINGS_BACKEND="memory"))
            doc = json.loads(r.stdout.decode("utf-8"))
            return {(s["port"], s["protocol"], s["address"]):
                    sorted(o["pid"] for o in s["owners"]) for s in doc["sockets"]}

        scan = fresh()
        kept = {(port, address) for address, port in stats["kept"]}
        check({(k[0], k[2]) for k in scan} == kept and len(scan) == KEEP,
              "the fresh scan finds exactly the %d sockets the generator kept" % KEEP)
        shown = {}
        last = {}

        def settled():
            try:
                rows = tree.rows()
            except Exception as e:  # a row went away while it was read
                log(f"reading the rows: {e}")
                return False
            shown.clear()
            for cells in rows:
                if len(cells) >= 6:
                    pid = cells[5].strip()
                    shown[row_key(cells)] = sorted(int(p) for p in re.findall(r"\d+", pid))
            last["rows"] = len(rows)
            return shown == scan

        try:
            wait_for("the window's rows to equal a fresh scan", settled, 60)
            check(True, "the window shows exactly the %d sockets of a fresh scan, "
                  "with their PIDs" % len(scan))
        except AssertionError as e:
            missing = sorted(set(scan) - set(shown))[:5]
            extra = sorted(set(shown) - set(scan))[:5]
            wrong = [k for k in scan if k in shown and shown[k] != scan[k]][:5]
            check(False, "%s: %d rows; missing %r; extra %r; other PIDs %r"
                  % (e, last.get("rows", 0), missing, extra, wrong))

        # Descriptors: counted once the list is quiet again (a scan in
        # progress holds a few for a moment).
        if alive(app.pid):
            fds1 = sample(app.pid, 20)[1]
            check(fds1 <= fds0, "open descriptors did not grow (%d -> %d)" % (fds0, fds1))
            if fds1 > fds0:
                log("descriptors after warm-up:\n  " + "\n  ".join(fds0_list))
                log("descriptors at the end:\n  " + "\n  ".join(fd_targets(app.pid)))

        # After the settle: still alive, and no critical or warning printed.
        check(alive(app.pid), "the app is still running at the end")
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with open(app_log, errors="replace") as f:
            output = f.read()
        bad = [line for line in output.splitlines()
               if re.search(r"(CRITICAL|WARNING|ERROR) \*\*|Bail out|AddressSanitizer|runtime error", line)]
        check(not bad, "no critical or warning from the app: %r" % bad[:5])
        if bad or failures:
            log("app output:\n" + output[-4000:])
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                try:
                    if p.stdin:
                        p.stdin.close()
                except OSError:
                    pass
                p.send_signal(signal.SIGKILL if p is not procs[0] else signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if os.environ.get(MARK) == "1":
        inside()
    else:
        outside()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End Process of another user's process through pkexec and a private polkitd.

As root, this re-runs itself in a private mount namespace, with a private system
bus on /run/dbus/system_bus_socket (pkexec ignores DBUS_SYSTEM_BUS_ADDRESS), the
project's polkit policy (exec path pointed at the helper in the build tree) as
the only action file, and a rules file per scenario.  A root-owned listener is
the target; the engine runs as nobody (root passes every check silently):

  pkexec 126 -> DISMISSED, 127 -> NOT_AUTHORIZED (a stand-in pkexec); the target lives
  deny rule  -> NOT_AUTHORIZED and the target lives
  allow rule -> EXITED through the helper, and the port is free

Rules for any other action say NO, so "allow" only passes when pkexec matched
io.github.portscope.Portscope.terminate by the policy's exec path and argv1.

usage: polkit.py PS-TERMINATE-TOOL HELPER POLICY-IN
Exit 77 (skip) when not root or a needed program is missing.
"""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MARK = "PORTSCOPE_POLKIT_TEST_INSIDE"
POLKITD = "/usr/lib/polkit-1/polkitd"

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

RULES = """polkit.addRule(function(action, subject) {
    if (action.id == "io.github.portscope.Portscope.terminate")
        return polkit.Result.%s;
    return polkit.Result.NO;
});
"""

LISTENER = (
    "import os, socket, time\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen()\n"
    "print(s.getsockname()[1], os.fstat(s.fileno()).st_ino, flush=True)\n"
    "time.sleep(1000)\n"
)


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def start_time(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return int(text[text.rindex(")") + 2:].split()[19])


def wait_for(cond, what, seconds=20):
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def name_has_owner(name):
    r = subprocess.run(["gdbus", "call", "--system", "--dest", "org.freedesktop.DBus",
                        "--object-path", "/org/freedesktop/DBus",
                        "--method", "org.freedesktop.DBus.NameHasOwner", name],
                       capture_output=True, text=True)
    return r.returncode == 0 and "true" in r.stdout


def port_accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def scenario(tool, helper, rules_dir, verdict):
    with open(os.path.join(rules_dir, "50-portscope-test.rules"), "w") as f:
        f.write(RULES % verdict)
    polkitd = subprocess.Popen([POLKITD, "--no-debug"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: name_has_owner("org.freedesktop.PolicyKit1"), "polkitd on the bus")
        target = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True)
        try:
            port, inode = (int(x) for x in target.stdout.readline().split())
            start = start_time(target.pid)
            env = dict(os.environ, PORTSCOPE_HELPER=helper, SHELL="/bin/sh")
            env.pop("PORTSCOPE_PKEXEC", None)
            run = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                  tool, str(target.pid), str(start), str(inode), "5"],
                                 env=env, capture_output=True, text=True, timeout=60)
            print(f"[{verdict}] tool: {run.stdout.strip()!r} stderr: {run.stderr.strip()!r}", flush=True)
            lines = run.stdout.split("\n")
            if lines[0] != "pinned 1":
                fail(f"[{verdict}] the pin failed: {lines[0]!r}")
            result = lines[1] if len(lines) > 1 else ""
            if verdict == "NO":
                if result != "NOT_AUTHORIZED":
                    fail(f"deny rule: expected NOT_AUTHORIZED, got {result!r}")
                if target.poll() is not None or not port_accepts(port):
                    fail("deny rule: the target did not survive")
            else:
                if result != "EXITED" or "elevated 1" not in run.stdout:
                    fail(f"allow rule: expected EXITED through the helper, got {run.stdout!r}")
                target.wait(timeout=10)
                if target.returncode != -15:
                    fail(f"allow rule: the target ended with {target.returncode}, not SIGTERM")
                if port_accepts(port):
                    fail("allow rule: the port is still open")
        finally:
            if target.poll() is None:
                target.kill()
            target.wait()
    finally:
        polkitd.terminate()
        try:
            polkitd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            polkitd.kill()
            polkitd.wait()


def fake_pkexec(tool, helper, tmp, status, expected):
    """pkexec's own statuses: 126 (dialog dismissed), 127 (not authorized)."""
    fake = os.path.join(tmp, f"fake-pkexec-{status}")
    with open(fake, "w") as f:
        f.write(f"#!/bin/sh\nexit {status}\n")
    os.chmod(fake, 0o755)
    target = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True)
    try:
        port, inode = (int(x) for x in target.stdout.readline().split())
        env = dict(os.environ, PORTSCOPE_HELPER=helper, PORTSCOPE_PKEXEC=fake)
        run = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              tool, str(target.pid), str(start_time(target.pid)), str(inode), "5"],
                             env=env, capture_output=True, text=True, timeout=60)
        print(f"[pkexec {status}] tool: {run.stdout.strip()!r} stderr: {run.stderr.strip()!r}", flush=True)
        lines = run.stdout.split("\n")
        if lines[:2] != ["pinned 1", expected]:
            fail(f"pkexec exit {status}: expected {expected}, got {run.stdout!r}")
        if target.poll() is not None or not port_accepts(port):
            fail(f"pkexec exit {status}: the target did not survive")
    finally:
        target.kill()
        target.wait()


@contextlib.contextmanager
def private_polkit_bus(helper, policy_in, prefix):
    """Inside a private mount namespace: a tmpfs /run, the policy (with
    HELPER's folder as its exec path) and an empty rules folder bound over
    polkit's, and a system bus on /run/dbus/system_bus_socket (where pkexec
    looks).  HELPER is copied into a folder every user can reach (pkexec
    checks the path as the caller; the checkout may be private to root) and
    the policy names that copy.  Yields (scratch folder, rules folder, helper
    copy); stops the bus after."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chmod(tmp, 0o755)
    actions = os.path.join(tmp, "actions")
    rules = os.path.join(tmp, "rules")
    empty = os.path.join(tmp, "empty")
    libexec = os.path.join(tmp, "libexec")
    for d in (actions, rules, empty, libexec):
        os.mkdir(d)
        os.chmod(d, 0o755)
    helper_copy = os.path.join(libexec, os.path.basename(helper))
    shutil.copy2(helper, helper_copy)
    os.chmod(helper_copy, 0o755)
    with open(policy_in) as f:
        policy = f.read().replace("@LIBEXECDIR@", libexec)
    with open(os.path.join(actions, "io.github.portscope.Portscope.policy"), "w") as f:
        f.write(policy)
    with open(os.path.join(tmp, "bus.conf"), "w") as f:
        f.write(BUS_CONF)

    def mount(*args):
        subprocess.run(["mount", *args], check=True)

    mount("-t", "tmpfs", "tmpfs", "/run")
    os.makedirs("/run/dbus", exist_ok=True)
    mount("--bind", actions, "/usr/share/polkit-1/actions")
    mount("--bind", rules, "/etc/polkit-1/rules.d")
    mount("--bind", empty, "/usr/share/polkit-1/rules.d")

    bus = subprocess.Popen(["dbus-daemon", "--config-file", os.path.join(tmp, "bus.conf"), "--nofork",
                            "--nopidfile"])
    try:
        wait_for(lambda: os.path.exists("/run/dbus/system_bus_socket"), "the system bus")
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/run/dbus/system_bus_socket"
        yield tmp, rules, helper_copy
    finally:
        bus.terminate()
        bus.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def run_in_mount_namespace(script, mark, args):
    """Exits 77 where the test cannot run (not root, a tool missing, no private
    mount namespaces); otherwise runs SCRIPT ARGS again with MARK=1 inside a
    private mount namespace and returns its status."""
    if os.geteuid() != 0:
        print("skip: needs root (private mount namespace, polkitd)", flush=True)
        return 77
    for prog in ("unshare", "setpriv", "dbus-daemon", "gdbus", "pkexec", "mount"):
        if shutil.which(prog) is None:
            print(f"skip: {prog} is not installed", flush=True)
            return 77
    if not os.access(POLKITD, os.X_OK):
        print("skip: polkitd is not installed", flush=True)
        return 77
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", "/run"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print("skip: this machine does not allow private mount namespaces", flush=True)
        return 77
    env = dict(os.environ, **{mark: "1"})
    cmd = ["unshare", "-m", "--propagation", "private", sys.executable, os.path.abspath(script), *args]
    return subprocess.run(cmd, env=env, timeout=170).returncode


def inside(tool, helper, policy_in):
    with private_polkit_bus(helper, policy_in, "ps-polkit-") as (tmp, rules, helper):
        fake_pkexec(tool, helper, tmp, 126, "DISMISSED")
        fake_pkexec(tool, helper, tmp, 127, "NOT_AUTHORIZED")
        scenario(tool, helper, rules, "NO")
        scenario(tool, helper, rules, "YES")
    print("ok", flush=True)
    return 0


def main():
    tool, helper, policy_in = sys.argv[1:4]
    if os.environ.get(MARK) == "1":
        return inside(tool, helper, policy_in)
    return run_in_mount_namespace(__file__, MARK, [tool, helper, policy_in])


if __name__ == "__main__":
    sys.exit(main())

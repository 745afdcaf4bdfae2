#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unlock: the privileged backend through the real pkexec and a private polkitd.

Runs as root, re-executed in a private mount namespace with a private system
bus and polkitd (the set-up of tests/terminate/polkit.py, reused), the
project's policy with its exec path pointed at the helper in the build tree,
and one rules file per scenario for io.github.portscope.Portscope.inspect.
A root listener is the subject; the app side runs as nobody:

  deny rule  -> Unlock fails "not authorized"; the view stays limited and says
                why (owner hidden: another user's)
  allow rule -> Unlock shows the root listener's owner (pid and name) through a
                helper running as root; Lock makes that helper exit

usage: unlock.py PS-UNLOCK-TOOL HELPER POLICY-IN
Exit 77 (skip) when not root or a needed program is missing.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "terminate"))
import polkit as harness  # noqa: E402  (the private bus and polkitd helpers)

MARK = "PORTSCOPE_UNLOCK_TEST_INSIDE"
RULES = """polkit.addRule(function(action, subject) {
    if (action.id == "io.github.portscope.Portscope.inspect")
        return polkit.Result.%s;
    return polkit.Result.NO;
});
"""
HIDDEN_OTHER_USER = 1
ERROR_NOT_AUTHORIZED = 4


def run_tool(tool, helper, inode):
    env = dict(os.environ, PORTSCOPE_HELPER=helper, SHELL="/bin/sh")
    env.pop("PORTSCOPE_PKEXEC", None)
    run = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                          tool, str(inode)], env=env, capture_output=True, text=True, timeout=120)
    print(f"tool: {run.stdout.strip()!r} stderr: {run.stderr.strip()!r}", flush=True)
    return run.stdout.strip().split("\n")


def scenario(tool, helper, rules_dir, verdict):
    with open(os.path.join(rules_dir, "50-portscope-test.rules"), "w") as f:
        f.write(RULES % verdict)
    polkitd = subprocess.Popen([harness.POLKITD, "--no-debug"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        harness.wait_for(lambda: harness.name_has_owner("org.freedesktop.PolicyKit1"), "polkitd on the bus")
        target = subprocess.Popen([sys.executable, "-c", harness.LISTENER], stdout=subprocess.PIPE, text=True)
        try:
            port, inode = (int(x) for x in target.stdout.readline().split())
            lines = run_tool(tool, helper, inode)
            if lines[0] != f"local hidden={HIDDEN_OTHER_USER} owners=0":
                harness.fail(f"[{verdict}] as nobody the root listener should be hidden: {lines[0]!r}")
            if verdict == "NO":
                if len(lines) < 2 or not lines[1].startswith(f"start-error {ERROR_NOT_AUTHORIZED} "):
                    harness.fail(f"deny rule: expected not authorized, got {lines[1:]!r}")
            else:
                want = f"unlocked uid=0 owners=1 pid={target.pid} name=python3"
                if len(lines) < 3 or lines[1] != want:
                    harness.fail(f"allow rule: expected {want!r}, got {lines[1:]!r}")
                if lines[2] != "locked exited=1":
                    harness.fail(f"allow rule: Lock did not end the helper: {lines[2]!r}")
            if target.poll() is not None:
                harness.fail(f"[{verdict}] the listener died")
        finally:
            target.kill()
            target.wait()
    finally:
        polkitd.terminate()
        try:
            polkitd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            polkitd.kill()
            polkitd.wait()


def inside(tool, helper, policy_in):
    with harness.private_polkit_bus(helper, policy_in, "ps-unlock-") as (_tmp, rules, helper):
        scenario(tool, helper, rules, "NO")
        scenario(tool, helper, rules, "YES")
    print("ok", flush=True)
    return 0


def main():
    tool, helper, policy_in = sys.argv[1:4]
    if os.environ.get(MARK) == "1":
        return inside(tool, helper, policy_in)
    return harness.run_in_mount_namespace(__file__, MARK, [tool, helper, policy_in])


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PID reuse: the pinned target exits and its PID goes to a new process.

Runs itself inside `unshare --pid --fork --mount-proc` (root only; 77 = skip
otherwise), where /proc/sys/kernel/ns_last_pid hands a chosen PID to the next
process.  End must say ALREADY_EXITED and leave the new process alive.

usage: pid-reuse.py PS-TERMINATE-TOOL
"""
import os
import subprocess
import sys
import time

LISTENER = (
    "import os, socket, sys, time\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen()\n"
    "print(os.fstat(s.fileno()).st_ino, flush=True)\n"
    "time.sleep(1000)\n"
)
SLEEPER = "import time\nprint('up', flush=True)\ntime.sleep(1000)\n"


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    rest = text[text.rindex(")") + 2:].split()
    return rest[0], int(rest[19])      # state, start time (field 22)


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def inside(tool):
    assert os.getpid() == 1
    target = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True)
    inode = int(target.stdout.readline())
    _, start = stat(target.pid)
    print(f"target pid {target.pid} start {start} inode {inode}", flush=True)

    ender = subprocess.Popen([tool, str(target.pid), str(start), str(inode), "5", "--wait-line"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = ender.stdout.readline().strip()
    if line != "pinned 1":
        fail(f"expected 'pinned 1', got {line!r}")

    # The target exits (we started it; we end it), and its PID is reused.
    target.kill()
    target.wait()
    reused = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(target.pid - 1))
        proc = subprocess.Popen([sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE, text=True)
        if proc.pid == target.pid:
            reused = proc
            break
        proc.kill()
        proc.wait()
    if reused is None:
        fail("could not hand the PID to a new process")
    reused.stdout.readline()
    state, new_start = stat(reused.pid)
    print(f"reused pid {reused.pid} start {new_start} state {state}", flush=True)

    ender.stdin.write("go\n")
    ender.stdin.flush()
    out, _ = ender.communicate(timeout=30)
    result = out.split()[0] if out else ""
    print(f"result {result}", flush=True)

    alive = reused.poll() is None and stat(reused.pid)[0] not in ("Z", "X")
    reused.kill()
    reused.wait()
    if result != "ALREADY_EXITED":
        fail(f"expected ALREADY_EXITED, got {result!r}")
    if not alive:
        fail("the process that reused the PID was signalled")
    print("ok", flush=True)
    return 0


def main():
    tool = sys.argv[1]
    if os.getpid() == 1:
        return inside(tool)
    if os.geteuid() != 0:
        print("skip: needs root for unshare --pid", flush=True)
        return 77
    probe = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print("skip: this machine does not allow new PID namespaces", flush=True)
        return 77
    cmd = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, os.path.abspath(__file__), tool]
    return subprocess.run(cmd, timeout=120).returncode


if __name__ == "__main__":
    sys.exit(main())

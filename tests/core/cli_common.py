# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the CLI tests: start listeners, run portscope, clean up."""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LISTENER = os.path.join(HERE, "listener.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def built_binary(variable, what):
    path = os.environ.get(variable)
    if not path or not os.path.exists(path):
        print("%s is not set to the built %s" % (variable, what), file=sys.stderr)
        sys.exit(1)
    return path


def cli_bin():
    """The GLib CLI, which `portscope` executes for all but the --list forms."""
    return built_binary("PORTSCOPE_CLI_BIN", "portscope-cli")


def portscope_bin():
    return built_binary("PORTSCOPE_BIN", "binary")


class Listener:
    """A listener.py process; stop() (or the context manager) ends it.
    SCRIPT is another copy of listener.py (one that PREFIX's user can read)."""

    def __init__(self, specs, name=None, fork=False, extra_argv=(), prefix=(), script=LISTENER):
        argv = list(prefix) + [PYTHON, script]
        if name is not None:
            argv += ["--name", name]
        if fork:
            argv.append("--fork")
        argv += list(specs)
        if extra_argv:
            argv.append("--")
            argv += list(extra_argv)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("listener did not start: %r" % (specs,))
        self.info = json.loads(line)
        self.pid = self.info["pid"]
        self.child = self.info["child"]
        self.sockets = self.info["sockets"]

    def pids(self):
        return {p for p in (self.pid, self.child) if p}

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run(argv, timeout=30, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, **kwargs)


def list_json(binary=None, extra=(), prefix=()):
    """Runs `portscope --list --json`; returns the parsed document (strict UTF-8)."""
    r = run(list(prefix) + [binary or portscope_bin(), "--list", "--json"] + list(extra))
    if r.returncode != 0:
        raise AssertionError("portscope --list --json exited %d: %s" % (r.returncode, r.stderr.decode(errors="replace")))
    text = r.stdout.decode("utf-8")  # raises on invalid UTF-8
    return json.loads(text)


def by_inode(document):
    return {s["inode"]: s for s in document["sockets"]}


def wait_for(predicate, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


class Checker:
    def __init__(self):
        self.failures = 0

    def check(self, condition, message):
        if condition:
            print("ok -", message)
        else:
            print("FAIL -", message)
            self.failures += 1

    def finish(self):
        print("%d failure(s)" % self.failures)
        sys.exit(1 if self.failures else 0)


NETNS_MARK = "PORTSCOPE_TEST_IN_NETNS"


def netns_main(script, inside, needs=("unshare",), timeout=120):
    """Runs INSIDE() in a fresh network namespace (loopback up): SCRIPT runs
    itself again under `unshare -n`.  Needs root and the tools NEEDS: exits 77 otherwise."""
    if os.environ.get(NETNS_MARK) == "1":
        r = run(["ip", "link", "set", "lo", "up"])
        if r.returncode != 0:
            print("ip link set lo up failed: %s" % r.stderr.decode(errors="replace"))
            sys.exit(1)
        inside()
        return
    if os.geteuid() != 0 or any(shutil.which(tool) is None for tool in needs):
        print("skip: needs root and %s" % ", ".join(needs))
        sys.exit(77)
    probe = run(["unshare", "-n", "true"])
    if probe.returncode != 0:
        print("skip: unshare -n refused: %s" % probe.stderr.decode(errors="replace"))
        sys.exit(77)
    env = dict(os.environ)
    env[NETNS_MARK] = "1"
    r = subprocess.run(["unshare", "-n", PYTHON, os.path.abspath(script)], env=env, timeout=timeout)
    sys.exit(r.returncode)

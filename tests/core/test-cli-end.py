#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""portscope --end PORT against listeners this test starts (its own children,
the only processes it lets portscope end): the port is freed with SIGTERM and
the child is reaped; nothing is sent without --yes or a "y" on a terminal, to
a PID that does not hold the port, to the caller's own parent, or when several
processes hold the port and no --pid says which; a child that ignores SIGTERM
is left running without --force and killed with it; bad arguments exit 2."""
import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import PYTHON, Checker, Listener, portscope_bin, run  # noqa: E402

# A listener child: binds PROTO 127.0.0.1:PORT (0: any), optionally with
# SO_REUSEPORT and ignoring SIGTERM, prints {"pid", "port"}, waits forever.
# With a command after "--", it runs that command instead of waiting (with
# @PORT@ replaced) and prints its status and output: the command's parent
# then holds the port.
CHILD = r"""
import ctypes, json, os, signal, socket, subprocess, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG: never outlive the test
proto, port, reuse, ignore = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
command = sys.argv[6:] if len(sys.argv) > 5 and sys.argv[5] == "--" else None
if ignore:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
if reuse:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind(("127.0.0.1", port))
if proto == "tcp":
    s.listen(8)
port = s.getsockname()[1]
if command is None:
    print(json.dumps({"pid": os.getpid(), "port": port}), flush=True)
    while True:
        signal.pause()
r = subprocess.run([a.replace("@PORT@", str(port)) for a in command],
                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
print(json.dumps({"pid": os.getpid(), "port": port, "status": r.returncode,
                  "stdout": r.stdout.decode("utf-8", "replace"),
                  "stderr": r.stderr.decode("utf-8", "replace")}), flush=True)
"""

ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
ENV.pop("PORTSCOPE_BACKEND", None)


def read_line(stream, timeout=20.0):
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            raise AssertionError("no line from the child within %.0f s" % timeout)
        chunk = os.read(stream.fileno(), 1)
        if not chunk:
            raise AssertionError("the child closed its output: %r" % data)
        data += chunk
    return json.loads(data)


class Child:
    """A listener child of this test."""

    def __init__(self, proto="tcp", port=0, reuse=False, ignore_term=False, command=None):
        argv = [PYTHON, "-c", CHILD, proto, str(port), "1" if reuse else "0", "1" if ignore_term else "0"]
        if command:
            argv += ["--"] + command
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=ENV)
        self.info = read_line(self.proc.stdout, timeout=60.0 if command else 20.0)
        self.pid = self.info["pid"]
        self.port = self.info["port"]

    def alive(self):
        return self.proc.poll() is None

    def gone(self, timeout=10.0):
        """Waits (waitpid, with a deadline) for the child to end; its status or None."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def tcp_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return True
    except OSError:
        return False


def end(args, stdin=subprocess.DEVNULL, prefix=(), binary=None):
    r = run(list(prefix) + [binary or portscope_bin(), "--end"] + [str(a) for a in args],
            timeout=90, stdin=stdin, env=ENV)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


MARK = "PORTSCOPE_TEST_END_IN_NETNS"


def isolate():
    """As root, runs this test again in a network namespace of its own, so
    that nothing else on the machine listens on the ports it ends (--end
    counts every listener on a port, on any address)."""
    if os.environ.get(MARK) == "1":
        r = run(["ip", "link", "set", "lo", "up"])
        if r.returncode != 0:
            print("ip link set lo up failed: %s" % r.stderr.decode(errors="replace"))
            sys.exit(1)
        return
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None \
       or run(["unshare", "-n", "true"]).returncode != 0:
        print("note - not root (or no unshare): running in the machine's network namespace")
        return
    env = dict(os.environ)
    env[MARK] = "1"
    r = subprocess.run(["unshare", "-n", PYTHON, os.path.abspath(__file__)], env=env, timeout=600)
    sys.exit(r.returncode)


def main():
    isolate()
    c = Checker()
    children = []

    def child(**kwargs):
        ch = Child(**kwargs)
        children.append(ch)
        return ch

    try:
        # Bad arguments: exit 2, one line on stderr that names the problem,
        # nothing on stdout, nothing ended.
        victim = child()
        for args, word in ((["--end", "abc"], "port"), (["--end", "70000"], "port"),
                           (["--end", "0"], "port"), (["--end", "-5"], "port"),
                           (["--end", ""], "port"), (["--end"], "--end"),
                           (["--end", str(victim.port), "--pid", "x1"], "--pid"),
                           (["--end", str(victim.port), "--pid", "0"], "--pid"),
                           (["--end", str(victim.port), "--list"], "--end"),
                           (["--end", str(victim.port), "8080"], "--end"),
                           (["--end", str(victim.port), "--port", "1"], "--end"),
                           (["--yes"], "--end"), (["--force", "--list"], "--end"),
                           (["--pid", str(victim.pid)], "--end")):
            extra = ["--yes"] if args[0] == "--end" and len(args) > 1 else []
            r = run([portscope_bin()] + args + extra, env=ENV, stdin=subprocess.DEVNULL)
            err = r.stderr.decode("utf-8", "replace")
            c.check(r.returncode == 2, "%r exits 2 (got %d)" % (args, r.returncode))
            c.check(err.count("\n") == 1 and word in err, "%r: one line naming %s: %r" % (args, word, err))
            c.check(r.stdout == b"", "%r: nothing on stdout" % (args,))
        c.check(victim.alive() and tcp_accepts(victim.port), "bad arguments ended nothing")

        # Not confirmed: stdin is not a terminal and there is no --yes.
        status, out, err = end([victim.port])
        c.check(status == 2, "without --yes, stdin not a terminal: exit 2 (%d)" % status)
        c.check("--yes" in err, "it says --yes is needed: %r" % err)
        c.check("PID %d" % victim.pid in err or str(victim.pid) in out, "it names the process")
        c.check(victim.alive() and tcp_accepts(victim.port), "without --yes the child still runs and listens")

        # A PID that does not hold the port: refused, nothing sent.
        other = child()
        status, out, err = end([victim.port, "--pid", other.pid, "--yes"])
        c.check(status == 3, "--pid of a process that does not hold the port: exit 3 (%d)" % status)
        c.check("does not listen on port %d" % victim.port in err, "it says so: %r" % err)
        c.check("PID %d" % victim.pid in out, "it lists the real holder: %r" % out)
        c.check(victim.alive() and other.alive(), "neither process was signalled")

        # The real thing: SIGTERM, the child is reaped, the port is free.
        status, out, err = end([victim.port, "--yes"])
        code = victim.gone()
        c.check(status == 0, "--end PORT --yes exits 0 (%d; %r)" % (status, err))
        c.check(code == -signal.SIGTERM, "the child ended by SIGTERM (status %r)" % code)
        c.check("Port %d is free." % victim.port in out, "it says the port is free: %r" % out)
        c.check("PID %d" % victim.pid in out or "Process: %d" % victim.pid in out, "it names the PID")
        c.check(not tcp_accepts(victim.port), "nothing listens on the port any more")
        c.check(other.alive(), "the other child still runs")

        # A free port: exit 0, nothing to do.
        status, out, err = end([victim.port, "--yes"])
        c.check(status == 0 and "Port %d is free." % victim.port in out, "a free port: exit 0 and says so")

        # UDP counts as listening too.
        udp = child(proto="udp")
        status, out, err = end([udp.port, "--yes"])
        code = udp.gone()
        c.check(status == 0 and code == -signal.SIGTERM, "a UDP socket's owner is ended (%d, %r)" % (status, code))
        c.check("Port %d is free." % udp.port in out, "UDP: the port is free")

        # The port as a log or a browser shows it.
        for form in ("127.0.0.1:%d", "http://localhost:%d/"):
            pasted = child()
            status, out, err = end([form % pasted.port, "--yes"])
            code = pasted.gone()
            c.check(status == 0 and code == -signal.SIGTERM,
                    "--end %s: the owner is ended (%d, %r; %r)" % (form, status, code, err))
            c.check("Port %d is free." % pasted.port in out, "--end %s: the port is free" % form)
        # An address without a port, or the port out of range: refused.
        for bad in ("127.0.0.1", "localhost:", "[::1]:70000"):
            r = run([portscope_bin(), "--end", bad, "--yes"], env=ENV, stdin=subprocess.DEVNULL)
            c.check(r.returncode == 2 and b"port" in r.stderr, "--end %s exits 2" % bad)

        # Two processes on one port (SO_REUSEPORT): listed, --pid required.
        first = child(reuse=True)
        second = child(reuse=True, port=first.port)
        status, out, err = end([first.port, "--yes"])
        c.check(status == 2, "two holders without --pid: exit 2 (%d)" % status)
        c.check("PID %d" % first.pid in out and "PID %d" % second.pid in out, "both are listed: %r" % out)
        c.check("--pid" in err, "it asks for --pid: %r" % err)
        c.check(first.alive() and second.alive(), "neither was signalled")
        # Ending one leaves the port held by the other: the truth, exit 1.
        status, out, err = end([first.port, "--pid", first.pid, "--yes"])
        code = first.gone()
        c.check(code == -signal.SIGTERM, "--pid ends that process (%r)" % code)
        c.check(status == 1, "the port is still held: exit 1 (%d)" % status)
        c.check("still held by PID %d" % second.pid in out, "it names who holds it now: %r" % out)
        c.check(second.alive(), "the other holder was not signalled")
        status, out, err = end([second.port, "--pid", second.pid, "--yes"])
        c.check(status == 0 and second.gone() == -signal.SIGTERM and "is free." in out,
                "then the second one: exit 0, gone, port free")

        # A server that forked after listening (parent and child share the
        # socket): one root, the parent is ended, its child follows.
        with Listener(["tcp/127.0.0.1"], fork=True) as forked:
            port = forked.sockets[0]["port"]
            status, out, err = end([port, "--yes"])
            try:
                code = forked.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                code = None
            c.check(code == -signal.SIGTERM, "the forked server's parent got SIGTERM (%r)" % code)
            c.check(status == 0 and "Port %d is free." % port in out,
                    "parent and child sharing a socket: exit 0, port free (%d: %r %r)" % (status, out, err))

        # A child that ignores SIGTERM: still running, exit 1, left alone...
        stubborn = child(ignore_term=True)
        status, out, err = end([stubborn.port, "--yes"])
        c.check(status == 1, "SIGTERM ignored: exit 1 (%d)" % status)
        c.check("still running" in out, "it says the process is still running: %r" % out)
        c.check("--force" in err, "it suggests --force: %r" % err)
        c.check(stubborn.alive() and tcp_accepts(stubborn.port), "without --force it still runs")
        # On a terminal Force Stop is offered: "n" leaves it, "y" kills it.
        for answers, want in ((b"y\nn\n", 1), (b"y\ny\n", 0)):
            master, slave = pty.openpty()
            try:
                os.write(master, answers)
                status, out, err = end([stubborn.port], stdin=slave)
            finally:
                os.close(slave)
                os.close(master)
            c.check("Force stop it now" in err, "on a terminal Force Stop is offered: %r" % err)
            c.check(status == want, "answers %r: exit %d (%d)" % (answers, want, status))
            if want == 1:
                c.check(stubborn.alive(), "Force Stop declined: it still runs")
        code = stubborn.gone()
        c.check(code == -signal.SIGKILL, "Force Stop accepted: the child ended by SIGKILL (%r)" % code)
        # ...and killed with --force.
        stubborn = child(ignore_term=True)
        status, out, err = end([stubborn.port, "--yes", "--force"])
        code = stubborn.gone()
        c.check(status == 0, "--force: exit 0 (%d; %r)" % (status, err))
        c.check(code == -signal.SIGKILL, "--force: the child ended by SIGKILL (%r)" % code)
        c.check("Port %d is free." % stubborn.port in out, "--force: the port is free")

        # On a terminal it asks; anything but "y" sends nothing.
        asked = child()
        for answer, want in ((b"n\n", 2), (b"\n", 2), (b"y\n", 0)):
            master, slave = pty.openpty()
            try:
                os.write(master, answer)
                status, out, err = end([asked.port], stdin=slave)
            finally:
                os.close(slave)
                os.close(master)
            question = "End “python3” (PID %d), which listens on port %d? [y/N]" % (asked.pid, asked.port)
            c.check(question in err, "on a terminal it asks: %r" % err)
            c.check(status == want, "answer %r: exit %d (%d)" % (answer, want, status))
            if want == 2:
                c.check(asked.alive(), "answer %r: the child still runs" % answer)
        c.check(asked.gone() == -signal.SIGTERM, "answer y: the child ended by SIGTERM")

        # Process text is untrusted: control characters are made visible.
        with Listener(["tcp/127.0.0.1"], name="\x1b[31mred\n",
                      extra_argv=["\u202eevil", "\x1b]0;title\x07"]) as hostile:
            port = hostile.sockets[0]["port"]
            status, out, err = end([port])
            c.check(status == 2, "hostile names: not confirmed, exit 2 (%d)" % status)
            c.check("\x1b" not in out + err and "\u202e" not in out + err and "\x07" not in out + err,
                    "no escape, bidi or bell character reaches the terminal: %r" % out)
            c.check("\\x1B[31mred\\x0A" in out or "\\x1b[31mred\\x0a" in out,
                    "the name is shown with its control characters made visible: %r" % out)
            c.check(hostile.proc.poll() is None, "the hostile listener was not signalled")

        # The caller's own parent holds the port: refused by the engine.
        parent = child(command=[portscope_bin(), "--end", "@PORT@", "--yes"])
        c.check(parent.info["status"] == 3, "the caller's parent is refused: exit 3 (%r)" % parent.info)
        c.check("does not end" in parent.info["stderr"], "it says so: %r" % parent.info["stderr"])

        # Another user's listener is not visible: say why, exit 1, nothing sent.
        if os.geteuid() == 0 and shutil.which("setpriv"):
            tmp = tempfile.mkdtemp(prefix="portscope-end-")
            try:
                os.chmod(tmp, 0o755)
                binary = os.path.join(tmp, "portscope")
                shutil.copy2(portscope_bin(), binary)
                os.chmod(binary, 0o755)
                # `portscope` executes the GLib CLI found next to it for --end.
                cli = os.path.join(tmp, "portscope-cli")
                shutil.copy2(os.environ["PORTSCOPE_CLI_BIN"], cli)
                os.chmod(cli, 0o755)
                roots = child()
                status, out, err = end([roots.port, "--yes"], binary=binary,
                                       prefix=["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                c.check(status == 1, "as nobody, root's listener: exit 1 (%d)" % status)
                c.check("another user" in err, "it says the owner belongs to another user: %r" % err)
                c.check(roots.alive(), "root's listener still runs")
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("skip - the other-user case needs root and setpriv")
    finally:
        for ch in children:
            ch.kill()
    c.finish()


if __name__ == "__main__":
    main()

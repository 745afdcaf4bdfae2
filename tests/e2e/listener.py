#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end fixture: a TCP listener that prints its port and waits.

  listener.py [--bind ADDRESS] [--name COMM] [--ignore-term]

Binds ADDRESS (default 127.0.0.1) on a free port between 20000 and 29999
(below Linux's ephemeral range, so a busy machine does not hand the port to
another program right after this one ends), listens, renames itself to COMM
(prctl PR_SET_NAME, so the app shows that name), prints "PORT\\n" on stdout,
then sleeps until a signal ends it.  --ignore-term ignores SIGTERM, like a
program that does not want to quit.  It dies with its parent (PDEATHSIG), so
a crashed test leaves nothing behind.
"""
import ctypes
import random
import signal
import socket
import sys

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15


def main():
    address = "127.0.0.1"
    name = None
    ignore_term = False
    args = sys.argv[1:]
    while args:
        arg = args.pop(0)
        if arg == "--bind":
            address = args.pop(0)
        elif arg == "--name":
            name = args.pop(0)
        elif arg == "--ignore-term":
            ignore_term = True
        else:
            print(f"listener.py: unknown argument {arg}", file=sys.stderr)
            return 2

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if name is not None:
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    s = None
    for port in random.sample(range(20000, 30000), 500):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.bind((address, port))
            break
        except OSError:
            s.close()
            s = None
    if s is None:
        print("listener.py: no free port between 20000 and 29999", file=sys.stderr)
        return 1
    s.listen(8)
    print(s.getsockname()[1], flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())

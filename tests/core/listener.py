#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: opens the sockets named on the command line, optionally renames
itself (prctl PR_SET_NAME) and forks a child that shares the sockets, prints
one JSON line describing everything, then waits until stdin closes.

  listener.py [--name NAME] [--fork] SPEC...
  SPEC = PROTO/ADDRESS[/v6only]   e.g. tcp/127.0.0.1  udp/::1  tcp/::/v6only
  Extra arguments after "--" are ignored (they only decorate the cmdline).
"""
import ctypes
import json
import os
import signal
import socket
import sys

PR_SET_NAME = 15
PR_SET_PDEATHSIG = 1


def set_comm(name: bytes):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl")


def die_with_parent():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def open_socket(spec):
    parts = spec.split("/")
    proto = parts[0]
    address = parts[1]
    v6only = len(parts) > 2 and parts[2] == "v6only"
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    s.bind((address, 0))
    if kind == socket.SOCK_STREAM:
        s.listen(16)
    return s, {
        "protocol": proto,
        "family": "ipv6" if family == socket.AF_INET6 else "ipv4",
        "address": address,
        "port": s.getsockname()[1],
        "inode": os.fstat(s.fileno()).st_ino,
        "v6only": v6only if family == socket.AF_INET6 else None,
    }


def main():
    args = sys.argv[1:]
    if "--" in args:
        args = args[: args.index("--")]
    name = None
    fork = False
    specs = []
    while args:
        a = args.pop(0)
        if a == "--name":
            name = os.fsencode(args.pop(0))
        elif a == "--fork":
            fork = True
        else:
            specs.append(a)

    if name is not None:
        set_comm(name)
    sockets = []
    described = []
    for spec in specs:
        s, d = open_socket(spec)
        sockets.append(s)
        described.append(d)

    child = None
    if fork:
        child = os.fork()
        if child == 0:
            die_with_parent()
            # Wait for the parent to go; the sockets stay open meanwhile.
            while True:
                signal.pause()

    sys.stdout.write(json.dumps({"pid": os.getpid(), "child": child, "sockets": described}) + "\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()
    finally:
        if child:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


if __name__ == "__main__":
    main()

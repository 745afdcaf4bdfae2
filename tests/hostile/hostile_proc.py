#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: a listener with a hostile name and command line.

  hostile_proc.py COMM_HEX [ARG...]

Sets its comm (prctl PR_SET_NAME, at most 15 bytes) to the bytes COMM_HEX
names, opens a TCP listener on 127.0.0.1 (any port), prints
{"pid": N, "port": N, "inode": N} on one line and waits until stdin closes.
ARG... only decorate /proc/PID/cmdline (they may hold any byte but NUL)."""
import ctypes
import json
import os
import socket
import sys

PR_SET_NAME = 15


def main():
    comm = bytes.fromhex(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NAME, ctypes.c_char_p(comm), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    sys.stdout.write(json.dumps({"pid": os.getpid(), "port": s.getsockname()[1],
                                 "inode": os.fstat(s.fileno()).st_ino}) + "\n")
    sys.stdout.flush()
    sys.stdin.read()


if __name__ == "__main__":
    main()

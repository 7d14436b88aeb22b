#!/usr/bin/env python3
"""syslogd.py - receive syslog datagrams on a Unix socket, one per line.

    syslogd.py SOCKET OUTFILE      prints "ready" when listening
"""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
print("ready", flush=True)
with open(out, "ab", buffering=0) as f:
    while True:
        data = sock.recv(65536)
        f.write(data.rstrip(b"\n").replace(b"\n", b" ") + b"\n")

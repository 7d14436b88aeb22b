#!/usr/bin/env python3
"""milter_hold.py HOST:PORT N - hold N milter connections open at once.

Speaks the MTA side of the milter protocol (version 6), the way
milter_ping.py does, on N connections: negotiate, CONNECT, HELO, MAIL on
each, all of them open together.  Then it prints "ready N" and waits for
a line on standard input; on it, each connection sends RCPT TO:<r@dest.example>,
reads the answer, sends QUIT and closes.  Finally it prints one line per
kind of RCPT answer ("reply 550 5.7.1 ..." with a count) and exits 0 when
every step before RCPT was answered "continue", 1 otherwise.  The load is
the test's to control: nothing here depends on how fast the machine is.
"""
import collections
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterproto import negotiate, packet, read_packet  # noqa: E402


# the no-reply flag of each command (SMFIP_NR_*)
NOREPLY = {b"C": 0x1000, b"H": 0x2000, b"M": 0x4000, b"R": 0x8000}


def step(s, cmd, data, macros=b"", proto=0):
    """Send a command; its answer, or "c" when negotiated without one."""
    if macros:
        s.sendall(packet(b"D", cmd + macros))
    s.sendall(packet(cmd, data))
    if proto & NOREPLY.get(cmd, 0):
        return b"c", b""
    while True:
        rcmd, rdata = read_packet(s)
        if rcmd != b"p":          # "progress": keep waiting
            return rcmd, rdata


def main():
    host, port = sys.argv[1].replace("inet:", "").rsplit(":", 1)
    n = int(sys.argv[2])
    conns, bad = [], 0
    for i in range(n):
        s = socket.create_connection((host, int(port)), timeout=120)
        proto = 0
        try:
            proto = negotiate(s, 0x1ff, 0x1fffff)[2]
        except EOFError:
            bad += 1
        ip = "192.0.2.%d" % (i % 250 + 1)
        steps = [
            (b"C", b"client%d.test\x004" % i + struct.pack("!H", 25) +
             ip.encode() + b"\x00", b""),
            (b"H", b"client%d.test\x00" % i, b""),
            (b"M", b"<s%d@src.example>\x00" % i, b""),
        ]
        for cmd, data, macros in steps:
            rcmd, _ = step(s, cmd, data, macros, proto)
            if rcmd not in (b"c", b"a"):
                bad += 1
        conns.append((s, proto))
    print("ready %d" % len(conns), flush=True)
    sys.stdin.readline()
    answers = collections.Counter()
    for s, proto in conns:
        rcmd, rdata = step(s, b"R", b"<r@dest.example>\x00",
                           b"{rcpt_mailer}\x00smtp\x00", proto)
        if rcmd == b"y":
            answers["reply " + rdata.rstrip(b"\x00").decode("ascii", "replace")] += 1
        else:
            answers["command %r" % rcmd] += 1
        s.sendall(packet(b"Q"))
        s.close()
    for what, count in sorted(answers.items()):
        print("%d %s" % (count, what))
    print("bad %d" % bad)
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

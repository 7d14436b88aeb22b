#!/usr/bin/env python3
"""milter_ping.py HOST:PORT | unix:PATH - speak the MTA side of the milter
protocol (version 6) to a milter: negotiate, CONNECT, HELO, MAIL, RCPT,
ABORT, QUIT.  Prints what the milter answered and exits 0 when it answered
every step with "continue" (or accept), 1 otherwise, 2 when it could not
be reached.  Used by the Debian package test to check that an installed
esc-milter answers."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterproto import negotiate, packet, read_packet  # noqa: E402


def main():
    target = sys.argv[1]
    try:
        if target.startswith("unix:"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(target[5:])
        else:
            host, port = target.replace("inet:", "").rsplit(":", 1)
            s = socket.create_connection((host, int(port)), timeout=10)
        s.settimeout(10)
    except OSError as e:
        print("cannot reach %s: %s" % (target, e))
        return 2
    # version 6, all actions, no protocol steps skipped
    try:
        ver, actions, proto = negotiate(s)
    except EOFError as e:
        print(e)
        return 1
    print("negotiated: version %d, actions 0x%x, protocol 0x%x" % (ver, actions, proto))
    steps = [
        ("connect", b"C", b"client.test\x004" + struct.pack("!H", 25) + b"192.0.2.1\x00"),
        ("helo", b"H", b"client.test\x00"),
        ("mail", b"M", b"<sender@example.org>\x00"),
        ("rcpt", b"R", b"<user@example.com>\x00"),
    ]
    good = True
    for name, cmd, data in steps:
        s.sendall(packet(b"D", cmd + b"i\x00PING123\x00") + packet(cmd, data))
        rcmd, rdata = read_packet(s)
        ok = rcmd in (b"c", b"a")
        print("%s: %s%s" % (name, {b"c": "continue", b"a": "accept", b"r": "reject",
                                   b"t": "tempfail", b"y": "reply"}.get(rcmd, repr(rcmd)),
                            (" " + rdata.decode("utf-8", "replace").rstrip("\x00")) if rdata else ""))
        good = good and ok
    s.sendall(packet(b"A") + packet(b"Q"))
    s.close()
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""milter_other.py PORT WORD - another milter beside esc-milter (as
OpenDMARC or spamass-milter would be): it asks for every step, answers
"continue", and rejects at the end of the message with
"550 5.7.0 Other milter refuses" when a header field holds WORD.
It prints "ready" when listening and serves until killed.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterproto import packet, read_packet, serve_forever  # noqa: E402

REPLY = b"550 5.7.0 Other milter refuses\0"


def serve(conn, word):
    hit = False
    try:
        while True:
            cmd, data = read_packet(conn)
            if cmd == b"O":
                conn.sendall(packet(b"O", struct.pack("!III", 6, 0, 0)))
            elif cmd in (b"D", b"A"):
                if cmd == b"A":
                    hit = False
            elif cmd == b"Q":
                break
            elif cmd == b"L":
                hit = hit or word in data
                conn.sendall(packet(b"c"))
            elif cmd == b"E":
                conn.sendall(packet(b"y", REPLY) if hit else packet(b"c"))
                hit = False
            else:
                conn.sendall(packet(b"c"))
    except (EOFError, OSError):
        pass
    conn.close()


if __name__ == "__main__":
    word = sys.argv[2].encode()
    serve_forever(int(sys.argv[1]), lambda c, n: serve(c, word))

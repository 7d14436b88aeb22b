#!/usr/bin/env python3
"""dnsd.py - a tiny authoritative DNS responder for the tests (UDP only).

    dnsd.py [ADDR:]PORT [--delay SECONDS] RECORD...

RECORD is one of
    nullmx:DOMAIN            a single MX 0 "." (RFC 7505)
    mx:DOMAIN:PREF:HOST      an MX record (may be repeated)
    a:NAME:IPV4              an A record (a DNSBL entry: 2.0.0.127.bl.example)
    servfail:DOMAIN          answer SERVFAIL
Any other name gets NXDOMAIN.  --delay makes every answer late (a slow
server).  It listens on 127.0.0.1 unless ADDR says otherwise, prints
"ready" when listening and answers until killed.
"""
import socket
import struct
import sys
import time


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(msg):
    pos, labels = 12, []
    while msg[pos] != 0:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += n + 1
    qtype, qclass = struct.unpack("!HH", msg[pos + 1:pos + 5])
    return ".".join(labels).lower(), qtype, msg[12:pos + 5]


def main():
    addr, _, port = sys.argv[1].rpartition(":")
    addr, port = addr or "127.0.0.1", int(port)
    args = sys.argv[2:]
    delay = 0.0
    if args and args[0] == "--delay":
        delay = float(args[1])
        args = args[2:]
    mx, servfail, a = {}, set(), {}
    for rec in args:
        kind, rest = rec.split(":", 1)
        if kind == "nullmx":
            mx.setdefault(rest.lower(), []).append((0, "."))
        elif kind == "mx":
            dom, pref, host = rest.split(":")
            mx.setdefault(dom.lower(), []).append((int(pref), host))
        elif kind == "servfail":
            servfail.add(rest.lower())
        elif kind == "a":
            name, ip = rest.rsplit(":", 1)
            a.setdefault(name.lower(), []).append(ip)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    print("ready", flush=True)
    while True:
        msg, peer = sock.recvfrom(4096)
        if len(msg) < 17:
            continue
        qid = msg[:2]
        name, qtype, question = parse_question(msg)
        flags, answers = 0x8400, []          # response, authoritative
        if name in servfail:
            flags |= 2
        elif name in a:
            if qtype == 1:
                for ip in a[name]:
                    rdata = socket.inet_aton(ip)
                    answers.append(b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300,
                                                              len(rdata)) + rdata)
        elif name in mx:
            if qtype == 15:
                for pref, host in mx[name]:
                    rdata = struct.pack("!H", pref) + encode_name(host)
                    answers.append(b"\xc0\x0c" + struct.pack("!HHIH", 15, 1, 300,
                                                              len(rdata)) + rdata)
        else:
            flags |= 3                       # NXDOMAIN
        reply = qid + struct.pack("!HHHHH", flags, 1, len(answers), 0, 0) + \
            question + b"".join(answers)
        if delay:
            time.sleep(delay)
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()

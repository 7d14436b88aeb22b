#!/usr/bin/env python3
"""milter_probe.py PORT OUTFILE [--protocol HEX] [--macros STAGE=LIST ...]

A milter that records what the MTA sends it: it listens on 127.0.0.1:PORT,
answers option negotiation asking for the protocol flags HEX (steps to
skip, steps that need no reply) and, with --macros, its own macro list per
stage (0 connect, 1 helo, 2 mail, 3 rcpt, 4 data, 5 eom, 6 eoh), then
answers "continue" to everything that expects a reply.  Each command is
written to OUTFILE as one JSON line: {"conn": N, "cmd": "H", "macros":
{...}, "offered": ...}; a macro packet as {"conn": N, "cmd": "D", "for":
"H"}, whether the step it belongs to comes or not.  It serves connections until killed; it prints
"ready" when it listens.

Used by tests/e2e/t-mta-facts.sh to check what Postfix and Sendmail really
send when a milter skips steps and asks for its own macros
(docs/milter-protocol.md records the result).
"""
import json
import os
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterproto import packet, serve_forever  # noqa: E402

NOREPLY = {"C": 0x1000, "H": 0x2000, "M": 0x4000, "R": 0x8000, "T": 0x10000,
           "U": 0x20000, "N": 0x40000, "B": 0x80000, "L": 0x80}
NEEDS_REPLY = set("CHMRTNBEL")     # commands a milter answers (unless NR_*)
lock = threading.Lock()


def read_exactly(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve(conn, n, out, want, macros):
    state = {"proto": 0, "pending": {}}
    while True:
        head = read_exactly(conn, 4)
        if head is None:
            return
        body = read_exactly(conn, struct.unpack("!I", head)[0])
        if body is None:
            return
        cmd, data = chr(body[0]), body[1:]
        rec = {"conn": n, "cmd": cmd}
        if cmd == "O":
            ver, actions, proto = struct.unpack("!III", data[:12])
            rec["offered"] = {"version": ver, "actions": actions,
                              "protocol": proto}
            state["proto"] = want & proto
            # as libmilter does: the MTA's version, macros from version 6
            reply = struct.pack("!III", min(ver, 6), actions & 0x1ff,
                                state["proto"])
            if ver >= 6:
                for stage, names in macros:
                    reply += struct.pack("!I", stage) + names.encode() + b"\0"
            conn.sendall(packet(b"O", reply))
        elif cmd == "D":
            parts = data[1:].split(b"\0")
            state["pending"][chr(data[0])] = {
                parts[i].decode("latin-1"): parts[i + 1].decode("latin-1")
                for i in range(0, len(parts) - 1, 2)}
            rec["for"] = chr(data[0])
        elif cmd == "Q":
            pass
        elif cmd == "A":
            pass
        else:
            rec["macros"] = state["pending"].pop(cmd, {})
            if cmd == "C":
                rec["host"] = data.split(b"\0")[0].decode("latin-1")
            if cmd in NEEDS_REPLY and not (state["proto"] & NOREPLY.get(cmd, 0)):
                conn.sendall(packet(b"c"))
        with lock:
            out.write(json.dumps(rec) + "\n")
            out.flush()
        if cmd == "Q":
            return


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    want, macros, args = 0, [], sys.argv[3:]
    while args:
        if args[0] == "--protocol":
            want = int(args[1], 16)
            args = args[2:]
        elif args[0] == "--macros":
            stage, names = args[1].split("=", 1)
            macros.append((int(stage), names))
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    out = open(path, "a")
    serve_forever(port, lambda conn, n: serve(conn, n, out, want, macros))


if __name__ == "__main__":
    main()

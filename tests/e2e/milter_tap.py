#!/usr/bin/env python3
"""milter_tap.py LISTEN_PORT TARGET_PORT OUTFILE

A tap between an MTA and a milter: it listens on 127.0.0.1:LISTEN_PORT,
connects each connection to the milter on 127.0.0.1:TARGET_PORT and
forwards both ways unchanged, recording every packet as one JSON line in
OUTFILE: {"conn": N, "from": "mta" | "milter", "cmd": "H"}, with the
protocol flags the milter asked for on its negotiation reply ("protocol").
It prints "ready" when it listens and serves until killed.

Used by tests/e2e/t-footprint.sh to see what the MTA really sends
esc-milter and what esc-milter answers.
"""
import json
import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterproto import serve_forever  # noqa: E402

lock = threading.Lock()


def record(out, entry):
    with lock:
        out.write(json.dumps(entry) + "\n")
        out.flush()


def pump(src, dst, conn, side, out):
    """Forward src to dst, recording each packet; close dst at the end."""
    buf = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            buf += data
            while len(buf) >= 4:
                (n,) = struct.unpack("!I", buf[:4])
                if len(buf) < 4 + n:
                    break
                cmd, body = buf[4:5], buf[5:4 + n]
                buf = buf[4 + n:]
                entry = {"conn": conn, "from": side,
                         "cmd": cmd.decode("latin-1")}
                if side == "milter" and cmd == b"O" and len(body) >= 12:
                    entry["protocol"] = struct.unpack("!III", body[:12])[2]
                record(out, entry)
            # recorded first: a reply is always logged after its command
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(client, target, conn, out):
    try:
        milter = socket.create_connection(("127.0.0.1", target))
    except OSError:
        client.close()
        return
    for s in (client, milter):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    back = threading.Thread(target=pump,
                            args=(milter, client, conn, "milter", out),
                            daemon=True)
    back.start()
    pump(client, milter, conn, "mta", out)
    back.join()
    client.close()
    milter.close()


def main():
    port, target, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    out = open(path, "a")
    serve_forever(port, lambda client, n: serve(client, target, n, out))


if __name__ == "__main__":
    main()

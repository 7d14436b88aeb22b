"""milterproto.py - the milter protocol's packets (version 6) and a
threaded listener: shared by milter_ping.py, milter_hold.py,
milter_probe.py and milter_tap.py."""
import socket
import struct
import threading


def packet(cmd, data=b""):
    """A packet: 4-byte big-endian length, the command byte, the data."""
    return struct.pack("!I", len(data) + 1) + cmd + data


def read_packet(s):
    """The next packet from socket s: (command byte, data)."""
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            raise EOFError("connection closed")
        head += chunk
    (n,) = struct.unpack("!I", head)
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            raise EOFError("connection closed")
        body += chunk
    return body[:1], body[1:]


def negotiate(s, actions=0x1ff, protocol=0):
    """Option negotiation; the milter's (version, actions, protocol)."""
    s.sendall(packet(b"O", struct.pack("!III", 6, actions, protocol)))
    cmd, data = read_packet(s)
    if cmd != b"O":
        raise EOFError("negotiation: unexpected reply %r" % cmd)
    return struct.unpack("!III", data[:12])


def serve_forever(port, handler):
    """Listen on 127.0.0.1:port, print "ready", and run handler(conn, n)
    on a thread for the n-th connection (from 1), until killed."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    print("ready", flush=True)
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        threading.Thread(target=handler, args=(conn, n), daemon=True).start()

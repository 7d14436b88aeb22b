"""milterproto.py - the MTA side of the milter protocol (version 6), the
packets only: shared by milter_ping.py and milter_hold.py."""
import struct


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

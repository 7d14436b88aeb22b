#!/usr/bin/env python3
"""smtpc.py - a tiny SMTP client for the tests: it prints every server reply
exactly as received, one line each, prefixed by what triggered it.

    smtpc.py [--source ADDR] HOST:PORT < script
    smtpc.py --stdio CMD ARGS... < script       (talk to CMD's stdin/stdout)

Script lines are SMTP commands.  After "DATA" (and a 354 reply) the lines up
to a line "." are the message.  Directives:
    RAW <python bytes literal>   send these bytes (add \\r\\n yourself)
    SLEEP <seconds>
    NOWAIT <command>             send without reading a reply
Output: "CONNECT 220 ...", "EHLO 250-...", "RCPT 550 5.7.1 ...", ". 250 ...".
Exit status 0; 3 when the server closed the connection early.
"""
import ast
import socket
import subprocess
import sys
import time


class Conn:
    def __init__(self, target):
        self.buf = b""
        source = None
        if target[0] == "--source":
            source = (target[1], 0)
            target = target[2:]
        if target[0] == "--stdio":
            self.p = subprocess.Popen(target[1:], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE)
            self.sock = None
        else:
            host, port = target[0].rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)), timeout=60,
                                                 source_address=source)
            self.p = None

    def send(self, data):
        if self.sock:
            self.sock.sendall(data)
        else:
            self.p.stdin.write(data)
            self.p.stdin.flush()

    def recv(self):
        if self.sock:
            return self.sock.recv(65536)
        return self.p.stdout.read1(65536)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.recv()
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def reply(self):
        lines = []
        while True:
            line = self.line()
            if line is None:
                return lines, False
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return lines, True

    def close(self):
        if self.sock:
            self.sock.close()
        else:
            try:
                self.p.stdin.close()
            except OSError:
                pass
            self.p.wait(timeout=30)


def show(tag, lines):
    for line in lines:
        sys.stdout.write("%s %s\n" % (tag, line.decode("utf-8", "backslashreplace")))
    sys.stdout.flush()


def main():
    conn = Conn(sys.argv[1:])
    script = sys.stdin.buffer.read().split(b"\n")
    lines, ok = conn.reply()
    show("CONNECT", lines)
    if not ok:
        return 3
    i = 0
    while i < len(script):
        cmd = script[i].rstrip(b"\r")
        i += 1
        if not cmd:
            continue
        word = cmd.split(b" ", 1)[0].upper()
        if word == b"SLEEP":
            time.sleep(float(cmd.split()[1]))
            continue
        if word == b"RAW":
            data = ast.literal_eval(cmd[4:].decode())
            conn.send(data if isinstance(data, bytes) else data.encode())
            tag = "RAW"
        elif word == b"NOWAIT":
            conn.send(cmd[7:] + b"\r\n")
            continue
        else:
            conn.send(cmd + b"\r\n")
            tag = word.decode()
        lines, ok = conn.reply()
        show(tag, lines)
        if not ok:
            return 3
        if word == b"DATA" and lines and lines[-1][:3] == b"354":
            while i < len(script) and script[i].rstrip(b"\r") != b".":
                data = script[i].rstrip(b"\r")
                conn.send((b"." + data if data.startswith(b".") else data) + b"\r\n")
                i += 1
            i += 1
            conn.send(b".\r\n")
            lines, ok = conn.reply()
            show(".", lines)
            if not ok:
                return 3
        if word == b"QUIT":
            break
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

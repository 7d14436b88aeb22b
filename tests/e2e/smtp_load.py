#!/usr/bin/env python3
"""smtp_load.py HOST:PORT SESSIONS MESSAGES HOLD - SMTP sessions in parallel.

SESSIONS threads each open one SMTP session and send MESSAGES messages:
MAIL FROM, RCPT TO:<bad@dest.example>, RCPT TO:<ok@dest.example>, DATA
with a header "X-Check: reject".  Then HOLD of the sessions start one more
transaction (MAIL FROM) and wait; once they all wait and every other
session has ended, the program prints "holding HOLD" and reads a line
from standard input; then those sessions finish it (the two RCPTs and the
DATA) and every session sends QUIT.

At the end it prints "refused N" (replies of class 4 or 5 seen), one line
per distinct refusal ("550 5.7.1 text" with its count), and "errors N"
(connections that failed or closed early).  Exit status 0 when errors is
0.  What a client saw is what the milter must have logged.
"""
import collections
import socket
import sys
import threading

lock = threading.Lock()
refused = collections.Counter()
errors = [0]
holding = [0]
ended = [0]            # sessions that do not hold, ended
go = threading.Event()


def maybe_holding(total_hold, others):
    """Called with the lock held: say so once nothing else is running."""
    if holding[0] == total_hold and ended[0] == others:
        print("holding %d" % total_hold, flush=True)


class Session:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=300)
        self.buf = b""

    def reply(self):
        lines = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.s.recv(65536)
                if not chunk:
                    raise EOFError("closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode("utf-8", "replace")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                return lines

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\r\n")
        last = self.reply()[-1]
        if last[:1] in ("4", "5"):
            with lock:
                refused[last] += 1
        return last

    def rest(self, n):
        self.cmd("RCPT TO:<bad@dest.example>")
        self.cmd("RCPT TO:<ok@dest.example>")
        if self.cmd("DATA").startswith("354"):
            self.s.sendall(("Subject: load %d\r\nX-Check: reject\r\n\r\n"
                            "body\r\n.\r\n" % n).encode())
            last = self.reply()[-1]
            if last[:1] in ("4", "5"):
                with lock:
                    refused[last] += 1


def run(host, port, messages, hold, total_hold, others):
    try:
        s = Session(host, port)
        s.reply()
        s.cmd("EHLO client.test")
        for n in range(messages):
            s.cmd("MAIL FROM:<s@src.example>")
            s.rest(n)
        if hold:
            s.cmd("MAIL FROM:<held@src.example>")
            with lock:
                holding[0] += 1
                maybe_holding(total_hold, others)
            go.wait()
            s.rest(messages)
        s.cmd("QUIT")
    except (OSError, EOFError) as e:
        with lock:
            errors[0] += 1
        print("error: %s" % e, file=sys.stderr, flush=True)
    finally:
        if not hold:
            with lock:
                ended[0] += 1
                maybe_holding(total_hold, others)


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    sessions, messages, hold = (int(a) for a in sys.argv[2:5])
    threads = [threading.Thread(target=run, args=(host, int(port), messages,
                                                  i < hold, hold,
                                                  sessions - hold))
               for i in range(sessions)]
    for t in threads:
        t.start()
    if hold:
        sys.stdin.readline()
    go.set()
    for t in threads:
        t.join()
    print("refused %d" % sum(refused.values()))
    for what, n in sorted(refused.items()):
        print("%d %s" % (n, what))
    print("errors %d" % errors[0])
    return 0 if errors[0] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

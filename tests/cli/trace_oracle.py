#!/usr/bin/env python3
"""trace_oracle.py - follow queue ids through an MTA log independently,
to check `esc trace` against.

    trace_oracle.py groups LOG               the messages, as line numbers
    trace_oracle.py compare LOG STORIES      check esc trace --format json

The oracle reads the whole file at once and joins queue ids with a
union-find over every link it finds (regular expressions, no shared
code): a relay's or content filter's "queued as", local's "forwarded
as", a bounce's "notification: ID", pickup's orig_id=, smtpd's
orig_queue_id=, amavis's "Queue-ID: A ... queued_as: B", Sendmail's
"ID: ID2: DSN:".  A message is every line that names one of its queue
ids.  compare checks that each message is exactly the queue-id lines of
one story of esc trace, that no queue-id line is in two stories, and
that every other line of a story (connect, TLS, disconnect) belongs to
the session of one of the story's smtpd processes, or of its client's
postscreen connection.  It prints the differences and exits 1 if there
are any.
"""
import json
import re
import sys

PROG = re.compile(r"(?:^|\s)((?:postfix(?:-[\w.-]+)?/[\w./-]+)|sendmail|sm-[\w-]+|amavisd?(?:-new)?)"
                  r"\[(\d+)\]: (?:\[ID \d+ [\w.]+\] )?(.*)$")
QID = re.compile(r"^([0-9A-Za-z]{5,20}): ")
LINKS = [re.compile(p) for p in (
    r"status=\S+ \(.*queued as ([0-9A-Za-z]+)",
    r"status=\S+ \(forwarded as ([0-9A-Za-z]+)",
    r"^(?:sender|postmaster) [\w -]*notification: ([0-9A-Za-z]+)",
    r"\borig_id=([0-9A-Za-z]+)",
    r"\borig_queue_id=([0-9A-Za-z]+)",
    r"stat=Sent \(([0-9A-Za-z]+) Message accepted",
    r"^([0-9A-Za-z]{5,20}): (?:DSN|return to sender|postmaster notify|sender notify):",
)]
AMAVIS = re.compile(r"Queue-ID: ([0-9A-Za-z]+),.*?queued_as: ([0-9A-Za-z/]+)")
AMAVIS_ID = re.compile(r"Queue-ID: ([0-9A-Za-z]+)")


def is_qid(s):
    return 5 <= len(s) <= 20 and any(c.isdigit() for c in s)


class UF:
    def __init__(self):
        self.p = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        self.p[self.find(a)] = self.find(b)


def groups(path):
    """{root: set(line numbers)} of the queue-id lines, and the program and
    pid of each line"""
    uf = UF()
    owner = {}   # line -> qid
    procs = {}   # line -> (prog, pid, message)
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = PROG.search(line.rstrip("\n"))
            if not m:
                continue
            prog, pid, msg = m.groups()
            procs[n] = (prog, pid, msg)
            if prog.startswith("amavis"):
                a = AMAVIS_ID.search(msg)
                if a:
                    owner[n] = a.group(1)
                    uf.find(a.group(1))
                    b = AMAVIS.search(msg)
                    if b:
                        for q in b.group(2).split("/"):
                            if is_qid(q):
                                uf.union(q, a.group(1))
                continue
            q = QID.match(msg)
            if not q or not is_qid(q.group(1)):
                continue
            qid = q.group(1)
            owner[n] = qid
            uf.find(qid)
            rest = msg[len(qid) + 2:]
            for rx in LINKS:
                for l in rx.findall(rest):
                    if is_qid(l) and l != qid:
                        uf.union(l, qid)
    out = {}
    for n, q in owner.items():
        out.setdefault(uf.find(q), set()).add(n)
    return out, owner, procs


def compare(path, stories_path):
    gs, owner, procs = groups(path)
    bad = []
    seen = {}
    stories = []
    with open(stories_path) as f:
        for i, l in enumerate(f):
            s = json.loads(l)
            lines = [x["line"] for x in s["lines"]]
            stories.append(s)
            for n in lines:
                if n in owner:
                    if n in seen:
                        bad.append("line %d is in two stories (%d and %d)" % (n, seen[n], i))
                    seen[n] = i
            # the other lines: the sessions of the story's own processes
            pids = set()
            clients = set(s["client_ips"])
            for n in lines:
                if n in owner and procs[n][0].endswith("smtpd"):
                    pids.add(procs[n][:2])
            for n in lines:
                if n in owner or n not in procs:
                    continue
                prog, pid, msg = procs[n]
                if prog.endswith("/postscreen"):
                    if not any("[%s]" % ip in msg for ip in clients):
                        bad.append("story %d: postscreen line %d is another client's" % (i, n))
                elif (prog, pid) not in pids and not s["noqueue"]:
                    bad.append("story %d: line %d is not of its sessions" % (i, n))
    by_story = {}
    for n, i in seen.items():
        by_story.setdefault(i, set()).add(n)
    for root, lines in gs.items():
        i = seen.get(min(lines))
        if i is None:
            bad.append("message %s (lines %s...) is in no story" % (root, sorted(lines)[:5]))
            continue
        if by_story[i] != lines:
            miss = sorted(lines - by_story[i])[:8]
            extra = sorted(by_story[i] - lines)[:8]
            bad.append("message %s: story %d lacks lines %s, has others' %s" % (root, i, miss, extra))
    for b in bad:
        print(b)
    print("%d messages, %d stories, %d differences" % (len(gs), len(stories), len(bad)))
    return 1 if bad else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "groups":
        gs, _, _ = groups(sys.argv[2])
        for root, lines in sorted(gs.items(), key=lambda x: min(x[1])):
            print(root, " ".join(map(str, sorted(lines))))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        return compare(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

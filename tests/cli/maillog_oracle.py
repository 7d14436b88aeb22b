#!/usr/bin/env python3
"""maillog_oracle.py - an independent reading of MTA log lines, to check
`esc maillog` against.

    maillog_oracle.py expect LOG            what each line must give
    maillog_oracle.py compare LOG EVENTS    check esc maillog's events
    maillog_oracle.py compose MSGLOG TSV    message-only corpus files as
                                            "prog[1]: message" lines

The oracle knows less than esc maillog and reads differently (regular
expressions over the whole line, no shared code): it picks out the lines
that are a rejection, tempfail, bounce or deferral by their key words and
says what such a line states: the basic code, the enhanced code right
after it, the stage and the recipient.  compare checks that every such
line gave events saying the same, and that no other line gave one
(discard and hold lines, which the oracle does not judge, are let
through).  It prints the differences and exits 1 if there are any.
"""
import json
import re
import sys

PROG = re.compile(r"(?:^|\s)((?:postfix(?:-[\w.-]+)?/[\w./-]+)|sendmail|sm-[\w-]+)"
                  r"(?:\[\d+\])?: (?:\[ID \d+ [\w.]+\] )?(.*)$")
QID = re.compile(r"^(?:[0-9A-Za-z]+|<queue id>): ")
CODE = re.compile(r"^(\d{3})(?:[ -](\d\.\d{1,3}\.\d{1,3})(?=\s|$))?")
XONLY = re.compile(r"^(\d\.\d{1,3}\.\d{1,3})(?=\s|$)")
PF_REJECT = re.compile(r"^(reject|reject_warning|milter-reject|milter-header-reject): (\S+) ")
PF_PROXY = re.compile(r"^proxy-reject: (\S+): (.*?)(?:; (?:from|to|proto|helo)=.*)?$")
PF_CLIENT = re.compile(r"^\S+ from (?:[^\s\[]*\[[^\]]*\](?::\d+)?|[^:\s]+): ")
STAGES = {"CONNECT": "connect", "HELO": "helo", "EHLO": "helo",
          "MAIL": "mail", "RCPT": "rcpt", "DATA": "data", "BDAT": "data",
          "END-OF-MESSAGE": "eom", "VRFY": "vrfy", "ETRN": "etrn",
          "header": "header", "body": "eom", "content": "eom"}
RULESETS = {"check_relay": "connect", "check_helo": "helo",
            "check_mail": "mail", "check_rcpt": "rcpt",
            "check_compat": "rcpt", "check_data": "data",
            "check_eoh": "header", "check_eom": "eom"}


def codes(reply):
    """(code, xcode) a reply text starts with."""
    m = CODE.match(reply)
    if m:
        return m.group(1), m.group(2)
    m = XONLY.match(reply)
    if m:
        return None, m.group(1)
    return None, None


def phase_stage(phase):
    for word, stage in (("RCPT", "rcpt"), ("MAIL FROM", "mail")):
        if word in phase:
            return stage
    if re.search(r"end of data|message body|message content", phase, re.I):
        return "eom"
    if "DATA" in phase or "BDAT" in phase:
        return "data"
    if re.search(r"HELO|EHLO|LHLO", phase):
        return "helo"
    if "greeting" in phase:
        return "connect"
    return None


def expect(line):
    """None, or a dict of what the line states: code, xcode, stage,
    recipients."""
    line = line.rstrip("\r\n")
    m = PROG.search(line)
    if not m:
        return None
    prog, msg = m.group(1), m.group(2).rstrip(' "\r')
    msg = QID.sub("", msg, count=1)
    if prog.startswith("postfix"):
        m = PF_REJECT.match(msg)
        if m:
            stage = STAGES.get(m.group(2))
            rest = msg[m.end():]
            to = re.findall(r"[ ,;]to=<(.*?)>(?=[ ,;:]|$)", msg)
            if m.group(2) in ("header", "body", "content"):
                t = re.search(r"helo=<?[^>\s]*>?: (.*)$", rest) or \
                    re.search(r"(?:to|from)=<[^>]*>: (.*)$", rest)
                reply = t.group(1) if t else ""
            else:
                c = PF_CLIENT.match(msg[len(m.group(1)) + 2:])
                if not c:
                    return None
                reply = msg[len(m.group(1)) + 2 + c.end():]
            code, xcode = codes(reply)
            return {"code": code, "xcode": xcode, "stage": stage,
                    "rcpt": to[-1:] or [None],
                    "mode": "monitor" if m.group(1) == "reject_warning" else "enforce"}
        m = PF_PROXY.match(msg)
        if m:
            code, xcode = codes(m.group(2))
            to = re.findall(r"[ ,;]to=<(.*?)>(?=[ ,;:]|$)", msg)
            return {"code": code, "xcode": xcode, "stage": STAGES.get(m.group(1)),
                    "rcpt": to[-1:] or [None]}
        m = re.search(r"^to=<?([^>,]*)>?, .*status=(bounced|deferred)\b ?(.*)$", msg)
        if m:
            detail = m.group(3)
            code = xcode = stage = None
            s = re.search(r"host \S+ said: (.*?)(?: \(in reply to (.*?) command\)\)?)?\)?$",
                          detail)
            r = re.search(r"host \S+ refused to talk to me: (.*?)\)?$", detail)
            if s:
                code, xcode = codes(s.group(1))
                stage = phase_stage(s.group(2) or "")
            elif r:
                code, xcode = codes(r.group(1))
                stage = "connect"
            elif re.search(r"\bconnect to ", detail):
                stage = "connect"
            elif re.search(r"(lost connection|conversation) with .* while ", detail):
                stage = phase_stage(detail.split(" while ", 1)[1])
            return {"code": code, "xcode": xcode, "stage": stage,
                    "rcpt": [m.group(1)]}
        return None
    # Sendmail
    m = re.search(r"ruleset=(\w+), arg1=([^,]*), .*reject=(.*)$", msg)
    if m:
        code, xcode = codes(m.group(3))
        stage = RULESETS.get(m.group(1))
        rcpt = m.group(2).strip("<>") if stage == "rcpt" else None
        return {"code": code, "xcode": xcode, "stage": stage, "rcpt": [rcpt]}
    m = re.search(r"^Milter: (from=|to=|data|helo|connect)([^,]*), .*reject=(.*)$", msg)
    if m:
        code, xcode = codes(m.group(3))
        stage = {"from=": "mail", "to=": "rcpt", "data": "eom",
                 "helo": "helo", "connect": "connect"}[m.group(1)]
        rcpt = m.group(2).strip("<>") if stage == "rcpt" else None
        return {"code": code, "xcode": xcode, "stage": stage, "rcpt": [rcpt]}
    m = re.search(r"^to=(.*?), (?:.*, )?(?:dsn=(\d)\.\d+\.\d+, )?stat=(.*)$", msg)
    if m and not (m.group(2) == "2" or (m.group(2) is None and
                                        re.match(r"Sent|queued", m.group(3)))):
        stat = re.sub(r"^Deferred(: )?", "", m.group(3))
        code, xcode = codes(stat)
        rcpts = [r.strip("<>") for r in re.findall(r"<[^>]*>|[^,<]+", m.group(1))]
        return {"code": code, "xcode": xcode, "stage": None, "rcpt": rcpts}
    return None


def compare(logpath, eventspath):
    by_line = {}
    with open(eventspath, encoding="utf-8") as f:
        for raw in f:
            ev = json.loads(raw)
            by_line.setdefault(ev["log"]["line"], []).append(ev)
    bad = 0
    checked = 0
    with open(logpath, encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        for no, line in enumerate(f, 1):
            want = expect(line)
            got = by_line.pop(no, [])
            if want is None:
                extra = [e for e in got if e["action"] not in ("discard", "hold")]
                if extra:
                    bad += 1
                    print("%s:%d: an event for a line that is not a rejection: %s"
                          % (logpath, no, line.strip()[:160]))
                continue
            checked += 1
            if len(got) != len(want["rcpt"]):
                bad += 1
                print("%s:%d: %d events, want %d: %s" % (logpath, no, len(got),
                      len(want["rcpt"]), line.strip()[:160]))
                continue
            for ev, rcpt in zip(got, want["rcpt"]):
                reply = ev["reply"] or {}
                have = {"code": reply.get("code"), "xcode": reply.get("xcode"),
                        "stage": ev["stage"], "rcpt": ev["recipient"],
                        "mode": ev["mode"]}
                wanted = {"code": want["code"], "xcode": want["xcode"],
                          "stage": want["stage"], "rcpt": rcpt,
                          "mode": want.get("mode", "enforce")}
                if have != wanted:
                    bad += 1
                    print("%s:%d: got %s, want %s: %s" % (logpath, no, have, wanted,
                          line.strip()[:160]))
    print("%s: %d rejection lines checked, %d differences" % (logpath, checked, bad))
    return 1 if bad else 0


def compose(msglog, tsv):
    progs = {}
    with open(tsv, encoding="utf-8") as f:
        next(f)
        for row in f:
            cols = row.rstrip("\n").split("\t")
            progs[int(cols[0])] = cols[1]
    with open(msglog, encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        for no, line in enumerate(f, 1):
            sys.stdout.write("%s[1]: %s" % (progs.get(no, "postfix/smtpd"), line))


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "compose":
        compose(sys.argv[2], sys.argv[3])
        sys.exit(0)
    for no, line in enumerate(open(sys.argv[2], errors="surrogateescape"), 1):
        e = expect(line)
        if e:
            print(no, json.dumps(e))

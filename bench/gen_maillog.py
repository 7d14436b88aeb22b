#!/usr/bin/env python3
"""gen_maillog.py LINES > mail.log - a Postfix log of about LINES lines with
known counts, for bench/bench_maillog.sh.

Each session is the lines a real Postfix 3.7 writes (postscreen, smtpd,
cleanup, qmgr, smtp or local, in their real wording); one in four ends in
a rejection or a failed delivery of one of the kinds below, the rest are
delivered.  The counts of each kind are printed on standard error as JSON,
so a benchmark can check what each tool found against the truth.
"""
import json
import random
import sys

KINDS = [
    # name, weight
    ("smtpd_rcpt_550", 6), ("smtpd_rcpt_450", 3), ("smtpd_relay_554", 3),
    ("postscreen_dnsbl", 6), ("milter_eom", 3), ("milter_rcpt", 2),
    ("cleanup_header", 2), ("cleanup_hold", 1), ("cleanup_discard", 1),
    ("reject_warning", 1), ("smtp_bounce_5726", 2), ("smtp_defer_4728", 2),
    ("smtp_defer_refused", 1), ("local_bounce", 1),
]


def main():
    target = int(sys.argv[1])
    rnd = random.Random(1)
    counts = {k: 0 for k, _ in KINDS}
    counts["delivered"] = 0
    names, weights = zip(*KINDS)
    out = sys.stdout
    n = 0
    t = 0
    qid = 0x1A2B3C0
    while n < target:
        t += rnd.randint(1, 3)
        h, m, s = (t // 3600) % 24, (t // 60) % 60, t % 60
        ts = "Mar %2d %02d:%02d:%02d" % (14 + (t // 86400) % 10, h, m, s)
        pid = 1000 + rnd.randint(0, 8999)
        ip = "192.0.%d.%d" % (rnd.randint(0, 255), rnd.randint(1, 254))
        host = "mail%d.example.net" % rnd.randint(1, 999)
        rcpt = "user%d@example.com" % rnd.randint(1, 5000)
        sender = "s%d@example.org" % rnd.randint(1, 5000)
        qid += 1
        q = "%X" % qid
        lines = []

        def L(prog, msg):
            lines.append("%s mx1 postfix/%s[%d]: %s" % (ts, prog, pid, msg))

        port = rnd.randint(1024, 65535)
        L("postscreen", "CONNECT from [%s]:%d to [192.0.2.1]:25" % (ip, port))
        kind = rnd.choices(names, weights)[0] if rnd.random() < 0.25 else "delivered"
        counts[kind] += 1
        tail = "; from=<%s> to=<%s> proto=ESMTP helo=<%s>" % (sender, rcpt, host)
        if kind == "postscreen_dnsbl":
            L("postscreen", "DNSBL rank 3 for [%s]:%d" % (ip, port))
            L("postscreen", "NOQUEUE: reject: RCPT from [%s]:%d: 550 5.7.1 Service unavailable; "
              "client [%s] blocked using zen.spamhaus.org; from=<%s>, to=<%s>, proto=ESMTP, helo=<%s>"
              % (ip, port, ip, sender, rcpt, host))
            L("postscreen", "DISCONNECT [%s]:%d" % (ip, port))
        else:
            L("postscreen", "PASS OLD [%s]:%d" % (ip, port))
            L("smtpd", "connect from %s[%s]" % (host, ip))
            L("smtpd", "Anonymous TLS connection established from %s[%s]: TLSv1.3 with cipher "
              "TLS_AES_256_GCM_SHA384 (256/256 bits)" % (host, ip))
            if kind == "smtpd_rcpt_550":
                L("smtpd", "NOQUEUE: reject: RCPT from %s[%s]: 550 5.1.1 <%s>: Recipient address "
                  "rejected: User unknown in virtual mailbox table%s" % (host, ip, rcpt, tail))
            elif kind == "smtpd_rcpt_450":
                L("smtpd", "NOQUEUE: reject: RCPT from %s[%s]: 450 4.7.1 Client host rejected: "
                  "cannot find your reverse hostname, [%s]%s" % (host, ip, ip, tail))
            elif kind == "smtpd_relay_554":
                L("smtpd", "NOQUEUE: reject: RCPT from %s[%s]: 554 5.7.1 <%s>: Relay access "
                  "denied%s" % (host, ip, rcpt, tail))
            elif kind == "milter_rcpt":
                L("smtpd", "NOQUEUE: milter-reject: RCPT from %s[%s]: 550 5.7.1 Recipient refused%s"
                  % (host, ip, tail))
            elif kind == "reject_warning":
                L("smtpd", "NOQUEUE: reject_warning: RCPT from %s[%s]: 450 4.7.1 Client host "
                  "rejected: cannot find your reverse hostname, [%s]%s" % (host, ip, ip, tail))
            if kind not in ("smtpd_rcpt_550", "smtpd_rcpt_450", "smtpd_relay_554", "milter_rcpt"):
                L("smtpd", "%s: client=%s[%s]" % (q, host, ip))
                L("cleanup", "%s: message-id=<%d@%s>" % (q, qid, host))
                if kind == "milter_eom":
                    L("cleanup", "%s: milter-reject: END-OF-MESSAGE from %s[%s]: 5.7.1 Spam "
                      "message rejected%s" % (q, host, ip, tail))
                elif kind == "cleanup_header":
                    L("cleanup", "%s: reject: header Subject: buy now from %s[%s]%s: 5.7.1 "
                      "Header refused" % (q, host, ip, tail))
                elif kind == "cleanup_hold":
                    L("cleanup", "%s: hold: header Subject: check me from %s[%s]%s" % (q, host, ip, tail))
                elif kind == "cleanup_discard":
                    L("cleanup", "%s: discard: header Subject: **SPAM** from %s[%s]%s" % (q, host, ip, tail))
                else:
                    L("qmgr", "%s: from=<%s>, size=%d, nrcpt=1 (queue active)" % (q, sender, rnd.randint(800, 90000)))
                    relay = "gmail-smtp-in.l.google.com[142.250.1.27]:25"
                    if kind == "smtp_bounce_5726":
                        L("smtp", "%s: to=<%s>, relay=%s, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.7.26, "
                          "status=bounced (host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.26 "
                          "Unauthenticated email is not accepted 550-5.7.26 from this domain. 550 5.7.26 "
                          "Please set up SPF. - gsmtp (in reply to end of DATA command))" % (q, rcpt, relay))
                        L("bounce", "%s: sender non-delivery notification: %X" % (q, qid + 0x100000))
                    elif kind == "smtp_defer_4728":
                        L("smtp", "%s: to=<%s>, relay=%s, delay=1.2, delays=0.1/0/0.5/0.6, dsn=4.7.28, "
                          "status=deferred (host gmail-smtp-in.l.google.com[142.250.1.27] said: 421-4.7.28 "
                          "Unusual rate of unsolicited mail 421 4.7.28 from your IP. - gsmtp (in reply "
                          "to end of DATA command))" % (q, rcpt, relay))
                    elif kind == "smtp_defer_refused":
                        L("smtp", "%s: to=<%s>, relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, "
                          "status=deferred (connect to mx.example.com[198.51.100.7]:25: Connection "
                          "refused)" % (q, rcpt))
                    elif kind == "local_bounce":
                        L("local", "%s: to=<%s>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=5.1.1, "
                          "status=bounced (unknown user: \"%s\")" % (q, rcpt, rcpt.split("@")[0]))
                        L("bounce", "%s: sender non-delivery notification: %X" % (q, qid + 0x100000))
                    else:
                        L("smtp", "%s: to=<%s>, relay=%s, delay=0.8, delays=0.1/0/0.3/0.4, dsn=2.0.0, "
                          "status=sent (250 2.0.0 OK  1710374400 x - gsmtp)" % (q, rcpt, relay))
                    L("qmgr", "%s: removed" % q)
            L("smtpd", "disconnect from %s[%s] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7"
              % (host, ip))
        out.write("\n".join(lines) + "\n")
        n += len(lines)
    counts["lines"] = n
    sys.stderr.write(json.dumps(counts) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""make_milter_seeds.py DIR - write seed inputs for fuzz_milter: records of
[op][len][bytes] (see fuzz_milter.c) that walk typical SMTP sessions."""
import os
import sys

NEG, CONN, HELO, MAIL, RCPT, HDR, EOH, BODY, EOM, ABORT, MACRO, CLOSE = range(12)
MACROS = ["i", "j", "_", "{auth_authen}", "{rcpt_mailer}", "{rcpt_host}",
          "{rcpt_addr}", "{daemon_name}", "{mail_addr}", "{client_addr}"]


def rec(op, data=b""):
    if isinstance(data, str):
        data = data.encode()
    return bytes([op, len(data)]) + data


def macro(name, value):
    # fuzz_milter picks the macro by len(value) % number of names
    value = value.encode()
    i = MACROS.index(name)
    while len(value) % len(MACROS) != i:
        value += b" "
    return rec(MACRO, value)


seeds = {
    "clean": [rec(NEG, b"\xff\xff"), rec(CONN, b"\xc0\x00\x02\x01"), rec(HELO, "mail.example.org"),
              rec(MAIL, "<a@example.org>"), rec(RCPT, "<b@example.com>"), macro("i", "ABC123"),
              rec(HDR, "Subject:hello"), rec(EOH), rec(BODY, "hello world\r\n"), rec(EOM), rec(CLOSE)],
    "rejects": [rec(CONN, b"\x0a\x01\x02\x03"), rec(HELO, "bad.helo"), rec(MAIL, "<x@spam.test>"),
                rec(RCPT, "<x@y>"), rec(RCPT, "<u@multi.test>"), rec(CLOSE)],
    "monitor": [rec(CONN, b"\xc0\x00\x02\x01"), rec(HELO, "ok"), rec(MAIL, "<s@ok.test>"),
                rec(RCPT, "<r@x.test>"), rec(HDR, "Subject:please watch this"),
                rec(HDR, "Received-SPF: fail (x)"), rec(EOH), rec(EOM)],
    "dsn": [rec(CONN, b"\xc0\x00\x02\x01"), rec(HELO, "mx"), rec(MAIL, "<>"), rec(RCPT, "<p@x>"),
            rec(HDR, "Content-Type:multipart/report; report-type=delivery-status; boundary=b"),
            rec(HDR, "X-F-DSN:forged"), rec(EOH),
            rec(BODY, "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"),
            rec(BODY, "Final-Recipient: rfc822; g@x\nAction: failed\nStatus: 5.1.1\n"
                      "Diagnostic-Code: smtp; 550 5.1.1 no\n--b--\n"),
            rec(EOM)],
    "mta_reject": [rec(CONN, b"\xc0\x00\x02\x01"), rec(HELO, "h"), rec(MAIL, "<a@b>"),
                   macro("{rcpt_mailer}", "error"), macro("{rcpt_host}", "5.1.1"),
                   macro("{rcpt_addr}", "User unknown"), rec(RCPT, "<n@x>"), rec(ABORT)],
    "body": [rec(CONN), rec(HELO, "h"), rec(MAIL, "<a@b>"), rec(RCPT, "<c@d>"), rec(EOH),
             rec(BODY, "a" * 200), rec(BODY, "a" * 200 + "c"), rec(EOM)],
    "discard": [rec(CONN), rec(MAIL, "<drop@x.test>"), rec(RCPT, "<a@b>"), rec(EOM), rec(MAIL, "<q@r>"),
                macro("{auth_authen}", "user"), rec(RCPT, "<y@z>")],
}
os.makedirs(sys.argv[1], exist_ok=True)
for name, recs in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(b"".join(recs))

#!/usr/bin/python3
"""Independent oracle for the DSN corpus test: for each message, the number
of per-recipient field groups in the delivery-status parts that Python's
email package reaches from the top of the message (not inside attached
messages).  A group is a block of fields holding Final-Recipient or
Original-Recipient; a block where one of those repeats holds several
recipients (servers that omit the blank line between recipients).

Usage: dsn_oracle.py FILE...   prints "FILE<TAB>COUNT" per file."""
import email
import email.policy
import re
import sys

DS = ('message/delivery-status', 'message/global-delivery-status')
FIELD = re.compile(rb'^([A-Za-z0-9_-]+)[ \t]*:', re.M)


def parts(m):
    if m.is_multipart() and m.get_content_maintype() == 'multipart':
        for p in m.get_payload():
            yield from parts(p)
    else:
        yield m


def raw_payload(p):
    # The email package parses delivery-status bodies into sub-messages;
    # go back to the raw text of the part.
    s = p.as_bytes(policy=email.policy.compat32)
    i = s.find(b'\n\n')
    return s[i + 2:] if i >= 0 else b''


def groups(body):
    n = 0
    for block in re.split(rb'\r?\n[ \t]*\r?\n', body.replace(b'\r\n', b'\n')):
        names = [f.lower() for f in FIELD.findall(block)]
        fr = names.count(b'final-recipient')
        orr = names.count(b'original-recipient')
        if fr or orr:
            n += max(fr, orr, 1)
    return n


# Blank lines before the header (a saved or pasted message) are skipped,
# as esc dsn does and says.
LEAD = re.compile(rb'\A(?:[ \t\r]*\n)+')

for f in sys.argv[1:]:
    with open(f, 'rb') as fp:
        m = email.message_from_bytes(LEAD.sub(b'', fp.read()))
    count = 0
    for p in parts(m):
        if p.get_content_type() in DS:
            count += groups(raw_payload(p))
    print('%s\t%d' % (f, count))

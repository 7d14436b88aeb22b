#!/bin/bash
# t-suppress.sh - esc suppress on a Postfix log, an event log and a DSN
# together: what is suppressed and why, the traps that are not (DMARC,
# Spamhaus, Yahoo's TSS04, one 5.2.2, retries of one message, a bounce
# followed by a delivery, a hand-off to a local content filter), the
# options, every format, and an access table postmap accepts whose
# replies esc check passes.
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-suppress.XXXXXX")
trap 'rm -rf "$T"' EXIT

# d DAY TIME QID RCPT RELAY DSN STATUS [REPLY] - a delivery line of smtp(8)
d() {
	local st="$7" why=""
	[ -n "${8:-}" ] && why=" (host $5[192.0.2.9] said: $8 (in reply to RCPT TO command))"
	[ "$st" = sent ] && why=" (250 2.0.0 Ok: queued)"
	printf 'Nov %2d %s mx1 postfix/smtp[7]: %s: to=<%s>, relay=%s[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=%s, status=%s%s\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$st" "$why"
}
{
	# hard: user unknown, once
	d 2 10:00:00 A1 gone@example.com mx.example.com 5.1.1 bounced "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"
	# hard without an enhanced code
	d 2 10:01:00 A2 nosuch@example.net mx.example.net 5.0.0 bounced "550 No such user here"
	# soft: mailbox full, three messages in five days
	d 3 10:00:00 B1 full@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	d 5 10:00:00 B2 full@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	d 8 10:00:00 B3 full@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	# one message retried three times: counts once
	d 3 10:00:00 C1 retry@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	d 3 11:00:00 C1 retry@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	d 3 12:00:00 C1 retry@example.org mx.example.org 4.2.2 deferred "452 4.2.2 Mailbox full"
	# one 5.2.2
	d 4 10:00:00 D1 once@example.org mx.example.org 5.2.2 bounced "552 5.2.2 Mailbox full"
	# about us, never about the address
	d 4 11:00:00 E1 dmarc@gmail.com gmail-smtp-in.l.google.com 5.7.26 bounced "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy"
	d 4 11:00:01 E2 dmarc@gmail.com gmail-smtp-in.l.google.com 5.7.26 bounced "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy"
	d 4 11:01:00 E3 listed@outlook.com outlook-com.olc.protection.outlook.com 5.7.1 bounced "550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus"
	d 4 11:02:00 E4 busy@yahoo.com mta5.am0.yahoodns.net 4.7.0 deferred "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"
	d 4 11:03:00 E5 busy@yahoo.com mta5.am0.yahoodns.net 4.7.0 deferred "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"
	d 4 11:04:00 E6 busy@yahoo.com mta5.am0.yahoodns.net 4.7.0 deferred "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"
	# bounced, then took a message: not suppressed
	d 5 10:00:00 F1 back@example.com mx.example.com 5.1.1 bounced "550 5.1.1 User unknown"
	d 6 10:00:00 F2 back@example.com mx.example.com 2.0.0 sent
	# bounced, then a hand-off to the local content filter: still suppressed
	d 5 10:00:00 G1 filtered@example.com mx.example.com 5.1.1 bounced "550 5.1.1 User unknown"
	printf 'Nov  6 10:00:00 mx1 postfix/smtp[7]: G2: to=<filtered@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n'
	# inbound rejections are not about our mail
	printf 'Nov  6 10:00:00 mx1 postfix/smtpd[8]: NOQUEUE: reject: RCPT from x[192.0.2.7]: 550 5.1.1 <local@our.example>: Recipient address rejected: User unknown in local recipient table; from=<a@b.example> to=<local@our.example> proto=ESMTP helo=<x>\n'
	echo 'not a log line at all'
} > "$T/mail.log"
touch -d 2026-11-20T00:00:00Z "$T/mail.log"

# the daemon's events: an outbound refusal and a received DSN
cat > "$T/events.json" <<'EV'
{"ts":"2026-11-10T09:00:00.000Z","event":"reply","host":"mx1","queue_id":"H1","source":"remote","action":"reject","mode":"enforce","recipient":"ev-gone@example.com","reply":{"code":"550","xcode":"5.1.1","text":"User unknown"},"class":5,"reason":"userunknown","direction":"outbound"}
{"ts":"2026-11-10T09:00:00.000Z","event":"reply","host":"mx1","queue_id":"H2","source":"remote","action":"reject","mode":"monitor","recipient":"ev-monitor@example.com","reply":{"code":"550","xcode":"5.1.1","text":"User unknown"},"class":5,"reason":"userunknown","direction":"outbound"}
{"ts":"2026-11-10T09:00:00.000Z","event":"reply","host":"mx1","queue_id":"H3","source":"remote","action":"reject","mode":"enforce","recipient":"ev-old@example.com","reply":{"code":"550","xcode":null,"text":"mailbox unavailable: no such user"},"class":5,"direction":"outbound"}
{"ts":"2026-11-11T09:00:00.000Z","event":"dsn","host":"mx1","queue_id":"H4","recipient":"dsn-ev@example.com","action":"failed","status":"5.1.2","class":5,"reason":"hostunknown"}
{"ts":"2026-11-11T09:00:00.000Z","event":"stats","host":"mx1"}
EV

# a DSN message
cat > "$T/bounce.eml" <<'EML'
Return-Path: <>
From: MAILER-DAEMON@mx.example.net
To: a@our.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

I could not deliver your message.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; moved@example.net
Action: failed
Status: 5.1.6
Diagnostic-Code: smtp; 551 5.1.6 User has moved; no forwarding address
Last-Attempt-Date: Thu, 12 Nov 2026 08:00:00 +0000

Final-Recipient: rfc822; later@example.net
Action: delayed
Status: 4.4.1
Diagnostic-Code: smtp; 451 4.4.1 Connection timed out
--b--
EML

run "$ESC" suppress "$T/mail.log" "$T/events.json" "$T/bounce.eml"
is "$rc" 0 "exit 0 (a bad line is not fatal)"
is "$out" "address              kind reason       code      count  first seen            last seen
dsn-ev@example.com   hard hostunknown  5.1.2         1  2026-11-11T09:00:00Z  2026-11-11T09:00:00Z
ev-gone@example.com  hard userunknown  5.1.1         1  2026-11-10T09:00:00Z  2026-11-10T09:00:00Z
ev-old@example.com   hard userunknown  550           1  2026-11-10T09:00:00Z  2026-11-10T09:00:00Z
filtered@example.com hard userunknown  5.1.1         1  2026-11-05T10:00:00Z  2026-11-05T10:00:00Z
full@example.org     soft mailboxfull  4.2.2         3  2026-11-03T10:00:00Z  2026-11-08T10:00:00Z
gone@example.com     hard userunknown  5.1.1         1  2026-11-02T10:00:00Z  2026-11-02T10:00:00Z
moved@example.net    hard hasmoved     5.1.6         1  2026-11-12T08:00:00Z  2026-11-12T08:00:00Z
nosuch@example.net   hard userunknown  5.0.0         1  2026-11-02T10:01:00Z  2026-11-02T10:01:00Z
8 of 15 addresses suppressed" \
    "suppressed: hard failures about the address (a log, events old and new, a DSN), three mailbox-full deferrals in a week; not: DMARC, Spamhaus, TSS04, one 5.2.2, one retried message, a bounce then a delivery, monitor events, inbound rejections"

by() { "$ESC" suppress --format csv "$@" "$T/mail.log" | tail -n +2 | cut -d, -f1,2,3 | tr -d '"' | tr '\n' ' '; }
is "$(by --hard 2)" "full@example.org,soft,mailboxfull " "--hard 2: one bounce is not enough"
is "$(by --soft 2 --within 2)" "filtered@example.com,hard,userunknown full@example.org,soft,mailboxfull gone@example.com,hard,userunknown nosuch@example.net,hard,userunknown " \
    "--soft 2 --within 2: two of the deferrals are two days apart"
is "$(by --soft 3 --within 4)" "filtered@example.com,hard,userunknown gone@example.com,hard,userunknown nosuch@example.net,hard,userunknown " \
    "--within 4: the three deferrals span five days"
is "$(by --since 2026-11-04)" "filtered@example.com,hard,userunknown " "--since: the earlier failures are not read"
is "$(ESC_THREADS=3 "$ESC" suppress --format csv "$T/mail.log" "$T/events.json")" \
    "$(ESC_THREADS=1 "$ESC" suppress --format csv "$T/mail.log" "$T/events.json")" "three threads find what one finds"

run "$ESC" suppress --format json "$T/mail.log" "$T/bounce.eml"
is "$(printf '%s' "$out" | jq -c '[.rules, .count, (.suppressed[] | select(.address == "moved@example.net") | [.kind, .reason, .code, .xcode, .count, .first_seen])]')" \
    '[{"hard":1,"soft":3,"within_days":7},5,["hard","hasmoved","551","5.1.6",1,"2026-11-12T08:00:00Z"]]' "json: the rules, and each address with its codes and times"

# The access table: postmap takes it, the replies pass esc check.
run "$ESC" suppress --format postfix "$T/mail.log" "$T/events.json" "$T/bounce.eml"
is "$rc" 0 "postfix: exit 0"
printf '%s\n' "$out" > "$T/esc-suppress"
like "$out" $'full@example\\.org\t550 5\\.2\\.2 Suppressed, the mailbox is full \\(3 temporary failures, the last on 2026-11-08\\)' \
    "postfix: a reply per address, saying why"
is "$(grep -v '^#' "$T/esc-suppress" | cut -f2 | cut -c1-10 | sort | uniq -c | awk '{print $2, $3, $1}' | tr '\n' ' ')" \
    "550 5.1.1 5 550 5.1.2 1 550 5.1.6 1 550 5.2.2 1 " "postfix: the codes follow the reasons"
bad=0
while IFS=$'\t' read -r addr reply; do
	case $addr in '#'*|'') continue ;; esac
	"$ESC" check --stage rcpt "$reply" > /dev/null || { bad=$((bad + 1)); echo "# esc check refuses: $reply"; }
done < "$T/esc-suppress"
is "$bad" 0 "postfix: every reply passes esc check"
if command -v postmap > /dev/null; then
	mkdir "$T/pf"
	printf 'compatibility_level = 3.6\n' > "$T/pf/main.cf"
	run postmap -c "$T/pf" "$T/esc-suppress"
	is "$rc" 0 "postmap accepts the table"
	is "$(postmap -c "$T/pf" -q moved@example.net "hash:$T/esc-suppress")" \
	    "550 5.1.6 Suppressed, the mailbox has moved (1 permanent failure, the last on 2026-11-12)" \
	    "postmap -q finds the reply"
else
	ok 0 "# SKIP postmap not installed (Debian: postfix)"
	ok 0 "# SKIP postmap not installed (Debian: postfix)"
fi
printf 'Nov  2 10:00:00 mx1 postfix/smtp[7]: Q: to=<"a b"@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n' > "$T/quoted.log"
run "$ESC" suppress --format postfix "$T/quoted.log"
like "$err" '"a b"@example.com: left out: an access table key cannot hold blanks' "postfix: an address no table key can hold is left out, and said"

run "$ESC" suppress --hard 0 "$T/mail.log"
is "$rc" 2 "--hard 0: exit 2"
like "$err" '--hard must be a whole number from 1' "and says what it must be"
run "$ESC" suppress --since yesterday-ish "$T/mail.log"
is "$rc" 2 "an unreadable --since: exit 2"
run "$ESC" suppress "$T/missing.log" "$T/mail.log"
is "$rc" 2 "a missing file: exit 2"
like "$out" 'gone@example\.com' "the other files still read"
run "$ESC" suppress
is "$rc" 2 "nothing to read: exit 2"
run "$ESC" suppress --format sarif "$T/mail.log"
like "$err" 'must be text, json, csv or postfix' "formats: text, json, csv, postfix"
done_testing

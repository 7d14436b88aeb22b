#!/bin/bash
# t-trace.sh - esc trace: each filter, the text and the JSON (every line
# it names is the log's line), a relay's "queued as" leading from one
# host's log (plain) into the next's (gzip, named first), Sendmail,
# NOQUEUE stories, hostile lines, exit statuses and messages; --dsn with
# a bounce Postfix writes, a remote server's asynchronous bounce, codes
# that disagree and a recipient the log lacks; then, on the shared
# corpus (../shared/corpus/maillogs, when present), an independent
# oracle (trace_oracle.py) that follows the queue ids its own way agrees
# on every message of every log, the three-day postfix-logsums log with
# its amavis re-injections first.
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-trace.XXXXXX")
trap 'rm -rf "$T"' EXIT
PY=${PYTHON:-python3}
ORACLE="$top_srcdir/tests/cli/trace_oracle.py"

# jq-free JSON checks: py EXPR FILE - EXPR over the list of objects `s`
py() {
	"$PY" -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[2])]
print(eval(sys.argv[1]))' "$1" "$2"
}

# --- one host and its content filter, and the next host ------------------
cat > "$T/mx1.log" <<'LOG'
Nov 29 10:00:00 mx1 postfix/postscreen[10]: CONNECT from [192.0.2.7]:40001 to [192.0.2.1]:25
Nov 29 10:00:01 mx1 postfix/postscreen[10]: PASS OLD [192.0.2.7]:40001
Nov 29 10:00:01 mx1 postfix/smtpd[11]: connect from mail.example.net[192.0.2.7]
Nov 29 10:00:02 mx1 postfix/smtpd[11]: 3F1A2B4C5D: client=mail.example.net[192.0.2.7]
Nov 29 10:00:02 mx1 postfix/cleanup[12]: 3F1A2B4C5D: message-id=<m1@example.net>
Nov 29 10:00:02 mx1 postfix/qmgr[13]: 3F1A2B4C5D: from=<alice@example.net>, size=900, nrcpt=2 (queue active)
Nov 29 10:00:02 mx1 postfix/smtpd[11]: NOQUEUE: reject: RCPT from mail.example.net[192.0.2.7]: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table; from=<alice@example.net> to=<nobody@example.com> proto=ESMTP helo=<mail.example.net>
Nov 29 10:00:03 mx1 postfix/smtpd[11]: disconnect from mail.example.net[192.0.2.7] ehlo=1 mail=2 rcpt=2/3 data=1 quit=1 commands=7/8
Nov 29 10:00:03 mx1 postfix/smtpd[20]: connect from other.example.org[198.51.100.3]
Nov 29 10:00:04 mx1 postfix/10025/smtpd[14]: connect from localhost[127.0.0.1]
Nov 29 10:00:04 mx1 postfix/10025/smtpd[14]: 5D6E7F8A9B: client=localhost[127.0.0.1]
Nov 29 10:00:04 mx1 postfix/cleanup[12]: 5D6E7F8A9B: message-id=<m1@example.net>
Nov 29 10:00:04 mx1 postfix/10025/smtpd[14]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=2 data=1 quit=1 commands=6
Nov 29 10:00:04 mx1 postfix/qmgr[13]: 5D6E7F8A9B: from=<alice@example.net>, size=1200, nrcpt=2 (queue active)
Nov 29 10:00:04 mx1 postfix/smtp[15]: 3F1A2B4C5D: to=<bob@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0/0/0/2, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5D6E7F8A9B)
Nov 29 10:00:04 mx1 postfix/smtp[15]: 3F1A2B4C5D: to=<carol@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=2, delays=0/0/0/2, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5D6E7F8A9B)
Nov 29 10:00:04 mx1 postfix/qmgr[13]: 3F1A2B4C5D: removed
Nov 29 10:00:06 mx1 postfix/smtp[16]: 5D6E7F8A9B: to=<bob@example.com>, relay=mx2.example.com[192.0.2.20]:25, delay=2, delays=0/0/1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9A8B7C6D5E)
Nov 29 10:00:07 mx1 postfix/smtp[17]: 5D6E7F8A9B: to=<carol@example.org>, relay=mx.example.org[198.51.100.9]:25, delay=3, delays=0/0/1/2, dsn=5.2.1, status=bounced (host mx.example.org[198.51.100.9] said: 550 5.2.1 <carol@example.org>: mailbox disabled (in reply to RCPT TO command))
Nov 29 10:00:07 mx1 postfix/cleanup[12]: 7C8D9E0F1A: message-id=<7C8D9E0F1A@mx1.example.com>
Nov 29 10:00:07 mx1 postfix/bounce[18]: 5D6E7F8A9B: sender non-delivery notification: 7C8D9E0F1A
Nov 29 10:00:07 mx1 postfix/qmgr[13]: 7C8D9E0F1A: from=<>, size=3000, nrcpt=1 (queue active)
Nov 29 10:00:07 mx1 postfix/qmgr[13]: 5D6E7F8A9B: removed
Nov 29 10:00:08 mx1 postfix/smtp[16]: 7C8D9E0F1A: to=<alice@example.net>, relay=mail.example.net[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1122334455)
Nov 29 10:00:08 mx1 postfix/qmgr[13]: 7C8D9E0F1A: removed
Nov 29 10:00:09 mx1 postfix/smtpd[20]: disconnect from other.example.org[198.51.100.3] ehlo=1 quit=1 commands=2
Nov 29 10:00:10 mx1 postfix/qmgr[13]: 6A6A6A6A6A: from=<dave@example.com>, size=10, nrcpt=1 (queue active)
Nov 29 10:00:11 mx1 postfix/smtp[15]: 6A6A6A6A6A: to=<erin@example.net>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mail.example.net[192.0.2.7]:25: Connection refused)
LOG
cat > "$T/mx2.log" <<'LOG'
Nov 29 10:00:05 mx2 postfix/smtpd[31]: connect from mx1.example.com[192.0.2.1]
Nov 29 10:00:06 mx2 postfix/smtpd[31]: 9A8B7C6D5E: client=mx1.example.com[192.0.2.1]
Nov 29 10:00:06 mx2 postfix/cleanup[32]: 9A8B7C6D5E: message-id=<m1@example.net>
Nov 29 10:00:06 mx2 postfix/qmgr[33]: 9A8B7C6D5E: from=<alice@example.net>, size=1300, nrcpt=1 (queue active)
Nov 29 10:00:06 mx2 postfix/smtpd[31]: disconnect from mx1.example.com[192.0.2.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
Nov 29 10:00:06 mx2 postfix/local[34]: 9A8B7C6D5E: to=<bob@example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)
Nov 29 10:00:06 mx2 postfix/qmgr[33]: 9A8B7C6D5E: removed
LOG
touch -d 2026-12-01T00:00:00Z "$T/mx1.log" "$T/mx2.log"
gzip -k "$T/mx2.log"
touch -d 2026-12-01T00:00:00Z "$T/mx2.log.gz"

# the log's line N of FILE
lineof() { sed -n "$2p" "$T/$1"; }

run "$ESC" trace --queue-id 3F1A2B4C5D "$T/mx1.log"
is "$rc" 0 "trace by the first queue id: exit 0"
like "$out" '^message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455' \
    "the path: received, re-injected by the filter, the bounce, and the next server's id"
like "$out" 'client     mail\.example\.net\[192\.0\.2\.7\]' "the client"
like "$out" 'sender     <alice@example\.net>' "the sender"
like "$out" 'message-id <m1@example\.net>' "the Message-ID"
like "$out" '5D6E7F8A9B +queued as, from 3F1A2B4C5D, on mx1, sent in by localhost\[127\.0\.0\.1\], removed' \
    "the re-injected id: how, from what, sent in by the filter"
like "$out" '7C8D9E0F1A +notification, from 5D6E7F8A9B, on mx1, removed' "the bounce's id"
like "$out" '9A8B7C6D5E +queued as, from 5D6E7F8A9B, on a host whose log is not here' \
    "the next server's id, whose log was not given"
like "$out" '5D6E7F8A9B +bounced    550 5\.2\.1     suspend \(Mailbox disabled, not accepting messages\) to mx\.example\.org\[198\.51\.100\.9\]' \
    "carol's bounce: codes, reason, the registry's words, the remote"
like "$out" '"<carol@example\.org>: mailbox disabled"' "and what the server said"
like "$out" '3F1A2B4C5D +sent       250 2\.0\.0     to 127\.0\.0\.1\[127\.0\.0\.1\], queued as 5D6E7F8A9B' \
    "bob handed to the content filter"
unlike "$out" 'nobody@example\.com' "the NOQUEUE refusal of the same session is not this message"
unlike "$out" 'other\.example\.org' "another client's session is not in it"
like "$out" "mx1\.log:1  $(lineof mx1.log 1 | sed 's/[][\.*^$]/\\&/g')" "postscreen's lines of the connection come first"
n=$(printf '%s\n' "$out" | grep -c 'mx1\.log:[0-9]*  ')
is "$n" 23 "23 lines: the session's, every id's"
for q in 5D6E7F8A9B 7C8D9E0F1A; do
	run "$ESC" trace --queue-id $q "$T/mx1.log"
	like "$out" '^message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A' "--queue-id $q: the same story"
done

# the next host's log (gzip) given first: merged by time
run "$ESC" trace --queue-id 9A8B7C6D5E "$T/mx2.log.gz" "$T/mx1.log"
is "$rc" 0 "two hosts' logs: exit 0"
like "$out" '9A8B7C6D5E +queued as, from 5D6E7F8A9B, on mx2, sent in by mx1\.example\.com\[192\.0\.2\.1\], removed' "the relay's id found in the next host's log"
like "$out" 'mx2\.log\.gz:6  .*9A8B7C6D5E: to=<bob@example\.com>, relay=local' "mx2's lines, with their file"
like "$out" '9A8B7C6D5E +sent       -   2\.0\.0' "bob's final delivery on mx2"
run "$ESC" trace --format json --queue-id 3F1A2B4C5D "$T/mx2.log.gz" "$T/mx1.log"
printf '%s\n' "$out" > "$T/two.json"
is "$(py 'len(s)' "$T/two.json")" 1 "JSON: one object"
is "$(py '[q["id"] + "@" + str(q["host"]) for q in s[0]["queue_ids"]]' "$T/two.json")" \
    "['3F1A2B4C5D@mx1', '5D6E7F8A9B@mx1', '9A8B7C6D5E@mx2', '7C8D9E0F1A@mx1', '1122334455@None']" \
    "JSON: queue ids in the order the message went, with their hosts"
is "$(py '[(l["file"].split("/")[-1], l["line"]) for l in s[0]["lines"]][:6]' "$T/two.json")" \
    "[('mx1.log', 1), ('mx1.log', 2), ('mx1.log', 3), ('mx1.log', 4), ('mx1.log', 5), ('mx1.log', 6)]" \
    "JSON: every line as {file, line}"
bad=$("$PY" - "$T/two.json" <<'PY'
import json, sys
s = json.loads(open(sys.argv[1]).readline())
bad = 0
for l in s["lines"]:
    if open(l["file"]).read().split("\n")[l["line"] - 1] != l["text"] if not l["file"].endswith(".gz") else False:
        bad += 1
print(bad)
PY
)
is "$bad" 0 "JSON: each line's text is the line the file has there"
is "$(py '[(o["status"], o["xcode"], o.get("reason")) for r in s[0]["recipients"] if r["address"] == "carol@example.org" for o in r["outcomes"]]' "$T/two.json")" \
    "[('sent', '2.0.0', None), ('bounced', '5.2.1', 'suspend')]" "JSON: carol's outcomes in order"
is "$(py '(s[0]["recipients"][0]["outcomes"][0]["log"]["file"].split("/")[-1], s[0]["recipients"][0]["outcomes"][0]["log"]["line"])' "$T/two.json")" \
    "('mx1.log', 15)" "JSON: an outcome names its line"

# every filter
t() { # NAME WANT_FIRST_LINE ARGS...
	local name=$1 want=$2
	shift 2
	run "$ESC" trace "$@" "$T/mx1.log"
	is "$(printf '%s\n' "$out" | head -1)" "$want" "$name"
}
t "--message-id with brackets" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --message-id '<m1@example.net>'
t "--message-id without" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --message-id m1@example.net
t "--sender" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --sender alice@example.net --recipient carol@example.org
t "--sender, any case" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --sender Alice@Example.NET --recipient carol@example.org
t "--sender @domain" "message 6A6A6A6A6A" --sender @example.com
t "--sender <> (the bounce)" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --sender '<>'
t "--recipient <bob@...>" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --recipient '<bob@example.com>'
t "--recipient of a NOQUEUE refusal" "refused before the queue" --recipient nobody@example.com
t "--client by address" "message 3F1A2B4C5D > 5D6E7F8A9B > 7C8D9E0F1A > 9A8B7C6D5E > 1122334455" --client 192.0.2.7 --sender alice@example.net --recipient bob@example.com
t "--client by name" "refused before the queue" --client mail.example.net --recipient nobody@example.com
t "--since/--until" "message 6A6A6A6A6A" --since 2026-11-29T10:00:10 --until 2026-11-29T10:00:12
run "$ESC" trace --client 192.0.2.7 "$T/mx1.log"
is "$(printf '%s\n' "$out" | tail -1)" "2 messages" "--client: the message and the refusal, counted"
run "$ESC" trace --queue-id 6A6A6A6A6A "$T/mx1.log"
like "$out" "6A6A6A6A6A +received, on mx1, still queued" "a deferred message is still queued"
like "$out" "not over at the end of the log" "and said not to be over"
like "$out" "6A6A6A6A6A +deferred   -   4\.4\.1     networkerror" "the deferral explained"
run "$ESC" trace --recipient nobody@example.com "$T/mx1.log"
like "$out" "NOQUEUE          rejected   550 5\.1\.1     userunknown:virtual_mailbox_maps \(Bad destination mailbox address\) from mail\.example\.net\[192\.0\.2\.7\]" \
    "a refusal before the queue: codes, reason, the registry's words"
like "$out" "mx1\.log:3  .*connect from mail\.example\.net" "with its session's lines"
run "$ESC" trace --queue-id NOSUCH123 "$T/mx1.log"
is "$rc" 1 "no match: exit 1"
is "$err" "esc trace: no message in the log matches" "no match: said"
is "$out" "" "no match: nothing on standard output"
run "$ESC" trace --sender alice@example.net --recipient carol@example.org --since 2026-11-30 "$T/mx1.log"
is "$rc" 1 "conditions are all met or nothing: exit 1"
run "$ESC" trace "$T/mx1.log"
is "$(printf '%s\n' "$out" | tail -1)" "3 messages; some were not over at the end of the log" "no condition: every message (a session without one is none)"
run "$ESC" trace --since yesterdayish "$T/mx1.log"
is "$rc" 2 "a bad time: exit 2"
like "$err" "--since yesterdayish: not a time" "a bad time: said"
run "$ESC" trace
is "$rc" 2 "no log: exit 2"
like "$err" "give the MTA's log files" "no log: said"
run "$ESC" trace "$T/nonexistent.log"
is "$rc" 2 "an unreadable log: exit 2"
like "$err" "nonexistent\.log: No such file or directory" "an unreadable log: said"
run "$ESC" trace --format csv "$T/mx1.log"
is "$rc" 2 "trace has no csv"
run "$ESC" trace --queue-id 3F1A2B4C5D - < "$T/mx1.log"
like "$out" '^message 3F1A2B4C5D' "standard input"

# --- Sendmail --------------------------------------------------------------
cat > "$T/sm.log" <<'LOG'
Apr  2 00:15:25 mta sendmail[32300]: u31FFPtp032300: from=<grandeur09@gmail.com>, size=5938, class=0, nrcpts=3, msgid=<201604011515.u31FFIAj012911@gmail.com>, proto=ESMTP, daemon=MTA, relay=mail-qk0-f171.google.com [209.85.220.171]
Apr  2 00:15:25 mta sendmail[32302]: u31FFPtp032300: to=<sent1@example.com>,<sent2@example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=245938, relay=mx.example.com. [93.184.216.34], dsn=2.0.0, stat=Sent (u31GGAa012345 Message accepted for delivery)
Apr  2 00:15:26 mta sendmail[32302]: u31FFPtp032300: to=<gone@example.org>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=245938, relay=mx.example.org. [93.184.216.35], dsn=5.1.1, stat=User unknown
Apr  2 00:15:26 mta sendmail[32302]: u31FFPtp032300: u31FFQtp032301: DSN: User unknown
Apr  2 00:15:26 mta sendmail[32302]: u31FFQtp032301: to=<grandeur09@gmail.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30000, relay=gmail-smtp-in.l.google.com. [142.250.1.27], dsn=2.0.0, stat=Sent (OK 1459524926 - gsmtp)
Apr  2 00:15:27 mta sendmail[400]: ruleset=check_relay, arg1=[201.29.120.11], relay=[201.29.120.11], reject=554 5.7.1 Rejected 201.29.120.11 found in dnsbl.sorbs.net
LOG
run "$ESC" trace --recipient sent2@example.com "$T/sm.log"
like "$out" '^message u31FFPtp032300 > u31FFQtp032301 > u31GGAa012345' "Sendmail: the bounce's id and the next server's"
like "$out" 'client     mail-qk0-f171\.google\.com\[209\.85\.220\.171\]' "Sendmail: the client from relay="
like "$out" 'u31FFPtp032300 +bounced    -   5\.1\.1     userunknown' "Sendmail: the failure explained"
like "$out" 'u31FFPtp032300 +received, on mta, done' "Sendmail: done when the last delivery is final"
run "$ESC" trace --client 201.29.120.11 "$T/sm.log"
like "$out" '^refused before the queue' "Sendmail: check_relay's refusal is a story of its own"

# --- hostile lines -----------------------------------------------------------
{
	printf 'Nov 29 10:00:00 mx1 postfix/qmgr[13]: 1B2C3D4E5F: from=<a\x01\xff\xfe@x>, size=1, nrcpt=1 (queue active)\n'
	printf 'Nov 29 10:00:00 mx1 postfix/smtp[15]: 1B2C3D4E5F: to=<b\x00c@y>, relay=none, dsn=5.0.0, status=bounced (\xc3\x28 bad \x1b[31m)\n'
	head -c 2000000 /dev/zero | tr '\0' 'x'
	printf '\nNov 29 10:00:01 mx1 postfix/qmgr[13]: 1B2C3D4E5F: removed\n'
} > "$T/bad.log"
run "$ESC" trace --format json "$T/bad.log"
is "$rc" 0 "hostile lines: exit 0"
printf '%s\n' "$out" > "$T/bad.json"
is "$(py 'len(s[0]["lines"])' "$T/bad.json")" 3 "hostile lines: valid JSON, every line of the message"
run "$ESC" trace "$T/bad.log"
is "$(printf '%s' "$out" | tr -d '\n\t' | LC_ALL=C grep -c '[[:cntrl:]]')" 0 "hostile lines: no control character reaches the terminal"

# --- --dsn ---------------------------------------------------------------
# dsn FILE QID RCPT STATUS MSGID [RCPT2] - a bounce as Postfix writes it
dsn() {
	{
		printf 'From: MAILER-DAEMON@mx1.example.com (Mail Delivery System)\nTo: alice@example.net\n'
		printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
		printf 'Content-Type: multipart/report; report-type=delivery-status;\n boundary="B1"\n\n'
		printf -- '--B1\nContent-Type: text/plain\n\nThis is the mail system at host mx1.example.com.\n\n'
		printf -- '--B1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; %s\n' "${7:-mx1.example.com}"
		[ -n "$2" ] && printf 'X-Postfix-Queue-ID: %s\n' "$2"
		printf 'X-Postfix-Sender: rfc822; alice@example.net\n\n'
		printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n' "$3" "$4"
		printf 'Diagnostic-Code: smtp; 550 %s <%s>: mailbox disabled\n' "$4" "$3"
		[ -n "${6:-}" ] && printf '\nFinal-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n' "$6"
		printf -- '\n--B1\nContent-Type: text/rfc822-headers\n\n'
		[ -n "$5" ] && printf 'Message-ID: <%s>\n' "$5"
		printf 'From: alice@example.net\nSubject: hello\n\n--B1--\n'
	} > "$1"
}
dsn "$T/b1.eml" 5D6E7F8A9B carol@example.org 5.2.1 m1@example.net
run "$ESC" trace --dsn "$T/b1.eml" "$T/mx1.log"
is "$rc" 0 "--dsn: the bounce Postfix wrote leads to its message"
like "$out" '^message 3F1A2B4C5D > 5D6E7F8A9B' "--dsn: the story"
like "$out" 'bounce     .*b1\.eml, from mx1\.example\.com, queue id 5D6E7F8A9B, about <m1@example\.net>' "--dsn: what the bounce names"
like "$out" 'bounce   failed   5\.2\.1     suspend  smtp; 550 5\.2\.1' "--dsn: the bounce's side"
like "$out" 'log      bounced  5\.2\.1     550 <carol@example\.org>: mailbox disabled  .*mx1\.log:19' "--dsn: the log's side, with its line"
unlike "$out" 'log-mismatch|async-bounce|not-in-log' "--dsn: they agree: no finding"
dsn "$T/b2.eml" "" carol@example.org 5.2.1 m1@example.net
run "$ESC" trace --dsn "$T/b2.eml" "$T/mx1.log"
like "$out" '^message 3F1A2B4C5D' "--dsn: by the returned Message-ID alone"
dsn "$T/b3.eml" 5D6E7F8A9B carol@example.org 5.1.1 "" "" 
run "$ESC" trace --dsn "$T/b3.eml" "$T/mx1.log"
like "$out" 'warning: log-mismatch: the bounce says 5\.1\.1, the log 5\.2\.1 from mx\.example\.org\[198\.51\.100\.9\]' \
    "--dsn: codes that disagree: log-mismatch"
is "$rc" 0 "--dsn: a warning: exit 0"
run "$ESC" trace --strict --dsn "$T/b3.eml" "$T/mx1.log"
is "$rc" 1 "--dsn --strict: a warning: exit 1"
dsn "$T/b4.eml" 9A8B7C6D5E bob@example.com 5.7.1 "" "" mx2.example.com
run "$ESC" trace --dsn "$T/b4.eml" "$T/mx1.log"
like "$out" 'note: async-bounce: mx2\.example\.com\[192\.0\.2\.20\] took the message \(250 2\.0\.0\) and sent this bounce afterwards' \
    "--dsn: the next server's bounce, by its own queue id: an asynchronous bounce"
dsn "$T/b5.eml" 5D6E7F8A9B carol@example.org 5.2.1 "" ghost@example.org
run "$ESC" trace --format json --dsn "$T/b5.eml" "$T/mx1.log"
printf '%s\n' "$out" > "$T/b5.json"
is "$(py '[(r["address"], r["log_status"], [f["id"] for f in r["findings"]]) for r in s[0]["dsn"]["recipients"]]' "$T/b5.json")" \
    "[('carol@example.org', 'bounced', []), ('ghost@example.org', None, ['not-in-log'])]" \
    "--dsn JSON: a recipient the log lacks: not-in-log"
is "$(py 's[0]["dsn"]["queue_id"]' "$T/b5.json")" "5D6E7F8A9B" "--dsn JSON: the bounce's ids"
dsn "$T/b6.eml" 5D6E7F8A9B stranger@example.org 5.2.1 ""
run "$ESC" trace --dsn "$T/b6.eml" "$T/mx1.log"
is "$rc" 1 "--dsn: the id matches but no recipient does: not this message"
printf 'From: a@b\nSubject: hi\n\nhello\n' > "$T/notdsn.eml"
run "$ESC" trace --dsn "$T/notdsn.eml" "$T/mx1.log"
is "$rc" 2 "--dsn with a message that is no bounce: exit 2"
like "$err" "not a delivery status notification" "--dsn with a message that is no bounce: said"

# --- the shared corpus: an independent oracle ----------------------------
if [ ! -d "$SHARED/corpus/maillogs" ]; then
	skip_no_shared "$SHARED/corpus/maillogs"
else
	xz -dc "$SHARED/corpus/maillogs/postfix-logsums/mail.log.xz" > "$T/logsums.log"
	"$ESC" trace --format json "$T/logsums.log" > "$T/logsums.json"
	res=$("$PY" "$ORACLE" compare "$T/logsums.log" "$T/logsums.json")
	like "$(printf '%s\n' "$res" | tail -1)" '^183 messages, 299 stories, 0 differences$' \
	    "postfix-logsums: the oracle and esc trace agree on every message (amavis on almost each)"
	[ "$(printf '%s\n' "$res" | tail -1)" = "183 messages, 299 stories, 0 differences" ] ||
		printf '%s\n' "$res" | head -20 | sed 's/^/# /'
	run "$ESC" trace --queue-id 4PcV4K5tFpz3tG5 "$T/logsums.log"
	like "$out" '^message 4PcV4H6fDlz3tG5 > 4PcV4K5FPLz3tBr > 4PcV4K5tFpz3tG5' \
	    "postfix-logsums: the one bounce, from pickup through amavis to the notification"
	like "$out" '4PcV4K5FPLz3tBr  bounced    -   5\.4\.4     hostunknown \(Unable to route\)' \
	    "postfix-logsums: the bounce explained"
	n=$(maillog_corpus "$T")
	bad=0
	for i in $(seq 0 $((n - 1))); do
		"$ESC" trace --format json "$T/c.$i.log" > "$T/c.$i.json" 2>/dev/null
		r=$("$PY" "$ORACLE" compare "$T/c.$i.log" "$T/c.$i.json" | tail -1)
		case "$r" in
		*" 0 differences") ;;
		*) bad=$((bad + 1)); echo "# c.$i.log: $r" ;;
		esac
	done
	is "$bad" 0 "every log of the corpus ($n): the oracle and esc trace agree"
fi
done_testing

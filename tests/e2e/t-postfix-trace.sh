#!/bin/bash
# t-postfix-trace.sh - esc trace against a real Postfix on loopback with a
# content filter: every message goes out to the filter transport and
# comes back in on a second smtpd (a new queue id, as amavis's
# re-injection makes), then to a destination that refuses one recipient
# at RCPT (smtp_answer.py) and takes the other, and Postfix bounces to
# the sender (smtp-sink keeps the bounce).  The story is found by queue
# id, Message-ID, sender and recipient, the same each way; it holds every
# line of every queue id and of its sessions, each line the log's own;
# the bounce Postfix wrote, fed to --dsn, leads to it with no finding; a
# bounce the remote server sends later about the recipient it took
# (only the returned headers) is found by the Message-ID and said to be
# an asynchronous bounce; a refusal before the queue is a story too.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init postfix-trace
need postfix postfix

milter_conf <<'CONF'
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$XPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 port_open "$XPORT"
POSTFIX_MASTER_EXTRA="127.0.0.1:$RPORT inet n - n - - smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o smtpd_milters=
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
filter unix - - n - - smtp
  -o syslog_name=postfix/filter"
postfix_start "content_filter = filter:[127.0.0.1]:$RPORT" \
    "transport_maps = inline:{ {dest.example = smtp:[127.0.0.1]:$XPORT}, {src.example = smtp:[127.0.0.1]:$SPORT} }" \
    "default_transport = smtp" "relay_transport = smtp" \
    "smtp_tls_security_level = none" || exit 1
LOG="$T/pf/maillog"

out=$(printf '%s\n' 'EHLO client.test' 'MAIL FROM:<alice@src.example>' \
    'RCPT TO:<nouser1@dest.example>' 'RCPT TO:<ok1@dest.example>' \
    'RCPT TO:<denied@dest.example>' DATA \
    'Message-ID: <trace-1@client.test>' 'From: alice@src.example' \
    'Subject: trace me' '' 'hello' . QUIT | smtp)
like "$out" '\. 250 2\.0\.0 Ok: queued as [0-9A-F]+' "the message is queued"
qid=$(printf '%s\n' "$out" | sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p')
# everything done: the bounce delivered to the sink, every id removed
wait_for 60 sh -c "grep -q 'to=<alice@src.example>, relay=127.0.0.1\[127.0.0.1\]:$SPORT.*status=sent' '$LOG'"
wait_for 30 sh -c "[ \$(grep -c ': removed' '$LOG') -ge 3 ]"
sleep 1

run "$ESC" trace --queue-id "$qid" "$LOG"
is "$rc" 0 "--queue-id $qid: found"
first=$(printf '%s\n' "$out" | head -1)
like "$first" "^message $qid > [0-9A-F]+ > [0-9A-F]+" "the path: received, re-injected, the bounce"
ids=$(printf '%s\n' "$first" | sed 's/^message //; s/ > / /g')
n=$(wc -w <<<"$ids")
ok $([ "$n" -ge 3 ] && echo 0 || echo 1) "at least three queue ids ($ids)"
reinj=$(awk '{print $2}' <<<"$ids")
like "$out" "$reinj +queued as, from $qid, on mx, sent in by localhost\[127\.0\.0\.1\], removed" \
    "the re-injected id: queued as, from the first, sent in on the second smtpd"
like "$out" "$reinj +bounced +550 5\.1\.1 +userunknown \(Bad destination mailbox address\) to 127\.0\.0\.1\[127\.0\.0\.1\]" \
    "nouser1: bounced, 550 5.1.1, userunknown, the registry's words"
like "$out" "$reinj +sent +250 2\.0\.0 +to 127\.0\.0\.1\[127\.0\.0\.1\]" "ok1: sent"
like "$out" "$qid +sent +250 2\.0\.0 +to 127\.0\.0\.1\[127\.0\.0\.1\], queued as $reinj" \
    "the first id handed to the filter, queued as the second"
like "$out" "notification, from $reinj" "the bounce's id, from the id that bounced"
like "$out" "$qid +rejected +550 5\.1\.1 +userunknown \(Bad destination mailbox address\) from localhost\[127\.0\.0\.1\]" \
    "denied@, refused at RCPT after the queue file was made, is this message's"
for how in "--message-id <trace-1@client.test>" "--sender alice@src.example" \
    "--recipient nouser1@dest.example" "--recipient ok1@dest.example" \
    "--client 127.0.0.1 --sender alice@src.example" "--queue-id $reinj"; do
	# shellcheck disable=SC2086
	run "$ESC" trace $how "$LOG"
	is "$(printf '%s\n' "$out" | head -1)" "$first" "$how: the same story"
done

# every id's lines and its sessions', each the log's own line
"$ESC" trace --format json --queue-id "$qid" "$LOG" > "$T/story.json"
run "$PY" - "$T/story.json" "$LOG" "$ids" <<'PY'
import json, re, sys
s = json.loads(open(sys.argv[1]).readline())
log = open(sys.argv[2]).read().split("\n")
ids = sys.argv[3].split()
bad = []
for l in s["lines"]:
    if log[l["line"] - 1] != l["text"]:
        bad.append("line %d differs" % l["line"])
have = {l["line"] for l in s["lines"]}
want = {i + 1 for i, t in enumerate(log) if any(re.search(r": %s: " % q, t) for q in ids)}
if want - have:
    bad.append("lines of its ids missing: %s" % sorted(want - have))
pids = {re.search(r"smtpd\[(\d+)\]: [0-9A-F]+: client=", log[n - 1]).group(1)
        for n in have if re.search(r"smtpd\[\d+\]: [0-9A-F]+: client=", log[n - 1])}
for n in have - want:
    m = re.search(r"smtpd\[(\d+)\]", log[n - 1])
    if not m or m.group(1) not in pids:
        bad.append("line %d is no line of its ids or sessions: %s" % (n, log[n - 1][:80]))
if len(pids) != 2:
    bad.append("sessions %s" % pids)
print("; ".join(bad) or "ok")
PY
is "$out" "ok" "JSON: every line of every id and of both smtpd sessions, no other, each the log's own"

# the bounce Postfix wrote, back through --dsn
wait_for 30 sh -c "grep -l 'Undelivered Mail Returned to Sender' '$T'/sink/* 2>/dev/null | grep -q ."
sunk 'Undelivered Mail Returned to Sender' > "$T/raw.eml"
sed -n '/^Received: \|^Return-Path: \|^From: /,$p' "$T/raw.eml" > "$T/bounce.eml"
run "$ESC" trace --dsn "$T/bounce.eml" "$LOG"
is "$rc" 0 "--dsn with the bounce Postfix wrote: found"
is "$(printf '%s\n' "$out" | head -1)" "$first" "--dsn: the same story"
like "$out" "bounce     .*bounce\.eml, from mx\.test\.example, queue id $reinj, about <trace-1@client\.test>" \
    "--dsn: the bounce's queue id and the returned Message-ID"
like "$out" "bounce   failed   5\.1\.1 +userunknown" "--dsn: the bounce's status"
like "$out" "log      bounced  5\.1\.1 +550 <nouser1@dest\.example>: Recipient address rejected: User unknown" \
    "--dsn: the log's reply beside it"
unlike "$out" "async-bounce|log-mismatch|not-in-log" "--dsn: they agree"

# a bounce the remote server sends hours later about ok1, which it took
cat > "$T/remote.eml" <<'EML'
From: MAILER-DAEMON@remote.test.example
To: alice@src.example
Subject: Delivery Status Notification (Failure)
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R"

--R
Content-Type: text/plain

Your message could not be delivered: the mailbox is full.

--R
Content-Type: message/delivery-status

Reporting-MTA: dns; remote.test.example

Final-Recipient: rfc822; ok1@dest.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

--R
Content-Type: text/rfc822-headers

Message-ID: <trace-1@client.test>
From: alice@src.example
Subject: trace me

--R--
EML
run "$ESC" trace --dsn "$T/remote.eml" "$LOG"
is "$(printf '%s\n' "$out" | head -1)" "$first" "a remote server's bounce (returned headers only): found by its Message-ID"
like "$out" "note: async-bounce: 127\.0\.0\.1\[127\.0\.0\.1\] took the message \(250 2\.0\.0\) and sent this bounce afterwards" \
    "a remote server's bounce about a recipient it took: an asynchronous bounce"

# the refusal before the queue: a transaction whose only recipient is refused
printf '%s\n' 'EHLO client.test' 'MAIL FROM:<bob@src.example>' \
    'RCPT TO:<denied@dest.example>' QUIT | smtp > /dev/null
wait_for 30 sh -c "grep -q 'NOQUEUE: reject: RCPT.*to=<denied@dest.example>' '$LOG'"
wait_for 30 sh -c "[ \$(grep -c 'disconnect from' '$LOG') -ge 3 ]"
run "$ESC" trace --sender bob@src.example "$LOG"
like "$(printf '%s\n' "$out" | head -1)" "^refused before the queue" "the RCPT refusal is a story of its own"
like "$out" "NOQUEUE +rejected +550 5\.1\.1 +userunknown" "explained"
like "$out" "connect from localhost\[127\.0\.0\.1\]" "with its session's lines"
done_testing

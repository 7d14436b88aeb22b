#!/bin/bash
# t-postfix-async-bounce.sh - annotate_dsn with maillog =: a bounce tied
# to the delivery it reports.  A real Postfix sends our mail to a remote
# server (smtp_answer.py) that takes one recipient and refuses the other;
# Postfix bounces the refused one to the sender, and that bounce passes
# esc-milter (non_smtpd_milters, internal_mail_filter_classes = bounce):
# its dsn event names our queue id and
# Message-ID, says our MTA wrote it, and counts nothing more (the log
# counted the refusal).  Then the remote server's own bounce about the
# recipient it took comes in by SMTP, returning only the headers: its dsn
# event names the delivery the log recorded as sent, and it is counted
# once as an outbound rejection (reason mailboxfull, a reply event whose
# log line is the delivery's); the same bounce again counts nothing.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init postfix-async-bounce
need postfix postfix

milter_conf <<CONF
annotate_dsn = yes
maillog = $T/pf/maillog
maillog_state = $T/out/maillog.state
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$XPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 port_open "$XPORT"
postfix_start "transport_maps = inline:{ {remote.example = smtp:[127.0.0.1]:$XPORT}, {src.example = smtp:[127.0.0.1]:$SPORT} }" \
    "default_transport = smtp" "relay_transport = smtp" \
    "smtp_tls_security_level = none" "internal_mail_filter_classes = bounce" || exit 1
LOG="$T/pf/maillog"

out=$(printf '%s\n' 'EHLO client.test' 'MAIL FROM:<alice@src.example>' \
    'RCPT TO:<ok1@remote.example>' 'RCPT TO:<nouser1@remote.example>' DATA \
    'Message-ID: <m1@client.test>' 'From: alice@src.example' \
    'Subject: to the remote server' '' 'hello' . QUIT | smtp)
qid=$(printf '%s\n' "$out" | sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p')
like "$qid" '^[0-9A-F]+$' "our message is queued ($qid)"
# the delivery, the refusal, our own bounce through the milter to the sink
wait_for 60 sh -c "grep -q 'to=<alice@src.example>, relay=127.0.0.1\[127.0.0.1\]:$SPORT.*status=sent' '$LOG'"
wait_for 60 maillog_caught_up "$LOG"
sent_line=$(grep -n "$qid: to=<ok1@remote.example>.*status=sent" "$LOG" | cut -d: -f1)
like "$sent_line" '^[0-9]+$' "the log says ok1 was sent (line $sent_line)"

ev=$(events 'select(.event == "dsn" and .recipient == "nouser1@remote.example")')
is "$(printf '%s\n' "$ev" | grep -c .)" 1 "our own bounce: one dsn event"
is "$(printf '%s' "$ev" | jq -r '[.delivery.queue_id, .delivery.message_id, .delivery.status, .delivery.ours, .delivery.async] | @tsv')" \
    "$qid	m1@client.test	bounced	true	false" \
    "our own bounce: tied to our queue id and Message-ID, ours, not counted again"
# Postfix writes the bounce right after the line that says bounced: the
# follower may or may not have read that line yet (the bounce itself then
# names the queue id, and the MTA's name says it is ours)
line=$(printf '%s' "$ev" | jq -r .delivery.log.line)
bline=$(grep -n "$qid: to=<nouser1@remote.example>.*status=bounced" "$LOG" | cut -d: -f1)
ok "$([ "$line" = null ] || [ "$line" = "$bline" ]; echo $?)" \
    "our own bounce: the delivery's line when the follower has read it ($line; $bline)"

# the remote server's bounce about ok1, which it took
bounce() {
	printf '%s\n' 'EHLO remote.test.example' 'MAIL FROM:<>' \
	    'RCPT TO:<alice@src.example>' DATA \
	    'From: MAILER-DAEMON@remote.test.example' 'To: alice@src.example' \
	    'Subject: Undeliverable' 'MIME-Version: 1.0' \
	    'Content-Type: multipart/report; report-type=delivery-status; boundary="R"' '' \
	    '--R' 'Content-Type: text/plain' '' 'The mailbox is full.' '' \
	    '--R' 'Content-Type: message/delivery-status' '' \
	    'Reporting-MTA: dns; remote.test.example' '' \
	    'Final-Recipient: rfc822; ok1@remote.example' 'Action: failed' \
	    'Status: 5.2.2' 'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full' '' \
	    '--R' 'Content-Type: text/rfc822-headers' '' \
	    'Message-ID: <m1@client.test>' 'From: alice@src.example' \
	    'Subject: to the remote server' '' '--R--' . QUIT | smtp
}
bounce > "$T/out.bounce1"
like "$(cat "$T/out.bounce1")" '\. 250 2\.0\.0 Ok' "the remote server's bounce is accepted"
wait_for 30 sh -c "grep -q '\"event\":\"dsn\".*ok1@remote.example' '$EVENTS' || { kill -USR2 $MILTER_PID; false; }"
ev=$(events 'select(.event == "dsn" and .recipient == "ok1@remote.example")')
is "$(printf '%s' "$ev" | jq -r '[.delivery.queue_id, .delivery.message_id, .delivery.status, .delivery.ours, .delivery.async, .delivery.log.line] | @tsv')" \
    "$qid	m1@client.test	sent	false	true	$sent_line" \
    "the remote's bounce: tied by the returned Message-ID to the delivery the log says was sent: asynchronous"
rep=$(events 'select(.event == "reply" and .async_bounce != null)')
is "$(printf '%s\n' "$rep" | grep -c .)" 1 "one reply event for the asynchronous bounce"
is "$(printf '%s' "$rep" | jq -r '[.source, .direction, .action, .recipient, .queue_id, .reply.code, .reply.xcode, .reason, .log.line, .remote.ip, .dsn] | @tsv')" \
    "remote	outbound	reject	ok1@remote.example	$qid	552	5.2.2	mailboxfull	$sent_line	127.0.0.1	5.2.2" \
    "the reply event: the remote refused ok1, 552 5.2.2 mailboxfull, at the delivery's line"
is "$(printf '%s' "$rep" | jq -r .async_bounce.reporting_mta)" "dns; remote.test.example" "the reply event names the bounce"

# the same bounce again: nothing more is counted
bounce > /dev/null
wait_for 30 sh -c "[ \$(grep -c '\"event\":\"dsn\".*ok1@remote.example' '$EVENTS') -ge 2 ] || { kill -USR2 $MILTER_PID; false; }"
ev=$(events 'select(.event == "dsn" and .recipient == "ok1@remote.example")' | tail -1)
is "$(printf '%s' "$ev" | jq -r '[.delivery.status, .delivery.async] | @tsv')" "sent	false" \
    "the same bounce again: tied, not counted again"
is "$(events 'select(.event == "reply" and .async_bounce != null)' | grep -c .)" 1 "still one reply event"

stats_now
prom="$T/out/esc.prom"
is "$(grep -c '^esc_milter_replies_by_reason_total{source="remote",direction="outbound",reason="mailboxfull"} 1$' "$prom")" 1 \
    "metric: the asynchronous bounce counted once, with its reason"
is "$(grep -c '^esc_milter_replies_by_reason_total{source="remote",direction="outbound",reason="userunknown"} 1$' "$prom")" 1 \
    "metric: the refusal the log recorded counted once (our own bounce adds nothing)"
run "$ESC" report --by reason "$EVENTS"
like "$out" 'mailboxfull +1' "esc report on the events counts the asynchronous bounce"
e2e_done

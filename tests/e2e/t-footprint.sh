#!/bin/bash
# t-footprint.sh - esc-milter asks the MTA only for what its rules need
# (no end of headers, no body without body rules, no replies where nothing
# can be decided: src/milter/negotiate.h), and the client sees exactly
# the same as with the full protocol.  One scenario through a real
# Postfix at milter_protocol = 6 (every option honoured) and at
# milter_protocol = 2 (an older MTA: no "no reply" option, libmilter
# answers for us), then through Sendmail: the same replies, the same
# monitor and DSN headers on the delivered message, the same events.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init footprint

milter_conf <<'CONF'
annotate_dsn = yes

rule partner
    if = client-ip in 192.0.2.0/24
    action = accept

rule bad-sender
    if = sender ~ /^spam@/
    reply = 550 5.7.1 Sender ${sender} refused

rule spf-fail
    if = header Received-SPF ~ /^\s*fail\b/i
    reply = 550 5.7.23 SPF check failed for ${sender_domain}

rule no-r
    if = recipient = r@dest.example
    reply = 450 4.2.1 Mailbox ${recipient} busy

rule watch
    if = header Subject ~ /watch me/
    reply = 550 5.7.1 Would refuse
    mode = monitor
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1

# scenario - one SMTP session of several transactions; the transcript
scenario() {
	smtp <<'S'
EHLO client.test
MAIL FROM:<spam@src.example>
MAIL FROM:<a@src.example>
RCPT TO:<r@dest.example>
RCPT TO:<denied@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: SPF
Received-SPF: fail (src.example: 192.0.2.9 is not permitted)

body
.
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
DATA
Subject: please watch me
Message-ID: <watch-1@src.example>

body
.
MAIL FROM:<>
RCPT TO:<postmaster@dest.example>
DATA
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@src.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

gone
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.net
Action: failed
Status: 5.1.1
--b--
.
QUIT
S
}

# normalise - what must be equal from one run to the next: the transcript
# without queue ids, the events without times, sessions and queue ids
normalise() { sed -E 's/queued as [0-9A-F]+/queued as QID/'; }
event_view() {
	jq -c 'select(.event=="reply" or .event=="dsn") | del(.ts, .session, .queue_id)' "$1"
}

# The tap between Postfix and esc-milter records what each sends.
"$PY" "$top_srcdir/tests/e2e/milter_tap.py" "$XPORT" "$MPORT" "$T/tap.json" \
    > "$T/tap.out" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/tap.out"
# steps PROTO - the packets of the SMTP session's milter connection, in
# order: the MTA's commands, the milter's answers as ">x" (macros left out)
steps() {
	local c
	c=$(jq -r "select(.proto == $1 and .cmd == \"E\") | .conn" "$T/tap.$1.json" | head -1)
	jq -r "select(.conn == $c and .cmd != \"D\") | if .from == \"milter\" then \">\" + .cmd else .cmd end" \
	    "$T/tap.$1.json" | tr '\n' ' ' | sed 's/ $//'
}

for proto in 6 2; do
	: > "$T/tap.json"
	postfix_start "milter_protocol = $proto" "relayhost = [127.0.0.1]:$SPORT" \
	    "default_transport = smtp" "relay_transport = smtp" \
	    "smtp_tls_security_level = none" \
	    "smtpd_milters = inet:127.0.0.1:$XPORT" || exit 1
	: > "$EVENTS"
	scenario | normalise > "$T/transcript.$proto"
	flush_events
	event_view "$EVENTS" > "$T/events.$proto"
	wait_for 30 sh -c "grep -l watch-1@src.example $T/sink/* >/dev/null 2>&1"
	wait_for 30 sh -c "grep -l 'dsn-1@src.example' $T/sink/* >/dev/null 2>&1"
	grep -h '^X-ESC-' $(grep -l 'watch-1@src.example\|dsn-1@src.example' "$T"/sink/*) |
	    sort > "$T/headers.$proto"
	rm -f "$T"/sink/*
	postfix_stop
	jq -c ". + {proto: $proto}" "$T/tap.json" > "$T/tap.$proto.json"
done

# What went over the wire.
s6=$(steps 6)
s2=$(steps 2)
like "$s6" '^O >O C H M >[a-z]' "protocol 6: CONNECT and HELO without replies, MAIL answered"
unlike "$s6" ' N ' "protocol 6: no end of headers"
like "$s6" ' L L ' "protocol 6: the headers come (a header rule)"
unlike "$s6" ' L >' "protocol 6: no reply to any header"
like "$s6" ' B ' "protocol 6: the body comes (annotate_dsn reads DSNs)"
unlike "$s6" ' B >' "protocol 6: no reply to a body chunk"
like "$s6" ' R >' "protocol 6: RCPT answered (a recipient rule)"
like "$s6" ' T >c ' "protocol 6: DATA answered at once"
like "$s6" ' E( >[a-z])* >y' "protocol 6: the end of the message answers (the header rule's reply)"
like "$s2" '^O >O C >c H >c M >[a-z]' "protocol 2: every step answered"
like "$s2" ' B >c E ' "protocol 2: body chunks answered (libmilter)"
like "$s2" ' L >c L >c ' "protocol 2: each header answered (libmilter)"

t=$(cat "$T/transcript.6")
like "$t" '^MAIL 550 5\.7\.1 Sender spam@src\.example refused$' "a MAIL rule: its reply"
like "$t" 'RCPT 450 4\.2\.1 Mailbox r@dest\.example busy' "a RCPT rule: its reply"
like "$t" 'RCPT 550 5\.1\.1 <denied@dest\.example>: Recipient address rejected' "Postfix's own rejection"
like "$t" '^\. 550 5\.7\.23 SPF check failed for src\.example$' "a header rule: its exact reply at the end of DATA"
is "$(grep -c '^\. 250 2\.0\.0 Ok: queued as QID' "$T/transcript.6")" 2 "the monitored message and the DSN delivered"
is "$(cat "$T/transcript.2")" "$t" "milter_protocol = 2: the client sees exactly the same"
like "$(cat "$T/headers.6")" 'X-ESC-Monitor: rule=watch; reply="550 5\.7\.1 Would refuse"' "the monitor header is added"
like "$(cat "$T/headers.6")" 'X-ESC-DSN: 5\.1\.1; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<gone@example\.net>' \
    "the DSN header is added"
is "$(cat "$T/headers.2")" "$(cat "$T/headers.6")" "milter_protocol = 2: the same headers"
is "$(jq -r '[.event, .source // "", .stage // "", .rule // ""] | join(" ")' "$T/events.6" | tr '\n' '|')" \
    "reply milter mail bad-sender|reply milter rcpt no-r|reply mta rcpt |reply milter header spf-fail|reply milter header watch|dsn   |" \
    "the events, in order"
is "$(grep -v '"source":"mta"' "$T/events.6")" "$(cat "$T/events.2")" \
    "milter_protocol = 2: the same events, field for field (no rejected recipients to observe at 2)"
is "$(jq -c '.client' "$T/events.6" | sort -u | grep -v null)" '{"ip":"127.0.0.1","name":"localhost","helo":"client.test"}' \
    "the events still carry the client's address, name and HELO name"

# Sendmail: the same rules, the same replies.
if sendmail_ready && sendmail_setup; then
	out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<spam@src.example>
MAIL FROM:<a@src.example>
RCPT TO:<r@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: SPF
Received-SPF: fail (src.example: 192.0.2.9 is not permitted)

body
.
QUIT
S
)
	like "$out" 'MAIL 550 5\.7\.1 <spam@src\.example>\.\.\. Sender spam@src\.example refused' "Sendmail: a MAIL rule (Sendmail names the address)"
	like "$out" 'RCPT 450 4\.2\.1 <r@dest\.example>\.\.\. Mailbox r@dest\.example busy' "Sendmail: a RCPT rule"
	like "$out" '^\. 550 5\.7\.23 SPF check failed for src\.example$' "Sendmail: a header rule at the end of DATA"
else
	for i in 1 2 3; do ok 0 "# SKIP Sendmail rig not prepared"; done
fi
e2e_done

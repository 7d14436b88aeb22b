#!/bin/bash
# t-fault-kill.sh - esc-milter is killed with SIGKILL in the middle of a
# transaction: Postfix applies milter_default_action (tempfail), so nothing
# a rule rejects gets in; after a restart mail flows and events resume.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init fault-kill

milter_conf <<'CONF'
rule block
    if = recipient = blocked@dest.example
    reply = 550 5.7.1 Blocked by rule

rule spam-body
    if = body ~ /BUY NOW/
    reply = 554 5.7.1 Spam
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
postfix_start "relayhost = [127.0.0.1]:$SPORT" "default_transport = smtp" \
    "relay_transport = smtp" "smtp_tls_security_level = none" \
    "milter_connect_timeout = 5s" || exit 1

# A transaction under way: the milter dies after the first recipient
# (the client pauses there while the test kills it).
smtp > "$T/killed.out" <<'S' &
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
SLEEP 3
RCPT TO:<blocked@dest.example>
DATA
Subject: mid-kill
Message-ID: <killed-1@src.example>

BUY NOW
.
QUIT
S
client=$!
wait_for 10 grep -q '^RCPT' "$T/killed.out"
kill -KILL "$MILTER_PID"
{ wait "$MILTER_PID"; } 2>/dev/null
MILTER_PID=
wait "$client"
out=$(cat "$T/killed.out")
like "$out" '^RCPT 250 2\.1\.5 Ok' "the first recipient was accepted while the milter lived"
unlike "$out" '^RCPT 250 .*blocked|^\. 250 ' "after the kill: neither the blocked recipient nor the message accepted"
like "$out" '^(RCPT|DATA|\.) 4[0-9][0-9] 4\.' "after the kill: Postfix answers 4xx (milter_default_action = tempfail)"
# The client got 4xx before the end of data, so Postfix never took the
# message: its cleanup never saw the Message-ID, the next hop never got it.
is "$(grep -c 'killed-1@src.example' "$T/pf/maillog" "$T"/sink/* 2>/dev/null | awk -F: '{n += $NF} END {print n + 0}')" 0 \
    "the message was never queued nor relayed"

# New sessions while the milter is down: tempfail, nothing accepted.
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<blocked@dest.example>
QUIT
S
)
like "$out" '(CONNECT|EHLO|MAIL|RCPT) 4[0-9][0-9] ' "milter down: 4xx, not accepted"
unlike "$out" 'RCPT 250' "milter down: the blocked recipient is not accepted"

# Restart: mail flows, rules apply, events resume in the same file.
before=$(grep -c '"event":"reply"' "$EVENTS")
milter_start || exit 1
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<blocked@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: after restart
Message-ID: <restarted-1@src.example>

hello
.
QUIT
S
)
like "$out" 'RCPT 550 5\.7\.1 Blocked by rule' "after the restart: the rule rejects"
like "$out" '^\. 250 2\.0\.0 Ok: queued' "after the restart: mail flows"
wait_for 20 sh -c "grep -q restarted-1@src.example $T/sink/* 2>/dev/null"
ok $? "after the restart: the message reached the next hop"
after=$(events 'select(.event=="reply" and .rule=="block")' | grep -c .)
ok $([ "$after" -gt "$before" ]; echo $?) "after the restart: reply events resume ($before before, $after now)"
is "$(events 'select(.event=="config" and .reason=="start")' | grep -c .)" 2 "two starts logged in the same event log"
e2e_done

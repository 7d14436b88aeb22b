#!/bin/bash
# t-postfix-monitor.sh - a monitor rule delivers the message with an
# X-ESC-Monitor header (captured by smtp-sink as the next hop) and logs a
# "monitor" event; an enforce rule next to it still rejects.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init monitor

milter_conf <<'CONF'
header_prefix = X-Test-

rule watch-subject
    if = header Subject ~ /quarterly report/i
    reply = 550 5.7.1 We would refuse "${sender}"
    mode = monitor

rule watch-rcpt
    if = recipient = watched@dest.example
    reply = 450 4.2.1 Mailbox of ${recipient} is busy
    mode = monitor

rule enforce-rcpt
    if = recipient = blocked@dest.example
    reply = 550 5.7.1 No
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
postfix_start "relayhost = [127.0.0.1]:$SPORT" "default_transport = smtp" \
    "relay_transport = smtp" "smtp_tls_security_level = none" || exit 1

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<boss@src.example>
RCPT TO:<watched@dest.example>
RCPT TO:<blocked@dest.example>
RCPT TO:<other@dest.example>
DATA
Subject: The Quarterly Report
Message-ID: <monitor-1@src.example>

numbers
.
QUIT
S
)
like "$out" 'RCPT 250 2\.1\.5 Ok' "monitor rule at RCPT: recipient accepted"
like "$out" 'RCPT 550 5\.7\.1 No' "enforce rule still rejects"
like "$out" '^\. 250 2\.0\.0 Ok: queued' "monitor rule at header: message accepted"

wait_for 20 sh -c "grep -q monitor-1@src.example $T/sink/* 2>/dev/null"
msg=$(sunk monitor-1@src.example)
like "$msg" 'X-Test-Monitor: rule=watch-rcpt; reply="450 4\.2\.1 Mailbox of watched@dest\.example is busy"' "delivered with the header of the RCPT monitor rule"
like "$msg" 'X-Test-Monitor: rule=watch-subject; reply="550 5\.7\.1 We would refuse \\"boss@src\.example\\""' "delivered with the header of the header monitor rule (quotes escaped)"
is "$(printf '%s\n' "$msg" | grep -c '^X-Test-Monitor:')" 2 "one header per monitor hit"

got=$(events 'select(.event=="reply") | [.mode,.action,.stage,.rule,.reply.code,.reply.xcode,.recipient]')
is "$(printf '%s\n' "$got" | sed -n 1p)" '["monitor","tempfail","rcpt","watch-rcpt","450","4.2.1","watched@dest.example"]' "event: monitor at rcpt"
is "$(printf '%s\n' "$got" | sed -n 2p)" '["enforce","reject","rcpt","enforce-rcpt","550","5.7.1","blocked@dest.example"]' "event: enforce at rcpt"
is "$(printf '%s\n' "$got" | sed -n 3p)" '["monitor","reject","header","watch-subject","550","5.7.1",null]' "event: monitor at header"

stats_now
prom=$(cat "$T/out/esc.prom")
like "$prom" 'esc_milter_rule_matches_total\{rule="watch-subject",mode="monitor"\} 1' "prometheus: monitor matches"
like "$prom" 'esc_milter_replies_total\{source="milter",action="reject",mode="monitor",class="5",subject="7",category="security",direction="inbound"\} 1' "prometheus: would-reject counted as monitor"
e2e_done

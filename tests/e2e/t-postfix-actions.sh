#!/bin/bash
# t-postfix-actions.sh - accept ends evaluation; discard accepts and drops;
# a reply that fails validation when sent is replaced by a safe one and
# logged as a violation; a regex that hits its match limit applies
# on_error = tempfail (never accept what a rule might refuse).
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init actions

milter_conf <<'CONF'
regex_match_limit = 1000

rule vip
    if = sender-domain = vip.example
    action = accept

rule vip-recipient
    if = recipient = boss@dest.example
    action = accept

rule block-all-example
    if = recipient-domain = dest.example
    if = sender-domain ~ /./
    reply = 550 5.7.1 Not for ${recipient}

rule drop
    if = sender = drop@src.example
    action = discard

rule echo
    if = sender-domain = echo.example
    reply = 550 5.7.1 ${sender} ${sender} ${sender} ${sender} ${sender} ${sender}

rule slow-regex
    if = helo ~ /^(a|aa)+$/
    reply = 550 5.7.1 bad helo
CONF
milter_start || exit 1
postfix_start || exit 1

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<ceo@vip.example>
RCPT TO:<x@dest.example>
QUIT
S
)
like "$out" 'RCPT 250 2\.1\.5 Ok' "accept: later rules skipped for the message"

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<boss@dest.example>
RCPT TO:<x@dest.example>
QUIT
S
)
like "$out" 'RCPT 250 2\.1\.5 Ok' "accept with a recipient condition: that recipient passes"
like "$out" 'RCPT 550 5\.7\.1 Not for x@dest\.example' "... the next recipient is still checked"

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<drop@src.example>
RCPT TO:<y@other.example>
DATA
Subject: dropped

x
.
QUIT
S
)
like "$out" '^\. 250 2\.0\.0 Ok: queued' "discard: the client sees success"
wait_for 5 grep -q 'milter-discard' "$T/pf/maillog"
like "$(cat "$T/pf/maillog")" 'milter-discard: END-OF-MESSAGE|milter-discard: MAIL' "discard: Postfix drops the message"
# After a DISCARD at MAIL, Postfix's cleanup also runs non_smtpd_milters on
# the message: a second session may decide the same.
is "$(events 'select(.event=="reply" and .rule=="drop") | [.action,.stage,.reply]' | sort -u)" '["discard","mail",null]' "discard: event with action discard"

long=$(printf 'x%.0s' $(seq 1 90))
out=$(smtp <<S
EHLO client.test
MAIL FROM:<$long@echo.example>
QUIT
S
)
like "$out" 'MAIL 550 5\.7\.1 Delivery not authorized, message refused' "violation: a safe reply with the rule's codes and the registry text"
v=$(events 'select(.event=="violation")')
is "$(printf '%s' "$v" | jq -c '[.rule, .stage, .attempted.code, .attempted.xcode, [.findings[].id], .sent.code, .sent.xcode, .sent.text]')" \
    '["echo","mail","550","5.7.1",["text-too-long"],"550","5.7.1","Delivery not authorized, message refused"]' "violation: event with what was attempted and sent"
is "$(events 'select(.event=="reply" and .rule=="echo") | .reply.text')" '"Delivery not authorized, message refused"' "violation: the reply event has what was sent"

out=$(smtp <<'S'
EHLO aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab
MAIL FROM:<a@src.example>
QUIT
S
)
like "$out" 'MAIL 451 4\.3\.0 Temporary local problem - try again later' "regex match limit: on_error = tempfail"
like "$(cat "$T/milter.log")" 'a regular expression hit its match limit at helo; on_error = tempfail' "regex match limit: logged"

stats_now
like "$(cat "$T/out/esc.prom")" 'esc_milter_violations_total\{finding="text-too-long"\} 1' "prometheus: the violation counted"
like "$(cat "$T/out/esc.prom")" 'esc_milter_internal_errors_total 1' "prometheus: the internal error counted"
like "$(cat "$T/out/esc.prom")" 'esc_milter_rule_matches_total\{rule="vip",mode="enforce"\} 1' "prometheus: accept counted as a match"
e2e_done

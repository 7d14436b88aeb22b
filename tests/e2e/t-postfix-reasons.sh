#!/bin/bash
# t-postfix-reasons.sh - why: a real Postfix refuses a client listed on a
# DNSBL (reject_rbl_client, the zone served by the test DNS server), a
# client that tries to relay, and an unknown recipient; esc-milter refuses
# with a rule that names its reason and with one whose text says it.  The
# clients get the exact replies; the daemon (observing the MTA's
# rejections and following its log) writes each rejection once with the
# right reason and reason_detail, and counts it under that reason in the
# Prometheus file; esc maillog and esc report read the same from the log.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init postfix-reasons
need unshare util-linux
DNSADDR=127.53.53.54

# The DNSBL: 127.0.0.66 is listed in rbl.test.example.
"$PY" "$top_srcdir/tests/e2e/dnsd.py" "$DNSADDR:53" a:66.0.0.127.rbl.test.example:127.0.0.2 \
    > "$T/dnsd.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/dnsd.log"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNSADDR" > "$T/resolv.conf"
export POSTFIX_RESOLV="$T/resolv.conf"

milter_conf <<CONF
maillog = $T/pf/maillog
maillog_state = $T/out/maillog.state

rule greylist
    if = recipient = grey@dest.example
    reply = 451 4.7.1 Greylisted, please try again later

rule content-check
    if = header Subject ~ /spam-me/
    reply = 550 5.7.1 Message refused
    reason = spamdetected
CONF
milter_start || exit 1
postfix_start "mynetworks = 127.0.0.1/32" \
    "virtual_mailbox_domains = dest.example" \
    "virtual_mailbox_maps = inline:{ {ok@dest.example = ok/}, {grey@dest.example = grey/} }" \
    "virtual_transport = discard" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_rbl_client rbl.test.example, reject_unauth_destination" || exit 1

# 1. a listed client
printf 'EHLO listed.test\nMAIL FROM:<a@src.example>\nRCPT TO:<ok@dest.example>\nQUIT\n' |
    smtp_from 127.0.0.66 > "$T/out.rbl"
# 2. a client that is not ours, relaying
printf 'EHLO other.test\nMAIL FROM:<a@src.example>\nRCPT TO:<x@elsewhere.example>\nQUIT\n' |
    smtp_from 127.0.0.77 > "$T/out.relay"
# 3. an unknown recipient
printf 'EHLO other.test\nMAIL FROM:<a@src.example>\nRCPT TO:<nobody@dest.example>\nQUIT\n' |
    smtp_from 127.0.0.77 > "$T/out.unknown"
# 4. and 5. esc-milter's rules
printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<grey@dest.example>\nQUIT\n' |
    smtp > "$T/out.grey"
printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<ok@dest.example>\nDATA\nSubject: spam-me\n\nbody\n.\nQUIT\n' |
    smtp > "$T/out.spam"

is "$(grep '^RCPT' "$T/out.rbl")" "RCPT 554 5.7.1 Service unavailable; Client host [127.0.0.66] blocked using rbl.test.example" \
    "the listed client is refused (reject_rbl_client)"
is "$(grep '^RCPT' "$T/out.relay")" "RCPT 454 4.7.1 <x@elsewhere.example>: Relay access denied" \
    "relaying is refused (smtpd_relay_restrictions: defer_unauth_destination)"
is "$(grep '^RCPT' "$T/out.unknown")" "RCPT 550 5.1.1 <nobody@dest.example>: Recipient address rejected: User unknown in virtual mailbox table" \
    "the unknown recipient is refused"
is "$(grep '^RCPT' "$T/out.grey")" "RCPT 451 4.7.1 Greylisted, please try again later" "esc-milter's greylisting rule"
is "$(grep '^\.' "$T/out.spam")" ". 550 5.7.1 Message refused" "esc-milter's content rule"

# The daemon: each rejection once, with its reason.
ML="$T/pf/maillog"
wait_for 60 grep -q 'Relay access denied' "$ML"
wait_for 60 maillog_caught_up "$ML"
flush_events
is "$(events 'select(.event == "reply") | [.source, .reason, .reason_detail, .inferred, .recipient, .category]' | sort)" \
'["milter","greylisted","greylisting",false,"grey@dest.example","security"]
["milter","spamdetected","content-check",false,null,"security"]
["mta","blocked","rbl.test.example",false,"ok@dest.example","security"]
["mta","norelaying","reject_unauth_destination",false,"x@elsewhere.example","security"]
["mta","userunknown","virtual_mailbox_maps",false,"nobody@dest.example","addressing"]' \
    "the daemon's events: the DNSBL zone, the restriction, the table, the rule that named its reason"
stats_now
prom=$(cat "$T/out/esc.prom")
for r in blocked norelaying userunknown; do
	like "$prom" "esc_milter_replies_by_reason_total\\{source=\"mta\",direction=\"inbound\",reason=\"$r\"\\} 1" \
	    "prometheus: one $r, inbound, from the MTA"
done
for r in greylisted spamdetected; do
	like "$prom" "esc_milter_replies_by_reason_total\\{source=\"milter\",direction=\"inbound\",reason=\"$r\"\\} 1" \
	    "prometheus: one $r from esc-milter's rules"
done
unlike "$prom" 'reason="(undefined|securityerror|rejected)"' "prometheus: no rejection without its reason"

# The same from the log, read afterwards.
"$ESC" maillog "$ML" > "$T/maillog.json"
is "$(jq -c 'select(.source == "mta") | [.reason, .reason_detail]' "$T/maillog.json" | sort | tr '\n' ' ')" \
    '["blocked","rbl.test.example"] ["norelaying","reject_unauth_destination"] ["userunknown","virtual_mailbox_maps"] ' \
    "esc maillog: the same reasons from Postfix's log"
is "$("$ESC" report --by reason-detail --format csv "$ML" | tail -n +2 | tr -d '"' | sort | tr '\n' ' ')" \
    "blocked,rbl.test.example,1,20.0 greylisted,greylisting,1,20.0 norelaying,reject_unauth_destination,1,20.0 securityerror,,1,20.0 userunknown,virtual_mailbox_maps,1,20.0 " \
    "esc report --by reason-detail on the log (esc-milter's content rule is a milter-reject there: its reason is in the daemon's event only)"
e2e_done

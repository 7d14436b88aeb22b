#!/bin/bash
# t-maillog-postfix.sh - every kind of rejection a real Postfix makes or
# receives, read from its log: postscreen with a DNSBL answered by the test
# DNS server, a HELO rejection with smtpd_delay_reject = no, a DATA
# restriction, header_checks REJECT/DISCARD/HOLD, body_checks, another
# milter that rejects at the end of the message, a recipient Postfix
# rejects (which esc-milter also observes), esc-milter's own rejections
# (which Postfix also logs), and our own outbound mail refused by a remote
# server with a multi-line 550 5.7.26, deferred with 421 4.7.28, deferred
# because nothing listens, and bounced by local delivery (unknown user);
# a before-queue content filter (smtpd_proxy_filter) that refuses a
# message, and a restriction under warn_if_reject (Postfix's monitor mode).
#
# esc maillog on the log gives the exact events; the daemon following the
# same log (maillog =) gives each rejection exactly once, its own and the
# observed ones included, through a restart (a rejection made while it was
# stopped is counted once), a reload and `postfix logrotate`.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init maillog-postfix
need unshare util-linux
read -r OPORT DEADPORT PXPORT < <(free_ports 3)
DNSADDR=127.53.53.53
port_open() { "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null; }

# The test DNS server on $DNSADDR:53, the DNSBL listing 127.0.0.66.
"$PY" "$top_srcdir/tests/e2e/dnsd.py" "$DNSADDR:53" a:66.0.0.127.bl.test.example:127.0.0.2 \
    > "$T/dnsd.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/dnsd.log"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNSADDR" > "$T/resolv.conf"
export POSTFIX_RESOLV="$T/resolv.conf"

# A remote server that refuses our mail (and is the before-queue content
# filter of the smtpd on $PXPORT), and another milter.
"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$RPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/answer.log"
"$PY" "$top_srcdir/tests/e2e/milter_other.py" "$OPORT" other-milter-word > "$T/other.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/other.log"

printf '/^Subject: hc-reject/ REJECT 5.7.1 Header refused\n/^Subject: hc-discard/ DISCARD\n/^Subject: hc-hold/ HOLD\n' \
    > "$T/header_checks"
printf '/^bc-reject-me/ REJECT 5.7.1 Body refused\n' > "$T/body_checks"

milter_conf <<CONF
maillog = $T/pf/maillog
maillog_state = $T/out/maillog.state
stats_file = $T/out/stats.json

rule rcpt-rule
    if = recipient = rcpt-rule@dest.example
    reply = 550 5.7.1 Not for this one

rule header-rule
    if = header Subject ~ /esc-reject/
    reply = 550 5.7.23 SPF validation failed
CONF
milter_start || exit 1

POSTFIX_MASTER_EXTRA="127.0.0.1:$XPORT inet n - n - 1 postscreen
smtpd pass - - n - - smtpd
dnsblog unix - - n - 0 dnsblog
tlsproxy unix - - n - 0 tlsproxy
local unix - n n - - local
127.0.0.1:$PXPORT inet n - n - - smtpd -o smtpd_proxy_filter=127.0.0.1:$RPORT -o smtpd_milters="
postfix_start "smtpd_milters = inet:127.0.0.1:$MPORT, inet:127.0.0.1:$OPORT" \
    "postscreen_access_list =" "postscreen_dnsbl_sites = bl.test.example=127.0.0.2" \
    "postscreen_dnsbl_threshold = 1" "postscreen_dnsbl_action = enforce" \
    "postscreen_greet_action = ignore" "postscreen_greet_wait = 1s" \
    "smtpd_delay_reject = no" \
    "smtpd_recipient_restrictions = warn_if_reject check_recipient_access inline:{ {warned@dest.example = 550 5.7.1 Would be refused} }, check_recipient_access inline:{ {denied@dest.example = 550 5.1.1 User unknown here}, {later@dest.example = 450 4.2.1 Mailbox busy, try later} }, permit_mynetworks, reject" \
    "smtpd_helo_restrictions = check_helo_access inline:{ {bad-helo.example = REJECT Go away} }" \
    "smtpd_data_restrictions = check_sender_access inline:{ {data-refused@src.example = REJECT Data refused here} }" \
    "header_checks = regexp:$T/header_checks" "body_checks = regexp:$T/body_checks" \
    "mydestination = local.test.example" "local_transport = local" \
    "transport_maps = inline:{ {remote.example = smtp:[127.0.0.1]:$RPORT}, {nowhere.example = smtp:[127.0.0.1]:$DEADPORT} }" \
    "smtp_tls_security_level = none" "maximal_backoff_time = 1h" || exit 1

# msg SUBJECT [EXTRA HEADER] [BODY LINE] - a message from a@src.example to
# ok@dest.example
msg() {
	printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<ok@dest.example>\nDATA\nSubject: %s\n%s\n\n%s\n.\nQUIT\n' \
	    "$1" "${2:-X-Test: 1}" "${3:-body}" | smtp
}

# 1. postscreen: 127.0.0.66 is on the DNSBL
printf 'EHLO listed.test\nMAIL FROM:<a@src.example>\nRCPT TO:<ok@dest.example>\nQUIT\n' |
    "$PY" "$SMTPC" --source 127.0.0.66 "127.0.0.1:$XPORT" > "$T/out.postscreen"
# 2. HELO rejected at once (smtpd_delay_reject = no)
printf 'EHLO bad-helo.example\nQUIT\n' | smtp > "$T/out.helo"
# 3. a DATA restriction
printf 'EHLO client.test\nMAIL FROM:<data-refused@src.example>\nRCPT TO:<ok@dest.example>\nDATA\nQUIT\n' |
    smtp > "$T/out.data"
# 4. header_checks and body_checks
msg hc-reject > "$T/out.hcr"
msg hc-discard > "$T/out.hcd"
msg hc-hold > "$T/out.hch"
msg "body check" "X-Test: 2" bc-reject-me > "$T/out.bc"
# 5. the other milter
msg "other" "X-Other: other-milter-word" > "$T/out.other"
# 6. esc-milter's own rejections, and one Postfix makes that it observes
printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<rcpt-rule@dest.example>\nRCPT TO:<denied@dest.example>\nRCPT TO:<ok@dest.example>\nDATA\nSubject: esc-reject\n\nbody\n.\nQUIT\n' |
    smtp > "$T/out.esc"
# 7. our own mail: refused, deferred, nobody listening, local unknown user
out() {
	printf 'EHLO client.test\nMAIL FROM:<a@src.example>\n%bDATA\nSubject: outbound\n\nbody\n.\nQUIT\n' "$1" | smtp
}
out 'RCPT TO:<auth-fail@remote.example>\n' > "$T/out.auth"
out 'RCPT TO:<rate-limited@remote.example>\n' > "$T/out.rate"
out 'RCPT TO:<x@nowhere.example>\nRCPT TO:<nobody-here@local.test.example>\n' > "$T/out.nowhere"
# 8. the before-queue content filter refuses, and a warn_if_reject
printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<ok@dest.example>\nDATA\nSubject: proxied\n\nproxy-spam\n.\nQUIT\n' |
    smtp "$PXPORT" > "$T/out.proxy"
printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<warned@dest.example>\nQUIT\n' |
    smtp > "$T/out.warned"

# Postfix has logged all of it, the delivery attempts included.
ML="$T/pf/maillog"
wait_for 60 grep -q 'auth-fail@remote.example>.*status=bounced' "$ML"
wait_for 60 grep -q 'rate-limited@remote.example>.*status=deferred' "$ML"
wait_for 60 grep -q 'x@nowhere.example>.*status=deferred' "$ML"
wait_for 60 grep -q 'nobody-here@local.test.example>.*status=bounced' "$ML"
wait_for 60 grep -q 'milter-reject: END-OF-MESSAGE.*Other milter' "$ML"
wait_for 60 grep -q 'proxy-reject: END-OF-MESSAGE' "$ML"
wait_for 60 grep -q 'reject_warning: RCPT' "$ML"

# What the clients saw (the rejections are real).
like "$(cat "$T/out.postscreen")" '^RCPT 550 5\.7\.1 Service unavailable; client \[127\.0\.0\.66\] blocked using bl\.test\.example$' "postscreen rejects the listed client"
like "$(cat "$T/out.helo")" '^EHLO 554 5\.7\.1 <bad-helo\.example>: Helo command rejected: Go away$' "HELO rejected at once"
like "$(cat "$T/out.data")" '^DATA 554 5\.7\.1 <data-refused@src\.example>: Sender address rejected: Data refused here$' "DATA restriction"
like "$(cat "$T/out.other")" '^\. 550 5\.7\.0 Other milter refuses$' "the other milter rejects"
like "$(cat "$T/out.esc")" '^RCPT 550 5\.7\.1 Not for this one$' "esc-milter's recipient rule"
like "$(cat "$T/out.proxy")" '^\. 554 5\.7\.0 Reject, id=00001-01 - spam$' "the before-queue content filter refuses the message"
like "$(cat "$T/out.warned")" '^RCPT 250 ' "warn_if_reject: the recipient is accepted"

# esc maillog on the log: the exact events.  The inbound ones in the
# order of the sessions; the deliveries run in parallel, so sorted.
view='[.source, .program, .action, .stage, .reply.code, .reply.xcode, .reply.text, .recipient, .client.ip, .remote.name, .remote.domain, .dsn, .category]'
"$ESC" maillog "$ML" > "$T/maillog.json"
is "$(jq -c "select(.direction == \"inbound\") | $view" "$T/maillog.json")" \
'["mta","postscreen","reject","rcpt","550","5.7.1","Service unavailable; client [127.0.0.66] blocked using bl.test.example","ok@dest.example","127.0.0.66",null,null,null,"security"]
["mta","smtpd","reject","helo","554","5.7.1","<bad-helo.example>: Helo command rejected: Go away",null,"127.0.0.1",null,null,null,"security"]
["mta","smtpd","reject","data","554","5.7.1","<data-refused@src.example>: Sender address rejected: Data refused here","ok@dest.example","127.0.0.1",null,null,null,"security"]
["mta","cleanup","reject","header",null,"5.7.1","Header refused","ok@dest.example","127.0.0.1",null,null,null,"security"]
["mta","cleanup","discard","header",null,null,null,"ok@dest.example","127.0.0.1",null,null,null,"unknown"]
["mta","cleanup","hold","header",null,null,null,"ok@dest.example","127.0.0.1",null,null,null,"unknown"]
["mta","cleanup","reject","eom",null,"5.7.1","Body refused","ok@dest.example","127.0.0.1",null,null,null,"security"]
["other-milter","cleanup","reject","eom",null,"5.7.0","Other milter refuses","ok@dest.example","127.0.0.1",null,null,null,"security"]
["other-milter","smtpd","reject","rcpt","550","5.7.1","Not for this one","rcpt-rule@dest.example","127.0.0.1",null,null,null,"security"]
["mta","smtpd","reject","rcpt","550","5.1.1","<denied@dest.example>: Recipient address rejected: User unknown here","denied@dest.example","127.0.0.1",null,null,null,"addressing"]
["other-milter","cleanup","reject","eom",null,"5.7.23","SPF validation failed","ok@dest.example","127.0.0.1",null,null,null,"security"]
["mta","smtpd","reject","eom","554","5.7.0","Reject, id=00001-01 - spam","ok@dest.example",null,null,null,null,"security"]
["mta","smtpd","reject","rcpt","550","5.7.1","<warned@dest.example>: Recipient address rejected: Would be refused","warned@dest.example","127.0.0.1",null,null,null,"security"]' \
    "esc maillog: every inbound rejection, exactly (esc-milter's own as other-milter: the log does not name the milter; the content filter's refusal; the warning)"
is "$(jq -c 'select(.mode == "monitor") | .recipient' "$T/maillog.json")" '"warned@dest.example"' \
    "esc maillog: the reject_warning is in monitor mode, and it alone"
is "$(jq -c "select(.direction == \"outbound\") | $view" "$T/maillog.json" | sort)" \
"[\"mta\",\"local\",\"reject\",null,null,null,\"unknown user: \\\"nobody-here\\\"\",\"nobody-here@local.test.example\",null,null,null,\"5.1.1\",\"addressing\"]
[\"mta\",\"smtp\",\"tempfail\",\"connect\",null,null,\"connect to 127.0.0.1[127.0.0.1]:$DEADPORT: Connection refused\",\"x@nowhere.example\",null,\"127.0.0.1\",\"127.0.0.1\",\"4.4.1\",\"network\"]
[\"remote\",\"smtp\",\"reject\",\"eom\",\"550\",\"5.7.26\",\"This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp\",\"auth-fail@remote.example\",null,\"127.0.0.1\",\"127.0.0.1\",\"5.7.26\",\"security\"]
[\"remote\",\"smtp\",\"tempfail\",\"eom\",\"421\",\"4.7.28\",\"Our system has detected an unusual rate of unsolicited mail originating from your IP address.\",\"rate-limited@remote.example\",null,\"127.0.0.1\",\"127.0.0.1\",\"4.7.28\",\"security\"]" \
    "esc maillog: our own mail refused (a multi-line 550 5.7.26 read as one reply), deferred (421 4.7.28), nobody listening, unknown local user"
is "$(jq -r '.log.line' "$T/maillog.json" | while read -r n; do sed -n "${n}p" "$ML"; done | grep -c -E 'reject|status=|discard|hold')" \
    "$(wc -l < "$T/maillog.json" | tr -d ' ')" "every event's log.line is the line it came from"
schema_ok "$T/maillog.json" "esc maillog's events match the schema"

# The daemon followed the same log: each rejection once.
wait_for 60 maillog_caught_up "$ML"
flush_events
dview='[(if .log then "log" else "milter" end), .source, .program // "-", .action, .mode, .stage, .reply.xcode, .recipient, .rule]'
is "$(events "select(.event == \"reply\") | $dview" | sort)" \
'["log","mta","cleanup","discard","enforce","header",null,"ok@dest.example",null]
["log","mta","cleanup","hold","enforce","header",null,"ok@dest.example",null]
["log","mta","cleanup","reject","enforce","eom","5.7.1","ok@dest.example",null]
["log","mta","cleanup","reject","enforce","header","5.7.1","ok@dest.example",null]
["log","mta","local","reject","enforce",null,null,"nobody-here@local.test.example",null]
["log","mta","postscreen","reject","enforce","rcpt","5.7.1","ok@dest.example",null]
["log","mta","smtp","tempfail","enforce","connect",null,"x@nowhere.example",null]
["log","mta","smtpd","reject","enforce","data","5.7.1","ok@dest.example",null]
["log","mta","smtpd","reject","enforce","eom","5.7.0","ok@dest.example",null]
["log","mta","smtpd","reject","enforce","helo","5.7.1",null,null]
["log","mta","smtpd","reject","monitor","rcpt","5.7.1","warned@dest.example",null]
["log","other-milter","cleanup","reject","enforce","eom","5.7.0","ok@dest.example",null]
["log","remote","smtp","reject","enforce","eom","5.7.26","auth-fail@remote.example",null]
["log","remote","smtp","tempfail","enforce","eom","4.7.28","rate-limited@remote.example",null]
["milter","milter","-","reject","enforce","header","5.7.23",null,"header-rule"]
["milter","milter","-","reject","enforce","rcpt","5.7.1","rcpt-rule@dest.example","rcpt-rule"]
["milter","mta","-","reject","enforce","rcpt","5.1.1","denied@dest.example",null]' \
    "the daemon: every rejection exactly once; its own and the one it observed are not read again from the log"
stats_now
prom=$(cat "$T/out/esc.prom")
like "$prom" 'esc_milter_replies_total\{source="remote",action="reject",mode="enforce",class="5",subject="7",category="security",direction="outbound"\} 1' \
    "prometheus: a remote server's 5.7.x refusal, outbound"
like "$prom" 'esc_milter_replies_total\{source="remote",action="tempfail",mode="enforce",class="4",subject="7",category="security",direction="outbound"\} 1' \
    "prometheus: a remote server's 4.7.28, outbound"
like "$prom" 'esc_milter_replies_total\{source="other-milter",action="reject",mode="enforce",class="5",subject="7",category="security",direction="inbound"\} 1' \
    "prometheus: the other milter's rejection"
like "$prom" 'esc_milter_replies_total\{source="mta",action="reject",mode="enforce",class="5",subject="1",category="addressing",direction="inbound"\} 1' \
    "prometheus: the observed recipient rejection, once"
like "$prom" 'esc_milter_maillog_lines_total\{result="duplicate"\} 3' "prometheus: three log lines the milter had counted itself"
like "$prom" 'esc_milter_replies_total\{source="mta",action="reject",mode="monitor",class="5",subject="7",category="security",direction="inbound"\} 1' \
    "prometheus: the reject_warning counted in monitor mode"
like "$prom" 'esc_milter_replies_total\{source="mta",action="reject",mode="enforce",class="5",subject="7",category="security",direction="inbound"\} 6' \
    "prometheus: Postfix's own 5.7.x refusals inbound (postscreen, HELO, DATA, header, body) and the content filter's, enforced"

# A restart: a rejection while esc-milter is stopped is counted once.
milter_stop
printf 'EHLO listed.test\nMAIL FROM:<a@src.example>\nRCPT TO:<while-down@dest.example>\nQUIT\n' |
    "$PY" "$SMTPC" --source 127.0.0.66 "127.0.0.1:$XPORT" > /dev/null
wait_for 60 grep -q 'to=<while-down@dest.example>' "$ML"
milter_start || exit 1
wait_for 60 maillog_caught_up "$ML"
is "$(events 'select(.event == "reply" and .program == "postscreen") | .recipient' | sort | tr '\n' ' ')" \
    '"ok@dest.example" "while-down@dest.example" ' "after a restart: the line written while stopped is counted, the earlier ones not again"

# A reload, then `postfix logrotate`: nothing lost, nothing twice.
kill -HUP "$MILTER_PID"
printf 'EHLO bad-helo.example\nQUIT\n' | smtp > /dev/null
wait_for 60 maillog_caught_up "$ML"
is "$(events 'select(.event == "reply" and .stage == "helo") | .source' | wc -l | tr -d ' ')" 2 "after a reload: the new HELO rejection once, the old one not again"
postfix -c "$POSTFIX_ETC" logrotate >> "$T/postfix-check.log" 2>&1
wait_for 30 sh -c "ls '$T/pf/' | grep -q '^maillog\.[0-9]'"
# postlogd reopens the file when the reload reaches it: until then a line
# still goes to the rotated file.  Probe until one lands in the new one.
wait_for 60 sh -c "postlog -c '$POSTFIX_ETC' -t esc-probe rotate-probe 2>/dev/null; grep -q rotate-probe '$ML'"
printf 'EHLO listed.test\nMAIL FROM:<a@src.example>\nRCPT TO:<after-rotate@dest.example>\nQUIT\n' |
    "$PY" "$SMTPC" --source 127.0.0.66 "127.0.0.1:$XPORT" > /dev/null
wait_for 60 grep -q 'to=<after-rotate@dest.example>' "$ML"
# postlogd makes the new file for root alone; a log rotation sets its
# owner and mode (logrotate's "create 0640 root adm" on Debian)
chmod 644 "$ML"
wait_for 60 maillog_caught_up "$ML"
is "$(events 'select(.event == "reply" and .program == "postscreen") | .recipient' | sort | tr '\n' ' ')" \
    '"after-rotate@dest.example" "ok@dest.example" "while-down@dest.example" ' "after postfix logrotate: the new file is followed"
like "$(cat "$T/milter.log")" 'maillog: .*maillog was rotated; reading the new file' "the rotation is logged"
e2e_done

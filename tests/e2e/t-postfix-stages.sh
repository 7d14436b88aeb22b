#!/bin/bash
# t-postfix-stages.sh - a rule at each stage (connect, helo, mail, rcpt,
# header, eom) through a real Postfix: the exact reply line the SMTP client
# receives and the JSON event written; an MTA-rejected recipient observed as
# source "mta" and counted in both statistics files.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init stages

milter_conf <<'CONF'
rule conn-block
    if = client-ip in 127.0.0.2
    reply = 554 5.7.1 Connections from ${client_ip} are not accepted

rule helo-bad
    if = helo = bad.helo.test
    reply = 550 5.7.1 Bad HELO ${helo}

rule mail-block
    if = sender-domain = spammer.test
    reply = 550 5.7.1 Sender ${sender} refused

rule rcpt-block
    if = recipient = blocked@dest.example
    reply = 550 5.7.1 Recipient ${recipient} refused

rule rcpt-temp
    if = recipient-domain = slow.example
    reply = 450 4.7.1 Try ${recipient_domain} later

rule header-spf
    if = header Received-SPF ~ /^\s*fail\b/i
    reply = 550 5.7.23 SPF validation failed for ${sender_domain}

rule eom-body
    if = body ~ /BUY NOW/
    reply = 554 5.7.1 Spam detected\nContact postmaster for help
CONF
milter_start || exit 1
postfix_start || exit 1

# connect: decided at CONNECT, answered where Postfix shows the text
out=$(smtp_from 127.0.0.2 <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
QUIT
S
)
like "$out" '^EHLO 250 ' "connect rule: EHLO still accepted"
like "$out" 'MAIL 554 5\.7\.1 Connections from 127\.0\.0\.2 are not accepted' "connect rule: reply at MAIL FROM"

# helo
out=$(smtp <<'S'
EHLO bad.helo.test
MAIL FROM:<a@src.example>
QUIT
S
)
like "$out" 'MAIL 550 5\.7\.1 Bad HELO bad\.helo\.test' "helo rule: reply line"

# mail
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<x@spammer.test>
QUIT
S
)
like "$out" 'MAIL 550 5\.7\.1 Sender x@spammer\.test refused' "mail rule: reply line"

# rcpt: reject, tempfail, MTA reject, accepted
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<blocked@dest.example>
RCPT TO:<x@slow.example>
RCPT TO:<denied@dest.example>
RCPT TO:<ok@dest.example>
QUIT
S
)
like "$out" 'RCPT 550 5\.7\.1 Recipient blocked@dest\.example refused' "rcpt rule: 550 reply line"
like "$out" 'RCPT 450 4\.7\.1 Try slow\.example later' "rcpt rule: 450 reply line"
like "$out" 'RCPT 550 5\.1\.1 <denied@dest\.example>: Recipient address rejected: User unknown here' "access map rejects a recipient"
like "$out" 'RCPT 250 2\.1\.5 Ok' "other recipients accepted"

# header
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
DATA
Received-SPF: fail (src.example: 192.0.2.1 is not permitted)
Subject: header test

body
.
QUIT
S
)
like "$out" '^\. 550 5\.7\.23 SPF validation failed for src\.example' "header rule: reply after DATA"

# eom, multi-line
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
DATA
Subject: eom test

BUY NOW
.
QUIT
S
)
like "$out" '^\. 554-5\.7\.1 Spam detected' "eom rule: first line of a multi-line reply"
like "$out" '\. 554 5\.7\.1 Contact postmaster for help' "eom rule: last line"

# a clean message is accepted
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
DATA
Subject: clean

hello
.
QUIT
S
)
like "$out" '^\. 250 2\.0\.0 Ok: queued as' "clean message accepted"

# The events, field by field.
sel='select(.event=="reply") | [.source,.action,.mode,.stage,.rule,.recipient,.reply.code,.reply.xcode,.reply.text,.class,.subject,.category,.registered]'
got=$(events "$sel")
is "$(printf '%s\n' "$got" | sed -n 1p)" '["milter","reject","enforce","connect","conn-block",null,"554","5.7.1","Connections from 127.0.0.2 are not accepted",5,7,"security",true]' "event: connect rule"
is "$(printf '%s\n' "$got" | sed -n 2p)" '["milter","reject","enforce","helo","helo-bad",null,"550","5.7.1","Bad HELO bad.helo.test",5,7,"security",true]' "event: helo rule"
is "$(printf '%s\n' "$got" | sed -n 3p)" '["milter","reject","enforce","mail","mail-block",null,"550","5.7.1","Sender x@spammer.test refused",5,7,"security",true]' "event: mail rule"
is "$(printf '%s\n' "$got" | sed -n 4p)" '["milter","reject","enforce","rcpt","rcpt-block","blocked@dest.example","550","5.7.1","Recipient blocked@dest.example refused",5,7,"security",true]' "event: rcpt rule"
is "$(printf '%s\n' "$got" | sed -n 5p)" '["milter","tempfail","enforce","rcpt","rcpt-temp","x@slow.example","450","4.7.1","Try slow.example later",4,7,"security",true]' "event: rcpt tempfail"
is "$(printf '%s\n' "$got" | sed -n 6p)" '["mta","reject","enforce","rcpt",null,"denied@dest.example",null,"5.1.1","Recipient address rejected: User unknown here",5,1,"addressing",true]' "event: MTA-rejected recipient"
is "$(printf '%s\n' "$got" | sed -n 7p)" '["milter","reject","enforce","header","header-spf",null,"550","5.7.23","SPF validation failed for src.example",5,7,"security",true]' "event: header rule"
is "$(printf '%s\n' "$got" | sed -n 8p)" '["milter","reject","enforce","eom","eom-body",null,"554","5.7.1","Spam detected\nContact postmaster for help",5,7,"security",true]' "event: eom rule"
is "$(printf '%s\n' "$got" | wc -l)" 8 "exactly eight reply events"

one=$(events 'select(.event=="reply" and .stage=="eom")')
like "$one" '^\{"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z","event":"reply","host":"[^"]+","session":"[0-9a-f]+\.[0-9a-f]+","queue_id":"[0-9A-F]+",' "event: common fields, queue id at eom"
is "$(printf '%s' "$one" | jq -c '[.client.ip, .client.name, .client.helo, .sender, .findings]')" '["127.0.0.1","localhost","client.test","a@src.example",[]]' "event: client, sender, findings"
is "$(events 'select(.event=="reply" and .stage=="header") | .findings')" '[]' "event: clean reply has no findings"
is "$(events 'select(.event=="config") | [.result,.reason,.rules,.errors]')" '["ok","start",7,0]' "config event at start"

# Statistics: SIGUSR2 writes both files now.
stats_now
prom=$(cat "$T/out/esc.prom")
like "$prom" 'esc_milter_replies_total\{source="mta",action="reject",mode="enforce",class="5",subject="1",category="addressing",direction="inbound"\} 1' "prometheus: the MTA reject"
like "$prom" 'esc_milter_replies_total\{source="milter",action="reject",mode="enforce",class="5",subject="7",category="security",direction="inbound"\} 6' "prometheus: six milter rejects"
like "$prom" 'esc_milter_replies_total\{source="milter",action="tempfail",mode="enforce",class="4",subject="7",category="security",direction="inbound"\} 1' "prometheus: one tempfail"
like "$prom" 'esc_milter_replies_by_xcode_total\{source="milter",xcode="5.7.23"\} 1' "prometheus: by xcode"
like "$prom" 'esc_milter_replies_by_xcode_total\{source="mta",xcode="5.1.1"\} 1' "prometheus: MTA by xcode"
like "$prom" 'esc_milter_rule_matches_total\{rule="rcpt-block",mode="enforce"\} 1' "prometheus: rule matches"
like "$prom" 'esc_milter_violations_total\{finding="class-mismatch"\} 0' "prometheus: violations"
like "$prom" 'esc_milter_events_dropped_total 0' "prometheus: nothing dropped"
like "$prom" 'esc_milter_config_reloads_total\{result="ok"\} 0' "prometheus: reloads"
is "$(jq -c '[.replies[] | select(.source=="mta")] | .[0] | [.action,.class,.subject,.category,.count]' "$T/out/stats.json")" '["reject","5","1","addressing",1]' "stats_file: the MTA reject"
is "$(jq -c '[.replies[] | select(.source=="milter") | .count] | add' "$T/out/stats.json")" 7 "stats_file: seven milter replies"

milter_stop
is "$MILTER_RC" 0 "esc-milter stops cleanly on SIGTERM"
is "$(events 'select(.event=="stats") | .final' | tail -1)" "true" "final stats event at shutdown"
e2e_done

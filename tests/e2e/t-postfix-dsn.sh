#!/bin/bash
# t-postfix-dsn.sh - annotate_dsn through a real Postfix: DSNs that Postfix
# itself generates (a next hop that rejects with chosen codes, one that
# defers) pass esc-milter as non_smtpd_milters, DSNs in the formats of other
# providers arrive over SMTP; each failed or delayed recipient gets its
# X-ESC-DSN header, a "dsn" event and a counter.  Forged headers go.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init dsn
DATA="$top_srcdir/tests/data/dsn"

milter_conf <<'CONF'
annotate_dsn = yes
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
# The "remote" server: a second smtpd in the same Postfix, without the
# milter, refusing some recipients with chosen codes.
POSTFIX_MASTER_EXTRA="127.0.0.1:$RPORT inet n - n - - smtpd -o smtpd_milters= -o content_filter=discard: -o myhostname=remote.test.example -o smtpd_recipient_restrictions=\$remote_rcpt"
postfix_start \
    "transport_maps = inline:{ {remote.example = smtp:[127.0.0.1]:$RPORT}, {src.example = smtp:[127.0.0.1]:$SPORT}, {dest.example = smtp:[127.0.0.1]:$SPORT} }" \
    "remote_rcpt = check_recipient_access inline:{ {gone@remote.example = 550 5.1.1 <gone@remote.example>: no such user}, {spf@remote.example = 550 5.7.23 SPF validation failed}, {full@remote.example = 452 4.2.2 Mailbox full} }, permit" \
    "internal_mail_filter_classes = bounce" \
    "smtp_tls_security_level = none" \
    "delay_warning_time = 1s" "queue_run_delay = 1s" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" || exit 1

# send_file FROM RCPT FILE - one message over SMTP to the milter's Postfix
send_file() {
	{
		printf 'EHLO client.test\nMAIL FROM:<%s>\nRCPT TO:<%s>\nDATA\n' "$1" "$2"
		tr -d '\r' < "$3"
		printf '.\nQUIT\n'
	} | smtp
}

# --- DSNs that Postfix generates -----------------------------------------
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<author@src.example>
RCPT TO:<gone@remote.example>
RCPT TO:<spf@remote.example>
RCPT TO:<fine@remote.example>
DATA
Subject: to be bounced
Message-ID: <bounce-1@src.example>

hello
.
MAIL FROM:<patient@src.example>
RCPT TO:<full@remote.example>
DATA
Subject: to be delayed
Message-ID: <delay-1@src.example>

hello
.
QUIT
S
)
like "$out" '^\. 250 2\.0\.0 Ok: queued' "messages for the remote accepted"

wait_for 30 sh -c "grep -l 'X-ESC-DSN' $T/sink/* 2>/dev/null | xargs -r grep -l 'bounce-1@src.example' | grep -q ."
bounce=$(grep -l 'bounce-1@src.example' "$T"/sink/* | xargs grep -l '^X-ESC-DSN' | head -1 | xargs -r cat)
is "$(printf '%s\n' "$bounce" | grep '^X-ESC-DSN:' | sort)" \
"X-ESC-DSN: 5.1.1; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<gone@remote.example>
X-ESC-DSN: 5.7.23; action=failed; category=security; registered=yes; reason=authfailure; rcpt=<spf@remote.example>" \
    "Postfix's own bounce: one header per failed recipient, none for the delivered one"
like "$bounce" 'report-type=delivery-status' "it is Postfix's multipart/report"

printf '%s\n' "$bounce" > "$T/postfix-bounce.eml"
run "$ESC" dsn "$T/postfix-bounce.eml"
is "$(printf '%s\n' "$out" | sed "s|^$T/||")" \
"postfix-bounce.eml: gone@remote.example action=failed status=5.1.1 class=5 category=addressing registered=yes reason=userunknown findings=none
postfix-bounce.eml: spf@remote.example action=failed status=5.7.23 class=5 category=security registered=yes reason=authfailure detail=SPF findings=none" \
    "esc dsn on Postfix's bounce: the same classification"

wait_for 30 sh -c "grep -l 'delay-1@src.example' $T/sink/* 2>/dev/null | xargs -r grep -l 'action=delayed' | grep -q ."
delayed=$(grep -l 'delay-1@src.example' "$T"/sink/* | xargs grep -l 'action=delayed' | head -1 | xargs -r cat)
is "$(printf '%s\n' "$delayed" | grep '^X-ESC-DSN:')" \
    "X-ESC-DSN: 4.2.2; action=delayed; category=mailbox; registered=yes; reason=mailboxfull; rcpt=<full@remote.example>" \
    "Postfix's delay warning: the delayed recipient annotated"

# --- DSNs of other providers over SMTP -------------------------------------
out=$(send_file "" bounces@dest.example "$DATA/multi.eml")
like "$out" '^\. 250 2\.0\.0 Ok: queued' "multi-recipient DSN accepted"
out=$(send_file "" bounces@dest.example "$DATA/exchange.eml")
out=$(send_file "" bounces@dest.example "$DATA/gmail.eml")
out=$(send_file "" bounces@dest.example "$DATA/qp.eml")
wait_for 20 sh -c "grep -l 'Four recipients' $T/sink/* 2>/dev/null | grep -q ."
wait_for 20 sh -c "grep -l 'RESOLVER.ADR' $T/sink/* 2>/dev/null | grep -q ."
wait_for 20 sh -c "grep -l 'NoSuchUser' $T/sink/* 2>/dev/null | grep -q ."
wait_for 20 sh -c "grep -l 'Content-Transfer-Encoding: Quoted-Printable' $T/sink/* 2>/dev/null | grep -q ."
is "$(sunk 'Four recipients' | grep '^X-ESC-DSN:')" \
"X-ESC-DSN: 5.1.1; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<gone@example.com>
X-ESC-DSN: 4.2.2; action=delayed; category=mailbox; registered=yes; reason=mailboxfull; rcpt=<full@example.com>
X-ESC-DSN: 5.7.1; action=failed; category=security; registered=yes; reason=authfailure; rcpt=<spf@example.com>" \
    "multi-recipient DSN: failed and delayed annotated in order, delivered not"
is "$(sunk 'RESOLVER.ADR' | grep '^X-ESC-DSN:')" \
    "X-ESC-DSN: 5.1.10; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<nobody@contoso.example>" \
    "Exchange-style DSN"
is "$(sunk 'NoSuchUser' | grep '^X-ESC-DSN:')" \
    "X-ESC-DSN: 5.1.1; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<missing@gmail.example>" \
    "Gmail-style DSN"
is "$(sunk 'Content-Transfer-Encoding: Quoted-Printable' | grep '^X-ESC-DSN:')" \
    "X-ESC-DSN: 5.7.26; action=failed; category=security; registered=yes; reason=authfailure; rcpt=<blocked@example.com>" \
    "quoted-printable status part decoded"

# --- forged headers, and what is not a DSN ----------------------------------
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<someone@src.example>
RCPT TO:<user@dest.example>
DATA
Subject: forged
Message-ID: <forged-1@src.example>
X-ESC-DSN: 2.0.0; action=failed; category=other; registered=yes; rcpt=<x@y>
X-ESC-DSN: second forged one

Content-Type: message/delivery-status would not matter here
.
QUIT
S
)
wait_for 20 sh -c "grep -l 'forged-1@src.example' $T/sink/* 2>/dev/null | grep -q ."
is "$(sunk 'forged-1@src.example' | grep -c '^X-ESC-DSN:')" 0 \
    "X-ESC-DSN headers that came with a message are removed"

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<someone@src.example>
RCPT TO:<user@dest.example>
DATA
Subject: mixed from a real sender
Message-ID: <mixed-1@src.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: message/delivery-status

Final-Recipient: rfc822; quoted@example.com
Action: failed
Status: 5.1.1

--m--
.
QUIT
S
)
wait_for 20 sh -c "grep -l 'mixed-1@src.example' $T/sink/* 2>/dev/null | grep -q ."
is "$(sunk 'mixed-1@src.example' | grep -c '^X-ESC-DSN:')" 0 \
    "multipart/mixed from a non-null sender is not read as a DSN"

# --- events and counters ----------------------------------------------------
got=$(events 'select(.event=="dsn") | [.recipient,.action,.status,.class,.subject,.category,.registered]' | sort)
is "$got" '["blocked@example.com","failed","5.7.26",5,7,"security",true]
["full@example.com","delayed","4.2.2",4,2,"mailbox",true]
["full@remote.example","delayed","4.2.2",4,2,"mailbox",true]
["gone@example.com","failed","5.1.1",5,1,"addressing",true]
["gone@remote.example","failed","5.1.1",5,1,"addressing",true]
["missing@gmail.example","failed","5.1.1",5,1,"addressing",true]
["nobody@contoso.example","failed","5.1.10",5,1,"addressing",true]
["spf@example.com","failed","5.7.1",5,7,"security",true]
["spf@remote.example","failed","5.7.23",5,7,"security",true]' \
    "one dsn event per annotated recipient"
got=$(events 'select(.event=="dsn" and .recipient=="spf@example.com")')
is "$(printf '%s' "$got" | jq -c '[.findings, .diagnostic, .status_from, .reporting_mta, .queue_id != null, .session != null]')" \
    '[["status-mismatch"],"smtp; 550 5.7.23 SPF validation failed","status","dns; mx.example.net",true,true]' \
    "dsn event: findings, diagnostic, status source, reporting MTA, ids"
is "$(events 'select(.event=="dsn" and .recipient=="nobody@contoso.example") | .findings' )" \
    '["basic-not-associated"]' "dsn event: basic-not-associated from the Exchange reply"

stats_now
prom=$(grep '^esc_milter_dsn_total' "$T/out/esc.prom" | sort)
is "$prom" 'esc_milter_dsn_total{class="4",subject="2",category="mailbox"} 2
esc_milter_dsn_total{class="5",subject="1",category="addressing"} 4
esc_milter_dsn_total{class="5",subject="7",category="security"} 3' \
    "esc_milter_dsn_total by class and subject"
e2e_done

#!/bin/bash
# t-sendmail-dsn.sh - a DSN that a real Sendmail 8.17 generates: Sendmail
# relays to a next hop (a Postfix smtpd) that rejects two recipients with
# chosen codes, mails the bounce back through it, and the bounce is
# classified by `esc dsn` and annotated when sent through Postfix with
# esc-milter.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init sendmail-dsn
sendmail_need

milter_conf <<'CONF'
annotate_dsn = yes
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
POSTFIX_MASTER_EXTRA="127.0.0.1:$RPORT inet n - n - - smtpd -o smtpd_milters= -o myhostname=remote.test.example -o smtpd_recipient_restrictions=\$remote_rcpt"
postfix_start \
    "transport_maps = inline:{ {remote.example = discard:}, {src.example = smtp:[127.0.0.1]:$SPORT}, {dest.example = smtp:[127.0.0.1]:$SPORT} }" \
    "remote_rcpt = check_recipient_access inline:{ {gone@remote.example = 550 5.1.1 <gone@remote.example>: no such user}, {quota@remote.example = 552 5.2.2 Mailbox full} }, permit" \
    "smtp_tls_security_level = none" || exit 1

# Sendmail relays everything to the "remote" smtpd.
sm="$T/sm"
sendmail_cf relay <<MC || exit 1
define(\`SMART_HOST', \`[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $RPORT')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $RPORT')dnl
FEATURE(\`nocanonify')dnl
MC

printf 'From: author@src.example\nSubject: for Sendmail to bounce\nMessage-ID: <sm-bounce-1@src.example>\n\nhello\n' |
    timeout 120 unshare -u sh -c "hostname mx.test.example; exec $SM_ROOT/usr/libexec/sendmail/sendmail -C $sm/relay.cf -odi -oem -f author@src.example gone@remote.example quota@remote.example fine@remote.example" \
    > "$T/sendmail.out" 2>&1
wait_for 30 sh -c "grep -l 'sm-bounce-1@src.example' $T/sink/* 2>/dev/null | xargs -r grep -l 'delivery-status' | grep -q ."
f=$(grep -l 'sm-bounce-1@src.example' "$T"/sink/* 2>/dev/null | xargs -r grep -l 'delivery-status' | head -1)
[ -n "$f" ] || { sed 's/^/# sendmail: /' "$T/sendmail.out"; tail -20 "$POSTFIX_ETC/../maillog" | sed 's/^/# postfix: /'; }
ok $([ -n "$f" ]; echo $?) "Sendmail mailed a DSN back through the next hop"
# smtp-sink keeps the envelope in front; the message starts after it.
sed -n '/^Received:/,$p' "$f" > "$T/sendmail-bounce.eml"
like "$(cat "$T/sendmail-bounce.eml")" 'Reporting-MTA: dns; mx\.test\.example' "Sendmail's delivery-status part"

run "$ESC" dsn "$T/sendmail-bounce.eml"
is "$(printf '%s\n' "$out" | sed "s|^$T/||")" \
"sendmail-bounce.eml: gone@remote.example action=failed status=5.1.1 class=5 category=addressing registered=yes reason=userunknown findings=none
sendmail-bounce.eml: quota@remote.example action=failed status=5.2.2 class=5 category=mailbox registered=yes reason=mailboxfull findings=none" \
    "esc dsn classifies Sendmail's DSN"
is "$rc" 0 "exit status 0"

# Through Postfix with esc-milter: the same headers.
out=$({
	printf 'EHLO client.test\nMAIL FROM:<>\nRCPT TO:<postmaster@dest.example>\nDATA\n'
	cat "$T/sendmail-bounce.eml"
	printf '.\nQUIT\n'
} | smtp)
like "$out" '^\. 250 2\.0\.0 Ok: queued' "Sendmail's DSN accepted by Postfix"
wait_for 20 sh -c "grep -l 'postmaster@dest.example' $T/sink/* 2>/dev/null | grep -q ."
is "$(sunk 'postmaster@dest.example' | grep '^X-ESC-DSN:')" \
"X-ESC-DSN: 5.1.1; action=failed; category=addressing; registered=yes; reason=userunknown; rcpt=<gone@remote.example>
X-ESC-DSN: 5.2.2; action=failed; category=mailbox; registered=yes; reason=mailboxfull; rcpt=<quota@remote.example>" \
    "annotated by esc-milter"
is "$(events 'select(.event=="dsn") | .recipient' | tr '\n' ' ')" \
    '"gone@remote.example" "quota@remote.example" ' "two dsn events"
e2e_done

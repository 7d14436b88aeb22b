#!/bin/bash
# t-sendmail.sh - the same rules through a real Sendmail 8.17 (sendmail -bs):
# the exact replies its client sees, and the events.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init sendmail
sendmail_setup || exit 1

milter_conf <<'CONF'
rule helo-bad
    if = helo = bad.helo.test
    reply = 550 5.7.1 Bad HELO ${helo}

rule mail-block
    if = sender-domain = spammer.test
    reply = 550 5.7.1 Sender ${sender} refused

rule rcpt-block
    if = recipient = blocked@dest.example
    reply = 550 5.1.1 No such user here

rule rcpt-temp
    if = recipient-domain = slow.example
    reply = 450 4.2.1 Mailbox ${recipient} busy, try later

rule rcpt-percent
    if = recipient = percent@dest.example
    reply = 550 5.7.1 We are 100% sure

rule header-spf
    if = header Received-SPF ~ /^\s*fail\b/i
    reply = 550 5.7.23 SPF validation failed for ${sender_domain}

rule eom-body
    if = body ~ /BUY NOW/
    reply = 554 5.7.1 Spam detected
CONF
milter_start || exit 1

out=$(sendmail_smtp <<'S'
EHLO bad.helo.test
MAIL FROM:<a@src.example>
RCPT TO:<ok@dest.example>
QUIT
S
)
like "$out" '^EHLO 250 ENHANCEDSTATUSCODES' "helo rule: Sendmail accepts EHLO but offers no extensions"
like "$out" '^MAIL 550 5\.7\.1 Bad HELO bad\.helo\.test' "helo rule: MAIL gets the milter's text"

out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<x@spammer.test>
QUIT
S
)
like "$out" '^MAIL 550 5\.7\.1 <x@spammer\.test>\.\.\. Sender x@spammer\.test refused' "mail rule: Sendmail names the sender"

out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<blocked@dest.example>
RCPT TO:<x@slow.example>
RCPT TO:<percent@dest.example>
RCPT TO:<ok@dest.example>
QUIT
S
)
like "$out" 'RCPT 550 5\.1\.1 <blocked@dest\.example>\.\.\. No such user here' "rcpt rule: Sendmail names the recipient"
like "$out" 'RCPT 450 4\.2\.1 <x@slow\.example>\.\.\. Mailbox x@slow\.example busy, try later' "rcpt tempfail"
like "$out" 'RCPT 550 5\.7\.1 <percent@dest\.example>\.\.\. We are 100% sure' "lone %: escaped by esc-milter, Sendmail keeps the text"
like "$out" 'RCPT 250 2\.1\.5 <ok@dest\.example>\.\.\. Recipient ok' "other recipients accepted"

out=$(sendmail_smtp <<'S'
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

out=$(sendmail_smtp <<'S'
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
like "$out" '^\. 554 5\.7\.1 Spam detected' "eom rule: reply after DATA"

# What `esc check --mta sendmail` predicts is what Sendmail did.
pred=$("$ESC" check --mta sendmail --stage rcpt '550 5.1.1 No such user here' | sed -n 's/^  sendmail at rcpt: //p')
is "$pred" "550 5.1.1 <recipient>... No such user here" "esc check --mta sendmail agrees (modulo the address)"

got=$(events 'select(.event=="reply") | [.stage,.rule,.reply.code,.reply.xcode,.reply.text]')
is "$(printf '%s\n' "$got" | sed -n 1p)" '["helo","helo-bad","550","5.7.1","Bad HELO bad.helo.test"]' "event: helo"
is "$(printf '%s\n' "$got" | sed -n 2p)" '["mail","mail-block","550","5.7.1","Sender x@spammer.test refused"]' "event: mail"
is "$(printf '%s\n' "$got" | sed -n 3p)" '["rcpt","rcpt-block","550","5.1.1","No such user here"]' "event: rcpt"
is "$(printf '%s\n' "$got" | sed -n 4p)" '["rcpt","rcpt-temp","450","4.2.1","Mailbox x@slow.example busy, try later"]' "event: rcpt tempfail"
is "$(printf '%s\n' "$got" | sed -n 5p)" '["rcpt","rcpt-percent","550","5.7.1","We are 100% sure"]' "event: the text as the client reads it"
is "$(printf '%s\n' "$got" | sed -n 6p)" '["header","header-spf","550","5.7.23","SPF validation failed for src.example"]' "event: header"
is "$(printf '%s\n' "$got" | sed -n 7p)" '["eom","eom-body","554","5.7.1","Spam detected"]' "event: eom"
like "$(events 'select(.event=="reply" and .stage=="rcpt") | .queue_id' | head -1)" '^"[0-9A-Za-z]+"$' "Sendmail sends the queue id at RCPT"
milter_stop

# A connect-only rule: decided at CONNECT, answered at HELO.
milter_conf <<'CONF'
rule conn-block
    if = client-name = localhost
    reply = 554 5.7.1 Not from ${client_name}
CONF
milter_start || exit 1
out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
QUIT
S
)
like "$out" '^EHLO 250 ENHANCEDSTATUSCODES' "connect rule: answered at EHLO (Sendmail defers it)"
like "$out" '^MAIL 554 5\.7\.1 Not from localhost' "connect rule: MAIL gets the text"
is "$(events 'select(.event=="reply" and .rule=="conn-block") | [.stage,.reply.code,.reply.text]' | sort -u)" '["connect","554","Not from localhost"]' "event: stage connect"
e2e_done

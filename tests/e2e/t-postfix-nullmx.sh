#!/bin/bash
# t-postfix-nullmx.sh - null MX (RFC 7505) for sender and recipient domains
# against a DNS server on loopback; a dead DNS server rejects nothing.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init nullmx

dns_start "$DPORT" nullmx:nullmx.test mx:mx.test:10:mail.mx.test servfail:broken.test || exit 1
rules='
rule nullmx-sender
    if = sender-domain null-mx
    reply = 550 5.7.27

rule nullmx-recipient
    if = recipient-domain null-mx
    reply = 556 5.1.10'
milter_conf <<CONF
resolver = 127.0.0.1:$DPORT
dns_timeout = 2
$rules
CONF
milter_start || exit 1
postfix_start || exit 1

out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<someone@nullmx.test>
MAIL FROM:<someone@mx.test>
RCPT TO:<a@nullmx.test>
RCPT TO:<b@mx.test>
RCPT TO:<c@broken.test>
RCPT TO:<d@nxdomain.test>
QUIT
S
)
like "$out" 'MAIL 550 5\.7\.27 Sender address has null MX' "sender domain with a null MX: 550 5.7.27 with the registry's text"
like "$out" 'MAIL 250 2\.1\.0 Ok' "sender domain with a real MX: accepted"
like "$out" 'RCPT 556 5\.1\.10 Recipient address has null MX' "recipient domain with a null MX: 556 5.1.10"
is "$(printf '%s\n' "$out" | grep -c '^RCPT 250')" 3 "MX, SERVFAIL and NXDOMAIN recipients accepted"

got=$(events 'select(.event=="reply") | [.stage,.rule,.reply.code,.reply.xcode,.reply.text,.category,.recipient]')
is "$(printf '%s\n' "$got" | sed -n 1p)" '["mail","nullmx-sender","550","5.7.27","Sender address has null MX","security",null]' "event: sender null MX"
is "$(printf '%s\n' "$got" | sed -n 2p)" '["rcpt","nullmx-recipient","556","5.1.10","Recipient address has null MX","addressing","a@nullmx.test"]' "event: recipient null MX"

# A second lookup of the same domain comes from the cache.
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<x@nullmx.test>
QUIT
S
)
like "$out" 'MAIL 550 5\.7\.27' "cached answer"
stats_now
like "$(cat "$T/out/esc.prom")" 'esc_milter_dns_lookups_total\{result="cached"\} [1-9]' "prometheus: cache hits counted"
like "$(cat "$T/out/esc.prom")" 'esc_milter_dns_lookups_total\{result="error"\} 1' "prometheus: the SERVFAIL counted as an error"
milter_stop

# A dead DNS server: nothing is rejected because of it.
milter_conf <<CONF
resolver = 127.0.0.1:$XPORT
dns_timeout = 1
$rules
CONF
milter_start || exit 1
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<someone@nullmx.test>
RCPT TO:<a@nullmx.test>
QUIT
S
)
like "$out" 'MAIL 250 2\.1\.0 Ok' "dead DNS: sender accepted"
like "$out" 'RCPT 250 2\.1\.5 Ok' "dead DNS: recipient accepted"
like "$(cat "$T/milter.log")" 'DNS lookup of nullmx.test failed or timed out; not treated as a null MX' "dead DNS: logged"
e2e_done

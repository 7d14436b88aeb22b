#!/bin/bash
# t-hostile.sh - hostile SMTP input through a real Postfix: invalid UTF-8
# and control characters in HELO, addresses and headers, a header near
# Postfix's header_size_limit, a body regex that backtracks, thousands of
# recipients.  Every event line is valid JSON, replies stay valid, the
# daemon stays up; a slow DNS server delays only up to dns_timeout.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init hostile

dns_start "$DPORT" --delay 8 nullmx:slow.test || exit 1
milter_conf <<CONF
resolver = 127.0.0.1:$DPORT
dns_timeout = 1
annotate_dsn = yes

rule helo-echo
    if = helo ~ /^x/
    reply = 550 5.7.1 HELO \${helo} refused

rule sender-echo
    if = sender ~ /^e/
    reply = 550 5.7.1 Sender \${sender} refused

rule rcpt-echo
    if = recipient ~ /^r/
    reply = 450 4.2.1 Recipient \${recipient} busy

rule big-header
    if = header X-Big ~ /z{50}\$/
    reply = 550 5.7.1 Header too clever
    mode = monitor

rule backtrack
    if = body ~ /^(a|aa)+$/
    reply = 554 5.7.1 Body refused

rule slow-dns
    if = sender-domain null-mx
    reply = 550 5.7.27
CONF
milter_start || exit 1
postfix_start "smtpd_recipient_limit = 5000" "header_size_limit = 102400" \
    "smtpd_recipient_overshoot_limit = 5000" "smtpd_hard_error_limit = 10000" \
    "smtpd_soft_error_limit = 10000" || exit 1

# Invalid UTF-8 and control characters in HELO (Postfix shows a HELO
# rule's reply at MAIL), then in the sender and the recipients.
out=$(smtp <<'S'
RAW b"EHLO x\xff\xfe\x01\x1b[31mred.test\r\n"
MAIL FROM:<a@src.example>
QUIT
S
)
like "$out" '^RAW 250' "binary HELO: Postfix lets it through to the milter"
like "$out" 'MAIL 550 5\.7\.1 HELO x[^ ]*red\.test refused$' "the HELO echoed in the reply: one line of printable text"
unlike "$out" $'[\x01\x1b\x7f]' "no control character reaches the client"
out=$(smtp <<'S'
EHLO client.test
RAW b"MAIL FROM:<e\xc3\x28\x7f\x08@src.example>\r\n"
MAIL FROM:<ok@src.example>
RAW b"RCPT TO:<r\xed\xa0\x80\x0b@dest.example>\r\n"
RAW b"RCPT TO:<r%s%n%x@dest.example>\r\n"
QUIT
S
)
like "$out" 'RAW 550 5\.7\.1 Sender e[^ ]*@src\.example refused' "binary sender: rejected by the rule, echoed safely"
unlike "$out" $'[\x01\x08\x0b\x1b\x7f]' "no control character reaches the client"
like "$out" 'RAW 450 4\.2\.1 Recipient r%s%n%x@dest\.example busy' \
    "format directives in an address are text, never a format"

# A header near header_size_limit, control characters in header values.
big=$(head -c 100000 /dev/zero | tr '\0' 'z')
{
	printf 'EHLO client.test\nMAIL FROM:<ok@src.example>\nRCPT TO:<ok@dest.example>\nDATA\n'
	printf 'Subject: \x01\x02 bin\xff\xfe ary\n'
	printf 'X-Big: %s\n' "$big"
	printf '\nhello\n.\nQUIT\n'
} | smtp > "$T/big.out"
like "$(cat "$T/big.out")" '^\. 250 2\.0\.0 Ok: queued' "100 KB header: message accepted (monitor rule)"
is "$(events 'select(.rule=="big-header") | .mode')" '"monitor"' "100 KB header: the rule saw it"

# A body regex that backtracks: the PCRE2 limits stop it, on_error decides.
{
	printf 'EHLO client.test\nMAIL FROM:<ok@src.example>\nRCPT TO:<ok@dest.example>\nDATA\n'
	printf 'Subject: backtrack\n\n'
	head -c 30000 /dev/zero | tr '\0' 'a'
	printf '!\n.\nQUIT\n'
} | smtp > "$T/bt.out"
# PCRE2's match limit stops it; the rule cannot decide, so on_error =
# tempfail answers (a regex that could decide would reject or accept).
like "$(cat "$T/bt.out")" '^\. 451 4\.3\.0 Temporary local problem - try again later$' \
    "backtracking body: the match limit stops it, on_error = tempfail answers"
like "$(cat "$T/milter.log")" 'a regular expression hit its match limit at eom; on_error = tempfail' \
    "backtracking body: logged"

# Thousands of recipients in one transaction.
{
	printf 'EHLO client.test\nMAIL FROM:<ok@src.example>\n'
	for i in $(seq 3000); do printf 'RCPT TO:<r%d@dest.example>\n' "$i"; done
	printf 'QUIT\n'
} | smtp > "$T/many.out"
is "$(grep -c '^RCPT 450 4\.2\.1 Recipient r[0-9]*@dest\.example busy' "$T/many.out")" 3000 "3000 recipients: each got the rule's reply"

# A slow DNS server: it answers "null MX" after 8 s, dns_timeout is 1 s.
# A resolver that waited for the answer would reject the sender (5.7.27);
# one that gives up after dns_timeout accepts it and says so.
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<someone@slow.test>
QUIT
S
)
like "$out" 'MAIL 250 2\.1\.0 Ok' "slow DNS: the lookup gave up after dns_timeout, the sender is not rejected"
like "$(cat "$T/milter.log")" 'DNS lookup of slow\.test failed or timed out; not treated as a null MX' \
    "slow DNS: the timeout is logged"

ok $(kill -0 "$MILTER_PID" 2>/dev/null; echo $?) "the daemon is still up"
n=$(grep -c . "$EVENTS")
jq -e . "$EVENTS" > /dev/null
ok $? "all $n event lines are valid JSON"
is "$(events 'select(.rule=="helo-echo") | .client.helo' | head -1)" '"x\\xff\\xfe\u0001\u001b[31mred.test"' \
    "the hostile HELO is logged as sent, escaped"
is "$(events 'select(.rule=="sender-echo") | .sender' | head -1)" '"e\\xc3(\u007f\b@src.example"' \
    "the hostile sender is logged as sent, escaped"
is "$(events 'select(.rule=="rcpt-echo")' | grep -c .)" 3002 "one event per rejected recipient (3002)"
e2e_done

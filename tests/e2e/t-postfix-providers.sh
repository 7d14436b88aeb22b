#!/bin/bash
# t-postfix-providers.sh - our own mail at the big mailbox providers: a
# real Postfix delivers to local SMTP servers that answer as Gmail,
# Outlook.com and Yahoo do, their host names resolved by the test DNS
# server (so the log says gmail-smtp-in.l.google.com).  The daemon's
# events carry the provider and the reason with the provider's own code;
# the metrics count them by provider; esc suppress lists the dead and the
# full mailboxes and not the refusals that are about us; its access table,
# with the README's master.cf lines, makes Postfix's submission service
# refuse a suppressed address; a real Prometheus scraping the daemon
# evaluates the "provider refuses our mail" alert and it becomes pending.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init postfix-providers
need unshare util-linux
need postmap postfix
read -r SUBPORT HPORT PROMPORT < <(free_ports 3)
DNSADDR=127.53.53.55

"$PY" "$top_srcdir/tests/e2e/dnsd.py" "$DNSADDR:53" \
    a:gmail-smtp-in.l.google.com:127.0.0.1 \
    a:outlook-com.olc.protection.outlook.com:127.0.0.1 \
    a:mta5.am0.yahoodns.net:127.0.0.1 > "$T/dnsd.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/dnsd.log"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNSADDR" > "$T/resolv.conf"
export POSTFIX_RESOLV="$T/resolv.conf"
"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$RPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/answer.log"

milter_conf <<CONF
maillog = $T/pf/maillog
maillog_state = $T/out/maillog.state
prometheus_listen = 127.0.0.1:$HPORT
CONF
milter_start || exit 1

# The submission service as the README configures it, with the table
# esc suppress writes (empty for now).
SUP="$T/pf/etc/esc-suppress"
mkdir -p "$T/pf/etc"
: > "$SUP"
POSTFIX_MASTER_EXTRA="127.0.0.1:$SUBPORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o { smtpd_recipient_restrictions = check_recipient_access hash:$SUP, permit_mynetworks, reject }"
postfix_start \
    "transport_maps = inline:{ {gmail.example = smtp:[gmail-smtp-in.l.google.com]:$RPORT}, {outlook.example = smtp:[outlook-com.olc.protection.outlook.com]:$RPORT}, {yahoo.example = smtp:[mta5.am0.yahoodns.net]:$RPORT} }" \
    "smtp_tls_security_level = none" "maximal_backoff_time = 1h" \
    "minimal_backoff_time = 1h" "queue_run_delay = 1h" || exit 1
postmap -c "$POSTFIX_ETC" "$SUP"

# A real Prometheus scrapes the daemon, the alert rules loaded.
mkdir -p "$T/prom"
cp "$top_srcdir/contrib/prometheus/esc-milter.rules.yml" "$T/prom/"
printf 'global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [ "esc-milter.rules.yml" ]\nscrape_configs:\n  - job_name: esc-milter\n    static_configs:\n      - targets: [ "127.0.0.1:%s" ]\n        labels: { instance: mx1 }\n' \
    "$HPORT" > "$T/prom/prometheus.yml"
have_prom=
if command -v prometheus > /dev/null && command -v curl > /dev/null; then
	prometheus --config.file="$T/prom/prometheus.yml" --storage.tsdb.path="$T/prom/data" \
	    --web.listen-address="127.0.0.1:$PROMPORT" --log.level=warn > "$T/prom/log" 2>&1 &
	E2E_PIDS+=($!)
	have_prom=1
fi
api() { curl -s --max-time 10 "http://127.0.0.1:$PROMPORT/api/v1/$1" --data-urlencode "query=$2"; }
value() { api query "$1" | jq -r '.data.result[0].value[1] // "none"'; }
[ -z "$have_prom" ] || wait_for 60 sh -c "[ \"\$(curl -s 'http://127.0.0.1:$PROMPORT/api/v1/query' --data-urlencode 'query=up' | jq -r '.data.result[0].value[1]')\" = 1 ]"

# to RCPT... - one message of ours
to() {
	{
		echo "EHLO client.test"
		echo "MAIL FROM:<news@our.example>"
		for r in "$@"; do echo "RCPT TO:<$r>"; done
		printf 'DATA\nSubject: news\n\nbody\n.\nQUIT\n'
	} | smtp > /dev/null
}
# delivered N PATTERN - wait until N delivery lines match
delivered() { wait_for 60 sh -c "[ \$(grep -c -- '$2' '$T/pf/maillog') -ge $1 ]"; }

to s3150-0@outlook.example
delivered 1 's3150-0@outlook.example>.*status=bounced'
# the first refusal has been scraped: the rest is an increase
[ -z "$have_prom" ] || wait_for 60 sh -c "[ \"\$(curl -s 'http://127.0.0.1:$PROMPORT/api/v1/query' --data-urlencode 'query=sum(esc_milter_replies_by_provider_total{provider=\"microsoft\"})' | jq -r '.data.result[0].value[1]')\" = 1 ]"
for i in 1 2 3 4 5 6 7; do to "s3150-$i@outlook.example"; done
to nouser@gmail.example
for i in 1 2 3; do to full@gmail.example; done
to auth-fail@gmail.example
to tss04@yahoo.example
delivered 8 's3150-.@outlook.example>.*status=bounced'
delivered 1 'nouser@gmail.example>.*status=bounced'
delivered 3 'full@gmail.example>.*status=deferred'
delivered 1 'auth-fail@gmail.example>.*status=bounced'
delivered 1 'tss04@yahoo.example>.*status=deferred'

# The daemon's events: provider, reason, the provider's code.
wait_for 60 maillog_caught_up "$T/pf/maillog"
flush_events
is "$(events 'select(.event == "reply" and .direction == "outbound") | [(.recipient | sub("-[0-9]@"; "-N@")), .remote.name, .remote.provider, .action, .reason, .reason_detail]' | sort | uniq -c | sed 's/^ *//')" \
'1 ["auth-fail@gmail.example","gmail-smtp-in.l.google.com","google","reject","authfailure",null]
3 ["full@gmail.example","gmail-smtp-in.l.google.com","google","tempfail","mailboxfull","Gmail storage"]
1 ["nouser@gmail.example","gmail-smtp-in.l.google.com","google","reject","userunknown",null]
8 ["s3150-N@outlook.example","outlook-com.olc.protection.outlook.com","microsoft","reject","blocked","S3150"]
1 ["tss04@yahoo.example","mta5.am0.yahoodns.net","yahoo","tempfail","badreputation","Yahoo TSS04"]' \
    "events: each provider named from its server's name, each reason with the provider's code"
prom=$(curl -s "http://127.0.0.1:$HPORT/metrics")
for want in 'provider="microsoft",reason="blocked"} 8' 'provider="google",reason="mailboxfull"} 3' \
    'provider="google",reason="userunknown"} 1' 'provider="google",reason="authfailure"} 1' \
    'provider="yahoo",reason="badreputation"} 1'; do
	ok "$(printf '%s\n' "$prom" | grep -qF "esc_milter_replies_by_provider_total{$want"; echo $?)" "metrics: $want"
done
unlike "$prom" 'esc_milter_replies_by_provider_total\{provider="other"' "metrics: every refusal here has its provider"

# esc suppress: the dead address and the full mailbox; not us.
run "$ESC" suppress --format csv "$T/pf/maillog"
is "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1-6 | tr -d '"')" \
"full@gmail.example,soft,mailboxfull,452,4.2.2,3
nouser@gmail.example,hard,userunknown,550,5.1.1,1" \
    "esc suppress: the unknown user and three mailbox-full deferrals; not the block list, TSS04 or the authentication failure"
"$ESC" suppress --format postfix "$T/pf/maillog" > "$SUP.new" && mv "$SUP.new" "$SUP"
run postmap -c "$POSTFIX_ETC" "$SUP"
is "$rc" 0 "postmap takes esc suppress's table"
postfix -c "$POSTFIX_ETC" reload >> "$T/postfix-check.log" 2>&1
sub() { printf 'EHLO client.test\nMAIL FROM:<news@our.example>\nRCPT TO:<%s>\nQUIT\n' "$1" | smtp "$SUBPORT" | grep '^RCPT'; }
wait_for 30 sh -c "printf 'EHLO c\nMAIL FROM:<a@b.example>\nRCPT TO:<nouser@gmail.example>\nQUIT\n' | '$PY' '$SMTPC' 127.0.0.1:$SUBPORT | grep -q '^RCPT 550'"
day=$("$ESC" suppress --format json "$T/pf/maillog" | jq -r '.suppressed[] | select(.address == "nouser@gmail.example") | .last_seen[0:10]')
is "$(sub nouser@gmail.example)" "RCPT 550 5.1.1 <nouser@gmail.example>: Recipient address rejected: Suppressed, the mailbox does not exist (1 permanent failure, the last on $day)" \
    "the submission service refuses the suppressed address, saying why"
like "$(sub full@gmail.example)" '^RCPT 550 5\.2\.2 <full@gmail\.example>: Recipient address rejected: Suppressed, the mailbox is full \(3 temporary failures' \
    "... and the full mailbox"
is "$(sub s3150-1@outlook.example)" "RCPT 250 2.1.5 Ok" "... and takes the others"

# The real Prometheus: the alert about Outlook.com is pending (for: 5m).
if [ -n "$have_prom" ]; then
	wait_for 60 sh -c "[ \"\$(curl -s 'http://127.0.0.1:$PROMPORT/api/v1/query' --data-urlencode 'query=sum(esc_milter_replies_by_provider_total{provider=\"microsoft\"})' | jq -r '.data.result[0].value[1]')\" = 8 ]"
	wait_for 60 sh -c "curl -s 'http://127.0.0.1:$PROMPORT/api/v1/rules' | jq -e '[.data.groups[].rules[] | select(.name == \"EscMilterProviderRefusesOurMail\") | .alerts[] | select(.labels.provider == \"microsoft\")] | length > 0' > /dev/null"
	is "$(curl -s "http://127.0.0.1:$PROMPORT/api/v1/rules" | jq -r '.data.groups[].rules[] | select(.name == "EscMilterProviderRefusesOurMail") | .alerts[] | [.labels.provider, .labels.reason, .state] | @tsv')" \
	    "$(printf 'microsoft\tblocked\tpending')" "Prometheus: the alert is pending for Outlook.com's block, and for it alone"
else
	ok 0 "# SKIP prometheus not installed (Debian: prometheus)"
fi
e2e_done

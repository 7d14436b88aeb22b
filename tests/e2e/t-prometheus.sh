#!/bin/bash
# t-prometheus.sh - a fleet of two mail servers: two Postfix instances,
# each with its own esc-milter (host_name mx1 and mx2) serving GET /metrics
# (prometheus_listen) and following its Postfix's log.  A known set of
# rejections goes through each.  A real Prometheus (Debian's) scrapes
# both; through its HTTP API the sums by category, host, source and
# direction equal the events written, and every query of the Grafana
# dashboard and every alert rule (contrib/) parses and returns data.  Then
# the events of both hosts travel through rsyslog (the contrib sender and
# collector configurations, RELP) to one central file, where
# `esc report --by host` gives the sum of the two.  Also: the listener
# answers only GET /metrics, and a port in use stops the start.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init prometheus
need prometheus prometheus
need curl curl
need postfix postfix
need unshare util-linux
read -r M2PORT P2PORT H1PORT H2PORT PROMPORT RELPPORT < <(free_ports 6)
C="$top_srcdir/contrib"
api() { curl -s --max-time 10 "http://127.0.0.1:$PROMPORT/api/v1/$1" --data-urlencode "query=$2"; }
# value QUERY - a scalar-ish result: the first sample's value, or "none"
value() { api query "$1" | jq -r '.data.result[0].value[1] // "none"'; }

"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$RPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/answer.log"

# host N MILTERPORT SMTPPORT HTTPPORT - a Postfix and an esc-milter
host() {
	local n=$1 mport=$2 sport=$3 hport=$4 pf="$T/pf$1"
	mkdir -p "$T/mx$n"
	chown nobody "$T/mx$n"
	cat > "$T/mx$n/esc.conf" <<CONF
socket = inet:$mport@127.0.0.1
host_name = mx$n
log = file:$T/mx$n/events.json
stats_interval = 0
stats_file = $T/mx$n/stats.json
prometheus_listen = 127.0.0.1:$hport
annotate_dsn = yes
maillog = $pf/maillog
maillog_state = $T/mx$n/maillog.state

rule rcpt-rule
    if = recipient = rcpt-rule@dest.example
    reply = 550 5.7.1 Not for this one

rule spf
    if = header Received-SPF ~ /fail/
    reply = 550 5.7.23 SPF validation failed

rule watch
    if = header Subject ~ /watch me/
    reply = 550 5.7.1 Would refuse
    mode = monitor

rule listed
    if = header Subject ~ /listed/
    reply = 554 5.7.1 Service unavailable; Client host blocked using bl.test.example
CONF
	postfix_instance "$pf" "mx$n.test.example"
	cat >> "$pf/etc/main.cf" <<CF
smtpd_recipient_restrictions = check_recipient_access inline:{ {denied@dest.example = 550 5.1.1 User unknown here} }, permit_mynetworks, reject
smtpd_milters = inet:127.0.0.1:$mport
transport_maps = inline:{ {remote.example = smtp:[127.0.0.1]:$RPORT}, {gmail.example = smtp:[gmail-smtp-in.l.google.com]:$RPORT} }
smtp_tls_security_level = none
smtp_host_lookup = native
CF
	postfix_master_cf "127.0.0.1:$sport" > "$pf/etc/master.cf"
	milter_spawn "$T/mx$n/esc.conf" "$mport" "$T/mx$n/pid" || return 1
	# Gmail's server is ours: the name resolves to 127.0.0.1 for this
	# Postfix alone (its own /etc/hosts, in its own mount namespace)
	printf '127.0.0.1 localhost\n127.0.0.1 gmail-smtp-in.l.google.com\n' > "$T/hosts"
	unshare -m sh -c "mount --bind '$T/hosts' /etc/hosts && exec postfix -c '$pf/etc' start" \
	    >> "$T/postfix-check.log" 2>&1 || return 1
	wait_for 30 port_open "$sport"
}
host 1 "$MPORT" "$PPORT" "$H1PORT" || exit 1
PID1=$SPAWNED_PID
host 2 "$M2PORT" "$P2PORT" "$H2PORT" || exit 1
PID2=$SPAWNED_PID
cleanup_fleet() {
	postfix -c "$T/pf1/etc" stop >/dev/null 2>&1
	postfix -c "$T/pf2/etc" stop >/dev/null 2>&1
}
trap 'cleanup_fleet; e2e_cleanup' EXIT

# session PORT RCPT... [-- SUBJECT [HEADER]]: one message
send() {
	local port=$1 subject=$2 header=$3
	shift 3
	{
		echo "EHLO client.test"
		echo "MAIL FROM:<a@src.example>"
		for r in "$@"; do echo "RCPT TO:<$r>"; done
		echo DATA
		echo "Subject: $subject"
		[ -n "$header" ] && echo "$header"
		echo
		echo body
		echo .
		echo QUIT
	} | "$PY" "$SMTPC" "127.0.0.1:$port" > /dev/null
}
dsn() {
	"$PY" "$SMTPC" "127.0.0.1:$1" > /dev/null <<'S'
EHLO client.test
MAIL FROM:<>
RCPT TO:<postmaster@dest.example>
DATA
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.net
Action: failed
Status: 5.1.1
--b--
.
QUIT
S
}
# mx1: two rule rejections, one MTA rejection, a monitor hit, a DSN, our
# mail refused by a remote server (550 5.7.26), a client blocked by a rule
send "$PPORT" one "" rcpt-rule@dest.example ok@dest.example
send "$PPORT" two "" rcpt-rule@dest.example denied@dest.example ok@dest.example
send "$PPORT" "please watch me" "" ok@dest.example
dsn "$PPORT"
send "$PPORT" out "" auth-fail@remote.example
send "$PPORT" listed "" ok@dest.example
# mx2: one rule rejection, two MTA rejections, an SPF rejection at the end
# of the message, our mail deferred by "Gmail" (421 4.7.28)
send "$P2PORT" one "" rcpt-rule@dest.example denied@dest.example ok@dest.example
send "$P2PORT" two "" denied@dest.example ok@dest.example
send "$P2PORT" spf "Received-SPF: fail (x)" ok@dest.example
send "$P2PORT" out "" rate-limited@gmail.example
wait_for 60 grep -q 'auth-fail@remote.example>.*status=bounced' "$T/pf1/maillog"
wait_for 60 grep -q 'rate-limited@gmail.example>.*relay=gmail-smtp-in.l.google.com.*status=deferred' "$T/pf2/maillog"
caught() {	# N - host N's follower has read its whole log
	kill -USR2 "$(cat "$T/mx$1/pid")" 2>/dev/null
	[ -s "$T/mx$1/stats.json" ] && jq -e --argjson size "$(stat -c %s "$T/pf$1/maillog")" \
	    '.maillog_offset == $size and .maillog_pending == 0' "$T/mx$1/stats.json" >/dev/null
}
wait_for 60 caught 1
wait_for 60 caught 2
flush_events "$PID1" "$T/mx1/events.json"
flush_events "$PID2" "$T/mx2/events.json"

# What the events say (enforce mode: the counters of esc_milter_replies_total).
sel='select(.event == "reply" and .mode == "enforce" and (.action == "reject" or .action == "tempfail"))'
want_cat=$(cat "$T"/mx?/events.json | jq -c "$sel | .category" | sort | uniq -c | awk '{print $2 "=" $1}' | tr -d '"' | sort | tr '\n' ' ')
want_host=$(cat "$T"/mx?/events.json | jq -r "$sel | .host" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
want_dir=$(cat "$T"/mx?/events.json | jq -r "$sel | .direction // \"inbound\"" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
total=$(cat "$T"/mx?/events.json | jq -c "$sel" | wc -l | tr -d ' ')
is "$want_host" "mx1=5 mx2=5 " "the events: 5 rejections on mx1, 5 on mx2 (a monitor hit and a DSN are not rejections)"
schema_ok "$T/mx1/events.json" "mx1's events match the schema"
schema_ok "$T/mx2/events.json" "mx2's events match the schema"

# The listener itself.
run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$H1PORT/metrics"
is "$out" 200 "GET /metrics: 200"
run curl -s -D - -o /dev/null "http://127.0.0.1:$H1PORT/metrics"
like "$out" 'Content-Type: text/plain; version=0\.0\.4' "the Prometheus text format"
run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$H1PORT/"
is "$out" 404 "another path: 404"
run curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 "http://127.0.0.1:$H1PORT/metrics"
is "$out" 405 "POST: 405"
run curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:$H1PORT/metrics"
is "$out" 405 "DELETE: 405"
like "$(curl -s "http://127.0.0.1:$H1PORT/metrics")" "esc_milter_build_info\\{version=\"[0-9.]+\",registry=\"builtin\",registry_date=\"[0-9-]+\"\\} 1" \
    "build info: version and registry"
cp "$T/mx1/esc.conf" "$T/taken.conf"
sed -i "s/^socket = .*/socket = inet:$XPORT@127.0.0.1/" "$T/taken.conf"
run "$MILTER" -f -c "$T/taken.conf" -u nobody
is "$rc" 1 "a prometheus_listen port in use: the daemon does not start"
like "$err" "cannot listen on 127\\.0\\.0\\.1:$H1PORT \\(prometheus_listen\\): Address already in use" "and says why"

# A real Prometheus scrapes both, with the contrib alert rules loaded.
mkdir -p "$T/prom"
cp "$C/prometheus/esc-milter.rules.yml" "$T/prom/"
cat > "$T/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [ "esc-milter.rules.yml" ]
scrape_configs:
  - job_name: esc-milter
    static_configs:
      - targets: [ "127.0.0.1:$H1PORT" ]
        labels: { instance: mx1 }
      - targets: [ "127.0.0.1:$H2PORT" ]
        labels: { instance: mx2 }
YML
prometheus --config.file="$T/prom/prometheus.yml" --storage.tsdb.path="$T/prom/data" \
    --web.listen-address="127.0.0.1:$PROMPORT" --log.level=warn > "$T/prom/log" 2>&1 &
E2E_PIDS+=($!)
wait_for 60 sh -c "[ \"\$(curl -s 'http://127.0.0.1:$PROMPORT/api/v1/query' --data-urlencode 'query=sum(up)' | jq -r '.data.result[0].value[1]')\" = 2 ]"
wait_for 60 sh -c "[ \"\$(curl -s 'http://127.0.0.1:$PROMPORT/api/v1/query' --data-urlencode 'query=sum(esc_milter_replies_total{mode=\"enforce\"})' | jq -r '.data.result[0].value[1]')\" = $total ]"
# and a few more scrapes, so that rates have samples to work on
sleep 3
got=$(api query 'sum by (category) (esc_milter_replies_total{mode="enforce"})' |
    jq -r '.data.result[] | "\(.metric.category)=\(.value[1])"' | sort | tr '\n' ' ')
is "$got" "$want_cat" "Prometheus: sum by (category) = the events"
got=$(api query 'sum by (instance) (esc_milter_replies_total{mode="enforce"})' |
    jq -r '.data.result[] | "\(.metric.instance)=\(.value[1])"' | sort | tr '\n' ' ')
is "$got" "$want_host" "Prometheus: sum by (instance) = each host's events"
got=$(api query 'sum by (direction) (esc_milter_replies_total{mode="enforce"})' |
    jq -r '.data.result[] | "\(.metric.direction)=\(.value[1])"' | sort | tr '\n' ' ')
is "$got" "$want_dir" "Prometheus: sum by (direction) = the events (our refused mail is outbound)"
is "$(value 'sum(esc_milter_replies_by_xcode_total{xcode="5.1.1"})')" 3 "Prometheus: three 5.1.1 by code"
want_reason=$(cat "$T"/mx?/events.json | jq -r "$sel | .reason" | sort | uniq -c | awk '{print $2 "=" $1}' | sort | tr '\n' ' ')
got=$(api query 'sum by (reason) (esc_milter_replies_by_reason_total)' |
    jq -r '.data.result[] | "\(.metric.reason)=\(.value[1])"' | sort | tr '\n' ' ')
is "$got" "$want_reason" "Prometheus: sum by (reason) = the events' reasons"
is "$(value 'sum(esc_milter_replies_by_reason_total{direction="outbound",reason="badreputation"})')" 1 \
    "Prometheus: our mail deferred with Gmail's 4.7.28 is badreputation, outbound"
is "$(value 'sum(esc_milter_replies_by_provider_total{provider="google",reason="badreputation"})')" 1 \
    "Prometheus: ... by Gmail's server (its name in the log, the built-in provider table)"
is "$(value 'sum(esc_milter_replies_by_provider_total{provider="other",reason="authfailure"})')" 1 \
    "Prometheus: a server of no known provider is other"
is "$(value 'sum(esc_milter_dsn_total)')" 1 "Prometheus: the DSN"
is "$(value 'count(esc_milter_build_info)')" 2 "Prometheus: build info from both"

# Every query of the dashboard, Grafana's variables filled in.
q=0
bad=
while IFS= read -r expr; do
	q=$((q + 1))
	e=${expr//\$instance/.*}
	e=${e//\$provider/.*}
	e=${e//\$__rate_interval/30s}
	e=${e//\$__range/10m}
	e=${e//\$__interval/15s}
	res=$(api query "$e")
	if [ "$(printf '%s' "$res" | jq -r .status)" != success ]; then
		bad="$bad
# does not parse: $expr: $(printf '%s' "$res" | jq -r .error)"
	elif [ "$(printf '%s' "$res" | jq '.data.result | length')" = 0 ]; then
		bad="$bad
# no data: $expr"
	fi
done < <(jq -r '.panels[].targets[]?.expr' "$C/grafana/esc-milter.json")
ok $([ -z "$bad" ]; echo $?) "all $q queries of the Grafana dashboard parse and return data${bad}"

# Every alert rule: Prometheus loaded and evaluates them without error,
# and every esc-milter series one reads exists here.
wait_for 30 sh -c "curl -s 'http://127.0.0.1:$PROMPORT/api/v1/rules' | jq -e '[.data.groups[].rules[] | select(.lastEvaluation != \"0001-01-01T00:00:00Z\")] | length > 0' >/dev/null"
rules=$(curl -s "http://127.0.0.1:$PROMPORT/api/v1/rules")
n=$(printf '%s' "$rules" | jq '[.data.groups[].rules[]] | length')
is "$n" "$(grep -c -- '- alert:' "$C/prometheus/esc-milter.rules.yml")" "Prometheus loaded every alert rule"
is "$(printf '%s' "$rules" | jq -r '[.data.groups[].rules[] | select(.health != "ok") | .name] | join(" ")')" "" \
    "every alert rule evaluates without error"
bad=
for sel in $(grep -o 'esc_milter_[a-z_]*{[^}]*}\|esc_milter_[a-z_]*' "$C/prometheus/esc-milter.rules.yml" | sort -u); do
	[ "$(api query "$sel" | jq '.data.result | length')" != 0 ] || bad="$bad
# no data: $sel"
done
ok $([ -z "$bad" ]; echo $?) "every esc-milter series the alert rules read has data${bad}"

# Central logs: each host's rsyslog sends its events over RELP to a
# central rsyslog (the contrib configurations, paths and ports changed).
has_relp() {
	local f
	command -v rsyslogd >/dev/null || return 1
	for f in /usr/lib/*/rsyslog/imrelp.so /usr/lib/rsyslog/imrelp.so; do
		[ -e "$f" ] && return 0
	done
	return 1
}
if has_relp; then
	mkdir -p "$T/central" "$T/fw1" "$T/fw2"
	sed -e "s|/var/log/esc-milter/central.json|$T/central/central.json|" \
	    -e "s|port=\"2514\"|port=\"$RELPPORT\"|" "$C/rsyslog/esc-milter-central.conf" > "$T/central/snippet.conf"
	printf 'global(workDirectory="%s")\nmodule(load="imuxsock" SysSock.Use="off")\ninclude(file="%s")\n' \
	    "$T/central" "$T/central/snippet.conf" > "$T/central/rsyslog.conf"
	run rsyslogd -N1 -f "$T/central/rsyslog.conf"
	is "$rc" 0 "rsyslogd -N1 accepts the collector configuration"
	rsyslogd -n -f "$T/central/rsyslog.conf" -i "$T/central/pid" > "$T/central/out" 2>&1 &
	E2E_PIDS+=($!)
	wait_for 30 port_open "$RELPPORT"
	for n in 1 2; do
		sed -e "s|/var/log/esc-milter/events.json|$T/mx$n/events.json|" \
		    -e "s|COLLECTOR|127.0.0.1|" -e "s|port=\"2514\"|port=\"$RELPPORT\"|" \
		    "$C/rsyslog/esc-milter-forward.conf" > "$T/fw$n/snippet.conf"
		printf 'global(workDirectory="%s")\nmodule(load="imuxsock" SysSock.Use="off")\ninclude(file="%s")\n' \
		    "$T/fw$n" "$T/fw$n/snippet.conf" > "$T/fw$n/rsyslog.conf"
		rsyslogd -n -f "$T/fw$n/rsyslog.conf" -i "$T/fw$n/pid" > "$T/fw$n/out" 2>&1 &
		E2E_PIDS+=($!)
	done
	run rsyslogd -N1 -f "$T/fw1/rsyslog.conf"
	is "$rc" 0 "rsyslogd -N1 accepts the sender configuration"
	nrep=$(cat "$T"/mx?/events.json | grep -c '"event":"reply"')
	wait_for 60 sh -c "[ \$(grep -c '\"event\":\"reply\"' '$T/central/central.json' 2>/dev/null || echo 0) -ge $nrep ]"
	run "$ESC" report --by host --format json "$T/central/central.json"
	is "$(printf '%s' "$out" | jq -c '[.rows[] | [.key, .count]] | sort')" \
	    "$("$ESC" report --by host --format json "$T"/mx1/events.json "$T"/mx2/events.json | jq -c '[.rows[] | [.key, .count]] | sort')" \
	    "esc report --by host on the central file = the two hosts' own logs"
	is "$(printf '%s' "$out" | jq -r .bad_lines)" 0 "the central file holds whole JSON events only"
	is "$("$ESC" report --by category --mode all "$T/central/central.json" | tail -1 | awk '{print $2}')" \
	    "$(cat "$T"/mx?/events.json | grep -c '"event":"reply"')" "the central total is the sum of the hosts"
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP rsyslog with RELP not installed (Debian: rsyslog rsyslog-relp)"; done
fi

milter_reap "$PID2"
MILTER_PID=$PID1
e2e_done

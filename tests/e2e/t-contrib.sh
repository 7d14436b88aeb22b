#!/bin/bash
# t-contrib.sh - the integration files in contrib/ work with the real tools:
# the systemd units verify (the daemon's, the daily report's), logrotate rotates the event log of a running
# daemon without losing a line, rsyslog splits the syslog: events into a
# file of valid JSON lines, promtool accepts and unit-tests the alert rules,
# the Grafana dashboard and the rules only use metrics the daemon writes,
# and the Postfix and Sendmail snippets are accepted by postconf and m4.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init contrib
C="$top_srcdir/contrib"
ABS_MILTER=$(cd "$(dirname "$MILTER")" && pwd)/esc-milter

# --- systemd -------------------------------------------------------------
u="$C/systemd/esc-milter.service"
for d in 'ExecReload=/bin/kill -HUP \$MAINPID' '^RuntimeDirectory=esc-milter' \
    '^NoNewPrivileges=yes' '^ProtectSystem=strict' '^PrivateTmp=yes' '^User=esc-milter' \
    '^ExecStart=/usr/sbin/esc-milter -f '; do
	like "$(cat "$u")" "$d" "unit: $d"
done
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/esc-milter|$ABS_MILTER|g" "$u" > "$T/esc-milter.service"
	run systemd-analyze verify --man=no "$T/esc-milter.service"
	is "$rc$err" 0 "systemd-analyze verify: no complaint"
	exposure=$(systemd-analyze security --offline=yes "$T/esc-milter.service" 2>&1 |
	    sed -n 's/.*Overall exposure level for esc-milter.service: \([0-9.]*\).*/\1/p')
	ok $(awk -v e="$exposure" 'BEGIN { exit !(e != "" && e < 2.0) }'; echo $?) \
	    "systemd-analyze security: exposure ${exposure:-?} (under 2.0)"
	# the daily report: the service, the timer, the script they run
	sed "s|/usr/share/esc-milter/esc-report-mail|$(cd "$C" && pwd)/esc-report-mail|" \
	    "$C/systemd/esc-report.service" > "$T/esc-report.service"
	cp "$C/systemd/esc-report.timer" "$T/esc-report.timer"
	run systemd-analyze verify --man=no "$T/esc-report.service" "$T/esc-report.timer"
	is "$rc$err" 0 "esc-report.service and .timer: systemd-analyze verify, no complaint"
else
	ok 0 "# SKIP systemd-analyze not installed (Debian: systemd)"
	ok 0 "# SKIP systemd-analyze not installed (Debian: systemd)"
	ok 0 "# SKIP systemd-analyze not installed (Debian: systemd)"
fi
for f in esc-report.service esc-report.timer; do
	is "$(cmp -s "$C/systemd/$f" "$top_srcdir/debian/esc-milter.$f" && echo same)" same \
	    "debian/esc-milter.$f is contrib/systemd/$f"
done
like "$(tr '\n' ' ' < "$C/systemd/esc-report.timer")" 'OnCalendar=\*-\*-\* 06:15:00 .*Persistent=true' "timer: daily, catching up after a stop"
if command -v sh >/dev/null && sh -n "$C/esc-report-mail"; then
	ok 0 "esc-report-mail: sh -n"
else
	ok 1 "esc-report-mail: sh -n"
fi

# --- metric names used by the rules and the dashboard ----------------------
milter_conf <<'CONF'
CONF
milter_start || exit 1
stats_now
sed -n 's/^# TYPE \(esc_milter_[a-z_]*\) .*/\1/p' "$T/out/esc.prom" | sort -u > "$T/metrics"
ok $([ "$(wc -l < "$T/metrics")" -ge 13 ]; echo $?) "the daemon writes $(wc -l < "$T/metrics") metric families"
used=$(grep -oh 'esc_milter_[a-z_]*' "$C/prometheus/esc-milter.rules.yml" "$C/grafana/esc-milter.json" | sort -u)
unknown=$(comm -23 <(printf '%s\n' "$used") "$T/metrics")
is "$unknown" "" "alert rules and dashboard use only metrics the daemon writes"
milter_stop

# --- Prometheus ------------------------------------------------------------
if command -v promtool >/dev/null; then
	run promtool check rules "$C/prometheus/esc-milter.rules.yml"
	is "$rc" 0 "promtool check rules"
	(cd "$C/prometheus" && promtool test rules esc-milter.rules.test.yml) > "$T/promtest" 2>&1
	ok $? "promtool test rules: the alerts fire when they should"
else
	ok 0 "# SKIP promtool not installed (Debian: prometheus)"
	ok 0 "# SKIP promtool not installed (Debian: prometheus)"
fi

# --- Grafana -----------------------------------------------------------------
g="$C/grafana/esc-milter.json"
is "$(jq -r '[.title, (.panels|length > 10), .__inputs[0].pluginId] | @tsv' "$g")" \
    "$(printf 'esc-milter\ttrue\tprometheus')" "dashboard: JSON with its panels and a Prometheus input"
is "$(jq '[.panels[].targets[]?.expr | select(test("esc_milter_") | not)] | length' "$g")" 0 \
    "dashboard: every query reads esc-milter metrics"

# --- Postfix snippet ---------------------------------------------------------
mkdir -p "$T/pfc"
printf 'compatibility_level = 3.6\n' > "$T/pfc/main.cf"
: > "$T/pfc/master.cf"
grep -v '^#' "$C/postfix/esc-milter.main.cf" | grep . | while IFS= read -r line; do
	postconf -c "$T/pfc" -e "$line"
done
run postconf -c "$T/pfc" -n
unlike "$out$err" 'warning' "postconf accepts the Postfix snippet"
like "$out" 'smtpd_milters = inet:127.0.0.1:8895' "snippet: smtpd_milters"
like "$out" 'milter_default_action = tempfail' "snippet: tempfail when the milter is away"

# --- Sendmail snippet --------------------------------------------------------
SM_ROOT=${ESC_SENDMAIL_ROOT:-$HOME/.cache/esc-milter/sendmail}
if [ -f "$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4" ] && command -v m4 >/dev/null; then
	{
		echo "divert(-1)"
		echo "divert(0)dnl"
		echo "include(\`$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4')dnl"
		echo "OSTYPE(\`linux')dnl"
		cat "$C/sendmail/esc-milter.mc"
		echo "MAILER(\`local')dnl"
		echo "MAILER(\`smtp')dnl"
	} > "$T/sm.mc"
	run m4 "$T/sm.mc"
	like "$out" '^Xesc, S=inet:8895@127\.0\.0\.1, F=T, T=C:10s;S:10s;R:10s;E:5m' "m4 turns the Sendmail snippet into the Xesc filter line"
	like "$out" 'O Milter.macros.envrcpt=\{rcpt_mailer\}, \{rcpt_host\}, \{rcpt_addr\}, i' "and the RCPT macros"
else
	ok 0 "# SKIP Sendmail cf files not prepared (tests/e2e/sendmail-rig.sh)"
	ok 0 "# SKIP Sendmail cf files not prepared (tests/e2e/sendmail-rig.sh)"
fi

# --- logrotate: rename + SIGHUP, no line lost --------------------------------
if command -v logrotate >/dev/null; then
	mkdir -p "$T/log"
	chown nobody "$T/log"
	cat > "$T/esc.conf" <<CONF
socket = inet:$MPORT@127.0.0.1
log = file:$T/log/events.json
stats_interval = 0
CONF
	"$MILTER" -f -c "$T/esc.conf" -u nobody -P "$T/run.pid" >>"$T/milter.log" 2>&1 &
	MILTER_PID=$!
	wait_for 10 port_open "$MPORT"
	# three stats events, each waited for (signals of one kind that
	# arrive together are delivered once)
	for i in 1 2 3; do flush_events "$MILTER_PID" "$T/log/events.json"; done
	sed -e "s|/var/log/esc-milter|$T/log|g" -e "s|/run/esc-milter/esc-milter.pid|$T/run.pid|g" \
	    -e "s|systemctl -q is-active esc-milter.service|false|" \
	    "$C/logrotate/esc-milter" > "$T/logrotate.conf"
	run logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf"
	is "$rc" 0 "logrotate runs the contrib file"
	wait_for 5 test -s "$T/log/events.json"
	for i in 1 2; do flush_events "$MILTER_PID" "$T/log/events.json"; done
	before=$(wc -l < "$T/log/events.json.1")
	after=$(wc -l < "$T/log/events.json")
	is "$before" 4 "rotated file: the config event and 3 stats events"
	is "$after" 3 "new file: the reload's config event and the 2 stats events after it"
	is "$(cat "$T/log/events.json.1" "$T/log/events.json" | jq -c '[.event, .reason]' | sort | uniq -c | tr -s ' ')" \
	    ' 1 ["config","reload"]
 1 ["config","start"]
 5 ["stats",null]' "no event lost or doubled across the rotation"
	kill -TERM "$MILTER_PID"
	wait "$MILTER_PID"
	MILTER_PID=
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP logrotate not installed (Debian: logrotate)"; done
fi

# --- rsyslog: syslog: events into their own file -----------------------------
if command -v rsyslogd >/dev/null; then
	mkdir -p "$T/rs/log"
	sed "s|/var/log/esc-milter/events.json|$T/rs/log/events.json|" "$C/rsyslog/esc-milter.conf" > "$T/rs/snippet.conf"
	cat > "$T/rs/rsyslog.conf" <<RS
global(workDirectory="$T/rs")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/rs/devlog.sock")
include(file="$T/rs/snippet.conf")
*.* action(type="omfile" file="$T/rs/log/other.log")
RS
	run rsyslogd -N1 -f "$T/rs/rsyslog.conf"
	is "$rc" 0 "rsyslogd -N1 accepts the snippet"
	rsyslogd -n -f "$T/rs/rsyslog.conf" -i "$T/rs/rsyslogd.pid" > "$T/rs/rsyslogd.out" 2>&1 &
	E2E_PIDS+=($!)
	wait_for 5 test -S "$T/rs/devlog.sock"
	chmod 666 "$T/rs/devlog.sock"
	cat > "$T/esc.conf" <<CONF
socket = inet:$MPORT@127.0.0.1
log = syslog:mail
stats_interval = 0
CONF
	# In the background (no -f) the daemon's own messages go to syslog too.
	unshare -m sh -c "touch /dev/log 2>/dev/null; mount --bind $T/rs/devlog.sock /dev/log && exec $MILTER -c $T/esc.conf -u nobody -P $T/rs.pid" \
	    >>"$T/milter.log" 2>&1
	wait_for 10 port_open "$MPORT"
	wait_for 5 test -s "$T/rs.pid"
	kill -USR2 "$(cat "$T/rs.pid")"
	wait_for 5 grep -q '"event":"stats"' "$T/rs/log/events.json"
	kill -TERM "$(cat "$T/rs.pid")"
	wait_for 10 sh -c "! kill -0 $(cat "$T/rs.pid") 2>/dev/null"
	wait_for 5 sh -c "grep -c '\"event\"' $T/rs/log/events.json | grep -q 3"
	is "$(jq -c .event "$T/rs/log/events.json" | tr '\n' ' ')" '"config" "stats" "stats" ' \
	    "rsyslog: the events file holds exactly the JSON events"
	jq -e . "$T/rs/log/events.json" > /dev/null
	ok $? "rsyslog: every line is a JSON object"
	like "$(cat "$T/rs/log/other.log" 2>/dev/null)" 'esc-milter.*listening' "the daemon's other messages go to the usual log"
	unlike "$(cat "$T/rs/log/other.log" 2>/dev/null)" '"event"' "and no event goes there"
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP rsyslog not installed (Debian: rsyslog)"; done
fi
e2e_done

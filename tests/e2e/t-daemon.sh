#!/bin/bash
# t-daemon.sh - running it: refuses root without -u, drops privileges, pid
# file, Unix socket mode and owner, background mode, statistics on SIGUSR2
# and every stats_interval, clean stop.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init daemon

milter_conf </dev/null
run "$MILTER" -f -c "$T/esc.conf"
is "$rc" 1 "as root without -u: refuses"
like "$err" 'refusing to run as root: give -u USER' "as root without -u: says what to do"

milter_start || exit 1
is "$(cat "$T/milter.pid")" "$MILTER_PID" "-P: the pid file holds the pid"
uid=$(awk '/^Uid:/ {print $2}' "/proc/$MILTER_PID/status")
is "$uid" "$(id -u nobody)" "-u nobody: running as nobody"
gid=$(awk '/^Gid:/ {print $2}' "/proc/$MILTER_PID/status")
is "$gid" "$(id -g nobody)" "-u nobody: with nobody's group"
rm -f "$T/out/stats.json"
kill -USR2 "$MILTER_PID"
wait_for 30 test -s "$T/out/stats.json"
ok "$(jq -e .replies "$T/out/stats.json" >/dev/null && echo 0 || echo 1)" "SIGUSR2: stats_file written (as nobody)"
ok "$([ ! -e "$T/out/stats.json.tmp" ] && echo 0 || echo 1)" "replaced atomically: no temporary file left"
milter_stop
is "$MILTER_RC" 0 "SIGTERM: exit 0"
ok "$([ ! -e "$T/milter.pid" ] || [ -w "$T" ] && echo 0 || echo 1)" "pid file handled at exit"

# A Unix socket with a chosen mode, owned by the user.
mkdir -p "$T/run"
chown nobody "$T/run"
cat > "$T/esc.conf" <<CONF
socket = unix:$T/run/esc.sock
socket_mode = 0600
log = file:$EVENTS
stats_interval = 1
CONF
"$MILTER" -f -c "$T/esc.conf" -u nobody >>"$T/milter.log" 2>&1 &
MILTER_PID=$!
wait_for 10 test -S "$T/run/esc.sock"
is "$(stat -c '%a %U' "$T/run/esc.sock")" "600 nobody" "unix socket: mode 0600, owned by nobody"
# Two periodic stats events within 10 s (about 2 s on an idle machine).
wait_for 10 sh -c "[ \$(grep -c '\"event\":\"stats\"' '$EVENTS') -ge 2 ]"
n=$(events 'select(.event=="stats")' | grep -c .)
ok "$([ "$n" -ge 2 ] && echo 0 || echo 1)" "stats_interval = 1: periodic stats events ($n)"
milter_stop

# log = stdout: events on standard output.
cat > "$T/esc.conf" <<CONF
socket = inet:$MPORT@127.0.0.1
log = stdout
CONF
"$MILTER" -f -c "$T/esc.conf" -u nobody > "$T/stdout.json" 2>>"$T/milter.log" &
MILTER_PID=$!
wait_for 10 port_open "$MPORT"
milter_stop
is "$(jq -c 'select(.event=="config") | [.result, .reason]' "$T/stdout.json")" '["ok","start"]' "log = stdout: events on standard output"
is "$(jq -c 'select(.event=="stats") | .final' "$T/stdout.json")" "true" "log = stdout: final statistics too"

# log = syslog:local3: one event per message, priority local3.info.  The
# listener takes /dev/log, in a private mount namespace when a syslog
# daemon already owns it.
cat > "$T/esc.conf" <<CONF
socket = inet:$MPORT@127.0.0.1
log = syslog:local3
CONF
if [ -e /dev/log ]; then
	"$PY" "$top_srcdir/tests/e2e/syslogd.py" "$T/devlog.sock" "$T/syslog.out" > "$T/syslogd.log" &
	E2E_PIDS+=($!)
	wait_for 5 grep -q ready "$T/syslogd.log"
	unshare -m sh -c "mount --bind $T/devlog.sock /dev/log && exec $MILTER -f -c $T/esc.conf -u nobody" \
	    >>"$T/milter.log" 2>&1 &
	MILTER_PID=$!
else
	"$PY" "$top_srcdir/tests/e2e/syslogd.py" /dev/log "$T/syslog.out" > "$T/syslogd.log" &
	E2E_PIDS+=($!)
	SYSLOGD_OWNS_DEVLOG=1
	wait_for 5 grep -q ready "$T/syslogd.log"
	"$MILTER" -f -c "$T/esc.conf" -u nobody >>"$T/milter.log" 2>&1 &
	MILTER_PID=$!
fi
wait_for 10 port_open "$MPORT"
wait_for 5 grep -q '"event":"config"' "$T/syslog.out"
milter_stop
like "$(cat "$T/syslog.out")" '^<158>.*esc-milter: \{"ts":"[^"]+","event":"config",' "log = syslog:local3: events as syslog messages, priority local3.info"
line=$(grep -o '{"ts".*' "$T/syslog.out" | head -1)
ok "$(printf '%s' "$line" | jq -e .event >/dev/null 2>&1 && echo 0 || echo 1)" "log = syslog: the message is one whole JSON object"
if [ -n "${SYSLOGD_OWNS_DEVLOG:-}" ]; then
	kill "${E2E_PIDS[-1]}" 2>/dev/null
	rm -f /dev/log
fi

# Background mode: detaches, the pid file names the daemon.
cat > "$T/esc.conf" <<CONF
socket = inet:$MPORT@127.0.0.1
log = file:$EVENTS
CONF
run "$MILTER" -c "$T/esc.conf" -u nobody -P "$T/bg.pid"
is "$rc" 0 "background: the starting process exits 0"
wait_for 10 port_open "$MPORT"
bgpid=$(cat "$T/bg.pid")
ok "$(kill -0 "$bgpid" 2>/dev/null && echo 0 || echo 1)" "background: the daemon runs"
is "$(awk '/^PPid:/ {print $2}' "/proc/$bgpid/status")" 1 "background: detached (parent is init)"
kill -TERM "$bgpid"
wait_for 10 sh -c "! kill -0 $bgpid 2>/dev/null"
ok "$(kill -0 "$bgpid" 2>/dev/null && echo 1 || echo 0)" "background: SIGTERM stops it"
is "$(events 'select(.event=="stats" and .final) | .final' | tail -1)" "true" "background: final statistics written"
e2e_done

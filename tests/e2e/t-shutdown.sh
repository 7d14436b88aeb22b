#!/bin/bash
# t-shutdown.sh - stopping under load, as ThreadSanitizer's scenario has
# it: 20 SMTP sessions in parallel through Postfix, rejected at RCPT and at
# the end of headers, 15 SIGHUP reloads during the traffic, then SIGTERM
# while 10 sessions are in the middle of a transaction.  Those sessions
# finish with the rules' replies (the daemon no longer accepts connections
# but serves the ones in flight), then it exits 0.  Every refusal a client
# saw has its event and is counted in the final statistics.  A second
# SIGTERM cuts the wait short.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init shutdown

rules='shutdown_timeout = 300
rule bad-rcpt
    if = recipient = bad@dest.example
    reply = 550 5.7.1 Not bad here
rule bad-header
    if = header X-Check = reject
    reply = 554 5.7.1 Header refused'
milter_conf <<<"$rules"
cp "$T/esc.conf" "$T/esc.conf.1"
milter_conf <<<"$rules
rule other
    if = recipient = nobody@nowhere.example
    reply = 550 5.7.1 never"
cp "$T/esc.conf" "$T/esc.conf.2"
milter_start || exit 1
postfix_start "smtpd_hard_error_limit = 1000" "smtpd_soft_error_limit = 1000" || exit 1

mkfifo "$T/go"
"$PY" "$top_srcdir/tests/e2e/smtp_load.py" "127.0.0.1:$PPORT" 20 5 10 \
    < "$T/go" > "$T/load.out" 2> "$T/load.err" &
load=$!
exec 7> "$T/go"
# 15 reloads while the sessions run, each waited for.
for ((i = 1; i <= 15; i++)); do
	cp "$T/esc.conf.$((i % 2 + 1))" "$T/esc.conf"
	kill -HUP "$MILTER_PID"
	wait_for 60 sh -c "[ \$(grep -c '\"reason\":\"reload\"' '$EVENTS') -ge $i ]"
done
wait_for 300 grep -q '^holding 10$' "$T/load.out"
is "$(grep -c '"result":"ok","reason":"reload"' "$EVENTS")" 15 "15 reloads during the traffic"

# SIGTERM with 10 sessions in the middle of a transaction.
kill -TERM "$MILTER_PID"
wait_for 60 grep -q 'SIGTERM received: stopping' "$T/milter.log"
ok $(kill -0 "$MILTER_PID" 2>/dev/null; echo $?) "after SIGTERM the daemon waits for the sessions in flight"
# Meanwhile a new SMTP session finds the milter's socket closed: Postfix
# applies milter_default_action (tempfail) at once, without waiting.
out=$(smtp <<'S'
EHLO client.test
MAIL FROM:<late@src.example>
QUIT
S
)
like "$out" '^MAIL 451 4\.7\.1 ' "a new session while stopping: tempfailed (milter_default_action)"
like "$(grep 'late@src.example\|connect to Milter' "$T/pf/maillog")" 'Connection refused' \
    "Postfix was refused at once, it did not wait for a timeout"
echo go >&7
exec 7>&-
wait "$load"
is "$?" 0 "every session ran to its end (no connection lost)"
milter_stop
is "$MILTER_RC" 0 "the daemon exited 0 once they had closed"
out=$(cat "$T/load.out")
# 20 sessions x 5 messages + 10 held ones: one RCPT and one header refusal each
n=$(( 20 * 5 + 10 ))
like "$out" "^refused $((2 * n))\$" "the clients were refused $((2 * n)) times"
like "$out" "$n 550 5\\.7\\.1 Not bad here" "$n RCPT refusals, the held sessions' included (after SIGTERM)"
like "$out" "$n 554 5\\.7\\.1 Header refused" "$n refusals at the end of headers"
is "$(jq -c 'select(.event=="reply" and .source=="milter")' "$EVENTS" | grep -c .)" $((2 * n)) \
    "a reply event for each refusal"
is "$(jq -c 'select(.event=="reply" and .rule=="bad-rcpt") | .recipient' "$EVENTS" | sort -u)" '"bad@dest.example"' \
    "with the refused recipient"
final=$(jq -c 'select(.event=="stats" and .final)' "$EVENTS")
is "$(printf '%s' "$final" | jq '[.replies[] | select(.source=="milter") | .count] | add')" $((2 * n)) \
    "the final statistics count every refusal"
is "$(printf '%s' "$final" | jq '.sessions_open')" 0 "no session open at the end"
is "$(printf '%s' "$final" | jq '.events_dropped')" 0 "no event dropped"
like "$(cat "$T/milter.log")" 'SIGTERM received: stopping \(sessions in flight may finish\)' "SIGTERM logged"

# A second SIGTERM does not wait for a session that goes on for ever.
milter_conf <<<"$rules"
milter_start || exit 1
"$PY" - "127.0.0.1:$MPORT" > "$T/idle.out" <<'PY' &
import socket, struct, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(struct.pack("!I", 13) + b"O" + struct.pack("!III", 6, 0x1ff, 0))
s.recv(100)
print("open", flush=True)
time.sleep(600)
PY
idle=$!
E2E_PIDS+=($idle)
wait_for 60 grep -q open "$T/idle.out"
kill -TERM "$MILTER_PID"
wait_for 60 grep -q 'SIGTERM received: stopping' "$T/milter.log"
ok $(kill -0 "$MILTER_PID" 2>/dev/null; echo $?) "an idle session in flight: the daemon waits (shutdown_timeout = 300)"
kill -TERM "$MILTER_PID"
milter_stop
is "$MILTER_RC" 0 "a second SIGTERM: it stops at once, exit 0"
like "$(cat "$T/milter.log")" 'stopping with 1 session still open' "and says a session was still open"
kill "$idle" 2>/dev/null
e2e_done

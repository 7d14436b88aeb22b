#!/bin/bash
# t-connections.sh - the milter serves 500 MTA connections at once.  The
# load is the test's own: a milter protocol driver (milter_hold.py) opens
# 500 connections and keeps every one of them in the middle of a
# transaction; the daemon's own count of open sessions (esc_milter_sessions)
# must say 500 and its descriptors must hold them.  Then each asks for a
# recipient the rule rejects: 500 replies, 500 events, and the count goes
# back to 0.  No assertion depends on the machine's speed.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init connections
N=500

milter_conf <<'CONF'
rule no-r
    if = recipient = r@dest.example
    reply = 550 5.7.1 Not r here
CONF
milter_start || exit 1
fd0=$(ls /proc/"$MILTER_PID"/fd | wc -l)

mkfifo "$T/go"
"$PY" "$top_srcdir/tests/e2e/milter_hold.py" "127.0.0.1:$MPORT" "$N" \
    < "$T/go" > "$T/hold.out" 2> "$T/hold.err" &
hold=$!
exec 7> "$T/go"		# keeps the driver waiting until we write
wait_for 300 grep -q "^ready $N\$" "$T/hold.out"
is "$(head -1 "$T/hold.out")" "ready $N" "the driver holds $N connections, each in a transaction"

# sessions - esc_milter_sessions from a fresh statistics file
sessions() { stats_now && sed -n 's/^esc_milter_sessions //p' "$T/out/esc.prom"; }
is "$(sessions)" "$N" "the daemon counts $N sessions open at once"
fds=$(ls /proc/"$MILTER_PID"/fd | wc -l)
ok $([ "$fds" -ge $((fd0 + N)) ]; echo $?) "and holds a descriptor for each ($fds open, $fd0 before)"

echo go >&7
exec 7>&-
wait "$hold"
is "$?" 0 "every step before RCPT was answered with continue"
is "$(sed -n '2p' "$T/hold.out")" "$N reply 550 5.7.1 Not r here" "all $N recipients got the rule's reply"
is "$(tail -1 "$T/hold.out")" "bad 0" "no unexpected answer"
wait_for 60 sh -c "[ \"\$(sed -n 's/^esc_milter_sessions //p' '$T/out/esc.prom')\" = 0 ] || { kill -USR2 $MILTER_PID; false; }"
is "$(sessions)" 0 "the count is back to 0 when they have closed"
is "$(events 'select(.rule=="no-r")' | grep -c .)" "$N" "$N reply events"
is "$(sed -n 's/^esc_milter_rule_matches_total{rule="no-r",mode="enforce"} //p' "$T/out/esc.prom")" "$N" \
    "rule counter = $N"
e2e_done

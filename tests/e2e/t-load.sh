#!/bin/bash
# t-load.sh - 500 concurrent SMTP sessions (smtp-source) through Postfix
# with a rule that rejects a known fraction of the recipients: the number
# of reply events equals the number of rejections Postfix logged, nothing
# lost or duplicated; the milter's file descriptors and memory stay
# bounded and return to where they were.  How many sessions overlap
# depends on how fast the machine forks smtpd processes, so nothing here
# asserts it: t-connections.sh shows 500 connections served at once with
# a load the test controls.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init load
need smtp-source postfix
SESSIONS=500
MESSAGES=1500
RCPTS=4

# smtp-source names the recipients user@, 2user@, 3user@, 4user@: the
# rule rejects 2user and 3user, half of them.
milter_conf <<'CONF'
event_queue = 65536
rule half
    if = recipient ~ /^[23]user@/
    reply = 550 5.7.1 Not ${recipient}
CONF
milter_start || exit 1
postfix_start "default_process_limit = 600" "smtpd_client_connection_count_limit = 0" \
    "smtpd_client_connection_rate_limit = 0" "in_flow_delay = 0" \
    "milter_connect_timeout = 30s" "milter_command_timeout = 60s" || exit 1

fds() { ls /proc/"$MILTER_PID"/fd | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' /proc/"$MILTER_PID"/status; }
threads() { awk '/^Threads/ {print $2}' /proc/"$MILTER_PID"/status; }
fd0=$(fds)
rss0=$(rss)

# Sample the peak while the load runs.
( peak_fd=0 peak_rss=0 peak_thr=0
  while kill -0 "$MILTER_PID" 2>/dev/null && [ ! -e "$T/load.done" ]; do
	f=$(fds) r=$(rss) t=$(threads)
	[ "$f" -gt "$peak_fd" ] && peak_fd=$f
	[ "$r" -gt "$peak_rss" ] && peak_rss=$r
	[ "$t" -gt "$peak_thr" ] && peak_thr=$t
	echo "$peak_fd $peak_rss $peak_thr" > "$T/peak"
	sleep 0.2
  done ) &
E2E_PIDS+=($!)

start=$(date +%s)
# -A: go on after a rejected recipient.  -d -w 4: every session stays
# open and waits 4 s between its messages, so each lives for 8 s or more
# and the sessions overlap even while Postfix is still forking smtpd
# processes for the last ones (slow under the sanitizers or valgrind).
timeout 600 smtp-source -A -d -w 4 -s "$SESSIONS" -m "$MESSAGES" -r "$RCPTS" -l 2000 \
    -f sender@src.example -t user@dest.example 127.0.0.1:"$PPORT" > "$T/source.out" 2>&1
src_rc=$?
elapsed=$(( $(date +%s) - start ))
touch "$T/load.done"
is "$src_rc" 0 "smtp-source: $MESSAGES messages over $SESSIONS concurrent sessions in ${elapsed}s"
read -r peak_fd peak_rss peak_thr < "$T/peak"
echo "# milter at the peak: $peak_fd fds, $peak_thr threads, RSS ${peak_rss} KB (before: $fd0 fds, ${rss0} KB)"

# Wait (up to 30 s) for Postfix to log everything, then compare.
expected=$(( MESSAGES * 2 ))
wait_for 30 sh -c "[ \$(grep -c 'milter-reject: RCPT from' '$POSTFIX_ETC/../maillog') -ge $expected ]"
rejected_pf=$(grep -c 'milter-reject: RCPT from .*: 550 5\.7\.1 Not [23]user@dest\.example' "$POSTFIX_ETC/../maillog")
is "$rejected_pf" "$expected" "Postfix logged $expected rejections (2 of every 4 recipients)"
wait_for 20 sh -c "[ \$(grep -c '\"rule\":\"half\"' $EVENTS) -ge $expected ]"
events_n=$(grep -c '"rule":"half"' "$EVENTS")
is "$events_n" "$rejected_pf" "reply events = Postfix's logged rejections: none lost, none duplicated"
is "$(jq -r 'select(.rule=="half") | .recipient' "$EVENTS" | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')" \
    "$MESSAGES 2user@dest.example $MESSAGES 3user@dest.example " "each rejected recipient once per message"
stats_now
is "$(sed -n 's/^esc_milter_events_dropped_total //p' "$T/out/esc.prom")" 0 "no event dropped"
like "$(sed -n 's/^esc_milter_rule_matches_total{rule="half",mode="enforce"} //p' "$T/out/esc.prom")" "^$expected\$" \
    "rule counter = $expected"

# Bounded: the descriptors come back (Postfix's smtpd processes close
# their milter connections as their sessions end), memory stays modest.
wait_for 20 sh -c "[ \$(ls /proc/$MILTER_PID/fd | wc -l) -le $(( fd0 + 5 )) ]"
fd1=$(fds)
rss1=$(rss)
ok $([ "$fd1" -le $(( fd0 + 5 )) ]; echo $?) "file descriptors back to $fd1 after the load (before: $fd0, peak: $peak_fd)"
ok $([ "$peak_fd" -le $(( fd0 + SESSIONS + 20 )) ]; echo $?) "at most one descriptor per connection at the peak ($peak_fd)"
if sanitized "$MILTER"; then
	ok 0 "# SKIP peak RSS under a sanitizer measures its shadow memory"
else
	ok $([ "$peak_rss" -lt 51200 ]; echo $?) "peak RSS ${peak_rss} KB under 50 MB with $SESSIONS sessions"
fi
ok $([ "$rss1" -lt $(( peak_rss + 1024 )) ]; echo $?) "RSS after the load ${rss1} KB (no growth past the peak)"
ok $(kill -0 "$MILTER_PID" 2>/dev/null; echo $?) "the daemon is still up"
e2e_done

#!/bin/bash
# t-fault-log.sh - the event log's disk is full or unwritable: mail keeps
# flowing with the right replies, esc_milter_events_dropped_total counts
# every event that could not be written, the file never holds half a line,
# and writing resumes when space comes back.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init fault-log

rules='rule block
    if = recipient-domain = blocked.example
    reply = 550 5.7.1 Recipient ${recipient} is blocked here by policy'

# rejects N - N rejected recipients, 10 per session (Postfix hangs up
# after smtpd_hard_error_limit = 20 errors); prints the replies
rejects() {
	local i=1
	while [ "$i" -le "$1" ]; do
		{
			printf 'EHLO client.test\nMAIL FROM:<a@src.example>\n'
			for j in $(seq "$i" $(( i + 9 < $1 ? i + 9 : $1 ))); do
				printf 'RCPT TO:<u%d@blocked.example>\n' "$j"
			done
			printf 'QUIT\n'
		} | smtp
		i=$(( i + 10 ))
	done
}
prom() {
	stats_now
	sed -n "s/^$1 //p" "$T/out/esc.prom"
}

# --- a disk that is always full: /dev/full (ENOSPC) ---------------------------
{
	echo "socket = inet:$MPORT@127.0.0.1"
	echo "log = file:/dev/full"
	echo "stats_interval = 0"
	echo "prometheus_file = $T/out/esc.prom"
	echo "$rules"
} > "$T/esc.conf"
milter_start || exit 1
postfix_start || exit 1
out=$(rejects 10)
is "$(printf '%s\n' "$out" | grep -c '^RCPT 550 5\.7\.1 Recipient u[0-9]*@blocked\.example is blocked here by policy')" 10 \
    "disk full: all 10 recipients get the rule's reply"
dropped=$(prom esc_milter_events_dropped_total)
ok $([ "${dropped:-0}" -ge 11 ]; echo $?) "disk full: events_dropped_total counts the config and the 10 reply events ($dropped)"
like "$(prom 'esc_milter_replies_total{source="milter",action="reject",mode="enforce",class="5",subject="7",category="security",direction="inbound"}')" '^10$' \
    "disk full: the statistics still count all 10 rejections"
like "$(cat "$T/milter.log")" 'cannot write events to /dev/full' "disk full: logged once"
is "$(grep -c 'cannot write events' "$T/milter.log")" 1 "disk full: not once per event"
ok $(kill -0 "$MILTER_PID" 2>/dev/null; echo $?) "disk full: the daemon runs on"
milter_stop

# --- a small file system that fills up, then gets space back ------------------
mkdir -p "$T/small"
if mount -t tmpfs -o size=64k,mode=0777 tmpfs "$T/small" 2>/dev/null; then
	trap 'umount "$T/small" 2>/dev/null; e2e_cleanup' EXIT
	# Leave room for a few events only.
	dd if=/dev/zero of="$T/small/filler" bs=1k count=56 2>/dev/null
	{
		echo "socket = inet:$MPORT@127.0.0.1"
		echo "log = file:$T/small/events.json"
		echo "stats_interval = 0"
		echo "prometheus_file = $T/out/esc.prom"
		echo "$rules"
	} > "$T/esc.conf"
	milter_start || exit 1
	out=$(rejects 40)
	is "$(printf '%s\n' "$out" | grep -c '^RCPT 550 5\.7\.1 ')" 40 "filling disk: all 40 recipients get the rule's reply"
	d1=$(prom esc_milter_events_dropped_total)
	ok $([ "${d1:-0}" -gt 0 ]; echo $?) "filling disk: events dropped once the disk is full ($d1)"
	rm -f "$T/small/filler"
	out=$(rejects 5)
	d2=$(prom esc_milter_events_dropped_total)
	wait_for 5 grep -q 'u5@blocked' "$T/small/events.json"
	like "$(tail -3 "$T/small/events.json")" 'u5@blocked\.example' "space back: writing resumes"
	like "$(cat "$T/milter.log")" 'writing events to .* works again' "space back: logged"
	milter_stop
	lines=$(grep -c . "$T/small/events.json")
	jq -e . "$T/small/events.json" > /dev/null
	ok $? "the log holds whole JSON lines only ($lines lines)"
	# Every event is either in the file or counted as dropped: the config
	# event, 45 replies, the stats events of the two SIGUSR2 and the final
	# one at shutdown (written: there was space again by then).
	is "$(( lines + d2 ))" 49 "every event written or counted as dropped ($lines written + $d2 dropped)"
	umount "$T/small"
	trap e2e_cleanup EXIT
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP cannot mount a tmpfs here"; done
fi

# --- a cut last line (a crash or power loss): ended, counted, nothing glued -------
mkdir -p "$T/cut"
chown nobody "$T/cut"
printf '{"ts":"2026-01-01T00:00:00.000Z","event":"stats","host":"mx1"}\n{"ts":"2026-01-01T00:00:01.000Z","event":"reply","ho' \
    > "$T/cut/events.json"
chown nobody "$T/cut/events.json"
{
	echo "socket = inet:$MPORT@127.0.0.1"
	echo "log = file:$T/cut/events.json"
	echo "stats_interval = 0"
	echo "prometheus_file = $T/out/esc.prom"
} > "$T/esc.conf"
milter_start || exit 1
flush_events "$MILTER_PID" "$T/cut/events.json"
is "$(sed -n 2p "$T/cut/events.json")" '{"ts":"2026-01-01T00:00:01.000Z","event":"reply","ho' \
    "cut line: kept as it was, ended with a newline"
is "$(sed -n 3p "$T/cut/events.json" | jq -r '[.event, .reason] | join(" ")')" "config start" \
    "cut line: the restarted daemon's first event starts a line of its own"
is "$(sed -n '3,$p' "$T/cut/events.json" | jq -c . | wc -l)" "$(( $(wc -l < "$T/cut/events.json") - 2 ))" \
    "cut line: every later line is whole JSON"
is "$(prom esc_milter_events_cut_total)" 1 "cut line: counted in esc_milter_events_cut_total"
like "$(cat "$T/milter.log")" 'events\.json ended in a cut event line' "cut line: logged"
milter_stop
milter_start || exit 1
is "$(prom esc_milter_events_cut_total)" 0 "a clean file at the next start: nothing to end"
milter_stop

# --- a log the daemon may not write at start: a clear refusal ------------------
mkdir -p "$T/ro"
chmod 0555 "$T/ro"
{
	echo "socket = inet:$MPORT@127.0.0.1"
	echo "log = file:$T/ro/events.json"
} > "$T/esc.conf"
run "$MILTER" -f -c "$T/esc.conf" -u nobody
is "$rc" 1 "unwritable log at start: esc-milter refuses to start"
like "$err" "$T/ro/events.json.*Permission denied" "unwritable log at start: says which file and why"
e2e_done

#!/bin/bash
# bench_trace.sh - esc trace on a Postfix log of a million lines
# (bench/gen_maillog.py) and of two million: the time to find one
# message by queue id, by recipient and by Message-ID (median of 3), the
# peak memory (the messages in flight, not the file: the same for both
# sizes) and what the trace held at most (ESC_TRACE_STATS); with the
# shared corpus present, the same on a million lines of a real MX's log
# (postfix-logsums, repeated), amavis re-injecting nearly every message.
#
#   bench/bench_trace.sh [BUILDDIR]          (make bench runs it)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
ESC="$b/src/cli/esc"
LINES=${BENCH_LINES:-1000000}
W=$(mktemp -d "${TMPDIR:-/tmp}/esc-bench-trace.XXXXXX")
trap 'rm -rf "$W"' EXIT

. "$top/bench/lib.sh"

# rss CMD... - the peak resident memory, in MB
rss() {
	/usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}

run() {
	local name=$1 log=$2 qid=$3 rcpt=$4 msgid=$5
	echo "$name: $(wc -l < "$log") lines, $(( $(stat -c %s "$log") / 1048576 )) MB"
	printf '  %-40s %8ss\n' "esc trace --queue-id $qid" "$(med3 "$ESC" trace --queue-id "$qid" "$log")"
	printf '  %-40s %8ss\n' "esc trace --recipient $rcpt" "$(med3 "$ESC" trace --recipient "$rcpt" "$log")"
	printf '  %-40s %8ss\n' "esc trace --message-id <$msgid>" "$(med3 "$ESC" trace --message-id "$msgid" "$log")"
	if [ -x /usr/bin/time ]; then
		printf '  %-40s %8s MB\n' "peak memory" "$(rss "$ESC" trace --queue-id "$qid" "$log")"
	fi
	ESC_TRACE_STATS=1 "$ESC" trace --queue-id "$qid" "$log" 2>&1 >/dev/null | sed 's/^/  /'
	echo
}

python3 "$top/bench/gen_maillog.py" "$LINES" > "$W/gen.log" 2> /dev/null
q=$(sed -n '5000,$s/.*postfix\/qmgr\[[0-9]*\]: \([0-9A-F]*\): from=.*/\1/p' "$W/gen.log" | head -1)
r=$(grep -m1 ": $q: to=<" "$W/gen.log" | sed 's/.*to=<\([^>]*\)>.*/\1/')
m=$(grep -m1 ": $q: message-id=<" "$W/gen.log" | sed 's/.*message-id=<\([^>]*\)>.*/\1/')
run "generated (bench/gen_maillog.py)" "$W/gen.log" "$q" "$r" "$m"
rm -f "$W/gen.log"
python3 "$top/bench/gen_maillog.py" $((LINES * 2)) > "$W/gen2.log" 2> /dev/null
run "generated, twice as long (the memory stays)" "$W/gen2.log" "$q" "$r" "$m"
rm -f "$W/gen2.log"

corpus=${ESC_SHARED_DIR:-$top/../shared}/corpus/maillogs/postfix-logsums/mail.log.xz
if [ -f "$corpus" ]; then
	xz -dc "$corpus" > "$W/one.log"
	n=$(( (LINES + $(wc -l < "$W/one.log") - 1) / $(wc -l < "$W/one.log") ))
	for ((i = 0; i < n; i++)); do cat "$W/one.log"; done > "$W/real.log"
	run "a real MX's log (postfix-logsums, $n times)" "$W/real.log" \
	    4PcV4K5FPLz3tBr user02.test@uhu-banane.com \
	    64127072f0682_2bb81b51c3215362@nebenan-job-10-3-129-235.mail
fi

#!/bin/bash
# bench_follow.sh - how fast the daemon's log follower (maillog =) reads
# a Postfix log: a million lines written by bench/gen_maillog.py appended
# at once to the followed file; the time until the follower has read it
# all (its offset, from the statistics, at the file's size), its events
# written.  Median of three runs; lines per second (a figure, not a test).
#
#   bench/bench_follow.sh [BUILDDIR] [LINES]     (make bench runs it)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
LINES=${2:-${BENCH_LINES:-1000000}}
MILTER="$b/src/milter/esc-milter"
W=$(mktemp -d "${TMPDIR:-/tmp}/esc-bench-follow.XXXXXX")
chmod 755 "$W"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$W"' EXIT
python3 "$top/bench/gen_maillog.py" "$LINES" > "$W/gen.log" 2> /dev/null
size=$(stat -c %s "$W/gen.log")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=nobody
[ "$(id -u)" = 0 ] || user=$(id -un)

one() {
	rm -rf "$W/run" && mkdir "$W/run" && chmod 777 "$W/run"
	: > "$W/run/mail.log"
	chmod 644 "$W/run/mail.log"
	cat > "$W/run/esc.conf" <<CONF
socket = inet:$port@127.0.0.1
log = file:$W/run/events.json
stats_interval = 0
stats_file = $W/run/stats.json
maillog = $W/run/mail.log
maillog_state = $W/run/maillog.state
CONF
	"$MILTER" -f -c "$W/run/esc.conf" -u "$user" > "$W/run/milter.log" 2>&1 &
	pid=$!
	until grep -q ' listening on ' "$W/run/milter.log" 2>/dev/null; do sleep 0.05; done
	local t0 t1
	t0=$(date +%s%N)
	cat "$W/gen.log" >> "$W/run/mail.log"
	until kill -USR2 "$pid" 2>/dev/null && [ -s "$W/run/stats.json" ] &&
	    [ "$(jq -r '.maillog_offset' "$W/run/stats.json" 2>/dev/null)" = "$size" ]; do
		sleep 0.02
	done
	t1=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid"
	pid=
	echo $(( (t1 - t0) / 1000000 ))
}

ts=()
for i in 1 2 3; do ts+=("$(one)"); done
ms=$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p)
events=$(grep -c '"event":"reply"' "$W/run/events.json")
printf 'log follower: %d lines (%d MB) read in %d ms (median of 3): %.0f lines/s, %d events written\n' \
    "$LINES" $((size / 1048576)) "$ms" "$(echo "$LINES * 1000 / $ms" | bc -l)" "$events"

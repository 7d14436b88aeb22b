#!/bin/bash
# bench_report.sh - esc report against the same aggregation in jq, on the
# same generated log: both must give the same answer; prints the timings
# and the speed ratio (a figure, not a test).
#
#   bench/bench_report.sh [ESC] [LINES]     (default ./src/cli/esc 1000000)
set -eu
esc=${1:-./src/cli/esc}
lines=${2:-1000000}
gen=$(dirname "$0")/gen_events
command -v jq >/dev/null || { echo "bench_report: jq is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$lines" > "$tmp/events.json"
size=$(du -h "$tmp/events.json" | cut -f1)

now() { date +%s.%N; }

t0=$(now)
"$esc" report --by category --format csv "$tmp/events.json" 2>/dev/null |
    tail -n +2 | tr -d '"' | awk -F, '{print $1, $2}' | sort > "$tmp/esc.out"
t1=$(now)
# the same count in jq: valid lines only (jq stops at a bad line, so read
# them one by one with fromjson?)
jq -R -r 'fromjson? | select(.event == "reply" and .mode != "monitor") | (.category // "(none)")' \
    "$tmp/events.json" | sort | uniq -c | awk '{print $2, $1}' | sort > "$tmp/jq.out"
t2=$(now)

if ! cmp -s "$tmp/esc.out" "$tmp/jq.out"; then
	echo "bench_report: esc report and jq disagree:"
	diff "$tmp/esc.out" "$tmp/jq.out" | head
	exit 1
fi
esc_s=$(echo "$t1 - $t0" | bc -l)
jq_s=$(echo "$t2 - $t1" | bc -l)
printf 'esc report --by category: %d lines (%s): %.2f s (%.0f lines/s)\n' \
    "$lines" "$size" "$esc_s" "$(echo "$lines / $esc_s" | bc -l)"
printf 'jq (same aggregation):     %.2f s\n' "$jq_s"
printf 'same answer; esc report is %.1f x faster than jq\n' "$(echo "$jq_s / $esc_s" | bc -l)"

#!/bin/bash
# bench_report.sh - esc report against the same aggregation in jq, on the
# same generated event log (bench/gen_events): by category and by reason;
# both tools must give the same answer.  Prints the timings (median of 3
# runs), the speed ratios and, for scale, how long wc -l takes to read
# the file (a figure, not a test).
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

. "$(dirname "$0")/lib.sh"

# esc_by KEY - esc's counts as "key count" lines
esc_by() {
	"$esc" report --by "$1" --format csv "$tmp/events.json" 2>/dev/null |
	    tail -n +2 | tr -d '"' | awk -F, '{print $1, $2}' | sort
}
# jq_by FIELD - the same count in jq: valid lines only (jq stops at a bad
# line, so read them one by one with fromjson?), enforce mode only
jq_by() {
	jq -R -r "fromjson? | select(.event == \"reply\" and .mode != \"monitor\") | (.$1 // \"(none)\")" \
	    "$tmp/events.json" | sort | uniq -c | awk '{print $2, $1}' | sort
}

echo "esc report on $lines generated event lines ($size):"
tw=$(med3 wc -l "$tmp/events.json")
printf '  %-26s %7ss\n' "wc -l (reading the file)" "$tw"
for by in category reason; do
	if ! cmp -s <(esc_by "$by") <(jq_by "$by"); then
		echo "bench_report: esc report and jq disagree by $by:"
		diff <(esc_by "$by") <(jq_by "$by") | head
		exit 1
	fi
	te=$(med3 "$esc" report --by "$by" "$tmp/events.json")
	tj=$(med3 jq_by "$by")
	printf '  %-26s %7ss   jq: %6ss   %.1f x jq, %.1f x wc -l\n' \
	    "esc report --by $by" "$te" "$tj" \
	    "$(echo "$tj / $te" | bc -l)" "$(echo "$te / $tw" | bc -l)"
done
echo "  (the same answer as jq by category and by reason)"
th=$(med3 "$esc" report --format html "$tmp/events.json")
"$esc" report --format html "$tmp/events.json" > "$tmp/report.html"
printf '  %-26s %7ss   a page of %d KB\n' "esc report --format html" "$th" \
    $(( $(stat -c %s "$tmp/report.html") / 1024 ))

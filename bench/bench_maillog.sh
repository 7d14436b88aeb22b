#!/bin/bash
# bench_maillog.sh - esc report (by category, and by reason with every
# line classified), esc maillog and esc suppress on a Postfix log of a
# million lines,
# against pflogsumm (Debian: pflogsumm) on the same file: the time of
# each (median of 3 runs), and what each counted (rejected, deferred,
# bounced, held, discarded) next to the truth the generator knows
# (bench/gen_maillog.py).  With the shared corpus present, the same on a
# million lines of a real MX's log (postfix-logsums, repeated).
#
#   bench/bench_maillog.sh [BUILDDIR]          (make bench runs it)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
ESC="$b/src/cli/esc"
LINES=${BENCH_LINES:-1000000}
W=$(mktemp -d "${TMPDIR:-/tmp}/esc-bench-ml.XXXXXX")
trap 'rm -rf "$W"' EXIT

. "$top/bench/lib.sh"

# esc_counts LOG - rejected deferred bounced held discarded, as esc reads them
esc_counts() {
	"$ESC" maillog "$1" | jq -rs '
	    def n(f): map(select(f)) | length;
	    [n(.direction == "inbound" and .mode != "monitor" and (.action == "reject" or .action == "tempfail")),
	     n(.direction == "outbound" and .action == "tempfail"),
	     n(.direction == "outbound" and .action == "reject"),
	     n(.action == "hold"), n(.action == "discard")] | @tsv'
}

# pfl_counts LOG - the same five from pflogsumm's grand totals
pfl_counts() {
	pflogsumm "$1" 2>/dev/null | awk '
	    /^ *[0-9]+ +rejected/ { r = $1 } /^ *[0-9]+ +deferred/ { d = $1 }
	    /^ *[0-9]+ +bounced/ { b = $1 } /^ *[0-9]+ +held/ { h = $1 }
	    /^ *[0-9]+ +discarded/ { x = $1 }
	    END { printf "%s\t%s\t%s\t%s\t%s\n", r, d, b, h, x }'
}

run() {
	local name=$1 log=$2 truth=${3:-} te tp ec pc
	echo "$name: $(wc -l < "$log") lines, $(( $(stat -c %s "$log") / 1048576 )) MB"
	te=$(med3 "$ESC" report --by category "$log")
	printf '  %-34s %8ss\n' "esc report --by category" "$te"
	tr=$(med3 "$ESC" report --by reason-detail "$log")
	printf '  %-34s %8ss\n' "esc report --by reason-detail" "$tr"
	tm=$(med3 "$ESC" maillog "$log")
	printf '  %-34s %8ss   (every event written as JSON)\n' "esc maillog" "$tm"
	ts=$(med3 "$ESC" suppress "$log")
	printf '  %-34s %8ss   (%s addresses suppressed)\n' "esc suppress" "$ts" \
	    "$("$ESC" suppress --format json "$log" | jq .count)"
	ec=$(esc_counts "$log")
	if command -v pflogsumm > /dev/null; then
		tp=$(med3 pflogsumm "$log")
		printf '  %-34s %8ss   esc report is %.0f times faster (%.0f by reason, esc maillog %.0f, esc suppress %.0f)\n' \
		    "pflogsumm" "$tp" "$(awk -v a="$tp" -v b="$te" 'BEGIN { print a / b }')" \
		    "$(awk -v a="$tp" -v b="$tr" 'BEGIN { print a / b }')" \
		    "$(awk -v a="$tp" -v b="$tm" 'BEGIN { print a / b }')" \
		    "$(awk -v a="$tp" -v b="$ts" 'BEGIN { print a / b }')"
		pc=$(pfl_counts "$log")
	fi
	printf '  %-12s %9s %9s %9s %9s %9s\n' "" rejected deferred bounced held discarded
	[ -n "$truth" ] && printf '  %-12s %9s %9s %9s %9s %9s\n' truth $truth
	printf '  %-12s %9s %9s %9s %9s %9s\n' esc $ec
	[ -n "${pc:-}" ] && printf '  %-12s %9s %9s %9s %9s %9s\n' pflogsumm $pc
	echo
}

python3 "$top/bench/gen_maillog.py" "$LINES" > "$W/gen.log" 2> "$W/gen.json"
truth=$(jq -r '[.smtpd_rcpt_550 + .smtpd_rcpt_450 + .smtpd_relay_554 +
    .postscreen_dnsbl + .milter_eom + .milter_rcpt + .cleanup_header,
    .smtp_defer_4728 + .smtp_defer_refused, .smtp_bounce_5726 + .local_bounce,
    .cleanup_hold, .cleanup_discard] | @tsv' "$W/gen.json")
run "generated (bench/gen_maillog.py)" "$W/gen.log" "$truth"
echo "  the generator wrote $(jq -r .milter_rcpt "$W/gen.json") milter-reject lines at RCPT"
echo "  and $(jq -r .reject_warning "$W/gen.json") reject_warning lines (not rejections)"
echo

corpus=${ESC_SHARED_DIR:-$top/../shared}/corpus/maillogs/postfix-logsums/mail.log.xz
if [ -f "$corpus" ]; then
	xz -dc "$corpus" > "$W/one.log"
	n=$(( (LINES + $(wc -l < "$W/one.log") - 1) / $(wc -l < "$W/one.log") ))
	for ((i = 0; i < n; i++)); do cat "$W/one.log"; done > "$W/real.log"
	run "a real MX's log (postfix-logsums, $n times)" "$W/real.log"
fi

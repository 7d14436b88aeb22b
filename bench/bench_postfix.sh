#!/bin/bash
# bench_postfix.sh - esc-milter through a real Postfix, against milters
# that do nothing: smtp-source sends a realistic message (bench/message.eml:
# 22 header fields as a large mailbox provider's message carries them,
# 5 KB) over 20 sessions, 4 recipients each; every configuration in turn,
# round after round.  The figures are the median messages per second and
# the median of each round's ratio to the null milter (every step, a reply
# to each) measured in the same round: the rounds drift more than the
# configurations differ.
#
#   bench/bench_postfix.sh [BUILDDIR]         (make bench runs it; needs root)
#
# Environment: BENCH_ROUNDS (default 5), BENCH_MESSAGES (default 5000),
# BENCH_SESSIONS (default 20), BENCH_CONFIGS (a subset of the labels
# below, or null-0xFLAGS for any SMFIP_* set), BENCH_TMP (where the
# Postfix instance lives, default /dev/shm: the disk is not measured).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
. "$top/tests/e2e/postfix-master.sh"
. "$top/bench/lib.sh"
ESC_MILTER="$b/src/milter/esc-milter"
NULL="$b/bench/null-milter"
ROUNDS=${BENCH_ROUNDS:-5}
M=${BENCH_MESSAGES:-5000}
SESSIONS=${BENCH_SESSIONS:-20}
MSG="$top/bench/message.eml"
if [ "$(id -u)" != 0 ] || ! command -v smtp-source >/dev/null; then
	echo "bench_postfix: needs root and Postfix's smtp-source (Debian: postfix); skipped"
	exit 0
fi
W=$(mktemp -d "${BENCH_TMP:-/dev/shm}/esc-bench-pf.XXXXXX")
chmod 755 "$W"
read -r MPORT SPORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
mpid=
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	postfix -c "$W/pf/etc" stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

# The rules (none of them fires on this traffic: the common case).
header_rules='rule spf-fail
    if = header Received-SPF ~ /^\s*fail\b/i
    reply = 550 5.7.23 SPF validation failed
rule rcpt
    if = recipient = nobody@example.com
    reply = 550 5.1.1 No such user
rule partner
    if = client-ip in 192.0.2.0/24
    action = accept'
envelope_rules='rule sender
    if = sender ~ /^spam[0-9]*@/
    reply = 550 5.7.1 Sender refused
rule rcpt
    if = recipient = nobody@example.com
    reply = 550 5.1.1 No such user
rule partner
    if = client-ip in 192.0.2.0/24
    action = accept'
# Monitor mode: the header + envelope rules, nothing refused; the
# recipient rule fires on every message (smtp-source's first recipient is
# user@example.com), so each message gets an X-ESC-Monitor header.
monitor_rules="mode = monitor
${header_rules/nobody@example.com/user@example.com}"
for n in header envelope monitor; do
	v=${n}_rules
	{
		echo "socket = inet:$MPORT@127.0.0.1"
		echo "log = none"
		echo "stats_interval = 0"
		echo "${!v}"
	} > "$W/$n.conf"
done

pf="$W/pf"
postfix_instance "$pf" mx.bench.example
cat >> "$pf/etc/main.cf" <<CF
smtpd_recipient_restrictions = permit_mynetworks, reject
smtpd_milters =
CF
postfix_master_cf "127.0.0.1:$SPORT" > "$pf/etc/master.cf"
postfix -c "$pf/etc" start >"$W/postfix.log" 2>&1 || { cat "$W/postfix.log"; exit 1; }
wait_port "$SPORT" || exit 1

# milter LABEL - start the milter of a configuration (none for "no milter")
milter() {
	[ -n "$mpid" ] && { kill "$mpid"; wait "$mpid" 2>/dev/null; mpid=; }
	case $1 in
	none) postconf -c "$pf/etc" -e "smtpd_milters =" ;;
	null-*) "$NULL" -m "${1#null-}" "inet:$MPORT@127.0.0.1" >"$W/null.log" 2>&1 &
		mpid=$! ;;
	esc-*) "$ESC_MILTER" -f -c "$W/${1#esc-}.conf" -u nobody >"$W/esc.log" 2>&1 &
		mpid=$! ;;
	esac
	if [ "$1" != none ]; then
		wait_port "$MPORT" || return 1
		postconf -c "$pf/etc" -e "smtpd_milters = inet:127.0.0.1:$MPORT"
	fi
	postfix -c "$pf/etc" reload >/dev/null 2>&1
	sleep 1		# the new smtpd processes
}

# one LABEL - messages per second of one run
one() {
	local t0 t1
	t0=$(date +%s%N)
	smtp-source -A -s "$SESSIONS" -m "$M" -r 4 -F "$MSG" -f author@sender.example \
	    -t user@example.com 127.0.0.1:"$SPORT" >/dev/null 2>&1
	t1=$(date +%s%N)
	python3 -c "print('%.1f' % ($M / (($t1 - $t0) / 1e9)))"
}

configs=${BENCH_CONFIGS:-"none null-full null-envelope null-headers null-envelope-data null-headers-data esc-header esc-envelope esc-monitor"}
declare -A label=(
	[none]="no milter"
	[null-full]="null milter (every step, a reply to each)"
	[null-envelope]="lean: MAIL and RCPT only"
	[null-headers]="lean: + headers (no reply), EOH, EOM"
	[null-envelope-data]="lean: MAIL, RCPT, DATA"
	[null-headers-data]="lean: + headers (no reply), EOH, EOM, DATA"
	[esc-header]="esc-milter, header + envelope rules"
	[esc-envelope]="esc-milter, envelope-only rules"
	[esc-monitor]="esc-milter, header + envelope, monitor mode"
)
declare -A runs
echo "smtp-source through Postfix: $M messages of $(wc -c < "$MSG") bytes" \
    "($(sed '/^\r\{0,1\}$/q' "$MSG" | grep -c '^[^[:space:]]') header fields)," \
    "$SESSIONS sessions, 4 recipients;"
echo "configurations in turn, $ROUNDS rounds; the median, and the median of"
echo "each round's ratio to the null milter of the same round"
for ((r = 1; r <= ROUNDS; r++)); do
	for c in $configs; do
		if milter "$c"; then
			runs[$c]+="$(one) "
		else
			runs[$c]+="nan "
		fi
	done
done
milter none
echo
python3 - "$configs" <<PY
import math, statistics, sys
configs = sys.argv[1].split()
runs = {$(for c in $configs; do printf '"%s": [%s], ' "$c" "$(echo ${runs[$c]} | sed 's/nan/float("nan")/g' | tr ' ' ',')"; done)}
label = {$(for c in $configs; do printf '"%s": "%s", ' "$c" "${label[$c]:-$c}"; done)}
null = runs.get("null-full")
def med(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.median(xs) if xs else float("nan")
print("  %-44s %10s %10s   %s" % ("", "messages/s", "x null", "rounds"))
for c in configs:
    m = med(runs[c])
    ratio = med([x / n for x, n in zip(runs[c], null)]) if null else float("nan")
    print("  %-44s %10.0f %9.2fx   %s" % (label[c], m, ratio,
          " ".join("%.0f" % x for x in runs[c])))
PY

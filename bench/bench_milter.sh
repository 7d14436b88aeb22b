#!/bin/bash
# bench_milter.sh - esc-milter against the null milter and mailfromd, same
# driver (bench/milter-load), same machine, same run; then end to end
# through a real Postfix with smtp-source, and memory at 500 connections.
#
#   bench/bench_milter.sh [BUILDDIR]        (make bench runs it)
#
# Environment: BENCH_SESSIONS (default 10000), BENCH_CONNS (50), BENCH_ROUNDS (3),
# BENCH_SMTP=0 to skip the Postfix part (needs root).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$top}" && pwd)
. "$top/tests/e2e/postfix-master.sh"
. "$top/bench/lib.sh"
ESC_MILTER="$b/src/milter/esc-milter"
LOAD="$b/bench/milter-load"
NULL="$b/bench/null-milter"
N=${BENCH_SESSIONS:-10000}
C=${BENCH_CONNS:-50}
R=4		# recipients per message; user0 is rejected by the policies
PORT=19101
W=$(mktemp -d /tmp/esc-bench.XXXXXX)
chmod 755 "$W"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "${PF_ETC:-}" ] && postfix -c "$PF_ETC" stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
user=
[ "$(id -u)" = 0 ] && user="-u nobody"
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	pids=()
}

# The policy both esc-milter and mailfromd apply (the same five checks).
policy_esc='rule helo-bad
    if = helo ~ /^bad/
    reply = 550 5.7.1 Bad HELO
rule spammer
    if = sender-domain = spammer.test
    reply = 550 5.7.1 Sender refused
rule rcpt
    if = recipient ~ /^user0@/
    reply = 550 5.7.1 Recipient refused
rule spf-fail
    if = header Received-SPF ~ /^\s*fail/i
    reply = 550 5.7.23 SPF validation failed
rule partner
    if = client-ip in 192.0.2.0/24
    action = accept'
cat > "$W/policy.mfl" <<'EOF'
#pragma regex +extended +icase
/* $1.. are the callback's arguments: connect (host, family, port,
   address), helo (domain), envfrom (sender), envrcpt (recipient),
   header (name, value). */
prog connect
do
  if $4 matches "^192\\.0\\.2\\."
    accept
  fi
done
prog helo
do
  if $1 matches "^bad"
    reject 550 5.7.1 "Bad HELO"
  fi
done
prog envfrom
do
  if $1 matches "@spammer\\.test>?$"
    reject 550 5.7.1 "Sender refused"
  fi
done
prog envrcpt
do
  if $1 matches "^<?user0@"
    reject 550 5.7.1 "Recipient refused"
  fi
done
prog header
do
  if $1 == "Received-SPF" and $2 matches "^[[:space:]]*fail"
    reject 550 5.7.23 "SPF validation failed"
  fi
done
EOF

# esc_conf NAME [SETTINGS] - a config with the given settings and rules
esc_conf() {
	{
		echo "socket = inet:$PORT@127.0.0.1"
		echo "log = ${LOG:-none}"
		echo "stats_interval = 0"
		cat
	} > "$W/$1.conf"
}
gen_regex_rules() {
	local n=$1 i
	for ((i = 1; i < n; i++)); do
		case $((i % 3)) in
		0) printf 'rule r%d\n    if = recipient ~ /^nomatch%d[a-z]+@example\\.(com|net)$/\n    reply = 550 5.7.1 No\n' "$i" "$i" ;;
		1) printf 'rule r%d\n    if = header X-Header-%d ~ /spam word %d|casino|viagra%d/i\n    reply = 550 5.7.1 No\n' "$i" "$((i % 7 + 2))" "$i" "$i" ;;
		2) printf 'rule r%d\n    if = helo ~ /^(dyn|dsl|ppp)-%d-[0-9]+\\./\n    reply = 550 5.7.1 No\n' "$i" "$i" ;;
		esac
	done
	printf 'rule rcpt\n    if = recipient ~ /^user0@/\n    reply = 550 5.7.1 Recipient refused\n'
}

# run_load LABEL K [ARGS] - the driver against the milter on $PORT, three
# rounds; the median round (by sessions/s) is kept
ROUNDS=${BENCH_ROUNDS:-3}
results=()
run_load() {
	local label=$1 k=$2 out rc=0 i runs=()
	shift 2
	for ((i = 0; i < ROUNDS; i++)); do
		runs+=("$("$LOAD" -j -l "$label" -c "$C" -n "$N" -r "$R" -H 10 -b 2000 -k "$k" "$@" "inet:$PORT@127.0.0.1")") || rc=1
	done
	out=$(printf '%s\n' "${runs[@]}" | python3 -c '
import json, sys
rows = sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda r: r["sessions_per_s"])
print(json.dumps(rows[len(rows) // 2]))')
	results+=("$out")
	printf '%s\n' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  %-34s %8.0f sessions/s  p50 %5d us  p99 %6d us  max %7d us  errors %d" % (r["label"], r["sessions_per_s"], r["p50_us"], r["p99_us"], r["max_us"], r["errors"]))'
	[ "$rc" = 0 ] || echo "  ^ the driver found wrong replies: the figure does not count" >&2
}

start_esc() {
	"$ESC_MILTER" -f -c "$W/$1.conf" $user >"$W/$1.log" 2>&1 &
	pids+=($!)
	wait_port "$PORT"
}

echo "milter-load: $N sessions over $C connections, $R recipients (1 rejected),"
echo "10 headers, 2000-byte body; every reply checked; median of $ROUNDS rounds"
echo

# 1. the floor
"$NULL" "inet:$PORT@127.0.0.1" >"$W/null.log" 2>&1 &
pids+=($!)
wait_port "$PORT"
run_load "null milter" 0
stop_all

# 2. mailfromd with the policy
if command -v mailfromd >/dev/null; then
	mkdir -p "$W/mfd"
	chmod 777 "$W/mfd"
	mailfromd --foreground --stderr --state-directory "$W/mfd" \
	    --port "inet:$PORT@127.0.0.1" ${user:+-u nobody} "$W/policy.mfl" >"$W/mfd.log" 2>&1 &
	pids+=($!)
	wait_port "$PORT" && run_load "mailfromd, policy" "$R"
	stop_all
else
	echo "  mailfromd not installed (Debian: mailfromd): skipped"
fi

# 3. esc-milter scenarios
esc_conf none </dev/null
start_esc none && run_load "esc-milter, no rules" 0
stop_all
esc_conf policy <<<"$policy_esc"
start_esc policy && run_load "esc-milter, policy" "$R"
stop_all
sed -n '/^rule /,$p' "$top/conf/esc-milter.conf" | grep -v '^#' > "$W/sample.rules"
python3 "$top/tests/e2e/dnsd.py" $((PORT + 1)) >"$W/dnsd.log" 2>&1 &
pids+=($!)
{
	echo "resolver = 127.0.0.1:$((PORT + 1))"
	cat "$W/sample.rules"
	printf 'rule rcpt\n    if = recipient ~ /^user0@/\n    reply = 550 5.7.1 Recipient refused\n'
} | esc_conf sample
start_esc sample && run_load "esc-milter, sample rules" "$R"
stop_all
gen_regex_rules 100 | esc_conf r100
start_esc r100 && run_load "esc-milter, 100 regex rules" "$R"
stop_all
gen_regex_rules 1000 | esc_conf r1000
start_esc r1000 && run_load "esc-milter, 1000 regex rules" "$R"
stop_all
{ echo "mode = monitor"; echo "$policy_esc"; } | esc_conf monitor
start_esc monitor && run_load "esc-milter, policy, monitor" 0
stop_all
LOG="file:$W/events.json" esc_conf filelog <<<"$policy_esc"
chmod 777 "$W"
start_esc filelog && run_load "esc-milter, policy, file log" "$R"
stop_all
echo "  (file log: $(wc -l < "$W/events.json") events written)"

# Ratios
echo
printf '%s\n' "${results[@]}" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
by = {r["label"]: r for r in rows}
null = by.get("null milter")
mfd = by.get("mailfromd, policy")
print("  %-34s %10s %10s %10s" % ("", "sessions/s", "vs null", "vs mfd"))
for r in rows:
    if "10 conns" in r["label"]:
        continue
    vn = r["sessions_per_s"] / null["sessions_per_s"] if null else 0
    vm = r["sessions_per_s"] / mfd["sessions_per_s"] if mfd else 0
    print("  %-34s %10.0f %9.2fx %9.2fx" % (r["label"], r["sessions_per_s"], vn, vm))
'

# Latency at lower concurrency: 10 connections.
echo
echo "latency with 10 connections (median of $ROUNDS rounds):"
C_SAVE=$C
C=10
"$NULL" "inet:$PORT@127.0.0.1" >"$W/null3.log" 2>&1 &
pids+=($!)
wait_port "$PORT"
run_load "null milter, 10 conns" 0
stop_all
esc_conf lat10 <<<"$policy_esc"
start_esc lat10 && run_load "esc-milter, policy, 10 conns" "$R"
stop_all
C=$C_SAVE

# Memory at 500 concurrent connections (each held 3 s).
echo
esc_conf mem500 <<<"$policy_esc"
start_esc mem500
mpid=${pids[-1]}
rss0=$(awk '/^VmRSS/ {print $2}' /proc/$mpid/status)
"$LOAD" -c 500 -n 500 -r "$R" -k "$R" -w 3000 "inet:$PORT@127.0.0.1" >/dev/null &
lp=$!
peak=0 fds=0
while kill -0 "$lp" 2>/dev/null; do
	r=$(awk '/^VmRSS/ {print $2}' /proc/$mpid/status)
	f=$(ls /proc/$mpid/fd | wc -l)
	[ "$r" -gt "$peak" ] && peak=$r
	[ "$f" -gt "$fds" ] && fds=$f
	sleep 0.1
done
wait "$lp"
echo "memory: esc-milter RSS ${rss0} KB idle, ${peak} KB peak with 500 concurrent connections ($fds descriptors)"
stop_all

# End to end through Postfix: smtp-source, no milter / null milter / esc-milter.
if [ "${BENCH_SMTP:-1}" = 1 ] && [ "$(id -u)" = 0 ] && command -v smtp-source >/dev/null; then
	echo
	echo "smtp-source through Postfix: 5000 messages, 20 sessions, 4 recipients"
	pf="$W/pf"
	SPORT=$((PORT + 2))
	postfix_instance "$pf" mx.bench.example
	cat >> "$pf/etc/main.cf" <<CF
smtpd_recipient_restrictions = permit_mynetworks, reject
CF
	postfix_master_cf "127.0.0.1:$SPORT" > "$pf/etc/master.cf"
	PF_ETC="$pf/etc"
	smtp_run() {
		local label=$1 t0 t1
		postfix -c "$PF_ETC" status >/dev/null 2>&1 && postfix -c "$PF_ETC" reload >/dev/null 2>&1 ||
		    postfix -c "$PF_ETC" start >"$W/postfix-start.log" 2>&1 || cat "$W/postfix-start.log" >&2
		sleep 1
		wait_port "$SPORT" || { tail -5 "$pf/maillog" >&2; return; }
		t0=$(date +%s%N)
		smtp-source -A -s 20 -m 5000 -r 4 -l 2000 -f sender@example.org \
		    -t user@example.com 127.0.0.1:"$SPORT" >/dev/null 2>&1
		t1=$(date +%s%N)
		printf '  %-34s %8.0f messages/s\n' "$label" "$(echo "5000 / (($t1 - $t0) / 1000000000)" | python3 -c 'print(eval(input()))')"
	}
	postconf -c "$PF_ETC" -e "smtpd_milters ="
	smtp_run "Postfix, no milter"
	"$NULL" "inet:$PORT@127.0.0.1" >"$W/null2.log" 2>&1 &
	pids+=($!)
	wait_port "$PORT"
	postconf -c "$PF_ETC" -e "smtpd_milters = inet:127.0.0.1:$PORT"
	smtp_run "Postfix + null milter"
	stop_all
	esc_conf smtp <<<"$policy_esc"
	start_esc smtp
	smtp_run "Postfix + esc-milter, policy"
	stop_all
	if command -v mailfromd >/dev/null; then
		mailfromd --foreground --stderr --state-directory "$W/mfd" \
		    --port "inet:$PORT@127.0.0.1" -u nobody "$W/policy.mfl" >"$W/mfd2.log" 2>&1 &
		pids+=($!)
		wait_port "$PORT" && smtp_run "Postfix + mailfromd, policy"
		stop_all
	fi
fi

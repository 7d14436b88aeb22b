# lib.sh - end-to-end test helpers: a private Postfix on loopback, the
# milter, an SMTP client, the JSON events.  Sourced by tests/e2e/t-*.sh
# after tests/cli/lib.sh.  Needs root (Postfix must start as root); skips
# with a clear message when root or a package is missing.
#
#	e2e_init NAME          temporary directory $T, cleanup on exit; free
#	                       ports in MPORT (milter) PPORT (Postfix) DPORT
#	                       (DNS) SPORT RPORT XPORT (sinks, spare), picked at
#	                       run time so two runs of the suite never collide
#	need CMD PACKAGE...    skip unless CMD exists
#	milter_conf            write $T/esc.conf from stdin (a header is added)
#	milter_start [ARGS]    start esc-milter -f on $MPORT, wait until it listens
#	milter_stop            SIGTERM and wait
#	postfix_start [MAIN.CF LINES...]   private Postfix on $PPORT using the milter
#	                       ($POSTFIX_MASTER_EXTRA: more master.cf lines)
#	postfix_stop
#	smtp [PORT]            run tests/e2e/smtpc.py with the script on stdin
#	events JQ-FILTER       every event the milter has made so far, through
#	                       jq -c (flush_events first)
#	flush_events           SIGUSR2, then wait for its stats event: every
#	                       event made before is written then
#	wait_until SECONDS CMD...   true once CMD succeeds, false after SECONDS
#	wait_for SECONDS CMD...     the same, and a timeout fails the test
#	e2e_done               stop the milter, validate every event written
#	                       against docs/events.schema.json, done_testing

: "${top_builddir:=.}" "${top_srcdir:=.}"
MILTER="$top_builddir/src/milter/esc-milter"
SMTPC="$top_srcdir/tests/e2e/smtpc.py"
PY=$(command -v python3 || true)
E2E_PIDS=()
. "$top_srcdir/tests/e2e/postfix-master.sh"

need() {
	local cmd=$1
	shift
	command -v "$cmd" >/dev/null 2>&1 ||
	    skip_all "$cmd not installed (Debian: apt-get install $*)"
}

e2e_init() {
	[ -z "${ESC_SKIP_E2E:-}" ] || skip_all "ESC_SKIP_E2E is set (make distcheck: the end-to-end tests ran on the tree)"
	[ "$(id -u)" = 0 ] || skip_all "needs root (Postfix runs as root; CI runs these)"
	need python3 python3
	need jq jq
	local ports
	read -r -a ports <<<"$(free_ports 6)"
	[ "${#ports[@]}" = 6 ] || skip_all "no free ports on 127.0.0.1"
	# (the demo chooses its own)
	: "${MPORT:=${ports[0]}}" "${PPORT:=${ports[1]}}" "${DPORT:=${ports[2]}}"
	: "${SPORT:=${ports[3]}}" "${RPORT:=${ports[4]}}" "${XPORT:=${ports[5]}}"
	T=$(mktemp -d "${TMPDIR:-/tmp}/esc-e2e-$1.XXXXXX")
	chmod 755 "$T"
	mkdir -p "$T/out"
	chown nobody "$T/out"
	EVENTS="$T/out/events.json"
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	postfix_stop 2>/dev/null
	milter_stop 2>/dev/null
	local p
	for p in "${E2E_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	if [ "${tap_fail:-0}" != 0 ] || [ -n "${KEEP_E2E:-}" ]; then
		echo "# kept $T for inspection"
		[ -f "$T/milter.log" ] && sed 's/^/# milter: /' "$T/milter.log" | tail -20
	else
		rm -rf "$T"
	fi
}

e2e_done() {
	local py=/usr/bin/python3 res rc mem
	milter_stop
	# A clean exit on SIGTERM (a leak makes ASan's exit status non-zero)
	# and nothing from ASan, UBSan or valgrind in the daemon's logs.
	mem=$(memcheck_report)
	ok "$([ -z "$mem" ] && echo 0 || echo 1)" "no sanitizer or valgrind report from the daemon${ESC_VALGRIND:+ (valgrind)}"
	[ -z "$mem" ] || printf '%s\n' "$mem" | sed 's/^/#   /'
	if [ "${MILTER_STOPS:-0}" -gt 0 ]; then
		is "${MILTER_BAD_EXIT:-}" "" "every SIGTERM of the daemon ended in a clean exit"
	fi
	[ -x "$py" ] || py=$PY
	if [ -s "$EVENTS" ]; then
		res=$("$py" "$top_srcdir/tests/e2e/check_events.py" \
		    "$top_srcdir/docs/events.schema.json" "$EVENTS" 2>&1)
		rc=$?
		if [ "$rc" = 77 ]; then
			ok 0 "# SKIP events not validated: $res"
		else
			ok "$rc" "events match docs/events.schema.json: $(printf '%s\n' "$res" | tail -1)"
			[ "$rc" = 0 ] || printf '%s\n' "$res" | head -20 | sed 's/^/#   /'
		fi
	fi
	done_testing
}

# free_ports N - N distinct ports free for TCP and UDP on 127.0.0.1, at
# random below the kernel's ephemeral range (so no outgoing connection of
# this machine takes one between the choice and its use)
free_ports() {
	"$PY" - "$1" <<'PY'
import random, socket, sys
lo, hi = 20000, 32000
try:
    first = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    hi = min(hi, first - 1)
except (OSError, ValueError):
    pass
got = []
while len(got) < int(sys.argv[1]):
    p = random.randint(lo, hi)
    if p in got:
        continue
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", p))
            s.close()
    except OSError:
        continue
    got.append(p)
print(" ".join(map(str, got)))
PY
}

# wait_until SECONDS CMD... - poll CMD; under valgrind the bound is 5
# times longer (a wait ends as soon as its condition holds, so a long
# bound costs nothing when all is well)
wait_until() {
	local secs=$1 i
	shift
	[ -n "${ESC_VALGRIND:-}" ] && secs=$((secs * 5))
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_for SECONDS CMD... - wait_until, and a timeout is a failed test
wait_for() {
	local secs=$1
	shift
	[ "$secs" -ge 30 ] || secs=30
	wait_until "$secs" "$@" && return 0
	ok 1 "timed out after ${secs}s waiting for: $*"
	return 1
}

port_open() {
	"$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

# milter_conf - settings every test needs, then the test's own lines
milter_conf() {
	{
		echo "socket = inet:$MPORT@127.0.0.1"
		echo "log = file:$EVENTS"
		echo "stats_interval = 0"
		echo "stats_file = $T/out/stats.json"
		echo "prometheus_file = $T/out/esc.prom"
		cat
	} > "$T/esc.conf"
}

# ESC_VALGRIND=1 runs the daemon under valgrind (memcheck: errors and
# definite or indirect leaks are failures, checked by e2e_done).
milter_start() {
	milter_spawn "$T/esc.conf" "$MPORT" "$T/milter.pid" "$@" || return 1
	MILTER_PID=$SPAWNED_PID
}

# milter_spawn CONF PORT PIDFILE [ARGS] - an esc-milter (under valgrind
# with ESC_VALGRIND) that listens on PORT, its pid in SPAWNED_PID; its
# output goes to $T/milter.log, which e2e_done checks
milter_spawn() {
	local conf=$1 port=$2 pidfile=$3 vg=() wait=30
	shift 3
	if [ -n "${ESC_VALGRIND:-}" ]; then
		# valgrind cannot follow PCRE2's JIT code (false reports)
		grep -q '^regex_jit' "$conf" || sed -i '1i regex_jit = no' "$conf"
		vg=(valgrind --quiet --vgdb=no --error-exitcode=99 --leak-check=full
		    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
		    --num-callers=30 --log-file="$T/valgrind.%p.log")
	fi
	local before
	before=$(grep -c ' listening on ' "$T/milter.log" 2>/dev/null)
	"${vg[@]}" "$MILTER" -f -c "$conf" -u nobody -P "$pidfile" "$@" \
	    >>"$T/milter.log" 2>&1 &
	SPAWNED_PID=$!
	# Ready when it says so (after dropping privileges; the socket
	# listens before that) and the port answers.
	if ! wait_until "$wait" sh -c "[ \$(grep -c ' listening on ' '$T/milter.log') -gt ${before:-0} ]" ||
	    ! wait_until "$wait" port_open "$port"; then
		echo "# esc-milter did not start:"
		sed 's/^/#   /' "$T/milter.log"
		return 1
	fi
}

# milter_reap PID - stop an esc-milter started with milter_spawn; its
# exit status counts in e2e_done like the main one's
milter_reap() {
	local rc
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	rc=$?
	MILTER_STOPS=$(( ${MILTER_STOPS:-0} + 1 ))
	[ "$rc" = 0 ] || MILTER_BAD_EXIT="${MILTER_BAD_EXIT:-} $rc"
}

milter_stop() {
	[ -n "${MILTER_PID:-}" ] || return 0
	kill -TERM "$MILTER_PID" 2>/dev/null
	wait "$MILTER_PID" 2>/dev/null
	MILTER_RC=$?
	MILTER_PID=
	MILTER_STOPS=$(( ${MILTER_STOPS:-0} + 1 ))
	[ "$MILTER_RC" = 0 ] || MILTER_BAD_EXIT="${MILTER_BAD_EXIT:-} $MILTER_RC"
}

# memcheck_report - sanitizer and valgrind findings in the daemon's logs
memcheck_report() {
	grep -h -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer|WARNING: ThreadSanitizer|SUMMARY: ThreadSanitizer' \
	    "$T/milter.log" 2>/dev/null | head -5
	local f
	for f in "$T"/valgrind.*.log; do
		[ -s "$f" ] && grep -v '^==[0-9]*== *$' "$f" | head -20
	done
}

postfix_start() {
	need postfix postfix
	local pf="$T/pf" line
	postfix_instance "$pf" mx.test.example
	cat >> "$pf/etc/main.cf" <<CF
smtpd_recipient_restrictions = check_recipient_access inline:{ {denied@dest.example = 550 5.1.1 User unknown here}, {later@dest.example = 450 4.2.1 Mailbox busy, try later} }, permit_mynetworks, reject
smtpd_milters = inet:127.0.0.1:$MPORT
non_smtpd_milters = inet:127.0.0.1:$MPORT
CF
	for line in "$@"; do
		postconf -c "$pf/etc" -e "$line"
	done
	{
		postfix_master_cf "127.0.0.1:$PPORT"
		printf '%s\n' "${POSTFIX_MASTER_EXTRA:-}"
	} > "$pf/etc/master.cf"
	postfix -c "$pf/etc" check >>"$T/postfix-check.log" 2>&1 || true
	# POSTFIX_RESOLV: a resolv.conf for Postfix alone (its own mount
	# namespace), to send its DNS queries to the test DNS server
	if [ -n "${POSTFIX_RESOLV:-}" ]; then
		set -- unshare -m sh -c "mount --bind '$POSTFIX_RESOLV' /etc/resolv.conf && exec postfix -c '$pf/etc' start"
	else
		set -- postfix -c "$pf/etc" start
	fi
	if ! "$@" >>"$T/postfix-check.log" 2>&1; then
		echo "# postfix did not start:"
		sed 's/^/#   /' "$T/postfix-check.log"
		return 1
	fi
	POSTFIX_ETC="$pf/etc"
	wait_for 30 port_open "$PPORT"
}

postfix_stop() {
	[ -n "${POSTFIX_ETC:-}" ] || return 0
	postfix -c "$POSTFIX_ETC" stop >/dev/null 2>&1
	POSTFIX_ETC=
}

smtp() {
	"$PY" "$SMTPC" "127.0.0.1:${1:-$PPORT}"
}

# smtp_from ADDR - the same, from another loopback address
smtp_from() {
	"$PY" "$SMTPC" --source "$1" "127.0.0.1:$PPORT"
}

# count_events FILE TYPE - how many events of that type FILE holds
count_events() {
	grep -c "\"event\":\"$2\"" "$1" 2>/dev/null || true
}

# flush_events [PID [FILE]] - a barrier: the writer thread writes events
# in the order they were made, so once the stats event of this SIGUSR2 is
# in the file, so is every event made before the signal
flush_events() {
	local pid=${1:-${MILTER_PID:-}} file=${2:-$EVENTS} n
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	n=$(count_events "$file" stats)
	kill -USR2 "$pid"
	wait_for 60 sh -c "[ \$(grep -c '\"event\":\"stats\"' '$file') -gt ${n:-0} ]"
}

# stats_now - SIGUSR2, and wait until prometheus_file ($T/out/esc.prom)
# is written again (it is replaced by a rename, so it is whole)
stats_now() {
	rm -f "$T/out/esc.prom"
	kill -USR2 "$MILTER_PID"
	wait_for 30 test -s "$T/out/esc.prom"
}

# maillog_caught_up LOG - the daemon's log follower has read all of LOG and
# holds no line (from the statistics it writes on SIGUSR2; wait_for it)
maillog_caught_up() {
	kill -USR2 "$MILTER_PID" 2>/dev/null
	[ -s "$T/out/stats.json" ] && jq -e --argjson size "$(stat -c %s "$1")" \
	    '.maillog_offset == $size and .maillog_pending == 0' "$T/out/stats.json" >/dev/null
}

# schema_ok FILE NAME - the events in FILE match docs/events.schema.json
schema_ok() {
	if "$PY" -c 'import jsonschema' 2>/dev/null; then
		run "$PY" "$top_srcdir/tests/e2e/check_events.py" \
		    "$top_srcdir/docs/events.schema.json" "$1"
		is "$rc" 0 "$2"
	else
		ok 0 "# SKIP python3-jsonschema not installed"
	fi
}

# events FILTER - every event made so far, selected
events() {
	flush_events
	[ -f "$EVENTS" ] || { echo ""; return; }
	jq -c "$1" < "$EVENTS"
}

# dns_start PORT RECORD... - the test DNS server (tests/e2e/dnsd.py)
dns_start() {
	local port=$1
	shift
	"$PY" "$top_srcdir/tests/e2e/dnsd.py" "$port" "$@" > "$T/dnsd.$port.log" 2>&1 &
	E2E_PIDS+=($!)
	wait_for 30 grep -q ready "$T/dnsd.$port.log"
}

# sink_start PORT - smtp-sink as the next hop, one file per message in $T/sink
sink_start() {
	need smtp-sink postfix
	mkdir -p "$T/sink"
	chown postfix "$T/sink"
	smtp-sink -u postfix -d "$T/sink/%s." -c "127.0.0.1:$1" 100 \
	    > "$T/sink.log" 2>&1 &
	E2E_PIDS+=($!)
	wait_for 30 port_open "$1"
}

# sunk PATTERN - the delivered message that contains PATTERN
sunk() {
	grep -l -- "$1" "$T"/sink/* 2>/dev/null | head -1 | xargs -r cat
}

# sendmail_ready - true when the Sendmail rig and the tools to run it
# are there (for a test that has other parts to run without them)
sendmail_ready() {
	[ -x "${ESC_SENDMAIL_ROOT:-$HOME/.cache/esc-milter/sendmail}/usr/libexec/sendmail/sendmail" ] &&
	    command -v m4 >/dev/null && command -v unshare >/dev/null
}

# sendmail_need - the Sendmail rig in $SM_ROOT and the tools to run it,
# or skip
sendmail_need() {
	SM_ROOT=${ESC_SENDMAIL_ROOT:-$HOME/.cache/esc-milter/sendmail}
	[ -x "$SM_ROOT/usr/libexec/sendmail/sendmail" ] ||
	    skip_all "Sendmail rig not prepared in $SM_ROOT (run tests/e2e/sendmail-rig.sh, or contrib/quickstart.sh deps)"
	need m4 m4
	need unshare util-linux
}

# sendmail_cf NAME - $T/sm/NAME.cf from the m4 lines on stdin, between
# what every test configuration has (a private queue, no aliases, the
# local and smtp mailers)
sendmail_cf() {
	local sm="$T/sm"
	mkdir -p "$sm/queue"
	touch "$sm/statistics"
	{
		cat <<MC
divert(-1)
divert(0)dnl
include(\`$SM_ROOT/usr/share/sendmail/cf/m4/cf.m4')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`mx.test.example')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`QUEUE_DIR', \`$sm/queue')dnl
define(\`STATUS_FILE', \`$sm/statistics')dnl
define(\`ALIAS_FILE', \`')dnl
dnl Deliver and accept whatever the machine's load: Sendmail queues mail
dnl instead of delivering it from a load average of 8 by default.
define(\`confQUEUE_LA', \`1000')dnl
define(\`confREFUSE_LA', \`1000')dnl
define(\`confDELAY_LA', \`0')dnl
MC
		cat
		cat <<'MC'
FEATURE(`accept_unresolvable_domains')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
MC
	} > "$sm/$1.mc"
	m4 "$sm/$1.mc" > "$sm/$1.cf"
}

# sendmail_setup - a Sendmail .cf that uses the milter on $MPORT, run with
# `sendmail -bs` in its own UTS namespace (facts/sendmail-rig.md)
sendmail_setup() {
	sendmail_need
	sendmail_cf test <<MC || return 1
define(\`confMILTER_MACROS_ENVRCPT', \`{rcpt_mailer}, {rcpt_host}, {rcpt_addr}')dnl
INPUT_MAIL_FILTER(\`esc', \`S=inet:$MPORT@127.0.0.1, F=T, T=S:10s;R:10s;E:1m')dnl
MC
	SM_CF="$T/sm/test.cf"
}

# sendmail_smtp - one SMTP session with `sendmail -bs` (script on stdin)
sendmail_smtp() {
	timeout 120 "$PY" "$SMTPC" --stdio unshare -u sh -c \
	    "hostname mx.test.example; exec $SM_ROOT/usr/libexec/sendmail/sendmail -C $SM_CF -bs -Am -odq"
}

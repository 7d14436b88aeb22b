#!/bin/bash
# t-maillog-crash.sh - a crash loses nothing: esc-milter follows a real
# Postfix's log (postlogd) while clients are refused at RCPT by Postfix
# itself, half of them on an smtpd with the milter (which observes the
# refusal too) and half on one without (their lines are held a while,
# then counted from the log alone), and at CONNECT while the milter is
# down; the daemon is killed with SIGKILL five times under that load,
# restarted each time, and stopped cleanly at the end.  Every rejection
# the log holds has exactly one event (none lost, none twice), each
# restart after a kill says so and counts it, and the counters of the
# last run agree with the events it wrote.  Nothing depends on when the
# kills land: the same must hold on a slow, loaded machine.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init maillog-crash
SESSIONS=${CRASH_SESSIONS:-1500}
[ -n "${ESC_VALGRIND:-}" ] && SESSIONS=${CRASH_SESSIONS:-500}

printf '/^denied-/ 550 5.1.1 User unknown here\n' > "$T/deny.regexp"
milter_conf <<CONF
maillog = $T/pf/maillog
maillog_state = $T/out/maillog.state
CONF
milter_start || exit 1
POSTFIX_MASTER_EXTRA="127.0.0.1:$SPORT inet n - n - - smtpd -o smtpd_milters="
postfix_start "smtpd_recipient_restrictions = check_recipient_access regexp:$T/deny.regexp, permit_mynetworks, reject" \
    "milter_connect_timeout = 2s" "smtpd_client_connection_count_limit = 0" \
    "smtpd_error_sleep_time = 0" "in_flow_delay = 0" || exit 1

# The clients: SESSIONS sessions from 8 threads, each refused at RCPT for
# denied-N@ (Postfix), then a second recipient that is accepted; the even
# ones on the smtpd with the milter, the odd ones on the other.
"$PY" - "$PPORT" "$SPORT" "$SESSIONS" > "$T/load.out" 2>&1 <<'PY' &
import socket, sys, threading
ports, total = (int(sys.argv[1]), int(sys.argv[2])), int(sys.argv[3])
lock = threading.Lock()
nxt = [0]
out = {"refused": 0, "errors": 0}
def session(n):
    s = socket.create_connection(("127.0.0.1", ports[n % 2]), timeout=60)
    f = s.makefile("rb")
    def cmd(c):
        if c:
            s.sendall(c.encode() + b"\r\n")
        while True:
            l = f.readline()
            if not l:
                raise EOFError
            if l[3:4] != b"-":
                return l
    cmd(None)
    for c in ("EHLO load.test", "MAIL FROM:<a@src.example>",
              "RCPT TO:<denied-%d@dest.example>" % n, "RCPT TO:<ok-%d@dest.example>" % n,
              "QUIT"):
        r = cmd(c)
        if r[:1] in (b"4", b"5"):
            with lock:
                out["refused"] += 1
            if c.startswith("EHLO") or c.startswith("MAIL"):
                break
    s.close()
def worker():
    while True:
        with lock:
            n = nxt[0]
            nxt[0] += 1
        if n >= total:
            return
        try:
            session(n)
        except Exception:
            with lock:
                out["errors"] += 1
ts = [threading.Thread(target=worker) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print("refused %d errors %d" % (out["refused"], out["errors"]))
PY
load=$!

# Five SIGKILLs while the clients run, each followed by a restart.
kills=0
for i in $(seq 1 "${CRASH_KILLS:-5}"); do
	# spread over the load (or after it, when it was quicker)
	wait_for 60 sh -c "[ \$(grep -c 'denied-' '$T/pf/maillog') -ge $((i * SESSIONS / 7)) ] || ! kill -0 $load 2>/dev/null"
	kill -KILL "$MILTER_PID"
	wait "$MILTER_PID" 2>/dev/null
	MILTER_PID=
	kills=$((kills + 1))
	# the clients meet a dead milter for a moment
	sleep 0.3
	milter_start || exit 1
	# the next SIGKILL only once this run has said how it started (a
	# slow start, under valgrind, could otherwise be killed before)
	wait_for 30 sh -c "[ \$(grep -c 'did not end cleanly' '$T/milter.log') -ge $kills ]"
done
wait "$load"
is "$(tail -1 "$T/load.out" | awk '{print $4}')" 0 "the clients finished without a broken session"
# Postfix has logged every session; the follower has read it all.
wait_for 60 sh -c "[ \$(grep -c 'disconnect from' '$T/pf/maillog') -ge $SESSIONS ]"
wait_for 120 maillog_caught_up "$T/pf/maillog"
milter_stop

# The truth: every rejection line of the log, as esc maillog reads it.
"$ESC" maillog "$T/pf/maillog" > "$T/truth.json"
run "$PY" - "$T/truth.json" "$EVENTS" <<'PY'
import json, sys, collections
truth = [json.loads(l) for l in open(sys.argv[1])]
events = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
replies = [e for e in events if e.get("event") == "reply"]
by_rcpt = collections.Counter(e.get("recipient") for e in replies)
by_line = collections.Counter(e["log"]["line"] for e in replies if e.get("log"))
lost = twice = 0
for t in truth:
    r = t.get("recipient") or ""
    n = by_rcpt[r] if r.startswith("denied-") else by_line[t["log"]["line"]]
    if n == 0:
        lost += 1
    elif n > 1:
        twice += 1
        if twice < 5:
            print("# twice:", r or t["log"]["line"])
extra = len(replies) - len(truth)
# The milter's own events a SIGKILL lost, recovered from the MTA's log:
# refusals on the smtpd with the milter (even N), counted from the log.
recovered = sum(1 for e in replies if (e.get("recipient") or "").startswith("denied-")
                and int(e["recipient"][7:].split("@")[0]) % 2 == 0 and e.get("log"))
print(len(truth), lost, twice, extra, recovered)
PY
printf '%s\n' "$out" | grep '^#'
set -- $(printf '%s\n' "$out" | tail -1)
is "$2 $3 $4" "0 0 0" "$1 rejections in the log: none lost, none twice, no other event (after $kills SIGKILLs)"
ok $([ "$1" -ge "$SESSIONS" ]; echo $?) "every session's refusal is among them ($1 >= $SESSIONS)"
ok 0 "measured: $5 of the milter's own observed refusals were lost by the $kills SIGKILLs and written from the MTA's log instead"
is "$(grep -c 'did not end cleanly' "$T/milter.log")" "$kills" "each restart after a SIGKILL says the previous run did not end cleanly"
like "$(grep 'did not end cleanly' "$T/milter.log" | tail -1)" 'resuming .*maillog at line [0-9]+' "and from where it resumes"
is "$(events 'select(.event == "stats" and .final == true) | .unclean_starts' | tail -1)" 1 \
    "the last run counted its own unclean start"
# The last run's counters are the events it wrote.
run "$PY" - "$EVENTS" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
start = max(i for i, e in enumerate(ev) if e.get("event") == "config" and e.get("reason") == "start")
mine = [e for e in ev[start:] if e.get("event") == "reply" and e.get("mode") == "enforce"
        and e.get("action") in ("reject", "tempfail")]
final = [e for e in ev[start:] if e.get("event") == "stats" and e.get("final")][-1]
print(len(mine), sum(r["count"] for r in final["replies"]))
PY
set -- $out
is "$2" "$1" "the last run's counters equal the rejections it wrote ($1)"

# A state that cannot be used: said (which file, why, what is skipped),
# counted, and the follower goes on from the end of the log.
ST="$T/out/maillog.state"
bad_state() {	# NAME - the daemon started on the state file as it is
	local before
	before=$(grep -c "cannot use the state in $ST" "$T/milter.log")
	milter_start || exit 1
	# this run's message (the log holds the earlier runs' too)
	wait_for 30 sh -c "[ \$(grep -c 'cannot use the state in $ST' '$T/milter.log') -gt $before ]"
	like "$(grep "cannot use the state in $ST" "$T/milter.log" | tail -1)" "$2" "$1: said, with why and what is not counted"
	stats_now
	like "$(cat "$T/out/esc.prom")" 'esc_milter_maillog_state_errors_total 1' "$1: counted"
	milter_stop
}
printf 'garbage\x01\x02 not a state\n' > "$ST"
bad_state garbage ": it is not an esc-milter maillog state \\(line 1\\); starting at the end of .*maillog: what the MTA logged while esc-milter was stopped is not counted"
printf 'esc-milter maillog 2\t/elsewhere/mail.log\t1\t2\t3\t4\t1\n' > "$ST"
bad_state "another log's" ": it is the state of another log, /elsewhere/mail\\.log"
printf 'esc-milter maillog 2\t%s\t1\t2\t3\t4\t0\nheld\t%s\t7\t0\t"NOQUE' "$T/pf/maillog" "$T/pf/maillog" > "$ST"
bad_state "cut" ": line 2 is cut \\(a crash while it was written\\?\\)"

e2e_done

#!/bin/bash
# t-postfix-reload.sh - SIGHUP reloads: a broken file keeps the old rules
# (and logs a config event with the findings), a fixed one takes effect, and
# a burst of SIGHUPs while mail flows loses nothing and stops nothing.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init reload

rules_a='
rule block-a
    if = recipient = a@dest.example
    reply = 550 5.7.1 Rule A says no'
rules_b='
rule block-b
    if = recipient = b@dest.example
    reply = 550 5.7.1 Rule B says no'

milter_conf <<<"$rules_a"
milter_start || exit 1
postfix_start || exit 1

probe() {
	smtp <<'S'
EHLO client.test
MAIL FROM:<s@src.example>
RCPT TO:<a@dest.example>
RCPT TO:<b@dest.example>
QUIT
S
}

out=$(probe)
like "$out" 'RCPT 550 5\.7\.1 Rule A says no' "before reload: rule A rejects a@"

# A broken file: the old rules keep working.
milter_conf <<'CONF'
rule broken
    if = recipient = a@dest.example
    reply = 550 4.7.1 class mismatch
rule also-broken
    if = nonsense here
    reply = 550 5.7.1 x
CONF
kill -HUP "$MILTER_PID"
wait_for 10 grep -q '"result":"error"' "$EVENTS"
ok "$(kill -0 "$MILTER_PID" 2>/dev/null && echo 0 || echo 1)" "broken reload: the daemon is still running"
out=$(probe)
like "$out" 'RCPT 550 5\.7\.1 Rule A says no' "broken reload: rule A still rejects"
like "$out" 'RCPT 250 2\.1\.5 Ok' "broken reload: b@ still accepted"
cfg=$(events 'select(.event=="config" and .result=="error")')
is "$(printf '%s' "$cfg" | jq -c '[.reason, .errors, [.findings[] | [.line, .severity, .id]]]')" \
    '["reload",2,[[8,"error","class-mismatch"],[10,"error","condition"]]]' "broken reload: config event lists the findings with lines"
like "$(cat "$T/milter.log")" 'reload of .* failed \(2 errors\); still using the previous configuration' "broken reload: logged"

# A fixed file takes effect.
milter_conf <<<"$rules_b"
kill -HUP "$MILTER_PID"
wait_for 10 sh -c "grep -c '\"result\":\"ok\"' $EVENTS | grep -q 2"
out=$(probe)
like "$out" 'RCPT 250 2\.1\.5 Ok' "fixed reload: a@ accepted now"
like "$out" 'RCPT 550 5\.7\.1 Rule B says no' "fixed reload: rule B rejects b@"

# SIGUSR1 reloads too.
milter_conf <<<"$rules_a"
kill -USR1 "$MILTER_PID"
wait_for 10 sh -c "grep -c '\"result\":\"ok\"' $EVENTS | grep -q 3"
like "$(probe)" 'RCPT 550 5\.7\.1 Rule A says no' "SIGUSR1 reloads as well"

# A burst of SIGHUPs while mail flows: 4 clients x 25 sessions, 40 reloads
# alternating between two valid files that both reject c@.  Each reload is
# waited for (its config event), so all 40 happen, whatever the machine's
# speed; they overlap the traffic as far as the traffic lasts.
both='
rule block-c
    if = recipient = c@dest.example
    reply = 550 5.7.1 Rule C says no'
milter_conf <<<"$both"
cp "$T/esc.conf" "$T/esc.conf.1"
milter_conf <<<"$both
rule unused
    if = recipient = nobody@nowhere.example
    reply = 550 5.7.1 never"
cp "$T/esc.conf" "$T/esc.conf.2"
# reload N - SIGHUP, then wait for the Nth successful config event
reload() {
	kill -HUP "$MILTER_PID"
	wait_for 60 sh -c "[ \$(grep -c '\"result\":\"ok\"' '$EVENTS') -ge $1 ]"
}
reload 4
before=$(events 'select(.event=="reply" and .rule=="block-c")' | grep -c . )
nok0=$(grep -c '"result":"ok"' "$EVENTS")
client() {
	local i
	for ((i = 0; i < 25; i++)); do
		smtp <<'S'
EHLO client.test
MAIL FROM:<s@src.example>
RCPT TO:<c@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: burst

x
.
QUIT
S
	done > "$T/client.$1.out"
}
pids=()
for n in 1 2 3 4; do client "$n" & pids+=($!); done
for ((i = 1; i <= 40; i++)); do
	cp "$T/esc.conf.$((i % 2 + 1))" "$T/esc.conf"
	reload $((nok0 + i))
done
wait "${pids[@]}"
ok "$(kill -0 "$MILTER_PID" 2>/dev/null && echo 0 || echo 1)" "burst: the daemon survived 40 SIGHUPs"
all=$(cat "$T"/client.*.out)
is "$(printf '%s\n' "$all" | grep -c '^RCPT 550 5\.7\.1 Rule C says no')" 100 "burst: all 100 sessions got the rule's reply"
is "$(printf '%s\n' "$all" | grep -c '^\. 250 2\.0\.0 Ok: queued')" 100 "burst: all 100 messages accepted"
is "$(printf '%s\n' "$all" | grep -Ec '^[A-Z.]+ (421|451) ')" 0 "burst: no tempfail from a missing milter"
after=$(events 'select(.event=="reply" and .rule=="block-c")' | grep -c .)
is "$((after - before))" 100 "burst: exactly 100 reply events, none lost or duplicated"
nok=$(events 'select(.event=="config" and .result=="ok")' | grep -c .)
is "$((nok - nok0))" 40 "burst: 40 reloads, each logged once"
is "$(events 'select(.event=="config" and .result=="error" and .reason=="reload")' | grep -c .)" 1 "burst: no failed reload besides the broken file"
like "$(probe)" 'RCPT 250 2\.1\.5 Ok' "after the burst: mail still flows"

# Log rotation: move the file away, SIGHUP, the next events go to a new file.
flush_events
mv "$EVENTS" "$EVENTS.1"
kill -HUP "$MILTER_PID"
wait_for 10 test -s "$EVENTS"
smtp <<'S' >/dev/null
EHLO client.test
MAIL FROM:<s@src.example>
RCPT TO:<c@dest.example>
QUIT
S
wait_for 5 grep -q '"rule":"block-c"' "$EVENTS"
is "$(events 'select(.event=="reply") | .rule')" '"block-c"' "rotation: the new file gets the new events"
is "$(jq -c 'select(.event=="config") | .reason' "$EVENTS" | head -1)" '"reload"' "rotation: starting with the reload's config event"
milter_stop
is "$MILTER_RC" 0 "SIGTERM after the burst: clean exit"
e2e_done

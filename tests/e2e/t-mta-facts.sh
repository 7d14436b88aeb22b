#!/bin/bash
# t-mta-facts.sh - what Postfix and Sendmail really send a milter that
# skips steps, asks for no replies and asks for its own macros, as
# docs/milter-protocol.md records it.  A recording milter
# (tests/e2e/milter_probe.py) asks for: no CONNECT, no DATA, no end of headers, no
# reply at HELO, rejected recipients, and its own macros at HELO
# ({client_addr} {client_name}) and MAIL; the facts the footprint relies
# on are asserted, so a new MTA version that behaves otherwise shows up.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init mta-facts

# NOCONNECT | NODATA | NOEOH | RCPT_REJ | NR_HELO
WANT=2a41
probe_start() {
	: > "$T/probe.json"
	"$PY" "$top_srcdir/tests/e2e/milter_probe.py" "$MPORT" "$T/probe.json" \
	    --protocol "$WANT" --macros "1={client_addr} {client_name}" \
	    --macros "2=i {auth_authen} {client_addr} {client_name}" \
	    > "$T/probe.out" 2>&1 &
	PROBE_PID=$!
	E2E_PIDS+=($PROBE_PID)
	wait_for 30 grep -q ready "$T/probe.out"
}
probe_stop() { kill "$PROBE_PID" 2>/dev/null; wait "$PROBE_PID" 2>/dev/null; }
# cmds CONN - the commands of connection CONN, repeats squeezed: "O H M R ..."
cmds() { jq -r "select(.conn == $1 and .cmd != \"D\") | .cmd" "$T/probe.json" | uniq | tr '\n' ' ' | sed 's/ $//'; }
# macro_steps CONN - the steps macros came for, in order: "C H M ..."
macro_steps() { jq -r "select(.conn == $1 and .cmd == \"D\") | .for" "$T/probe.json" | uniq | tr '\n' ' ' | sed 's/ $//'; }
# count CONN CMD - how many times it came
count() { jq -r "select(.conn == $1 and .cmd == \"$2\") | .cmd" "$T/probe.json" | grep -c .; }
# macros CONN CMD - the macros sent with that command, as JSON
macros() { jq -c "select(.conn == $1 and .cmd == \"$2\") | .macros" "$T/probe.json" | head -1; }
# last - the connection that carried the message
last() { jq -r 'select(.cmd == "E") | .conn' "$T/probe.json" | tail -1; }

script='EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<denied@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: facts

body
.
QUIT'

# Postfix, milter_protocol = 6
probe_start
postfix_start "milter_protocol = 6" || exit 1
printf '%s\n' "$script" | smtp > "$T/out6"
wait_for 30 grep -q '"cmd": "Q"' "$T/probe.json"
c=$(last)
is "$(jq -c 'select(.cmd == "O") | .offered' "$T/probe.json" | sort -u)" \
    '{"version":6,"actions":511,"protocol":2097151}' "Postfix 6: offers version 6, every action and protocol option"
is "$(cmds "$c")" "O H M R L B E A Q" "Postfix 6: no CONNECT, no DATA, no end of headers"
like "$(macro_steps "$c")" '^C H M R T ' "Postfix 6: the macros of the skipped CONNECT and DATA come all the same"
is "$(count "$c" R)" 2 "Postfix 6: the rejected recipient is sent too"
is "$(macros "$c" H)" '{"{client_addr}":"127.0.0.1","{client_name}":"localhost"}' \
    "Postfix 6: the macros asked for at HELO, and only them"
is "$(macros "$c" M)" '{"{client_addr}":"127.0.0.1","{client_name}":"localhost"}' \
    "Postfix 6: at MAIL, only those with a value (no queue id yet, no authentication)"
is "$(jq -c "select(.conn == $c and .cmd == \"R\") | .macros" "$T/probe.json" | head -1)" \
    '{"{rcpt_addr}":"Recipient address rejected: User unknown here","{rcpt_host}":"5.1.1","{rcpt_mailer}":"error"}' \
    "Postfix 6: a rejected recipient: its reply in {rcpt_host} and {rcpt_addr}"
postfix_stop
probe_stop

# Postfix, milter_protocol = 2 (as an older MTA)
probe_start
postfix_start "milter_protocol = 2" || exit 1
printf '%s\n' "$script" | smtp > "$T/out2"
wait_for 30 grep -q '"cmd": "Q"' "$T/probe.json"
c=$(last)
is "$(jq -c 'select(.cmd == "O") | .offered' "$T/probe.json" | sort -u)" \
    '{"version":2,"actions":511,"protocol":127}' "Postfix 2: version 2, the old protocol options only"
is "$(cmds "$c")" "O H M R L B E A Q" "Postfix 2: still no CONNECT and no end of headers"
is "$(count "$c" R)" 1 "Postfix 2: no rejected recipients"
is "$(macros "$c" H)" '{}' "Postfix 2: no macros of the milter's choosing"
postfix_stop
probe_stop

# Sendmail 8.17 (sendmail -bs: a local client)
if sendmail_ready && sendmail_setup; then
	probe_start
	printf '%s\n' "$script" | sendmail_smtp > "$T/outsm"
	wait_for 30 grep -q '"cmd": "Q"' "$T/probe.json"
	c=$(last)
	is "$(jq -c 'select(.cmd == "O") | .offered' "$T/probe.json" | sort -u)" \
	    '{"version":6,"actions":511,"protocol":2097151}' "Sendmail: version 6, every option"
	is "$(cmds "$c")" "O H M R L B E Q" "Sendmail: no CONNECT, no DATA, no end of headers"
	is "$(macros "$c" H)" '{"{client_addr}":"0"}' \
	    "Sendmail -bs: {client_addr} is \"0\" and there is no {client_name} (no network client)"
	probe_stop
else
	for i in 1 2 3; do ok 0 "# SKIP Sendmail rig not prepared"; done
fi
done_testing

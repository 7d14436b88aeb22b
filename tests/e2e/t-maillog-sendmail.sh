#!/bin/bash
# t-maillog-sendmail.sh - the rejections and deliveries of a real Sendmail
# 8.17, read from its syslog messages: esc-milter's own rejections (at
# MAIL, RCPT and the end of the message), a recipient Sendmail refuses
# itself (check_rcpt: relaying denied to a client from outside; Sendmail
# does not pass it to the milter), and our own mail refused by a remote server
# (550 5.7.26) and deferred (421 4.7.28).  esc maillog gives the exact
# events; the daemon following the same log (maillog =, maillog_mta =
# sendmail) counts each rejection once: Sendmail's "Milter:" lines name
# only the queue id, which the milter recorded with its own rejections.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init maillog-sendmail
need unshare util-linux
sendmail_need

# Sendmail's syslog messages, captured from a private /dev/log.
SYSLOG="$T/syslog.out"
: > "$SYSLOG"
chmod 644 "$SYSLOG"
"$PY" "$top_srcdir/tests/e2e/syslogd.py" "$T/devlog.sock" "$SYSLOG" > "$T/syslogd.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/syslogd.log"

"$PY" "$top_srcdir/tests/e2e/smtp_answer.py" "$RPORT" > "$T/answer.log" 2>&1 &
E2E_PIDS+=($!)
wait_for 30 grep -q ready "$T/answer.log"

# Mail goes to the remote server on $RPORT.
sendmail_cf maillog <<MC || exit 1
define(\`confMILTER_MACROS_ENVRCPT', \`{rcpt_mailer}, {rcpt_host}, {rcpt_addr}')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $RPORT')dnl
define(\`confTO_CONNECT', \`10s')dnl
INPUT_MAIL_FILTER(\`esc', \`S=inet:$MPORT@127.0.0.1, F=T, T=S:10s;R:10s;E:1m')dnl
MC
SM_CF="$T/sm/maillog.cf"

milter_conf <<CONF
maillog = $SYSLOG
maillog_state = $T/out/maillog.state
maillog_mta = sendmail
stats_file = $T/out/stats.json

rule mail-rule
    if = sender-domain = spammer.test
    reply = 550 5.7.1 Sender refused

rule rcpt-rule
    if = recipient = rcpt-rule@dest.example
    reply = 550 5.7.1 Not for this one

rule header-rule
    if = header Subject ~ /esc-reject/
    reply = 550 5.7.23 SPF validation failed
CONF
milter_start || exit 1

# smtp_sm - one session with `sendmail -bs`, delivering at once, its syslog
# messages to the capture
smtp_sm() {
	timeout 120 "$PY" "$SMTPC" --stdio unshare -um sh -c \
	    "mount --bind '$T/devlog.sock' /dev/log && hostname mx.test.example && exec $SM_ROOT/usr/libexec/sendmail/sendmail -C $SM_CF -bs -Am -odi ${1:-}"
}

# A client from outside, relaying: Sendmail refuses it (check_rcpt).
smtp_sm '-M{client_addr}192.0.2.7' > "$T/out.0" <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<relay-denied@elsewhere.example>
QUIT
S
smtp_sm > "$T/out.1" <<'S'
EHLO client.test
MAIL FROM:<x@spammer.test>
MAIL FROM:<a@src.example>
RCPT TO:<rcpt-rule@dest.example>
RCPT TO:<ok@dest.example>
DATA
Subject: esc-reject

body
.
MAIL FROM:<a@src.example>
RCPT TO:<auth-fail@remote.example>
DATA
Subject: outbound 1

body
.
MAIL FROM:<a@src.example>
RCPT TO:<rate-limited@remote.example>
DATA
Subject: outbound 2

body
.
QUIT
S
like "$(cat "$T/out.0")" '^RCPT 550 5\.7\.1 <relay-denied@elsewhere\.example>\.\.\. Relaying denied$' "Sendmail refuses to relay"
like "$(cat "$T/out.1")" '^RCPT 550 5\.7\.1 <rcpt-rule@dest\.example>\.\.\. Not for this one$' "esc-milter's recipient rule"
like "$(cat "$T/out.1")" '^\. 550 5\.7\.23 SPF validation failed$' "esc-milter's header rule"
wait_for 60 grep -q 'rate-limited@remote.example.*stat=' "$SYSLOG"
wait_for 60 grep -q 'auth-fail@remote.example.*stat=' "$SYSLOG"

# esc maillog: the exact events (the aftermath lines of the rejection at
# the end of DATA, "to=<ok@...>, stat=SPF validation failed", are not
# rejections of their own).
view='[.source, .program, .direction, .action, .stage, .reply.code, .reply.xcode, .reply.text, .recipient, .sender, .dsn]'
"$ESC" maillog --mta sendmail "$SYSLOG" > "$T/maillog.json"
is "$(jq -c "$view" "$T/maillog.json")" \
'["mta","sendmail","inbound","reject","rcpt","550","5.7.1","<relay-denied@elsewhere.example>... Relaying denied","relay-denied@elsewhere.example",null,null]
["other-milter","sendmail","inbound","reject","mail","550","5.7.1","Sender refused",null,"x@spammer.test",null]
["other-milter","sendmail","inbound","reject","rcpt","550","5.7.1","Not for this one","rcpt-rule@dest.example",null,null]
["other-milter","sendmail","inbound","reject","eom","550","5.7.23","SPF validation failed",null,null,null]
["remote","sendmail","outbound","reject",null,"550","5.7.26","This mail has been blocked because the sender is","auth-fail@remote.example",null,"5.2.0"]
["remote","sendmail","outbound","tempfail",null,"421","4.7.28","Our system has detected an unusual rate of","rate-limited@remote.example",null,"4.0.0"]' \
    "esc maillog: Sendmail's rejections and deliveries, exactly (the remote reply from reply=)"
schema_ok "$T/maillog.json" "esc maillog's events match the schema"

# The daemon: each once.
wait_for 60 maillog_caught_up "$SYSLOG"
dview='[(if .log then "log" else "milter" end), .source, .action, .stage, .reply.xcode, .recipient, .rule]'
is "$(events "select(.event == \"reply\") | $dview" | sort)" \
'["log","mta","reject","rcpt","5.7.1","relay-denied@elsewhere.example",null]
["log","remote","reject",null,"5.7.26","auth-fail@remote.example",null]
["log","remote","tempfail",null,"4.7.28","rate-limited@remote.example",null]
["milter","milter","reject","header","5.7.23",null,"header-rule"]
["milter","milter","reject","mail","5.7.1",null,"mail-rule"]
["milter","milter","reject","rcpt","5.7.1","rcpt-rule@dest.example","rcpt-rule"]' \
    "the daemon: every rejection once (Sendmail's Milter: lines matched by queue id; Sendmail does not pass a recipient its own check_rcpt refused to the milter, so that one comes from the log)"
e2e_done

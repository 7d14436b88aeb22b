#!/bin/bash
# t-maillog.sh - esc maillog: the exact events of known lines (Postfix
# and Sendmail, inbound and outbound), --mta, --format text and its
# counts, gzip and standard input, the year of traditional timestamps
# from the file's mtime, bad input (truncated lines, binary garbage, a
# 1 MB line, a line over 4 MB: counted, never a crash), esc report on MTA
# logs and its new groupings; then the shared corpus of real logs
# (../shared/corpus/maillogs, when present): every file read without
# error, every event valid against the schema, and every rejection,
# bounce and defer line giving the code, enhanced code, stage and
# recipient it states, as an independent reading (maillog_oracle.py)
# finds them.
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-maillog.XXXXXX")
trap 'rm -rf "$T"' EXIT
PY=${PYTHON:-python3}
ORACLE="$top_srcdir/tests/cli/maillog_oracle.py"
SCHEMA="$top_srcdir/docs/events.schema.json"
CHECK="$top_srcdir/tests/e2e/check_events.py"

cat > "$T/mail.log" <<'LOG'
Mar  7 12:00:01 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@example.com>: Relay access denied; from=<a@b.example> to=<x@example.com> proto=ESMTP helo=<h.example>
Mar  7 12:00:02 mx1 postfix/smtpd[123]: connect from unknown[192.0.2.1]
Mar  7 12:00:03 mx1 postfix/smtp[124]: 4AB12: to=<u@gmail.com>, relay=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.26, status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.26 Unauthenticated email is not accepted. 550 5.7.26 Set up SPF. (in reply to end of DATA command))
Mar  7 12:00:04 mx1 opendkim[9]: 4AB12: DKIM-Signature field added
Mar  7 12:00:05 mx1 sm-mta[77]: s1R9r60D044307: to=<d1@example.com>,<d2@example.com>, delay=00:00:15, xdelay=00:00:15, mailer=esmtp, pri=34527, relay=mx.example.com. [93.184.216.34], dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem
Mar  7 12:00:06 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.
LOG
touch -d 2026-06-30T12:00:00Z "$T/mail.log"

# The exact events.
run "$ESC" maillog "$T/mail.log"
is "$rc" 0 "exit 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4 "four events: one per recipient of each rejection line"
e1=$(printf '%s\n' "$out" | sed -n 1p)
is "$(printf '%s' "$e1" | jq -c '{ts, host, queue_id, source, action, stage, client, sender, recipient, reply, class, subject, detail, category, registered, findings, log, program, direction, remote, dsn}')" \
    "{\"ts\":\"$(TZ= date -u -d "$(date -d '2026-03-07 12:00:01' '+%Y-%m-%d %H:%M:%S %z')" '+%Y-%m-%dT%H:%M:%S').000Z\",\"host\":\"mx1\",\"queue_id\":null,\"source\":\"mta\",\"action\":\"reject\",\"stage\":\"rcpt\",\"client\":{\"ip\":\"192.0.2.1\",\"name\":\"unknown\",\"helo\":\"h.example\"},\"sender\":\"a@b.example\",\"recipient\":\"x@example.com\",\"reply\":{\"code\":\"554\",\"xcode\":\"5.7.1\",\"text\":\"<x@example.com>: Relay access denied\"},\"class\":5,\"subject\":7,\"detail\":1,\"category\":\"security\",\"registered\":true,\"findings\":[],\"log\":{\"file\":\"$T/mail.log\",\"line\":1},\"program\":\"smtpd\",\"direction\":\"inbound\",\"remote\":null,\"dsn\":null}" \
    "smtpd's RCPT reject: every field"
e2=$(printf '%s\n' "$out" | sed -n 2p)
is "$(printf '%s' "$e2" | jq -c '{queue_id, source, action, stage, client, recipient, reply, category, log, program, direction, remote, dsn}')" \
    "{\"queue_id\":\"4AB12\",\"source\":\"remote\",\"action\":\"reject\",\"stage\":\"eom\",\"client\":null,\"recipient\":\"u@gmail.com\",\"reply\":{\"code\":\"550\",\"xcode\":\"5.7.26\",\"text\":\"Unauthenticated email is not accepted. Set up SPF.\"},\"category\":\"security\",\"log\":{\"file\":\"$T/mail.log\",\"line\":3},\"program\":\"smtp\",\"direction\":\"outbound\",\"remote\":{\"name\":\"gmail-smtp-in.l.google.com\",\"ip\":\"2607:f8b0:400e:c04::1b\",\"domain\":\"google.com\",\"provider\":\"google\"},\"dsn\":\"5.7.26\"}" \
    "a remote server's multi-line reply: one reply, its codes once"
is "$(printf '%s' "$e1" | jq -c '[.reason, .reason_detail, .inferred]')" '["norelaying","reject_unauth_destination",false]' \
    "reason: Postfix's Relay access denied is norelaying, and names its restriction"
is "$(printf '%s' "$e2" | jq -c '[.reason, .reason_detail, .remote.provider]')" '["authfailure",null,"google"]' \
    "reason: the registered 5.7.26 decides; the remote is Google's"
is "$(printf '%s\n' "$out" | sed -n '3,4p' | jq -c '[.recipient, .action, .source, .reply.code, .reply.xcode, .program, .log.line]' | tr '\n' ' ')" \
    '["d1@example.com","tempfail","remote","451","4.3.5","sm-mta",5] ["d2@example.com","tempfail","remote","451","4.3.5","sm-mta",5] ' \
    "Sendmail's delivery to two recipients: two events"
like "$err" '1 line not understood' "the cut line is counted on standard error"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	printf '%s\n' "$out" > "$T/ev.json"
	run "$PY" "$CHECK" "$SCHEMA" "$T/ev.json"
	is "$rc" 0 "the events match docs/events.schema.json ($out)"
else
	ok 0 "# SKIP python3-jsonschema not installed"
fi

# --format text, the counts
run "$ESC" maillog --format text "$T/mail.log"
is "$(printf '%s\n' "$out" | tail -1)" \
    "6 lines: 4 events from 3 lines, 1 MTA lines without a rejection, 1 lines of other programs, 1 lines not understood" \
    "text: the counts, lines not understood included"
like "$(printf '%s\n' "$out" | sed -n 1p)" ' mx1 smtpd inbound mta reject rcpt 554 5\.7\.1 norelaying:reject_unauth_destination to=<x@example\.com> <x@example\.com>: Relay access denied$' \
    "text: one line per event"

# --mta
run "$ESC" maillog --mta sendmail "$T/mail.log"
is "$(printf '%s\n' "$out" | jq -r .program | sort -u)" "sm-mta" "--mta sendmail: Sendmail's lines only"
run "$ESC" maillog --mta postfix --format text "$T/mail.log"
like "$out" '2 events from 2 lines' "--mta postfix: Postfix's lines only"
run "$ESC" maillog --mta exim "$T/mail.log"
is "$rc" 2 "--mta exim: a usage error"

# gzip, standard input, a missing file
gzip -c "$T/mail.log" > "$T/mail.log.1.gz"
run "$ESC" maillog "$T/mail.log.1.gz"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4 "a gzip-compressed rotated log"
run sh -c "\"$ESC\" maillog - < \"$T/mail.log\""
is "$(printf '%s\n' "$out" | jq -r .log.file | sort -u)" "-" "standard input: file is -"
run "$ESC" maillog "$T/nonexistent.log"
is "$rc" 2 "a missing file: exit 2"
like "$err" 'nonexistent\.log: No such file' "and says so"

# The year comes from the file's mtime: a December line in January's file.
printf 'Dec 31 23:59:00 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.9]: 550 5.1.1 <u@d>: Recipient address rejected: User unknown; from=<> to=<u@d> proto=ESMTP helo=<h>\n' > "$T/jan.log"
touch -d 2027-01-02T12:00:00Z "$T/jan.log"
run env TZ=UTC "$ESC" maillog "$T/jan.log"
is "$(printf '%s' "$out" | jq -r .ts)" "2026-12-31T23:59:00.000Z" "a December line in a file written in January is last year's"

# Bad input: binary garbage, NUL, invalid UTF-8, a 1 MB line, a line over 4 MB
{
	head -c 3000 /dev/urandom
	printf '\n'
	printf 'Mar  7 12:00:09 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.9]: 550 5.1.1 <u\xff\x00x@d>: bad \xc3\x28; from=<> to=<u\xffx@d> proto=ESMTP helo=<h>\n'
	printf 'Mar  7 12:00:10 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.9]: 550 5.1.1 '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf '; from=<> to=<big@d> proto=ESMTP helo=<h>\n'
	head -c 4200000 /dev/zero | tr '\0' 'b'
	printf '\n'
	cat "$T/mail.log"
} > "$T/hostile.log"
run "$ESC" maillog --format text "$T/hostile.log"
is "$rc" 0 "hostile input: exit 0"
like "$(printf '%s\n' "$out" | tail -1)" '6 events from 5 lines' "the rejections around the garbage are all read"
like "$(printf '%s\n' "$out" | tail -1)" '[0-9]+ lines not understood$' "the garbage is counted"
run "$ESC" maillog "$T/hostile.log"
n=$(printf '%s\n' "$out" | jq -c . 2>/dev/null | wc -l | tr -d ' ')
is "$n" 6 "hostile input: every event is valid JSON"
is "$(printf '%s\n' "$out" | sed -n 2p | jq -r '.reply.text | length')" 4096 "a 1 MB reply text is cut at 4096 bytes"

# esc report reads MTA logs and events together
run "$ESC" report --by direction "$T/mail.log"
like "$out" 'inbound +1 ' "report --by direction: inbound"
like "$out" 'outbound +3 ' "report --by direction: outbound"
run "$ESC" report --by program --format json "$T/mail.log"
is "$(printf '%s' "$out" | jq -c '[.rows[] | [.key, .count]]')" '[["sm-mta",2],["smtp",1],["smtpd",1]]' "report --by program"
run "$ESC" report --by remote --format json "$T/mail.log"
is "$(printf '%s' "$out" | jq -c '[.rows[] | [.key, .count]]')" '[["example.com",2],["(inbound)",1],["google.com",1]]' \
    "report --by remote: the registrable domain of the remote host"
run "$ESC" report --by xcode --format json "$T/mail.log" "$T/ev.json"
is "$(printf '%s' "$out" | jq -c '[.rows[] | [.key, .count]]')" '[["4.3.5",4],["5.7.1",2],["5.7.26",2]]' \
    "report: a log and an event file together"

# The shared corpus of real logs.
corpus=$SHARED/corpus/maillogs
if [ ! -d "$corpus" ]; then
	skip_no_shared "$corpus"
	done_testing
	exit
fi
n=$(maillog_corpus "$T")
bad=0
diffs=0
checked=0
for ((i = 0; i < n; i++)); do
	if ! "$ESC" maillog "$T/c.$i.log" > "$T/c.$i.json" 2>"$T/c.$i.err" ||
	    grep -q 'cannot' "$T/c.$i.err"; then
		bad=$((bad + 1))
		echo "# c.$i: $(cat "$T/c.$i.err")"
	fi
	"$PY" "$ORACLE" compare "$T/c.$i.log" "$T/c.$i.json" > "$T/c.$i.cmp"
	d=$(tail -1 "$T/c.$i.cmp" | sed -E 's/.* ([0-9]+) differences$/\1/')
	c=$(tail -1 "$T/c.$i.cmp" | sed -E 's/.*: ([0-9]+) rejection lines checked.*/\1/')
	diffs=$((diffs + d))
	checked=$((checked + c))
	[ "$d" = 0 ] || sed 's/^/# /' "$T/c.$i.cmp" | head -20
done
is "$bad" 0 "corpus: $n files read without error"
is "$diffs" 0 "corpus: all $checked rejection, bounce and defer lines give the code, enhanced code, stage and recipient they state"
ok $([ "$checked" -ge 400 ]; echo $?) "corpus: at least 400 such lines were checked ($checked)"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	run "$PY" "$CHECK" "$SCHEMA" "$T"/c.*.json
	is "$rc" 0 "corpus: every event valid against the schema ($(printf '%s' "$out" | tail -1))"
else
	ok 0 "# SKIP python3-jsonschema not installed"
fi
run "$ESC" report --by category "$T"/c.*.log
is "$rc" 0 "corpus: esc report reads every file"
done_testing

#!/bin/bash
# t-report.sh - esc report on a generated log with known counts: every
# grouping, time filters, gzip input, several files and hosts, bad lines
# counted and reported, JSON and CSV.
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-report.XXXXXX")
trap 'rm -rf "$T"' EXIT

# ev TS HOST SOURCE STAGE RULE XCODE CATEGORY SENDER
ev() {
	local rule=null sender=null
	[ "$5" = - ] || rule="\"$5\""
	[ "$8" = - ] || sender="\"$8\""
	printf '{"ts":"%s","event":"reply","host":"%s","session":"s","queue_id":null,"source":"%s","action":"reject","mode":"enforce","stage":"%s","rule":%s,"client":{"ip":"192.0.2.1","name":"x","helo":"y"},"sender":%s,"recipient":null,"reply":{"code":"550","xcode":"%s","text":"t"},"class":5,"subject":7,"detail":1,"category":"%s","registered":true,"registry_text":null,"findings":[]}\n' \
	    "$1" "$2" "$3" "$4" "$rule" "$sender" "$6" "$7"
}
{
	for i in $(seq 1 30); do ev 2026-11-29T07:1$((i % 10)):00.000Z mx1 milter rcpt spf-fail 5.7.23 security "a$i@Example.COM"; done
	for i in $(seq 1 20); do ev 2026-11-29T08:2$((i % 10)):00.000Z mx1 mta rcpt - 5.1.1 addressing "b$i@spam.example"; done
	for i in $(seq 1 5); do ev 2026-11-29T09:00:0$i.000Z mx1 milter mail nullmx 5.7.27 security ""; done
	echo '{"ts":"2026-11-29T09:00:00.000Z","event":"stats","host":"mx1","session":null,"queue_id":null}'
	echo '{"ts":"2026-11-29T09:00:00.000Z","event":"config","host":"mx1","session":null,"queue_id":null,"result":"ok"}'
	echo 'this is not JSON'
	echo '{"ts":"2026-11-29T09:00:00.000Z","event":"reply","truncated'
	echo
} > "$T/mx1.json"
{
	for i in $(seq 1 10); do ev 2026-11-29T10:00:00.000Z mx2 milter eom big 5.3.4 mail-system "c$i@example.com"; done
	echo '[1,2,3]'
} > "$T/mx2.json"
gzip -c "$T/mx2.json" > "$T/mx2.json.gz"

run "$ESC" report "$T/mx1.json" "$T/mx2.json.gz"
is "$rc" 0 "two files, one gzipped: exit 0 despite bad lines"
is "$(printf '%s\n' "$out" | awk '{print $1, $2}')" "category count
security 35
addressing 20
mail-system 10
total 65" "by category (default): exact counts, sorted by count"
like "$out" 'security +35  53\.8%  #{40}' "share and a bar"
like "$err" '3 lines not understood' "bad lines reported"

by() {
	"$ESC" report --format csv --by "$1" "${@:2}" "$T/mx1.json" "$T/mx2.json.gz" 2>/dev/null |
	    tail -n +2 | tr -d '"' | tr '\n' ' '
}
is "$(by xcode)" "5.7.23,30,46.2 5.1.1,20,30.8 5.3.4,10,15.4 5.7.27,5,7.7 " "by xcode"
is "$(by rule)" "spf-fail,30,46.2 (no rule),20,30.8 big,10,15.4 nullmx,5,7.7 " "by rule (the MTA's rejections have none)"
is "$(by source)" "milter,45,69.2 mta,20,30.8 " "by source"
is "$(by stage)" "rcpt,50,76.9 eom,10,15.4 mail,5,7.7 " "by stage"
is "$(by hour)" "2026-11-29T07:00Z,30,46.2 2026-11-29T08:00Z,20,30.8 2026-11-29T09:00Z,5,7.7 2026-11-29T10:00Z,10,15.4 " "by hour, in time order"
is "$(by sender-domain)" "example.com,40,61.5 spam.example,20,30.8 <>,5,7.7 " "by sender domain (lower-cased; <> for the null sender)"
is "$(by host)" "mx1,55,84.6 mx2,10,15.4 " "several hosts merged, by host"
is "$(by category --since 2026-11-29T08:00:00Z)" "addressing,20,57.1 mail-system,10,28.6 security,5,14.3 " "--since"
is "$(by category --until 2026-11-29T08:00:00Z)" "security,30,100.0 " "--until (exclusive)"
is "$(by category --since 2026-11-29T09:30:00+01:00 --until 2026-11-29T09:00:04Z)" "security,3,100.0 " "--since with an offset, --until"
is "$(by category --since 2026-11-30)" "" "--since a later day: nothing"
run "$ESC" report --since the-day-before "$T/mx1.json"
is "$rc" 2 "unreadable time: exit 2"
like "$err" 'write yesterday, today, 24h' "and says how to write one"

# Dates as operators say them, with a fixed now (ESC_NOW) and the log's
# year from its mtime: a log written on New Year's morning.
rej() { printf '%s mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 550 5.1.1 <%s@d.example>: Recipient address rejected: User unknown; from=<a@b.example> to=<%s@d.example> proto=ESMTP helo=<x>\n' "$1" "$2" "$2"; }
{ rej 'Dec 30 12:00:00' old; rej 'Dec 31 12:00:00' noon; rej 'Dec 31 23:59:59' late; rej 'Jan  1 00:00:01' new; } > "$T/ny.log"
touch -d 2027-01-01T09:00:00Z "$T/ny.log"
ny() { ESC_NOW=2027-01-01T10:00:00Z TZ=UTC "$ESC" report --format json "$@" "$T/ny.log" | jq -c '[.since, .until, .total]'; }
is "$(ny --since yesterday --until today)" '["2026-12-31T00:00:00.000Z","2027-01-01T00:00:00.000Z",2]' \
    "--since yesterday --until today: New Year's Eve alone (its lines placed in 2026 from the file's mtime)"
is "$(ny --since today)" '["2027-01-01T00:00:00.000Z",null,1]' "--since today"
is "$(ny --since 24h)" '["2026-12-31T10:00:00.000Z",null,3]' "--since 24h, back from ESC_NOW"
is "$(ESC_NOW=2027-01-01T10:00:00Z TZ=Europe/Paris "$ESC" report --format json --since yesterday "$T/ny.log" | jq -r .since)" \
    "2026-12-30T23:00:00.000Z" "yesterday is the local day (Europe/Paris)"
run "$ESC" report --since 87600h "$T/mx1.json"
like "$out" 'total +55' "relative time: 87600h ago includes everything"

run "$ESC" report --format json "$T/mx1.json" "$T/mx2.json.gz"
is "$(printf '%s' "$out" | jq -c '[.by, .total, .lines, .bad_lines, .rows[0].key, .rows[0].count, [.bad_files[] | .bad_lines]]')" \
    '["category",65,70,3,"security",35,[2,1]]' "json: totals, rows, bad lines per file"

run "$ESC" report - < "$T/mx1.json"
like "$out" 'total +55' "standard input"
gzip -c "$T/mx1.json" | { run "$ESC" report -; echo "$out" > "$T/stdin-gz.out"; }
like "$(cat "$T/stdin-gz.out")" 'total +55' "gzip on standard input"
run "$ESC" report "$T/nonexistent.json" "$T/mx1.json"
is "$rc" 2 "missing file: exit 2"
like "$out" 'total +55' "the other files still counted"
run "$ESC" report --by nonsense "$T/mx1.json"
is "$rc" 2 "unknown grouping: exit 2"
run "$ESC" report
is "$rc" 2 "no log: exit 2"

# The same answer as jq on a bigger generated log.
if command -v jq >/dev/null && [ -x "${top_builddir}/bench/gen_events" ]; then
	"${top_builddir}/bench/gen_events" 20000 > "$T/gen.json"
	a=$("$ESC" report --format csv --by xcode "$T/gen.json" 2>/dev/null | tail -n +2 | tr -d '"' | cut -d, -f1,2 | sort)
	b=$(jq -R -r 'fromjson? | select(.event == "reply" and .mode != "monitor") | .reply.xcode' "$T/gen.json" | sort | uniq -c | awk '{print $2 "," $1}' | sort)
	is "$a" "$b" "20000 generated lines: the same counts as jq"
	one=$(ESC_THREADS=1 "$ESC" report --by hour --format csv "$T/gen.json" 2>/dev/null)
	four=$(ESC_THREADS=4 "$ESC" report --by hour --format csv "$T/gen.json" 2>/dev/null)
	is "$four" "$one" "four reading threads count what one counts (blocks of whole lines)"
	# a line over 4 MB between two blocks' worth of lines; CRLF; no final newline
	{ head -5000 "$T/gen.json"; head -c 5000000 /dev/zero | tr '\0' 'x'; echo;
	  sed -n '5001,10000p' "$T/gen.json" | sed 's/$/\r/'; tail -1 "$T/gen.json" | tr -d '\n'; } > "$T/mixed.json"
	a=$(ESC_THREADS=1 "$ESC" report --format json "$T/mixed.json" | jq -c '[.total, .lines, .bad_lines]')
	b=$(head -10000 "$T/gen.json" > "$T/g10k.json"; tail -1 "$T/gen.json" >> "$T/g10k.json"
	    "$ESC" report --format json "$T/g10k.json" | jq -c '[.total, .lines + 1, .bad_lines + 1]')
	is "$a" "$b" "a 5 MB line skipped and counted bad, CRLF lines and a last line without a newline read"
	is "$(ESC_THREADS=3 "$ESC" report --format json "$T/mixed.json" | jq -c '[.total, .lines, .bad_lines]')" "$a" \
	    "the same with three threads"
else
	ok 0 "# SKIP bench/gen_events not built"
fi
done_testing

#!/bin/bash
# t-reasons.sh - the reasons: esc reasons (the vocabulary, the table and
# its TSV form read back with --reasons), a broken table refused with
# FILE:LINE; esc report --by reason, reason-detail, text and provider,
# on events with and without a reason and on MTA logs; then, with the
# shared corpus, three measures:
#   - every rejection esc maillog finds in the real logs gets the reason
#     a person gives it (tests/data/reasons/maillog-labels.tsv), at least
#     95 %, and "undefined" only where the text says nothing;
#   - esc dsn agrees with the newest Sisimai's own expectations for the
#     bounces (sisimai-expect.tsv) at least 90 % of the time;
#   - Debian's Sisimai run on the same bounces disagrees with esc dsn on
#     exactly the recipients listed, with both answers, in
#     sisimai-disagree.tsv (independent oracle).
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-reasons.XXXXXX")
trap 'rm -rf "$T"' EXIT
PY=${PYTHON:-python3}
DATA="$top_srcdir/tests/data/reasons"
SIS="$top_srcdir/tests/cli/sisimai_oracle.py"

# ---- esc reasons
run "$ESC" reasons
is "$rc" 0 "esc reasons: exit 0"
like "$out" 'userunknown +address +addressing +hard' "the vocabulary: name, whose problem, category, suppression"
like "$out" 'greylisted' "greylisting has a name of its own"
run "$ESC" reasons --format json
is "$(printf '%s' "$out" | jq -r '[(.vocabulary | length >= 30), (.rows | length > 200), .table] | @tsv')" \
    "true	true	built-in" "json: the vocabulary and the rows of the built-in table"
is "$(printf '%s' "$out" | jq -r '[.vocabulary[] | select(.name == "blocked") | .side, .category, .suppress] | @tsv')" \
    "sender	security	never" "json: blocked is the sender's problem, never suppresses an address"
"$ESC" reasons --format tsv > "$T/table.tsv"
run "$ESC" reasons --reasons "$T/table.tsv" --format json
is "$rc" 0 "the table's TSV form is a table --reasons reads"
is "$(printf '%s' "$out" | jq -r '.rows | length')" "$("$ESC" reasons --format json | jq -r '.rows | length')" \
    "the same number of rows read back"
printf 'generic\t*\tfoo(\tblocked\t-\tfoo\tme\n' > "$T/bad.tsv"
printf 'generic\t*\tfoo\tnosuchreason\t-\tfoo\tme\n' >> "$T/bad.tsv"
run "$ESC" reasons --reasons "$T/bad.tsv"
is "$rc" 2 "a broken table: exit 2"
like "$err" "bad.tsv:1: .*pattern" "FILE:LINE for a bad pattern"
like "$err" "bad.tsv:2: .*nosuchreason" "FILE:LINE for a reason not in the vocabulary"
run "$ESC" dsn --reasons "$T/bad.tsv" /dev/null
is "$rc" 2 "a command refuses to run with a broken table"

# ---- esc report by reason
ev() {	# ev SOURCE DIRECTION CODE XCODE TEXT [REASON DETAIL] [REMOTE]
	local r=
	[ -n "${6:-}" ] && r=",\"reason\":\"$6\",\"reason_detail\":\"$7\""
	printf '{"ts":"2026-11-29T07:00:00.000Z","event":"reply","source":"%s","action":"reject","mode":"enforce","stage":"rcpt","direction":"%s","reply":{"code":"%s","xcode":"%s","text":"%s"},"remote":%s%s}\n' \
	    "$1" "$2" "$3" "$4" "$5" "${8:-null}" "$r"
}
{
	for i in 1 2 3; do ev mta inbound 554 5.7.1 "Service unavailable; Client host [192.0.2.$i] blocked using zen.spamhaus.org" blocked zen.spamhaus.org; done
	# written before reasons existed: classified when read
	ev mta inbound 554 5.7.1 "Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org"
	ev mta inbound 554 5.7.1 "<u@example.net>: Relay access denied"
	ev mta inbound 550 5.1.1 "<nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
	ev remote outbound 421 4.7.28 "Our system has detected an unusual rate of unsolicited mail originating from your IP address." "" "" \
	    '{"name":"gmail-smtp-in.l.google.com","ip":"192.0.2.30","domain":"google.com"}'
	ev remote outbound 421 4.7.0 "[TSS04] Messages from 192.0.2.30 temporarily deferred" badreputation "Yahoo TSS04" \
	    '{"name":"mta5.am0.yahoodns.net","ip":"192.0.2.31","domain":"yahoodns.net","provider":"yahoo"}'
	printf '{"ts":"2026-11-29T07:00:00.000Z","event":"reply","source":"milter","action":"reject","mode":"monitor","stage":"rcpt","reply":{"code":"550","xcode":"5.7.1","text":"x"},"reason":"blocked","reason_detail":"m"}\n'
} > "$T/ev.json"
by() { "$ESC" report --format csv --by "$@" "$T/ev.json" 2>/dev/null | tail -n +2 | tr -d '"' | tr '\n' ' '; }
is "$(by reason)" "blocked,4,50.0 badreputation,2,25.0 norelaying,1,12.5 userunknown,1,12.5 " \
    "by reason: events without one classified as they are read; monitor events left out"
is "$(by reason-detail)" "blocked,zen.spamhaus.org,4,50.0 badreputation,Gmail 4.7.28,1,12.5 badreputation,Yahoo TSS04,1,12.5 norelaying,reject_unauth_destination,1,12.5 userunknown,virtual_mailbox_maps,1,12.5 " \
    "by reason-detail: the DNSBL, the restriction, the provider's code"
is "$(by text)" "blocked,Service unavailable; Client host [*] blocked using zen.spamhaus.org,4,50.0 badreputation,Our system has detected an unusual rate of unsolicited mail originating from your IP address.,1,12.5 badreputation,[TSS04] Messages from * temporarily deferred,1,12.5 norelaying,<*>: Relay access denied,1,12.5 userunknown,<*>: Recipient address rejected: User unknown in virtual mailbox table,1,12.5 " \
    "by text: addresses and IPs blanked, one check one row, its reason beside it"
is "$(by provider)" "(inbound),blocked,4,50.0 (inbound),norelaying,1,12.5 (inbound),userunknown,1,12.5 google,badreputation,1,12.5 yahoo,badreputation,1,12.5 " \
    "by provider: the provider of an old event from its remote name"
is "$(by reason --mode monitor)" "blocked,1,100.0 " "--mode monitor: what monitor rules would have refused"
is "$(by mode --mode all)" "enforce,8,88.9 monitor,1,11.1 " "--mode all, --by mode"
run "$ESC" report --by text "$T/ev.json"
like "$out" '^reason +count +share  text' "text: the text last, whole"
like "$out" 'blocked +4  50\.0%  Service unavailable; Client host \[\*\] blocked using zen\.spamhaus\.org' "text: a row"
run "$ESC" report --by text --format json "$T/ev.json"
is "$(printf '%s' "$out" | jq -c '.rows[0] | [.key, .reason, .count]')" \
    '["Service unavailable; Client host [*] blocked using zen.spamhaus.org","blocked",4]' "json: key is the text, reason beside it"
run "$ESC" report --by nonsense "$T/ev.json"
like "$err" 'reason-detail' "the usage names the new groupings"
run "$ESC" report --mode sometimes "$T/ev.json"
is "$rc" 2 "a bad --mode: exit 2"

# The MTA's own log, classified as it is read.
cat > "$T/mail.log" <<'LOG'
Mar  7 12:00:01 mx1 postfix/postscreen[12]: NOQUEUE: reject: RCPT from [192.0.2.1]:4711: 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org; from=<a@b.example>, to=<x@example.com>, proto=ESMTP, helo=<h.example>
Mar  7 12:00:02 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.2]: 450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.2]; from=<a@b.example> to=<x@example.com> proto=ESMTP helo=<h.example>
Mar  7 12:00:03 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.3]: 504 5.5.2 <WIN-7H2K9>: Helo command rejected: need fully-qualified hostname; from=<a@b.example> to=<x@example.com> proto=ESMTP helo=<WIN-7H2K9>
Mar  7 12:00:04 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.4]: 550 No such user here; from=<a@b.example> to=<y@example.com> proto=ESMTP helo=<h.example>
LOG
is "$("$ESC" report --format csv --by reason-detail "$T/mail.log" | tail -n +2 | tr -d '"' | sort | tr '\n' ' ')" \
    "blocked,reject_non_fqdn_helo_hostname,1,25.0 blocked,zen.spamhaus.org,1,25.0 requireptr,reject_unknown_client_hostname,1,25.0 userunknown,,1,25.0 " \
    "an MTA log by reason and detail"
is "$("$ESC" report --format csv --by category "$T/mail.log" | tail -n +2 | tr -d '"' | tr '\n' ' ')" \
    "security,2,50.0 addressing,1,25.0 protocol,1,25.0 " \
    "a reply without an enhanced code counts in the category its text infers"

# ---- the shared corpus
if [ ! -d "$SHARED/corpus/maillogs" ]; then
	skip_no_shared "$SHARED/corpus/maillogs"
else
	mkdir "$T/ml"
	n=$(maillog_corpus "$T/ml")
	"$ESC" report --by text --mode all --format json "$T"/ml/c.*.log 2>/dev/null > "$T/shapes.json"
	run "$PY" - "$T/shapes.json" "$DATA/maillog-labels.tsv" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))['rows']
label = {}
for line in open(sys.argv[2], encoding='utf-8'):
    if line.startswith('#') or not line.strip():
        continue
    r, text = line.rstrip('\n').split('\t', 1)
    label[text] = set(r.split('|'))
n = good = said_nothing = 0
for row in rows:
    want = label.get(row['key'])
    if want is None:
        print('# no label for %r (%s)' % (row['key'], row['reason']))
        n += row['count']
        continue
    if 'none' in want and row['reason'] not in want - {'none'}:
        said_nothing += row['count']
        continue
    n += row['count']
    if row['reason'] in want:
        good += row['count']
    else:
        print('# %r: %s, a person says %s' % (row['key'], row['reason'], '|'.join(sorted(want))))
undef = [r['key'] for r in rows if r['reason'] == 'undefined' and 'none' not in label.get(r['key'], ())]
print('undefined where the text says why: %d' % len(undef))
print('%d %d %d' % (good, n, said_nothing))
EOF
	printf '%s\n' "$out" | grep '^#'
	set -- $(printf '%s\n' "$out" | tail -1)
	ok $([ "$2" -gt 400 ] && [ $(($1 * 100)) -ge $(($2 * 95)) ]; echo $?) \
	    "maillog corpus: $1 of $2 rejections in $n files get the reason a person gives them (at least 95 %; $3 whose text says nothing not counted)"
	like "$out" 'undefined where the text says why: 0' "undefined only where the text says nothing"
fi

if [ ! -d "$SHARED/corpus/bounces" ]; then
	skip_no_shared "$SHARED/corpus/bounces"
	done_testing
	exit
fi
"$PY" "$SIS" esc "$ESC" "$SHARED"/corpus/bounces/*.eml > "$T/esc.tsv"
run "$PY" "$SIS" expect "$T/esc.tsv" "$DATA/sisimai-expect.tsv"
set -- $(printf '%s\n' "$out" | tail -1)
ok $([ "$3" -gt 300 ] && [ $(($1 * 100)) -ge $(($3 * 90)) ]; echo $?) \
    "bounces: $1 of $3 recipients get the reason the newest Sisimai expects (at least 90 %)"
if ! perl -MSisimai -e 1 2>/dev/null; then
	ok 0 "# SKIP Sisimai is not installed (Debian: apt-get install libsisimai-perl)"
	done_testing
	exit
fi
perl "$top_srcdir/tests/cli/sisimai.pl" "$SHARED"/corpus/bounces/*.eml > "$T/sisimai.tsv" 2>/dev/null
"$PY" "$SIS" disagree "$T/esc.tsv" "$T/sisimai.tsv" 2>"$T/both" | grep -v '^#' > "$T/disagree.tsv"
grep -v '^#' "$DATA/sisimai-disagree.tsv" > "$T/want.tsv"
if cmp -s "$T/disagree.tsv" "$T/want.tsv"; then
	ok 0 "bounces: Sisimai $(perl -MSisimai -e 'print $Sisimai::VERSION') and esc dsn disagree on exactly the $(wc -l < "$T/want.tsv") listed recipients ($(sed 's/^# //' "$T/both"))"
else
	ok 1 "bounces: the disagreements with Sisimai changed"
	diff "$T/want.tsv" "$T/disagree.tsv" | sed 's/^/# /' | head -40
	echo "# if the change is right, write both answers down:"
	echo "#   tests/cli/sisimai_oracle.py disagree ESC.tsv SISIMAI.tsv (see t-reasons.sh)"
fi
done_testing

#!/bin/bash
# t-dsn.sh - esc dsn: handwritten DSNs in the formats of large providers,
# JSON output, options, exit codes, hostile messages, and the corpus of 629
# real bounces (when ../shared/corpus is present) against an independent
# oracle (tests/cli/dsn_oracle.py, Python's email package).
. "${top_srcdir:-.}/tests/cli/lib.sh"
top_srcdir=$(cd "$top_srcdir" && pwd)
D="$top_srcdir/tests/data/dsn"
W=$(mktemp -d "$TMPBASE/esc-dsn.XXXXXX")
trap 'rm -rf "$W"' EXIT

cd "$D" || exit 1
run "$ESC" dsn exchange.eml gmail.eml multi.eml global.eml base64.eml qp.eml
is "$out" "exchange.eml: nobody@contoso.example action=failed status=5.1.10 class=5 category=addressing registered=yes reason=userunknown detail=RESOLVER.ADR.RecipNotFound findings=basic-not-associated
    note: basic-not-associated: the registry pairs X.1.10 with 556, not 550 (did you mean 556 5.1.10?)
gmail.eml: missing@gmail.example action=failed status=5.1.1 class=5 category=addressing registered=yes reason=userunknown detail=Gmail findings=none
multi.eml: gone@example.com action=failed status=5.1.1 class=5 category=addressing registered=yes reason=userunknown detail=virtual_mailbox_maps findings=none
multi.eml: full@example.com action=delayed status=4.2.2 class=4 category=mailbox registered=yes reason=mailboxfull findings=none
multi.eml: ok@example.com action=delivered status=2.0.0 class=2 category=other registered=yes reason=delivered findings=none
multi.eml: spf@example.com action=failed status=5.7.1 class=5 category=security registered=yes reason=authfailure detail=SPF findings=status-mismatch
    warning: status-mismatch: the Diagnostic-Code's reply carries 5.7.23 but Status: says 5.7.1: the reporting MTA did not pass on the remote server's code (did you mean 5.7.23?)
global.eml: 用户@例子.example action=failed status=5.6.7 class=5 category=content registered=yes reason=contenterror findings=none
base64.eml: quota@example.com action=failed status=5.2.2 class=5 category=mailbox registered=yes reason=mailboxfull findings=none
qp.eml: blocked@example.com action=failed status=5.7.26 class=5 category=security registered=yes reason=authfailure findings=none" \
    "Exchange, Gmail, several recipients, RFC 6533, base64 and QP parts"
is "$rc" 0 "warnings and notes only: exit 0"

run "$ESC" dsn --strict multi.eml
is "$rc" 1 "--strict: a warning fails"
run "$ESC" dsn --failed multi.eml
is "$(printf '%s\n' "$out" | grep -c action=)" 3 "--failed: the delivered recipient is left out"
run "$ESC" dsn - < gmail.eml
like "$out" '^-: missing@gmail\.example action=failed status=5\.1\.1' "stdin with -"

run "$ESC" dsn --format json multi.eml global.eml
is "$(printf '%s' "$out" | jq -c '[.recipients, .errors, .warnings, .notes, (.files|map(.file))]')" \
    '[5,0,1,0,["multi.eml","global.eml"]]' "JSON: totals"
is "$(printf '%s' "$out" | jq -c '.files[0].recipients[0] | [.recipient,.original_recipient,.action,.status,.status_from,.class,.subject,.detail,.category,.registered,.registry_text,.diagnostic_code,.remote_mta,.failed,.part]')" \
    '["gone@example.com","Gone@example.com","failed","5.1.1","status",5,1,1,"addressing",true,"Bad destination mailbox address",550,"dns; mx.example.com",true,1]' \
    "JSON: one recipient's fields"
is "$(printf '%s' "$out" | jq -c '.files[0].recipients[3].findings[0] | [.id,.severity,.suggestion]')" \
    '["status-mismatch","warning","5.7.23"]' "JSON: finding objects"
is "$(printf '%s' "$out" | jq -c '.files[1] | [.global, .reporting_mta, .recipients[0].recipient]')" \
    '[true,"dns; mx.example.cn","用户@例子.example"]' "JSON: RFC 6533 part, UTF-8 address"

run "$ESC" dsn "$W/missing.eml"
is "$rc" 2 "unreadable file: exit 2"
like "$err" 'missing\.eml: No such file' "and says why"
run "$ESC" dsn
is "$rc" 2 "no operand: usage error"
run "$ESC" dsn --format csv multi.eml
is "$rc" 2 "csv is not a dsn format"

# --- hostile messages ------------------------------------------------------
python3 - "$W" <<'PY'
import sys, os
w = sys.argv[1]
def msg(name, body, ct='multipart/report; report-type=delivery-status; boundary="b"'):
    with open(os.path.join(w, name), 'wb') as f:
        f.write(b'From: x@y\nContent-Type: ' + ct.encode() + b'\n\n' + body)
rcpt = b'Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.1.1\n'
# declared boundary never appears
msg('noboundary.eml', b'--other\nContent-Type: message/delivery-status\n\n' + rcpt + b'--other--\n')
# no closing boundary, part runs to the end
msg('unclosed.eml', b'--b\nContent-Type: message/delivery-status\n\n' + rcpt)
# a 30 MB text part before the status part
msg('huge.eml', b'--b\nContent-Type: text/plain\n\n' + (b'x' * 99 + b'\n') * 300000 +
    b'--b\nContent-Type: message/delivery-status\n\n' + rcpt + b'--b--\n')
# a 20 MB status part of folded junk
msg('hugepart.eml', b'--b\nContent-Type: message/delivery-status\n\n' + rcpt +
    b'Diagnostic-Code: smtp; 550 5.1.1 x\n' + b' junk junk junk\n' * 1300000 + b'--b--\n')
# invalid UTF-8, control characters and NUL in every field
msg('binary.eml', b'--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; \xff\xfe\n\n'
    b'Final-Recipient: rfc822; \xc3\x28bad\x01\x00nul@x\nAction: fa\x1biled\nStatus: 5.1.1\xff\n'
    b'Diagnostic-Code: smtp; 550 5.1.1 \xed\xa0\x80 surrogate\n--b--\n')
# 5000 recipients
msg('many.eml', b'--b\nContent-Type: message/delivery-status\n\n' +
    b''.join(b'Final-Recipient: rfc822; u%d@x\nAction: failed\nStatus: 5.1.1\n\n' % i for i in range(5000)) + b'--b--\n')
# 2000 nested multiparts
body = b''.join(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i, i + 1) for i in range(2000))
msg('deep.eml', body, 'multipart/mixed; boundary="b0"')
# random bytes
import random
random.seed(7)
msg('random.eml', bytes(random.getrandbits(8) for _ in range(200000)))
PY
for f in noboundary unclosed huge hugepart binary many deep random; do
	/usr/bin/time -f '%M' -o "$W/$f.rss" "$ESC" dsn --format json "$W/$f.eml" > "$W/$f.json" 2> "$W/$f.err"
	rc=$?
	ok $([ "$rc" -le 1 ]; echo $?) "$f: no crash (exit $rc)"
	jq -e . "$W/$f.json" > /dev/null
	ok $? "$f: valid JSON"
done
is "$(jq '.recipients' "$W/noboundary.json")" 0 "missing boundary: nothing read"
is "$(jq '.recipients' "$W/unclosed.json")" 1 "unclosed multipart: the last part still read"
is "$(jq '.recipients' "$W/huge.json")" 1 "30 MB text part: the status part after it read"
is "$(jq -r '.files[0].recipients[0].diagnostic | length' "$W/hugepart.json")" 999 "gigantic status part: field truncated"
is "$(jq -c '.files[0].recipients[0] | [.recipient, .action]' "$W/binary.json")" \
    '["\\xc3(bad\u0001","fa\u001biled"]' "invalid bytes escaped, a NUL ends the field"
is "$(jq -c '[.recipients, .files[0].dropped]' "$W/many.json")" '[1000,4000]' "5000 recipients: 1000 read, 4000 counted as dropped"
is "$(jq '.files[0].parts' "$W/deep.json")" 0 "2000 nested multiparts: bounded depth"
# Memory: the message itself plus bounded extras (4 MB per status part).
if sanitized "$ESC"; then
	ok 0 "# SKIP RSS under AddressSanitizer measures its shadow memory"
	ok 0 "# SKIP RSS under AddressSanitizer measures its shadow memory"
else
	rss_huge=$(cat "$W/huge.rss")
	ok $([ "$rss_huge" -lt 80000 ]; echo $?) "30 MB message: peak RSS ${rss_huge} KB stays under 80 MB"
	rss_part=$(cat "$W/hugepart.rss")
	ok $([ "$rss_part" -lt 60000 ]; echo $?) "20 MB status part: peak RSS ${rss_part} KB stays under 60 MB"
fi

# --- the corpus of real bounces --------------------------------------------
corpus=$SHARED/corpus/bounces
if [ -d "$corpus" ] && command -v python3 >/dev/null; then
	python3 "$top_srcdir/tests/cli/dsn_oracle.py" "$corpus"/*.eml | sort > "$W/oracle"
	"$ESC" dsn --format json "$corpus"/*.eml > "$W/corpus.json" 2> "$W/corpus.err"
	rc=$?
	ok $([ "$rc" -le 1 ]; echo $?) "corpus: $(ls "$corpus"/*.eml | wc -l) messages read without a crash (exit $rc)"
	jq -r '.files[] | "\(.file)\t\(.recipients|length)"' "$W/corpus.json" | sort > "$W/esc"
	is "$(wc -l < "$W/esc")" "$(wc -l < "$W/oracle")" "corpus: every message reported"
	diff=$(join -t "$(printf '\t')" "$W/oracle" "$W/esc" | awk -F'\t' '$2 != $3')
	is "$diff" "" "corpus: recipients per message match the oracle's per-recipient groups"
	is "$(awk -F'\t' '{s += $2} END {print s}' "$W/esc")" 347 "corpus: 347 recipients (the corpus README's count)"
	is "$(jq '[.files[] | select(.parts > 0)] | length' "$W/corpus.json")" 340 "corpus: 340 messages with a status part"
	is "$(jq -r '.files[] | select(any(.recipients[]; .class == null)) | .file | sub(".*/"; "")' "$W/corpus.json")" \
	    "lhost-sendgrid-03.eml" "corpus: every recipient has a class but the one with neither Status: nor an SMTP diagnostic"
else
	skip_no_shared "$corpus"
fi

# --- 420 more real bounces from 13 other projects --------------------------
more=$SHARED/corpus/bounces-more
if [ -d "$more" ] && command -v python3 >/dev/null; then
	find "$more" -type f ! -name README.md | sort > "$W/more.list"
	xargs -d '\n' python3 "$top_srcdir/tests/cli/dsn_oracle.py" < "$W/more.list" | sort > "$W/more.oracle"
	xargs -d '\n' "$ESC" dsn --format json < "$W/more.list" > "$W/more.json" 2> "$W/more.err"
	is "$?" 0 "bounces-more: $(wc -l < "$W/more.list") messages read, exit 0 (findings about others' codes do not fail)"
	jq -r '.files[] | "\(.file)\t\(.recipients|length)"' "$W/more.json" | sort > "$W/more.esc"
	is "$(wc -l < "$W/more.esc")" "$(wc -l < "$W/more.list")" "bounces-more: every message reported"
	# Python's email package stops at two malformed headers (an unfolded
	# continuation line; a boundary parameter followed by another field on
	# its line); esc reads the delivery-status part that is there.
	is "$(join -t "$(printf '\t')" "$W/more.oracle" "$W/more.esc" | awk -F'\t' '$2 != $3 {sub(".*/", "", $1); print $1, $2, $3}')" \
	    "spam-rejection15.msg 0 1
999.eml 0 1" "bounces-more: recipients per message match the oracle's, but where its parser gives up"
	is "$(jq '[.files[].recipients | length] | add' "$W/more.json")" 222 "bounces-more: 222 recipients"
	is "$(jq '[.files[].recipients[] | select(.class == null)] | length' "$W/more.json")" 0 "bounces-more: every recipient has a class"
	j() { jq -r --arg f "$1" ".files[] | select(.file | endswith(\$f)) | $2" "$W/more.json"; }
	is "$(j /node-baunsu/bounce_att.txt '.recipients[0] | [.status, ([.findings[].id] | join(","))] | join(" ")')" "5.0.0 " \
	    "521-71.84.17.139: an IP address is not a malformed enhanced code"
	is "$(j /flufl.bounce/dsn_03.eml '.recipients[0] | [.class, .failed, ([.findings[].id] | join(","))] | map(tostring) | join(" ")')" \
	    "5 true xcode-syntax,action-unknown" "Status: 553 and Action: failure: class 5, failed, both said"
	like "$(j /flufl.bounce/dsn_03.eml '.recipients[0].findings[0].message')" 'holds a basic reply code where RFC 3464 wants an enhanced status code.*read as class 5' \
	    "a basic code in Status: is called one"
	run "$ESC" dsn --failed "$more/flufl.bounce/dsn_03.eml"
	like "$out" 'ddd.kkk@advalvas.be action=failure status=unknown class=5' "--failed shows the Action: failure recipient"
	is "$rc" 0 "and exits 0"
	run "$ESC" dsn --strict "$more/flufl.bounce/dsn_03.eml"
	is "$rc" 1 "--strict: the findings fail"
	is "$(j /mailman2/dsn_18.txt '.recipients[0] | [.failed, ([.findings[].id] | join(","))] | map(tostring) | join(" ")')" \
	    "true action-unknown" "Action: error: failed, with a finding"
	is "$(j /PHP-Bounce-Handler/nodsn/exchange1.eml '[.leading_blank_lines, (.recipients | length), .recipients[0].status] | map(tostring) | join(" ")')" \
	    "2 1 5.1.1" "blank lines before the header: skipped, counted, the DSN read"
	run "$ESC" dsn "$more/PHP-Bounce-Handler/nodsn/exchange1.eml"
	like "$out" 'note: 2 blank lines before the header .*read from line 3' "and the reader is told"
else
	skip_no_shared "$more"
fi
done_testing

#!/bin/bash
# t-lint.sh - esc lint on fixtures seeded with known problems: every
# expected diagnostic with its LINE:COL, severity and id, and nothing else
# (clean lines stay silent); type detection, options, JSON, exit status.
. "${top_srcdir:-.}/tests/cli/lib.sh"
d="$top_srcdir/tests/data/lint"

# expect FILE - compare "LINE:COL: severity: id" of every diagnostic
expect() {
	local f=$1 got want
	got=$("$ESC" lint "${@:2}" "$d/$f" 2>/dev/null | sed "s|^$d/$f:||" |
	    awk -F': ' '{print $1": "$2": "$3}')
	want=$(cat)
	is "$got" "$want" "$f: exactly the expected diagnostics"
}

expect main.cf --type postfix-main <<'W'
5:31: note: xcode-missing
7:30: error: not-failure
8:29: error: reply-syntax
9:32: warning: not-temporary
10:24: error: reply-syntax
12:61: warning: class-mismatch
16:21: error: reply-syntax
W
expect master.cf <<'W'
4:33: error: not-failure
7:35: warning: not-temporary
W
expect sender_access <<'W'
3:25: warning: class-mismatch
4:25: warning: unregistered
5:25: note: generic-code
6:27: warning: stage-subject
8:21: error: not-failure
W
expect header_checks.pcre <<'W'
5:32: note: generic-code
7:32: warning: unregistered
8:1: warning: table-syntax
W
expect access <<'W'
3:31: error: class-mismatch
5:35: note: xcode-missing
7:36: warning: not-temporary
8:31: warning: unregistered
W
expect esc-milter.conf <<'W'
4:1: error: class-mismatch
W

# What the client sees, where the MTA rewrites the reply.
run "$ESC" lint "$d/sender_access"
like "$out" 'sender_access:6:27: warning: stage-subject: .*the client sees "550 5\.1\.7 <sender>: Sender address rejected: No such user"' "a sender map's 5.1.1 becomes 5.1.7 (smtpd_dsn_fix)"
like "$out" 'sender_access:3:25: .*the client sees "550 5\.7\.1 <sender>: Sender address rejected: class mismatch"' "the class is forced to the reply's"
like "$out" 'did you mean 550 5\.7\.23\?' "generic SPF code: suggestion"
run "$ESC" lint "$d/access"
like "$out" 'access:5:35: note: xcode-missing: .*the client sees "550 5\.0\.0 No enhanced code"' "Sendmail adds X.0.0"
like "$out" 'access:3:31: error: class-mismatch: .*Sendmail sends both as written' "Sendmail passes a mismatch to the client"

# Exit status and summary.
run "$ESC" lint "$d/sender_access"
is "$rc" 1 "errors: exit 1"
like "$err" '^esc lint: 1 file, 1 error, 3 warnings, 1 note$' "summary on standard error"
run "$ESC" lint "$d/header_checks.pcre"
is "$rc" 0 "warnings only: exit 0"
run "$ESC" lint --strict "$d/header_checks.pcre"
is "$rc" 1 "--strict: warnings fail"
like "$out" '7:32: error: unregistered' "--strict shows warnings as errors"
run "$ESC" lint "$d/nonexistent" "$d/header_checks.pcre"
is "$rc" 2 "unreadable file: exit 2"
like "$out" 'header_checks.pcre:5:32' "the other files are still checked"

# Types: detected, or forced.
for pair in main.cf:postfix-config master.cf:postfix-master sender_access:postfix-table \
    header_checks.pcre:postfix-table access:sendmail-access esc-milter.conf:esc; do
	f=${pair%%:*} t=${pair#*:}
	run "$ESC" lint --format json "$d/$f"
	is "$(printf '%s' "$out" | jq -r '.files[0].type')" "$t" "$f detected as $t"
done
run "$ESC" lint --format json --type postfix-table --table-kind checks "$d/sender_access"
is "$(printf '%s' "$out" | jq -r '.files[0] | .type + " " + .table_kind')" "postfix-table checks" "--type and --table-kind force the reading"
run "$ESC" lint --type nonsense "$d/access"
is "$rc" 2 "bad --type: exit 2"
run "$ESC" lint --format json --stage rcpt "$d/sender_access"
is "$(printf '%s' "$out" | jq '[.files[0].diagnostics[] | select(.id=="stage-subject")] | length')" 0 "--stage rcpt: 5.1.1 fits"

# JSON
run "$ESC" lint --format json "$d/sender_access" "$d/access"
is "$(printf '%s' "$out" | jq -c '[.errors, .warnings, .notes, (.files | length)]')" '[2,5,2,2]' "json: totals"
is "$(printf '%s' "$out" | jq -c '.files[0].diagnostics[0] | [.line, .column, .severity, .id, .suggestion, .effective]')" \
    '[3,25,"warning","class-mismatch","451 4.7.1 or 550 5.7.1","550 5.7.1 <sender>: Sender address rejected: class mismatch"]' "json: a diagnostic"
is "$(printf '%s' "$out" | jq '.files[1].lines_with_codes')" 8 "json: lines with codes counted"

# The corpus of real configuration files: every file read, the type and
# the number of code-carrying lines the corpus README lists, no error on a
# line the MTA accepts, every diagnostic on a line that carries a code.
corpus=$SHARED/corpus/mail-configs
if [ -f "$corpus/README.md" ]; then
	rows=$(grep -E '^\| `[^`]+` \|' "$corpus/README.md" |
	    awk -F'|' '{gsub(/[ `]/, "", $2); split($7, t, " "); gsub(/ /, "", $8); print $2, t[1], $8}' |
	    sed 's/ (/ /')
	n=0 bad=0
	while read -r name type codes; do
		[ -n "$name" ] || continue
		n=$((n + 1))
		"$ESC" lint --format json "$corpus/$name" > "$TMPBASE/esc-lint.$$" 2>/dev/null
		r=$?
		got=$(jq -r '.files[0] | "\(.type) \(.lines_with_codes)"' "$TMPBASE/esc-lint.$$")
		if [ "$r" -gt 1 ] || [ "$got" != "$type $codes" ]; then
			bad=$((bad + 1))
			echo "# $name: exit $r, got \"$got\", want \"$type $codes\""
		fi
		# each diagnostic's line must carry a code or reply text
		jq -r '.files[0].diagnostics[] | "\(.line) \(.severity)"' "$TMPBASE/esc-lint.$$" |
		while read -r line sev; do
			text=$(sed -n "${line}p" "$corpus/$name")
			if ! printf '%s' "$text" | grep -Eiq '([245][0-9][0-9]|reject|defer|error:|temp:|rbl)'; then
				echo "# $name:$line: diagnostic on a line without a code: $text"
			fi
			[ "$sev" != error ] || echo "# $name:$line: error on a line the MTA accepts"
		done > "$TMPBASE/esc-lint-lines.$$"
		if [ -s "$TMPBASE/esc-lint-lines.$$" ]; then
			bad=$((bad + 1))
			cat "$TMPBASE/esc-lint-lines.$$"
		fi
	done <<<"$rows"
	rm -f "$TMPBASE/esc-lint.$$" "$TMPBASE/esc-lint-lines.$$"
	is "$n" 33 "corpus: all 33 files listed"
	is "$bad" 0 "corpus: types, code-carrying lines and diagnostics as expected"
else
	skip_no_shared "$corpus"
fi
done_testing

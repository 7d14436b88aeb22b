#!/bin/bash
# t-registry.sh - esc registry: the table, --diff against an IANA file.
. "${top_srcdir:-.}/tests/cli/lib.sh"
data="$top_srcdir/tests/data/registry"

run "$ESC" registry
is "$rc" 0 "table: exit 0"
like "$out" '^# registry: builtin 2024-12-06, 81 codes' "table: header"
like "$out" 'X\.7\.26 +550 +RFC7372 +Multiple authentication checks failed' "table: a row"
like "$out" 'X\.6\.10 .*\[deprecated: use X\.6\.8\]' "table: deprecation"
is "$(printf '%s\n' "$out" | grep -c '^X\.')" 81 "table: 81 rows"

run "$ESC" registry --diff "$data/newer.csv"
is "$rc" 1 "diff with changes: exit 1"
like "$out" '^\+ X\.7\.31 +Hypothetical new code \[550\]' "diff: added"
like "$out" '~ X\.7\.28 +basic_codes: "not given" -> "550"' "diff: changed"
like "$out" '^- X\.7\.30 +REQUIRETLS support required' "diff: removed"
like "$out" '1 added, 1 changed, 1 removed' "diff: summary"

run "$ESC" registry --format json --diff "$data/newer.csv"
if command -v jq >/dev/null; then
	is "$(printf '%s' "$out" | jq -c '[(.added|length), (.changed|length), (.removed|length), .changed[0].code]')" \
	    '[1,1,1,"X.7.28"]' "diff json"
	run "$ESC" registry --format json
	is "$(printf '%s' "$out" | jq -c '[.count, .date, (.codes|length), .codes[0].code]')" \
	    '[81,"2024-12-06",81,"X.0.0"]' "table json"
else
	ok 0 "# SKIP jq not installed"
fi

run "$ESC" registry --diff "$data/messy.csv"
like "$err" 'messy.csv:16: warning: registry-row: code "Y.1"' "diff: bad rows reported with file:line"

run "$ESC" registry --diff "$data/unterminated.csv"
like "$err" 'unterminated.csv:3: .*never closed' "diff: unterminated quote reported"

run "$ESC" registry --diff /nonexistent.csv
is "$rc" 2 "diff: missing file exit 2"

run "$ESC" registry --registry "$data/newer.csv" --diff "$data/newer.csv"
is "$rc" 0 "diff of a file with itself: exit 0"
like "$out" '0 added, 0 changed, 0 removed' "diff with itself: nothing"


if [ -f "$SHARED/registry/smtp-enhanced-status-codes.csv" ]; then
	run "$ESC" registry --diff "$SHARED/registry/smtp-enhanced-status-codes.csv"
	is "$rc" 0 "the IANA export agrees with the built-in table"
	like "$out" '0 added, 0 changed, 0 removed' "IANA diff: nothing"
	is "$err" "" "IANA diff: no warnings"
else
	skip_no_shared "$SHARED/registry/smtp-enhanced-status-codes.csv"
fi
run "$ESC" registry extra
is "$rc" 2 "unexpected operand: exit 2"
done_testing

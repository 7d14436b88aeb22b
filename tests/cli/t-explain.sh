#!/bin/bash
# t-explain.sh - esc explain: registered, unregistered, unknown subject,
# basic codes, whole replies, invalid input; text and JSON.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run "$ESC" explain 5.7.26
is "$rc" 0 "5.7.26: exit 0"
like "$out" '^5\.7\.26  Multiple authentication checks failed' "5.7.26: sample text"
like "$out" 'class: +5 Permanent Failure' "5.7.26: class"
like "$out" 'subject: +7 Security or Policy Status \(category "security"\)' "5.7.26: subject and category"
like "$out" 'basic code: 550' "5.7.26: basic code"
like "$out" 'reference: +RFC7372' "5.7.26: reference"

run "$ESC" explain 5.7.99
is "$rc" 0 "5.7.99: exit 0 (explained)"
like "$out" '^5\.7\.99  \(not registered\)' "5.7.99: not registered"
like "$out" 'permanent failure about Security or Policy Status' "5.7.99: still a permanent security/policy failure"
like "$out" 'treats it as 5\.7\.0' "5.7.99: falls back to X.7.0"

run "$ESC" explain 5.9.1
is "$rc" 0 "5.9.1: exit 0"
like "$out" '\(unknown subject\)' "5.9.1: unknown subject"
like "$out" 'only the class is known, a permanent failure' "5.9.1: class still known"
like "$out" 'category "unknown"' "5.9.1: category unknown"

run "$ESC" explain 4.2.2
like "$out" 'basic code: 552 \(for class 4: 452\)' "4.2.2: basic code mapped to class 4"

run "$ESC" explain 5.6.10
like "$out" 'deprecated' "5.6.10: deprecated"
like "$out" 'use: +5\.6\.8 instead' "5.6.10: replacement"

run "$ESC" explain 550
is "$rc" 0 "550: exit 0"
like "$out" '^550  mailbox unavailable' "550: meaning"
like "$out" 'registered with: .*5\.1\.1.*5\.7\.23' "550: enhanced codes registered with it"

run "$ESC" explain "550 5.7.26 DMARC said no"
is "$rc" 0 "reply: exit 0"
like "$out" '^reply: 550 5\.7\.26 DMARC said no' "reply: echoed"
like "$out" '  5\.7\.26  Multiple authentication checks failed' "reply: enhanced part explained"

run "$ESC" explain "550 4.7.1 x"
is "$rc" 1 "reply with a class mismatch: exit 1"
like "$out" 'error: class-mismatch' "reply with a class mismatch: finding shown"

run "$ESC" explain 05.7.1
is "$rc" 1 "05.7.1: exit 1"
like "$out" 'class \(first number\) must be 2, 4 or 5' "05.7.1: says why"
run "$ESC" explain 5.07.1
like "$out" 'leading zeros.*did you mean 5\.7\.1\?' "5.07.1: suggestion"
run "$ESC" explain 5.7.1000
like "$out" 'at most 3 digits' "5.7.1000: too long"

run "$ESC" explain hello
is "$rc" 2 "not a code: exit 2"

run "$ESC" explain
is "$rc" 2 "no argument: exit 2"
like "$err" 'give at least one code' "no argument: message"

run "$ESC" explain --format json 5.7.26 5.7.99 5.9.1 550
is "$rc" 0 "json: exit 0"
if command -v jq >/dev/null; then
	is "$(printf '%s' "$out" | jq -r '.items[0].sample_text')" \
	    "Multiple authentication checks failed" "json: sample_text"
	is "$(printf '%s' "$out" | jq -c '[.items[].kind]')" \
	    '["xcode","xcode","xcode","basic"]' "json: kinds"
	is "$(printf '%s' "$out" | jq -c '[.items[1].registered, .items[1].category, .items[1].class]')" \
	    '[false,"security",5]' "json: 5.7.99 registered/category/class"
	is "$(printf '%s' "$out" | jq -c '[.items[2].subject_registered, .items[2].category]')" \
	    '[false,"unknown"]' "json: 5.9.1 subject unknown"
	is "$(printf '%s' "$out" | jq -r '.items[0].input')" "5.7.26" "json: input kept"
	is "$(printf '%s' "$out" | jq -r '.registry')" "builtin 2024-12-06, 81 codes" "json: registry"
else
	ok 0 "# SKIP jq not installed"
fi

run "$ESC" explain --registry "$top_srcdir/tests/data/registry/newer.csv" 5.7.31
like "$out" 'Hypothetical new code' "--registry: codes from the file"
run "$ESC" explain --registry /nonexistent.csv 5.7.1
is "$rc" 2 "--registry missing file: exit 2"
like "$err" 'cannot open' "--registry missing file: message"

run "$ESC" explain --bogus 5.7.1
is "$rc" 2 "unknown option: exit 2"
run "$ESC" explain --help
is "$rc" 0 "--help: exit 0"
like "$out" '^usage: esc explain' "--help: usage"
run "$ESC" -V
like "$out" '^esc [0-9.]+ \(registry builtin 2024-12-06, 81 codes\)' "-V: version and registry date"
done_testing

#!/bin/bash
# t-check.sh - esc check: findings, exit status, --strict, --stage, --mta,
# standard input with multi-line replies, JSON output.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run "$ESC" check '550 5.7.23 SPF validation failed'
is "$rc" 0 "clean reply: exit 0"
is "$out" "550 5.7.23 SPF validation failed: ok" "clean reply: ok"

run "$ESC" check '550 4.7.1 x'
is "$rc" 1 "class mismatch: exit 1"
like "$out" '1:5: error: class-mismatch: enhanced code class 4 contradicts reply code 550' "class mismatch: message"
like "$out" 'did you mean 451 4\.7\.1 or 550 5\.7\.1\?' "class mismatch: suggestion"

run "$ESC" check '550 5.7.99 x'
is "$rc" 0 "unregistered: a warning, exit 0"
like "$out" 'warning: unregistered' "unregistered: warning"
run "$ESC" check --strict '550 5.7.99 x'
is "$rc" 1 "unregistered with --strict: exit 1"
like "$out" 'error: unregistered' "--strict shows it as an error"

run "$ESC" check --stage mail '550 5.1.1 user unknown'
like "$out" 'warning: stage-subject' "--stage mail: 5.1.1 flagged"
run "$ESC" check --stage rcpt '550 5.1.1 user unknown'
is "$out" "550 5.1.1 user unknown: ok" "--stage rcpt: 5.1.1 fine"
run "$ESC" check --stage nowhere '550 5.1.1 x'
is "$rc" 2 "unknown stage: exit 2"

run "$ESC" check --mta postfix '550 5.7.1 100% sure'
is "$rc" 0 "lone %: only a warning"
like "$out" 'warning: text-percent' "lone %: finding"
like "$out" 'postfix at rcpt: 550 5\.7\.1 100 sure' "lone %: what Postfix shows"

run "$ESC" check --mta sendmail '550 5.7.1 100% sure'
like "$out" 'sendmail at rcpt: 550 5\.7\.1 Command rejected' "lone %: what Sendmail shows"

run "$ESC" check --mta all '550 4.7.1 x'
like "$out" 'postfix at rcpt: 451 4\.3\.5 Server configuration problem - try again later' "mismatch: Postfix 451 4.3.5"
like "$out" 'sendmail at rcpt: 550 4\.7\.1 <recipient>\.\.\. x' "mismatch: Sendmail passes it"

run "$ESC" check --mta postfix '250 2.0.0 ok'
is "$rc" 1 "2xx through a milter: exit 1"
like "$out" 'error: not-failure' "2xx: not-failure"
like "$out" 'nothing can be sent' "2xx: nothing sent"
run "$ESC" check '250 2.0.0 ok'
is "$rc" 0 "2xx without --mta is a valid reply"

# Standard input: NNN- lines continue a reply; blank lines are skipped.
run "$ESC" check - <<'IN'
550-5.7.1 first line
550 5.7.1 second line

451 4.7.1 try later
550-5.7.1 a
551 5.7.1 b
IN
is "$rc" 1 "stdin: exit 1 (one bad reply)"
like "$out" '^550-5\.7\.1 first line' "stdin: multi-line reply kept together"
like "$out" 'second line: ok' "stdin: multi-line reply ok"
like "$out" '451 4\.7\.1 try later: ok' "stdin: second reply"
like "$out" '2:1: error: multiline-mismatch' "stdin: bad line of a multi-line reply"
like "$out" '3 replies: 1 errors, 0 warnings, 0 notes' "stdin: summary"

printf '550 5.7.1 a\r\n550 5.7.1\tb\r\n' | { run "$ESC" check -; echo "$out" > "$TMPBASE/esc-crlf.$$"; }
like "$(cat "$TMPBASE/esc-crlf.$$")" '2 replies: 0 errors' "stdin: CRLF lines and tabs"
rm -f "$TMPBASE/esc-crlf.$$"

printf '550 5.7.1 nul\000here\n' | { run "$ESC" check --format json -; echo "$out" > "$TMPBASE/esc-nul.$$"; }
if command -v jq >/dev/null; then
	is "$(jq -r '.replies[0].findings[0].id' < "$TMPBASE/esc-nul.$$")" "text-control" "stdin: NUL byte found"
	printf '550 5.7.1 bad \377 byte\n' | "$ESC" check --format json - > "$TMPBASE/esc-bad.$$"
	is "$(jq -r '.replies[0].input' < "$TMPBASE/esc-bad.$$")" '550 5.7.1 bad \xff byte' "json: invalid UTF-8 escaped"
	run "$ESC" check --format json --mta postfix '550 4.7.1 x' '550 5.7.23 SPF validation failed'
	is "$rc" 1 "json: exit 1"
	is "$(printf '%s' "$out" | jq -c '[.count, .errors, .replies[0].valid, .replies[1].valid]')" '[2,1,false,true]' "json: counts and validity"
	is "$(printf '%s' "$out" | jq -r '.replies[0].findings[0].id + " " + .replies[0].findings[0].suggestion')" \
	    "class-mismatch 451 4.7.1 or 550 5.7.1" "json: finding and suggestion"
	is "$(printf '%s' "$out" | jq -r '.replies[0].mta[0].reply[0]')" \
	    "451 4.3.5 Server configuration problem - try again later" "json: mta reply"
	is "$(printf '%s' "$out" | jq -r '.replies[0].mta[0].milter_disabled')" "true" "json: mta flags"
else
	ok 0 "# SKIP jq not installed"
fi
rm -f "$TMPBASE/esc-nul.$$" "$TMPBASE/esc-bad.$$"

run "$ESC" check
is "$rc" 2 "no reply: exit 2"
run "$ESC" check --mta exim '550 5.7.1 x'
is "$rc" 2 "unknown MTA: exit 2"
run "$ESC" check ''
is "$rc" 1 "empty reply: exit 1"
like "$out" 'reply-syntax: empty reply' "empty reply: message"
done_testing

#!/bin/bash
# t-config-check.sh - esc-milter -n: every finding as FILE:LINE: severity:
# id: message, exit 0 if the daemon would start and 1 if not; and the
# daemon refuses to start on a bad file.
. "${top_srcdir:-.}/tests/cli/lib.sh"
MILTER="${top_builddir:-.}/src/milter/esc-milter"
T=$(mktemp -d "${TMPDIR:-/tmp}/esc-n.XXXXXX")
trap 'rm -rf "$T"' EXIT

cat > "$T/mismatch.conf" <<'EOF2'
# class contradicts the reply code
rule greylist
    if = client-name = unknown
    reply = 550 4.7.1 Try again later
EOF2
run "$MILTER" -n -c "$T/mismatch.conf"
is "$rc" 1 "550 4.7.1: would not start"
like "$out" "^$T/mismatch.conf:4: error: class-mismatch: rule greylist: enhanced code class 4 contradicts reply code 550" "550 4.7.1: FILE:LINE: error: class-mismatch"
like "$out" 'did you mean 451 4\.7\.1 or 550 5\.7\.1\?' "550 4.7.1: suggestion"
like "$out" 'esc-milter would not start$' "550 4.7.1: summary"

cat > "$T/unreg.conf" <<'EOF2'
rule custom
    if = sender-domain = example.com
    reply = 550 5.7.99 Custom policy
EOF2
run "$MILTER" -n -c "$T/unreg.conf"
is "$rc" 1 "unregistered code: would not start"
like "$out" "^$T/unreg.conf:3: error: unregistered: rule custom: 5\.7\.99 is not registered.*allow-unregistered = yes" "unregistered: FILE:LINE and how to allow it"
printf '    allow-unregistered = yes\n' >> "$T/unreg.conf"
run "$MILTER" -n -c "$T/unreg.conf"
is "$rc" 0 "allow-unregistered = yes: would start"
like "$out" "^$T/unreg.conf:3: warning: unregistered" "allow-unregistered: still a warning"

cat > "$T/percent.conf" <<'EOF2'
rule sure
    if = recipient = x@example.com
    reply = 550 5.7.1 We are 100% sure
EOF2
run "$MILTER" -n -c "$T/percent.conf"
is "$rc" 0 "lone %: the daemon escapes it, so it would start"
like "$out" "^$T/percent.conf:3: warning: text-percent: rule sure: lone '%' in the reply text" "lone %: FILE:LINE: warning: text-percent"
like "$out" 'configuration OK \(1 rule, 1 warning, 0 notes\)' "lone %: summary"

cat "$T/mismatch.conf" "$T/percent.conf" > "$T/all.conf"
printf 'rule custom\n    if = helo = x\n    reply = 550 5.7.99 Custom\n' >> "$T/all.conf"
run "$MILTER" -n -c "$T/all.conf"
is "$rc" 1 "all three: refused"
is "$(printf '%s\n' "$out" | grep -c "^$T/all.conf:[0-9]*: ")" 3 "all three: three diagnostics"
like "$out" "all.conf:4: error: class-mismatch" "all three: class-mismatch at line 4"
like "$out" "all.conf:7: warning: text-percent" "all three: text-percent at line 7"
like "$out" "all.conf:10: error: unregistered" "all three: unregistered at line 10"
like "$out" '2 errors, 1 warning, 0 notes: esc-milter would not start' "all three: summary"

# A bad file is refused at start too, with the same diagnostics.
run "$MILTER" -f -c "$T/mismatch.conf"
is "$rc" 1 "start with errors: exit 1"
like "$err" 'mismatch.conf:4: error: class-mismatch' "start with errors: diagnostics on stderr"
like "$err" 'not starting \(esc-milter -n -c .*mismatch.conf lists them\)' "start with errors: says how to see them"

run "$MILTER" -n -c "$T/nonexistent.conf"
is "$rc" 1 "missing file: exit 1"
like "$out" 'cannot read .*nonexistent.conf: No such file or directory' "missing file: says so"

printf 'socket = inet:8895@127.0.0.1\nlog = stdout\n' > "$T/ok.conf"
run "$MILTER" -n -c "$T/ok.conf"
is "$rc" 0 "settings only: would start"
is "$out" "$T/ok.conf: configuration OK (0 rules, 0 warnings, 0 notes)
$T/ok.conf: steps asked of the MTA: CONNECT (no reply), HELO (no reply), MAIL (no reply), RCPT (and the rejected ones, no reply), DATA, end of message; skipped: headers, end of headers, body, unknown commands" \
    "settings only: the summary and the steps asked of the MTA"
printf 'rule spf\n    if = header Received-SPF ~ /fail/\n    reply = 550 5.7.23 SPF\nrule r\n    if = recipient = x@y.example\n    reply = 550 5.1.1 No\n' > "$T/hdr.conf"
run "$MILTER" -n -c "$T/hdr.conf"
like "$out" 'steps asked of the MTA: CONNECT \(no reply\), HELO \(no reply\), MAIL \(no reply\), RCPT \(and the rejected ones\), DATA, headers \(no reply\), end of message; skipped: end of headers, body, unknown commands$' \
    "a header rule and a recipient rule: headers without replies, RCPT answered"

run "$MILTER" -V
like "$out" '^esc-milter [0-9.]+ \(registry builtin 2024-12-06, 81 codes\)' "-V: version and registry date"
run "$MILTER" -h
like "$out" '^usage: esc-milter' "-h: usage"
like "$out" 'HUP/USR1 reload' "-h: signals"
run "$MILTER" -x
is "$rc" 2 "unknown option: exit 2"
run "$MILTER" -n extra
is "$rc" 2 "operand: exit 2"
# The configuration the Debian package installs is valid and rejects nothing.
run "$MILTER" -n -c "$top_srcdir/debian/conf/esc-milter.conf"
is "$rc" 0 "debian/conf/esc-milter.conf: valid"
like "$out" 'configuration OK \(0 rules, 0 warnings, 0 notes\)' "debian/conf/esc-milter.conf: no rules, no findings"
done_testing

#!/bin/bash
# t-lint-sendmail.sh - esc lint on a Sendmail configuration, checked
# against a real Sendmail 8.17: a .mc with LOCAL_RULESETS and reply
# messages is built into a .cf with Sendmail's own m4 files, both are
# linted (the .mc, and the .cf with its Kaccess database), and the client
# of `sendmail -bs` sees exactly what the findings say: a rule's
# "$@ 4.7.1" with "550" reaches the client as written, and a REJECT
# without a code in confREJECT_MSG gets X.0.0.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init lint-sendmail
sendmail_need
MAKEMAP=$SM_ROOT/usr/libexec/sendmail/makemap
[ -x "$MAKEMAP" ] || skip_all "makemap not in the Sendmail rig"

printf 'To:z@acc.example\tERROR:4.7.1:550 Wrong class\n' > "$T/access"
sendmail_cf lint <<MC || exit 1
define(\`confREJECT_MSG', \`"550 Access denied"')dnl
FEATURE(\`access_db', \`hash -T<TMPF> -o $T/access.db')dnl
FEATURE(\`blocklist_recipients')dnl
dnl The test's map lives under /tmp (world-writable): let Sendmail open it.
define(\`confDONT_BLAME_SENDMAIL', \`MapInUnsafeDirPath,GroupWritableDirPathSafe')dnl
LOCAL_RULESETS
SLocal_check_rcpt
R\$*	\$: \$>canonify \$1
R\$* < @ old.example \$* > \$*	\$#error \$@ 4.7.1 \$: "550 Go away"
R\$* < @ blocked.example \$* > \$*	\$#error \$: "550 Blocked here"
MC
SM_CF="$T/sm/lint.cf"
"$MAKEMAP" -C "$SM_CF" hash "$T/access" < "$T/access" || skip_all "makemap failed"

# What esc lint says of the .mc and of the .cf
run "$ESC" lint --format json "$T/sm/lint.mc"
mc=$out
is "$(printf '%s' "$mc" | jq -r '.files[0].type')" sendmail-mc "the .mc is read as one"
is "$(printf '%s' "$mc" | jq -r '[.files[0].diagnostics[] | select(.file | endswith("lint.mc")) | "\(.severity) \(.id)"] | join(",")')" \
    "note xcode-missing,error class-mismatch,note xcode-missing" "the .mc: REJECT message without an enhanced code, the 4.7.1 with 550, the rule without one"
is "$(printf '%s' "$mc" | jq -r '.files[0].tables[0] | "\(.kind) \(.status) \(.path)"')" \
    "sendmail-access read $T/access" "FEATURE(\`access_db'): the makemap source is read"
is "$(printf '%s' "$mc" | jq -r '[.files[0].diagnostics[] | select(.file | endswith("/access")) | "\(.line) \(.severity) \(.id)"] | join(",")')" \
    "1 error class-mismatch" "and linted as a Sendmail access file"
run "$ESC" lint --format json "$SM_CF"
cf=$out
is "$(printf '%s' "$cf" | jq -r '.files[0].type')" sendmail-cf "the .cf is read as one"
is "$(printf '%s' "$cf" | jq -r '[.files[0].diagnostics[] | select(.severity == "error") | .id] | join(",")')" \
    "class-mismatch,class-mismatch" "the .cf: the rule and the access entry, no error in Sendmail's own rules"
like "$(printf '%s' "$cf" | jq -r '.files[0].diagnostics[] | select(.id == "xcode-missing") | .effective')" \
    '550 5\.0\.0 Access denied' "the .cf: REJECT's message without a code: the client sees 550 5.0.0"

# What the client of a real Sendmail sees
out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<x@old.example>
RCPT TO:<y@blocked.example>
QUIT
S
)
like "$out" '^RCPT 550 4\.7\.1 <x@old\.example>\.\.\. Go away$' \
    "Sendmail sends \$@ 4.7.1 with 550 as written: the contradiction esc lint calls an error"
like "$out" '^RCPT 550 5\.0\.0 <y@blocked\.example>\.\.\. Blocked here$' \
    "a rule without an enhanced code: Sendmail adds 5.0.0, as the note says"
out=$(sendmail_smtp <<'S'
EHLO client.test
MAIL FROM:<a@src.example>
RCPT TO:<z@acc.example>
QUIT
S
)
like "$out" '^RCPT 550 4\.7\.1 <z@acc\.example>\.\.\. Wrong class$' "the access entry ERROR:4.7.1:550 reaches the client as written"
e2e_done

# lib.sh - TAP helpers for the shell tests (bash).
#
#	run CMD...		run, keep stdout in $out, stderr in $err, status in $rc
#	is GOT WANT NAME	string equality
#	like GOT REGEX NAME	extended regex match
#	ok STATUS NAME		0 = pass
#	skip_all REASON
#	done_testing

tap_n=0
tap_fail=0
: "${ESC:=${top_builddir:-.}/src/cli/esc}"
: "${top_srcdir:=.}"
TMPBASE=${TMPDIR:-/tmp}
# The shared test corpus and registry (real bounces, logs, configurations)
# are not part of the repository: $ESC_SHARED_DIR, else ../shared beside
# the source tree.  Without them the tests that need them skip and say so.
SHARED=${ESC_SHARED_DIR:-$top_srcdir/../shared}

# skip_no_shared PATH - the TAP skip for a missing part of the corpus
skip_no_shared() {
	ok 0 "# SKIP $1 is not here: the shared corpus is not part of the repository (set ESC_SHARED_DIR to the directory holding corpus/ and registry/)"
}

# maillog_corpus DIR - the real logs of $SHARED/corpus/maillogs as DIR/c.N.log
# (the plain logs, the Postfix test suites' expected lines composed into
# log lines by maillog_oracle.py, and the postfix-logsums log); prints N.
# The corpus must be there (test it first).
maillog_corpus() {
	local corpus=$SHARED/corpus/maillogs n=0 f m
	while IFS= read -r f; do
		cp "$corpus/$f" "$1/c.$n.log"
		n=$((n + 1))
	done < <(cd "$corpus" && find . -type f \( -name '*.log' -o -name log -o \
	    -name data \) ! -name '*messages.log' | sort)
	for m in postfix-grok-patterns/messages logwatch/postfix-TD-messages \
	    postfix-source/test-ref-messages postfix-parser/index-messages; do
		"${PYTHON:-python3}" "$top_srcdir/tests/cli/maillog_oracle.py" \
		    compose "$corpus/$m.log" "$corpus/$m.tsv" > "$1/c.$n.log"
		n=$((n + 1))
	done
	xz -dc "$corpus/postfix-logsums/mail.log.xz" > "$1/c.$n.log"
	echo $((n + 1))
}

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n' "$1" | sed '2,$s/^/#         /'
		printf '#   want: %s\n' "$2" | sed '2,$s/^/#         /'
	fi
}

like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n' "$1" | head -20 | sed '2,$s/^/#         /'
		printf '#   want match: %s\n' "$2"
	fi
}

unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   got:  %s\n' "$1" | head -20 | sed '2,$s/^/#         /'
		printf '#   must not match: %s\n' "$2"
	else
		ok 0 "$3"
	fi
}

run() {
	local e
	e=$(mktemp "$TMPBASE/esc-err.XXXXXX")
	out=$("$@" 2>"$e")
	rc=$?
	err=$(cat "$e")
	rm -f "$e"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_fail" = 0 ]
}

# sanitized FILE - FILE was built with AddressSanitizer or ThreadSanitizer
# (memory figures then measure the sanitizer's shadow memory, not the
# program)
sanitized() {
	ldd "$1" 2>/dev/null | grep -Eq 'libasan|libtsan'
}

#!/bin/bash
# t-fuzz-regress.sh - replay every fuzz target's seeds and every input that
# once crashed it (tests/fuzz/regress/TARGET) through the same entry point,
# built as a plain program.  Under --enable-sanitizers (CI) the replays run
# with ASan and UBSan, so a fixed overflow that came back is caught.
. "${top_srcdir:-.}/tests/cli/lib.sh"
: "${top_builddir:=.}"
F="$top_srcdir/tests/fuzz"
shared=${ESC_SHARED_DIR:-$top_srcdir/../shared}
for t in reply csv config event dsn milter regex maillog trace; do
	args=("$F/corpus/$t" "$F/regress/$t")
	[ "$t" = dsn ] && [ -d "$shared/corpus/bounces" ] && args+=("$shared/corpus/bounces")
	run "$top_builddir/tests/fuzz/fuzz_$t" "${args[@]}"
	is "$rc" 0 "fuzz target $t: $(printf '%s' "$out" | sed 's/.*: //')"
	[ "$rc" = 0 ] || printf '%s\n' "$err" | tail -20 | sed 's/^/#   /'
done
n=$(find "$F/regress" -type f ! -name .keep | wc -l)
ok $([ "$n" -ge 3 ]; echo $?) "$n regression inputs kept from fuzzing"
done_testing

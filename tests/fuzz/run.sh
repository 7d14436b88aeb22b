#!/bin/bash
# run.sh - fuzz every target with libFuzzer for a while.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]    default: 60 s each, all targets
#
# Builds an instrumented copy of the sources in _fuzz/src (clang,
# --enable-fuzzing, --enable-sanitizers: ASan + UBSan), then runs each target on a working
# copy of its seeds (tests/fuzz/corpus/TARGET; for dsn also the real
# bounces in ../shared/corpus/bounces when present).  A crash stops the run
# with exit 1; the input is in _fuzz/crashes/TARGET/.  Keep it: copy it to
# tests/fuzz/regress/TARGET/ once fixed, and `make check` replays it for
# ever (tests/fuzz/t-fuzz-regress.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
shift || true
targets=${*:-reply csv config event dsn milter regex maillog trace}
b="$top/_fuzz"
CC=${CC:-clang}

command -v "$CC" >/dev/null || { echo "run.sh: $CC not installed (Debian: clang libfuzzer-14-dev)" >&2; exit 2; }
# A copy of the sources (tracked and new files), so the tree itself may
# stay configured for an ordinary build.
mkdir -p "$b/src"
(cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null ||
    find . -path ./_fuzz -prune -o -type f -print0) |
    (cd "$top" && xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$b/src"
if [ ! -f "$b/src/Makefile" ] || [ "$b/src/configure.ac" -nt "$b/src/Makefile" ] ||
    [ "$b/src/Makefile.am" -nt "$b/src/Makefile" ]; then
	(cd "$b/src" && autoreconf -fi >/dev/null 2>&1 &&
	    ./configure CC="$CC" --enable-fuzzing --enable-sanitizers >/dev/null)
fi
for t in $targets; do
	make -C "$b/src" -j"$(nproc)" "tests/fuzz/fuzz_$t" >/dev/null
done

shared=${ESC_SHARED_DIR:-$top/../shared}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
for t in $targets; do
	work="$b/corpus/$t"
	crashes="$b/crashes/$t"
	mkdir -p "$work" "$crashes"
	cp -n "$top/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
	extra=()
	if [ "$t" = dsn ] && [ -d "$shared/corpus/bounces" ]; then
		extra=("$shared/corpus/bounces")
	fi
	dict=()
	[ -f "$top/tests/fuzz/$t.dict" ] && dict=("-dict=$top/tests/fuzz/$t.dict")
	echo "==> fuzz_$t for ${secs}s"
	if ! (cd "$crashes" && "$b/src/tests/fuzz/fuzz_$t" -max_total_time="$secs" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    "${dict[@]}" "$work" "${extra[@]}" > "$b/fuzz_$t.log" 2>&1); then
		echo "fuzz_$t FAILED; input and log:" >&2
		ls -la "$crashes" >&2
		grep -E 'ERROR|SUMMARY|invariant|runtime error' "$b/fuzz_$t.log" | head -20 >&2
		rc=1
		continue
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$b/fuzz_$t.log" | sed 's/^/    /'
	echo "    corpus: $(ls "$work" | wc -l) inputs"
done
exit "$rc"

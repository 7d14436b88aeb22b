#!/bin/bash
# t-layering.sh - the layers stay apart: src/util knows nothing about mail,
# src/core has no libmilter, no syslog and no exit (errors are returned to
# the front ends, which decide what to do), and neither includes a header
# of the layers above.  Checked on the sources (includes) and on the
# libraries as built (undefined symbols), so a call hidden behind a macro
# is caught too.
. "${top_srcdir:-.}/tests/cli/lib.sh"
: "${top_builddir:=.}"

# includes - files of DIR that include a header matching REGEX
includes() {
	grep -l -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" \
	    "$top_srcdir/$1"/*.[ch] 2>/dev/null | sed "s|$top_srcdir/||"
}

is "$(includes src/core 'libmilter/|mfapi\.h')" "" "src/core includes no libmilter header"
is "$(includes src/util 'libmilter/|mfapi\.h')" "" "src/util includes no libmilter header"
milter_h=$(cd "$top_srcdir/src/milter" && ls *.h | paste -sd'|' | sed 's/\./\\./g')
cli_h=$(cd "$top_srcdir/src/cli" && ls *.h | paste -sd'|' | sed 's/\./\\./g')
is "$(includes src/core "$milter_h|$cli_h")" "" "src/core includes nothing of src/milter or src/cli"
core_h=$(cd "$top_srcdir/src/core" && ls *.h | paste -sd'|' | sed 's/\./\\./g')
is "$(includes src/util "$core_h|$milter_h|$cli_h")" "" "src/util includes nothing of the layers above"

command -v nm >/dev/null || { done_testing; exit; }
# undefined - the forbidden symbols a library's objects call
undefined() {
	nm -u "$top_builddir/$1" 2>/dev/null |
	    awk '{print $NF}' | sed 's/@.*//' |
	    grep -E '^(exit|_exit|_Exit|abort|syslog|vsyslog|openlog|closelog|smfi_[a-z_]+)$' |
	    sort -u | paste -sd' '
}
for lib in src/core/libcore.a src/util/libutil.a; do
	[ -f "$top_builddir/$lib" ] || { ok 1 "$lib is built"; continue; }
	is "$(undefined "$lib")" "" "$lib calls no exit, abort, syslog or libmilter function"
done
# and the check itself would notice: the daemon's adapter does call them
like "$(undefined src/milter/libadapter.a)" 'smfi_' "the check sees libmilter calls where they are (the adapter)"
done_testing

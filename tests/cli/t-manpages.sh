#!/bin/bash
# t-manpages.sh - the man pages render without warnings (mandoc -Tlint,
# else groff -ww, whose warnings must be empty because it exits 0 anyway).
. "${top_srcdir:-.}/tests/cli/lib.sh"

pages=$(ls "$top_builddir"/docs/*.[158] 2>/dev/null)
[ -n "$pages" ] || skip_all "no man pages built"
for p in $pages; do
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -W warning "$p" 2>&1)
	elif command -v groff >/dev/null; then
		out=$(groff -mdoc -ww -z "$p" 2>&1)
	else
		skip_all "neither mandoc nor groff installed"
	fi
	is "$out" "" "$(basename "$p") renders cleanly"
done
done_testing

#!/bin/bash
# t-version.sh - the version comes from one place (AC_INIT in
# configure.ac): both programs, the man pages, NEWS and debian/changelog
# agree, and -V names the registry snapshot.
. "${top_srcdir:-.}/tests/cli/lib.sh"
: "${top_builddir:=.}"
ver=$(sed -n 's/^AC_INIT(\[esc-milter\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
like "$ver" '^[0-9]+\.[0-9]+\.[0-9]+$' "configure.ac: version $ver"

run "$ESC" -V
like "$out" "^esc $ver \\(registry builtin [0-9]{4}-[0-9]{2}-[0-9]{2}, [0-9]+ codes\\)$" "esc -V: version and registry date"
run "$top_builddir/src/milter/esc-milter" -V
like "$out" "^esc-milter $ver \\(registry builtin [0-9]{4}-[0-9]{2}-[0-9]{2}, [0-9]+ codes\\)$" "esc-milter -V: version and registry date"
is "$rc" 0 "esc-milter -V exits 0"

deb=$(sed -n '1s/^esc-milter (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
is "$deb" "$ver" "debian/changelog's first entry is $ver"
like "$(sed -n 3p "$top_srcdir/NEWS")" "^$ver " "NEWS starts with $ver"
for m in esc.1 esc-milter.8 esc-milter.conf.5; do
	like "$(sed -n '/^\.Os/p' "$top_builddir/docs/$m")" "esc-milter $ver" "$m: .Os carries $ver"
done
done_testing

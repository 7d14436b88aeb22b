# gen_registry.awk - turn registry.tsv into C source for the built-in table.
#
# Usage: awk -f gen_registry.awk registry.tsv > registry_builtin.c
# Fails (exit 1, file:line message on stderr) on a malformed line, so a bad
# data change breaks the build instead of shipping a broken table.

function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

BEGIN {
	FS = "\t"
	snapshot = ""
	n = 0
}

/^#/ || /^[ \t]*$/ { next }

/^@snapshot / {
	snapshot = $0
	sub(/^@snapshot[ \t]+/, "", snapshot)
	if (snapshot !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/)
		fail("snapshot date must be YYYY-MM-DD")
	next
}

{
	if (NF != 5)
		fail("expected 5 TAB-separated columns, found " NF)
	if ($1 !~ /^X\.[0-9]+\.[0-9]+$/)
		fail("code must look like X.7.23, found \"" $1 "\"")
	if ($5 != "current" && $5 !~ /^deprecated X\.[0-9]+\.[0-9]+$/)
		fail("status must be \"current\" or \"deprecated X.S.D\"")
	if ($1 in seen)
		fail("duplicate code " $1)
	seen[$1] = 1
	row[n++] = sprintf("\t{ %s, %s, %s, %s, %s },", cstr($1), cstr($2),
	    cstr($3), cstr($4), cstr($5))
}

END {
	if (failed)
		exit 1
	if (snapshot == "") {
		printf "%s: no @snapshot line\n", FILENAME > "/dev/stderr"
		exit 1
	}
	print "/* registry_builtin.c - generated from registry.tsv by gen_registry.awk. */"
	print "/* Do not edit: change registry.tsv and rebuild. */"
	print "#include \"config.h\""
	print ""
	print "#include <stddef.h>"
	print ""
	print "#include \"registry.h\""
	print ""
	printf "const char registry_builtin_snapshot[] = \"%s\";\n\n", snapshot
	print "const struct registry_row registry_builtin_rows[] = {"
	for (i = 0; i < n; i++)
		print row[i]
	print "\t{ NULL, NULL, NULL, NULL, NULL }"
	print "};"
}

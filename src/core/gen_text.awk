# gen_text.awk - a text file as a C string constant, for data that is
# parsed at run time by the same reader that reads a replacement file.
#
# Usage: awk -v name=IDENT -f gen_text.awk FILE > FILE.c
# Defines: const char IDENT[]; const size_t IDENT_len (without the NUL).

function cstr(s) {
	# "&" is the matched text: the backslash doubled, the quote and the
	# TAB written as escapes (portable to mawk and gawk alike)
	gsub(/\\/, "&&", s)
	gsub(/"/, "\\\\&", s)
	gsub(/\t/, "\\\\t", s)
	return "\"" s "\\n\""
}

BEGIN {
	if (name == "") {
		print "gen_text.awk: give -v name=IDENT" > "/dev/stderr"
		exit 1
	}
	print "/* Generated from " ARGV[1] " by gen_text.awk; do not edit. */"
	print "#include <stddef.h>"
	print ""
	print "extern const char " name "[];"
	print "extern const size_t " name "_len;"
	print "const char " name "[] ="
	n = 0
}

{
	print "\t" cstr($0)
	n++
}

END {
	if (n == 0)
		print "\t\"\""
	print "\t;"
	print "const size_t " name "_len = sizeof " name " - 1;"
}

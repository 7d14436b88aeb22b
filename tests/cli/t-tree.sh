#!/bin/bash
# t-tree.sh - the tree as a user's clone gets it: it names no directory of
# the machine it was developed on (a clone has the repository and nothing
# else; the shared corpus comes through ESC_SHARED_DIR or ../shared), and
# every C source stays a small file of one concept (under 700 lines, as
# the rest of the tree is cut).
. "${top_srcdir:-.}/tests/cli/lib.sh"

# files - the tracked files (a git clone), else every file (a tarball)
files() {
	if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$top_srcdir" ls-files | sed "s|^|$top_srcdir/|"
	else
		find "$top_srcdir" -type f ! -path '*/autom4te.cache/*' \
		    ! -name 'config.*' ! -name 'configure' ! -name '*.in' \
		    ! -name 'Makefile' ! -name '*.o' ! -name '*.a' ! -name '*.log' \
		    ! -name '*.trs'
	fi
}

# Home and work directories of a development machine (work, home, root,
# Users at the top of the file system) and the running user's own home.
pat='(^|[^A-Za-z0-9_.~$-])/(work|home|root|Users)/'
[ -n "${HOME:-}" ] && [ "$HOME" != / ] && pat="$pat|$(printf '%s' "$HOME" | sed 's/[.[\*^$()+?{|]/\\&/g')/"
hits=$(files | while IFS= read -r f; do
	[ -f "$f" ] && grep -IHnE "$pat" "$f" 2>/dev/null
done | sed "s|^$top_srcdir/||" | head -20)
is "$hits" "" "no file names a directory of the development machine"

# and the check sees one where there is one
probe=$(mktemp "$TMPBASE/esc-tree.XXXXXX")
printf 'for d in "$ESC_SHARED_DIR" ../shared /%s/shared; do\n' work > "$probe"
ok $(grep -qE "$pat" "$probe"; echo $?) "the check finds a fixed path to the corpus"
rm -f "$probe"

long=$(files | grep -E '\.[ch]$' | while IFS= read -r f; do
	[ -f "$f" ] || continue
	n=$(wc -l < "$f")
	[ "$n" -ge 700 ] && echo "${f#"$top_srcdir"/}: $n lines"
done)
is "$long" "" "every C source is under 700 lines"
done_testing

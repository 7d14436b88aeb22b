#!/bin/bash
# t-events-schema.sh - docs/events.schema.json: a valid draft-7 schema, the
# examples in docs/events.md conform, mutated events are refused, and its
# finding ids are the ones esc(1) documents.  (The end-to-end tests
# validate every event they produce against it: e2e_done in lib.sh.)
. "${top_srcdir:-.}/tests/cli/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
"$PY" -c 'import jsonschema' 2>/dev/null ||
    skip_all "python3-jsonschema not installed (Debian: apt-get install python3-jsonschema)"
S="$top_srcdir/docs/events.schema.json"
CHECK="$top_srcdir/tests/e2e/check_events.py"
W=$(mktemp -d "$TMPBASE/esc-schema.XXXXXX")
trap 'rm -rf "$W"' EXIT

awk '/^```json$/ {on = 1; next} /^```$/ {on = 0} on' "$top_srcdir/docs/events.md" > "$W/examples"
n=$(wc -l < "$W/examples")
ok $([ "$n" -ge 7 ]; echo $?) "docs/events.md has $n example events"
run "$PY" "$CHECK" "$S" "$W/examples"
is "$rc" 0 "the examples in docs/events.md match the schema"
like "$out" 'config 1, dsn 1, reply 6, stats 1, violation 1' "one example of every event (and an asynchronous bounce's reply)"

# refused GOOD LABEL - each "name|jq filter" line on standard input turns
# GOOD into an event the schema must refuse
i=0
refused() {
	local name filter
	while IFS='|' read -r name filter; do
		i=$((i + 1))
		printf '%s\n' "$1" | jq -c "$filter" > "$W/bad$i"
		run "$PY" "$CHECK" "$S" "$W/bad$i"
		is "$rc" 1 "refused$2: $name"
	done
}

# Mutations of a valid event must be refused.
refused "$(sed -n 1p "$W/examples")" "" <<'M'
unknown field|.extra = 1
missing field|del(.category)
unknown category|.category = "spam"
unknown finding id|.findings = ["made-up"]
bad timestamp|.ts = "2026-11-29 09:21:26"
class 3|.class = 3
bad enhanced code|.reply.xcode = "5.07.1"
unknown event|.event = "hello"
action accept|.action = "accept"
client without helo|del(.client.helo)
M
# ... and of an event from the MTA's log.
refused "$(grep -m1 '"source":"remote"' "$W/examples")" " (from the log)" <<'M'
a rule name|.rule = "r"
a session|.session = "s1"
an unknown mode|.mode = "sometimes"
unknown direction|.direction = "sideways"
no log line|del(.log.line)
line 0|.log.line = 0
source milter (esc-milter's own events have no log)|.source = "milter"
remote without domain|del(.remote.domain)
M
printf 'not json\n' > "$W/notjson"
run "$PY" "$CHECK" "$S" "$W/notjson"
is "$rc" 1 "refused: a line that is not JSON"

# Finding ids: the schema's list is esc(1)'s list.
schema_ids=$(jq -r '.definitions.finding_id.enum[]' "$S" | sort)
man_ids=$(sed -n 's/^\.It Sy \([a-z-]*\)$/\1/p' "$top_srcdir/docs/esc.1.in" | sort -u)
is "$schema_ids" "$man_ids" "finding ids in the schema = finding ids in esc(1)"
done_testing

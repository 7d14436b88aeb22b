#!/bin/bash
# t-lint-follow.sh - esc lint follows a Postfix configuration as Postfix
# reads it: main.cf, master.cf with -o overrides, $parameter expansion,
# restriction classes, every table linted for where it is used; --root;
# tables given alone typed from their content (each misguess of the past
# is a case); SARIF checked by Microsoft's SARIF Multitool.
. "${top_srcdir:-.}/tests/cli/lib.sh"
d="$top_srcdir/tests/data/lint"
root="$d/follow"
cf="$root/etc/postfix"
t=$(mktemp -d "$TMPBASE/esc-follow.XXXXXX")
trap 'rm -rf "$t"' EXIT

# Every diagnostic of the fixture configuration, file:line:col sev id.
got=$("$ESC" lint --root "$root" "$cf" 2>/dev/null | sed "s|^$cf/||" |
    awk -F': ' '{print $1": "$2": "$3}')
is "$got" "client.cidr:1:21: warning: class-mismatch
client.cidr:1:21: warning: class-mismatch
header_checks:2:28: warning: unregistered
helo_checks.pcre:1:19: warning: class-mismatch
main.cf:16:25: note: table-not-checkable
main.cf:17:42: error: table-missing
recipient_access:2:22: warning: stage-subject
strict_senders:2:25: warning: stage-subject
submission_access:1:25: warning: class-mismatch" "followed: every table, exactly the expected diagnostics"

run "$ESC" lint --root "$root" "$cf"
is "$rc" 1 "a table that cannot be read is an error: exit 1"
like "$err" "main.cf, master.cf and 8 tables followed \(11 uses; 1 missing, 1 not checkable\)" "summary of what was followed"
# The use decides the reading: codes, stage and where it is named.
like "$out" 'client.cidr:1:21: .*smtpd_client_restrictions, main.cf:8\).*the client sees "550 5\.7\.1 <client>: Client host rejected: Listed locally"' "access_map_reject_code = 550 in main.cf"
like "$out" 'client.cidr:1:21: .*main.cf:8, service submission\).*the client sees "554 5\.7\.1' "-o access_map_reject_code=554 in the submission service"
like "$out" 'submission_access:1:25: .*master.cf:4, service submission\).*"554 5\.7\.1 <recipient>: Recipient address rejected: Use authentication"' "a table named only in a -o override"
like "$out" 'strict_senders:2:25: .*as check_sender_access in strict_senders, main.cf:6' "a restriction class is followed"
like "$out" 'helo_checks.pcre:1:19: .*"501 5\.7\.1 <helo>: Helo command rejected' "check_helo_access: the 501 reply is linted"
like "$out" 'header_checks:2:28: .*as header_checks, main.cf:20' "header_checks"
like "$out" 'table-not-checkable: proxy:mysql:/etc/postfix/mysql-senders.cf .*served by mysql' "proxy:mysql: a note"
like "$out" "table-missing: hash:/etc/postfix/missing_table .*cannot read $cf/missing_table" '${table_type} expanded, the path looked up under --root'
unlike "$out" 'rbl_reply' "the rbl_reply_maps template is fine"

run "$ESC" lint --format json --root "$root" "$cf"
is "$(printf '%s' "$out" | jq -r '.files[0].type')" postfix-config "json: type postfix-config"
is "$(printf '%s' "$out" | jq -c '[.files[0].tables[] | .status] | group_by(.) | map([.[0], length])')" \
    '[["missing",1],["not-checkable",1],["read",8],["static",1]]' "json: every table use with its status"
is "$(printf '%s' "$out" | jq -r '.files[0].tables[] | select(.spec == "hash:/etc/postfix/strict_senders") | "\(.kind) \(.stage) \(.path)"')" \
    "access mail $cf/strict_senders" "json: a use's kind, stage and the file read"
is "$(printf '%s' "$out" | jq -r '.files[0].tables[] | select(.spec == "texthash:/etc/postfix/rbl_reply") | "\(.kind) \(.stage)"')" \
    "rbl-reply null" "json: rbl_reply_maps"
is "$(printf '%s' "$out" | jq -r '[.files[0].tables[] | select(.spec | startswith("hash:") and endswith("/recipient_access"))][0].spec')" \
    "hash:$cf/recipient_access" '$config_directory is the directory given'

# The three ways to name a configuration agree.
a=$("$ESC" lint --root "$root" "$cf" 2>&1)
b=$("$ESC" lint --root "$root" "$cf/main.cf" 2>&1)
c=$("$ESC" lint --root "$root" -c "$cf" 2>&1)
is "$b" "$a" "esc lint DIR/main.cf = esc lint DIR"
is "$c" "$a" "esc lint -c DIR = esc lint DIR"

# Without --root the absolute paths are looked up as they are.
run "$ESC" lint "$cf"
like "$out" 'table-missing: cidr:/etc/postfix/client.cidr .*--root DIR looks its absolute paths up under DIR' "no --root: missing tables, with the hint"
# --type postfix-main: main.cf alone, not followed.
run "$ESC" lint --type postfix-main "$cf/main.cf"
is "$rc" 0 "--type postfix-main: main.cf alone"
unlike "$out$err" 'table-missing|followed' "--type postfix-main: no table read"
run "$ESC" lint "$root"
is "$rc" 2 "a directory without main.cf: exit 2"
like "$err" 'a Postfix configuration directory holds main.cf' "and says why"

# Real configurations (corpus), installed under a --root tree.
corpus=$SHARED/corpus/mail-configs-more
if [ -f "$corpus/README.md" ]; then
	p=$corpus/parseword-mail-config
	mkdir -p "$t/pw/etc/postfix"
	cp "$p/main.cf" "$p/header_checks" "$p/ip_cidr_checks" "$t/pw/etc/postfix/"
	run "$ESC" lint --format json --root "$t/pw" "$t/pw/etc/postfix"
	is "$(printf '%s' "$out" | jq -r '.files[0].tables[] | "\(.spec) \(.kind) \(.stage) \(.status)"' | sort)" \
	    "cidr:/etc/postfix/ip_cidr_checks access connect read
hash:/etc/postfix/recipient_whitelist access rcpt missing
regexp:/etc/postfix/header_checks checks eom read" "parseword: every table, its kind and stage"
	is "$(printf '%s' "$out" | jq -r '[.files[0].diagnostics[] | "\(.severity) \(.id)"] | unique | join(",")')" \
	    "error table-missing,warning stage-subject" "parseword: an error only for the table not in the tree (and header_checks' 5.1.1 at end of message)"
	run "$ESC" lint "$corpus/mailu"
	like "$out" 'mailu/master.cf:11:[0-9]+: note: table-not-checkable: socketmap:unix:/tmp/podop.socket:senderrate \(check_sasl_access in smtpd_client_restrictions, master.cf:11, service 10025\)' "mailu: socketmap in a master.cf override is a note"
	run "$ESC" lint --format json "$corpus/archlinux-infrastructure"
	is "$(printf '%s' "$out" | jq -r '.files[0].tables[0] | "\(.spec) \(.status)"')" \
	    "pcre:$corpus/archlinux-infrastructure/lmtp_header_checks missing" 'archlinux: ${config_directory} expanded'

	# Tables alone: the content decides; each misguess of the past.
	guess() {	# FILE -> "kind stage" from the JSON
		"$ESC" lint --format json "$1" 2>/dev/null |
		    jq -r '.files[0] | "\(.guessed.table_kind) \(.guessed.stage)"'
	}
	is "$(guess "$corpus/zentyal/helo_checks.pcre")" "access helo" "zentyal helo_checks.pcre: an access map at HELO"
	is "$(guess "$corpus/parseword-mail-config/ip_cidr_checks")" "access connect" "parseword ip_cidr_checks: a client access map"
	is "$(guess "$corpus/mail-in-a-box/postfix_outgoing_mail_header_filters")" "checks eom" "mail-in-a-box header filters: header checks"
	is "$(guess "$corpus/yunohost/smtp_reply_filter")" "reply-filter null" "yunohost smtp_reply_filter: a reply filter"
	sed 's/ 501 / 501 4.7.1 /' "$corpus/zentyal/helo_checks.pcre" > "$t/helo_checks.pcre"
	run "$ESC" lint "$t/helo_checks.pcre"
	like "$out" 'class-mismatch' "zentyal with 501 4.7.1: the contradiction is found"
	sed '0,/ REJECT/s/ REJECT.*/ REJECT 4.7.1 Listed/' "$corpus/parseword-mail-config/ip_cidr_checks" > "$t/ip_cidr_checks"
	run "$ESC" lint "$t/ip_cidr_checks"
	like "$out" 'the client sees "554 5\.7\.1' "ip_cidr_checks: REJECT is modelled as 554, an access map's"
	sed '0,/DISCARD\|IGNORE\|REJECT\|PREPEND\|REPLACE/s/\t[A-Z]\+.*/\tREJECT 4.7.1 Held/' "$corpus/mail-in-a-box/postfix_outgoing_mail_header_filters" > "$t/postfix_outgoing_mail_header_filters"
	run "$ESC" lint "$t/postfix_outgoing_mail_header_filters"
	unlike "$out" 'class-mismatch|554' "mail-in-a-box with REJECT 4.7.1: a temporary header_checks reject, not a mismatch"
	run "$ESC" lint "$corpus/open-mail-relay/client_access"
	unlike "$out" 'stage-subject|CONNECT' "open-mail-relay client_access: no false CONNECT warnings"
	like "$err" 'read as an access table checked at connect, because its keys are IP addresses' "the guess is said, with why"
	like "$err" 'say so with --table-kind and --stage' "and how to state it"
else
	skip_no_shared "$corpus"
fi
printf '1.2.3.4\tOK\n192.0.2.0/24\tOK\n' > "$t/rbl_override"
run "$ESC" lint --format json "$t/rbl_override"
is "$rc" 0 "rbl_override (a whitelist of OK lines): no error"
is "$(printf '%s' "$out" | jq -r '.files[0].table_kind')" access "rbl_override: an access map, not an RBL reply table"
run "$ESC" lint --help
like "$out" 'connect, helo, mail, rcpt' "--help lists --stage connect"
like "$out" 'reply-filter' "--help lists the reply-filter kind"

# Sendmail: a .mc kept in a repository, its access database under --root
sm="$d/sendmail"
run "$ESC" lint --root "$sm" "$sm/etc/mail/sendmail.mc"
is "$(printf '%s\n' "$out" | sed "s|^$sm/etc/mail/||" | awk -F': ' '{print $1": "$2": "$3}')" "access:3:32: error: class-mismatch
sendmail.mc:7:32: note: xcode-missing
sendmail.mc:8:27: error: class-mismatch
sendmail.mc:15:38: warning: stage-subject
sendmail.mc:17:37: error: class-mismatch" "sendmail.mc followed: its rules, its messages, its access database"
like "$out" 'sendmail.mc:8:27: .*\(as confRELAY_MSG, sent after \$@ 5\.7\.1\)' "confRELAY_MSG is judged with the 5.7.1 Sendmail puts before it"
like "$out" 'access:3:32: .*Sendmail sends both as written.*as FEATURE..access_db.. in sendmail\.mc:10' "the access database says where it is named"
like "$err" 'sendmail.mc: 1 table followed' "summary"
run "$ESC" lint "$sm/etc/mail/sendmail.mc"
like "$out" 'table-missing: the access database.s source .*/etc/mail/access .*--root DIR' "without --root: the source is missing, with the hint"
run "$ESC" lint --format json --root "$sm" "$sm/etc/mail/sendmail.mc"
is "$(printf '%s' "$out" | jq -r '.files[0] | "\(.type) \(.tables[0].kind) \(.tables[0].status) \(.tables[0].used_as)"')" \
    "sendmail-mc sendmail-access read FEATURE(\`access_db') in sendmail.mc:10" "json: a sendmail-mc with its access database"

# SARIF 2.1.0
run "$ESC" lint --format sarif --root "$root" "$cf"
is "$rc" 1 "sarif: the exit status of the findings"
printf '%s\n' "$out" > "$t/follow.sarif"
is "$(jq -r '.version' "$t/follow.sarif")" 2.1.0 "sarif: version 2.1.0"
is "$(jq '.runs[0].results | length' "$t/follow.sarif")" 9 "sarif: one result per diagnostic"
is "$(jq -r '.runs[0].results[] | select(.ruleId == "table-missing") | "\(.level) \(.locations[0].physicalLocation.region.startLine) \(.locations[0].physicalLocation.artifactLocation.uri | endswith("tests/data/lint/follow/etc/postfix/main.cf"))"' "$t/follow.sarif")" \
    "error 17 true" "sarif: level, line and file of a result"
is "$(jq -r '[.runs[0].results[] | .ruleIndex as $i | .ruleId == $r[0][$i].id] | all' --slurpfile r <(jq '.runs[0].tool.driver.rules' "$t/follow.sarif") "$t/follow.sarif")" \
    true "sarif: every result points at its rule"
run "$ESC" lint --format sarif "$d/sender_access"
printf '%s\n' "$out" > "$t/fix.sarif"
is "$(jq -c '[.runs[0].results[] | select(.ruleId == "class-mismatch") | .fixes[].artifactChanges[0].replacements[0] | .deletedRegion.startLine, .deletedRegion.startColumn, .deletedRegion.endColumn, .insertedContent.text]' "$t/fix.sarif")" \
    '[3,21,30,"550 5.7.1"]' "sarif: the suggestion as a fix over \"550 4.7.1\""
# File names with dot segments (make distcheck's ../..) become URIs without
run "$ESC" lint --format sarif "$d/follow/./../sender_access"
printf '%s\n' "$out" > "$t/dots.sarif"
is "$(jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri | test("/\\.\\.?/") ] | any' "$t/dots.sarif")" \
    false "sarif: URIs without . or .. segments"
like "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$t/dots.sarif")" \
    'tests/data/lint/sender_access$' "sarif: the same file"
tool=${ESC_SARIF_ROOT:-$HOME/.cache/esc-milter/sarif}/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ -x "$tool" ]; then
	for f in follow fix dots; do
		"$tool" validate "$t/$f.sarif" -o "$t/$f.check.sarif" > "$t/$f.log" 2>&1
		is "$?" 0 "SARIF Multitool ran on $f.sarif"
		is "$(jq -c '[.runs[0].results[] | select(.level == "error" or .level == "warning") | .ruleId]' "$t/$f.check.sarif")" \
		    '[]' "SARIF Multitool: $f.sarif valid, no error or warning"
	done
else
	ok 0 "# SKIP SARIF Multitool not installed (tests/cli/sarif-tool.sh fetches it)"
fi
done_testing

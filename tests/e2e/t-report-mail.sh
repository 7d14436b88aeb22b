#!/bin/bash
# t-report-mail.sh - the daily digest: the command of esc-report.service,
# run by hand on a machine with a real Postfix, puts one message in a
# mailbox (smtp-sink's, through Postfix's own sendmail): Python's email
# parser finds a multipart/alternative with the text report and the HTML
# page, the subject names the host and the day, and the page's total is
# esc report's for the same day.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "${top_srcdir:-.}/tests/e2e/lib.sh"
e2e_init report-mail
need sendmail postfix
need base64 coreutils

milter_conf <<'CONF'
CONF
milter_start || exit 1
sink_start "$SPORT" || exit 1
postfix_start "relayhost = [127.0.0.1]:$SPORT" "default_transport = smtp" \
    "relay_transport = smtp" "smtp_tls_security_level = none" || exit 1

# A few rejections today: Postfix's own (the access map of the instance).
for i in 1 2 3; do
	printf 'EHLO client.test\nMAIL FROM:<a@src.example>\nRCPT TO:<denied@dest.example>\nQUIT\n' | smtp > /dev/null
done
wait_for 30 sh -c "[ \$(grep -c 'denied@dest.example' '$T/pf/maillog') -ge 3 ]"

# The service's command, as its unit runs it, with the test's paths.
unit="$top_srcdir/contrib/systemd/esc-report.service"
cmd=$(sed -n 's|^ExecStart=/usr/share/esc-milter/|'"$top_srcdir"'/contrib/|p' "$unit")
is "$cmd" "$top_srcdir/contrib/esc-report-mail" "the unit runs esc-report-mail"
today=$(date +%Y-%m-%d)
export ESC_NOW ESC_REPORT_TO ESC_REPORT_LOGS SENDMAIL ESC
ESC_NOW=$(date -d tomorrow +%Y-%m-%dT12:00:00%:z)	# so that yesterday is today
ESC_REPORT_TO=digest@dest.example
ESC_REPORT_LOGS="$T/pf/maillog"
SENDMAIL="sendmail -C $POSTFIX_ETC"
run "$cmd"
is "$rc" 0 "esc-report-mail: exit 0 ${err:+($err)}"
wait_for 60 sh -c "grep -l 'Subject: Rejections on' '$T'/sink/* 2>/dev/null | grep -q ."
sunk 'Subject: Rejections on' > "$T/digest.eml"
total=$("$ESC" report --format json --since yesterday --until today "$T/pf/maillog" | jq .total)
run "$PY" - "$T/digest.eml" "$(hostname -f 2>/dev/null || hostname)" "$today" "$total" <<'PY'
import email, email.policy, re, sys
path, host, day, total = sys.argv[1:5]
raw = open(path, "rb").read()
# smtp-sink writes the SMTP envelope lines first: the message follows
msg = email.message_from_bytes(raw[raw.find(b"To: "):], policy=email.policy.default)
bad = []
if msg.get_content_type() != "multipart/alternative":
    bad.append("type " + msg.get_content_type())
if msg["Subject"] != "Rejections on %s, %s" % (host, day):
    bad.append("subject %r" % msg["Subject"])
parts = {p.get_content_type(): p for p in msg.iter_parts()}
if sorted(parts) != ["text/html", "text/plain"]:
    bad.append("parts %s" % sorted(parts))
else:
    text = parts["text/plain"].get_content()
    page = parts["text/html"].get_content()
    if "userunknown" not in text or "Addresses to stop mailing" not in text:
        bad.append("text part: " + text[:200])
    m = re.search(r'id="total">(\d+)<', page) or re.search(r'data-n="(\d+)" id="total"', page)
    if not page.startswith("<!DOCTYPE html>") or m is None or m.group(1) != total:
        bad.append("html part: total %s, want %s" % (m and m.group(1), total))
for b in bad:
    print("#", b)
print(len(bad))
PY
printf '%s\n' "$out" | grep '^#'
is "$(printf '%s\n' "$out" | tail -1)" 0 \
    "one multipart/alternative message: text and HTML parts, subject with the host and the day, the page's total ($total) esc report's"
e2e_done

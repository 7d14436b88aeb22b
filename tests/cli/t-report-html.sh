#!/bin/bash
# t-report-html.sh - esc report --format html: one self-contained page
# that passes a validator (tidy), loads in a real browser (Debian's
# headless Chromium) from a file with no network request and no console
# error, and whose rendered DOM holds the numbers esc report --format json
# (and esc suppress) give for the same logs.  Screenshots at 1280 and 390
# pixels wide, light and dark, are kept in $ESC_ARTEFACTS (default
# artefacts/ in the build tree) for CI.
. "${top_srcdir:-.}/tests/cli/lib.sh"
T=$(mktemp -d "${TMPBASE}/esc-report-html.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
PY=${PYTHON:-python3}
ART=${ESC_ARTEFACTS:-${top_builddir:-.}/artefacts}

# Logs: generated events, and an MTA log with inbound and outbound
# rejections, a provider, a bounce that makes an address to stop mailing.
if [ -x "${top_builddir}/bench/gen_events" ]; then
	"${top_builddir}/bench/gen_events" 5000 > "$T/events.json"
else
	: > "$T/events.json"
fi
cat > "$T/mail.log" <<'LOG'
Dec  6 10:00:01 mx1 postfix/postscreen[12]: NOQUEUE: reject: RCPT from [192.0.2.1]:4711: 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org; from=<a@b.example>, to=<x@example.com>, proto=ESMTP, helo=<h.example>
Dec  6 11:00:02 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.2]: 450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.2]; from=<a@b.example> to=<x@example.com> proto=ESMTP helo=<h.example>
Dec  6 12:00:03 mx1 postfix/smtp[7]: 4AB12: to=<gone@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.27]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host gmail-smtp-in.l.google.com[192.0.2.27] said: 550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp (in reply to RCPT TO command))
Dec  6 13:00:04 mx1 postfix/smtp[7]: 4AB13: to=<busy@yahoo.com>, relay=mta5.am0.yahoodns.net[192.0.2.31]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host mta5.am0.yahoodns.net[192.0.2.31] said: 421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user complaints (in reply to MAIL FROM command))
Dec  6 14:00:05 mx1 postfix/cleanup[9]: 4AB14: reject: header Subject: <script>alert(1)</script> from x[192.0.2.3]; from=<a@b.example> to=<c@example.com> proto=ESMTP helo=<h>: 5.7.1 Spam & "quotes" <b>not bold</b>
LOG
touch -d 2026-12-07T00:00:00Z "$T/mail.log"

run "$ESC" report --format html "$T/events.json" "$T/mail.log"
is "$rc" 0 "html: exit 0"
printf '%s' "$out" > "$T/report.html"
size=$(stat -c %s "$T/report.html")
like "$(head -c 15 "$T/report.html")" '^<!DOCTYPE html>' "a complete document"
unlike "$out" '(src|href)=|url\(|@import|<script|<link|<img' "self-contained: no source, link, import, script or image"
like "$out" "Content-Security-Policy\" content=\"default-src 'none'" "a policy that forbids any request"
unlike "$out" '<script>alert' "log text is escaped"
like "$out" '&lt;b&gt;not bold&lt;/b&gt;|Spam &amp; &quot;quotes&quot;' "with its markup shown, not run"
run "$ESC" report --format html --by nonsense "$T/mail.log"
is "$rc" 2 "html: a bad --by is still refused"

if command -v tidy > /dev/null; then
	run tidy -q -e "$T/report.html"
	is "$rc" 0 "the HTML passes a validator (tidy): ${err:-no warning}"
else
	ok 0 "# SKIP tidy is not installed (Debian: tidy)"
fi

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
	ok 0 "# SKIP Chromium is not installed (Debian: chromium)"
	done_testing
	exit
fi
# Every request the browser makes would reach this proxy: it notes them.
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PY" - "$PORT" "$T/requests" > "$T/proxy.log" 2>&1 <<'PY' &
import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(16)
print("ready", flush=True)
while True:
    c, _ = ls.accept()
    first = c.recv(4096).split(b"\r\n")[0]
    with open(sys.argv[2], "ab") as f:
        f.write(first + b"\n")
    c.close()
PY
PID=$!
wait_for 30 grep -q ready "$T/proxy.log"
browse() {	# WIDTH SCHEME OUT - a screenshot; the DOM and console on stdout/stderr
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-background-networking --disable-component-update --disable-sync \
	    --disable-default-apps --disable-extensions --no-default-browser-check \
	    --user-data-dir="$T/profile" --proxy-server="http://127.0.0.1:$PORT" \
	    --proxy-bypass-list="<-loopback>" --enable-logging=stderr --v=0 \
	    --blink-settings=preferredColorScheme="$2" --hide-scrollbars \
	    --window-size="$1,1600" "${@:4}" "file://$T/report.html"
}
browse 1280 1 x --dump-dom > "$T/dom.html" 2> "$T/console.log"
ok $([ -s "$T/dom.html" ]; echo $?) "Chromium renders the page ($(wc -c < "$T/dom.html") bytes of DOM)"
# (Chromium itself calls Google's update, time and account services in
# the background, whatever the page: those are not the page's.)
is "$(grep -v -E ' (http://)?[a-z0-9.-]*(googleapis|google|gvt1|gstatic)\.com[:/]' "$T/requests" 2>/dev/null)" "" \
    "no network request from the page ($(wc -l < "$T/requests" 2>/dev/null || echo 0) of Chromium's own to its vendor, none else)"
is "$(grep -E 'CONSOLE|Refused to|Content Security Policy' "$T/console.log" | head -3)" "" "no console error"
mkdir -p "$ART"
for w in 1280 390; do
	browse "$w" 1 x --screenshot="$ART/report-$w.png" > /dev/null 2>&1
	browse "$w" 0 x --screenshot="$ART/report-$w-dark.png" > /dev/null 2>&1
done
ok $([ -s "$ART/report-1280.png" ] && [ -s "$ART/report-390.png" ] && [ -s "$ART/report-390-dark.png" ]; echo $?) \
    "screenshots at 1280 and 390 pixels, light and dark, kept in $ART"

# The numbers in the rendered page are the ones of --format json.
json() { "$ESC" report --format json "$@" "$T/events.json" "$T/mail.log"; }
json --by category > "$T/category.json"
json --by reason > "$T/reason.json"
json --by xcode > "$T/xcode.json"
json --by reason-detail > "$T/detail.json"
json --by provider > "$T/provider.json"
json --by text > "$T/text.json"
"$ESC" suppress --format json "$T/events.json" "$T/mail.log" > "$T/suppress.json"
run "$PY" - "$T" <<'PY'
import html.parser, json, sys
d = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sec = None; self.rows = {}; self.row = None; self.cell = None; self.total = None
    def handle_starttag(self, t, a):
        a = dict(a)
        if t == "section": self.sec = a.get("id"); self.rows[self.sec] = []
        elif t == "tr" and self.sec: self.row = []
        elif t == "td" and self.row is not None: self.cell = ""; self.n = a.get("data-n")
        elif t == "strong" and a.get("id") == "total": self.total = int(a["data-n"])
    def handle_data(self, s):
        if self.cell is not None: self.cell += s
    def handle_endtag(self, t):
        if t == "td" and self.row is not None:
            self.row.append((self.cell.strip(), self.n)); self.cell = None
        elif t == "tr" and self.row:
            self.rows[self.sec].append(self.row); self.row = None
p = P(); p.feed(open(d + "/dom.html").read())
bad = []
def load(n): return json.load(open("%s/%s.json" % (d, n)))
def check(sec, name, key):
    want = {key(r): r["count"] for r in load(name)["rows"]}
    got = {}
    for row in p.rows.get(sec, []):
        n = [int(x) for _, x in row if x is not None][0]
        got[key(row)] = n
    if sec in ("texts", "checks", "providers"):   # the page shows the top rows
        want = {k: v for k, v in want.items() if k in got}
    if got != want: bad.append("%s: page %s, json %s" % (sec, sorted(got.items())[:5], sorted(want.items())[:5]))
    return len(got)
first = lambda r: r["key"] if isinstance(r, dict) else r[0][0].split(" ")[0]
n = check("categories", "category", first)
n += check("reasons", "reason", first)
n += check("codes", "xcode", first)
n += check("checks", "detail", lambda r: (r["key"], r["detail"]) if isinstance(r, dict) else (r[0][0], "" if r[1][0] == "-" else r[1][0]))
n += check("providers", "provider", lambda r: (r["key"], r["reason"]) if isinstance(r, dict) else (r[0][0], r[1][0]))
n += check("texts", "text", lambda r: (r["reason"], r["key"]) if isinstance(r, dict) else (r[0][0], r[1][0]))
if p.total != load("category")["total"]: bad.append("total %s != %s" % (p.total, load("category")["total"]))
sup = sorted(s["address"] for s in load("suppress")["suppressed"])
page = sorted(r[0][0] for r in p.rows.get("suppress", []))
if sup != page: bad.append("suppress: page %s, esc suppress %s" % (page, sup))
hours = sum(int(r[4][1]) for r in p.rows.get("hours", []))
if hours != p.total: bad.append("hours add up to %d, not %d" % (hours, p.total))
for b in bad: print("#", b)
print(len(bad), n, p.total)
PY
printf '%s\n' "$out" | grep '^#'
set -- $(printf '%s\n' "$out" | tail -1)
is "$1" 0 "the rendered page holds the numbers of --format json: $2 rows, total $3, the hours, the addresses to stop mailing"
ok $([ "$size" -lt 1048576 ]; echo $?) "the page is $size bytes"
done_testing

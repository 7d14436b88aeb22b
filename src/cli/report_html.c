/*
 * report_html.c - `esc report --format html`: one self-contained page.
 *
 * No request to anywhere: the style is inline, the one chart is inline
 * SVG, there is no script, and a Content-Security-Policy that forbids
 * everything else says so to the browser.  Every chart has its numbers in
 * a table; tables are the page's substance, so a mail client that shows
 * neither style nor SVG still shows them.  Colours are Okabe and Ito's
 * (told apart with every kind of colour blindness), light or dark by the
 * reader's preference; the layout holds at phone width.  Every count is
 * in a data-n attribute too, for programs (the tests read them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_html.h"
#include "when.h"

#define TOP_TEXTS	25
#define TOP_ROWS	40
#define TOP_SUPPRESS	100

static const char style[] =
    ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--mute:#5f5f5f;"
    "--line:#d6d6d6;--c5:#0072B2;--c4:#E69F00;--bar:#0072B2}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#151515;"
    "--mute:#a8a8a8;--line:#3a3a3a;--c5:#56B4E9;--c4:#E69F00;"
    "--bar:#56B4E9}}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "color:var(--fg);background:var(--bg);margin:0 auto;max-width:64rem;"
    "padding:1rem}"
    "h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 "
    ".4rem;border-bottom:1px solid var(--line)}"
    "p.sum,footer,caption{color:var(--mute)}caption{text-align:left;"
    "caption-side:top;font-size:.9rem}"
    ".wrap{overflow-x:auto}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.2rem .5rem;border-bottom:1px solid "
    "var(--line);vertical-align:top}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.bar{width:30%;min-width:4rem}td.bar div{height:.8rem;"
    "background:var(--bar)}code{font-size:.9em;word-break:break-word}"
    "svg.chart{width:100%;height:auto;display:block}svg.sw{width:.8rem;"
    "height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:-.1rem}"
    ".r5{fill:var(--c5)}"
    ".r4{fill:var(--c4)}.axis{fill:var(--mute);font-size:11px}"
    "@media (max-width:40rem){td.bar{display:none}body{padding:.5rem}}";

/* esc - text for an element or an attribute */
static void
esc(FILE *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			if ((unsigned char)*s < 0x20)
				fputc(' ', o);
			else
				fputc(*s, o);
		}
	}
}

static void
num(FILE *o, unsigned long long n)
{
	fprintf(o, "<td class=\"n\" data-n=\"%llu\">%llu</td>", n, n);
}

static void
share_bar(FILE *o, unsigned long long n, unsigned long long total,
    unsigned long long max)
{
	fprintf(o, "<td class=\"n\">%.1f%%</td><td class=\"bar\" "
	    "aria-hidden=\"true\"><div style=\"width:%.1f%%\"></div></td>",
	    total ? (double)n * 100.0 / (double)total : 0.0,
	    max ? (double)n * 100.0 / (double)max : 0.0);
}

/* table_start - a section with a table of these column titles */
static void
table_start(FILE *o, const char *id, const char *title, const char *caption,
    const char *const *cols)
{
	fprintf(o, "<section id=\"%s\"><h2>%s</h2><div class=\"wrap\"><table>"
	    "<caption>", id, title);
	esc(o, caption);
	fputs("</caption><thead><tr>", o);
	for (; *cols != NULL; cols++)
		fprintf(o, "<th scope=\"col\"%s>%s</th>", (*cols)[0] == '#' ?
		    " class=\"n\"" : "", (*cols)[0] == '#' ? *cols + 1 : *cols);
	fputs("</tr></thead><tbody>", o);
}

static void
table_end(FILE *o, size_t shown, size_t all)
{
	fputs("</tbody></table></div>", o);
	if (all > shown)
		fprintf(o, "<p class=\"sum\">%zu more not shown; esc report "
		    "--format json lists them all.</p>", all - shown);
	fputs("</section>\n", o);
}

/* grouped - a table of one grouping: its rows by count, at most top */
static void
grouped(FILE *o, const struct html_in *in, enum report_by by, const char *id,
    const char *title, const char *caption, size_t top, const char *skip)
{
	static const char *const one[] = { "", "#count", "#share", "", NULL };
	static const char *const two[] = { "", "", "#count", "#share", "", NULL };
	const char *cols2[6], *cols1[5];
	struct rslot *rows;
	unsigned long long max = 0, total = 0;
	char a[RKEY_MAX], b[RKEY_MAX];
	size_t n, i, shown = 0, all = 0;
	bool pair = report_col2(by) != NULL;

	rows = rcounts_rows(&in->counts[by], false, &n);
	for (i = 0; i < n; i++) {
		rslot_cols(&rows[i], a, b, sizeof a);
		if (skip != NULL && strcmp(a, skip) == 0)
			continue;
		total += rows[i].count;
		all++;
		if (rows[i].count > max)
			max = rows[i].count;
	}
	memcpy(cols1, one, sizeof one);
	memcpy(cols2, two, sizeof two);
	cols1[0] = cols2[0] = report_col1(by);
	cols2[1] = report_col2(by);
	table_start(o, id, title, caption, pair ? cols2 : cols1);
	for (i = 0; i < n && shown < top; i++) {
		const struct reg_entry *e = NULL;
		struct xcode x;

		rslot_cols(&rows[i], a, b, sizeof a);
		if (skip != NULL && strcmp(a, skip) == 0)
			continue;
		shown++;
		fputs("<tr><td>", o);
		if (by == BY_XCODE && xcode_parse(a, strlen(a), 0, &x, NULL) ==
		    strlen(a) && in->tab->reg != NULL)
			e = registry_lookup(in->tab->reg, x.subject, x.detail);
		fputs(by == BY_XCODE ? "<code>" : "", o);
		esc(o, a);
		fputs(by == BY_XCODE ? "</code>" : "", o);
		if (e != NULL && e->sample[0] != '\0') {
			fputs(" ", o);
			esc(o, e->sample);
		}
		fputs("</td>", o);
		if (pair) {
			fputs(by == BY_TEXT ? "<td><code>" : "<td>", o);
			esc(o, b[0] ? b : "-");
			fputs(by == BY_TEXT ? "</code></td>" : "</td>", o);
		}
		num(o, rows[i].count);
		share_bar(o, rows[i].count, total, max);
		fputs("</tr>", o);
	}
	table_end(o, shown, all);
	free(rows);
}

/* An hour of the chart. */
struct hour {
	char		 when[24];	/* "2026-11-29T07:00Z" */
	unsigned long long c4, c5, other;
};

#define HOURS_MAX	(24 * 93)	/* a quarter's hours, gaps filled */

/* fill_gaps - the hours without a rejection between the first and the
   last, as zeros (the time axis is then true); h itself when it cannot */
static struct hour *
fill_gaps(struct hour *h, size_t *nh)
{
	long long first, last, t;
	struct hour *all;
	size_t n, k = 0, i;

	if (*nh < 2 || (first = when_iso8601(h[0].when,
	    strlen(h[0].when))) < 0 || (last = when_iso8601(h[*nh - 1].when,
	    strlen(h[*nh - 1].when))) < 0 || last < first)
		return h;
	n = (size_t)((last - first) / 3600000) + 1;
	if (n > HOURS_MAX || n < *nh || (all = calloc(n, sizeof *all)) == NULL)
		return h;
	for (i = 0; i < n; i++) {
		time_t when = (time_t)((first + (long long)i * 3600000) / 1000);
		struct tm tm;

		gmtime_r(&when, &tm);
		strftime(all[i].when, sizeof all[i].when, "%Y-%m-%dT%H:00Z", &tm);
		t = k < *nh ? when_iso8601(h[k].when, strlen(h[k].when)) : -1;
		if (t == first + (long long)i * 3600000)
			all[i] = h[k++];
	}
	free(h);
	*nh = n;
	return all;
}

/* hours - rejections per hour, stacked by class: the SVG and its table */
static void
hours(FILE *o, const struct html_in *in)
{
	static const char *const cols[] = { "hour (UTC)", "#4xx", "#5xx",
	    "#other", "#total", NULL };
	struct rslot *rows;
	char a[RKEY_MAX], b[RKEY_MAX], prev[RKEY_MAX] = "";
	size_t n, i, k = 0, nh = 0;
	struct hour *h;
	unsigned long long max = 1;
	const double W = 960, H = 220, top = 10, bottom = 30, left = 44;

	rows = rcounts_rows(&in->counts[BY_HOUR_CLASS], true, &n);
	if ((h = calloc(n ? n : 1, sizeof *h)) == NULL) {
		free(rows);
		return;
	}
	for (i = 0; i < n; i++) {
		rslot_cols(&rows[i], a, b, sizeof a);
		if (strcmp(a, prev) != 0) {
			snprintf(h[nh].when, sizeof h[nh].when, "%.23s", a);
			snprintf(prev, sizeof prev, "%s", a);
			nh++;
		}
		if (b[0] == '4')
			h[nh - 1].c4 += rows[i].count;
		else if (b[0] == '5')
			h[nh - 1].c5 += rows[i].count;
		else
			h[nh - 1].other += rows[i].count;
	}
	h = fill_gaps(h, &nh);
	for (k = 0; k < nh; k++)
		if (h[k].c4 + h[k].c5 + h[k].other > max)
			max = h[k].c4 + h[k].c5 + h[k].other;
	fputs("<section id=\"hours\"><h2>Rejections per hour</h2>", o);
	fprintf(o, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"Rejections per hour, %zu hours, at most %llu in an "
	    "hour; the numbers are in the table below\">", W, H, nh, max);
	fprintf(o, "<text class=\"axis\" x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"end\">%llu</text><text class=\"axis\" x=\"%.0f\" "
	    "y=\"%.0f\" text-anchor=\"end\">0</text>", left - 4, top + 10, max,
	    left - 4, H - bottom);
	for (k = 0; k < nh; k++) {
		double bw = (W - left) / (double)nh, x = left + (double)k * bw;
		double h5 = (H - top - bottom) * (double)h[k].c5 / (double)max;
		double h4 = (H - top - bottom) * (double)(h[k].c4 + h[k].other) /
		    (double)max;

		fprintf(o, "<rect class=\"r5\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\"/>", x, H - bottom - h5,
		    bw * 0.9, h5);
		fprintf(o, "<rect class=\"r4\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\"/>", x, H - bottom - h5 - h4,
		    bw * 0.9, h4);
		if (k == 0 || k + 1 == nh || (nh > 2 && k == nh / 2))
			fprintf(o, "<text class=\"axis\" x=\"%.2f\" y=\"%.0f\" "
			    "text-anchor=\"%s\">%.10s %.5s</text>", x, H - 10,
			    k == 0 ? "start" : k + 1 == nh ? "end" : "middle",
			    h[k].when, h[k].when + 11);
	}
	fputs("</svg><p class=\"key\"><svg class=\"sw\" viewBox=\"0 0 10 10\" "
	    "aria-hidden=\"true\"><rect class=\"r5\" width=\"10\" "
	    "height=\"10\"/></svg>5xx: refused<svg class=\"sw\" viewBox=\"0 0 "
	    "10 10\" aria-hidden=\"true\"><rect class=\"r4\" width=\"10\" "
	    "height=\"10\"/></svg>4xx: deferred</p>", o);
	fputs("<details><summary>The numbers, hour by hour</summary>", o);
	fputs("<div class=\"wrap\"><table><caption>Rejections per hour by "
	    "class</caption><thead><tr>", o);
	for (i = 0; cols[i] != NULL; i++)
		fprintf(o, "<th scope=\"col\"%s>%s</th>", cols[i][0] == '#' ?
		    " class=\"n\"" : "", cols[i][0] == '#' ? cols[i] + 1 : cols[i]);
	fputs("</tr></thead><tbody>", o);
	for (k = 0; k < nh; k++) {
		fputs("<tr><td>", o);
		esc(o, h[k].when);
		fputs("</td>", o);
		num(o, h[k].c4);
		num(o, h[k].c5);
		num(o, h[k].other);
		num(o, h[k].c4 + h[k].c5 + h[k].other);
		fputs("</tr>", o);
	}
	fputs("</tbody></table></div></details></section>\n", o);
	free(h);
	free(rows);
}

/* reasons - by reason, with what each means */
static void
reasons(FILE *o, const struct html_in *in)
{
	static const char *const cols[] = { "reason", "what it means",
	    "#count", "#share", "", NULL };
	struct rslot *rows;
	unsigned long long max = 0;
	char a[RKEY_MAX], b[RKEY_MAX];
	size_t n, i;

	rows = rcounts_rows(&in->counts[BY_REASON], false, &n);
	for (i = 0; i < n; i++)
		if (rows[i].count > max)
			max = rows[i].count;
	table_start(o, "reasons", "Why: by reason", "Each rejection's reason, "
	    "from the registry first and the reply text second "
	    "(docs/reasons.md)", cols);
	for (i = 0; i < n; i++) {
		enum reason r;

		rslot_cols(&rows[i], a, b, sizeof a);
		fputs("<tr><td>", o);
		esc(o, a);
		fputs("</td><td>", o);
		if (reason_parse(a, strlen(a), &r))
			esc(o, reason_info(r)->meaning);
		fputs("</td>", o);
		num(o, rows[i].count);
		share_bar(o, rows[i].count, in->total, max);
		fputs("</tr>", o);
	}
	table_end(o, n, n);
	free(rows);
}

/* suppress - the addresses to stop sending to */
static void
suppress(FILE *o, const struct html_in *in)
{
	static const char *const cols[] = { "address", "kind", "reason",
	    "code", "#failures", "last seen", NULL };
	char day[32];
	size_t i;

	table_start(o, "suppress", "Addresses to stop mailing",
	    "Our mail to them failed for reasons about the address itself "
	    "(esc suppress: one hard failure, or three mailbox-full ones in a "
	    "week, with no delivery since)", cols);
	for (i = 0; i < in->nsup && i < TOP_SUPPRESS; i++) {
		const struct sup_verdict *v = &in->sup[i].v;
		time_t t = (time_t)(v->last / 1000);
		struct tm tm;

		day[0] = '\0';
		if (v->last > 0 && gmtime_r(&t, &tm) != NULL)
			strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
		fputs("<tr><td><code>", o);
		esc(o, in->sup[i].addr);
		fprintf(o, "</code></td><td>%s</td><td>%s</td><td><code>",
		    v->kind == SUP_HARD ? "hard" : "soft", reason_name(v->reason));
		esc(o, v->xcode[0] ? v->xcode : v->code);
		fputs("</code></td>", o);
		num(o, v->count);
		fprintf(o, "<td>%s</td></tr>", day);
	}
	table_end(o, i, in->nsup);
}

/* report_html - see report_html.h */
int
report_html(FILE *o, const struct html_in *in)
{
	char now[40], hosts[512] = "";
	time_t t = (time_t)(in->now / 1000);
	struct rslot *rows;
	struct tm tm;
	size_t n, i;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
	rows = rcounts_rows(&in->counts[BY_HOST], false, &n);
	for (i = 0; i < n && i < 8; i++) {
		char a[RKEY_MAX], b[RKEY_MAX];

		rslot_cols(&rows[i], a, b, sizeof a);
		snprintf(hosts + strlen(hosts), sizeof hosts - strlen(hosts),
		    "%s%.60s", i ? ", " : "", a);
	}
	if (n > 8)
		snprintf(hosts + strlen(hosts), sizeof hosts - strlen(hosts),
		    " and %zu more", n - 8);
	free(rows);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
	    "<meta name=\"color-scheme\" content=\"light dark\"><title>"
	    "Rejections on ", o);
	esc(o, hosts[0] ? hosts : "(no host)");
	fprintf(o, "</title><style>%s</style></head><body>\n<header><h1>"
	    "Rejections on ", style);
	esc(o, hosts[0] ? hosts : "(no host)");
	fprintf(o, "</h1><p class=\"sum\">From %s to %s: <strong data-n=\"%llu\" "
	    "id=\"total\">%llu</strong> rejections (%s mode) in %llu lines",
	    in->o->since[0] ? in->o->since : "the start of the logs",
	    in->o->until[0] ? in->o->until : "their end", in->total, in->total,
	    in->o->mode == RM_ENFORCE ? "enforce" : in->o->mode == RM_MONITOR ?
	    "monitor" : "all", in->lines);
	if (in->bad > 0)
		fprintf(o, "; %llu lines not understood, skipped", in->bad);
	fputs(".</p></header>\n<main>\n", o);
	hours(o, in);
	reasons(o, in);
	grouped(o, in, BY_CATEGORY, "categories", "By category",
	    "The subject of each enhanced code (RFC 3463), or the one its "
	    "reason infers", SIZE_MAX, NULL);
	grouped(o, in, BY_IN_DETAIL, "checks", "Inbound, by check",
	    "Which DNSBL, restriction or rule refused the mail sent to us",
	    TOP_ROWS, NULL);
	grouped(o, in, BY_PROVIDER, "providers", "Our mail, by provider",
	    "What mailbox providers' servers answered our own mail",
	    TOP_ROWS, "(inbound)");
	grouped(o, in, BY_TEXT, "texts", "Top reply texts",
	    "Reply texts with addresses, IPs and numbers blanked: one check, "
	    "one row", TOP_TEXTS, NULL);
	grouped(o, in, BY_XCODE, "codes", "Enhanced codes",
	    "Each code with what the IANA registry says of it", TOP_ROWS, NULL);
	if (in->o->by != BY_CATEGORY && in->o->by < BY_PUBLIC_ &&
	    in->o->by != BY_REASON && in->o->by != BY_TEXT &&
	    in->o->by != BY_XCODE)
		grouped(o, in, in->o->by, "by", "By the grouping asked for",
		    "esc report --by", TOP_ROWS, NULL);
	suppress(o, in);
	fputs("</main>\n<footer><p>esc report " PACKAGE_VERSION ", ", o);
	fputs(now, o);
	fputs(", from ", o);
	for (i = 0; i < in->nfiles; i++) {
		fputs(i ? ", <code>" : "<code>", o);
		esc(o, in->files[i]);
		fputs("</code>", o);
	}
	fputs(".</p></footer>\n</body></html>\n", o);
	return ferror(o) ? -1 : 0;
}

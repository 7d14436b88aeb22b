/*
 * cmd_report.c - `esc report [--by KEY] [--mode M] [--since T] [--until T]
 * LOG...`: count the "reply" events of JSON event logs, and the
 * rejections of Postfix's and Sendmail's own logs (plain or gzip, several
 * files and hosts merged, - for standard input) by category, enhanced
 * code, reason, rule, source, stage, hour, sender domain, host,
 * direction, program, remote domain, provider or reply text.
 *
 * Built for logs of millions of lines: the logs are read in blocks and
 * their lines counted on every processor (blocks.h); a line that starts
 * with '{' goes through a validating scanner that picks out only the
 * fields it needs (jscan.h), any other through the maillog reader as `esc
 * maillog` would read it (report_key.c); a hash table of counts per
 * thread, no allocation per line (report_count.c).  Bad lines are counted
 * per file and reported, never fatal.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocks.h"
#include "cli.h"
#include "report.h"
#include "report_html.h"
#include "supread.h"
#include "when.h"

static const char usage[] =
    "usage: esc report [--by KEY] [--mode M] [--since T] [--until T]\n"
    "                  [--format text|json|csv] LOG... | -\n"
    "\n"
    "Count the rejections (\"reply\" events) in esc-milter's JSON event logs\n"
    "and in Postfix's and Sendmail's logs (as esc maillog reads them), plain\n"
    "or gzip-compressed, several files (and hosts) merged.\n"
    "\n"
    "  --by KEY     category (default), reason, reason-detail (the DNSBL,\n"
    "               restriction or provider code), text (the reply text with\n"
    "               addresses, IPs and numbers blanked), xcode, rule,\n"
    "               source, stage, hour, sender-domain, host, direction,\n"
    "               program, remote (the remote domain of outbound replies),\n"
    "               provider (the mailbox provider that refused our mail)\n"
    "               or mode\n"
    "  --mode M     enforce (default: what was refused), monitor (what\n"
    "               monitor rules and warn_if_reject would have refused),\n"
    "               all\n"
    "  --since T    only events at or after T; --until T: before T.\n"
    "               T is today or yesterday (local midnight), a duration\n"
    "               back from now (90m, 24h, 7d), 2026-11-29 or\n"
    "               2026-11-29T07:00:00Z (or with +HH:MM); yesterday's\n"
    "               report: --since yesterday --until today\n"
    "\n"
    "exit status: 0 (bad lines are counted, not fatal), 2 a log cannot be read\n";

enum { K_BY = 1, K_MODE, K_SINCE, K_UNTIL };

static const struct cli_opt opts[] = {
	{ "by", 'b', true, K_BY },
	{ "mode", 0, true, K_MODE },
	{ "since", 0, true, K_SINCE },
	{ "until", 0, true, K_UNTIL },
	{ NULL, 0, false, 0 },
};

struct report {
	struct cli	*c;
	struct ropts	 o;
};

/* norm_time - T into "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC), as events write
   their times */
static int
norm_time(const char *t, char *out, size_t size)
{
	long long ms;
	time_t when;
	struct tm tm;

	if (cli_time(t, &ms) < 0)
		return -1;
	when = (time_t)(ms / 1000);
	gmtime_r(&when, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), size - strlen(out), ".%03dZ",
	    (int)(ms % 1000));
	return 0;
}

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct report *r = ctx;
	unsigned i;

	switch (key) {
	case K_BY:
		for (i = 0; i < BY_PUBLIC_; i++)
			if (strcmp(arg, report_by_names[i]) == 0) {
				r->o.by = (enum report_by)i;
				return 0;
			}
		cli_usage_error(r->c, "--by must be category, reason, "
		    "reason-detail, text, xcode, rule, source, stage, hour, "
		    "sender-domain, host, direction, program, remote, provider "
		    "or mode");
		return -1;
	case K_MODE:
		if (strcmp(arg, "enforce") == 0)
			r->o.mode = RM_ENFORCE;
		else if (strcmp(arg, "monitor") == 0)
			r->o.mode = RM_MONITOR;
		else if (strcmp(arg, "all") == 0)
			r->o.mode = RM_ALL;
		else {
			cli_usage_error(r->c, "--mode must be enforce, monitor "
			    "or all");
			return -1;
		}
		return 0;
	case K_SINCE:
	case K_UNTIL:
		if (norm_time(arg, key == K_SINCE ? r->o.since : r->o.until,
		    sizeof r->o.since) < 0) {
			cli_usage_error(r->c, "cannot read the time \"%s\" (write "
			    "yesterday, today, 24h, 2026-11-29 or "
			    "2026-11-29T07:00:00Z)", arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

static int
on_line(void *worker, unsigned file, time_t mtime, const char *s, size_t len)
{
	return report_line(worker, file, mtime, s, len);
}

/* The merged result. */
struct result {
	struct rcounts	 counts[BY_COUNT_];
	unsigned long long total, lines, bad;
	json_t		*badfiles;
};

static double
share(const struct result *res, unsigned long long n)
{
	return res->total ? (double)n * 100.0 / (double)res->total : 0.0;
}

/* csv_field - a CSV field, quoted */
static void
csv_field(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void
out_json(const struct report *r, struct result *res, struct rslot *rows,
    size_t k, json_t *files)
{
	enum report_by by = r->o.by;
	const char *c2 = report_col2(by);
	json_t *list = json_array();
	char a[RKEY_MAX], b[RKEY_MAX];
	size_t i;

	for (i = 0; i < k; i++) {
		json_t *row;

		rslot_cols(&rows[i], a, b, sizeof a);
		/* "key" is what the rows are about: the text, not its reason */
		row = json_pack("{s:o, s:I, s:f}", "key", by == BY_TEXT ?
		    cli_json_string(b, strlen(b)) : cli_json_string(a, strlen(a)),
		    "count", (json_int_t)rows[i].count,
		    "share", share(res, rows[i].count));
		if (c2 != NULL)
			json_object_set_new(row, by == BY_TEXT ? "reason" : c2,
			    by == BY_TEXT ? cli_json_string(a, strlen(a)) :
			    cli_json_string(b, strlen(b)));
		json_array_append_new(list, row);
	}
	cli_json_print(json_pack("{s:s, s:s, s:s?, s:s?, s:I, s:I, s:I, s:o, "
	    "s:o, s:O}", "by", report_by_names[by],
	    "mode", r->o.mode == RM_ENFORCE ? "enforce" :
	    r->o.mode == RM_MONITOR ? "monitor" : "all",
	    "since", r->o.since[0] ? r->o.since : NULL,
	    "until", r->o.until[0] ? r->o.until : NULL,
	    "total", (json_int_t)res->total, "lines", (json_int_t)res->lines,
	    "bad_lines", (json_int_t)res->bad, "rows", list, "files", files,
	    "bad_files", res->badfiles));
}

static void
out_csv(const struct report *r, struct result *res, struct rslot *rows,
    size_t k)
{
	const char *c2 = report_col2(r->o.by);
	char a[RKEY_MAX], b[RKEY_MAX];
	size_t i;

	printf("%s,%s%scount,share\n", report_col1(r->o.by), c2 ? c2 : "",
	    c2 ? "," : "");
	for (i = 0; i < k; i++) {
		rslot_cols(&rows[i], a, b, sizeof a);
		csv_field(a);
		putchar(',');
		if (c2 != NULL) {
			csv_field(b);
			putchar(',');
		}
		printf("%llu,%.1f\n", rows[i].count, share(res, rows[i].count));
	}
}

/* width - the widest value of a column (at most 40) */
static int
width(struct rslot *rows, size_t k, const char *title, bool second)
{
	char a[RKEY_MAX], b[RKEY_MAX];
	size_t i, w = strlen(title), n;

	for (i = 0; i < k; i++) {
		rslot_cols(&rows[i], a, b, sizeof a);
		if ((n = strlen(second ? b : a)) > w)
			w = n;
	}
	return w > 40 ? 40 : (int)w;
}

static void
out_text(const struct report *r, struct result *res, struct rslot *rows,
    size_t k)
{
	static const char bars[] = "########################################";
	enum report_by by = r->o.by;
	const char *c1 = report_col1(by), *c2 = report_col2(by);
	char a[RKEY_MAX], b[RKEY_MAX];
	unsigned long long max = 0;
	int w1 = width(rows, k, c1, false), w2 = 0;
	size_t i;

	for (i = 0; i < k; i++)
		if (rows[i].count > max)
			max = rows[i].count;
	if (by == BY_TEXT) {
		/* the text last, whole: it is what the row is about */
		printf("%-*s %10s %6s  %s\n", w1, c1, "count", "share", c2);
		for (i = 0; i < k; i++) {
			rslot_cols(&rows[i], a, b, sizeof a);
			printf("%-*.*s %10llu %5.1f%%  %s\n", w1, w1, a,
			    rows[i].count, share(res, rows[i].count), b);
		}
	} else {
		if (c2 != NULL) {
			w2 = width(rows, k, c2, true);
			printf("%-*s %-*s %10s %6s\n", w1, c1, w2, c2, "count",
			    "share");
		} else {
			printf("%-*s %10s %6s\n", w1, c1, "count", "share");
		}
		for (i = 0; i < k; i++) {
			int bar = (int)((rows[i].count * 40 + max - 1) / max);

			rslot_cols(&rows[i], a, b, sizeof a);
			printf("%-*.*s ", w1, w1, a);
			if (c2 != NULL)
				printf("%-*.*s ", w2, w2, b);
			printf("%10llu %5.1f%%  %.*s\n", rows[i].count,
			    share(res, rows[i].count), bar, bars);
		}
	}
	printf("%-*s %*s%10llu %5.1f%%\n", w1, "total", c2 && by != BY_TEXT ?
	    w2 + 1 : 0, "", res->total, res->total ? 100.0 : 0.0);
	if (res->bad > 0)
		fprintf(stderr, "esc report: %llu line%s not understood (neither "
		    "events nor MTA log lines) skipped\n", res->bad,
		    res->bad == 1 ? "" : "s");
}

/* output - rows sorted by count (by time for hours) */
static int
output(const struct report *r, struct result *res, json_t *files)
{
	struct rslot *rows;
	size_t k;

	rows = rcounts_rows(&res->counts[r->o.by], r->o.by == BY_HOUR, &k);
	if (rows == NULL && res->counts[r->o.by].n > 0) {
		cli_error(r->c, "%s", strerror(ENOMEM));
		json_decref(files);
		return -1;
	}
	if (r->c->format == FMT_JSON) {
		out_json(r, res, rows, k, files);
	} else {
		if (r->c->format == FMT_CSV)
			out_csv(r, res, rows, k);
		else
			out_text(r, res, rows, k);
		json_decref(files);
	}
	free(rows);
	return 0;
}

/* merge - the workers' counts into one result */
static int
merge(struct rworker *w, unsigned nw, struct blocks_file *f, unsigned nf,
    struct result *res)
{
	unsigned i, j, by;

	for (i = 0; i < nw; i++) {
		for (by = 0; by < BY_COUNT_; by++)
			if (rcounts_merge(&res->counts[by], &w[i].counts[by]) < 0)
				return -1;
		res->total += w[i].total;
		res->lines += w[i].lines;
	}
	for (j = 0; j < nf; j++) {
		unsigned long long bad = f[j].toolong;

		for (i = 0; i < nw; i++)
			bad += w[i].bad[j];
		res->lines += f[j].toolong;
		res->bad += bad;
		if (bad > 0)
			json_array_append_new(res->badfiles, json_pack("{s:o, s:I}",
			    "file", cli_json_string(f[j].path, strlen(f[j].path)),
			    "bad_lines", (json_int_t)bad));
	}
	return 0;
}

/* A reading thread of the HTML page: the counts and the suppression
   table, from the same lines. */
struct hworker {
	struct rworker	*r;
	struct sworker	 s;
};

static int
on_line_html(void *worker, unsigned file, time_t mtime, const char *s,
    size_t len)
{
	struct hworker *h = worker;

	if (report_line(h->r, file, mtime, s, len) < 0)
		return -1;
	/* what esc suppress reads: our mail (outbound replies, DSNs) and
	   deliveries; the rest of the lines need not be read twice */
	if (len > 0 && s[0] == '{' ? memmem(s, len, "\"outbound\"", 10) ==
	    NULL && memmem(s, len, "\"event\":\"dsn\"", 13) == NULL :
	    memmem(s, len, "stat", 4) == NULL)
		return 0;
	return supread_line(&h->s, file, mtime, s, len);
}

/* html - the page, with the addresses to stop mailing */
static int
html(struct report *r, struct result *res, struct hworker *hw, unsigned nw,
    char **argv, unsigned n)
{
	static const struct sup_rules rules = { SUP_HARD_DEFAULT,
	    SUP_SOFT_DEFAULT, SUP_WITHIN_DEFAULT * 86400LL * 1000 };
	struct supmap all;
	struct html_in in;
	struct suprow *sup;
	unsigned i;
	int rc = -1;

	memset(&all, 0, sizeof all);
	memset(&in, 0, sizeof in);
	for (i = 0; i < nw; i++)
		if (supmap_merge(&all, &hw[i].s.map) < 0)
			goto out;
	in.o = &r->o;
	in.tab = r->o.tab;
	in.counts = res->counts;
	in.total = res->total;
	in.lines = res->lines;
	in.bad = res->bad;
	in.files = (const char *const *)argv;
	in.nfiles = n;
	in.now = cli_now();
	if ((sup = supmap_judge(&all, &rules, &in.nsup)) == NULL)
		goto out;
	in.sup = sup;
	rc = report_html(stdout, &in);
	if (fflush(stdout) != 0)
		rc = -1;
	free(sup);
out:
	supmap_free(&all);
	return rc;
}

/* cmd_report - entry point */
int
cmd_report(struct cli *c, int argc, char **argv)
{
	struct report r;
	struct result res;
	struct blocks_file *files = NULL;
	struct rworker *w = NULL;
	struct hworker *hw = NULL;
	struct sopts so;
	void **wp = NULL;
	unsigned nw = blocks_threads(), i, by;
	json_t *names;
	int n, rc = 0, br;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	memset(&so, 0, sizeof so);
	r.c = c;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, &r, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the event logs to read (- for "
		    "standard input)");
	if ((r.o.tab = cli_tables(c)) == NULL)
		return EXIT_USAGE;
	r.o.all = c->format == FMT_HTML;
	/* the page's groupings (report_html.c), and the one asked for */
	r.o.want = 1u << BY_HOUR_CLASS | 1u << BY_REASON | 1u << BY_CATEGORY |
	    1u << BY_IN_DETAIL | 1u << BY_PROVIDER | 1u << BY_TEXT |
	    1u << BY_XCODE | 1u << BY_HOST | 1u << r.o.by;
	report_keys(&r.o.keys);
	so.tab = r.o.tab;
	if (r.o.since[0])
		so.since_ms = when_iso8601(r.o.since, strlen(r.o.since));
	supread_keys(&so.keys);
	files = calloc((size_t)n, sizeof *files);
	w = calloc(nw, sizeof *w);
	hw = calloc(nw, sizeof *hw);
	wp = calloc(nw, sizeof *wp);
	names = json_array();
	res.badfiles = json_array();
	for (i = 0; w != NULL && hw != NULL && i < nw; i++) {
		w[i].o = &r.o;
		hw[i].r = &w[i];
		hw[i].s.o = &so;
		if ((w[i].bad = calloc((size_t)n, sizeof *w[i].bad)) == NULL ||
		    (hw[i].s.bad = calloc((size_t)n, sizeof *hw[i].s.bad)) == NULL)
			break;
		wp[i] = r.o.all ? (void *)&hw[i] : (void *)&w[i];
	}
	if (files == NULL || w == NULL || hw == NULL || wp == NULL || i < nw) {
		cli_error(c, "%s", strerror(ENOMEM));
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < (unsigned)n; i++) {
		files[i].path = argv[i];
		json_array_append_new(names, cli_json_string(argv[i],
		    strlen(argv[i])));
	}
	br = blocks_read(c, files, (unsigned)n, wp, nw, r.o.all ?
	    on_line_html : on_line);
	if (br == -2 || merge(w, nw, files, (unsigned)n, &res) < 0) {
		cli_error(c, "%s", strerror(ENOMEM));
		rc = EXIT_USAGE;
		goto out;
	}
	if (br < 0)
		rc = EXIT_USAGE;
	if (r.o.all) {
		if (html(&r, &res, hw, nw, argv, (unsigned)n) < 0) {
			cli_error(c, "cannot write the page: %s", strerror(errno));
			rc = EXIT_USAGE;
		}
	} else if (output(&r, &res, names) < 0) {
		rc = EXIT_USAGE;
	}
	names = r.o.all ? names : NULL;
out:
	json_decref(names);
	for (i = 0; w != NULL && i < nw; i++) {
		for (by = 0; by < BY_COUNT_; by++)
			rcounts_free(&w[i].counts[by]);
		free(w[i].bad);
		if (hw != NULL) {
			supmap_free(&hw[i].s.map);
			free(hw[i].s.bad);
		}
	}
	for (by = 0; by < BY_COUNT_; by++)
		rcounts_free(&res.counts[by]);
	json_decref(res.badfiles);
	free(w);
	free(hw);
	free(wp);
	free(files);
	return rc;
}

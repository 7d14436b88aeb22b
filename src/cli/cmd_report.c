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
    "               T is 2026-11-29, 2026-11-29T07:00:00Z (or with +HH:MM),\n"
    "               or a duration back from now: 90m, 24h, 7d\n"
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

/* norm_time - T into "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC) */
static int
norm_time(const char *t, char *out, size_t size)
{
	struct tm tm;
	time_t when;
	char *end;
	long v;
	int off = 0, n;

	memset(&tm, 0, sizeof tm);
	if (isdigit((unsigned char)t[0]) && (v = strtol(t, &end, 10)) >= 0 &&
	    end[0] != '\0' && strchr("smhd", end[0]) && end[1] == '\0' &&
	    end - t <= 8) {
		when = time(NULL) - v * (end[0] == 's' ? 1 : end[0] == 'm' ? 60 :
		    end[0] == 'h' ? 3600 : 86400);
		gmtime_r(&when, &tm);
		strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
		return 0;
	}
	if (sscanf(t, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &n) != 3)
		return -1;
	t += n;
	if (*t == 'T' || *t == ' ') {
		int k = 0;

		if (sscanf(t + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &k) != 2)
			return -1;
		t += 1 + k;
		if (*t == ':') {
			if (sscanf(t + 1, "%2d%n", &tm.tm_sec, &k) != 1)
				return -1;
			t += 1 + k;
			if (*t == '.')
				for (t++; isdigit((unsigned char)*t); t++)
					;
		}
		if (*t == 'Z') {
			t++;
		} else if (*t == '+' || *t == '-') {
			int hh, mm;

			if (sscanf(t + 1, "%2d:%2d", &hh, &mm) != 2)
				return -1;
			off = (hh * 60 + mm) * 60 * (*t == '+' ? 1 : -1);
			t += 6;
		}
	}
	if (*t != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	when = timegm(&tm) - off;
	gmtime_r(&when, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return 0;
}

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct report *r = ctx;
	unsigned i;

	switch (key) {
	case K_BY:
		for (i = 0; i < BY_COUNT_; i++)
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
			    "2026-11-29, 2026-11-29T07:00:00Z or 24h)", arg);
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
	struct rcounts	 counts;
	unsigned long long total, lines, bad;
	json_t		*badfiles;
};

/* split - a row's key, unescaped, in its columns */
static void
split(const struct rslot *row, char *c1, char *c2, size_t size)
{
	const char *sep = memchr(row->key, RKEY_SEP, row->len);
	struct jspan sp = { JT_STRING, row->key, sep ? (size_t)(sep -
	    row->key) : row->len };

	jscan_unescape(&sp, c1, size);
	c2[0] = '\0';
	if (sep != NULL) {
		sp.p = sep + 1;
		sp.len = row->len - (size_t)(sep + 1 - row->key);
		jscan_unescape(&sp, c2, size);
	}
}

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

		split(&rows[i], a, b, sizeof a);
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
		split(&rows[i], a, b, sizeof a);
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
		split(&rows[i], a, b, sizeof a);
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
			split(&rows[i], a, b, sizeof a);
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

			split(&rows[i], a, b, sizeof a);
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

	rows = rcounts_rows(&res->counts, r->o.by == BY_HOUR, &k);
	if (rows == NULL && res->counts.n > 0) {
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
	unsigned i, j;

	for (i = 0; i < nw; i++) {
		if (rcounts_merge(&res->counts, &w[i].counts) < 0)
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

/* cmd_report - entry point */
int
cmd_report(struct cli *c, int argc, char **argv)
{
	struct report r;
	struct result res;
	struct blocks_file *files = NULL;
	struct rworker *w = NULL;
	void **wp = NULL;
	unsigned nw = blocks_threads(), i;
	json_t *names;
	int n, rc = 0, br;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	r.c = c;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, &r, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the event logs to read (- for "
		    "standard input)");
	if ((r.o.tab = cli_tables(c)) == NULL)
		return EXIT_USAGE;
	report_keys(&r.o.keys);
	files = calloc((size_t)n, sizeof *files);
	w = calloc(nw, sizeof *w);
	wp = calloc(nw, sizeof *wp);
	names = json_array();
	res.badfiles = json_array();
	for (i = 0; w != NULL && i < nw; i++) {
		w[i].o = &r.o;
		if ((w[i].bad = calloc((size_t)n, sizeof *w[i].bad)) == NULL)
			break;
		wp[i] = &w[i];
	}
	if (files == NULL || w == NULL || wp == NULL || i < nw) {
		cli_error(c, "%s", strerror(ENOMEM));
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < (unsigned)n; i++) {
		files[i].path = argv[i];
		json_array_append_new(names, cli_json_string(argv[i],
		    strlen(argv[i])));
	}
	br = blocks_read(c, files, (unsigned)n, wp, nw, on_line);
	if (br == -2 || merge(w, nw, files, (unsigned)n, &res) < 0) {
		cli_error(c, "%s", strerror(ENOMEM));
		rc = EXIT_USAGE;
		goto out;
	}
	if (br < 0)
		rc = EXIT_USAGE;
	if (output(&r, &res, names) < 0)
		rc = EXIT_USAGE;
	names = NULL;
out:
	json_decref(names);
	for (i = 0; w != NULL && i < nw; i++) {
		rcounts_free(&w[i].counts);
		free(w[i].bad);
	}
	rcounts_free(&res.counts);
	json_decref(res.badfiles);
	free(w);
	free(wp);
	free(files);
	return rc;
}

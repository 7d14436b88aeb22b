/*
 * cmd_report.c - `esc report [--by KEY] [--since T] [--until T] LOG...`:
 * count the "reply" events of JSON event logs, and the rejections of
 * Postfix's and Sendmail's own logs (plain or gzip, several files and
 * hosts merged, - for standard input) by category, enhanced code, rule,
 * source, stage, hour, sender domain, host, direction, program or remote
 * domain.
 *
 * Built for logs of millions of lines: one pass per line; a line that
 * starts with '{' goes through a validating scanner that picks out only
 * the fields it needs (jscan.c), any other through the maillog reader
 * (maillog.c) as `esc maillog` would read it; a hash table of counts, no
 * allocation per line.  Bad lines are counted per file and reported,
 * never fatal.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "jscan.h"
#include "lines.h"
#include "logline.h"
#include "maillog.h"
#include "registry.h"
#include "strutil.h"

static const char usage[] =
    "usage: esc report [--by KEY] [--since T] [--until T]\n"
    "                  [--format text|json|csv] LOG... | -\n"
    "\n"
    "Count the rejections (\"reply\" events) in esc-milter's JSON event logs\n"
    "and in Postfix's and Sendmail's logs (as esc maillog reads them), plain\n"
    "or gzip-compressed, several files (and hosts) merged.\n"
    "\n"
    "  --by KEY     category (default), xcode, rule, source, stage, hour,\n"
    "               sender-domain, host, direction, program or remote\n"
    "               (the remote domain of outbound replies)\n"
    "  --since T    only events at or after T; --until T: before T.\n"
    "               T is 2026-11-29, 2026-11-29T07:00:00Z (or with +HH:MM),\n"
    "               or a duration back from now: 90m, 24h, 7d\n"
    "\n"
    "exit status: 0 (bad lines are counted, not fatal), 2 a log cannot be read\n";

enum by {
	BY_CATEGORY, BY_XCODE, BY_RULE, BY_SOURCE, BY_STAGE, BY_HOUR,
	BY_SENDER_DOMAIN, BY_HOST, BY_DIRECTION, BY_PROGRAM, BY_REMOTE,
};

static const char *const by_names[] = {
	"category", "xcode", "rule", "source", "stage", "hour", "sender-domain",
	"host", "direction", "program", "remote",
};

enum { K_BY = 1, K_SINCE, K_UNTIL };

static const struct cli_opt opts[] = {
	{ "by", 'b', true, K_BY },
	{ "since", 0, true, K_SINCE },
	{ "until", 0, true, K_UNTIL },
	{ NULL, 0, false, 0 },
};

/* Fields picked out of each line. */
enum { F_EVENT, F_TS, F_SOURCE, F_RULE, F_STAGE, F_CATEGORY, F_SENDER,
    F_XCODE, F_HOST, F_DIRECTION, F_PROGRAM, F_REMOTE, F_DSN, F_COUNT };
static const char *const fields[F_COUNT] = { "event", "ts", "source", "rule",
    "stage", "category", "sender", "reply.xcode", "host", "direction",
    "program", "remote.domain", "dsn" };

struct slot {
	char		*key;		/* raw (JSON-escaped) bytes, owned */
	size_t		 len;
	uint32_t	 hash;
	unsigned long long count;
};

struct report {
	struct cli	*c;
	struct jscan_keys keys;
	enum by		 by;
	char		 since[32], until[32];	/* normalised, "" = none */
	struct slot	*slot;
	size_t		 cap, n;
	unsigned long long total, bad, other, lines;
	json_t		*badfiles;
	/* the MTA log lines of the file being read */
	struct lines_info *info;
	struct logyear	 year;
	bool		 year_set;
	unsigned long long file_bad;
	struct maillog_rec rec;
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
		for (i = 0; i < sizeof by_names / sizeof by_names[0]; i++)
			if (strcmp(arg, by_names[i]) == 0) {
				r->by = (enum by)i;
				return 0;
			}
		cli_usage_error(r->c, "--by must be category, xcode, rule, source, "
		    "stage, hour, sender-domain, host, direction, program or "
		    "remote");
		return -1;
	case K_SINCE:
	case K_UNTIL:
		if (norm_time(arg, key == K_SINCE ? r->since : r->until,
		    sizeof r->since) < 0) {
			cli_usage_error(r->c, "cannot read the time \"%s\" (write "
			    "2026-11-29, 2026-11-29T07:00:00Z or 24h)", arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

static uint32_t
hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* count - add one to key (raw bytes) */
static int
count(struct report *r, const char *k, size_t n)
{
	uint32_t h = hash(k, n);
	size_t i;

	if ((r->n + 1) * 2 > r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64, j;
		struct slot *ns = calloc(ncap, sizeof *ns);

		if (ns == NULL)
			return -1;
		for (j = 0; j < r->cap; j++) {
			if (r->slot[j].key == NULL)
				continue;
			for (i = r->slot[j].hash & (ncap - 1); ns[i].key != NULL;
			    i = (i + 1) & (ncap - 1))
				;
			ns[i] = r->slot[j];
		}
		free(r->slot);
		r->slot = ns;
		r->cap = ncap;
	}
	for (i = h & (r->cap - 1); r->slot[i].key != NULL; i = (i + 1) & (r->cap - 1)) {
		if (r->slot[i].hash == h && r->slot[i].len == n &&
		    memcmp(r->slot[i].key, k, n) == 0) {
			r->slot[i].count++;
			return 0;
		}
	}
	if ((r->slot[i].key = xstrndup(k, n)) == NULL)
		return -1;
	r->slot[i].len = n;
	r->slot[i].hash = h;
	r->slot[i].count = 1;
	r->n++;
	return 0;
}

/* domain_of - the lower-case domain of an address into buf */
static size_t
domain_of(const char *p, size_t n, char *buf, size_t size)
{
	size_t i, at;

	if (n == 0)
		return (size_t)snprintf(buf, size, "<>");
	for (at = n; at > 0 && p[at - 1] != '@'; at--)
		;
	if (at == 0)
		return (size_t)snprintf(buf, size, "(no domain)");
	for (i = 0; at + i < n && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)p[at + i]);
	buf[i] = '\0';
	return i;
}

/* key_of - the grouping key of a JSON event, in buf */
static size_t
key_of(const struct report *r, const struct jspan *f, char *buf, size_t size)
{
	const struct jspan *sp = NULL;
	const char *none = "(none)";

	switch (r->by) {
	case BY_CATEGORY:
		sp = &f[F_CATEGORY];
		break;
	case BY_XCODE:
		sp = f[F_XCODE].type == JT_STRING ? &f[F_XCODE] : &f[F_DSN];
		break;
	case BY_RULE:
		sp = &f[F_RULE];
		none = "(no rule)";
		break;
	case BY_SOURCE:
		sp = &f[F_SOURCE];
		break;
	case BY_STAGE:
		sp = &f[F_STAGE];
		break;
	case BY_HOST:
		sp = &f[F_HOST];
		break;
	case BY_DIRECTION:
		sp = &f[F_DIRECTION];
		none = "inbound";	/* the daemon's own events */
		break;
	case BY_PROGRAM:
		sp = &f[F_PROGRAM];
		none = "esc-milter";
		break;
	case BY_REMOTE:
		sp = &f[F_REMOTE];
		none = jscan_eq(&f[F_DIRECTION], "outbound") ? "(unknown)" :
		    "(inbound)";
		break;
	case BY_HOUR:
		if (f[F_TS].type == JT_STRING && f[F_TS].len >= 13)
			return (size_t)snprintf(buf, size, "%.13s:00Z", f[F_TS].p);
		return (size_t)snprintf(buf, size, "(none)");
	case BY_SENDER_DOMAIN:
		if (f[F_SENDER].type != JT_STRING)
			return (size_t)snprintf(buf, size, "(none)");
		return domain_of(f[F_SENDER].p, f[F_SENDER].len, buf, size);
	}
	if (sp == NULL || sp->type != JT_STRING)
		return (size_t)snprintf(buf, size, "%s", none);
	if (sp->len + 1 > size)
		return (size_t)snprintf(buf, size, "%.*s", (int)size - 1, sp->p);
	memcpy(buf, sp->p, sp->len);
	buf[sp->len] = '\0';
	return sp->len;
}

/* escaped - (p, n) as JSON string bytes (the form keys are kept in) */
static size_t
escaped(const char *p, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 7 < size; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return o;
}

/* rec_key - the grouping key of recipient i of a maillog record */
static size_t
rec_key(const struct report *r, const struct logline *ll, unsigned i,
    char *buf, size_t size)
{
	const struct maillog_rec *m = &r->rec;
	char cx[XCODE_STRLEN], tmp[512], ts[40];
	const char *x;
	struct xcode xc;
	size_t n;

	switch (r->by) {
	case BY_CATEGORY:
		x = maillog_class_xcode(m, cx, sizeof cx);
		return (size_t)snprintf(buf, size, "%s", x[0] &&
		    xcode_parse(x, strlen(x), 0, &xc, NULL) ?
		    category_name(category_of(xc.subject)) : "unknown");
	case BY_XCODE:
		x = maillog_class_xcode(m, cx, sizeof cx);
		return (size_t)snprintf(buf, size, "%s", x[0] ? x : "(none)");
	case BY_RULE:
		return (size_t)snprintf(buf, size, "(no rule)");
	case BY_SOURCE:
		return (size_t)snprintf(buf, size, "%s",
		    maillog_source_name(m->source));
	case BY_STAGE:
		return (size_t)snprintf(buf, size, "%s", m->stage ? m->stage :
		    "(none)");
	case BY_HOUR:
		if (!ll->has_time)
			return (size_t)snprintf(buf, size, "(none)");
		logline_ts(ll->ms, ts, sizeof ts);
		return (size_t)snprintf(buf, size, "%.13s:00Z", ts);
	case BY_SENDER_DOMAIN:
		if (m->sender.p == NULL)
			return (size_t)snprintf(buf, size, "(none)");
		n = domain_of(m->sender.p, m->sender.n, tmp, sizeof tmp);
		return escaped(tmp, n, buf, size);
	case BY_HOST:
		if (ll->host == NULL)
			return (size_t)snprintf(buf, size, "(none)");
		return escaped(ll->host, ll->hostlen, buf, size);
	case BY_DIRECTION:
		return (size_t)snprintf(buf, size, "%s",
		    maillog_direction_name(m->direction));
	case BY_PROGRAM:
		return escaped(m->program.p, m->program.n, buf, size);
	case BY_REMOTE:
		if (m->direction != MLD_OUTBOUND)
			return (size_t)snprintf(buf, size, "(inbound)");
		if ((n = maillog_remote_domain(m, i, tmp, sizeof tmp)) == 0)
			return (size_t)snprintf(buf, size, "(unknown)");
		return escaped(tmp, n, buf, size);
	}
	return 0;
}

/* in_window - ts (24 bytes, UTC) against --since and --until */
static bool
in_window(const struct report *r, const char *ts, size_t len)
{
	if (r->since[0] && (len < 24 || memcmp(ts, r->since, 24) < 0))
		return false;
	if (r->until[0] && (len < 24 || memcmp(ts, r->until, 24) >= 0))
		return false;
	return true;
}

/* json_line - one event line */
static int
json_line(struct report *r, const char *s, size_t len)
{
	struct jspan f[F_COUNT];
	char key[512];
	size_t kl;

	if (jscan_object(s, len, &r->keys, f) < 0) {
		r->file_bad++;
		return 0;
	}
	if (!jscan_eq(&f[F_EVENT], "reply")) {
		r->other++;
		return 0;
	}
	if ((r->since[0] || r->until[0]) && (f[F_TS].type != JT_STRING ||
	    !in_window(r, f[F_TS].p, f[F_TS].len)))
		return 0;
	kl = key_of(r, f, key, sizeof key);
	r->total++;
	return count(r, key, kl);
}

/* log_line - one line of an MTA's log */
static int
log_line(struct report *r, const char *s, size_t len)
{
	struct logline ll;
	char key[1024], ts[40];
	unsigned i, n;

	if (!logline_parse(s, len, &r->year, &ll)) {
		r->file_bad++;
		return 0;
	}
	switch (maillog_parse(&ll, MLM_AUTO, &r->rec)) {
	case ML_DAMAGED:
		r->file_bad++;
		return 0;
	case ML_NOT_MTA:
	case ML_NOTHING:
		r->other++;
		return 0;
	case ML_EVENT:
		break;
	}
	if (r->since[0] || r->until[0]) {
		if (!ll.has_time)
			return 0;
		logline_ts(ll.ms, ts, sizeof ts);
		if (!in_window(r, ts, strlen(ts)))
			return 0;
	}
	n = r->rec.nrcpt > 0 ? r->rec.nrcpt : 1;
	for (i = 0; i < n; i++) {
		r->total++;
		if (count(r, key, rec_key(r, &ll, i, key, sizeof key)) < 0)
			return -1;
	}
	return 0;
}

/* on_line - one line of a log: an event, or an MTA's log line */
static int
on_line(void *arg, const char *s, size_t len, unsigned long no)
{
	struct report *r = arg;

	(void)no;
	if (!r->year_set) {
		logyear_init(&r->year, r->info->mtime);
		r->year_set = true;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0)
		return 0;
	r->lines++;
	return s[0] == '{' ? json_line(r, s, len) : log_line(r, s, len);
}

/* read_log - all lines of one (possibly gzipped) log */
static int
read_log(struct report *r, const char *path)
{
	struct lines_info info;
	int rc;

	r->info = &info;
	r->year_set = false;
	r->file_bad = 0;
	rc = lines_read(r->c, path, on_line, r, &info);
	r->file_bad += info.toolong;
	r->lines += info.toolong;
	r->bad += r->file_bad;
	if (r->file_bad > 0)
		json_array_append_new(r->badfiles, json_pack("{s:o, s:I}", "file",
		    cli_json_string(path, strlen(path)),
		    "bad_lines", (json_int_t)r->file_bad));
	return rc;
}

static int
by_count(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct slot *)a)->key, ((const struct slot *)b)->key);
}

/* output - rows sorted by count (by time for hours) */
static void
output(struct report *r, json_t *files)
{
	struct slot *rows = calloc(r->n ? r->n : 1, sizeof *rows);
	size_t i, k = 0, width = strlen(by_names[r->by]);
	unsigned long long max = 0;
	char key[1024];

	for (i = 0; i < r->cap; i++)
		if (r->slot[i].key != NULL)
			rows[k++] = r->slot[i];
	qsort(rows, k, sizeof *rows, r->by == BY_HOUR ? by_key : by_count);
	for (i = 0; i < k; i++) {
		struct jspan sp = { JT_STRING, rows[i].key, rows[i].len };

		/* keys are JSON-escaped bytes; show them decoded */
		jscan_unescape(&sp, key, sizeof key);
		if (strlen(key) > width)
			width = strlen(key);
		if (rows[i].count > max)
			max = rows[i].count;
	}
	if (width > 40)
		width = 40;
	if (r->c->format == FMT_JSON) {
		json_t *list = json_array();

		for (i = 0; i < k; i++) {
			struct jspan sp = { JT_STRING, rows[i].key, rows[i].len };
			size_t kl = jscan_unescape(&sp, key, sizeof key);

			json_array_append_new(list, json_pack("{s:o, s:I, s:f}",
			    "key", cli_json_string(key, kl),
			    "count", (json_int_t)rows[i].count,
			    "share", r->total ? (double)rows[i].count * 100.0 /
			    (double)r->total : 0.0));
		}
		cli_json_print(json_pack("{s:s, s:s?, s:s?, s:I, s:I, s:I, s:o, "
		    "s:o, s:O}", "by", by_names[r->by],
		    "since", r->since[0] ? r->since : NULL,
		    "until", r->until[0] ? r->until : NULL,
		    "total", (json_int_t)r->total, "lines", (json_int_t)r->lines,
		    "bad_lines", (json_int_t)r->bad, "rows", list, "files", files,
		    "bad_files", r->badfiles));
	} else if (r->c->format == FMT_CSV) {
		printf("%s,count,share\n", by_names[r->by]);
		for (i = 0; i < k; i++) {
			struct jspan sp = { JT_STRING, rows[i].key, rows[i].len };
			const char *q;

			jscan_unescape(&sp, key, sizeof key);
			putchar('"');
			for (q = key; *q; q++) {
				if (*q == '"')
					putchar('"');
				putchar(*q);
			}
			printf("\",%llu,%.1f\n", rows[i].count, r->total ?
			    (double)rows[i].count * 100.0 / (double)r->total : 0.0);
		}
	} else {
		printf("%-*s %10s %6s\n", (int)width, by_names[r->by], "count",
		    "share");
		for (i = 0; i < k; i++) {
			struct jspan sp = { JT_STRING, rows[i].key, rows[i].len };
			double share = r->total ? (double)rows[i].count * 100.0 /
			    (double)r->total : 0.0;
			int bar = max ? (int)((rows[i].count * 40 + max - 1) / max) : 0;

			jscan_unescape(&sp, key, sizeof key);
			printf("%-*.*s %10llu %5.1f%%  %.*s\n", (int)width,
			    (int)width, key, rows[i].count, share, bar,
			    "########################################");
		}
		printf("%-*s %10llu %5.1f%%\n", (int)width, "total", r->total,
		    r->total ? 100.0 : 0.0);
		if (r->bad > 0)
			fprintf(stderr, "esc report: %llu line%s not understood "
			    "(neither events nor MTA log lines) skipped\n", r->bad,
			    r->bad == 1 ? "" : "s");
		json_decref(files);
	}
	free(rows);
}

/* cmd_report - entry point */
int
cmd_report(struct cli *c, int argc, char **argv)
{
	struct report r;
	json_t *files;
	int n, i, rc = 0;
	size_t k;

	memset(&r, 0, sizeof r);
	r.c = c;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, &r, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the event logs to read (- for "
		    "standard input)");
	jscan_keys(&r.keys, fields, F_COUNT);
	r.badfiles = json_array();
	files = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(files, cli_json_string(argv[i], strlen(argv[i])));
		if (read_log(&r, argv[i]) < 0)
			rc = EXIT_USAGE;
	}
	output(&r, files);
	for (k = 0; k < r.cap; k++)
		free(r.slot[k].key);
	free(r.slot);
	json_decref(r.badfiles);
	return rc;
}

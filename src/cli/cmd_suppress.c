/*
 * cmd_suppress.c - `esc suppress [--hard N] [--soft N] [--within DAYS]
 * [--since T] [--format text|csv|json|postfix] LOG...`: the recipients to
 * stop sending to, from MTA logs, event logs and DSNs together, each with
 * why (reason, code, count, first and last seen); --format postfix writes
 * a Postfix access table of validated replies.
 *
 * A file whose first line is a mail header ("Return-Path: ...", "From
 * ...") is a DSN message (esc dsn's input); any other is read line by
 * line on every processor (blocks.h), events and MTA log lines alike.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "blocks.h"
#include "cli.h"
#include "dsn.h"
#include "file.h"
#include "reply.h"
#include "supread.h"
#include "when.h"

static const char usage[] =
    "usage: esc suppress [--hard N] [--soft N] [--within DAYS] [--since T]\n"
    "                    [--format text|csv|json|postfix] LOG... | -\n"
    "\n"
    "The recipients to stop sending to, from the MTA's logs, esc-milter's\n"
    "event logs and DSNs (bounce messages) together.  An address is\n"
    "suppressed after N hard failures about the address (user unknown, no\n"
    "such domain, moved, disabled, a null MX) or N soft ones (mailbox full)\n"
    "within DAYS; never for failures about the sender or the path (blocked,\n"
    "reputation, authentication, spam, rate limits); a later delivery\n"
    "clears it.  Retries of one message count once.\n"
    "\n"
    "  --hard N       hard failures that suppress (default 1)\n"
    "  --soft N       soft failures that suppress (default 3)\n"
    "  --within DAYS  ... within this many days (default 7)\n"
    "  --since T      only what happened at or after T (2026-11-29, 24h, 7d)\n"
    "  --format postfix\n"
    "                 a Postfix access table (postmap it, use it with\n"
    "                 check_recipient_access on the submission service)\n"
    "\n"
    "exit status: 0, 2 a log cannot be read\n";

enum { K_HARD = 1, K_SOFT, K_WITHIN, K_SINCE };

static const struct cli_opt opts[] = {
	{ "hard", 0, true, K_HARD },
	{ "soft", 0, true, K_SOFT },
	{ "within", 0, true, K_WITHIN },
	{ "since", 0, true, K_SINCE },
	{ NULL, 0, false, 0 },
};

struct sup {
	struct cli	*c;
	struct sopts	 o;
	struct sup_rules rules;
	char		 since[40];
};

/* count_arg - a whole number from 1 to max */
static int
count_arg(struct sup *s, const char *opt, const char *arg, unsigned long max,
    unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || *v < 1 || *v > max ||
	    arg[0] == '-') {
		cli_usage_error(s->c, "--%s must be a whole number from 1 to %lu, "
		    "not \"%s\"", opt, max, arg);
		return -1;
	}
	return 0;
}

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct sup *s = ctx;
	unsigned long v;
	long long t;

	switch (key) {
	case K_HARD:
	case K_SOFT:
		if (count_arg(s, key == K_HARD ? "hard" : "soft", arg, 1000,
		    &v) < 0)
			return -1;
		*(key == K_HARD ? &s->rules.hard : &s->rules.soft) = (unsigned)v;
		return 0;
	case K_WITHIN:
		if (count_arg(s, "within", arg, 3650, &v) < 0)
			return -1;
		s->rules.within_ms = (long long)v * 86400 * 1000;
		return 0;
	case K_SINCE:
		if (cli_time(arg, &t) < 0) {
			cli_usage_error(s->c, "cannot read the time \"%s\" (write "
			    "yesterday, today, 7d, 2026-11-29 or "
			    "2026-11-29T07:00:00Z)", arg);
			return -1;
		}
		s->o.since_ms = t;
		snprintf(s->since, sizeof s->since, "%s", arg);
		return 0;
	}
	return -1;
}

/* is_message - the file starts like a mail message (a DSN), not a log */
static int
is_message(const char *path, bool *msg)
{
	char buf[512], *nl;
	const char *p;
	gzFile gz;
	int n;

	*msg = false;
	if (strcmp(path, "-") == 0)
		return 0;	/* standard input is a log */
	if ((gz = gzopen(path, "rb")) == NULL)
		return -1;
	n = gzread(gz, buf, sizeof buf - 1);
	gzclose(gz);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; *p == '\n' || *p == '\r'; p++)
		;
	if ((nl = strchr(p, '\n')) != NULL)
		*nl = '\0';
	if (strncmp(p, "From ", 5) == 0) {
		*msg = true;
		return 0;
	}
	/* "Name: value", Name made of header characters */
	for (n = 0; p[n] != '\0' && p[n] != ':'; n++)
		if (!((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' &&
		    p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-'))
			return 0;
	*msg = n > 0 && p[n] == ':' && (p[n + 1] == ' ' || p[n + 1] == '\t');
	return 0;
}

static int
on_line(void *worker, unsigned file, time_t mtime, const char *s, size_t len)
{
	return supread_line(worker, file, mtime, s, len);
}

/* iso - ms as "2026-11-29T09:40:12Z"; "" for unknown */
static const char *
iso(long long ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL)
		return "";
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *
kind_name(enum sup_kind k)
{
	return k == SUP_HARD ? "hard" : k == SUP_SOFT ? "soft" : "never";
}

/* key_ok - the address can be a key of a Postfix access table */
static bool
key_ok(const char *a)
{
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || *a == '"' || *a == '#' ||
		    *a == 0x7f)
			return false;
	return true;
}

static int
out_postfix(struct sup *s, struct suprow *rows, size_t n)
{
	const struct tables *tab = cli_tables(s->c);
	struct validate_opts vo = { STAGE_RCPT, false, true, false };
	char reply[300], f[32];
	struct findings fs;
	struct reply rep;
	size_t i, len;
	time_t now = time(NULL);
	int rc = 0;

	printf("# esc suppress: %zu address%s to stop sending to, written %s.\n"
	    "# postmap this file; see esc(1), \"esc suppress\", for the "
	    "main.cf and master.cf lines.\n", n, n == 1 ? "" : "es",
	    iso((long long)now * 1000, f, sizeof f));
	for (i = 0; i < n; i++) {
		if (!key_ok(rows[i].addr)) {
			cli_error(s->c, "%s: left out: an access table key "
			    "cannot hold blanks, quotes or '#'", rows[i].addr);
			continue;
		}
		findings_init(&fs);
		if ((len = suppress_reply(&rows[i].v, reply, sizeof reply)) == 0 ||
		    reply_check(tab->reg, reply, len, &vo, &rep, &fs) != 0 ||
		    findings_count(&fs, SEV_WARNING) > 0) {
			cli_error(s->c, "%s: left out: its reply \"%s\" does not "
			    "pass validation (%s)", rows[i].addr, reply,
			    fs.n > 0 ? fs.v[0].msg : "too long");
			rc = -1;
			continue;
		}
		printf("# %s %s, %u since %s\n%s\t%s\n", reason_name(rows[i].v.reason),
		    rows[i].v.xcode[0] ? rows[i].v.xcode : rows[i].v.code,
		    rows[i].v.count, iso(rows[i].v.first, f, sizeof f),
		    rows[i].addr, reply);
	}
	return rc;
}

static void
out_rows(struct sup *s, struct suprow *rows, size_t n, size_t addrs,
    json_t *files)
{
	char f[32], l[32];
	size_t i, w = 7;

	if (s->c->format == FMT_JSON) {
		json_t *list = json_array();

		for (i = 0; i < n; i++) {
			const struct sup_verdict *v = &rows[i].v;

			json_array_append_new(list, json_pack("{s:o, s:s, s:s, "
			    "s:s?, s:s?, s:i, s:s?, s:s?}", "address",
			    cli_json_string(rows[i].addr, strlen(rows[i].addr)),
			    "kind", kind_name(v->kind), "reason",
			    reason_name(v->reason), "code", v->code[0] ? v->code :
			    NULL, "xcode", v->xcode[0] ? v->xcode : NULL,
			    "count", (int)v->count, "first_seen",
			    v->first > 0 ? iso(v->first, f, sizeof f) : NULL,
			    "last_seen", v->last > 0 ? iso(v->last, l, sizeof l) :
			    NULL));
		}
		cli_json_print(json_pack("{s:{s:i, s:i, s:i}, s:s?, s:I, s:I, "
		    "s:o, s:o}", "rules", "hard", (int)s->rules.hard, "soft",
		    (int)s->rules.soft, "within_days",
		    (int)(s->rules.within_ms / 86400000), "since",
		    s->since[0] ? s->since : NULL, "addresses", (json_int_t)addrs,
		    "count", (json_int_t)n, "suppressed", list, "files", files));
		return;
	}
	json_decref(files);
	if (s->c->format == FMT_CSV) {
		printf("address,kind,reason,code,xcode,count,first_seen,last_seen\n");
		for (i = 0; i < n; i++) {
			const struct sup_verdict *v = &rows[i].v;

			printf("\"%s\",%s,%s,%s,%s,%u,%s,%s\n", rows[i].addr,
			    kind_name(v->kind), reason_name(v->reason), v->code,
			    v->xcode, v->count, iso(v->first, f, sizeof f),
			    iso(v->last, l, sizeof l));
		}
		return;
	}
	for (i = 0; i < n; i++)
		if (strlen(rows[i].addr) > w)
			w = strlen(rows[i].addr);
	if (w > 48)
		w = 48;
	printf("%-*s %-4s %-12s %-9s %5s  %-20s  %s\n", (int)w, "address",
	    "kind", "reason", "code", "count", "first seen", "last seen");
	for (i = 0; i < n; i++) {
		const struct sup_verdict *v = &rows[i].v;

		printf("%-*s %-4s %-12s %-9s %5u  %-20s  %s\n", (int)w,
		    rows[i].addr, kind_name(v->kind), reason_name(v->reason),
		    v->xcode[0] ? v->xcode : v->code[0] ? v->code : "-",
		    v->count, iso(v->first, f, sizeof f),
		    iso(v->last, l, sizeof l));
	}
	printf("%zu of %zu addresses suppressed\n", n, addrs);
}

/* cmd_suppress - entry point */
int
cmd_suppress(struct cli *c, int argc, char **argv)
{
	struct sup s;
	struct blocks_file *logs = NULL;
	struct sworker *w = NULL;
	struct supmap all;
	struct suprow *rows = NULL;
	void **wp = NULL;
	unsigned nw = blocks_threads(), i, nlogs = 0;
	size_t n = 0;
	json_t *files;
	int argn, rc = 0, br;

	memset(&s, 0, sizeof s);
	memset(&all, 0, sizeof all);
	s.c = c;
	s.rules.hard = SUP_HARD_DEFAULT;
	s.rules.soft = SUP_SOFT_DEFAULT;
	s.rules.within_ms = (long long)SUP_WITHIN_DEFAULT * 86400 * 1000;
	if ((argn = cli_parse(c, argc, argv, opts, on_opt, &s, usage)) < 0)
		return argn == -2 ? 0 : EXIT_USAGE;
	if (argn == 0)
		return cli_usage_error(c, "give the logs and DSNs to read (- for "
		    "standard input)");
	if ((s.o.tab = cli_tables(c)) == NULL)
		return EXIT_USAGE;
	supread_keys(&s.o.keys);
	files = json_array();
	logs = calloc((size_t)argn, sizeof *logs);
	w = calloc(nw, sizeof *w);
	wp = calloc(nw, sizeof *wp);
	for (i = 0; w != NULL && i < nw; i++) {
		w[i].o = &s.o;
		if ((w[i].bad = calloc((size_t)argn, sizeof *w[i].bad)) == NULL)
			break;
		wp[i] = &w[i];
	}
	if (logs == NULL || w == NULL || wp == NULL || i < nw)
		goto nomem;
	/* DSN messages now, on this thread; logs after, on all of them */
	for (i = 0; i < (unsigned)argn; i++) {
		struct stat st;
		bool msg;
		char *buf;
		size_t len;

		json_array_append_new(files, cli_json_string(argv[i],
		    strlen(argv[i])));
		if (is_message(argv[i], &msg) < 0) {
			cli_error(c, "%s: %s", argv[i], strerror(errno));
			rc = EXIT_USAGE;
			continue;
		}
		if (!msg) {
			logs[nlogs++].path = argv[i];
			continue;
		}
		if ((buf = file_read(argv[i], DSN_PART_MAX * 4, &len)) == NULL) {
			cli_error(c, "%s: %s", argv[i], strerror(errno));
			rc = EXIT_USAGE;
			continue;
		}
		if (supread_dsn(&w[0], argv[i], stat(argv[i], &st) == 0 ?
		    st.st_mtime : time(NULL), buf, len) < 0) {
			free(buf);
			goto nomem;
		}
		free(buf);
	}
	br = nlogs > 0 ? blocks_read(c, logs, nlogs, wp, nw, on_line) : 0;
	if (br == -2)
		goto nomem;
	if (br < 0)
		rc = EXIT_USAGE;
	for (i = 0; i < nw; i++)
		if (supmap_merge(&all, &w[i].map) < 0)
			goto nomem;
	if ((rows = supmap_judge(&all, &s.rules, &n)) == NULL && all.n > 0)
		goto nomem;
	if (c->format == FMT_POSTFIX) {
		json_decref(files);
		files = NULL;
		if (out_postfix(&s, rows, n) < 0)
			rc = EXIT_USAGE;
	} else {
		out_rows(&s, rows, n, all.n, files);
		files = NULL;
	}
	goto out;
nomem:
	cli_error(c, "%s", strerror(ENOMEM));
	rc = EXIT_USAGE;
out:
	json_decref(files);
	free(rows);
	supmap_free(&all);
	for (i = 0; w != NULL && i < nw; i++) {
		supmap_free(&w[i].map);
		free(w[i].bad);
	}
	free(w);
	free(wp);
	free(logs);
	return rc;
}

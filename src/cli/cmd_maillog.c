/*
 * cmd_maillog.c - `esc maillog [--mta postfix|sendmail|auto]
 * [--format json|text] FILE... | -`: the rejections, tempfails, discards,
 * holds and failed or deferred deliveries of Postfix and Sendmail logs
 * (plain or gzip) as "reply" events, one per recipient a line names.
 *
 * json: one event per line (docs/events.md).  text: one line per event,
 * then what was read: lines, events, MTA lines without a rejection, lines
 * of other programs, and lines not understood (no syslog header, a
 * rejection line that cannot be read, a line over 4 MB).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "lines.h"
#include "logline.h"
#include "maillog.h"
#include "maillog_event.h"

static const char usage[] =
    "usage: esc maillog [--mta postfix|sendmail|auto] [--format json|text]\n"
    "                   FILE... | -\n"
    "\n"
    "Read Postfix and Sendmail logs (plain or gzip-compressed; traditional\n"
    "or RFC 3339 timestamps) and print one \"reply\" event per rejection,\n"
    "tempfail, discard, hold or failed/deferred delivery, one per recipient.\n"
    "\n"
    "  --mta M      only Postfix's or Sendmail's lines (default: auto, both)\n"
    "  --format F   json (default): JSON lines; text: a line per event and\n"
    "               the counts, lines not understood included\n"
    "\n"
    "exit status: 0, 2 a file cannot be read\n";

enum { K_MTA = 1 };

static const struct cli_opt opts[] = {
	{ "mta", 0, true, K_MTA },
	{ NULL, 0, false, 0 },
};

struct run {
	struct cli	*c;
	const struct tables *tab;
	enum maillog_mta mta;
	bool		 json;
	const char	*file;
	struct lines_info *info;	/* the file being read */
	struct logyear	 year;
	bool		 year_set;	/* for this file */
	struct maillog_rec rec;
	unsigned long long lines, events, event_lines, nothing, other, damaged;
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct run *r = ctx;

	(void)key;
	if (strcmp(arg, "postfix") == 0)
		r->mta = MLM_POSTFIX;
	else if (strcmp(arg, "sendmail") == 0)
		r->mta = MLM_SENDMAIL;
	else if (strcmp(arg, "auto") == 0)
		r->mta = MLM_AUTO;
	else {
		cli_usage_error(r->c, "--mta must be postfix, sendmail or auto");
		return -1;
	}
	return 0;
}

/* text_line - one event for people */
static void
text_line(const struct run *r, const struct logline *ll, unsigned i)
{
	const struct maillog_rec *m = &r->rec;
	char ts[40], cx[XCODE_STRLEN];
	const char *x = maillog_class_xcode(m, cx, sizeof cx);
	struct reply_class rc;

	printf("%s %.*s %.*s %s %s %s %s %s",
	    ll->has_time ? logline_ts(ll->ms, ts, sizeof ts) : "-",
	    ll->host ? (int)ll->hostlen : 1, ll->host ? ll->host : "-",
	    (int)m->program.n, m->program.p,
	    maillog_direction_name(m->direction),
	    maillog_source_name(m->source), maillog_action_name(m->action),
	    m->stage ? m->stage : "-", m->code[0] ? m->code : "-");
	printf(" %s", x[0] ? x : "-");
	maillog_classify(r->tab, m, &rc);
	printf(" %s%s%s", reason_name(rc.reason), rc.reason_detail[0] ? ":" : "",
	    rc.reason_detail);
	if (i < m->nrcpt && m->rcpt[i].p != NULL)
		printf(" to=<%.*s>", (int)m->rcpt[i].n, m->rcpt[i].p);
	else if (m->sender.p != NULL)
		printf(" from=<%.*s>", (int)m->sender.n, m->sender.p);
	if (m->remote_name.p != NULL && m->remote_name.n > 0)
		printf(" remote=%.*s", (int)m->remote_name.n, m->remote_name.p);
	if (m->textlen > 0)
		printf(" %.*s", (int)(m->textlen < 160 ? m->textlen : 160),
		    m->text);
	putchar('\n');
}

/* line - one log line */
static int
line(void *arg, const char *s, size_t len, unsigned long no)
{
	struct run *r = arg;
	struct logline ll;
	unsigned i, n;

	if (!r->year_set) {
		/* traditional timestamps: the year from the file's mtime */
		logyear_init(&r->year, r->info->mtime);
		r->year_set = true;
	}
	if (len == 0)
		return 0;
	if (!logline_parse(s, len, &r->year, &ll)) {
		r->damaged++;
		return 0;
	}
	switch (maillog_parse(&ll, r->mta, &r->rec)) {
	case ML_NOT_MTA:
		r->other++;
		return 0;
	case ML_NOTHING:
	case ML_DELIVERED:
		r->nothing++;
		return 0;
	case ML_DAMAGED:
		r->damaged++;
		return 0;
	case ML_EVENT:
		break;
	}
	r->event_lines++;
	n = r->rec.nrcpt > 0 ? r->rec.nrcpt : 1;
	for (i = 0; i < n; i++) {
		r->events++;
		if (r->json) {
			size_t l;
			char *out = event_line(maillog_event(r->tab, &r->rec, i,
			    &ll, r->file, no, NULL), &l);

			if (out == NULL) {
				cli_error(r->c, "out of memory");
				return -1;
			}
			fwrite(out, 1, l, stdout);
			free(out);
		} else {
			text_line(r, &ll, i);
		}
	}
	return 0;
}

/* cmd_maillog - entry point */
int
cmd_maillog(struct cli *c, int argc, char **argv)
{
	struct run *r;
	struct lines_info info;
	int n, i, rc = 0;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return EXIT_USAGE;
	r->c = c;
	c->format = FMT_JSON;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, r, usage)) < 0) {
		free(r);
		return n == -2 ? 0 : EXIT_USAGE;
	}
	if (n == 0) {
		free(r);
		return cli_usage_error(c, "give the MTA's log files (- for "
		    "standard input)");
	}
	if ((r->tab = cli_tables(c)) == NULL) {
		free(r);
		return EXIT_USAGE;
	}
	r->json = c->format != FMT_TEXT;
	for (i = 0; i < n; i++) {
		r->file = argv[i];
		r->info = &info;
		r->year_set = false;
		if (lines_read(c, argv[i], line, r, &info) < 0)
			rc = EXIT_USAGE;
		r->lines += info.lines;
		r->damaged += info.toolong;
	}
	if (!r->json)
		printf("%llu lines: %llu events from %llu lines, %llu MTA lines "
		    "without a rejection, %llu lines of other programs, %llu "
		    "lines not understood\n", r->lines, r->events,
		    r->event_lines, r->nothing, r->other, r->damaged);
	else if (r->damaged > 0)
		fprintf(stderr, "esc maillog: %llu line%s not understood "
		    "(--format text gives the figures)\n", r->damaged,
		    r->damaged == 1 ? "" : "s");
	free(r);
	return rc;
}

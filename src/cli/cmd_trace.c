/*
 * cmd_trace.c - `esc trace [--queue-id ID] [--message-id ID] [--sender A]
 * [--recipient A] [--client IP] [--dsn FILE] [--since T] [--until T]
 * [--format text|json] LOG...`: the story of every message that matches
 * (trace.h), the logs merged by time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "lreader.h"
#include "strutil.h"
#include "trace_cli.h"

static const char usage[] =
    "usage: esc trace [--queue-id ID] [--message-id ID] [--sender ADDR]\n"
    "                 [--recipient ADDR] [--client IP] [--dsn FILE]\n"
    "                 [--since T] [--until T] [--format text|json]\n"
    "                 LOG... | -\n"
    "\n"
    "What happened to a message: every log line of every queue id it went\n"
    "through (a content filter's or a relay's \"queued as\", a bounce, a\n"
    "requeue), its client's session, and each recipient's outcome with the\n"
    "codes explained.  A refusal before the queue (NOQUEUE) is a story of\n"
    "its own.  Several logs (plain or gzip, several hosts) are merged by\n"
    "time.  With several conditions a message must meet them all; with none,\n"
    "every message is shown.\n"
    "\n"
    "  --queue-id ID     one of its queue ids (on any host)\n"
    "  --message-id ID   its Message-ID, with or without <>\n"
    "  --sender ADDR     its envelope sender; @domain for any of a domain,\n"
    "                    <> for bounces\n"
    "  --recipient ADDR  one of its recipients (or an orig_to=); @domain\n"
    "  --client IP       its client's address or host name\n"
    "  --dsn FILE        the message a bounce reports (by X-Postfix-Queue-ID,\n"
    "                    Original-Envelope-Id, the returned Message-ID, the\n"
    "                    recipient), the bounce next to the log\n"
    "  --since, --until  a line of it at or after / before T (today,\n"
    "                    yesterday, 24h, 7d, 2026-11-29, an ISO 8601 time)\n"
    "  --format F        text (default) or json (one object per message)\n"
    "\n"
    "exit status: 0 a message matched, 1 none did (or, with --dsn and\n"
    "--strict, the bounce and the log disagree), 2 usage or a log cannot be\n"
    "read\n";

enum { K_QID = 1, K_MSGID, K_SENDER, K_RCPT, K_CLIENT, K_DSN, K_SINCE,
	K_UNTIL };

static const struct cli_opt opts[] = {
	{ "queue-id", 0, true, K_QID },
	{ "message-id", 0, true, K_MSGID },
	{ "sender", 0, true, K_SENDER },
	{ "recipient", 0, true, K_RCPT },
	{ "client", 0, true, K_CLIENT },
	{ "dsn", 0, true, K_DSN },
	{ "since", 0, true, K_SINCE },
	{ "until", 0, true, K_UNTIL },
	{ NULL, 0, false, 0 },
};

/* One log being merged: its current line. */
struct src {
	struct lreader	*lr;
	struct logyear	 year;
	const char	*s;
	size_t		 len;
	struct logline	 ll;
	bool		 ok;		/* ll is a syslog line */
	long long	 ms;		/* its time, else the last one's */
	bool		 more;
};

struct run {
	struct cli	*c;
	const char	*qid, *sender, *rcpt, *client, *dsn_path;
	char		 msgid[1000];
	long long	 since, until;	/* -1: none */
	struct tdsn	 dsn;
	bool		 has_dsn, json;
	struct tview	 view;
	unsigned long long matched, open;
	int		 err;
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct run *r = ctx;
	long long *t = key == K_SINCE ? &r->since : &r->until;
	size_t n;

	switch (key) {
	case K_QID:
		r->qid = arg;
		break;
	case K_MSGID:
		n = strlen(arg);
		if (n >= 2 && arg[0] == '<' && arg[n - 1] == '>')
			arg++, n -= 2;
		if (n == 0 || n >= sizeof r->msgid) {
			cli_usage_error(r->c, "--message-id: give the "
			    "Message-ID, e.g. <1234@example.com>");
			return -1;
		}
		str_copyn(r->msgid, sizeof r->msgid, arg, n);
		break;
	case K_SENDER:
		r->sender = arg;
		break;
	case K_RCPT:
		r->rcpt = arg;
		break;
	case K_CLIENT:
		r->client = arg;
		break;
	case K_DSN:
		r->dsn_path = arg;
		break;
	default:
		if (cli_time(arg, t) < 0) {
			cli_usage_error(r->c, "--%s %s: not a time (today, "
			    "yesterday, 24h, 7d, 2026-11-29, "
			    "2026-11-29T07:00:00Z)", key == K_SINCE ? "since" :
			    "until", arg);
			return -1;
		}
	}
	return 0;
}

/* addr_in - a (an address, @domain or <>) is one of the set */
static bool
addr_in(const struct trace_strs *ss, const char *a)
{
	size_t i, al = strlen(a);

	if (strcmp(a, "<>") == 0 || a[0] == '\0')
		a = "<>", al = 2;
	else if (al >= 2 && a[0] == '<' && a[al - 1] == '>')
		return false;	/* said with brackets: matched below */
	for (i = 0; i < ss->n; i++) {
		size_t l = strlen(ss->v[i]);

		if (a[0] == '@' ? l > al && str_caseeq(ss->v[i] + l - al, a) :
		    str_caseeq(ss->v[i], a))
			return true;
	}
	return false;
}

static bool
addr_match(const struct trace_strs *ss, const char *a)
{
	size_t al = strlen(a);
	char buf[1000];

	if (al > 2 && a[0] == '<' && a[al - 1] == '>' && al < sizeof buf) {
		str_copyn(buf, sizeof buf, a + 1, al - 2);
		return addr_in(ss, buf);
	}
	return addr_in(ss, a);
}

/* match - s meets every condition given */
static bool
match(const struct run *r, const struct trace_story *s)
{
	size_t i;

	if (r->qid != NULL) {
		for (i = 0; i < s->nqids; i++)
			if (strcmp(s->qids[i]->id, r->qid) == 0)
				break;
		if (i == s->nqids)
			return false;
	}
	if (r->msgid[0] && !trace_strs_has(&s->msgids, r->msgid))
		return false;
	if (r->sender != NULL && !addr_match(&s->senders, r->sender))
		return false;
	if (r->rcpt != NULL && !addr_match(&s->rcpts, r->rcpt))
		return false;
	if (r->client != NULL && !trace_strs_has(&s->client_ips, r->client) &&
	    !trace_strs_has(&s->client_names, r->client))
		return false;
	if (r->since >= 0 && s->last_ms >= 0 && s->last_ms < r->since)
		return false;
	if (r->until >= 0 && s->first_ms >= 0 && s->first_ms >= r->until)
		return false;
	if (r->has_dsn && !tdsn_match(&r->dsn, s))
		return false;
	return true;
}

/* on_story - a story that is over: shown when it matches */
static int
on_story(void *arg, struct trace_story *s)
{
	struct run *r = arg;
	struct touts os;
	int rc = 0;

	if (!match(r, s))
		return 0;
	if (trace_outcomes(&r->view, s, &os) < 0) {
		cli_error(r->c, "out of memory");
		r->err = 1;
		return -1;
	}
	{
		r->matched++;
		r->open += !s->complete;
		if (r->json) {
			json_t *j = trace_json(&r->view, s, &os);
			char *out;
			size_t l;

			if (j != NULL && r->has_dsn)
				json_object_set_new(j, "dsn", tdsn_json(
				    &r->view, &r->dsn, &os));
			if ((out = event_line(j, &l)) == NULL) {
				r->err = 1;
				rc = -1;
			} else {
				fwrite(out, 1, l, stdout);
				free(out);
			}
		} else {
			if (r->matched > 1)
				putchar('\n');
			trace_text(&r->view, s, &os, stdout);
			if (r->has_dsn)
				tdsn_text(&r->view, &r->dsn, &os, stdout);
			trace_text_lines(&r->view, s, stdout);
		}
	}
	trace_outcomes_free(&os);
	return rc;
}

/* advance - the next line of src i; false at its end */
static bool
advance(struct run *r, struct src *src)
{
	int n = lreader_next(src->lr, &src->s, &src->len);

	if (n <= 0) {
		if (n < 0)
			r->err = 2;
		src->more = false;
		return false;
	}
	src->ok = src->len > 0 && logline_parse(src->s, src->len, &src->year,
	    &src->ll);
	if (src->ok && src->ll.has_time)
		src->ms = src->ll.ms;
	return true;
}

/* merge - every line of every log, the earliest first, into t */
static int
merge(struct run *r, struct trace *t, struct src *srcs, unsigned n)
{
	unsigned i, best;

	for (i = 0; i < n; i++) {
		srcs[i].ms = -1;
		srcs[i].more = true;
		logyear_init(&srcs[i].year, lreader_mtime(srcs[i].lr));
		r->view.years[i] = srcs[i].year;
		advance(r, &srcs[i]);
	}
	for (;;) {
		best = n;
		for (i = 0; i < n; i++)
			if (srcs[i].more && (best == n ||
			    srcs[i].ms < srcs[best].ms))
				best = i;
		if (best == n)
			return 0;
		if (srcs[best].ok && trace_feed(t, srcs[best].s,
		    srcs[best].len, &srcs[best].ll, best,
		    lreader_lineno(srcs[best].lr)) < 0) {
			if (r->err == 0)
				cli_error(r->c, "out of memory");
			return -1;
		}
		advance(r, &srcs[best]);
	}
}

/* cmd_trace - entry point */
int
cmd_trace(struct cli *c, int argc, char **argv)
{
	struct run r;
	struct src *srcs = NULL;
	struct trace *t = NULL;
	int n, i, rc = EXIT_USAGE;

	memset(&r, 0, sizeof r);
	r.c = c;
	r.since = r.until = -1;
	c->format = FMT_TEXT;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, &r, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the MTA's log files (- for "
		    "standard input)");
	r.json = c->format == FMT_JSON;
	if ((r.view.tab = cli_tables(c)) == NULL)
		return EXIT_USAGE;
	r.view.c = c;
	r.view.files = (const char *const *)argv;
	if (r.dsn_path != NULL) {
		if (tdsn_load(c, r.dsn_path, &r.dsn) < 0)
			return EXIT_USAGE;
		r.has_dsn = true;
	}
	if ((srcs = calloc((size_t)n, sizeof *srcs)) == NULL ||
	    (r.view.years = calloc((size_t)n, sizeof *r.view.years)) == NULL ||
	    (t = trace_new(on_story, &r)) == NULL) {
		cli_error(c, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((srcs[i].lr = lreader_open(c, argv[i])) == NULL)
			goto out;
	if (merge(&r, t, srcs, (unsigned)n) < 0 || trace_finish(t) < 0 ||
	    r.err != 0)
		goto out;
	if (r.matched == 0)
		fprintf(stderr, "esc trace: no message in %s matches\n",
		    n == 1 ? "the log" : "the logs");
	else if (!r.json && r.matched > 1)
		printf("\n%llu messages%s\n", r.matched, r.open == 0 ? "" :
		    "; some were not over at the end of the log");
	if (getenv("ESC_TRACE_STATS") != NULL) {
		struct trace_stats st;

		trace_stats(t, &st);
		fprintf(stderr, "esc trace: %llu messages, at most %zu in "
		    "flight and %zu sessions open, at most %zu lines held\n",
		    st.emitted, st.stories_max, st.sessions_max, st.recs_max);
	}
	rc = r.matched == 0 ? EXIT_FINDINGS : 0;
	if (r.has_dsn && r.matched > 0 && r.dsn.any_finding &&
	    cli_effective(c, (enum severity)r.dsn.worst) >= SEV_ERROR)
		rc = EXIT_FINDINGS;
out:
	trace_free(t);
	for (i = 0; srcs != NULL && i < n; i++)
		lreader_close(srcs[i].lr);
	free(srcs);
	free(r.view.years);
	if (r.has_dsn)
		tdsn_free(&r.dsn);
	return rc;
}

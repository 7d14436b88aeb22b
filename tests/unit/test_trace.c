/*
 * test_trace.c - esc trace's core: what one line says (trace_line.c, a
 * table of valid and invalid lines), the hash map it keeps its ids in,
 * and the stories lines make (trace.c): links every way, sessions, the
 * refusals before the queue, ids given again, clocks that jump, the end
 * of the input, memory given back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "tap.h"
#include "trace.h"
#include "trace_line.h"

static const char *
span(struct ml_span s, char *buf, size_t size)
{
	if (s.p == NULL)
		return "(none)";
	snprintf(buf, size, "%.*s", (int)s.n, s.p);
	return buf;
}

/* One line and what it must say. */
static const struct lcase {
	const char	*line;
	enum tl_kind	 kind;
	const char	*qid;		/* NULL: none */
	const char	*link;		/* the first link's id, NULL none */
	enum tl_how	 how;
	int		 back;
	const char	*want;		/* "field=value" checks, ';'-joined */
} lcases[] = {
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: 1A2B3C4D: client=h.example[192.0.2.1]",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "attach;starts;ip=192.0.2.1;name=h.example" },
	{ "Mar 14 00:00:01 mx postfix/10025/smtpd[1]: 4PbC4z6W5Qz3tG3: client=localhost[127.0.0.1], orig_queue_id=4PbC4x469Jz3tBr, orig_client=x[192.0.2.1]",
	    TL_QID, "4PbC4z6W5Qz3tG3", "4PbC4x469Jz3tBr", TLH_FORWARD, 1, "attach" },
	{ "Mar 14 00:00:01 mx postfix/cleanup[2]: 1A2B3C4D: message-id=<abc@example.org>",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "msgid=abc@example.org;starts" },
	{ "Mar 14 00:00:01 mx postfix/qmgr[3]: 1A2B3C4D: from=<s@example.org>, size=1, nrcpt=1 (queue active)",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "sender=s@example.org" },
	{ "Mar 14 00:00:01 mx postfix/qmgr[3]: 1A2B3C4D: from=<>, size=1, nrcpt=1 (queue active)",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "sender=" },
	{ "Mar 14 00:00:01 mx postfix/qmgr[3]: 1A2B3C4D: removed",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "removed" },
	{ "Mar 14 00:00:01 mx postfix/postsuper[3]: 1A2B3C4D: removed",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "removed" },
	{ "Mar 14 00:00:01 mx postfix/smtp[4]: 1A2B3C4D: to=<r@example.com>, orig_to=<o@example.com>, relay=mx[192.0.2.9]:25, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C)",
	    TL_QID, "1A2B3C4D", "9F8E7D6C", TLH_QUEUED_AS, 0, "rcpt=r@example.com;orig=o@example.com" },
	{ "Mar 14 00:00:01 mx postfix/local[4]: 1A2B3C4D: to=<root@x>, relay=local, dsn=2.0.0, status=sent (forwarded as 5E6F7A8B)",
	    TL_QID, "1A2B3C4D", "5E6F7A8B", TLH_FORWARDED, 0, "rcpt=root@x" },
	{ "Mar 14 00:00:01 mx postfix/bounce[5]: 1A2B3C4D: sender non-delivery notification: 5E6F7A8C",
	    TL_QID, "1A2B3C4D", "5E6F7A8C", TLH_NOTIFY, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/bounce[5]: 1A2B3C4D: sender delay notification: 5E6F7A8D",
	    TL_QID, "1A2B3C4D", "5E6F7A8D", TLH_NOTIFY, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/bounce[5]: 1A2B3C4D: postmaster non-delivery notification: 5E6F7A8E",
	    TL_QID, "1A2B3C4D", "5E6F7A8E", TLH_NOTIFY, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/pickup[6]: 5E6F7A8F: uid=0 from=<root> orig_id=1A2B3C4D",
	    TL_QID, "5E6F7A8F", "1A2B3C4D", TLH_REQUEUE, 1, "sender=root;starts" },
	{ "Mar 14 00:00:01 mx postfix/smtp[4]: 1A2B3C4D: to=<r@example.com>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x[192.0.2.9]:25: Connection refused)",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "rcpt=r@example.com" },
	{ "Mar 14 00:00:01 mx postfix/cleanup[2]: 1A2B3C4D: milter-reject: END-OF-MESSAGE from h[192.0.2.1]: 5.7.1 no; from=<s@x> to=<r@y> proto=ESMTP helo=<h>",
	    TL_QID, "1A2B3C4D", NULL, 0, 0, "ip=192.0.2.1;sender=s@x;rcpt=r@y" },
	{ "Mar 14 00:00:01 mx amavis[7]: (7-1) Passed CLEAN {RelayedInbound}, [192.0.2.1]:1 <s@x> -> <r@y>, Queue-ID: 4PbC4x469Jz3tBr, Message-ID: <m@x>, mail_id: a, Hits: 1, size: 1, queued_as: 4PbC4z6W5Qz3tG3, 12 ms",
	    TL_QID, "4PbC4x469Jz3tBr", "4PbC4z6W5Qz3tG3", TLH_QUEUED_AS, 0, "msgid=m@x;amavis" },
	{ "Mar 14 00:00:01 mx amavis[7]: (7-1) Blocked SPAM {DiscardedInbound}, [192.0.2.1]:1 <s@x> -> <r@y>, Queue-ID: 4PbC4x469Jz3tBr, Message-ID: <m@x>, mail_id: a, Hits: 9, 12 ms",
	    TL_QID, "4PbC4x469Jz3tBr", NULL, 0, 0, "amavis" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from h.example[192.0.2.1]: 550 5.1.1 <r@y>: Recipient address rejected: User unknown; from=<s@x> to=<r@y> proto=ESMTP helo=<h>",
	    TL_NOQUEUE, NULL, NULL, 0, 0, "sess;ip=192.0.2.1;sender=s@x;rcpt=r@y" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: NOQUEUE: filter: RCPT from h[192.0.2.1]: <r@y>: Recipient address triggers FILTER smtp:x; from=<s@x> to=<r@y> proto=ESMTP helo=<h>",
	    TL_SESSION, NULL, NULL, 0, 0, "sess" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: NOQUEUE: reject: RCPT from [192.0.2.5]:4711: 550 5.7.1 Service unavailable; client [192.0.2.5] blocked using zen.spamhaus.org; from=<s@x>, to=<r@y>, proto=ESMTP, helo=<h>",
	    TL_NOQUEUE, NULL, NULL, 0, 0, "sess=[192.0.2.5]:4711;ip=192.0.2.5;sender=s@x;rcpt=r@y" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: CONNECT from [192.0.2.5]:4711 to [192.0.2.1]:25",
	    TL_CONNECT, NULL, NULL, 0, 0, "sess=[192.0.2.5]:4711" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: CONNECT from [2001:db8::5]:4711 to [2001:db8::1]:25",
	    TL_CONNECT, NULL, NULL, 0, 0, "sess=[2001:db8::5]:4711;ip=2001:db8::5" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: PASS OLD [192.0.2.5]:4711",
	    TL_HANDOFF, NULL, NULL, 0, 0, "sess=[192.0.2.5]:4711" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: DISCONNECT [192.0.2.5]:4711",
	    TL_DISCONNECT, NULL, NULL, 0, 0, "sess=[192.0.2.5]:4711" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: DNSBL rank 3 for [192.0.2.5]:4711",
	    TL_SESSION, NULL, NULL, 0, 0, "sess=[192.0.2.5]:4711" },
	{ "Mar 14 00:00:01 mx postfix/postscreen[9]: cache btree:/var/lib/postfix/psc_cache full cleanup: retained=1 dropped=0 entries",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: connect from h.example[192.0.2.1]",
	    TL_CONNECT, NULL, NULL, 0, 0, "sess;ip=192.0.2.1;name=h.example" },
	{ "Mar 14 00:00:01 mx postfix/submission/smtpd[1]: disconnect from h.example[192.0.2.1] ehlo=1 quit=1 commands=2",
	    TL_DISCONNECT, NULL, NULL, 0, 0, "sess" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: lost connection after DATA from h[192.0.2.1]",
	    TL_SESSION, NULL, NULL, 0, 0, "sess" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: warning: hostname x does not resolve to address 192.0.2.1",
	    TL_SESSION, NULL, NULL, 0, 0, "sess" },
	{ "Mar 14 00:00:01 mx postfix/qmgr[3]: warning: 1A2B3C4D: x",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/postsuper[3]: Deleted: 3 messages",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/master[3]: daemon started -- version 3.7.11",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Mar 14 00:00:01 mx dovecot: lmtp(1): 1A2B3C4D: saved mail",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Mar 14 00:00:01 mx postfix/smtpd[1]: ABCD: client=x[192.0.2.1]",
	    TL_SESSION, NULL, NULL, 0, 0, "sess" },
	/* Sendmail */
	{ "Apr  2 00:15:25 mta sendmail[32300]: u31FFPtp032300: from=<s@gmail.com>, size=5938, class=0, nrcpts=7, msgid=<2016@gmail.com>, proto=ESMTP, daemon=MTA, relay=mail.example [64.233.187.27]",
	    TL_QID, "u31FFPtp032300", NULL, 0, 0, "sendmail;sender=s@gmail.com;msgid=2016@gmail.com;ip=64.233.187.27;name=mail.example" },
	{ "Apr  2 00:15:25 mta sendmail[32302]: u31FFPtp032300: to=<a@example.com>,<b@example.com>, delay=00:00:00, mailer=esmtp, relay=[93.184.216.34] [93.184.216.34], dsn=2.0.0, stat=Sent (u31GGPtp012345 Message accepted for delivery)",
	    TL_QID, "u31FFPtp032300", "u31GGPtp012345", TLH_QUEUED_AS, 0, "rcpt=a@example.com;final" },
	{ "Apr  2 00:15:25 mta sendmail[32302]: u31FFPtp032300: to=<a@example.com>, delay=00:00:15, mailer=esmtp, dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem",
	    TL_QID, "u31FFPtp032300", NULL, 0, 0, "rcpt=a@example.com;notfinal" },
	{ "Apr  2 00:15:25 mta sm-mta[32302]: u31FFPtp032300: u31FFPtp032301: DSN: User unknown",
	    TL_QID, "u31FFPtp032300", "u31FFPtp032301", TLH_NOTIFY, 0, "" },
	{ "Apr  2 00:15:25 mta sm-mta[1]: ruleset=check_relay, arg1=[201.29.120.11], relay=[201.29.120.11], reject=554 5.7.1 Rejected 201.29.120.11 found in dnsbl.sorbs.net",
	    TL_NOQUEUE, NULL, NULL, 0, 0, "ip=201.29.120.11" },
	{ "Apr  2 00:15:25 mta sm-mta[1]: u31FFPtp032300: ruleset=check_rcpt, arg1=<x@y>, relay=h [192.0.2.2], reject=550 5.1.1 <x@y>... User unknown",
	    TL_QID, "u31FFPtp032300", NULL, 0, 0, "rcpt=x@y;ip=192.0.2.2" },
	{ "Apr  2 00:15:25 mta sm-mta[1]: starting daemon (8.12.9): SMTP+queueing@01:00:00",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Apr  2 00:15:25 mta sm-mta[1]: STARTTLS=server, relay=h [192.0.2.2], version=TLSv1.2",
	    TL_NONE, NULL, NULL, 0, 0, "" },
	{ "Apr  2 00:15:25 mta kernel: [1.0] eth0: link up",
	    TL_NONE, NULL, NULL, 0, 0, "" },
};

/* has - one "key[=value]" check of c->want */
static bool
has(const struct tline *tl, const char *w)
{
	char k[64], b[300];
	const char *eq = strchr(w, '='), *v = eq ? eq + 1 : NULL;
	struct ml_span s = { NULL, 0 };

	snprintf(k, sizeof k, "%.*s", (int)(eq ? (size_t)(eq - w) : strlen(w)), w);
	if (strcmp(k, "attach") == 0) return tl->attach;
	if (strcmp(k, "starts") == 0) return tl->starts;
	if (strcmp(k, "removed") == 0) return tl->removed;
	if (strcmp(k, "final") == 0) return tl->final;
	if (strcmp(k, "notfinal") == 0) return !tl->final;
	if (strcmp(k, "amavis") == 0) return tl->amavis;
	if (strcmp(k, "sendmail") == 0) return tl->sendmail;
	if (strcmp(k, "sess") == 0 && v == NULL) return tl->has_sess && tl->sess.n == 0;
	if (strcmp(k, "sess") == 0) s = tl->sess;
	else if (strcmp(k, "ip") == 0) s = tl->client_ip;
	else if (strcmp(k, "name") == 0) s = tl->client_name;
	else if (strcmp(k, "sender") == 0) s = tl->sender;
	else if (strcmp(k, "rcpt") == 0) s = tl->rcpt;
	else if (strcmp(k, "orig") == 0) s = tl->orig_rcpt;
	else if (strcmp(k, "msgid") == 0) s = tl->msgid;
	else return false;
	return s.p != NULL && strcmp(span(s, b, sizeof b), v) == 0;
}

static void
line_cases(void)
{
	size_t i;
	char b[300], w[300], *tok, *save;
	struct logyear y;

	logyear_init(&y, 1773446400);	/* 2026-03-14 */
	for (i = 0; i < sizeof lcases / sizeof lcases[0]; i++) {
		const struct lcase *c = &lcases[i];
		struct logline ll;
		struct tline tl;
		bool got;

		ok(logline_parse(c->line, strlen(c->line), &y, &ll),
		    "line %zu is a syslog line", i);
		got = tline_parse(&ll, &tl);
		ok(got == (c->kind != TL_NONE) && tl.kind == c->kind,
		    "line %zu: kind %d (got %d): %.60s", i, c->kind, tl.kind,
		    c->line + 16);
		is_str(tl.qid.p ? span(tl.qid, b, sizeof b) : NULL, c->qid,
		    "line %zu: queue id", i);
		is_str(tl.nlinks ? span(tl.link[0].id, b, sizeof b) : NULL,
		    c->link, "line %zu: link", i);
		if (c->link != NULL)
			ok(tl.link[0].how == c->how && tl.link[0].back ==
			    (bool)c->back, "line %zu: link is %s%s", i,
			    tline_how_name(c->how), c->back ? ", back" : "");
		snprintf(w, sizeof w, "%s", c->want);
		for (tok = strtok_r(w, ";", &save); tok != NULL;
		    tok = strtok_r(NULL, ";", &save))
			ok(has(&tl, tok), "line %zu: %s", i, tok);
	}
	ok(tline_is_qid("4PbC4x469Jz3tBr", 15), "a long Postfix id");
	ok(tline_is_qid("1A2B3C4D", 8), "a short one");
	ok(!tline_is_qid("warning", 7), "a word is no id");
	ok(!tline_is_qid("1234", 4), "too short");
	ok(!tline_is_qid("123456789012345678901", 21), "too long");
	ok(!tline_is_qid("1A2B-3C4D", 9), "not letters and digits");
}

static void
hmap_cases(void)
{
	struct hmap *m = hmap_new();
	char k[32];
	int i, bad = 0, v[5000];

	ok(m != NULL, "hmap_new");
	for (i = 0; i < 5000; i++) {
		v[i] = i;
		snprintf(k, sizeof k, "key%d", i);
		if (hmap_put(m, k, strlen(k), &v[i]) < 0)
			bad++;
	}
	is_int(bad, 0, "5000 keys put");
	is_int(hmap_count(m), 5000, "5000 keys there");
	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "key%d", i);
		if (hmap_get(m, k, strlen(k)) != &v[i])
			bad++;
	}
	is_int(bad, 0, "each found, after the table grew");
	ok(hmap_get(m, "key5000", 7) == NULL, "an absent key");
	ok(hmap_get(m, "key1\0x", 6) == NULL, "keys are bytes: NUL counts");
	ok(hmap_put(m, "key1", 4, &v[2]) == 0 && hmap_get(m, "key1", 4) ==
	    &v[2] && hmap_count(m) == 5000, "put again replaces");
	for (i = 0; i < 5000; i += 2) {
		snprintf(k, sizeof k, "key%d", i);
		if (hmap_del(m, k, strlen(k)) == NULL)
			bad++;
	}
	is_int(bad, 0, "half deleted");
	is_int(hmap_count(m), 2500, "2500 left");
	ok(hmap_get(m, "key2", 4) == NULL && hmap_get(m, "key3", 4) == &v[3],
	    "deleted ones gone, the others there");
	ok(hmap_del(m, "nope", 4) == NULL, "deleting an absent key");
	hmap_free(m);
	hmap_free(NULL);
}

/* The stories of a run, each as "QID QID ...|LINE LINE ...". */
struct got {
	char	 s[64][400];
	bool	 complete[64];
	int	 n, total;
};

static int
collect(void *arg, struct trace_story *st)
{
	struct got *g = arg;
	char *p;
	size_t i, room;

	g->total++;
	if (g->n == 64)
		return 0;
	p = g->s[g->n];
	room = sizeof g->s[0];
	p[0] = '\0';
	for (i = 0; i < st->nqids; i++)
		snprintf(p + strlen(p), room - strlen(p), "%s%s",
		    i ? " " : "", st->qids[i]->id);
	if (st->noqueue)
		snprintf(p + strlen(p), room - strlen(p), "%sNOQUEUE",
		    st->nqids ? " " : "");
	snprintf(p + strlen(p), room - strlen(p), "|");
	for (i = 0; i < st->nrecs; i++)
		snprintf(p + strlen(p), room - strlen(p), "%s%lu",
		    i ? " " : "", st->recs[i]->line);
	g->complete[g->n++] = st->complete;
	return 0;
}

/* run - feed lines (one string, '\n' between them); the stories sorted */
static void
run(const char *log, struct got *g, struct trace_stats *st)
{
	struct trace *t = trace_new(collect, g);
	struct logyear y;
	char *buf = strdup(log), *line, *save;
	unsigned long n = 0;
	int i, j;

	memset(g, 0, sizeof *g);
	logyear_init(&y, 1773446400 + 86400 * 30);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct logline ll;

		n++;
		if (logline_parse(line, strlen(line), &y, &ll))
			trace_feed(t, line, strlen(line), &ll, 0, n);
	}
	free(buf);
	trace_finish(t);
	if (st != NULL)
		trace_stats(t, st);
	trace_free(t);
	for (i = 1; i < g->n; i++)	/* sort, for stable expectations */
		for (j = i; j > 0 && strcmp(g->s[j - 1], g->s[j]) > 0; j--) {
			char tmp[400];
			bool c = g->complete[j];

			memcpy(tmp, g->s[j], sizeof tmp);
			memcpy(g->s[j], g->s[j - 1], sizeof tmp);
			memcpy(g->s[j - 1], tmp, sizeof tmp);
			g->complete[j] = g->complete[j - 1];
			g->complete[j - 1] = c;
		}
}

static void
stories(const char *name, const char *log, const char *const *want,
    int nwant)
{
	struct got g;
	int i;

	run(log, &g, NULL);
	is_int(g.n, nwant, "%s: %d stories", name, nwant);
	for (i = 0; i < nwant && i < g.n; i++)
		is_str(g.s[i], want[i], "%s: story %d", name, i + 1);
}

#define H	"Mar 14 10:00:0"
#define STORIES(name, log, ...) do {					\
	static const char *const w_[] = { __VA_ARGS__ };		\
	stories(name, log, w_, (int)(sizeof w_ / sizeof w_[0]));	\
} while (0)

static void
story_cases(void)
{
	struct got g;
	struct trace_stats st;
	char *big;
	size_t bl = 0;
	int i;

	STORIES("a content filter's re-injection",
	    H"1 mx postfix/smtpd[1]: connect from a[192.0.2.1]\n"
	    H"1 mx postfix/smtpd[1]: AAAAA1: client=a[192.0.2.1]\n"
	    H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"1 mx postfix/smtpd[1]: disconnect from a[192.0.2.1] commands=5\n"
	    H"2 mx postfix/10025/smtpd[5]: connect from localhost[127.0.0.1]\n"
	    H"2 mx postfix/10025/smtpd[5]: BBBBB2: client=localhost[127.0.0.1]\n"
	    H"2 mx postfix/10025/smtpd[5]: disconnect from localhost[127.0.0.1]\n"
	    H"2 mx postfix/qmgr[3]: BBBBB2: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"2 mx postfix/smtp[6]: AAAAA1: to=<r@y>, relay=127.0.0.1[127.0.0.1]:10024, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as BBBBB2)\n"
	    H"2 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"3 mx postfix/local[7]: BBBBB2: to=<r@y>, relay=local, dsn=2.0.0, status=sent (delivered to mailbox)\n"
	    H"3 mx postfix/qmgr[3]: BBBBB2: removed\n",
	    "AAAAA1 BBBBB2|1 2 3 4 5 6 7 8 9 10 11 12");
	STORIES("the link before the re-injected id's lines (a relay's log later)",
	    H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"1 mx postfix/smtp[6]: AAAAA1: to=<r@y>, relay=mx2[192.0.2.2]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as CCCCC3)\n"
	    H"1 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"2 mx2 postfix/qmgr[3]: CCCCC3: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"2 mx2 postfix/local[3]: CCCCC3: to=<r@y>, relay=local, dsn=2.0.0, status=sent (delivered)\n"
	    H"2 mx2 postfix/qmgr[3]: CCCCC3: removed\n",
	    "AAAAA1 CCCCC3|1 2 3 4 5 6");
	STORIES("a bounce and its notification",
	    H"1 mx postfix/pickup[2]: AAAAA1: uid=0 from=<s@x>\n"
	    H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"2 mx postfix/smtp[6]: AAAAA1: to=<r@y>, relay=mx[192.0.2.2]:25, dsn=5.1.1, status=bounced (host mx[192.0.2.2] said: 550 5.1.1 no (in reply to RCPT TO command))\n"
	    H"2 mx postfix/cleanup[4]: DDDDD4: message-id=<DDDDD4@mx>\n"
	    H"2 mx postfix/bounce[5]: AAAAA1: sender non-delivery notification: DDDDD4\n"
	    H"2 mx postfix/qmgr[3]: DDDDD4: from=<>, size=1, nrcpt=1 (queue active)\n"
	    H"2 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"3 mx postfix/local[7]: DDDDD4: to=<s@x>, relay=local, dsn=2.0.0, status=sent (delivered)\n"
	    H"3 mx postfix/qmgr[3]: DDDDD4: removed\n",
	    "AAAAA1 DDDDD4|1 2 3 4 5 6 7 8 9");
	STORIES("postsuper -r: pickup's orig_id",
	    H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"1 mx postfix/postsuper[8]: AAAAA1: requeued\n"
	    H"2 mx postfix/pickup[2]: EEEEE5: uid=0 from=<s@x> orig_id=AAAAA1\n"
	    H"2 mx postfix/qmgr[3]: EEEEE5: removed\n",
	    "AAAAA1 EEEEE5|1 2 3 4");
	STORIES("two messages in one session, a refusal between them",
	    H"1 mx postfix/smtpd[1]: connect from a[192.0.2.1]\n"
	    H"1 mx postfix/smtpd[1]: AAAAA1: client=a[192.0.2.1]\n"
	    H"1 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"1 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from a[192.0.2.1]: 550 5.1.1 <x@y>: no; from=<s@x> to=<x@y> proto=ESMTP helo=<a>\n"
	    H"1 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from a[192.0.2.1]: 550 5.1.1 <z@y>: no; from=<s@x> to=<z@y> proto=ESMTP helo=<a>\n"
	    H"2 mx postfix/smtpd[1]: BBBBB2: client=a[192.0.2.1]\n"
	    H"2 mx postfix/qmgr[3]: BBBBB2: removed\n"
	    H"3 mx postfix/smtpd[1]: disconnect from a[192.0.2.1]\n",
	    "AAAAA1|1 2 3 8", "BBBBB2|1 6 7 8", "NOQUEUE|1 4 5 8");
	STORIES("postscreen's lines go to smtpd's session; its refusals are stories",
	    H"1 mx postfix/postscreen[9]: CONNECT from [192.0.2.1]:4711 to [192.0.2.9]:25\n"
	    H"1 mx postfix/postscreen[9]: CONNECT from [192.0.2.7]:4712 to [192.0.2.9]:25\n"
	    H"1 mx postfix/postscreen[9]: PASS OLD [192.0.2.1]:4711\n"
	    H"1 mx postfix/postscreen[9]: DNSBL rank 3 for [192.0.2.7]:4712\n"
	    H"1 mx postfix/smtpd[1]: connect from a[192.0.2.1]\n"
	    H"1 mx postfix/postscreen[9]: NOQUEUE: reject: RCPT from [192.0.2.7]:4712: 550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org; from=<s@x>, to=<r@y>, proto=ESMTP, helo=<h>\n"
	    H"1 mx postfix/postscreen[9]: DISCONNECT [192.0.2.7]:4712\n"
	    H"2 mx postfix/smtpd[1]: AAAAA1: client=a[192.0.2.1]\n"
	    H"2 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"3 mx postfix/smtpd[1]: disconnect from a[192.0.2.1]\n",
	    "AAAAA1|1 3 5 8 9 10", "NOQUEUE|2 4 6 7");
	STORIES("an id Postfix gives again after removed is a new message",
	    H"1 mx postfix/smtpd[1]: AAAAA1: client=a[192.0.2.1]\n"
	    H"1 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"2 mx postfix/smtpd[2]: AAAAA1: client=b[192.0.2.2]\n"
	    H"2 mx postfix/qmgr[3]: AAAAA1: removed\n",
	    "AAAAA1|1 2", "AAAAA1|3 4");
	STORIES("a line of a removed id that is no new start joins it",
	    H"1 mx postfix/qmgr[3]: AAAAA1: removed\n"
	    H"1 mx postfix/smtp[6]: AAAAA1: to=<r@y>, relay=mx[192.0.2.2]:25, dsn=2.0.0, status=sent (250 ok)\n",
	    "AAAAA1|1 2");
	STORIES("the same id on two hosts is two messages",
	    H"1 mx1 postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"1 mx2 postfix/qmgr[3]: AAAAA1: from=<t@x>, size=1, nrcpt=1 (queue active)\n"
	    H"2 mx1 postfix/qmgr[3]: AAAAA1: removed\n"
	    H"2 mx2 postfix/qmgr[3]: AAAAA1: removed\n",
	    "AAAAA1|1 3", "AAAAA1|2 4");
	STORIES("Sendmail: a DSN's id and a relay's",
	    "Apr  2 00:15:25 mta sendmail[1]: u31FFPtp032300: from=<s@x>, size=1, nrcpts=1, msgid=<m@x>, proto=ESMTP, daemon=MTA, relay=[192.0.2.1]\n"
	    "Apr  2 00:15:26 mta sendmail[2]: u31FFPtp032300: to=<r@y>, delay=00:00:01, mailer=esmtp, dsn=5.1.1, stat=User unknown\n"
	    "Apr  2 00:15:26 mta sendmail[2]: u31FFPtp032300: u31FFQtp032301: DSN: User unknown\n"
	    "Apr  2 00:15:26 mta sendmail[2]: u31FFQtp032301: to=<s@x>, delay=00:00:00, mailer=local, dsn=2.0.0, stat=Sent\n",
	    "u31FFPtp032300 u31FFQtp032301|1 2 3 4");
	/* a clock that jumps does not end a message that is not over */
	STORIES("a line from another day ends nothing early",
	    H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    "Sep 25 12:07:56 other postfix/qmgr[1]: 9F9F9F9: removed\n"
	    H"2 mx postfix/qmgr[3]: AAAAA1: removed\n",
	    "9F9F9F9|2", "AAAAA1|1 3");
	/* still queued at the end: handed over, marked not over */
	run(H"1 mx postfix/qmgr[3]: AAAAA1: from=<s@x>, size=1, nrcpt=1 (queue active)\n"
	    H"1 mx postfix/smtp[6]: AAAAA1: to=<r@y>, relay=none, dsn=4.4.1, status=deferred (connect refused)\n"
	    H"2 mx postfix/qmgr[3]: BBBBB2: removed\n", &g, NULL);
	ok(g.n == 2 && !g.complete[0] && g.complete[1],
	    "a deferred message is not over at the end; a removed one is");
	/* memory: a long log of short messages holds a few at a time */
	big = malloc(4000 * 120);
	for (i = 0; big != NULL && i < 4000; i++)
		bl += (size_t)snprintf(big + bl, 4000 * 120 - bl,
		    "Mar %2d %02d:%02d:00 mx postfix/qmgr[3]: A%04dZ: from=<s@x>\n"
		    "Mar %2d %02d:%02d:01 mx postfix/qmgr[3]: A%04dZ: removed\n",
		    1 + i / 1440, i / 60 % 24, i % 60, i,
		    1 + i / 1440, i / 60 % 24, i % 60, i);
	run(big ? big : "", &g, &st);
	free(big);
	is_int(g.total, 4000, "4000 messages");
	ok(st.recs == 0 && st.stories == 0, "every line and story given back");
	is_int(st.emitted, 4000, "4000 handed over");
	ok(st.stories_max <= 1000, "at most the last thousand lines' in "
	    "flight at once (%zu)", st.stories_max);
}

int
main(void)
{
	line_cases();
	hmap_cases();
	story_cases();
	return done_testing();
}

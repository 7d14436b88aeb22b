/*
 * trace.c - follow messages through an MTA's log (trace.h): each line
 * to its queue id's story or its session, the links between queue ids,
 * and the sweep that hands over the stories that are over.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "trace_int.h"

#define SWEEP_MS	(30 * 1000LL)	/* how often, in log time, */
#define SWEEP_LINES	4096		/* or in lines (a clock that stands
					   or goes back) */
#define SESS_IDLE_MS	(3600 * 1000LL)	/* a session without its end */
#define HANDED_MS	(60 * 1000LL)	/* postscreen to smtpd */
#define KEY_MAX		512

/* trace_new - see trace.h */
struct trace *
trace_new(trace_fn fn, void *arg)
{
	struct trace *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->now = t->swept = -1;
	if ((t->qids = hmap_new()) == NULL ||
	    (t->sessions = hmap_new()) == NULL ||
	    (t->handed = hmap_new()) == NULL) {
		trace_free(t);
		return NULL;
	}
	return t;
}

/* hosteq - the id's host is (h, hl) */
static bool
hosteq(const struct trace_qid *q, const char *h, size_t hl)
{
	return str_eqn(h, hl, q->host);
}

/*
 * qid_find - id's entry on host h; else one only named so far (a link's);
 * with any, else the newest on another host (a relay's "queued as" leads
 * into the next host's log)
 */
static struct trace_qid *
qid_find(struct trace *t, struct ml_span id, const char *h, size_t hl,
    bool any)
{
	struct trace_qid *head = hmap_get(t->qids, id.p, id.n), *q;

	for (q = head; q != NULL; q = q->same)
		if (q->host != NULL && hosteq(q, h, hl))
			return q;
	for (q = head; q != NULL; q = q->same)
		if (q->host == NULL)
			return q;
	return any ? head : NULL;
}

/* qid_add - a new entry of s (host NULL: named by a link) */
static struct trace_qid *
qid_add(struct trace *t, struct trace_story *s, struct ml_span id,
    const char *h, size_t hl, enum tl_how how, const char *from)
{
	struct trace_qid *q = calloc(1, sizeof *q);

	if (q == NULL || (q->id = xstrndup(id.p, id.n)) == NULL ||
	    (h != NULL && (q->host = xstrndup(h, hl)) == NULL) ||
	    (from != NULL && (q->from = strdup(from)) == NULL) ||
	    trace_grow(&s->qids, &s->capqids, s->nqids + 1,
	    sizeof *s->qids) < 0)
		goto fail;
	q->how = how;
	q->story = s;
	q->first_ms = q->last_ms = -1;
	q->same = hmap_get(t->qids, id.p, id.n);
	if (hmap_put(t->qids, id.p, id.n, q) < 0)
		goto fail;
	s->qids[s->nqids++] = q;
	return q;
fail:
	if (q != NULL) {
		free(q->id);
		free(q->host);
		free(q->from);
		free(q);
	}
	return NULL;
}

/* join - one story of a and b; the one that is left */
static struct trace_story *
join(struct trace *t, struct trace_story *a, struct trace_story *b)
{
	if (a == b)
		return a;
	if (a->nrecs < b->nrecs) {
		struct trace_story *x = a;

		a = b;
		b = x;
	}
	return trace_story_merge(t, a, b) < 0 ? NULL : a;
}

/* list - each address of a Sendmail to= list, "<a@x>,<b@y>" */
static int
list(struct trace_story *s, struct ml_span l)
{
	const char *p = l.p, *end = l.p + l.n, *c;

	while (p < end) {
		if ((c = memchr(p, ',', (size_t)(end - p))) == NULL)
			c = end;
		if (c - p >= 2 && *p == '<' && c[-1] == '>') {
			if (trace_strs_add(&s->rcpts, p + 1,
			    (size_t)(c - p - 2)) < 0)
				return -1;
		} else if (trace_strs_add(&s->rcpts, p, (size_t)(c - p)) < 0) {
			return -1;
		}
		p = c + 1;
	}
	return 0;
}

/* facts - what a search looks for, from one line */
static int
facts(struct trace_story *s, const struct tline *tl)
{
	if (tl->rcpts.p != NULL && list(s, tl->rcpts) < 0)
		return -1;
	if (tl->sender.p != NULL && tl->sender.n == 0 &&
	    trace_strs_add(&s->senders, "<>", 2) < 0)
		return -1;	/* the null sender: a bounce */
	if (trace_strs_add(&s->senders, tl->sender.p, tl->sender.n) < 0 ||
	    trace_strs_add(&s->rcpts, tl->rcpt.p, tl->rcpt.n) < 0 ||
	    trace_strs_add(&s->rcpts, tl->orig_rcpt.p, tl->orig_rcpt.n) < 0 ||
	    trace_strs_add(&s->msgids, tl->msgid.p, tl->msgid.n) < 0 ||
	    trace_strs_add(&s->client_ips, tl->client_ip.p,
	    tl->client_ip.n) < 0)
		return -1;
	if (tl->client_name.n > 0 && !(tl->client_name.n == 7 &&
	    memcmp(tl->client_name.p, "unknown", 7) == 0))
		return trace_strs_add(&s->client_names, tl->client_name.p,
		    tl->client_name.n);
	return 0;
}

/* links - the queue ids this line of q leads to or came from */
static int
links(struct trace *t, struct trace_qid *q, const struct tline *tl,
    const char *h, size_t hl)
{
	unsigned i;

	for (i = 0; i < tl->nlinks; i++) {
		const struct tl_link *l = &tl->link[i];
		struct trace_qid *o = qid_find(t, l->id, h, hl, true);

		if (o == q)
			continue;
		if (l->back) {		/* q came from o */
			if (q->from == NULL &&
			    (q->from = xstrndup(l->id.p, l->id.n)) == NULL)
				return -1;
			q->how = l->how;
			if (o != NULL && join(t, o->story, q->story) == NULL)
				return -1;
			continue;
		}
		if (o == NULL) {	/* not seen yet: it will be */
			if (qid_add(t, q->story, l->id, NULL, 0, l->how,
			    q->id) == NULL)
				return -1;
			continue;
		}
		if (o->from == NULL) {
			if ((o->from = strdup(q->id)) == NULL)
				return -1;
			o->how = l->how;
		}
		if (join(t, o->story, q->story) == NULL)
			return -1;
	}
	return 0;
}

/* cat - (p, n) at buf + *o, as much as fits in KEY_MAX */
static void
cat(char *buf, size_t *o, const char *p, size_t n)
{
	if (n > KEY_MAX - 1 - *o)
		n = KEY_MAX - 1 - *o;
	if (n > 0)
		memcpy(buf + *o, p, n);
	*o += n;
}

/* sess_key - host \0 prog[pid] \0 sess into buf; its length */
static size_t
sess_key(const struct logline *ll, const struct tline *tl, char *buf)
{
	char num[24], *p = num + sizeof num;
	unsigned long pid = ll->pid < 0 ? 0 : (unsigned long)ll->pid;
	size_t o = 0;

	do {
		*--p = (char)('0' + pid % 10);
	} while ((pid /= 10) > 0);
	cat(buf, &o, ll->host ? ll->host : "", ll->host ? ll->hostlen : 0);
	cat(buf, &o, "", 1);
	cat(buf, &o, ll->prog, ll->proglen);
	cat(buf, &o, "[", 1);
	cat(buf, &o, p, (size_t)(num + sizeof num - p));
	cat(buf, &o, "]", 2);
	if (tl->sess.p != NULL)
		cat(buf, &o, tl->sess.p, tl->sess.n);
	return o;
}

/* handed_key - host \0 ip */
static size_t
handed_key(const struct logline *ll, const char *ip, size_t il, char *buf)
{
	size_t o = 0;

	cat(buf, &o, ll->host ? ll->host : "", ll->host ? ll->hostlen : 0);
	cat(buf, &o, "", 1);
	cat(buf, &o, ip, il);
	return o;
}

/* sess_get - the open session of the line; a new one with create */
static struct tsess *
sess_get(struct trace *t, const struct logline *ll, const struct tline *tl,
    bool create)
{
	char key[KEY_MAX];
	size_t kl = sess_key(ll, tl, key);
	struct tsess *ss = hmap_get(t->sessions, key, kl);

	if (ss == NULL && create)
		ss = trace_sess_new(t, key, kl);
	if (ss != NULL)
		trace_sess_touch(t, ss);
	return ss;
}

/* on_qid - a line of a queue id */
static int
on_qid(struct trace *t, struct trace_rec *r, const struct logline *ll,
    const struct tline *tl)
{
	const char *h = ll->host ? ll->host : "";
	size_t hl = ll->host ? ll->hostlen : 0;
	struct trace_qid *q = qid_find(t, tl->qid, h, hl, false);
	struct trace_story *s;

	if (q != NULL && q->host == NULL) {	/* named before, seen now */
		if ((q->host = xstrndup(h, hl)) == NULL)
			return -1;
	} else if (q != NULL && q->removed && tl->starts) {
		q = NULL;	/* Postfix gave the id to a new message */
	}
	if (q == NULL) {
		if ((s = trace_story_new(t)) == NULL ||
		    (q = qid_add(t, s, tl->qid, h, hl, TLH_RECEIVED,
		    NULL)) == NULL)
			return -1;
	}
	q->sendmail = tl->sendmail;
	if (r->ms >= 0) {
		if (q->first_ms < 0)
			q->first_ms = r->ms;
		q->last_ms = r->ms;
	}
	if (tl->removed)
		q->removed = true;
	if (tl->sendmail && tl->rcpt.p != NULL)
		q->final = tl->final;
	s = q->story;
	if (trace_story_add(t, s, r) < 0 || facts(s, tl) < 0)
		return -1;
	if ((tl->attach || (tl->sendmail && tl->sender.p != NULL)) &&
	    tl->client_ip.p != NULL && q->client == NULL) {
		size_t nl = tl->client_name.n, il = tl->client_ip.n;

		if ((q->client = malloc(nl + il + 3)) == NULL)
			return -1;
		if (nl > 0)
			memcpy(q->client, tl->client_name.p, nl);
		q->client[nl] = '[';
		memcpy(q->client + nl + 1, tl->client_ip.p, il);
		memcpy(q->client + nl + 1 + il, "]", 2);
	}
	if (tl->attach) {
		struct tsess *ss = sess_get(t, ll, tl, true);

		if (ss == NULL || trace_sess_attach(t, ss, s) < 0)
			return -1;
		ss->noq = NULL;		/* a new transaction */
	}
	return links(t, q, tl, h, hl);
}

/* on_noqueue - a refusal before the queue: the current MAIL's story in
   the session, else a new one */
static int
on_noqueue(struct trace *t, struct trace_rec *r, const struct logline *ll,
    const struct tline *tl)
{
	struct tsess *ss = tl->has_sess ? sess_get(t, ll, tl, true) : NULL;
	struct trace_story *s = NULL;

	if (ss != NULL && ss->noq != NULL && ss->noq_sender != NULL &&
	    str_eqn(tl->sender.p, tl->sender.n, ss->noq_sender))
		s = ss->noq;
	if (s == NULL) {
		if ((s = trace_story_new(t)) == NULL)
			return -1;
		s->noqueue = true;
		if (ss != NULL) {
			free(ss->noq_sender);
			ss->noq_sender = NULL;
			if (trace_sess_attach(t, ss, s) < 0 ||
			    (ss->noq_sender = xstrndup(tl->sender.p ?
			    tl->sender.p : "", tl->sender.n)) == NULL)
				return -1;
			ss->noq = s;
		}
	}
	if (ss != NULL && ss->ip != NULL &&
	    trace_strs_add(&s->client_ips, ss->ip, strlen(ss->ip)) < 0)
		return -1;
	return trace_story_add(t, s, r) < 0 || facts(s, tl) < 0 ? -1 : 0;
}

/* hand - postscreen passes the session on: smtpd's connect from the same
   address takes its lines */
static int
hand(struct trace *t, struct tsess *ss, const struct logline *ll)
{
	char key[KEY_MAX];
	size_t kl;
	struct tsess *old;

	if (ss->nst > 0 || ss->ip == NULL) {
		trace_sess_close(t, ss);
		return 0;
	}
	kl = handed_key(ll, ss->ip, strlen(ss->ip), key);
	if ((old = hmap_get(t->handed, key, kl)) != NULL)
		trace_sess_close(t, old);
	hmap_del(t->sessions, ss->key, ss->keylen);
	free(ss->key);
	ss->keylen = kl;
	if ((ss->key = malloc(kl)) == NULL) {
		ss->keylen = 0;		/* in no table: closing frees it */
		trace_sess_close(t, ss);
		return -1;
	}
	memcpy(ss->key, key, kl);
	trace_sess_hand(t, ss);
	return hmap_put(t->handed, key, kl, ss);
}

/* on_connect - a session starts; smtpd's takes postscreen's lines */
static int
on_connect(struct trace *t, struct trace_rec *r, const struct logline *ll,
    const struct tline *tl)
{
	struct tsess *ss = sess_get(t, ll, tl, false), *ps;
	char key[KEY_MAX];
	size_t i, kl;

	if (ss != NULL)		/* its end is not in the log */
		trace_sess_close(t, ss);
	if ((ss = sess_get(t, ll, tl, true)) == NULL)
		return -1;
	if (tl->client_ip.n > 0 &&
	    (ss->ip = xstrndup(tl->client_ip.p, tl->client_ip.n)) == NULL)
		return -1;
	if (tl->sess.n == 0 && ss->ip != NULL) {
		kl = handed_key(ll, ss->ip, strlen(ss->ip), key);
		if ((ps = hmap_get(t->handed, key, kl)) != NULL) {
			for (i = 0; i < ps->nrecs; i++)
				if (trace_sess_add(t, ss, ps->recs[i]) < 0)
					return -1;
			trace_sess_close(t, ps);
		}
	}
	return trace_sess_add(t, ss, r);
}

/* over - every queue id of s is out of the queue, its sessions closed */
static bool
over(const struct trace_story *s)
{
	bool seen = s->noqueue;
	size_t i;

	if (s->nsess > 0)
		return false;
	for (i = 0; i < s->nqids; i++) {
		const struct trace_qid *q = s->qids[i];

		if (q->host == NULL)
			continue;	/* named by a link only */
		if (!(q->sendmail ? q->final : q->removed))
			return false;
		seen = true;
	}
	return seen;
}

/* quiet - nothing of its own for ms of log time and lines lines */
static bool
quiet(const struct trace *t, long long last_ms, unsigned long long last_seq,
    long long ms, unsigned long long lines)
{
	return t->now - last_ms >= ms && t->seq - last_seq >= lines;
}

/*
 * sweep - hand over the stories that are over (all of them at the end),
 * close the sessions whose end will not come.  The lists run from the
 * least recently active, so a sweep looks at what may be over and stops.
 */
static int
sweep(struct trace *t, bool end)
{
	struct trace_story *s, *next;

	t->swept = t->now;
	t->swept_seq = t->seq;
	while (t->shead != NULL && (end || quiet(t, t->shead->last_ms,
	    t->shead->last_seq, SESS_IDLE_MS, TRACE_GRACE_LINES)))
		trace_sess_close(t, t->shead);
	while (t->hhead != NULL && (end || quiet(t, t->hhead->last_ms,
	    t->hhead->last_seq, HANDED_MS, 0)))
		trace_sess_close(t, t->hhead);
	for (s = t->head; s != NULL; s = next) {
		bool o;

		next = s->next;
		if (!end && !quiet(t, s->last_ms, s->last_seq, TRACE_GRACE_MS,
		    TRACE_GRACE_LINES))
			break;
		o = over(s);
		if (end || o || quiet(t, s->last_ms, s->last_seq, TRACE_IDLE_MS,
		    TRACE_IDLE_LINES)) {
			if (trace_story_done(t, s, o) < 0)
				return -1;
		} else {
			trace_story_wait(t, s);
		}
	}
	while (t->whead != NULL && (end || quiet(t, t->whead->last_ms,
	    t->whead->last_seq, TRACE_IDLE_MS, TRACE_IDLE_LINES)))
		if (trace_story_done(t, t->whead, over(t->whead)) < 0)
			return -1;
	return 0;
}

/* trace_feed - see trace.h */
int
trace_feed(struct trace *t, const char *s, size_t len,
    const struct logline *ll, unsigned file, unsigned long line)
{
	struct tline tl;
	struct trace_rec *r;
	struct tsess *ss;
	int rc = 0;

	if (t->stopped)
		return -1;
	if (!tline_parse(ll, &tl))
		return 0;
	if (ll->has_time && ll->ms > t->now)
		t->now = ll->ms;
	if ((r = trace_rec_new(t, s, len, ll->has_time ? ll->ms : -1, file,
	    line)) == NULL)
		return -1;
	switch (tl.kind) {
	case TL_QID:
		rc = on_qid(t, r, ll, &tl);
		break;
	case TL_NOQUEUE:
		rc = on_noqueue(t, r, ll, &tl);
		break;
	case TL_CONNECT:
		rc = on_connect(t, r, ll, &tl);
		break;
	case TL_SESSION:
		if ((ss = sess_get(t, ll, &tl, true)) == NULL ||
		    trace_sess_add(t, ss, r) < 0)
			rc = -1;
		break;
	case TL_DISCONNECT:
	case TL_HANDOFF:
		if ((ss = sess_get(t, ll, &tl, false)) == NULL)
			break;
		if (trace_sess_add(t, ss, r) < 0)
			rc = -1;
		else if (tl.kind == TL_HANDOFF)
			rc = hand(t, ss, ll);
		else
			trace_sess_close(t, ss);
		break;
	case TL_NONE:
		break;
	}
	trace_rec_put(t, r);
	if (rc == 0 && (t->now - t->swept >= SWEEP_MS ||
	    t->seq - t->swept_seq >= SWEEP_LINES))
		rc = sweep(t, false);
	if (rc < 0 && !t->stopped)
		errno = ENOMEM;
	return rc;
}

/* trace_finish - see trace.h */
int
trace_finish(struct trace *t)
{
	if (t->stopped)
		return -1;
	return sweep(t, true);
}

/* trace_stats - see trace.h */
void
trace_stats(const struct trace *t, struct trace_stats *st)
{
	*st = t->st;
}

/* trace_free - see trace.h */
void
trace_free(struct trace *t)
{
	unsigned i;

	if (t == NULL)
		return;
	while (t->shead != NULL)
		trace_sess_close(t, t->shead);
	while (t->hhead != NULL)
		trace_sess_close(t, t->hhead);
	t->stopped = true;
	while (t->head != NULL)
		trace_story_done(t, t->head, false);
	while (t->whead != NULL)
		trace_story_done(t, t->whead, false);
	for (i = 0; i < REC_CLASSES; i++)
		while (t->pool[i] != NULL) {
			struct trace_rec *r = t->pool[i];

			memcpy(&t->pool[i], r->text, sizeof r);
			free(r);
		}
	hmap_free(t->qids);
	hmap_free(t->sessions);
	hmap_free(t->handed);
	free(t);
}

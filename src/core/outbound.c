/*
 * outbound.c - the deliveries of our mail, for tying bounces to them
 * (outbound.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "hmap.h"
#include "outbound.h"
#include "strutil.h"

#define FILES_MAX	64	/* log names kept (path, path.1, reloads) */

/* One recipient's delivery. */
struct odeliv {
	uint64_t	 rcpt_h;	/* of the address, lower case */
	enum ob_status	 status;
	bool		 async;		/* an asynchronous bounce counted */
	unsigned long	 line;
	long long	 ms;
	const char	*file;		/* one of files[] */
	char		*remote_id, *remote, *program;
	char		 xcode[16];
};

/* One message of ours that went out. */
struct omsg {
	char		 qid[32];
	char		*msgid;
	struct odeliv	*d;
	size_t		 n, cap;
	time_t		 added;
	struct omsg	*prev, *next;	/* oldest first */
};

struct outbound {
	pthread_mutex_t	 mu;
	struct hmap	*by_qid, *by_msgid, *by_remote;
	struct omsg	*head, *tail;
	size_t		 n;
	struct hmap	*pending;	/* qid -> Message-ID, before any
					   delivery */
	char		**ring;		/* their qids, oldest first */
	size_t		 rhead, rn;
	char		*files[FILES_MAX];
	unsigned	 nfiles;
};

static uint64_t
rcpt_hash(const char *s)
{
	uint64_t h = FNV64_BASIS;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		h = fnv64_add(h, c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return h;
}

/* outbound_new - see outbound.h */
struct outbound *
outbound_new(void)
{
	struct outbound *o = calloc(1, sizeof *o);

	if (o == NULL)
		return NULL;
	pthread_mutex_init(&o->mu, NULL);
	if ((o->by_qid = hmap_new()) == NULL ||
	    (o->by_msgid = hmap_new()) == NULL ||
	    (o->by_remote = hmap_new()) == NULL ||
	    (o->pending = hmap_new()) == NULL ||
	    (o->ring = calloc(OUTBOUND_PENDING, sizeof *o->ring)) == NULL) {
		outbound_free(o);
		return NULL;
	}
	return o;
}

/* unmap - take key out of m when it points at v */
static void
unmap(struct hmap *m, const char *key, const void *v)
{
	if (key != NULL && hmap_get(m, key, strlen(key)) == v)
		hmap_del(m, key, strlen(key));
}

/* drop - the oldest message out of everything */
static void
drop(struct outbound *o, struct omsg *m)
{
	size_t i;

	unmap(o->by_qid, m->qid, m);
	unmap(o->by_msgid, m->msgid, m);
	for (i = 0; i < m->n; i++) {
		unmap(o->by_remote, m->d[i].remote_id, m);
		free(m->d[i].remote_id);
		free(m->d[i].remote);
		free(m->d[i].program);
	}
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		o->head = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	else
		o->tail = m->prev;
	o->n--;
	free(m->d);
	free(m->msgid);
	free(m);
}

/* expire - keep the bounds */
static void
expire(struct outbound *o, time_t now)
{
	while (o->head != NULL && (o->n > OUTBOUND_MAX ||
	    now - o->head->added > OUTBOUND_TTL))
		drop(o, o->head);
}

void
outbound_free(struct outbound *o)
{
	size_t i;

	if (o == NULL)
		return;
	while (o->head != NULL)
		drop(o, o->head);
	for (i = 0; o->ring != NULL && i < o->rn; i++) {
		char *q = o->ring[(o->rhead + i) % OUTBOUND_PENDING];

		free(hmap_del(o->pending, q, strlen(q)));
		free(q);
	}
	for (i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->ring);
	hmap_free(o->by_qid);
	hmap_free(o->by_msgid);
	hmap_free(o->by_remote);
	hmap_free(o->pending);
	pthread_mutex_destroy(&o->mu);
	free(o);
}

/* outbound_message_id - see outbound.h */
void
outbound_message_id(struct outbound *o, const char *qid, const char *msgid,
    time_t now)
{
	struct omsg *m;
	char *q, *v, *old;

	(void)now;
	pthread_mutex_lock(&o->mu);
	if ((m = hmap_get(o->by_qid, qid, strlen(qid))) != NULL) {
		/* a message already known (a queue id given again) */
		if (m->msgid == NULL && (m->msgid = strdup(msgid)) != NULL)
			(void)hmap_put(o->by_msgid, msgid, strlen(msgid), m);
	} else if ((v = strdup(msgid)) != NULL) {
		if ((old = hmap_get(o->pending, qid, strlen(qid))) != NULL) {
			free(old);	/* the same qid again: replace */
			(void)hmap_put(o->pending, qid, strlen(qid), v);
		} else if ((q = strdup(qid)) == NULL ||
		    hmap_put(o->pending, qid, strlen(qid), v) < 0) {
			free(q);
			free(v);
		} else {
			if (o->rn == OUTBOUND_PENDING) {	/* the oldest */
				char *x = o->ring[o->rhead];

				free(hmap_del(o->pending, x, strlen(x)));
				free(x);
				o->rhead = (o->rhead + 1) % OUTBOUND_PENDING;
				o->rn--;
			}
			o->ring[(o->rhead + o->rn++) % OUTBOUND_PENDING] = q;
		}
	}
	pthread_mutex_unlock(&o->mu);
}

/* file - the interned copy of a log's name (a handful: path, path.1,
   the names reloads gave); beyond FILES_MAX, "" */
static const char *
file(struct outbound *o, const char *name)
{
	unsigned i;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], name) == 0)
			return o->files[i];
	if (o->nfiles == FILES_MAX ||
	    (o->files[o->nfiles] = strdup(name)) == NULL)
		return "";
	return o->files[o->nfiles++];
}

/* message - qid's record, new (with its pending Message-ID) if none */
static struct omsg *
message(struct outbound *o, const char *qid, time_t now)
{
	struct omsg *m = hmap_get(o->by_qid, qid, strlen(qid));
	char *msgid;

	if (m != NULL)
		return m;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	str_copy(m->qid, sizeof m->qid, qid);
	m->added = now;
	if (hmap_put(o->by_qid, qid, strlen(qid), m) < 0) {
		free(m);
		return NULL;
	}
	if ((msgid = hmap_get(o->pending, qid, strlen(qid))) != NULL &&
	    (m->msgid = strdup(msgid)) != NULL)
		(void)hmap_put(o->by_msgid, msgid, strlen(msgid), m);
	m->prev = o->tail;
	if (o->tail != NULL)
		o->tail->next = m;
	else
		o->head = m;
	o->tail = m;
	o->n++;
	return m;
}

/* outbound_delivery - see outbound.h */
void
outbound_delivery(struct outbound *o, const char *rcpt,
    const struct ob_delivery *in, time_t now)
{
	uint64_t h = rcpt_hash(rcpt);
	struct omsg *m;
	struct odeliv *d = NULL;
	size_t i;

	pthread_mutex_lock(&o->mu);
	expire(o, now);
	if ((m = message(o, in->qid, now)) == NULL)
		goto out;
	for (i = 0; i < m->n; i++)
		if (m->d[i].rcpt_h == h)
			d = &m->d[i];
	if (d == NULL) {
		if (m->n == m->cap) {
			size_t ncap = m->cap ? m->cap * 2 : 2;
			struct odeliv *nd = realloc(m->d, ncap * sizeof *nd);

			if (nd == NULL)
				goto out;
			m->d = nd;
			m->cap = ncap;
		}
		d = &m->d[m->n++];
		memset(d, 0, sizeof *d);
		d->rcpt_h = h;
	}
	unmap(o->by_remote, d->remote_id, m);
	free(d->remote_id);
	free(d->remote);
	free(d->program);
	d->remote_id = in->remote_id[0] ? strdup(in->remote_id) : NULL;
	d->remote = in->remote[0] ? strdup(in->remote) : NULL;
	d->program = in->program[0] ? strdup(in->program) : NULL;
	d->status = in->status;
	d->line = in->line;
	d->ms = in->ms;
	d->file = file(o, in->file);
	str_copy(d->xcode, sizeof d->xcode, in->xcode);
	if (d->remote_id != NULL)
		(void)hmap_put(o->by_remote, d->remote_id,
		    strlen(d->remote_id), m);
	expire(o, now);		/* the bound, with this one counted */
out:
	pthread_mutex_unlock(&o->mu);
}

/* fill - a delivery as the caller reads it */
static void
fill(const struct omsg *m, const struct odeliv *d, struct ob_delivery *out)
{
	memset(out, 0, sizeof *out);
	str_copy(out->qid, sizeof out->qid, m->qid);
	str_copy(out->msgid, sizeof out->msgid, m->msgid ? m->msgid : "");
	str_copy(out->remote_id, sizeof out->remote_id, d->remote_id ?
	    d->remote_id : "");
	str_copy(out->remote, sizeof out->remote, d->remote ? d->remote : "");
	str_copy(out->program, sizeof out->program, d->program ?
	    d->program : "");
	str_copy(out->file, sizeof out->file, d->file ? d->file : "");
	str_copy(out->xcode, sizeof out->xcode, d->xcode);
	out->line = d->line;
	out->ms = d->ms;
	out->status = d->status;
}

/* lookup - the message an id names, and whether it is one of our ids */
static struct omsg *
lookup(struct outbound *o, const char *id, const char *envid,
    const char *msgid, bool *ours)
{
	struct omsg *m = NULL;

	*ours = false;
	if (id != NULL && id[0]) {
		if ((m = hmap_get(o->by_qid, id, strlen(id))) != NULL)
			*ours = true;
		else
			m = hmap_get(o->by_remote, id, strlen(id));
	}
	if (m == NULL && envid != NULL && envid[0] &&
	    (m = hmap_get(o->by_qid, envid, strlen(envid))) == NULL)
		m = hmap_get(o->by_msgid, envid, strlen(envid));
	if (m == NULL && msgid != NULL && msgid[0])
		m = hmap_get(o->by_msgid, msgid, strlen(msgid));
	return m;
}

/* outbound_find - see outbound.h */
bool
outbound_find(struct outbound *o, const char *id, const char *envid,
    const char *msgid, const char *rcpt, struct ob_delivery *out,
    bool *ours)
{
	uint64_t h = rcpt_hash(rcpt);
	struct omsg *m;
	size_t i;
	bool found = false;

	pthread_mutex_lock(&o->mu);
	if ((m = lookup(o, id, envid, msgid, ours)) != NULL)
		for (i = 0; i < m->n && !found; i++)
			if (m->d[i].rcpt_h == h) {
				fill(m, &m->d[i], out);
				found = true;
			}
	pthread_mutex_unlock(&o->mu);
	return found;
}

/* outbound_take_async - see outbound.h */
bool
outbound_take_async(struct outbound *o, const char *qid, const char *rcpt)
{
	uint64_t h = rcpt_hash(rcpt);
	struct omsg *m;
	size_t i;
	bool took = false;

	pthread_mutex_lock(&o->mu);
	if ((m = hmap_get(o->by_qid, qid, strlen(qid))) != NULL)
		for (i = 0; i < m->n; i++)
			if (m->d[i].rcpt_h == h && !m->d[i].async) {
				m->d[i].async = took = true;
				break;
			}
	pthread_mutex_unlock(&o->mu);
	return took;
}

/* outbound_count - see outbound.h */
size_t
outbound_count(struct outbound *o)
{
	size_t n;

	pthread_mutex_lock(&o->mu);
	n = o->n;
	pthread_mutex_unlock(&o->mu);
	return n;
}

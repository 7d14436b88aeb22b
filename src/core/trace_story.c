/*
 * trace_story.c - the stories and sessions of a trace and their memory
 * (trace_int.h): lines held by reference count, stories joined, sessions
 * attached and closed, a story handed over and freed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "trace_int.h"

/* trace_grow - see trace_int.h */
int
trace_grow(void *v, size_t *cap, size_t need, size_t size)
{
	void **pv = v, *nv;
	size_t ncap = *cap ? *cap : 4;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((nv = realloc(*pv, ncap * size)) == NULL)
		return -1;
	*pv = nv;
	*cap = ncap;
	return 0;
}

/* trace_rec_new - see trace_int.h; one reference, the caller's */
struct trace_rec *
trace_rec_new(struct trace *t, const char *s, size_t len, long long ms,
    unsigned file, unsigned long line)
{
	size_t need = sizeof(struct trace_rec) + len + 1;
	unsigned cls = (unsigned)((need + REC_UNIT - 1) / REC_UNIT - 1);
	struct trace_rec *r;

	if (cls < REC_CLASSES && t->pool[cls] != NULL) {
		r = t->pool[cls];
		memcpy(&t->pool[cls], r->text, sizeof r);	/* the next */
	} else if ((r = malloc(cls < REC_CLASSES ? (cls + 1) * REC_UNIT :
	    need)) == NULL) {
		return NULL;
	}
	r->cls = cls;
	r->refs = 1;
	r->seq = ++t->seq;
	r->ms = ms;
	r->file = file;
	r->line = line;
	r->len = len;
	memcpy(r->text, s, len);
	r->text[len] = '\0';
	if (++t->st.recs > t->st.recs_max)
		t->st.recs_max = t->st.recs;
	return r;
}

/* trace_rec_put - drop a reference */
void
trace_rec_put(struct trace *t, struct trace_rec *r)
{
	if (r != NULL && --r->refs == 0) {
		t->st.recs--;
		if (r->cls < REC_CLASSES) {	/* to its free list */
			memcpy(r->text, &t->pool[r->cls], sizeof r);
			t->pool[r->cls] = r;
		} else {
			free(r);
		}
	}
}

/* trace_strs_add - see trace_int.h */
int
trace_strs_add(struct trace_strs *ss, const char *s, size_t len)
{
	size_t i;
	char *c;

	if (s == NULL || len == 0)
		return 0;
	for (i = 0; i < ss->n; i++)
		if (strlen(ss->v[i]) == len && str_caseeqn(s, len, ss->v[i]))
			return 0;
	if (trace_grow(&ss->v, &ss->cap, ss->n + 1, sizeof *ss->v) < 0 ||
	    (c = xstrndup(s, len)) == NULL)
		return -1;
	ss->v[ss->n++] = c;
	return 0;
}

/* trace_strs_has - see trace.h */
bool
trace_strs_has(const struct trace_strs *ss, const char *s)
{
	size_t i;

	for (i = 0; i < ss->n; i++)
		if (str_caseeq(ss->v[i], s))
			return true;
	return false;
}

static void
strs_free(struct trace_strs *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++)
		free(ss->v[i]);
	free(ss->v);
}

/* strs_merge - b's strings into a; b is left empty */
static int
strs_merge(struct trace_strs *a, struct trace_strs *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (trace_strs_add(a, b->v[i], strlen(b->v[i])) < 0)
			return -1;
	strs_free(b);
	memset(b, 0, sizeof *b);
	return 0;
}

/* append_story - at the end of its list */
static void
append_story(struct trace *t, struct trace_story *s)
{
	struct trace_story **head = s->waiting ? &t->whead : &t->head;
	struct trace_story **tail = s->waiting ? &t->wtail : &t->tail;

	s->next = NULL;
	s->prev = *tail;
	if (*tail != NULL)
		(*tail)->next = s;
	else
		*head = s;
	*tail = s;
}

/* unlink_story - out of its list */
static void
unlink_story(struct trace *t, struct trace_story *s)
{
	struct trace_story **head = s->waiting ? &t->whead : &t->head;
	struct trace_story **tail = s->waiting ? &t->wtail : &t->tail;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	else
		*tail = s->prev;
}

/* trace_story_touch - see trace_int.h */
void
trace_story_touch(struct trace *t, struct trace_story *s)
{
	if (s->waiting || t->tail != s) {
		unlink_story(t, s);
		s->waiting = false;
		append_story(t, s);
	}
}

/* trace_story_wait - see trace_int.h */
void
trace_story_wait(struct trace *t, struct trace_story *s)
{
	if (!s->waiting) {
		unlink_story(t, s);
		s->waiting = true;
		append_story(t, s);
	}
}

/* trace_story_new - see trace_int.h */
struct trace_story *
trace_story_new(struct trace *t)
{
	struct trace_story *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->first_ms = s->last_ms = -1;
	append_story(t, s);
	if (++t->st.stories > t->st.stories_max)
		t->st.stories_max = t->st.stories;
	return s;
}

/* trace_story_add - see trace_int.h (a new reference) */
int
trace_story_add(struct trace *t, struct trace_story *s, struct trace_rec *r)
{
	if (trace_grow(&s->recs, &s->caprecs, s->nrecs + 1,
	    sizeof *s->recs) < 0)
		return -1;
	s->recs[s->nrecs++] = r;
	r->refs++;
	if (r->seq > s->last_seq)
		s->last_seq = r->seq;
	if (r->ms >= 0) {
		if (s->first_ms < 0 || r->ms < s->first_ms)
			s->first_ms = r->ms;
		if (r->ms > s->last_ms)
			s->last_ms = r->ms;
	}
	trace_story_touch(t, s);
	return 0;
}

/* unindex - take q out of the table of ids */
static void
unindex(struct trace *t, struct trace_qid *q)
{
	size_t len = strlen(q->id);
	struct trace_qid *head = hmap_get(t->qids, q->id, len), **pp;

	for (pp = &head; *pp != NULL; pp = &(*pp)->same)
		if (*pp == q) {
			*pp = q->same;
			break;
		}
	if (head == NULL)
		hmap_del(t->qids, q->id, len);
	else
		(void)hmap_put(t->qids, q->id, len, head);	/* exists: no
								   allocation */
}

static void
story_free(struct trace *t, struct trace_story *s)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		trace_rec_put(t, s->recs[i]);
	for (i = 0; i < s->nqids; i++) {
		unindex(t, s->qids[i]);
		free(s->qids[i]->id);
		free(s->qids[i]->host);
		free(s->qids[i]->from);
		free(s->qids[i]->client);
		free(s->qids[i]);
	}
	strs_free(&s->senders);
	strs_free(&s->rcpts);
	strs_free(&s->msgids);
	strs_free(&s->client_ips);
	strs_free(&s->client_names);
	free(s->recs);
	free(s->qids);
	free(s->sess);
	free(s);
}

/* add_sess - s is attached to ss (once) */
static int
add_sess(struct trace_story *s, struct tsess *ss)
{
	size_t i;

	for (i = 0; i < s->nsess; i++)
		if (s->sess[i] == ss)
			return 0;
	if (trace_grow(&s->sess, &s->capsess, s->nsess + 1,
	    sizeof *s->sess) < 0)
		return -1;
	s->sess[s->nsess++] = ss;
	return 0;
}

/* trace_story_merge - see trace_int.h */
int
trace_story_merge(struct trace *t, struct trace_story *a,
    struct trace_story *b)
{
	size_t i, j, k;

	if (a == b)
		return 0;
	if (trace_grow(&a->recs, &a->caprecs, a->nrecs + b->nrecs,
	    sizeof *a->recs) < 0 || trace_grow(&a->qids, &a->capqids,
	    a->nqids + b->nqids, sizeof *a->qids) < 0)
		return -1;
	if (b->nrecs > 0)
		memcpy(a->recs + a->nrecs, b->recs, b->nrecs * sizeof *b->recs);
	a->nrecs += b->nrecs;
	b->nrecs = 0;
	for (i = 0; i < b->nqids; i++) {
		b->qids[i]->story = a;
		a->qids[a->nqids++] = b->qids[i];
	}
	b->nqids = 0;
	if (strs_merge(&a->senders, &b->senders) < 0 ||
	    strs_merge(&a->rcpts, &b->rcpts) < 0 ||
	    strs_merge(&a->msgids, &b->msgids) < 0 ||
	    strs_merge(&a->client_ips, &b->client_ips) < 0 ||
	    strs_merge(&a->client_names, &b->client_names) < 0)
		return -1;
	for (i = 0; i < b->nsess; i++) {
		struct tsess *ss = b->sess[i];

		if (add_sess(a, ss) < 0)
			return -1;
		/* in the session, b becomes a (once) */
		for (j = k = 0; j < ss->nst; j++) {
			struct trace_story *x = ss->stories[j] == b ? a :
			    ss->stories[j];
			size_t m;

			for (m = 0; m < k && ss->stories[m] != x; m++)
				;
			if (m == k)
				ss->stories[k++] = x;
		}
		ss->nst = k;
		if (ss->noq == b)
			ss->noq = a;
	}
	b->nsess = 0;
	a->noqueue = a->noqueue && b->noqueue;
	if (b->first_ms >= 0 && (a->first_ms < 0 || b->first_ms < a->first_ms))
		a->first_ms = b->first_ms;
	if (b->last_ms > a->last_ms)
		a->last_ms = b->last_ms;
	if (b->last_seq > a->last_seq)
		a->last_seq = b->last_seq;
	unlink_story(t, b);
	t->st.stories--;
	story_free(t, b);
	trace_story_touch(t, a);
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct trace_rec *x = *(struct trace_rec *const *)a;
	const struct trace_rec *y = *(struct trace_rec *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* by_time - queue ids in the order the message went through them: by
   their first line; one never seen last */
static int
by_time(const void *a, const void *b)
{
	const struct trace_qid *x = *(struct trace_qid *const *)a;
	const struct trace_qid *y = *(struct trace_qid *const *)b;
	unsigned long long kx = x->first_ms < 0 ? ~0ULL :
	    (unsigned long long)x->first_ms;
	unsigned long long ky = y->first_ms < 0 ? ~0ULL :
	    (unsigned long long)y->first_ms;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* trace_story_done - see trace_int.h */
int
trace_story_done(struct trace *t, struct trace_story *s, bool complete)
{
	size_t i, k;
	int rc = 0;

	/* each line once, in the order the lines came */
	if (s->nrecs > 1)
		qsort(s->recs, s->nrecs, sizeof *s->recs, by_seq);
	for (i = k = 0; i < s->nrecs; i++) {
		if (k > 0 && s->recs[k - 1] == s->recs[i]) {
			trace_rec_put(t, s->recs[i]);
			continue;
		}
		s->recs[k++] = s->recs[i];
	}
	s->nrecs = k;
	for (i = 0; i < s->nqids; i++)
		s->qids[i]->order = i;
	if (s->nqids > 1)
		qsort(s->qids, s->nqids, sizeof *s->qids, by_time);
	s->complete = complete;
	unlink_story(t, s);
	t->st.stories--;
	if (!t->stopped && t->fn(t->arg, s) < 0) {
		t->stopped = true;
		rc = -1;
	}
	t->st.emitted++;
	story_free(t, s);
	return rc;
}

/* sess_append - at the end of its list */
static void
sess_append(struct trace *t, struct tsess *ss)
{
	struct tsess **head = ss->handed ? &t->hhead : &t->shead;
	struct tsess **tail = ss->handed ? &t->htail : &t->stail;

	ss->next = NULL;
	ss->prev = *tail;
	if (*tail != NULL)
		(*tail)->next = ss;
	else
		*head = ss;
	*tail = ss;
}

/* sess_unlink - out of its list */
static void
sess_unlink(struct trace *t, struct tsess *ss)
{
	struct tsess **head = ss->handed ? &t->hhead : &t->shead;
	struct tsess **tail = ss->handed ? &t->htail : &t->stail;

	if (ss->prev != NULL)
		ss->prev->next = ss->next;
	else
		*head = ss->next;
	if (ss->next != NULL)
		ss->next->prev = ss->prev;
	else
		*tail = ss->prev;
}

/* trace_sess_touch - see trace_int.h */
void
trace_sess_touch(struct trace *t, struct tsess *ss)
{
	ss->last_ms = t->now;
	ss->last_seq = t->seq;
	if (ss->next != NULL) {
		sess_unlink(t, ss);
		sess_append(t, ss);
	}
}

/* trace_sess_hand - see trace_int.h */
void
trace_sess_hand(struct trace *t, struct tsess *ss)
{
	sess_unlink(t, ss);
	ss->handed = true;
	ss->last_ms = t->now;
	ss->last_seq = t->seq;
	sess_append(t, ss);
}

/* trace_sess_new - an open session, in the table */
struct tsess *
trace_sess_new(struct trace *t, const char *key, size_t len)
{
	struct tsess *ss = calloc(1, sizeof *ss);

	if (ss == NULL || (ss->key = malloc(len)) == NULL) {
		free(ss);
		return NULL;
	}
	memcpy(ss->key, key, len);
	ss->keylen = len;
	ss->last_ms = t->now;
	ss->last_seq = t->seq;
	if (hmap_put(t->sessions, key, len, ss) < 0) {
		free(ss->key);
		free(ss);
		return NULL;
	}
	sess_append(t, ss);
	if (hmap_count(t->sessions) + hmap_count(t->handed) >
	    t->st.sessions_max)
		t->st.sessions_max = hmap_count(t->sessions) +
		    hmap_count(t->handed);
	return ss;
}

/* trace_sess_add - one of its own lines, also to every story in it */
int
trace_sess_add(struct trace *t, struct tsess *ss, struct trace_rec *r)
{
	size_t i;

	if (trace_grow(&ss->recs, &ss->caprecs, ss->nrecs + 1,
	    sizeof *ss->recs) < 0)
		return -1;
	ss->recs[ss->nrecs++] = r;
	r->refs++;
	for (i = 0; i < ss->nst; i++)
		if (trace_story_add(t, ss->stories[i], r) < 0)
			return -1;
	return 0;
}

/* trace_sess_attach - s was received in ss: it gets ss's lines so far */
int
trace_sess_attach(struct trace *t, struct tsess *ss, struct trace_story *s)
{
	size_t i;

	for (i = 0; i < ss->nst; i++)
		if (ss->stories[i] == s)
			return 0;
	if (trace_grow(&ss->stories, &ss->capst, ss->nst + 1,
	    sizeof *ss->stories) < 0 || add_sess(s, ss) < 0)
		return -1;
	ss->stories[ss->nst++] = s;
	for (i = 0; i < ss->nrecs; i++)
		if (trace_story_add(t, s, ss->recs[i]) < 0)
			return -1;
	return 0;
}

/* trace_sess_close - see trace_int.h */
void
trace_sess_close(struct trace *t, struct tsess *ss)
{
	size_t i, j, k;

	for (i = 0; i < ss->nst; i++) {
		struct trace_story *s = ss->stories[i];

		for (j = k = 0; j < s->nsess; j++)
			if (s->sess[j] != ss)
				s->sess[k++] = s->sess[j];
		s->nsess = k;
		if (s->waiting)		/* it may be over now */
			trace_story_touch(t, s);
	}
	if (ss->key != NULL)
		hmap_del(ss->handed ? t->handed : t->sessions, ss->key,
		    ss->keylen);
	sess_unlink(t, ss);
	for (i = 0; i < ss->nrecs; i++)
		trace_rec_put(t, ss->recs[i]);
	free(ss->recs);
	free(ss->stories);
	free(ss->noq_sender);
	free(ss->ip);
	free(ss->key);
	free(ss);
}

/*
 * seen.c - the table of rejections already counted (see seen.h).
 *
 * Entries sit in one array in the order they were added (a ring, oldest
 * first, that doubles when full, up to SEEN_MAX) and are found through a
 * chained hash of their keys (as many buckets as slots); a taken entry is
 * marked dead and its slot reused when the ring comes round.  Open
 * sessions are counted per client address in a second small hash.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "seen.h"
#include "strutil.h"

#define SEEN_START	1024	/* slots at first (a power of two) */
#define NIL		UINT32_MAX

struct entry {
	char		*key, *ip, *qid;	/* owned; key NULL: dead */
	time_t		 when;
	uint32_t	 next;			/* same bucket */
	uint32_t	 hash;
};

struct ipcount {
	char		*ip;
	unsigned	 n;
	struct ipcount	*next;
};

struct seen {
	pthread_mutex_t	 lock;
	struct entry	*e;		/* cap slots, a ring */
	uint32_t	*bucket;	/* cap buckets */
	uint32_t	 cap, head, n;	/* slots, oldest slot, slots in use */
	size_t		 live;
	struct ipcount	*ips[1024];
};

static uint32_t
hash(const char *s)
{
	uint32_t h = FNV32_BASIS;

	while (*s)
		h = fnv32_add(h, (unsigned char)*s++);
	return h;
}

struct seen *
seen_new(void)
{
	struct seen *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->cap = SEEN_START;
	if ((t->e = calloc(t->cap, sizeof *t->e)) == NULL ||
	    (t->bucket = malloc(t->cap * sizeof *t->bucket)) == NULL) {
		free(t->e);
		free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, t->cap * sizeof *t->bucket);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

/* unlink_slot - take slot i out of its bucket chain and free it */
static void
unlink_slot(struct seen *t, uint32_t i)
{
	struct entry *x = &t->e[i];
	uint32_t *p;

	if (x->key != NULL) {
		for (p = &t->bucket[x->hash & (t->cap - 1)]; *p != NIL;
		    p = &t->e[*p].next)
			if (*p == i) {
				*p = x->next;
				break;
			}
		t->live--;
	}
	free(x->key);
	free(x->ip);
	free(x->qid);
	x->key = x->ip = x->qid = NULL;
}

void
seen_free(struct seen *t)
{
	uint32_t i;
	size_t b;

	if (t == NULL)
		return;
	for (i = 0; i < t->cap; i++) {
		free(t->e[i].key);
		free(t->e[i].ip);
		free(t->e[i].qid);
	}
	free(t->bucket);
	for (b = 0; b < sizeof t->ips / sizeof t->ips[0]; b++)
		while (t->ips[b] != NULL) {
			struct ipcount *c = t->ips[b];

			t->ips[b] = c->next;
			free(c->ip);
			free(c);
		}
	free(t->e);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* grow - twice the slots, the ring unrolled, the chains rebuilt */
static bool
grow(struct seen *t)
{
	uint32_t cap = t->cap * 2, k;
	struct entry *e = calloc(cap, sizeof *e);
	uint32_t *b = malloc(cap * sizeof *b);

	if (e == NULL || b == NULL) {
		free(e);
		free(b);
		return false;
	}
	memset(b, 0xff, cap * sizeof *b);
	for (k = 0; k < t->n; k++) {
		e[k] = t->e[(t->head + k) % t->cap];
		if (e[k].key != NULL) {
			e[k].next = b[e[k].hash & (cap - 1)];
			b[e[k].hash & (cap - 1)] = k;
		}
	}
	free(t->e);
	free(t->bucket);
	t->e = e;
	t->bucket = b;
	t->cap = cap;
	t->head = 0;
	return true;
}

/* add_locked - append to the ring (the oldest goes when it is full) */
static void
add_locked(struct seen *t, const char *key, const char *ip, const char *qid,
    time_t when)
{
	uint32_t i;
	struct entry *x;

	if (t->n == t->cap && (t->cap >= SEEN_MAX || !grow(t))) {
		unlink_slot(t, t->head);
		t->head = (t->head + 1) % t->cap;
		t->n--;
	}
	i = (t->head + t->n) % t->cap;
	x = &t->e[i];
	x->key = xstrndup(key, strlen(key));
	x->ip = xstrndup(ip ? ip : "", ip ? strlen(ip) : 0);
	x->qid = xstrndup(qid ? qid : "", qid ? strlen(qid) : 0);
	if (x->key == NULL || x->ip == NULL || x->qid == NULL) {
		free(x->key);
		free(x->ip);
		free(x->qid);
		x->key = x->ip = x->qid = NULL;
		return;		/* out of memory: the line will count twice */
	}
	x->when = when;
	x->hash = hash(key);
	x->next = t->bucket[x->hash & (t->cap - 1)];
	t->bucket[x->hash & (t->cap - 1)] = i;
	t->n++;
	t->live++;
}

void
seen_add(struct seen *t, const char *key, const char *ip, const char *qid,
    time_t now)
{
	pthread_mutex_lock(&t->lock);
	add_locked(t, key, ip, qid, now);
	pthread_mutex_unlock(&t->lock);
}

/* same - equal and not empty */
static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}

bool
seen_take(struct seen *t, const char *key, const char *ip, const char *qid)
{
	uint32_t h = hash(key), i, best = NIL;

	pthread_mutex_lock(&t->lock);
	/* the oldest match: chains hold the newest first */
	for (i = t->bucket[h & (t->cap - 1)]; i != NIL; i = t->e[i].next) {
		struct entry *x = &t->e[i];

		if (x->hash == h && strcmp(x->key, key) == 0 &&
		    (same(x->ip, ip) || same(x->qid, qid)))
			best = i;
	}
	if (best != NIL)
		unlink_slot(t, best);
	/* dead slots at the head are free again */
	while (t->n > 0 && t->e[t->head].key == NULL) {
		t->head = (t->head + 1) % t->cap;
		t->n--;
	}
	pthread_mutex_unlock(&t->lock);
	return best != NIL;
}

void
seen_expire(struct seen *t, time_t then)
{
	pthread_mutex_lock(&t->lock);
	while (t->n > 0 && (t->e[t->head].key == NULL ||
	    t->e[t->head].when < then)) {
		unlink_slot(t, t->head);
		t->head = (t->head + 1) % t->cap;
		t->n--;
	}
	pthread_mutex_unlock(&t->lock);
}

size_t
seen_count(struct seen *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->live;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* ipslot - the counter of ip, created when asked; NULL if none */
static struct ipcount **
ipslot(struct seen *t, const char *ip)
{
	struct ipcount **p = &t->ips[hash(ip) & 1023];

	for (; *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->ip, ip) == 0)
			break;
	return p;
}

void
seen_session_open(struct seen *t, const char *ip)
{
	struct ipcount **p, *c;

	if (ip == NULL || ip[0] == '\0')
		return;
	pthread_mutex_lock(&t->lock);
	p = ipslot(t, ip);
	if (*p != NULL) {
		(*p)->n++;
	} else if ((c = calloc(1, sizeof *c)) != NULL &&
	    (c->ip = xstrndup(ip, strlen(ip))) != NULL) {
		c->n = 1;
		*p = c;
	} else {
		free(c);
	}
	pthread_mutex_unlock(&t->lock);
}

void
seen_session_close(struct seen *t, const char *ip)
{
	struct ipcount **p, *c;

	if (ip == NULL || ip[0] == '\0')
		return;
	pthread_mutex_lock(&t->lock);
	p = ipslot(t, ip);
	if ((c = *p) != NULL && --c->n == 0) {
		*p = c->next;
		free(c->ip);
		free(c);
	}
	pthread_mutex_unlock(&t->lock);
}

bool
seen_session_open_with(struct seen *t, const char *ip)
{
	bool open;

	if (ip == NULL || ip[0] == '\0')
		return false;
	pthread_mutex_lock(&t->lock);
	open = *ipslot(t, ip) != NULL;
	pthread_mutex_unlock(&t->lock);
	return open;
}

/* clean - a field for the state file: no tab, no line break */
static bool
clean(const char *s)
{
	return strpbrk(s, "\t\r\n") == NULL;
}

int
seen_save(struct seen *t, FILE *fp)
{
	uint32_t k;
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	for (k = 0; k < t->n && rc == 0; k++) {
		struct entry *x = &t->e[(t->head + k) % t->cap];

		if (x->key != NULL && clean(x->key) && clean(x->ip) &&
		    clean(x->qid) && fprintf(fp, "%lld\t%s\t%s\t%s\n",
		    (long long)x->when, x->key, x->ip, x->qid) < 0)
			rc = -1;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

bool
seen_load_line(struct seen *t, char *line)
{
	char *f[4], *p = line, *end;
	long long when;
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = p;
		if (i < 3) {
			if ((p = strchr(p, '\t')) == NULL)
				return false;
			*p++ = '\0';
		}
	}
	when = strtoll(f[0], &end, 10);
	if (*end != '\0' || f[1][0] == '\0' || strchr(f[3], '\t') != NULL)
		return false;
	seen_add(t, f[1], f[2], f[3], (time_t)when);
	return true;
}

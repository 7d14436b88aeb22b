/*
 * hmap.c - a chained hash map from byte strings to pointers (hmap.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "hmap.h"

struct hnode {
	struct hnode	*next;
	uint64_t	 hash;
	void		*value;
	size_t		 len;
	char		 key[];
};

struct hmap {
	struct hnode	**b;
	size_t		 mask;		/* buckets - 1 */
	size_t		 n;
};

/* hash - FNV-1a, 64 bits */
static uint64_t
hash(const void *key, size_t len)
{
	uint64_t h = fnv1a64(key, len);

	return h ^ (h >> 29);
}

/* hmap_new - see hmap.h */
struct hmap *
hmap_new(void)
{
	struct hmap *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->mask = 63;
	if ((m->b = calloc(m->mask + 1, sizeof *m->b)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

/* find - the link that points at key's node (or at NULL) */
static struct hnode **
find(const struct hmap *m, const void *key, size_t len, uint64_t h)
{
	struct hnode **pp = &m->b[h & m->mask];

	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->len == len &&
		    memcmp((*pp)->key, key, len) == 0)
			break;
	return pp;
}

/* hmap_get - see hmap.h */
void *
hmap_get(const struct hmap *m, const void *key, size_t len)
{
	struct hnode *n = *find(m, key, len, hash(key, len));

	return n != NULL ? n->value : NULL;
}

/* grow - double the buckets; on ENOMEM the map stays as it is */
static void
grow(struct hmap *m)
{
	size_t i, nmask = m->mask * 2 + 1;
	struct hnode **nb = calloc(nmask + 1, sizeof *nb), *n, *next;

	if (nb == NULL)
		return;
	for (i = 0; i <= m->mask; i++)
		for (n = m->b[i]; n != NULL; n = next) {
			next = n->next;
			n->next = nb[n->hash & nmask];
			nb[n->hash & nmask] = n;
		}
	free(m->b);
	m->b = nb;
	m->mask = nmask;
}

/* hmap_put - see hmap.h */
int
hmap_put(struct hmap *m, const void *key, size_t len, void *value)
{
	uint64_t h = hash(key, len);
	struct hnode **pp = find(m, key, len, h), *n;

	if (*pp != NULL) {
		(*pp)->value = value;
		return 0;
	}
	if ((n = malloc(sizeof *n + len + 1)) == NULL)
		return -1;
	n->next = NULL;
	n->hash = h;
	n->value = value;
	n->len = len;
	memcpy(n->key, key, len);
	n->key[len] = '\0';
	*pp = n;
	if (++m->n > m->mask)
		grow(m);
	return 0;
}

/* hmap_del - see hmap.h */
void *
hmap_del(struct hmap *m, const void *key, size_t len)
{
	struct hnode **pp = find(m, key, len, hash(key, len)), *n = *pp;
	void *v;

	if (n == NULL)
		return NULL;
	*pp = n->next;
	v = n->value;
	free(n);
	m->n--;
	return v;
}

/* hmap_count - see hmap.h */
size_t
hmap_count(const struct hmap *m)
{
	return m->n;
}

/* hmap_each - see hmap.h */
void
hmap_each(const struct hmap *m, void (*fn)(void *, const void *, size_t,
    void *), void *arg)
{
	size_t i;
	struct hnode *n;

	for (i = 0; i <= m->mask; i++)
		for (n = m->b[i]; n != NULL; n = n->next)
			fn(arg, n->key, n->len, n->value);
}

/* hmap_free - see hmap.h */
void
hmap_free(struct hmap *m)
{
	size_t i;
	struct hnode *n, *next;

	if (m == NULL)
		return;
	for (i = 0; i <= m->mask; i++)
		for (n = m->b[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	free(m->b);
	free(m);
}

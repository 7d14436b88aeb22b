/*
 * strset.c - open-addressing hash set of lower-cased strings (see strset.h).
 * FNV-1a over lower-cased bytes; the table doubles at 50% load.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "strset.h"

struct slot {
	char	*s;
	size_t	 len;
	uint32_t hash;
	unsigned value;
};

struct strset {
	struct slot	*slot;
	size_t		 cap;		/* power of two */
	size_t		 n;
};

static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = FNV32_BASIS;
	size_t i;

	for (i = 0; i < len; i++)
		h = fnv32_add(h, (unsigned char)tolower((unsigned char)s[i]));
	return h;
}

/* strset_new - empty set */
struct strset *
strset_new(void)
{
	struct strset *set = calloc(1, sizeof *set);

	if (set == NULL)
		return NULL;
	set->cap = 16;
	if ((set->slot = calloc(set->cap, sizeof *set->slot)) == NULL) {
		free(set);
		return NULL;
	}
	return set;
}

static bool
same(const struct slot *sl, const char *s, size_t len, uint32_t h)
{
	size_t i;

	if (sl->hash != h || sl->len != len)
		return false;
	for (i = 0; i < len; i++)
		if (sl->s[i] != tolower((unsigned char)s[i]))
			return false;
	return true;
}

static int
grow(struct strset *set)
{
	size_t ncap = set->cap * 2, i;
	struct slot *ns = calloc(ncap, sizeof *ns);

	if (ns == NULL)
		return -1;
	for (i = 0; i < set->cap; i++) {
		size_t j;

		if (set->slot[i].s == NULL)
			continue;
		for (j = set->slot[i].hash & (ncap - 1); ns[j].s != NULL;
		    j = (j + 1) & (ncap - 1))
			;
		ns[j] = set->slot[i];
	}
	free(set->slot);
	set->slot = ns;
	set->cap = ncap;
	return 0;
}

/* find - the slot of (s, len), or the empty one where it would go */
static size_t
find(const struct strset *set, const char *s, size_t len, uint32_t h)
{
	size_t j;

	for (j = h & (set->cap - 1); set->slot[j].s != NULL;
	    j = (j + 1) & (set->cap - 1))
		if (same(&set->slot[j], s, len, h))
			break;
	return j;
}

/* strset_add - insert a lower-cased copy */
int
strset_add(struct strset *set, const char *s, size_t len)
{
	return strset_put(set, s, len, 0) < 0 ? -1 : 0;
}

/* strset_put - insert with a value */
int
strset_put(struct strset *set, const char *s, size_t len, unsigned value)
{
	uint32_t h = hash(s, len);
	size_t j, i;

	if ((set->n + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	if (set->slot[j = find(set, s, len, h)].s != NULL)
		return 1;
	if ((set->slot[j].s = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		set->slot[j].s[i] = (char)tolower((unsigned char)s[i]);
	set->slot[j].s[len] = '\0';
	set->slot[j].len = len;
	set->slot[j].hash = h;
	set->slot[j].value = value;
	set->n++;
	return 0;
}

/* strset_has - lookup */
bool
strset_has(const struct strset *set, const char *s, size_t len)
{
	return set->slot[find(set, s, len, hash(s, len))].s != NULL;
}

/* strset_get - lookup with the value */
bool
strset_get(const struct strset *set, const char *s, size_t len,
    unsigned *value)
{
	const struct slot *sl = &set->slot[find(set, s, len, hash(s, len))];

	if (sl->s == NULL)
		return false;
	*value = sl->value;
	return true;
}

/* strset_count - entries */
size_t
strset_count(const struct strset *set)
{
	return set->n;
}

/* strset_free - release */
void
strset_free(struct strset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		free(set->slot[i].s);
	free(set->slot);
	free(set);
}

/*
 * report_count.c - esc report's table of counts: open addressing, FNV-1a,
 * one allocation per distinct key (never per line); merged across the
 * reading threads at the end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "report.h"
#include "strutil.h"

/* grow - double the table (keys move, never copied) */
static int
grow(struct rcounts *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64, i, j;
	struct rslot *ns = calloc(ncap, sizeof *ns);

	if (ns == NULL)
		return -1;
	for (j = 0; j < t->cap; j++) {
		if (t->slot[j].key == NULL)
			continue;
		for (i = t->slot[j].hash & (ncap - 1); ns[i].key != NULL;
		    i = (i + 1) & (ncap - 1))
			;
		ns[i] = t->slot[j];
	}
	free(t->slot);
	t->slot = ns;
	t->cap = ncap;
	return 0;
}

/* rcounts_add - see report.h */
int
rcounts_add(struct rcounts *t, const char *k, size_t n,
    unsigned long long count)
{
	unsigned h = fnv1a32(k, n);
	size_t i;

	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return -1;
	for (i = h & (t->cap - 1); t->slot[i].key != NULL;
	    i = (i + 1) & (t->cap - 1)) {
		if (t->slot[i].hash == h && t->slot[i].len == n &&
		    memcmp(t->slot[i].key, k, n) == 0) {
			t->slot[i].count += count;
			return 0;
		}
	}
	if ((t->slot[i].key = xstrndup(k, n)) == NULL)
		return -1;
	t->slot[i].len = n;
	t->slot[i].hash = h;
	t->slot[i].count = count;
	t->n++;
	return 0;
}

/* rcounts_merge - see report.h */
int
rcounts_merge(struct rcounts *into, const struct rcounts *from)
{
	size_t i;

	for (i = 0; i < from->cap; i++)
		if (from->slot[i].key != NULL &&
		    rcounts_add(into, from->slot[i].key, from->slot[i].len,
		    from->slot[i].count) < 0)
			return -1;
	return 0;
}

static int
cmp_count(const void *a, const void *b)
{
	const struct rslot *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct rslot *)a)->key,
	    ((const struct rslot *)b)->key);
}

/* rcounts_rows - see report.h */
struct rslot *
rcounts_rows(const struct rcounts *t, bool by_key, size_t *n)
{
	struct rslot *rows;
	size_t i, k = 0;

	*n = 0;
	if (t->n == 0 || (rows = calloc(t->n, sizeof *rows)) == NULL)
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key != NULL)
			rows[k++] = t->slot[i];
	qsort(rows, k, sizeof *rows, by_key ? cmp_key : cmp_count);
	*n = k;
	return rows;
}

/* rcounts_free - see report.h */
void
rcounts_free(struct rcounts *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i].key);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* rslot_cols - see report.h */
void
rslot_cols(const struct rslot *row, char *c1, char *c2, size_t size)
{
	const char *sep = memchr(row->key, RKEY_SEP, row->len);
	struct jspan sp = { JT_STRING, row->key, sep ? (size_t)(sep -
	    row->key) : row->len };

	jscan_unescape(&sp, c1, size);
	c2[0] = '\0';
	if (sep != NULL) {
		sp.p = sep + 1;
		sp.len = row->len - (size_t)(sep + 1 - row->key);
		jscan_unescape(&sp, c2, size);
	}
}

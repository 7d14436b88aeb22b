/*
 * kwset.c - keywords found in one pass (see kwset.h).
 *
 * kwset_add() grows a trie over the bytes folded to lower case, each node
 * keeping its children in a short list; kwset_build() gives every byte
 * that occurs in a keyword its own class (the others share class 0),
 * computes the failure links breadth first and turns the trie into a
 * complete automaton: next[state * nclass + class].  Each state's ids are
 * its own and those of its failure chain, in one flat array.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kwset.h"

#define KW_MAX_STATES	(1u << 20)

struct edge {
	unsigned char	 byte;
	uint32_t	 to;
	uint32_t	 next;		/* next edge of the same node, 0 = end */
};

struct node {
	uint32_t	 edges;		/* first edge, 0 = none */
	uint32_t	 fail;
	uint32_t	 out, nout;	/* ids: out[] range (after build) */
	uint32_t	 own, nown;	/* ids added here (before build) */
};

struct kwset {
	struct node	*node;
	size_t		 nnode, capnode;
	struct edge	*edge;		/* edge[0] is unused */
	size_t		 nedge, capedge;
	struct own {
		unsigned	 id;
		uint32_t	 next;	/* the node's previous id: index+1 */
	}		*own;		/* ids in the order added */
	size_t		 nown, capown;
	/* after kwset_build */
	bool		 built;
	unsigned char	 cls[256];
	unsigned	 nclass;
	uint32_t	*next;
	unsigned	*outs;
	size_t		 nouts;
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = reallocarray(*p, n, size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

struct kwset *
kwset_new(void)
{
	struct kwset *k = calloc(1, sizeof *k);

	if (k == NULL)
		return NULL;
	if (grow((void **)&k->node, &k->capnode, 1, sizeof *k->node) < 0 ||
	    grow((void **)&k->edge, &k->capedge, 1, sizeof *k->edge) < 0) {
		kwset_free(k);
		return NULL;
	}
	memset(&k->node[0], 0, sizeof k->node[0]);
	k->nnode = 1;
	k->nedge = 1;
	return k;
}

void
kwset_free(struct kwset *k)
{
	if (k == NULL)
		return;
	free(k->node);
	free(k->edge);
	free(k->own);
	free(k->next);
	free(k->outs);
	free(k);
}

/* child - the child of n on byte c, 0 when none */
static uint32_t
child(const struct kwset *k, uint32_t n, unsigned char c)
{
	uint32_t e;

	for (e = k->node[n].edges; e != 0; e = k->edge[e].next)
		if (k->edge[e].byte == c)
			return k->edge[e].to;
	return 0;
}

int
kwset_add(struct kwset *k, const char *word, size_t len, unsigned id)
{
	uint32_t n = 0, c;
	size_t i;

	if (k->built || len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char b = fold((unsigned char)word[i]);

		if ((c = child(k, n, b)) == 0) {
			if (k->nnode >= KW_MAX_STATES ||
			    grow((void **)&k->node, &k->capnode, k->nnode + 1,
			    sizeof *k->node) < 0 ||
			    grow((void **)&k->edge, &k->capedge, k->nedge + 1,
			    sizeof *k->edge) < 0)
				return -1;
			c = (uint32_t)k->nnode++;
			memset(&k->node[c], 0, sizeof k->node[c]);
			k->edge[k->nedge].byte = b;
			k->edge[k->nedge].to = c;
			k->edge[k->nedge].next = k->node[n].edges;
			k->node[n].edges = (uint32_t)k->nedge++;
		}
		n = c;
	}
	if (grow((void **)&k->own, &k->capown, k->nown + 1, sizeof *k->own) < 0)
		return -1;
	k->own[k->nown].id = id;
	k->own[k->nown].next = k->node[n].own;	/* prepend */
	k->node[n].own = (uint32_t)(k->nown + 1);
	k->node[n].nown++;
	k->nown++;
	return 0;
}

/* add_outs - append state s's own ids to the flat array */
static int
add_outs(struct kwset *k, uint32_t s, size_t *cap)
{
	uint32_t i;

	for (i = k->node[s].own; i != 0; i = k->own[i - 1].next) {
		if (grow((void **)&k->outs, cap, k->nouts + 1, sizeof *k->outs) < 0)
			return -1;
		k->outs[k->nouts++] = k->own[i - 1].id;
	}
	return 0;
}

int
kwset_build(struct kwset *k)
{
	uint32_t *queue = NULL, head = 0, tail = 0, s, t, f, e;
	size_t capouts = 0, i;
	unsigned c;
	bool used[256] = { false };

	if (k->built)
		return -1;
	/* byte classes: one per byte of a keyword, both ASCII cases */
	for (e = 1; e < k->nedge; e++)
		used[k->edge[e].byte] = true;
	k->nclass = 1;
	for (c = 0; c < 256; c++)
		if (used[c])
			k->cls[c] = (unsigned char)k->nclass++;
	for (c = 'A'; c <= 'Z'; c++)
		k->cls[c] = k->cls[c + 32];
	if ((k->next = calloc(k->nnode * k->nclass, sizeof *k->next)) == NULL ||
	    (queue = malloc(k->nnode * sizeof *queue)) == NULL)
		goto fail;
	/* the root's transitions, then breadth first */
	k->node[0].fail = 0;
	for (e = k->node[0].edges; e != 0; e = k->edge[e].next) {
		t = k->edge[e].to;
		k->node[t].fail = 0;
		k->next[k->cls[k->edge[e].byte]] = t;
		queue[tail++] = t;
	}
	if (add_outs(k, 0, &capouts) < 0)
		goto fail;
	k->node[0].out = 0;
	k->node[0].nout = (uint32_t)k->nouts;
	while (head < tail) {
		s = queue[head++];
		f = k->node[s].fail;
		/* ids: its own, then its failure state's (already done) */
		k->node[s].out = (uint32_t)k->nouts;
		if (add_outs(k, s, &capouts) < 0)
			goto fail;
		for (i = 0; i < k->node[f].nout; i++) {
			if (grow((void **)&k->outs, &capouts, k->nouts + 1,
			    sizeof *k->outs) < 0)
				goto fail;
			k->outs[k->nouts++] = k->outs[k->node[f].out + i];
		}
		k->node[s].nout = (uint32_t)k->nouts - k->node[s].out;
		/* transitions: the trie's, else the failure state's */
		for (c = 0; c < k->nclass; c++)
			k->next[s * k->nclass + c] = k->next[f * k->nclass + c];
		for (e = k->node[s].edges; e != 0; e = k->edge[e].next) {
			t = k->edge[e].to;
			k->node[t].fail = k->next[f * k->nclass +
			    k->cls[k->edge[e].byte]];
			if (k->node[t].fail == t)
				k->node[t].fail = 0;
			k->next[s * k->nclass + k->cls[k->edge[e].byte]] = t;
			queue[tail++] = t;
		}
	}
	free(queue);
	k->built = true;
	return 0;
fail:
	free(queue);
	return -1;
}

void
kwset_scan(const struct kwset *k, const char *s, size_t len, uint64_t *bits,
    unsigned nbits)
{
	uint32_t st = 0, i;
	size_t p;

	if (!k->built)
		return;
	for (p = 0; p < len; p++) {
		st = k->next[st * k->nclass + k->cls[(unsigned char)s[p]]];
		for (i = 0; i < k->node[st].nout; i++) {
			unsigned id = k->outs[k->node[st].out + i];

			if (id < nbits)
				bits[id / 64] |= (uint64_t)1 << (id % 64);
		}
	}
}

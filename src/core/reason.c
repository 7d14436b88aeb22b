/*
 * reason.c - classify a reply with a reason table (see reason.h).
 *
 * One scan of the text finds the rows whose keyword occurs (kwset); the
 * rows are then tried in table order, those without a keyword always:
 * the codes first, then where, then the pattern.  The first that matches
 * decides; without one, the class and subject do.  The match buffer is
 * per thread (a pthread key), so a classification allocates nothing.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "reason_int.h"
#include "strutil.h"
#include "xcode.h"

#define MAX_GROUPS	10

extern const char reasons_builtin_text[];
extern const size_t reasons_builtin_text_len;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t md_key;
static bool md_key_ok;

static atomic_bool jit_off;

/* reasons_jit - see reason.h */
void
reasons_jit(bool on)
{
	atomic_store(&jit_off, !on);
}

/* reasons_jit_on - see reason_int.h */
bool
reasons_jit_on(void)
{
	return !atomic_load(&jit_off);
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct reasons *builtin;

static void
md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void
make_key(void)
{
	md_key_ok = pthread_key_create(&md_key, md_free) == 0;
}

/* match_data - this thread's; NULL on ENOMEM */
static pcre2_match_data *
match_data(void)
{
	pcre2_match_data *md;

	pthread_once(&key_once, make_key);
	if (!md_key_ok)
		return NULL;
	if ((md = pthread_getspecific(md_key)) == NULL &&
	    (md = pcre2_match_data_create(MAX_GROUPS, NULL)) != NULL &&
	    pthread_setspecific(md_key, md) != 0) {
		pcre2_match_data_free(md);
		md = NULL;
	}
	return md;
}

static void
load_builtin(void)
{
	struct diag_list d;

	diag_list_init(&d);
	builtin = reasons_load("built-in", reasons_builtin_text,
	    reasons_builtin_text_len, &d);
	diag_list_free(&d);
}

/* reasons_builtin - see reason.h */
const struct reasons *
reasons_builtin(void)
{
	pthread_once(&builtin_once, load_builtin);
	return builtin;
}

/* A parsed enhanced code. */
struct code {
	bool		 has;
	struct xcode	 x;
	bool		 generic;	/* no code, unregistered, X.S.0, X.7.1 */
};

static bool
code_ok(const struct row *r, const struct code *c)
{
	size_t i;

	if (r->any)
		return true;
	if (!c->has)
		return r->none || r->generic;
	if (r->generic && c->generic)
		return true;
	for (i = 0; i < r->npats; i++) {
		const struct code_pat *p = &r->pats[i];

		if ((p->cls == 0 || p->cls == c->x.cls) &&
		    (p->subject < 0 || (unsigned)p->subject == c->x.subject) &&
		    (p->detail < 0 || (unsigned)p->detail == c->x.detail))
			return true;
	}
	return false;
}

static bool
in_list(char *const *list, const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; list[i] != NULL; i++)
		if (str_caseeq(list[i], s))
			return true;
	return false;
}

static bool
where_ok(const struct row *r, const struct reason_in *in)
{
	size_t i, j;

	if (r->dirs != 0 && !(r->dirs & (1u << in->dir)))
		return false;
	if (r->progs != NULL && !in_list(r->progs, in->program))
		return false;
	if (r->providers != NULL && !in_list(r->providers, in->provider))
		return false;
	if (r->stages != NULL && !in_list(r->stages, in->stage))
		return false;
	if (r->basics == NULL)
		return true;
	if (in->code == NULL || strlen(in->code) != 3)
		return false;
	for (i = 0; i < r->nbasics; i++) {
		for (j = 0; j < 3 && (r->basics[i][j] == 'x' ||
		    r->basics[i][j] == in->code[j]); j++)
			;
		if (j == 3)
			return true;
	}
	return false;
}

/* expand - the detail template with the pattern's groups */
static void
expand(const struct row *r, const char *text, pcre2_match_data *md,
    char *out, size_t size)
{
	PCRE2_SIZE *ov = md ? pcre2_get_ovector_pointer(md) : NULL;
	uint32_t npairs = md ? pcre2_get_ovector_count(md) : 0;
	const char *p;
	size_t o = 0;

	for (p = r->detail; *p && o + 1 < size; p++) {
		unsigned g;
		size_t a, b;

		if (p[0] != '$' || p[1] < '1' || p[1] > '9' || ov == NULL) {
			out[o++] = *p;
			continue;
		}
		g = (unsigned)(*++p - '0');
		if (g >= npairs || ov[2 * g] == PCRE2_UNSET)
			continue;
		for (a = ov[2 * g], b = ov[2 * g + 1]; a < b && o + 1 < size; a++)
			out[o++] = (unsigned char)text[a] < 0x20 ? ' ' : text[a];
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '.' ||
	    out[o - 1] == ',' || out[o - 1] == ';'))
		o--;
	out[o] = '\0';
}

/* text_ok - the pattern matches (its groups in md) */
static bool
text_ok(const struct reasons *t, const struct row *r,
    const struct reason_in *in, pcre2_match_data *md)
{
	int rc;

	if (r->re == NULL)
		return true;
	if (in->text == NULL || md == NULL)
		return false;
	if (r->jit)
		rc = pcre2_jit_match(r->re, (PCRE2_SPTR)in->text, in->textlen, 0,
		    0, md, t->mctx);
	else
		rc = pcre2_match(r->re, (PCRE2_SPTR)in->text, in->textlen, 0, 0,
		    md, t->mctx);
	return rc > 0;
}

/* reasons_classify - see reason.h */
void
reasons_classify(const struct reasons *t, const struct registry *reg,
    const struct reason_in *in, struct reason_out *out)
{
	uint64_t bits[REASON_WORDS];
	pcre2_match_data *md = NULL;
	struct code c;
	size_t i, words;
	int pass;

	memset(&c, 0, sizeof c);
	if (in->xcode != NULL && in->xcode[0] != '\0' &&
	    xcode_parse(in->xcode, strlen(in->xcode), 0, &c.x, NULL) ==
	    strlen(in->xcode)) {
		c.has = true;
		c.generic = in->xcode_weak || c.x.detail == 0 ||
		    (c.x.subject == 7 && c.x.detail == 1) || reg == NULL ||
		    registry_lookup(reg, c.x.subject, c.x.detail) == NULL;
	}
	out->reason = R_UNDEFINED;
	out->detail[0] = '\0';
	out->inferred = false;
	out->subject = -1;
	out->line = 0;
	if (t != NULL && t->nrows > 0) {
		words = (t->nrows + 63) / 64;
		memcpy(bits, t->always, words * sizeof *bits);
		if (in->text != NULL && in->textlen > 0) {
			kwset_scan(t->kw, in->text, in->textlen, bits,
			    (unsigned)t->nrows);
			md = match_data();
		}
		/* a weak code lets the rows with a text go first: the
		   rows of its code alone come after them */
		for (pass = in->xcode_weak && c.has ? 0 : 1; pass < 2; pass++)
		for (i = 0; i < t->nrows; i++) {
			const struct row *r = &t->rows[i];

			if (!(bits[i / 64] & ((uint64_t)1 << (i % 64))) ||
			    (pass == 0 && r->re == NULL) ||
			    !code_ok(r, &c) || !where_ok(r, in) ||
			    !text_ok(t, r, in, md))
				continue;
			out->reason = r->reason;
			out->line = r->line;
			expand(r, in->text, r->re ? md : NULL, out->detail,
			    sizeof out->detail);
			if (!c.has && r->re != NULL && r->reason != R_UNDEFINED &&
			    r->reason != R_ONHOLD && r->reason != R_DELIVERED) {
				out->inferred = true;
				out->subject = reason_info(r->reason)->subject;
			}
			return;
		}
	}
	if (c.has)
		out->reason = reason_fallback(c.x.cls, (int)c.x.subject);
	else if (in->code != NULL && in->code[0] == '2')
		out->reason = R_DELIVERED;
}

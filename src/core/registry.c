/*
 * registry.c - build, index and query the enhanced status code registry
 * (see registry.h).  Both sources (the compiled-in table here, IANA's CSV
 * in registry_csv.c) go through the same builder (registry_int.h), so
 * they are normalised identically.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "csv.h"
#include "registry_int.h"
#include "strutil.h"

static const char *const category_names[CAT_COUNT] = {
	"other", "addressing", "mailbox", "mail-system", "network",
	"protocol", "content", "security", "unknown",
};

static const char *const subject_names[8] = {
	"Other or Undefined Status",
	"Addressing Status",
	"Mailbox Status",
	"Mail System Status",
	"Network and Routing Status",
	"Mail Delivery Protocol Status",
	"Message Content or Media Status",
	"Security or Policy Status",
};

/* category_of - subject to category */
enum category
category_of(unsigned subject)
{
	return subject <= 7 ? (enum category)subject : CAT_UNKNOWN;
}

/* category_name - event/metric label */
const char *
category_name(enum category c)
{
	return (unsigned)c < CAT_COUNT ? category_names[c] : "unknown";
}

/* subject_name - registry subject title */
const char *
subject_name(unsigned subject)
{
	return subject <= 7 ? subject_names[subject] : NULL;
}

/* registry_class_name - registry class title */
const char *
registry_class_name(unsigned cls)
{
	switch (cls) {
	case 2:
		return "Success";
	case 4:
		return "Persistent Transient Failure";
	case 5:
		return "Permanent Failure";
	}
	return NULL;
}

/* squeeze - copy with runs of white space collapsed to one space, trimmed */
static char *
squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	bool space = false;

	if (out == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = false;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/*
 * normalise_refs - "[RFC7372] (Standards Track); [RFC7208] (...)" and
 * "RFC7372 RFC7208" both become "RFC7372, RFC7208".
 */
static char *
normalise_refs(const char *s, bool bracketed)
{
	/* Each one-byte separator may become ", ": twice the input at most. */
	size_t cap = 2 * strlen(s) + 1, used = 0;
	char *out = malloc(cap + 2);
	const char *p = s;

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	if (bracketed && strchr(s, '[') != NULL) {
		while ((p = strchr(p, '[')) != NULL) {
			const char *e = strchr(p, ']');

			if (e == NULL)
				break;
			used += (size_t)snprintf(out + used, cap + 2 - used,
			    "%s%.*s", used ? ", " : "", (int)(e - p - 1), p + 1);
			p = e + 1;
		}
		return out;
	}
	while (*p) {
		const char *t;

		while (isspace((unsigned char)*p) || *p == ',' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		t = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != ';')
			p++;
		used += (size_t)snprintf(out + used, cap + 2 - used, "%s%.*s",
		    used ? ", " : "", (int)(p - t), t);
	}
	return out;
}

/* parse_code - "X.7.23" (any class character) into subject, detail */
static bool
parse_code(const char *s, unsigned *subject, unsigned *detail)
{
	struct xcode_tmp {
		unsigned v[2];
	} t = {{0, 0}};
	size_t len;
	int part, n;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len < 5 || !(s[0] == 'X' || s[0] == 'x' || isdigit((unsigned char)s[0])) ||
	    s[1] != '.')
		return false;
	s += 2;
	len -= 2;
	for (part = 0; part < 2; part++) {
		for (n = 0; len > 0 && isdigit((unsigned char)*s); n++, s++, len--)
			t.v[part] = t.v[part] * 10 + (unsigned)(*s - '0');
		if (n == 0 || n > 3)
			return false;
		if (part == 0) {
			if (len == 0 || *s != '.')
				return false;
			s++;
			len--;
		}
	}
	if (len != 0)
		return false;
	*subject = t.v[0];
	*detail = t.v[1];
	return true;
}

/* registry_alloc - an empty registry being built */
struct registry *
registry_alloc(const char *source)
{
	struct registry *r = calloc(1, sizeof *r);

	if (r != NULL)
		str_copy(r->source, sizeof r->source, source);
	return r;
}

/* registry_free - release everything */
void
registry_free(struct registry *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
	free(r->entry);
	free(r->sorted);
	if (r->subject != NULL)
		for (i = 0; i < r->nsubject; i++)
			free(r->subject[i].detail);
	free(r->subject);
	free(r);
}

/* find_replacement - "duplicate of X.6.8" in a description or status */
static bool
find_replacement(const char *s, unsigned self_s, unsigned self_d,
    unsigned *rs, unsigned *rd)
{
	const char *p;

	for (p = s; (p = strpbrk(p, "Xx")) != NULL; p++) {
		char tok[16];
		size_t n = 0;

		while (n < sizeof tok - 1 && p[n] && (p[n] == 'X' || p[n] == 'x' ||
		    p[n] == '.' || isdigit((unsigned char)p[n])))
			n++;
		while (n > 0 && p[n - 1] == '.')
			n--;	/* sentence end */
		str_copyn(tok, sizeof tok, p, n);
		if (parse_code(tok, rs, rd) && (*rs != self_s || *rd != self_d))
			return true;
	}
	return false;
}

/* own - keep a string for the registry's lifetime; NULL on failure */
static const char *
own(struct registry *r, char *s)
{
	if (s == NULL)
		return NULL;
	if (r->nowned == r->owncap) {
		size_t ncap = r->owncap ? r->owncap * 2 : 256;
		char **n = realloc(r->owned, ncap * sizeof *n);

		if (n == NULL) {
			free(s);
			return NULL;
		}
		r->owned = n;
		r->owncap = ncap;
	}
	r->owned[r->nowned++] = s;
	return s;
}

/*
 * registry_add - append one normalised entry.  Returns 1 added, 0 skipped
 * (duplicate, reported), -1 allocation failure.
 */
int
registry_add(struct registry *r, const char *code, const char *sample,
    const char *basic, const char *refs, bool bracketed_refs,
    const char *status, int line, struct diag_list *diags)
{
	struct reg_entry *e;
	unsigned s, d;
	size_t i;
	char bad[64];

	if (!parse_code(code, &s, &d)) {
		if (diags != NULL)
			diag_add(diags, r->source, line, 0, SEV_WARNING,
			    "registry-row", "code \"%s\" is not of the form "
			    "X.subject.detail; row skipped", code);
		return 0;
	}
	for (i = 0; i < r->nentry; i++) {
		if (r->entry[i].subject == s && r->entry[i].detail == d) {
			if (diags != NULL)
				diag_add(diags, r->source, line, 0, SEV_WARNING,
				    "registry-row", "X.%u.%u appears twice (first "
				    "on line %d); the first row is used",
				    s, d, r->entry[i].line);
			return 0;
		}
	}
	if (r->nentry == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 128;
		struct reg_entry *n = realloc(r->entry, ncap * sizeof *n);

		if (n == NULL)
			return -1;
		r->entry = n;
		r->cap = ncap;
	}
	e = &r->entry[r->nentry];
	memset(e, 0, sizeof *e);
	e->subject = s;
	e->detail = d;
	e->line = line;
	e->sample = own(r, squeeze(sample));
	e->basic_text = own(r, squeeze(basic));
	e->reference = own(r, normalise_refs(refs, bracketed_refs));
	if (e->sample == NULL || e->basic_text == NULL || e->reference == NULL)
		return -1;
	if (basic_parse(e->basic_text, &e->basic, bad, sizeof bad) > 0 &&
	    diags != NULL)
		diag_add(diags, r->source, line, 0, SEV_WARNING, "registry-basic",
		    "X.%u.%u: cannot read \"%s\" in the basic code column; "
		    "ignored", s, d, bad);
	if (str_casestr(status, strlen(status), "deprecated") != NULL) {
		e->deprecated = true;
		e->has_replacement = find_replacement(status, s, d,
		    &e->repl_subject, &e->repl_detail);
	}
	r->nentry++;
	return 1;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct reg_entry *x = *(const struct reg_entry *const *)a;
	const struct reg_entry *y = *(const struct reg_entry *const *)b;

	if (x->subject != y->subject)
		return x->subject < y->subject ? -1 : 1;
	return x->detail < y->detail ? -1 : (x->detail > y->detail);
}

/* registry_finish - build the sorted list and the subject/detail index */
int
registry_finish(struct registry *r)
{
	size_t i;

	r->sorted = calloc(r->nentry ? r->nentry : 1, sizeof *r->sorted);
	if (r->sorted == NULL)
		return -1;
	r->nsubject = 8;
	for (i = 0; i < r->nentry; i++) {
		r->sorted[i] = &r->entry[i];
		if (r->entry[i].subject + 1 > r->nsubject)
			r->nsubject = r->entry[i].subject + 1;
	}
	qsort(r->sorted, r->nentry, sizeof *r->sorted, cmp_entry);
	if ((r->subject = calloc(r->nsubject, sizeof *r->subject)) == NULL)
		return -1;
	for (i = 0; i < r->nentry; i++) {
		struct subject_index *si = &r->subject[r->entry[i].subject];

		if (r->entry[i].detail + 1 > si->ndetail)
			si->ndetail = r->entry[i].detail + 1;
	}
	for (i = 0; i < r->nsubject; i++) {
		struct subject_index *si = &r->subject[i];

		if (si->ndetail == 0)
			continue;
		if ((si->detail = calloc(si->ndetail, sizeof *si->detail)) == NULL)
			return -1;
	}
	for (i = 0; i < r->nentry; i++)
		r->subject[r->entry[i].subject].detail[r->entry[i].detail] =
		    &r->entry[i];
	return 0;
}

/* registry_new_builtin - the compiled-in table */
struct registry *
registry_new_builtin(struct esc_err *err)
{
	struct registry *r = registry_alloc("builtin");
	const struct registry_row *row;

	if (r == NULL)
		goto nomem;
	str_copy(r->date, sizeof r->date, registry_builtin_snapshot);
	for (row = registry_builtin_rows; row->code != NULL; row++)
		if (registry_add(r, row->code, row->sample, row->basic,
		    row->reference, false, row->status, 0, NULL) < 0)
			goto nomem;
	if (registry_finish(r) < 0)
		goto nomem;
	return r;
nomem:
	registry_free(r);
	err_set(err, NULL, 0, "out of memory building the registry");
	return NULL;
}

/* registry_lookup - constant time */
const struct reg_entry *
registry_lookup(const struct registry *r, unsigned subject, unsigned detail)
{
	const struct subject_index *si;

	if (subject >= r->nsubject)
		return NULL;
	si = &r->subject[subject];
	return detail < si->ndetail ? si->detail[detail] : NULL;
}

/* registry_subject_known - X.0 .. X.7 or a subject with entries */
bool
registry_subject_known(const struct registry *r, unsigned subject)
{
	return subject <= 7 ||
	    (subject < r->nsubject && r->subject[subject].ndetail > 0);
}

/* registry_entries - sorted entries */
const struct reg_entry *const *
registry_entries(const struct registry *r, size_t *count)
{
	*count = r->nentry;
	return r->sorted;
}

/* registry_source - where the table came from */
const char *
registry_source(const struct registry *r)
{
	return r->source;
}

/* registry_date - snapshot date */
const char *
registry_date(const struct registry *r)
{
	return r->date[0] ? r->date : "unknown";
}

/* registry_describe - one-line summary */
char *
registry_describe(const struct registry *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s, %zu codes", r->source, registry_date(r),
	    r->nentry);
	return buf;
}

/* registry_entry_diff - compare two entries field by field */
unsigned
registry_entry_diff(const struct reg_entry *a, const struct reg_entry *b)
{
	unsigned d = 0;

	if (strcmp(a->sample, b->sample) != 0)
		d |= REG_DIFF_SAMPLE;
	if (!basic_equal(&a->basic, &b->basic))
		d |= REG_DIFF_BASIC;
	if (strcmp(a->reference, b->reference) != 0)
		d |= REG_DIFF_REFERENCE;
	if (a->deprecated != b->deprecated ||
	    a->has_replacement != b->has_replacement ||
	    (a->has_replacement && (a->repl_subject != b->repl_subject ||
	    a->repl_detail != b->repl_detail)))
		d |= REG_DIFF_STATUS;
	return d;
}

/*
 * diag.c - diagnostics list (see diag.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* diag_list_init - empty list */
void
diag_list_init(struct diag_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
	l->dropped = 0;
}

/* diag_list_free - release everything */
void
diag_list_free(struct diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].file);
	free(l->v);
	diag_list_init(l);
}

/* diag_add - append a diagnostic */
struct diag *
diag_add(struct diag_list *l, const char *file, int line, int col,
    enum severity sev, const char *id, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	if (l->n >= DIAG_MAX) {
		l->dropped++;
		return NULL;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct diag *nv = realloc(l->v, ncap * sizeof *nv);

		if (nv == NULL) {
			l->dropped++;
			return NULL;
		}
		l->v = nv;
		l->cap = ncap;
	}
	d = &l->v[l->n];
	if ((d->file = strdup(file ? file : "")) == NULL) {
		l->dropped++;
		return NULL;
	}
	d->line = line;
	d->col = col;
	d->sev = sev;
	snprintf(d->id, sizeof d->id, "%s", id ? id : "");
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	d->suggestion[0] = '\0';
	d->effective[0] = '\0';
	d->seq = l->n;
	l->n++;
	return d;
}

/* diag_count - count entries at or above a severity */
size_t
diag_count(const struct diag_list *l, enum severity min)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].sev >= min)
			n++;
	return n;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* diag_sort - order by position (stable: ties keep their order) */
void
diag_sort(struct diag_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, diag_cmp);
}

/* severity_name - printable severity */
const char *
severity_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_NOTE:
		return "note";
	}
	return "error";
}

/* print - one format for both */
static void
print(const struct diag_list *l, FILE *fp, bool cols)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];

		if (d->file[0] != '\0')
			fprintf(fp, "%s:", d->file);
		if (d->line > 0 || cols)
			fprintf(fp, "%d:", d->line);
		if (d->col > 0 || cols)
			fprintf(fp, "%d:", d->col > 0 ? d->col : 1);
		fprintf(fp, "%s%s: %s: %s", d->file[0] || d->line ? " " : "",
		    severity_name(d->sev), d->id, d->msg);
		if (d->suggestion[0] != '\0')
			fprintf(fp, " (did you mean %s?)", d->suggestion);
		if (d->effective[0] != '\0')
			fprintf(fp, "; the client sees \"%s\"", d->effective);
		fputc('\n', fp);
	}
	if (l->dropped > 0)
		fprintf(fp, "(%zu more diagnostics not shown)\n", l->dropped);
}

/* diag_print - human/editor format */
void
diag_print(const struct diag_list *l, FILE *fp)
{
	print(l, fp, false);
}

/* diag_print_cols - always with a column */
void
diag_print_cols(const struct diag_list *l, FILE *fp)
{
	print(l, fp, true);
}

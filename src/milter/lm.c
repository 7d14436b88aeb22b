/*
 * lm.c - libmilter calls with const-correct parameters (see lm.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lm.h"
#include "strutil.h"

#define LM_NAME_MAX	256	/* macro and header names */

/* lm_macro - a writable copy of the name for libmilter */
const char *
lm_macro(SMFICTX *ctx, const char *name)
{
	char buf[LM_NAME_MAX];

	if (str_copy(buf, sizeof buf, name) < 0)
		return NULL;
	return smfi_getsymval(ctx, buf);
}

/* The 32 line arguments of smfi_setmlreply (TEMPLATE_MAX_LINES). */
#define L4(a, i)	a[i], a[i + 1], a[i + 2], a[i + 3]
#define L32(a)		L4(a, 0), L4(a, 4), L4(a, 8), L4(a, 12), L4(a, 16), \
			L4(a, 20), L4(a, 24), L4(a, 28)
_Static_assert(TEMPLATE_MAX_LINES == 32, "L32 passes 32 lines");

/* lm_setreply - the reply, set immediately before the matching return */
int
lm_setreply(SMFICTX *ctx, const struct rendered *r)
{
	struct rendered *w = malloc(sizeof *w);	/* writable copy */
	char *l[TEMPLATE_MAX_LINES + 1];
	unsigned i;
	int rc;

	if (w == NULL)
		return MI_FAILURE;
	memcpy(w, r, sizeof *w);
	for (i = 0; i <= TEMPLATE_MAX_LINES; i++)
		l[i] = i < w->nlines ? w->line[i] : NULL;
	if (w->nlines == 1)
		rc = smfi_setreply(ctx, w->code, w->xcode[0] ? w->xcode : NULL,
		    w->line[0]);
	else
		rc = smfi_setmlreply(ctx, w->code, w->xcode[0] ? w->xcode : NULL,
		    L32(l), (char *)NULL);
	free(w);
	return rc;
}

/* lm_addheader - copies for libmilter */
int
lm_addheader(SMFICTX *ctx, const char *name, const char *value)
{
	char n[LM_NAME_MAX], *v;
	int rc;

	if (str_copy(n, sizeof n, name) < 0 || (v = strdup(value)) == NULL)
		return MI_FAILURE;
	rc = smfi_addheader(ctx, n, v);
	free(v);
	return rc;
}

/* lm_delheader - smfi_chgheader with a NULL value */
int
lm_delheader(SMFICTX *ctx, const char *name, int index)
{
	char n[LM_NAME_MAX];

	if (str_copy(n, sizeof n, name) < 0)
		return MI_FAILURE;
	return smfi_chgheader(ctx, n, index, NULL);
}

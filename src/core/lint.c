/*
 * lint.c - what the readers share: file type names, Postfix logical
 * lines with a map back to physical positions, and the reply check that
 * turns validator findings into positioned diagnostics (see lint.h).
 * Guessing a file's type and a table's kind is lint_detect.c's.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "lint.h"
#include "reply.h"
#include "strutil.h"

static const char *const type_names[] = {
	"auto", "esc", "postfix-main", "postfix-master", "postfix-table",
	"sendmail-access", "sendmail-mc", "sendmail-cf",
};

/* lint_type_name - printable */
const char *
lint_type_name(enum lint_type t)
{
	return (unsigned)t < sizeof type_names / sizeof type_names[0] ?
	    type_names[t] : "auto";
}

/* lint_type_parse - name to type */
bool
lint_type_parse(const char *s, enum lint_type *t)
{
	unsigned i;

	for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum lint_type)i;
			return true;
		}
	}
	return false;
}

/* lint_is_template - {{ }}, [% %], %name / %{name}, PH_NAME */
bool
lint_is_template(const char *s, size_t len)
{
	size_t i;

	if (str_casestr(s, len, "{{") || str_casestr(s, len, "[%") ||
	    str_casestr(s, len, "PH_") != NULL)
		return true;
	for (i = 0; i + 1 < len; i++)
		if (s[i] == '%' && (isalpha((unsigned char)s[i + 1]) ||
		    s[i + 1] == '{'))
			return true;
	return false;
}

/* ---- logical lines ---------------------------------------------------- */

static bool
blank_or_comment(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && isspace((unsigned char)p[i]))
		i++;
	return i == n || p[i] == '#';
}

static int
grow(struct lline *l, size_t need, size_t *cap)
{
	char *t;
	int *a, *b;

	if (need <= *cap)
		return 0;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 256;
	if ((t = realloc(l->text, *cap)) == NULL)
		return -1;
	l->text = t;
	if ((a = realloc(l->line, *cap * sizeof *a)) == NULL)
		return -1;
	l->line = a;
	if ((b = realloc(l->col, *cap * sizeof *b)) == NULL)
		return -1;
	l->col = b;
	return 0;
}

/* lline_next - readllines() semantics */
int
lline_next(const char *buf, size_t len, size_t *pos, int *lineno,
    struct lline *l)
{
	size_t cap = 0;

	lline_free(l);
	l->len = 0;
	while (*pos < len) {
		const char *p = buf + *pos;
		const char *nl = memchr(p, '\n', len - *pos);
		size_t n = nl ? (size_t)(nl - p) : len - *pos, i;
		bool cont;

		/* A physical line that starts with white space continues the
		   current logical line; anything else starts the next one. */
		cont = n > 0 && isspace((unsigned char)p[0]) && p[0] != '\n';
		if (l->len > 0 && !cont && !blank_or_comment(p, n))
			break;
		(*lineno)++;
		*pos += n + (nl != NULL);
		if (n > 0 && p[n - 1] == '\r')
			n--;			/* CRLF files */
		if (blank_or_comment(p, n))
			continue;
		if (l->len == 0 && cont) {
			/* Postfix warns and skips text without a start. */
			continue;
		}
		if (l->len == 0)
			l->first = *lineno;
		if (grow(l, l->len + n + 1, &cap) < 0)
			return 0;
		for (i = 0; i < n; i++) {
			l->text[l->len] = p[i];
			l->line[l->len] = *lineno;
			l->col[l->len] = (int)i + 1;
			l->len++;
		}
		l->text[l->len] = '\0';
	}
	return l->len > 0;
}

/* lline_free - release */
void
lline_free(struct lline *l)
{
	free(l->text);
	free(l->line);
	free(l->col);
	l->text = NULL;
	l->line = l->col = NULL;
	l->len = 0;
}

int
lline_line(const struct lline *l, size_t off)
{
	if (l->len == 0)
		return l->first;
	return l->line[off < l->len ? off : l->len - 1];
}

int
lline_col(const struct lline *l, size_t off)
{
	if (l->len == 0)
		return 1;
	return off < l->len ? l->col[off] : l->col[l->len - 1] + 1;
}

/* lint_add - positioned diagnostic */
struct diag *
lint_add(struct lint_ctx *c, const struct lline *l, size_t off,
    enum severity sev, const char *id, const char *fmt, ...)
{
	char msg[DIAG_MSG_LEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->used_as != NULL && n >= 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, " (as %s)", c->used_as);
	return diag_add(c->diags, c->file, lline_line(l, off), lline_col(l, off),
	    sev, id, "%s", msg);
}

/* lint_reply - the shared validator, findings positioned in the file */
void
lint_reply(struct lint_ctx *c, const struct lline *l, size_t code_off,
    size_t text_off, const char *reply, size_t len, enum stage st,
    const char *effective)
{
	struct validate_opts vo = { st, false, false, false };
	struct findings fs;
	struct reply *r = malloc(sizeof *r);
	unsigned i;

	if (r == NULL)
		return;
	findings_init(&fs);
	reply_check(c->reg, reply, len, &vo, r, &fs);
	for (i = 0; i < fs.n; i++) {
		const struct finding *f = &fs.v[i];
		enum severity sev = f->sev;
		size_t at = f->col <= 4 ? code_off + (f->col > 0 ? f->col - 1 : 0) :
		    text_off + f->col - 5;
		struct diag *d;

		/* MTA tables are not printf formats; '%' is plain text there. */
		if (f->id == FID_TEXT_PERCENT)
			continue;
		/* Postfix and Sendmail add an enhanced code themselves: a
		   generic one, which says nothing about the rejection. */
		if (f->id == FID_XCODE_MISSING && effective != NULL) {
			d = lint_add(c, l, at,
			    SEV_NOTE, finding_name(f->id), "no enhanced status "
			    "code: the MTA adds a generic one; write the code that "
			    "says why (5.7.1 for policy, 5.1.1 for an unknown user, "
			    "...)");
			if (d != NULL)
				str_copy(d->effective, sizeof d->effective,
				    effective);
			continue;
		}
		/* Postfix forces the class of its own tables' replies: the
		   client never sees the contradiction, the table misleads. */
		if (f->id == FID_CLASS_MISMATCH && effective != NULL) {
			d = lint_add(c, l, at,
			    SEV_WARNING, finding_name(f->id), "the enhanced code's "
			    "class contradicts the reply code; the MTA silently "
			    "overrides it, so the table says something the server "
			    "does not do");
			if (d != NULL) {
				str_copy(d->suggestion, sizeof d->suggestion,
				    f->suggestion);
				str_copy(d->effective, sizeof d->effective,
				    effective);
			}
			continue;
		}
		if (f->id == FID_CLASS_MISMATCH && c->sendmail) {
			d = lint_add(c, l, at, sev, finding_name(f->id),
			    "the enhanced code's class contradicts the reply code; "
			    "Sendmail sends both as written, so the client gets a "
			    "contradicting reply");
			if (d != NULL)
				str_copy(d->suggestion, sizeof d->suggestion,
				    f->suggestion);
			continue;
		}
		d = lint_add(c, l, at, sev,
		    finding_name(f->id), "%s", f->msg);
		if (d == NULL)
			continue;
		str_copy(d->suggestion, sizeof d->suggestion, f->suggestion);
		if (effective != NULL)
			str_copy(d->effective, sizeof d->effective, effective);
	}
	free(r);
}

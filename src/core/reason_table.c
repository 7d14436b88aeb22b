/*
 * reason_table.c - read and compile a reason table (see reason.h and
 * docs/reasons.md for the format).
 *
 * One row per line, seven TAB-separated columns: code, where, text,
 * reason, detail, example, source; '#' starts a comment line.  Every
 * problem is reported as FILE:LINE and the table is refused.  Each text
 * pattern is compiled caseless (and JIT-compiled when possible) and its
 * keyword, the longest run of plain characters every match contains, goes
 * into one kwset; a pattern without one is tried on every reply.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "reason_int.h"
#include "strutil.h"

#define TABLE_MAX_BYTES	(16 * 1024 * 1024)
#define MATCH_LIMIT	100000
#define DEPTH_LIMIT	1000
#define KEYWORD_MIN	3

struct loader {
	const char	*name;
	unsigned	 line;
	struct diag_list *diags;
	struct reasons	*t;
};

static void
bad(struct loader *l, const char *fmt, const char *arg)
{
	diag_add(l->diags, l->name, (int)l->line, 0, SEV_ERROR, "reasons",
	    fmt, arg);
}

/* number - digits in (s, n) into *v (at most 3); false otherwise */
static bool
number(const char *s, size_t n, int *v)
{
	size_t i;

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return false;
	for (*v = 0, i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* code_item - "X.7.26", "5.7.*", "4.*.*", "*", "-", "generic" */
static bool
code_item(struct row *r, const char *s, size_t n)
{
	const char *d1, *d2;
	struct code_pat p;
	struct code_pat *np;

	if (n == 1 && s[0] == '*')
		return r->any = true;
	if (n == 1 && s[0] == '-')
		return r->none = true;
	if (n == 7 && memcmp(s, "generic", 7) == 0)
		return r->generic = true;
	if (n < 5 || s[1] != '.' || (d1 = memchr(s + 2, '.', n - 2)) == NULL)
		return false;
	d2 = s + n;
	if (s[0] == 'X')
		p.cls = 0;
	else if (s[0] == '2' || s[0] == '4' || s[0] == '5')
		p.cls = (unsigned)(s[0] - '0');
	else
		return false;
	if (d1 - s == 3 && s[2] == '*')
		p.subject = -1;
	else if (!number(s + 2, (size_t)(d1 - s - 2), &p.subject))
		return false;
	if (d2 - d1 == 2 && d1[1] == '*')
		p.detail = -1;
	else if (!number(d1 + 1, (size_t)(d2 - d1 - 1), &p.detail))
		return false;
	if ((np = reallocarray(r->pats, r->npats + 1, sizeof *np)) == NULL)
		return false;
	r->pats = np;
	r->pats[r->npats++] = p;
	return true;
}

/* list - "a,b,c" as a NULL-terminated array of lower-case strings */
static char **
list(const char *s, size_t n)
{
	char **v = NULL;
	size_t k = 0;
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		char **nv;

		if (c == NULL)
			c = end;
		if (c == p || (nv = reallocarray(v, k + 2, sizeof *v)) == NULL)
			goto fail;
		v = nv;
		if ((v[k] = xstrndup(p, (size_t)(c - p))) == NULL)
			goto fail;
		str_lower(v[k++]);
		v[k] = NULL;
		p = c + 1;
	}
	return v;
fail:
	while (k > 0)
		free(v[--k]);
	free(v);
	return NULL;
}

/* basic_item - "550", "5xx", "55x" */
static bool
basic_item(struct row *r, const char *s, size_t n)
{
	char (*nb)[4];
	size_t i;

	if (n != 3 || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
		return false;
	for (i = 1; i < 3; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != 'x')
			return false;
	if ((nb = reallocarray(r->basics, r->nbasics + 1, sizeof *nb)) == NULL)
		return false;
	r->basics = nb;
	memcpy(r->basics[r->nbasics], s, 3);
	r->basics[r->nbasics++][3] = '\0';
	return true;
}

/* where - "*" or "in|out|dsn prog=a,b provider=x stage=eom basic=5xx" */
static bool
where(struct loader *l, struct row *r, const char *s)
{
	const char *p = s;

	if (strcmp(s, "*") == 0)
		return true;
	while (*p) {
		size_t n = strcspn(p, " ");
		const char *eq = memchr(p, '=', n);

		if (n == 2 && memcmp(p, "in", 2) == 0) {
			r->dirs |= 1u << RD_INBOUND;
		} else if (n == 3 && memcmp(p, "out", 3) == 0) {
			r->dirs |= 1u << RD_OUTBOUND | 1u << RD_DSN;
		} else if (n == 3 && memcmp(p, "dsn", 3) == 0) {
			r->dirs |= 1u << RD_DSN;
		} else if (eq != NULL && eq - p == 4 && memcmp(p, "prog", 4) == 0) {
			if (r->progs != NULL ||
			    (r->progs = list(eq + 1, n - 5)) == NULL)
				goto bad;
		} else if (eq != NULL && eq - p == 8 &&
		    memcmp(p, "provider", 8) == 0) {
			if (r->providers != NULL ||
			    (r->providers = list(eq + 1, n - 9)) == NULL)
				goto bad;
		} else if (eq != NULL && eq - p == 5 && memcmp(p, "stage", 5) == 0) {
			if (r->stages != NULL ||
			    (r->stages = list(eq + 1, n - 6)) == NULL)
				goto bad;
		} else if (eq != NULL && eq - p == 5 && memcmp(p, "basic", 5) == 0) {
			const char *q = eq + 1, *end = p + n;

			while (q < end) {
				size_t k = strcspn(q, ",");

				if (k > (size_t)(end - q))
					k = (size_t)(end - q);
				if (!basic_item(r, q, k))
					goto bad;
				q += k + (q + k < end);
			}
		} else {
			goto bad;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return true;
bad:
	bad(l, "cannot read the where column \"%s\": write *, or any of in, "
	    "out, dsn, prog=NAME[,NAME], provider=NAME[,NAME], "
	    "stage=STAGE[,STAGE], basic=550[,5xx]", s);
	return false;
}

/*
 * keyword - the longest run of plain characters that every match of the
 * pattern contains: outside any group and character class, with no
 * alternation at the top level, and not made optional by ?, * or {0,
 */
static size_t
keyword(const char *pat, char *out, size_t size)
{
	size_t i, n = strlen(pat), best = 0, cur = 0;
	int depth = 0;
	char run[256];

	for (i = 0; i < n; i++)
		if (pat[i] == '\\')
			i++;
		else if (pat[i] == '(')
			depth++;
		else if (pat[i] == ')')
			depth--;
		else if (pat[i] == '|' && depth == 0)
			return 0;
	depth = 0;
	for (i = 0; i <= n; i++) {
		char c = i < n ? pat[i] : '\0', lit = 0;
		bool literal = false;

		if (c == '\\' && i + 1 < n) {
			char e = pat[i + 1];

			if (strchr(".-/ @:;,_'\"#<>=%!&[](){}|?*+^$\\", e)) {
				lit = e;
				literal = true;
			}
			i++;
		} else if (c != '\0' && !strchr("^$.|?*+()[]{}", c)) {
			lit = c;
			literal = true;
		} else if (c == '[') {
			/* skip the class */
			for (i++; i < n && pat[i] != ']'; i++)
				if (pat[i] == '\\')
					i++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		}
		/* a quantifier that allows zero takes the last character */
		if (literal && depth == 0 && i + 1 < n &&
		    (pat[i + 1] == '?' || pat[i + 1] == '*' ||
		    (pat[i + 1] == '{' && pat[i + 2] == '0')))
			literal = false;
		if (literal && depth == 0 && cur + 1 < sizeof run) {
			run[cur++] = (char)(lit >= 'A' && lit <= 'Z' ? lit + 32 :
			    lit);
			if (i + 1 < n && (pat[i + 1] == '+' || pat[i + 1] == '{'))
				literal = false;	/* the run ends here */
			else
				continue;
		}
		if (cur > best && cur < size) {
			memcpy(out, run, cur);
			best = cur;
		}
		cur = 0;
	}
	out[best] = '\0';
	return best;
}

/* text - compile the pattern; its keyword into the set, else "always" */
static bool
text(struct loader *l, struct row *r, size_t idx)
{
	char kw[256];
	PCRE2_SIZE off;
	int code;
	size_t k;

	if (strcmp(r->text_src, "-") == 0) {
		l->t->always[idx / 64] |= (uint64_t)1 << (idx % 64);
		return true;
	}
	r->re = pcre2_compile((PCRE2_SPTR)r->text_src, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS, &code, &off, NULL);
	if (r->re == NULL) {
		PCRE2_UCHAR msg[160];
		char m[240];

		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(m, sizeof m, "at offset %zu: %s", (size_t)off,
		    (char *)msg);
		bad(l, "bad pattern in the text column: %s", m);
		return false;
	}
	/* JIT as regex_jit says; never for a UTF pattern that does not cope
	   with invalid UTF itself (pcre2_jit_match() does not check) */
	{
		uint32_t opts = 0;

		(void)pcre2_pattern_info(r->re, PCRE2_INFO_ALLOPTIONS, &opts);
		r->jit = reasons_jit_on() && (!(opts & PCRE2_UTF) ||
		    (opts & PCRE2_MATCH_INVALID_UTF)) &&
		    pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE) == 0;
	}
	if ((k = keyword(r->text_src, kw, sizeof kw)) >= KEYWORD_MIN) {
		if (kwset_add(l->t->kw, kw, k, (unsigned)idx) < 0)
			return false;
	} else {
		l->t->always[idx / 64] |= (uint64_t)1 << (idx % 64);
	}
	return true;
}

/* detail - "-", or text with $1 ... $9; the groups must exist */
static bool
detail_ok(struct loader *l, const struct row *r)
{
	uint32_t groups = 0;
	const char *p;

	if (r->re != NULL)
		pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &groups);
	for (p = r->detail; (p = strchr(p, '$')) != NULL; p++)
		if (p[1] >= '1' && p[1] <= '9' &&
		    (uint32_t)(p[1] - '0') > groups) {
			bad(l, "the detail \"%s\" names a group the pattern "
			    "does not have", r->detail);
			return false;
		}
	return true;
}

/* row - one line's seven columns */
static bool
row(struct loader *l, char *line)
{
	char *col[7];
	struct row *r, *nr;
	size_t i, idx = l->t->nrows;
	const char *p;

	for (i = 0; i < 7; i++) {
		col[i] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
		else if (i < 6)
			break;
	}
	if (i < 7 || line != NULL) {
		bad(l, "%s", "a row has seven TAB-separated columns: code, "
		    "where, text, reason, detail, example, source");
		return false;
	}
	if (idx >= REASONS_MAX_ROWS) {
		bad(l, "%s", "more than 4096 rows");
		return false;
	}
	if ((nr = reallocarray(l->t->rows, idx + 1, sizeof *nr)) == NULL)
		return false;
	l->t->rows = nr;
	r = &nr[idx];
	memset(r, 0, sizeof *r);
	l->t->nrows++;
	r->line = l->line;
	if ((r->code_src = strdup(col[0])) == NULL ||
	    (r->where_src = strdup(col[1])) == NULL ||
	    (r->text_src = strdup(col[2])) == NULL ||
	    (r->detail = strdup(col[4])) == NULL ||
	    (r->example = strdup(col[5])) == NULL ||
	    (r->source = strdup(col[6])) == NULL)
		return false;
	for (p = col[0]; *p; ) {
		size_t n = strcspn(p, ",");

		if (!code_item(r, p, n)) {
			bad(l, "cannot read the code \"%s\": write *, -, "
			    "generic, or codes such as X.7.26, 5.7.*, 4.*.*, "
			    "separated by commas", col[0]);
			return false;
		}
		p += n + (p[n] == ',');
	}
	if (!where(l, r, col[1]) || !text(l, r, idx))
		return false;
	if (!reason_parse(col[3], strlen(col[3]), &r->reason)) {
		bad(l, "\"%s\" is not a reason (esc reasons lists them)", col[3]);
		return false;
	}
	if (strcmp(r->detail, "-") == 0)
		r->detail[0] = '\0';
	return detail_ok(l, r);
}

void
reasons_free(struct reasons *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows; i++) {
		struct row *r = &t->rows[i];

		free(r->code_src);
		free(r->where_src);
		free(r->text_src);
		free(r->detail);
		free(r->example);
		free(r->source);
		free(r->pats);
		free(r->basics);
		for (j = 0; r->progs && r->progs[j]; j++)
			free(r->progs[j]);
		free(r->progs);
		for (j = 0; r->providers && r->providers[j]; j++)
			free(r->providers[j]);
		free(r->providers);
		for (j = 0; r->stages && r->stages[j]; j++)
			free(r->stages[j]);
		free(r->stages);
		pcre2_code_free(r->re);
	}
	free(t->rows);
	kwset_free(t->kw);
	pcre2_match_context_free(t->mctx);
	free(t->name);
	free(t);
}

/* reasons_load - see reason.h */
struct reasons *
reasons_load(const char *name, const char *buf, size_t len,
    struct diag_list *diags)
{
	struct loader l = { name, 0, diags, NULL };
	size_t errors = diag_count(diags, SEV_ERROR), before, pos = 0;
	char *line = NULL;

	if ((l.t = calloc(1, sizeof *l.t)) == NULL ||
	    (l.t->name = strdup(name)) == NULL ||
	    (l.t->kw = kwset_new()) == NULL ||
	    (l.t->mctx = pcre2_match_context_create(NULL)) == NULL)
		goto nomem;
	pcre2_set_match_limit(l.t->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(l.t->mctx, DEPTH_LIMIT);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;

		l.line++;
		free(line);
		if ((line = xstrndup(buf + pos, n)) == NULL)
			goto nomem;
		pos += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (str_is_blank(line) || line[strspn(line, " \t")] == '#')
			continue;
		if (memchr(line, '\0', n) != NULL) {
			bad(&l, "%s", "a NUL byte in the line");
			continue;
		}
		before = diag_count(diags, SEV_ERROR);
		if (!row(&l, line) && diag_count(diags, SEV_ERROR) == before)
			goto nomem;
	}
	free(line);
	line = NULL;
	if (diag_count(diags, SEV_ERROR) > errors)
		goto fail;
	if (kwset_build(l.t->kw) < 0)
		goto nomem;
	return l.t;
nomem:
	diag_add(diags, name, (int)l.line, 0, SEV_ERROR, "reasons",
	    "out of memory reading the reason table");
fail:
	free(line);
	reasons_free(l.t);
	return NULL;
}

/* reasons_load_file - see reason.h */
struct reasons *
reasons_load_file(const char *path, struct diag_list *diags)
{
	struct reasons *t;
	size_t len;
	char *buf = file_read_diag(path, TABLE_MAX_BYTES, &len, diags,
	    "reasons", "reason table");

	if (buf == NULL)
		return NULL;
	t = reasons_load(path, buf, len, diags);
	free(buf);
	return t;
}

const char *
reasons_name(const struct reasons *t)
{
	return t->name;
}

size_t
reasons_rows(const struct reasons *t)
{
	return t->nrows;
}

void
reasons_row(const struct reasons *t, size_t i, struct reason_row *o)
{
	const struct row *r = &t->rows[i];

	o->line = r->line;
	o->code = r->code_src;
	o->where = r->where_src;
	o->text = r->text_src;
	o->detail = r->detail;
	o->example = r->example;
	o->source = r->source;
	o->reason = r->reason;
}

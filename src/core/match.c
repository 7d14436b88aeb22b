/*
 * match.c - literal, regex and list matchers (see match.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "strutil.h"

#define LIST_MAX_BYTES	(64 * 1024 * 1024)	/* an "in FILE" list */

/* read_list - the entries of FILE: one per line, '#' comments, trimmed */
static int
read_list(struct matcher *m, const char *path, struct esc_err *err)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;
	int lineno = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return err_set(err, NULL, 0, "cannot open list %s: %s", path,
		    strerror(errno));
	if (m->subject != MS_TEXT && (m->set = strset_new()) == NULL)
		goto nomem;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		char *s = str_trim(line);
		size_t len = strlen(s);

		lineno++;
		if (len == 0 || s[0] == '#')
			continue;
		total += len;
		if (total > LIST_MAX_BYTES) {
			err_set(err, path, lineno, "list larger than %d MB",
			    LIST_MAX_BYTES / (1024 * 1024));
			goto fail;
		}
		if (m->subject == MS_TEXT) {
			char **nl = realloc(m->list, (m->nlist + 1) * sizeof *nl);

			if (nl == NULL)
				goto nomem;
			m->list = nl;
			if ((m->list[m->nlist] = strdup(s)) == NULL)
				goto nomem;
			str_lower(m->list[m->nlist++]);
		} else if (strset_add(m->set, s, len) < 0) {
			goto nomem;
		}
	}
	if (ferror(fp)) {
		err_set(err, NULL, 0, "cannot read list %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	free(line);
	fclose(fp);
	return 0;
nomem:
	err_set(err, NULL, 0, "out of memory reading %s", path);
fail:
	free(line);
	fclose(fp);
	return -1;
}

/* parse_regex - "/pattern/flags" */
static int
parse_regex(struct matcher *m, const char *spec, struct esc_err *err)
{
	const char *end;
	uint32_t opts = 0;
	int code;
	PCRE2_SIZE off;
	char *pat;
	size_t plen;

	if (spec[0] != '/')
		return err_set(err, NULL, 0, "a regular expression is written "
		    "/pattern/flags, as in ~ /^fail/i");
	end = strrchr(spec + 1, '/');
	if (end == NULL)
		return err_set(err, NULL, 0, "the regular expression has no "
		    "closing '/'");
	for (const char *f = end + 1; *f; f++) {
		switch (*f) {
		case 'i':
			opts |= PCRE2_CASELESS;
			break;
		case 'm':
			opts |= PCRE2_MULTILINE;
			break;
		case 's':
			opts |= PCRE2_DOTALL;
			break;
		case 'x':
			opts |= PCRE2_EXTENDED;
			break;
		case 'u':
			opts |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
			break;
		default:
			return err_set(err, NULL, 0, "unknown regex flag '%c' "
			    "(use i, m, s, x or u)", *f);
		}
	}
	/* "\/" stands for a slash inside the pattern. */
	plen = (size_t)(end - spec - 1);
	if ((pat = malloc(plen + 1)) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	{
		size_t i, o = 0;

		for (i = 0; i < plen; i++) {
			if (spec[1 + i] == '\\' && i + 1 < plen && spec[2 + i] == '/')
				i++;
			pat[o++] = spec[1 + i];
		}
		pat[o] = '\0';
		plen = o;
	}
	m->re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &code, &off, NULL);
	free(pat);
	if (m->re == NULL) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(code, msg, sizeof msg);
		return err_set(err, NULL, 0, "bad regular expression at offset "
		    "%zu: %s", (size_t)off, (char *)msg);
	}
	prefilter_init(&m->pf, m->re);
	return 0;
}

/* matcher_jit - JIT-compile a regular expression (regex_jit = yes) */
void
matcher_jit(struct matcher *m)
{
	/* JIT is an optimisation; without it the interpreter is used. */
	uint32_t opts = 0;

	if (m->kind != MATCH_RE || m->re == NULL)
		return;
	(void)pcre2_pattern_info(m->re, PCRE2_INFO_ALLOPTIONS, &opts);
	/* pcre2_jit_match() does not check the subject's UTF: only use it
	   when the pattern is not UTF ("(*UTF)" inside the pattern) or
	   copes with invalid UTF itself (the u flag). */
	m->jit = pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE) == 0 &&
	    (!(opts & PCRE2_UTF) || (opts & PCRE2_MATCH_INVALID_UTF));
}

static int parse(struct matcher *, const char *, enum match_subject,
	    const char *, struct esc_err *);

/* matcher_parse - "= x", "~ /re/", "in FILE"; on failure nothing is kept */
int
matcher_parse(struct matcher *m, const char *spec, enum match_subject subj,
    const char *basedir, struct esc_err *err)
{
	int rc = parse(m, spec, subj, basedir, err);

	if (rc < 0)
		matcher_free(m);
	return rc;
}

static int
parse(struct matcher *m, const char *spec, enum match_subject subj,
    const char *basedir, struct esc_err *err)
{
	const char *p = spec;

	memset(m, 0, sizeof *m);
	m->subject = subj;
	while (isspace((unsigned char)*p))
		p++;
	if ((m->source = strdup(p)) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if (*p == '=') {
		p++;
		if (*p == '=' || *p == '~')
			return err_set(err, NULL, 0, "write \"= literal\" with one "
			    "'=' (or \"~ /regex/\")");
		while (isspace((unsigned char)*p))
			p++;
		m->kind = MATCH_EQ;
		if ((m->literal = strdup(p)) == NULL)
			return err_set(err, NULL, 0, "out of memory");
		str_lower(m->literal);
		m->litlen = strlen(m->literal);
		return 0;
	}
	if (*p == '~') {
		p++;
		while (isspace((unsigned char)*p))
			p++;
		m->kind = MATCH_RE;
		return parse_regex(m, p, err);
	}
	if (strncmp(p, "in", 2) == 0 && isspace((unsigned char)p[2])) {
		char path[4096];

		p += 2;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return err_set(err, NULL, 0, "\"in\" needs a file name");
		m->kind = MATCH_IN;
		if (str_path_join(path, sizeof path, basedir, p) < 0)
			return err_set(err, NULL, 0, "the file name is too long");
		return read_list(m, path, err);
	}
	return err_set(err, NULL, 0, "expected \"= literal\", \"~ /regex/flags\" "
	    "or \"in FILE\", found \"%.40s\"", p);
}

/* contains - case-insensitive substring */
static bool
contains(const char *s, size_t len, const char *needle)
{
	return str_casestr(s, len, needle) != NULL;
}

/* match_in - list membership with the subject's conventions */
static bool
match_in(const struct matcher *m, const char *s, size_t len)
{
	size_t i;

	switch (m->subject) {
	case MS_TEXT:
		for (i = 0; i < m->nlist; i++)
			if (contains(s, len, m->list[i]))
				return true;
		return false;
	case MS_VALUE:
		str_span_trim(&s, &len);
		return strset_has(m->set, s, len);
	case MS_ADDRESS:
		if (strset_has(m->set, s, len))
			return true;
		/* "@example.org" entries */
		for (i = len; i > 0; i--)
			if (s[i - 1] == '@')
				return strset_has(m->set, s + i - 1, len - i + 1);
		return false;
	case MS_NAME:
		if (strset_has(m->set, s, len))
			return true;
		/* ".example.org" entries match every subdomain */
		for (i = 0; i < len; i++)
			if (s[i] == '.' && strset_has(m->set, s + i, len - i))
				return true;
		return false;
	}
	return false;
}

/* matcher_match - apply */
int
matcher_match(const struct matcher *m, const char *s, size_t len,
    struct match_scratch *sc)
{
	int rc;

	switch (m->kind) {
	case MATCH_EQ:
		if (m->subject == MS_TEXT)
			return contains(s, len, m->literal);
		if (m->subject == MS_VALUE)
			str_span_trim(&s, &len);
		return str_caseeqn(s, len, m->literal);
	case MATCH_IN:
		return match_in(m, s, len);
	case MATCH_RE:
		if (!prefilter_may_match(&m->pf, s, len))
			return 0;
		/* The JIT fast path skips checks that cannot fail here
		   (see matcher_jit). */
		if (m->jit)
			rc = pcre2_jit_match(m->re, (PCRE2_SPTR)s, len, 0, 0,
			    sc->md, sc->mctx);
		else
			rc = pcre2_match(m->re, (PCRE2_SPTR)s, len, 0, 0,
			    sc->md, sc->mctx);
		if (rc >= 0)
			return 1;
		if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
			return 0;
		/* Limits hit, bad UTF, no memory: the answer is unknown. */
		return -1;
	}
	return 0;
}

/* matcher_free - release */
void
matcher_free(struct matcher *m)
{
	size_t i;

	free(m->literal);
	pcre2_code_free(m->re);
	strset_free(m->set);
	for (i = 0; i < m->nlist; i++)
		free(m->list[i]);
	free(m->list);
	free(m->source);
	memset(m, 0, sizeof *m);
}

/* match_context_new - match and depth limits */
pcre2_match_context *
match_context_new(uint32_t match_limit, uint32_t depth_limit)
{
	pcre2_match_context *c = pcre2_match_context_create(NULL);

	if (c == NULL)
		return NULL;
	pcre2_set_match_limit(c, match_limit);
	pcre2_set_depth_limit(c, depth_limit);
	return c;
}

/* match_scratch_init - match data for one thread */
int
match_scratch_init(struct match_scratch *sc, pcre2_match_context *c)
{
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mctx = c;
	return sc->md ? 0 : -1;
}

/* match_scratch_free - release */
void
match_scratch_free(struct match_scratch *sc)
{
	pcre2_match_data_free(sc->md);
	sc->md = NULL;
}

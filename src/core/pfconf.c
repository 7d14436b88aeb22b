/*
 * pfconf.c - main.cf, master.cf and $parameter expansion (see pfconf.h).
 * Semantics follow Postfix 3.7: readlline() logical lines, the last
 * definition of a parameter wins, master.cf "-o name=value" (and
 * "-o { name = value }") overrides, mac_expand() for $name, ${name},
 * $(name), ${name?text} and ${name:text}.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "pfconf.h"
#include "strutil.h"

/* The defaults that decide what a table means (postconf -d, 3.7). */
static const struct {
	const char	*name, *value;
} defaults[] = {
	{ "smtpd_delay_reject", "yes" },
	{ "access_map_reject_code", "554" },
	{ "access_map_defer_code", "450" },
	{ "maps_rbl_reject_code", "554" },
	{ "smtpd_relay_restrictions", "permit_mynetworks, "
	    "permit_sasl_authenticated, defer_unauth_destination" },
	{ "mime_header_checks", "$header_checks" },
	{ "nested_header_checks", "$header_checks" },
	{ "default_rbl_reply", "$rbl_code Service unavailable; $rbl_class "
	    "[$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}" },
	{ "queue_directory", "/var/spool/postfix" },
	{ "daemon_directory", "/usr/lib/postfix/sbin" },
	{ "data_directory", "/var/lib/postfix" },
	{ "command_directory", "/usr/sbin" },
};

#define EXPAND_DEPTH	16

void
pfconf_init(struct pfconf *pf)
{
	memset(pf, 0, sizeof *pf);
}

static void
param_free(struct pf_param *p)
{
	free(p->name);
	free(p->value);
	free(p->pos);
}

void
pfconf_free(struct pfconf *pf)
{
	unsigned i, k;

	for (i = 0; i < pf->nparam; i++)
		param_free(&pf->param[i]);
	for (i = 0; i < pf->nsvc; i++) {
		for (k = 0; k < pf->svc[i].nopt; k++)
			param_free(&pf->svc[i].opt[k]);
		free(pf->svc[i].opt);
		free(pf->svc[i].name);
		free(pf->svc[i].type);
		free(pf->svc[i].command);
	}
	free(pf->param);
	free(pf->svc);
	free(pf->dir);
	free(pf->main_path);
	free(pf->master_path);
	pfconf_init(pf);
}

/* add - name = value (owned copies) to a list, with where each byte of
   the value was written (value at offset voff of logical line l); -1 on
   ENOMEM */
static int
add(struct pf_param **list, unsigned *n, const char *name, size_t nl,
    const char *value, size_t vl, const char *file, const struct lline *l,
    size_t voff)
{
	struct pf_param *p = reallocarray(*list, *n + 1, sizeof **list);
	size_t i;

	if (p == NULL)
		return -1;
	*list = p;
	p += *n;
	memset(p, 0, sizeof *p);
	p->name = xstrndup(name, nl);
	p->value = xstrndup(value, vl);
	p->pos = reallocarray(NULL, vl + 1, sizeof *p->pos);
	if (p->name == NULL || p->value == NULL || p->pos == NULL) {
		param_free(p);
		return -1;
	}
	for (i = 0; i <= vl; i++) {
		p->pos[i].line = lline_line(l, voff + i);
		p->pos[i].col = lline_col(l, voff + i);
	}
	p->file = file;
	p->line = p->pos[0].line;
	p->col = p->pos[0].col;
	(*n)++;
	return 0;
}

/* pfconf_where - see pfconf.h */
void
pfconf_where(const struct pf_param *p, const char *text, int *line, int *col)
{
	const char *at = text[0] ? strstr(p->value, text) : NULL;
	const char *colon = strchr(text, ':');

	/* "${type}:/etc/postfix/x" is written, "hash:/etc/postfix/x" named */
	if (at == NULL && colon != NULL && colon[1] != '\0')
		at = strstr(p->value, colon + 1);
	*line = p->line;
	*col = p->col;
	if (at != NULL && p->pos != NULL) {
		*line = p->pos[at - p->value].line;
		*col = p->pos[at - p->value].col;
	}
}

/* assignment - "name = value" in t (part of logical line l) added to
   the list; a text that is not one is skipped.  -1 on ENOMEM. */
static int
assignment(struct pf_param **list, unsigned *n, const struct lline *l,
    const char *t, size_t tn, const char *file)
{
	const char *eq = memchr(t, '=', tn), *name = t, *v;
	size_t nl, vl, voff;

	if (eq == NULL)
		return 0;
	nl = (size_t)(eq - t);
	str_span_trim(&name, &nl);
	if (nl == 0 || memchr(name, ' ', nl) || memchr(name, '\t', nl))
		return 0;
	v = eq + 1;
	vl = (size_t)(t + tn - v);
	str_span_trim(&v, &vl);
	voff = (size_t)(v - l->text);
	return add(list, n, name, nl, v, vl, file, l, voff);
}

/* keep_path - the first path a file was read from, owned; -1 on ENOMEM */
static int
keep_path(char **dst, const char *path)
{
	if (*dst == NULL && (*dst = xstrndup(path, strlen(path))) == NULL)
		return -1;
	return 0;
}

/* pfconf_read_main - "name = value" logical lines */
int
pfconf_read_main(struct pfconf *pf, const char *path, const char *buf,
    size_t len)
{
	struct lline l = { 0 };
	size_t pos = 0;
	int lineno = 0, rc = 0;

	if (keep_path(&pf->main_path, path) < 0)
		return -1;
	while (rc == 0 && lline_next(buf, len, &pos, &lineno, &l))
		rc = assignment(&pf->param, &pf->nparam, &l, l.text, l.len,
		    pf->main_path);
	lline_free(&l);
	return rc;
}

/* pfconf_next - see pfconf.h */
bool
pfconf_next(const char *s, size_t n, size_t *i, size_t *a, size_t *b,
    bool comma)
{
	size_t depth = 0;

	while (*i < n && (isspace((unsigned char)s[*i]) ||
	    (comma && s[*i] == ',')))
		(*i)++;
	if (*i >= n)
		return false;
	*a = *i;
	for (; *i < n; (*i)++) {
		if (s[*i] == '{')
			depth++;
		else if (s[*i] == '}' && depth > 0)
			depth--;
		else if (depth == 0 && (isspace((unsigned char)s[*i]) ||
		    (comma && s[*i] == ',')))
			break;
	}
	*b = *i;
	return true;
}

/* pfconf_read_master - services and their -o overrides */
int
pfconf_read_master(struct pfconf *pf, const char *path, const char *buf,
    size_t len)
{
	struct lline l = { 0 };
	size_t pos = 0;
	int lineno = 0, rc = 0;

	if (keep_path(&pf->master_path, path) < 0)
		return -1;
	while (rc == 0 && lline_next(buf, len, &pos, &lineno, &l)) {
		size_t i = 0, a, b, f[8][2];
		struct pf_service *s;
		unsigned k;

		for (k = 0; k < 8 &&
		    pfconf_next(l.text, l.len, &i, &a, &b, false); k++) {
			f[k][0] = a;
			f[k][1] = b;
		}
		if (k < 8)
			continue;	/* not a service entry */
		if ((s = reallocarray(pf->svc, pf->nsvc + 1, sizeof *s)) == NULL) {
			rc = -1;
			break;
		}
		pf->svc = s;
		s += pf->nsvc;
		memset(s, 0, sizeof *s);
		s->name = xstrndup(l.text + f[0][0], f[0][1] - f[0][0]);
		s->type = xstrndup(l.text + f[1][0], f[1][1] - f[1][0]);
		s->command = xstrndup(l.text + f[7][0], f[7][1] - f[7][0]);
		s->line = l.first;
		pf->nsvc++;
		if (s->name == NULL || s->type == NULL || s->command == NULL) {
			rc = -1;
			break;
		}
		while (rc == 0 && pfconf_next(l.text, l.len, &i, &a, &b, false)) {
			const char *t;
			size_t tn;

			if (!(b - a == 2 && memcmp(l.text + a, "-o", 2) == 0))
				continue;
			if (!pfconf_next(l.text, l.len, &i, &a, &b, false))
				break;
			t = l.text + a;
			tn = b - a;
			if (tn >= 2 && t[0] == '{' && t[tn - 1] == '}') {
				t++;
				tn -= 2;
			}
			rc = assignment(&s->opt, &s->nopt, &l, t, tn,
			    pf->master_path);
		}
	}
	lline_free(&l);
	return rc;
}

/* pfconf_get - override, main.cf (the last one), default */
const char *
pfconf_get(const struct pfconf *pf, const struct pf_service *svc,
    const char *name, const struct pf_param **where)
{
	unsigned i;

	if (where != NULL)
		*where = NULL;
	for (i = svc ? svc->nopt : 0; i > 0; i--)
		if (strcmp(svc->opt[i - 1].name, name) == 0) {
			if (where != NULL)
				*where = &svc->opt[i - 1];
			return svc->opt[i - 1].value;
		}
	for (i = pf->nparam; i > 0; i--)
		if (strcmp(pf->param[i - 1].name, name) == 0) {
			if (where != NULL)
				*where = &pf->param[i - 1];
			return pf->param[i - 1].value;
		}
	if (strcmp(name, "config_directory") == 0)
		return pf->dir;
	for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (strcmp(defaults[i].name, name) == 0)
			return defaults[i].value;
	return NULL;
}

/* A growing string. */
struct buf {
	char	*p;
	size_t	 n, cap;
	bool	 oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void expand(const struct pfconf *, const struct pf_service *,
    const char *, size_t, struct buf *, int);

/* expand_name - the value of name (n bytes), expanded in turn */
static void
expand_name(const struct pfconf *pf, const struct pf_service *svc,
    const char *name, size_t n, struct buf *b, int depth)
{
	char key[128];
	const char *v;

	if (n == 0 || n >= sizeof key)
		return;
	memcpy(key, name, n);
	key[n] = '\0';
	if ((v = pfconf_get(pf, svc, key, NULL)) != NULL)
		expand(pf, svc, v, strlen(v), b, depth + 1);
}

/* defined - the parameter has a value that is not empty */
static bool
defined(const struct pfconf *pf, const struct pf_service *svc,
    const char *name, size_t n)
{
	char key[128];
	const char *v;

	if (n == 0 || n >= sizeof key)
		return false;
	memcpy(key, name, n);
	key[n] = '\0';
	v = pfconf_get(pf, svc, key, NULL);
	return v != NULL && *v != '\0';
}

static void
expand(const struct pfconf *pf, const struct pf_service *svc, const char *s,
    size_t n, struct buf *b, int depth)
{
	size_t i = 0;

	if (depth > EXPAND_DEPTH) {
		put(b, s, n);
		return;
	}
	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);
		size_t k;

		if (d == NULL) {
			put(b, s + i, n - i);
			return;
		}
		put(b, s + i, (size_t)(d - s) - i);
		i = (size_t)(d - s) + 1;
		if (i < n && (s[i] == '{' || s[i] == '(')) {
			char close = s[i] == '{' ? '}' : ')';
			size_t start = ++i, e, name_end, depth2 = 1;

			for (e = start; e < n; e++) {
				if (s[e] == s[start - 1])
					depth2++;
				else if (s[e] == close && --depth2 == 0)
					break;
			}
			for (name_end = start; name_end < e &&
			    (isalnum((unsigned char)s[name_end]) ||
			    s[name_end] == '_'); name_end++)
				;
			if (name_end < e && (s[name_end] == '?' || s[name_end] == ':')) {
				bool def = defined(pf, svc, s + start, name_end - start);

				if ((s[name_end] == '?') == def)
					expand(pf, svc, s + name_end + 1,
					    e - name_end - 1, b, depth + 1);
			} else {
				expand_name(pf, svc, s + start, name_end - start, b,
				    depth);
			}
			i = e < n ? e + 1 : n;
			continue;
		}
		for (k = i; k < n && (isalnum((unsigned char)s[k]) || s[k] == '_');
		    k++)
			;
		if (k == i) {
			put(b, "$", 1);	/* "$$" is a literal '$' */
			if (i < n && s[i] == '$')
				i++;
			continue;
		}
		expand_name(pf, svc, s + i, k - i, b, depth);
		i = k;
	}
}

/* pfconf_expand - see pfconf.h */
char *
pfconf_expand(const struct pfconf *pf, const struct pf_service *svc,
    const char *value)
{
	struct buf b = { NULL, 0, 0, false };

	put(&b, "", 0);
	expand(pf, svc, value, strlen(value), &b, 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* pfconf_bool - Postfix reads yes/true/1 and no/false/0 */
bool
pfconf_bool(const struct pfconf *pf, const struct pf_service *svc,
    const char *name, bool def)
{
	const char *v = pfconf_get(pf, svc, name, NULL);
	bool b;

	if (v == NULL || str_parse_bool(v, &b) < 0)
		return def;
	return b;
}

/*
 * mime.c - MIME structure for DSN parsing (see mime.h).  Boundary lines
 * follow RFC 2046 5.1.1 as common parsers read them: "--" boundary at the
 * start of a line, optionally "--" (the end), optional white space.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "strutil.h"

/* next_line - [*pos, line end); advances past the line break */
static bool
next_line(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*start = *pos;
	nl = memchr(s + *pos, '\n', len - *pos);
	*end = nl ? (size_t)(nl - s) : len;
	*pos = nl ? *end + 1 : len;
	if (*end > *start && s[*end - 1] == '\r')
		(*end)--;
	return true;
}

/* mime_split - the header block ends at the first empty line */
void
mime_split(const char *s, size_t len, struct mime_entity *e)
{
	size_t pos = 0, a, b;

	e->head = s;
	e->headlen = len;
	e->body = s + len;
	e->bodylen = 0;
	while (next_line(s, len, &pos, &a, &b)) {
		if (a == b) {
			e->headlen = a;
			e->body = s + pos;
			e->bodylen = len - pos;
			return;
		}
		/* A line that cannot be a header field or a continuation
		   means there were no headers at all (RFC 2045 defaults). */
		if (a == 0 && !isspace((unsigned char)s[a]) &&
		    memchr(s + a, ':', b - a) == NULL) {
			e->headlen = 0;
			e->body = s;
			e->bodylen = len;
			return;
		}
	}
}

/* mime_header - first field by name, unfolded */
bool
mime_header(const struct mime_entity *e, const char *name, char *buf,
    size_t size)
{
	size_t pos = 0, a, b, nlen = strlen(name), o = 0;
	bool in = false;

	if (size == 0)
		return false;
	buf[0] = '\0';
	while (next_line(e->head, e->headlen, &pos, &a, &b)) {
		const char *l = e->head + a;
		size_t n = b - a, k;

		if (in) {
			if (n > 0 && (l[0] == ' ' || l[0] == '\t')) {
				for (k = 0; k < n && o + 1 < size; k++)
					buf[o++] = l[k] == '\t' ? ' ' : l[k];
				continue;
			}
			break;
		}
		if (n > nlen && strncasecmp(l, name, nlen) == 0) {
			k = nlen;
			while (k < n && (l[k] == ' ' || l[k] == '\t'))
				k++;
			if (k < n && l[k] == ':') {
				k++;
				while (k < n && (l[k] == ' ' || l[k] == '\t'))
					k++;
				for (; k < n && o + 1 < size; k++)
					buf[o++] = l[k];
				in = true;
			}
		}
	}
	buf[o] = '\0';
	return in;
}

/* mime_ctype - type/subtype and one parameter */
void
mime_ctype(const char *v, char *type, size_t tsize, const char *param,
    char *pval, size_t psize)
{
	size_t n = 0, plen = param ? strlen(param) : 0;

	while (isspace((unsigned char)*v))
		v++;
	while (*v && *v != ';' && !isspace((unsigned char)*v) && n + 1 < tsize)
		type[n++] = (char)tolower((unsigned char)*v++);
	type[n] = '\0';
	if (n == 0 || strchr(type, '/') == NULL)
		str_copy(type, tsize, "text/plain");
	if (pval == NULL || psize == 0)
		return;
	pval[0] = '\0';
	while (*v) {
		const char *name;
		size_t nl;

		v = strchr(v, ';');
		if (v == NULL)
			return;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		name = v;
		while (*v && *v != '=' && *v != ';' && !isspace((unsigned char)*v))
			v++;
		nl = (size_t)(v - name);
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		if (nl == plen && strncasecmp(name, param, plen) == 0) {
			size_t o = 0;

			if (*v == '"') {
				for (v++; *v && *v != '"' && o + 1 < psize; v++) {
					if (*v == '\\' && v[1])
						v++;
					pval[o++] = *v;
				}
			} else {
				while (*v && *v != ';' && !isspace((unsigned char)*v) &&
				    o + 1 < psize)
					pval[o++] = *v++;
			}
			pval[o] = '\0';
			return;
		}
	}
}

struct walk {
	mime_part_fn	 fn;
	void		*ctx;
	unsigned	 parts;
	bool		 stop;
};

static void walk_entity(struct walk *, const char *ctype_value, const char *cte,
	    const struct mime_entity *, int depth);

/* is_boundary - "--boundary" ["--"] [blanks] on the line [a, b) */
static int
is_boundary(const char *s, size_t a, size_t b, const char *bnd, size_t blen)
{
	size_t k;

	if (b - a < blen + 2 || s[a] != '-' || s[a + 1] != '-' ||
	    memcmp(s + a + 2, bnd, blen) != 0)
		return 0;
	k = a + 2 + blen;
	if (k + 1 < b + 1 && b - k >= 2 && s[k] == '-' && s[k + 1] == '-') {
		k += 2;
		while (k < b && (s[k] == ' ' || s[k] == '\t'))
			k++;
		return k == b ? 2 : 0;
	}
	while (k < b && (s[k] == ' ' || s[k] == '\t'))
		k++;
	return k == b ? 1 : 0;
}

/* walk_multipart - the parts between boundary lines */
static void
walk_multipart(struct walk *w, const char *body, size_t len, const char *bnd,
    int depth)
{
	size_t pos = 0, a, b, start = 0, blen = strlen(bnd);
	bool in = false;

	if (blen == 0 || blen > 200)
		return;
	while (!w->stop && next_line(body, len, &pos, &a, &b)) {
		int kind = is_boundary(body, a, b, bnd, blen);

		if (kind == 0)
			continue;
		if (in) {
			struct mime_entity e;
			char ct[512], cte[64];
			/* the line break before the boundary belongs to it */
			size_t end = a;

			if (end > start && body[end - 1] == '\n')
				end--;
			if (end > start && body[end - 1] == '\r')
				end--;
			mime_split(body + start, end - start, &e);
			if (!mime_header(&e, "Content-Type", ct, sizeof ct))
				ct[0] = '\0';
			if (!mime_header(&e, "Content-Transfer-Encoding", cte,
			    sizeof cte))
				cte[0] = '\0';
			walk_entity(w, ct, cte, &e, depth + 1);
		}
		if (kind == 2)
			return;
		in = true;
		start = pos;
	}
	/* No closing boundary: the last part runs to the end. */
	if (in && !w->stop && start < len) {
		struct mime_entity e;
		char ct[512], cte[64];

		mime_split(body + start, len - start, &e);
		if (!mime_header(&e, "Content-Type", ct, sizeof ct))
			ct[0] = '\0';
		if (!mime_header(&e, "Content-Transfer-Encoding", cte, sizeof cte))
			cte[0] = '\0';
		walk_entity(w, ct, cte, &e, depth + 1);
	}
}

static void
walk_entity(struct walk *w, const char *ctype_value, const char *cte,
    const struct mime_entity *e, int depth)
{
	char type[128], bnd[256];

	if (w->stop || depth > MIME_MAX_DEPTH || w->parts >= MIME_MAX_PARTS)
		return;
	mime_ctype(ctype_value, type, sizeof type, "boundary", bnd, sizeof bnd);
	if (strncmp(type, "multipart/", 10) == 0) {
		walk_multipart(w, e->body, e->bodylen, bnd, depth);
		return;
	}
	w->parts++;
	if (w->fn(w->ctx, type, cte, e) != 0)
		w->stop = true;
}

/* mime_walk - from a whole message */
unsigned
mime_walk(const char *s, size_t len, mime_part_fn fn, void *ctx)
{
	struct walk w = { fn, ctx, 0, false };
	struct mime_entity e;
	char ct[512], cte[64];

	mime_split(s, len, &e);
	if (!mime_header(&e, "Content-Type", ct, sizeof ct))
		ct[0] = '\0';
	if (!mime_header(&e, "Content-Transfer-Encoding", cte, sizeof cte))
		cte[0] = '\0';
	walk_entity(&w, ct, cte, &e, 0);
	return w.parts;
}

/* mime_walk_body - headers already known */
unsigned
mime_walk_body(const char *ctype_value, const char *cte, const char *body,
    size_t len, mime_part_fn fn, void *ctx)
{
	struct walk w = { fn, ctx, 0, false };
	struct mime_entity e = { "", 0, body, len };

	walk_entity(&w, ctype_value ? ctype_value : "", cte ? cte : "", &e, 0);
	return w.parts;
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int
hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* cte_is - the Content-Transfer-Encoding value names enc */
static bool
cte_is(const char *cte, const char *enc)
{
	const char *p = cte;
	size_t n;

	if (cte == NULL)
		return false;
	n = strlen(cte);
	str_span_trim(&p, &n);
	return str_caseeqn(p, n, enc);
}

/* mime_decode - base64, quoted-printable, or a copy */
char *
mime_decode(const char *cte, const char *s, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;

	if (out == NULL)
		return NULL;
	if (cte_is(cte, "base64")) {
		unsigned acc = 0;
		int bits = 0;

		for (i = 0; i < len; i++) {
			int v = b64val((unsigned char)s[i]);

			if (s[i] == '=')
				break;
			if (v < 0)
				continue;	/* line breaks, junk */
			acc = (acc << 6) | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (char)((acc >> bits) & 0xff);
			}
		}
	} else if (cte_is(cte, "quoted-printable")) {
		for (i = 0; i < len; i++) {
			if (s[i] != '=') {
				out[o++] = s[i];
				continue;
			}
			if (i + 1 < len && s[i + 1] == '\n') {
				i++;			/* soft line break */
			} else if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 2;
			} else if (i + 2 < len && hexv((unsigned char)s[i + 1]) >= 0 &&
			    hexv((unsigned char)s[i + 2]) >= 0) {
				out[o++] = (char)(hexv((unsigned char)s[i + 1]) * 16 +
				    hexv((unsigned char)s[i + 2]));
				i += 2;
			} else {
				out[o++] = '=';		/* lenient */
			}
		}
	} else {
		memcpy(out, s, len);
		o = len;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

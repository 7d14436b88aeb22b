/*
 * lint_sendmail.c - Sendmail access files (the makemap source of
 * /etc/mail/access), after cf/m4/proto.m4, sendmail/err.c and cf/README:
 *
 *	entry  = [ tag ":" ] key SP value
 *	value  = "REJECT" / "DISCARD" / "OK" / "RELAY" / "SKIP" / ...
 *	       / ( "ERROR:" / "TEMP:" ) [ dsn ":" ] code SP text
 *	       / ( "ERROR:" / "TEMP:" ) '"' code SP text '"'
 *	       / code SP text			; deprecated, no ERROR:
 *
 * ERROR:D.S.N:### passes both codes unchanged (a class mismatch reaches
 * the client); without a D.S.N, usrerr() adds X.0.0 unless the text starts
 * with an enhanced code.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint.h"
#include "strutil.h"
#include "xcode.h"

/* error_value - ERROR:/TEMP: values and bare "### text" */
static void
error_value(struct lint_ctx *c, const struct lline *l, size_t off, bool temp,
    bool bare)
{
	const char *v = l->text + off, *end = l->text + l->len;
	char dsn[XCODE_STRLEN] = "", reply[1200], eff[DIAG_MSG_LEN / 2];
	size_t k, dlen = 0, roff;
	const char *code, *text;
	size_t tlen;

	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	if (v < end && *v == '"') {
		v++;
		if (end > v && end[-1] == '"')
			end--;
	}
	/* An optional D.S.N: before the code. */
	k = 0;
	while (v + k < end && (isdigit((unsigned char)v[k]) || v[k] == '.'))
		k++;
	if (v + k < end && v[k] == ':' && xcode_looks_like(v, k)) {
		dlen = k;
		str_copyn(dsn, sizeof dsn, v, k);
		v += k + 1;
	}
	code = v;
	if (end - code < 3 || !isdigit((unsigned char)code[0]) ||
	    !isdigit((unsigned char)code[1]) || !isdigit((unsigned char)code[2])) {
		if (!bare)
			lint_add(c, l, (size_t)(code - l->text), SEV_ERROR,
			    "reply-syntax", "%s needs a 3-digit reply code, as in "
			    "%s:5.7.1:550 text", temp ? "TEMP:" : "ERROR:",
			    temp ? "TEMP" : "ERROR");
		return;
	}
	text = code + 3;
	while (text < end && isspace((unsigned char)*text))
		text++;
	tlen = (size_t)(end - text);
	roff = (size_t)(code - l->text);
	if (dlen > 0) {
		/* "### D.S.N text", the D.S.N taken from before the code */
		snprintf(reply, sizeof reply, "%.3s %s %.*s", code, dsn,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		/* Sendmail sends exactly this; findings point at the code. */
		lint_reply(c, l, roff, (size_t)(v - l->text) - dlen - 1 >= 4 ?
		    (size_t)(v - l->text) - dlen - 1 : roff, reply, strlen(reply),
		    STAGE_NONE, NULL);
	} else {
		size_t x = xcode_parse(text, tlen, XCODE_PREFIX, NULL, NULL);

		snprintf(reply, sizeof reply, "%.3s %.*s", code,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		if (x > 0 && (x == tlen || text[x] == ' '))
			snprintf(eff, sizeof eff, "%.200s", reply);
		else
			snprintf(eff, sizeof eff, "%.3s %c.0.0 %.*s", code, code[0],
			    (int)(tlen > 180 ? 180 : tlen), text);
		lint_reply(c, l, roff, (size_t)(text - l->text), reply,
		    strlen(reply), STAGE_NONE, eff);
	}
	if (temp && code[0] == '5')
		lint_add(c, l, roff, SEV_WARNING, "not-temporary", "TEMP: with a "
		    "5xx code: the client gives up instead of trying again (use "
		    "4xx)");
	else if (!temp && !bare && code[0] == '4')
		lint_add(c, l, roff, SEV_NOTE, "not-temporary", "ERROR: with a "
		    "4xx code is a temporary failure; TEMP: says so more plainly");
	if (bare)
		lint_add(c, l, roff, SEV_NOTE, "deprecated", "a bare \"%.3s text\" "
		    "is deprecated; write ERROR:%s%s%.3s text", code,
		    dlen ? dsn : "", dlen ? ":" : "", code);
}

/* lint_sendmail_access - one entry per line */
unsigned
lint_sendmail_access(struct lint_ctx *c, const char *buf, size_t len)
{
	size_t pos = 0;
	int lineno = 0;
	unsigned n = 0;
	struct lline l = { 0 };

	c->sendmail = true;
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - p) : len - pos, k = 0, v;

		lineno++;
		pos += ll + (nl != NULL);
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		while (k < ll && isspace((unsigned char)p[k]))
			k++;
		if (k == ll || p[k] == '#')
			continue;
		/* A one-line "logical line" for the shared helpers. */
		lline_free(&l);
		if ((l.text = xstrndup(p, ll)) == NULL ||
		    (l.line = malloc((ll + 1) * sizeof *l.line)) == NULL ||
		    (l.col = malloc((ll + 1) * sizeof *l.col)) == NULL)
			break;
		l.len = ll;
		l.first = lineno;
		for (size_t i = 0; i < ll; i++) {
			l.line[i] = lineno;
			l.col[i] = (int)i + 1;
		}
		/* key, blanks, value */
		v = k;
		while (v < ll && !isspace((unsigned char)p[v]))
			v++;
		while (v < ll && isspace((unsigned char)p[v]))
			v++;
		if (v >= ll)
			continue;
		if (strncasecmp(l.text + v, "ERROR:", 6) == 0) {
			n++;
			error_value(c, &l, v + 6, false, false);
		} else if (strncasecmp(l.text + v, "TEMP:", 5) == 0) {
			n++;
			error_value(c, &l, v + 5, true, false);
		} else if (ll - v >= 4 && isdigit((unsigned char)p[v]) &&
		    isdigit((unsigned char)p[v + 1]) &&
		    isdigit((unsigned char)p[v + 2]) && p[v + 3] == ' ') {
			n++;
			error_value(c, &l, v, false, true);
		} else if (strncasecmp(l.text + v, "REJECT", 6) == 0) {
			n++;	/* 550 5.7.1 Access denied: nothing to check */
		}
	}
	lline_free(&l);
	return n;
}

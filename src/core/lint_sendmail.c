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

/* lint_sendmail_reply - see lint.h */
void
lint_sendmail_reply(struct lint_ctx *c, const struct lline *l,
    const char *dsn_in, size_t dsn_len, size_t dsn_off, size_t code_off,
    size_t end_off, bool temp, bool bare)
{
	const char *code = l->text + code_off, *end = l->text + end_off, *text;
	char dsn[XCODE_STRLEN] = "", reply[1200], eff[DIAG_MSG_LEN / 2];
	size_t tlen;

	if (dsn_len > 0 && xcode_looks_like(dsn_in, dsn_len))
		str_copyn(dsn, sizeof dsn, dsn_in, dsn_len);
	text = code + 3;
	while (text < end && isspace((unsigned char)*text))
		text++;
	tlen = (size_t)(end - text);
	if (dsn[0] != '\0') {
		/* "### D.S.N text", the D.S.N taken from before the code:
		   Sendmail sends exactly this; findings point at the code. */
		snprintf(reply, sizeof reply, "%.3s %s %.*s", code, dsn,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		lint_reply(c, l, code_off, dsn_off >= 4 ? dsn_off : code_off,
		    reply, strlen(reply), c->stage, NULL);
	} else {
		size_t x = xcode_parse(text, tlen, XCODE_PREFIX, NULL, NULL);

		bool has_x = x > 0 && (x == tlen || text[x] == ' ');

		snprintf(reply, sizeof reply, "%.3s %.*s", code,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		/* With an enhanced code in the text Sendmail sends it as it
		   is (a contradiction reaches the client); without one it
		   adds X.0.0. */
		if (!has_x)
			snprintf(eff, sizeof eff, "%.3s %c.0.0 %.*s", code, code[0],
			    (int)(tlen > 180 ? 180 : tlen), text);
		lint_reply(c, l, code_off, (size_t)(text - l->text), reply,
		    strlen(reply), c->stage, has_x ? NULL : eff);
	}
	if (temp && code[0] == '5')
		lint_add(c, l, code_off, SEV_WARNING, "not-temporary", "TEMP: with "
		    "a 5xx code: the client gives up instead of trying again (use "
		    "4xx)");
	else if (!temp && !bare && code[0] == '4')
		lint_add(c, l, code_off, SEV_NOTE, "not-temporary", "ERROR: with a "
		    "4xx code is a temporary failure; TEMP: says so more plainly");
	if (bare)
		lint_add(c, l, code_off, SEV_NOTE, "deprecated", "a bare \"%.3s "
		    "text\" is deprecated; write ERROR:%s%s%.3s text", code, dsn,
		    dsn[0] ? ":" : "", code);
}

/* error_value - ERROR:/TEMP: values and bare "### text" */
static void
error_value(struct lint_ctx *c, const struct lline *l, size_t off, bool temp,
    bool bare)
{
	const char *v = l->text + off, *end = l->text + l->len, *dsn = NULL;
	size_t k, dlen = 0, doff = 0;

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
		dsn = v;
		dlen = k;
		doff = (size_t)(v - l->text);
		v += k + 1;
	}
	if (end - v < 3 || !isdigit((unsigned char)v[0]) ||
	    !isdigit((unsigned char)v[1]) || !isdigit((unsigned char)v[2])) {
		if (!bare)
			lint_add(c, l, (size_t)(v - l->text), SEV_ERROR,
			    "reply-syntax", "%s needs a 3-digit reply code, as in "
			    "%s:5.7.1:550 text", temp ? "TEMP:" : "ERROR:",
			    temp ? "TEMP" : "ERROR");
		return;
	}
	lint_sendmail_reply(c, l, dsn, dlen, doff, (size_t)(v - l->text),
	    (size_t)(end - l->text), temp, bare);
}

/* lline_single - see lint.h */
bool
lline_single(struct lline *l, const char *p, size_t n, int lineno)
{
	size_t i;

	lline_free(l);
	if ((l->text = xstrndup(p, n)) == NULL ||
	    (l->line = malloc((n + 1) * sizeof *l->line)) == NULL ||
	    (l->col = malloc((n + 1) * sizeof *l->col)) == NULL)
		return false;
	l->len = n;
	l->first = lineno;
	for (i = 0; i <= n; i++) {
		l->line[i] = lineno;
		l->col[i] = (int)i + 1;
	}
	return true;
}

/* tag_stage - what an entry's tag says it is checked for: From: the
   sender (check_mail), To: the recipient (check_rcpt); others (Connect:,
   untagged keys that match any of them) no stage */
static enum stage
tag_stage(const char *key, size_t n)
{
	if (n > 5 && strncasecmp(key, "From:", 5) == 0)
		return STAGE_MAIL;
	if (n > 3 && strncasecmp(key, "To:", 3) == 0)
		return STAGE_RCPT;
	return STAGE_NONE;
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
	c->stage = STAGE_NONE;	/* per entry, by its tag */
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
		if (!lline_single(&l, p, ll, lineno))
			break;
		/* key, blanks, value */
		v = k;
		while (v < ll && !isspace((unsigned char)p[v]))
			v++;
		while (v < ll && isspace((unsigned char)p[v]))
			v++;
		if (v >= ll)
			continue;
		c->stage = tag_stage(p + k, v - k);
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
	c->stage = STAGE_NONE;
	return n;
}

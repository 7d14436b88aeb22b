/*
 * lint_postfix.c - Postfix lookup tables (see lint.h); main.cf and
 * master.cf are lint_postfix_main.c's.  Semantics follow Postfix 3.7: smtpd_check.c
 * check_table_result() and smtpd_check_reject(), smtpd_dsn_fix.c,
 * cleanup_message.c for header/body checks, readlline.c for logical
 * lines, dict_regexp.c/dict_pcre.c for patterns.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "strutil.h"
#include "xcode.h"

/* Defaults of the main.cf parameters the tables depend on. */
#define MAP_REJECT_CODE	554	/* access_map_reject_code */
#define MAP_DEFER_CODE	450	/* access_map_defer_code */
#define RBL_REJECT_CODE	554	/* maps_rbl_reject_code */

/* code_or - the configured code, else Postfix's default */
static unsigned
code_or(unsigned v, unsigned def)
{
	return v >= 400 && v <= 599 ? v : def;
}

/* reply_class - what Postfix names in "<name>: CLASS rejected:" */
static const char *
reply_class(enum stage st, const char **name)
{
	switch (st) {
	case STAGE_CONNECT:
		*name = "<client>";
		return "Client host";
	case STAGE_HELO:
		*name = "<helo>";
		return "Helo command";
	case STAGE_MAIL:
		*name = "<sender>";
		return "Sender address";
	case STAGE_RCPT:
		*name = "<recipient>";
		return "Recipient address";
	default:
		*name = "<...>";
		return "...";
	}
}

/* dsn_fix - smtpd_dsn_fix(): X.1.y rewritten by what is rejected */
static void
dsn_fix(char *dsn, enum stage st)
{
	static const struct {
		unsigned micro;
		unsigned snd, rcpt;
	} map[] = {
		{ 1, 7, 1 }, { 2, 8, 2 }, { 3, 7, 3 }, { 4, 7, 4 }, { 5, 0, 5 },
		{ 6, 7, 6 }, { 7, 7, 3 }, { 8, 8, 2 },
	};
	struct xcode x;
	unsigned i, to = 0;

	if (xcode_parse(dsn, strlen(dsn), 0, &x, NULL) == 0 || x.subject != 1 ||
	    st == STAGE_NONE)
		return;
	if (st == STAGE_MAIL || st == STAGE_RCPT) {
		for (i = 0; i < sizeof map / sizeof map[0]; i++)
			if (map[i].micro == x.detail)
				to = st == STAGE_MAIL ? map[i].snd : map[i].rcpt;
		snprintf(dsn, XCODE_STRLEN, "%u.1.%u", x.cls, to);
	} else {
		snprintf(dsn, XCODE_STRLEN, "%u.0.0", x.cls);
	}
}

/* leading_dsn - length of an RFC 3463 code at the start of text, else 0 */
static size_t
leading_dsn(const char *t, size_t n)
{
	size_t k = xcode_parse(t, n, XCODE_PREFIX, NULL, NULL);

	if (k > 0 && k < n && !isspace((unsigned char)t[k]))
		return 0;	/* dsn_valid(): whitespace or end must follow */
	return k;
}

/*
 * access_reply - REJECT/DEFER/4NN/5NN of an access map: validate the
 * reply as written and say what the client sees.
 */
static void
access_reply(struct lint_ctx *c, const struct lline *l, size_t code_off,
    size_t text_off, unsigned code, const char *text, size_t tlen,
    const char *def_dsn, const char *def_text, bool action)
{
	char reply[1200], eff[DIAG_MSG_LEN / 2], dsn[XCODE_STRLEN];
	const char *name, *cls = reply_class(c->stage, &name);
	size_t k = leading_dsn(text, tlen);
	const char *rest = text + k;
	size_t rlen = tlen - k;

	while (rlen > 0 && isspace((unsigned char)*rest)) {
		rest++;
		rlen--;
	}
	/* REJECT and DEFER mean policy: Postfix's X.7.1 is the right code
	   unless the text says otherwise, so check what it will send. */
	if (action && k == 0) {
		snprintf(reply, sizeof reply, "%03u %c%s %.*s", code,
		    (char)('0' + code / 100), def_dsn + 1,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		text_off = text_off >= 6 ? text_off - 6 : 0;
	} else {
		snprintf(reply, sizeof reply, "%03u %.*s", code,
		    (int)(tlen > 1000 ? 1000 : tlen), text);
	}
	if (k > 0)
		str_copyn(dsn, sizeof dsn, text, k);
	else
		str_copy(dsn, sizeof dsn, def_dsn);
	dsn_fix(dsn, c->stage);
	dsn[0] = (char)('0' + code / 100);	/* the code's class wins */
	snprintf(eff, sizeof eff, "%03u %s %s: %s rejected: %.*s", code, dsn, name,
	    cls, rlen ? (int)(rlen > 150 ? 150 : rlen) : (int)strlen(def_text),
	    rlen ? rest : def_text);
	/* Postfix never answers at CONNECT: client restrictions run at RCPT
	   (smtpd_delay_reject = yes) or reply to the client's next command,
	   so the text is shown either way. */
	lint_reply(c, l, code_off, text_off, reply, strlen(reply),
	    c->stage == STAGE_CONNECT ? STAGE_NONE : c->stage, eff);
}

/* checks_reject - REJECT in header/body checks (cleanup); toff is where
   the text starts in the logical line */
static void
checks_reject(struct lint_ctx *c, const struct lline *l, size_t toff,
    const char *text, size_t tlen)
{
	char reply[1200], eff[DIAG_MSG_LEN / 2];
	size_t k = leading_dsn(text, tlen);
	unsigned code = 550;

	if (k > 0 && text[0] == '4')
		code = 451;	/* a deliberate temporary reject */
	if (k > 0 && text[0] == '2') {
		lint_add(c, l, toff, SEV_WARNING, "class-mismatch", "a 2.x.x "
		    "code cannot reject; Postfix logs \"bad DSN action\" and "
		    "makes it 4.x.x (a temporary reject)");
		code = 451;
	}
	if (k > 0) {
		snprintf(reply, sizeof reply, "%03u %c%.*s", code,
		    code == 451 ? '4' : text[0], (int)(tlen > 1000 ? 999 : tlen - 1),
		    text + 1);
		snprintf(eff, sizeof eff, "%.200s", reply);
	} else {
		snprintf(reply, sizeof reply, "550 5.7.1 %.*s",
		    (int)(tlen > 1000 ? 1000 : tlen), text);
		snprintf(eff, sizeof eff, "550 5.7.1 %.*s",
		    tlen ? (int)(tlen > 180 ? 180 : tlen) : 24,
		    tlen ? text : "Message content rejected");
	}
	if (tlen == 0)
		return;		/* Postfix's own text: nothing to check */
	/* reply columns: "451 4.x.x ..." maps col 5 to toff, "550 5.7.1 ..."
	   maps col 11 to toff */
	/* "451 4.x.x ..." has the text's own code at column 5; "550 5.7.1
	   ..." puts the text at column 11 */
	lint_reply(c, l, toff, k > 0 ? toff : (toff >= 6 ? toff - 6 : 0), reply,
	    strlen(reply), STAGE_EOM, k > 0 ? NULL : eff);
}

/* rbl_template - "$rbl_code text" (rbl_reply_maps, default_rbl_reply) */
void
lint_rbl_template(struct lint_ctx *c, const struct lline *l, size_t off,
    const char *v, size_t n)
{
	char reply[1200];
	size_t k = 0, o = 0, pre;

	if (n >= 9 && strncmp(v, "$rbl_code", 9) == 0)
		k = 9;
	else if (n >= 11 && strncmp(v, "${rbl_code}", 11) == 0)
		k = 11;
	else if (!(n >= 4 && isdigit((unsigned char)v[0]) &&
	    isdigit((unsigned char)v[1]) && isdigit((unsigned char)v[2]) &&
	    v[3] == ' ')) {
		lint_add(c, l, off, SEV_ERROR, "reply-syntax", "an RBL reply "
		    "template must start with $rbl_code or a 3-digit 4xx/5xx code "
		    "and a space; Postfix answers \"451 4.3.0 Server configuration "
		    "error\" otherwise");
		return;
	}
	/* Expand $rbl_code; other $variables become plain words. */
	pre = k;
	if (k > 0)
		o = (size_t)snprintf(reply, sizeof reply, "%u",
		    code_or(c->rbl_code, RBL_REJECT_CODE));
	for (; k < n && o + 2 < sizeof reply; k++) {
		if (v[k] == '$') {
			size_t e = k + 1;

			if (e < n && v[e] == '{') {
				while (e < n && v[e] != '}')
					e++;
			} else {
				while (e < n && (isalnum((unsigned char)v[e]) ||
				    v[e] == '_'))
					e++;
			}
			reply[o++] = 'x';
			k = e < n && v[e] == '}' ? e : e - 1;
			continue;
		}
		reply[o++] = v[k];
	}
	reply[o] = '\0';
	{
		char eff[DIAG_MSG_LEN / 2];

		snprintf(eff, sizeof eff, "%.3s 5.7.1 %.150s", reply, reply + 4);
		eff[4] = reply[0];
		/* reply column 5 is just after "$rbl_code " (or "NNN ") */
		lint_reply(c, l, off, off + (pre ? pre + 1 : 4), reply, o,
		    c->stage, eff);
	}
}

/* table_value - the action (and text) of one table entry; true when the
   entry carries a reply code or REJECT/DEFER text */
bool
lint_table_value(struct lint_ctx *c, const struct lline *l, size_t off,
    enum table_kind kind)
{
	const char *v = l->text + off, *text;
	size_t n = l->len - off, w = 0, tlen;

	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n == 0)
		return false;
	while (w < n && !isspace((unsigned char)v[w]))
		w++;
	text = v + w;
	tlen = n - w;
	while (tlen > 0 && isspace((unsigned char)*text)) {
		text++;
		tlen--;
	}
	if (kind == TK_RBL_REPLY || (n > 4 && v[0] == '$' &&
	    str_casestr(v, w, "rbl_code"))) {
		if (!lint_is_template(v, n))
			lint_rbl_template(c, l, off, v, n);
		return true;
	}
	if (kind == TK_REPLY_FILTER) {
		/* A remote server's reply line, as the smtp client will read
		   it; $1 substitutions are not known here. */
		if (memchr(v, '$', n) != NULL)
			return isdigit((unsigned char)v[0]) || v[0] == '$';
		if (n < 3 || !isdigit((unsigned char)v[0])) {
			lint_add(c, l, off, SEV_ERROR, "reply-syntax", "a reply "
			    "filter result must be a whole reply line "
			    "(\"450 4.7.1 text\"); Postfix takes anything else "
			    "for a broken server reply");
			return true;
		}
		lint_reply(c, l, off, off + (n > 4 ? 4 : n), v, n, STAGE_NONE,
		    NULL);
		return true;
	}
	if (kind == TK_DSN_FILTER) {
		if (!isdigit((unsigned char)v[0]))
			return false;
		if (memchr(v, '$', n) == NULL && xcode_looks_like(v, w)) {
			char reply[1200];

			/* No basic code in a status filter: judge the code. */
			snprintf(reply, sizeof reply, "%c50 %.*s", v[0],
			    (int)(n > 1000 ? 1000 : n), v);
			lint_reply(c, l, off, off, reply, strlen(reply),
			    STAGE_NONE, NULL);
		}
		return true;
	}
	if (kind == TK_CHECKS) {
		if (!str_caseeqn(v, w, "REJECT") && !str_caseeqn(v, w, "DEFER"))
			return false;
		if (str_caseeqn(v, w, "REJECT") && !lint_is_template(text, tlen))
			checks_reject(c, l, off + (size_t)(text - v), text, tlen);
		return true;
	}
	if (lint_is_template(v, n))
		return str_caseeqn(v, w, "REJECT") || str_caseeqn(v, w, "DEFER");
	if (str_caseeqn(v, w, "REJECT")) {
		access_reply(c, l, off, off + (size_t)(text - v),
		    code_or(c->reject_code, MAP_REJECT_CODE),
		    text, tlen, "5.7.1", "Access denied", true);
	} else if (str_caseeqn(v, w, "DEFER")) {
		access_reply(c, l, off, off + (size_t)(text - v),
		    code_or(c->defer_code, MAP_DEFER_CODE),
		    text, tlen, "4.7.1", "Access denied", true);
	} else if (str_caseeqn(v, w, "DEFER_IF_PERMIT") ||
	    str_caseeqn(v, w, "DEFER_IF_REJECT")) {
		access_reply(c, l, off, off + (size_t)(text - v),
		    code_or(c->defer_code, MAP_DEFER_CODE),
		    text, tlen, "4.7.1", "Service unavailable", true);
	} else if (w == 3 && isdigit((unsigned char)v[0]) &&
	    isdigit((unsigned char)v[1]) && isdigit((unsigned char)v[2])) {
		unsigned code = (unsigned)atoi(v);

		if (v[0] != '4' && v[0] != '5') {
			lint_add(c, l, off, SEV_ERROR, "not-failure", "%.3s is not "
			    "an access action: only 4xx and 5xx replies are; "
			    "Postfix takes it for a restriction name and fails "
			    "with \"451 4.3.5 Server configuration error\"", v);
			return true;
		}
		if (tlen == 0) {
			lint_add(c, l, off, SEV_WARNING, "table-syntax", "a reply "
			    "code needs text: without it Postfix does not treat "
			    "\"%.3s\" as a reply", v);
			return true;
		}
		access_reply(c, l, off, off + (size_t)(text - v), code, text, tlen,
		    v[0] == '4' ? "4.7.1" : "5.7.1", "Access denied", false);
	} else {
		return false;
	}
	return true;
}

/* pattern_end - end of "[!]/re/flags" patterns; 0 when unterminated */
size_t
lint_pattern_end(const char *p, size_t n, size_t i)
{
	for (;;) {
		char delim;

		while (i < n && (p[i] == '!' || isspace((unsigned char)p[i])))
			i++;
		if (i >= n)
			return 0;
		delim = p[i++];
		while (i < n && p[i] != delim) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			i++;
		}
		if (i >= n)
			return 0;
		i++;
		while (i < n && !isspace((unsigned char)p[i]) && p[i] != '!')
			i++;		/* flags */
		/* regexp tables allow "/a/!/b/ action" */
		if (i < n && p[i] == '!' && i + 1 < n && !isspace((unsigned char)p[i + 1]))
			continue;
		return i;
	}
}

/* lint_postfix_table - hash-style or regexp/pcre-style entries */
unsigned
lint_postfix_table(struct lint_ctx *c, const char *buf, size_t len,
    enum table_kind kind)
{
	struct lline l = { 0 };
	size_t pos = 0, i;
	int lineno = 0, depth = 0, last_if = 0;
	unsigned n = 0;
	bool regex = false;

	/* A table with /patterns/ is a regexp or pcre table throughout. */
	for (i = 0; i < len; i++)
		if ((i == 0 || buf[i - 1] == '\n') && (buf[i] == '/' ||
		    (i + 3 < len && strncmp(buf + i, "if ", 3) == 0 &&
		    memchr(buf + i, '/', len - i > 80 ? 80 : len - i))))
			regex = true;
	while (lline_next(buf, len, &pos, &lineno, &l)) {
		const char *t = l.text;
		size_t off = 0;

		if (regex && (strncmp(t, "if", 2) == 0) &&
		    (l.len == 2 || isspace((unsigned char)t[2]) || t[2] == '!' ||
		    t[2] == '/')) {
			if (lint_pattern_end(t, l.len, 2) == 0)
				lint_add(c, &l, 2, SEV_WARNING, "table-syntax",
				    "no closing delimiter after \"if\": Postfix "
				    "skips this line");
			depth++;
			last_if = l.first;
			continue;
		}
		if (regex && strncmp(t, "endif", 5) == 0 &&
		    (l.len == 5 || isspace((unsigned char)t[5]))) {
			if (depth-- == 0) {
				lint_add(c, &l, 0, SEV_WARNING, "table-syntax",
				    "\"endif\" without \"if\": Postfix ignores it");
				depth = 0;
			}
			continue;
		}
		if (regex) {
			off = lint_pattern_end(t, l.len, 0);
			if (off == 0) {
				lint_add(c, &l, 0, SEV_WARNING, "table-syntax",
				    "no closing delimiter: Postfix skips this rule");
				continue;
			}
		} else {
			while (off < l.len && !isspace((unsigned char)t[off]))
				off++;
		}
		while (off < l.len && isspace((unsigned char)t[off]))
			off++;
		if (off >= l.len) {
			if (regex || kind == TK_ACCESS)
				lint_add(c, &l, 0, SEV_WARNING, "table-syntax",
				    "no result after the %s: Postfix skips it",
				    regex ? "pattern" : "key");
			continue;
		}
		if (lint_table_value(c, &l, off, kind))
			n++;
	}
	if (depth > 0)
		diag_add(c->diags, c->file, last_if, 1, SEV_WARNING,
		    "table-syntax", "\"if\" without \"endif\"");
	lline_free(&l);
	return n;
}

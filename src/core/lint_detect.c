/*
 * lint_detect.c - what a file is when nobody says: its type from the
 * evidence of each line (esc-milter.conf, Postfix main.cf and master.cf,
 * lookup tables, Sendmail access, sendmail.mc/.cf), a lookup table's kind
 * and stage from its entries and its name (see lint.h).  Pure.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "lint.h"
#include "strutil.h"

static const char *const sendmail_tags[] = {
	"connect:", "from:", "to:", "spam:", "greetpause:", "clientrate:",
	"clientconn:", "tls_clt:", "tls_srv:", "srv_features:", "clt_features:",
	"mailrate:", "try_tls:", "auth:", NULL,
};

static bool
starts_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && strncasecmp(s, w, k) == 0;
}

static bool
is_table_action(const char *v, size_t n)
{
	static const char *const acts[] = { "reject", "defer", "defer_if_permit",
	    "defer_if_reject", "ok", "dunno", "permit", "discard", "hold",
	    "warn", "prepend", "redirect", "filter", "ignore", "bcc", "info",
	    "replace", NULL };
	size_t w = 0;

	while (w < n && !isspace((unsigned char)v[w]))
		w++;
	for (unsigned i = 0; acts[i]; i++)
		if (str_caseeqn(v, w, acts[i]))
			return true;
	return w == 3 && (v[0] == '4' || v[0] == '5') && isdigit((unsigned char)v[1]) &&
	    isdigit((unsigned char)v[2]);
}

/* score_line - add this line's evidence (weight: 2 active, 1 commented) */
static void
score_line(const char *p, size_t n, int w, int *score)
{
	const char *eq, *sp;
	size_t k, fields = 0;

	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0)
		return;
	/* esc-milter: "rule NAME" */
	if (n > 5 && strncmp(p, "rule ", 5) == 0 && memchr(p, '=', n) == NULL)
		score[LT_ESC] += 3 * w;
	/* Postfix table: /regex/ action, if /x/, endif */
	if (p[0] == '/' || (p[0] == '!' && n > 1 && p[1] == '/'))
		score[LT_POSTFIX_TABLE] += 2 * w;
	if ((n >= 3 && strncmp(p, "if ", 3) == 0 && memchr(p, '/', n)) ||
	    (n == 5 && strncmp(p, "endif", 5) == 0))
		score[LT_POSTFIX_TABLE] += 3 * w;
	/* Sendmail access: Tag:key, RELAY, ERROR: */
	for (k = 0; sendmail_tags[k]; k++)
		if (starts_ci(p, n, sendmail_tags[k]))
			score[LT_SENDMAIL_ACCESS] += 3 * w;
	if (str_casestr(p, n, "ERROR:") || str_casestr(p, n, "TEMP:") ||
	    str_has_word(p, n, "RELAY"))
		score[LT_SENDMAIL_ACCESS] += 2 * w;
	/* name = value */
	if ((eq = memchr(p, '=', n)) != NULL) {
		size_t nl = (size_t)(eq - p);
		char name[64];

		while (nl > 0 && isspace((unsigned char)p[nl - 1]))
			nl--;
		if (nl > 0 && nl < sizeof name && memchr(p, ' ', nl) == NULL &&
		    memchr(p, '\t', nl) == NULL) {
			const char *const *e;
			bool esc = false;

			memcpy(name, p, nl);
			name[nl] = '\0';
			for (e = conf_setting_names(); *e; e++)
				if (strcmp(*e, name) == 0)
					esc = true;
			for (e = conf_rule_key_names(); *e; e++)
				if (strcmp(*e, name) == 0)
					esc = true;
			if (esc)
				score[LT_ESC] += w;
			else if (strchr(name, '_') || strncmp(name, "my", 2) == 0 ||
			    strcmp(name, "relayhost") == 0)
				score[LT_POSTFIX_MAIN] += 2 * w;
			return;
		}
	}
	/* master.cf: service type private unpriv chroot wakeup maxproc cmd */
	for (k = 0, sp = p; sp < p + n; fields++) {
		const char *e2 = sp;

		while (e2 < p + n && !isspace((unsigned char)*e2))
			e2++;
		if (fields == 1 && (str_caseeqn(sp, (size_t)(e2 - sp), "inet") ||
		    str_caseeqn(sp, (size_t)(e2 - sp), "unix") ||
		    str_caseeqn(sp, (size_t)(e2 - sp), "unix-dgram") ||
		    str_caseeqn(sp, (size_t)(e2 - sp), "fifo") ||
		    str_caseeqn(sp, (size_t)(e2 - sp), "pass")))
			k = 1;
		sp = e2;
		while (sp < p + n && isspace((unsigned char)*sp))
			sp++;
	}
	if (k && fields >= 8)
		score[LT_POSTFIX_MASTER] += 3 * w;
	if (n > 3 && strncmp(p, "-o ", 3) == 0)
		score[LT_POSTFIX_MASTER] += w;
	/* key value: an access action or a bare reply */
	sp = p;
	while (sp < p + n && !isspace((unsigned char)*sp))
		sp++;
	while (sp < p + n && isspace((unsigned char)*sp))
		sp++;
	if (sp < p + n && is_table_action(sp, (size_t)(p + n - sp))) {
		score[LT_POSTFIX_TABLE] += w;
		score[LT_SENDMAIL_ACCESS] += w;
	}
}

/* starts - the line (after blanks) starts with word */
static bool
starts(const char *p, size_t n, const char *word)
{
	size_t k = strlen(word);

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	return n >= k && memcmp(p, word, k) == 0;
}

/* sendmail_config - a sendmail.mc (m4 macros that only it has) or a
   sendmail.cf (a version line, rulesets and rules); LT_AUTO if neither */
static enum lint_type
sendmail_config(const char *buf, size_t len)
{
	static const char *const mc[] = { "OSTYPE(`", "FEATURE(`", "MAILER(`",
	    "DOMAIN(`", "VERSIONID(`", "LOCAL_RULESETS", "INPUT_MAIL_FILTER(`",
	    NULL };
	unsigned nmc = 0, version = 0, rules = 0, sets = 0, i;
	size_t pos = 0;

	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;

		pos += n + (nl != NULL);
		for (i = 0; mc[i] != NULL; i++)
			nmc += starts(p, n, mc[i]);
		if (n > 2 && p[0] == 'V' && isdigit((unsigned char)p[1]))
			version++;
		if (n > 2 && p[0] == 'S' && isalpha((unsigned char)p[1]))
			sets++;
		if (n > 2 && p[0] == 'R' && memchr(p, '\t', n) != NULL)
			rules++;
	}
	if (nmc >= 2)
		return LT_SENDMAIL_MC;
	if (sets > 0 && rules > 0 && (version > 0 || rules >= 5))
		return LT_SENDMAIL_CF;
	return LT_AUTO;
}

/* lint_detect - score every line; the file name breaks ties */
enum lint_type
lint_detect(const char *buf, size_t len, const char *name)
{
	int score[LT_SENDMAIL_ACCESS + 1] = { 0 };
	const char *base = name ? strrchr(name, '/') : NULL;
	size_t pos = 0, blen;
	int best = LT_POSTFIX_TABLE, i;
	enum lint_type sm = sendmail_config(buf, len);

	if (sm != LT_AUTO)
		return sm;

	base = base ? base + 1 : name ? name : "";
	blen = strlen(base);
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		size_t k = 0;

		pos += n + (nl != NULL);
		while (k < n && isspace((unsigned char)p[k]))
			k++;
		if (k < n && p[k] == '#') {
			/* A commented-out example still says what the file is. */
			k++;
			while (k < n && p[k] == '#')
				k++;
			score_line(p + k, n - k, 1, score);
		} else {
			score_line(p, n, 2, score);
		}
		if (str_casestr(p, n, "sendmail") != NULL)
			score[LT_SENDMAIL_ACCESS]++;
		/* Sendmail's directory and its files */
		if (str_casestr(p, n, "/etc/mail/") != NULL ||
		    str_casestr(p, n, "local-host-names") != NULL)
			score[LT_SENDMAIL_ACCESS] += 5;
		if (str_casestr(p, n, "postfix") != NULL) {
			score[LT_POSTFIX_TABLE]++;
			score[LT_POSTFIX_MAIN]++;
		}
	}
	if (str_casestr(base, blen, "esc-milter") || str_casestr(base, blen, ".rules"))
		score[LT_ESC] += 20;
	/* Where the file lives says whose it is (also "etc__mail" in names
	   made from paths). */
	if (name != NULL && (str_casestr(name, strlen(name), "etc/mail/") ||
	    str_casestr(name, strlen(name), "etc__mail__")))
		score[LT_SENDMAIL_ACCESS] += 20;
	if (name != NULL && (str_casestr(name, strlen(name), "etc/postfix/") ||
	    str_casestr(name, strlen(name), "postfix__")))
		score[LT_POSTFIX_TABLE] += 5;
	if (str_casestr(base, blen, "master.cf"))
		score[LT_POSTFIX_MASTER] += 40;
	else if (str_casestr(base, blen, "main.cf") || str_casestr(base, blen, "smtpd.cf"))
		score[LT_POSTFIX_MAIN] += 40;
	if (str_casestr(base, blen, "_checks") || str_casestr(base, blen, "pcre") ||
	    str_casestr(base, blen, "regexp") || str_casestr(base, blen, "_access") ||
	    str_casestr(base, blen, "dsn_filter"))
		score[LT_POSTFIX_TABLE] += 10;
	for (i = LT_ESC; i <= LT_SENDMAIL_ACCESS; i++)
		if (score[i] > score[best])
			best = i;

	return (enum lint_type)best;
}

/* Evidence that one table line gives about how the table is used. */
struct evidence {
	int	 lines;		/* active entries */
	int	 regex;		/* /pattern/ entries */
	int	 header;	/* patterns that start with a header name */
	int	 ipkey;		/* keys that are IP addresses or CIDR blocks */
	int	 access;	/* OK, DUNNO, PERMIT, 4NN/5NN, restrictions */
	int	 checks;	/* IGNORE, REPLACE, PREPEND, WARN, HOLD, ... */
	int	 rbl;		/* $rbl_code templates */
	int	 dsn;		/* values that start with X.Y.Z */
};

/* header_pattern - /^Name:/, /^\s*Name:/, /^(A|B):/ */
static bool
header_pattern(const char *p, size_t n)
{
	size_t k = 2;

	if (n < 4 || p[1] != '^')
		return false;
	if (k + 3 <= n && strncmp(p + k, "\\s*", 3) == 0)
		k += 3;
	else if (k + 12 <= n && strncmp(p + k, "[[:space:]]*", 12) == 0)
		k += 12;
	if (k >= n || !(isalpha((unsigned char)p[k]) || p[k] == '('))
		return false;
	while (k < n && (isalnum((unsigned char)p[k]) || p[k] == '-' ||
	    p[k] == '(' || p[k] == '|' || p[k] == ')' || p[k] == '?' ||
	    p[k] == '_'))
		k++;
	return k < n && p[k] == ':';
}

/* ip_key - 192.0.2.1, 192.0.2, 192.0.2.0/24, 2001:db8::/32, [::1] */
static bool
ip_key(const char *p, size_t n)
{
	size_t k, dig = 0;

	if (n > 0 && p[0] == '!')
		return false;
	for (k = 0; k < n; k++) {
		if (isxdigit((unsigned char)p[k]))
			dig++;
		else if (strchr(".:/[]", p[k]) == NULL)
			return false;
	}
	return dig > 0 && (memchr(p, '.', n) || memchr(p, ':', n)) &&
	    (isdigit((unsigned char)p[0]) || p[0] == '[' || p[0] == ':');
}

/* evidence_line - one active entry */
static void
evidence_line(const char *p, size_t n, struct evidence *e)
{
	static const char *const chk[] = { "ignore", "replace", "prepend",
	    "warn", "hold", "info", "strip", NULL };
	static const char *const acc[] = { "ok", "dunno", "permit",
	    "defer_if_permit", "defer_if_reject", "relay", NULL };
	size_t k = 0, v, w;
	unsigned i;

	if (n == 0 || isspace((unsigned char)p[0]))
		return;		/* continuation */
	e->lines++;
	if (p[0] == '/' || (p[0] == '!' && n > 1 && p[1] == '/')) {
		e->regex++;
		if (header_pattern(p + (p[0] == '!'), n - (p[0] == '!')))
			e->header++;
		k = lint_pattern_end(p, n, 0);
		if (k == 0)
			return;
	} else {
		while (k < n && !isspace((unsigned char)p[k]))
			k++;
		if (ip_key(p, k))
			e->ipkey++;
	}
	for (v = k; v < n && isspace((unsigned char)p[v]); v++)
		;
	for (w = v; w < n && !isspace((unsigned char)p[w]); w++)
		;
	if (w == v)
		return;
	if (p[v] == '$' && str_casestr(p + v, w - v, "rbl_code")) {
		e->rbl++;
		return;
	}
	if (xcode_looks_like(p + v, w - v)) {
		e->dsn++;
		return;
	}
	for (i = 0; chk[i] != NULL; i++)
		if (str_caseeqn(p + v, w - v, chk[i]))
			e->checks++;
	for (i = 0; acc[i] != NULL; i++)
		if (str_caseeqn(p + v, w - v, acc[i]))
			e->access++;
	if ((w - v == 3 && (p[v] == '4' || p[v] == '5') &&
	    isdigit((unsigned char)p[v + 1]) && isdigit((unsigned char)p[v + 2])) ||
	    (w - v > 7 && (strncasecmp(p + v, "permit_", 7) == 0 ||
	    strncasecmp(p + v, "reject_", 7) == 0 ||
	    strncasecmp(p + v, "check_", 6) == 0)))
		e->access++;
}

/* name_kind - what a file name suggests; -1 nothing */
static int
name_kind(const char *base, size_t blen)
{
	if (str_casestr(base, blen, "dsn") || str_casestr(base, blen, "status_filter"))
		return TK_DSN_FILTER;
	if (str_casestr(base, blen, "reply_filter"))
		return TK_REPLY_FILTER;
	if (str_casestr(base, blen, "rbl_reply"))
		return TK_RBL_REPLY;
	if (str_casestr(base, blen, "header") || str_casestr(base, blen, "body") ||
	    str_casestr(base, blen, "mime") || str_casestr(base, blen, "checks"))
		return TK_CHECKS;
	if (str_casestr(base, blen, "access"))
		return TK_ACCESS;
	return -1;
}

/* lint_guess_table - see lint.h */
void
lint_guess_table(const char *buf, size_t len, const char *name,
    struct lint_guess *g)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	struct evidence e = { 0 };
	size_t pos = 0, blen;
	int nk;

	base = base ? base + 1 : name ? name : "";
	blen = strlen(base);
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;

		pos += n + (nl != NULL);
		if (n > 0 && p[0] != '#')
			evidence_line(p, n, &e);
	}
	nk = name_kind(base, blen);
	g->stage = lint_stage_hint(name);
	if (g->stage == STAGE_NONE && e.ipkey > 0 && e.ipkey * 2 >= e.lines)
		g->stage = STAGE_CONNECT;
	if (e.rbl > 0 && e.rbl * 2 >= e.lines) {
		g->kind = TK_RBL_REPLY;
		snprintf(g->why, sizeof g->why, "its values are $rbl_code templates");
	} else if (e.dsn > 0 && e.dsn * 2 >= e.lines) {
		g->kind = TK_DSN_FILTER;
		snprintf(g->why, sizeof g->why, "its values start with an "
		    "enhanced status code");
	} else if (e.regex > 0 && e.header * 2 >= e.regex) {
		g->kind = TK_CHECKS;
		snprintf(g->why, sizeof g->why, "its patterns match header names");
	} else if (e.checks > 0 && e.access == 0 && e.ipkey == 0) {
		g->kind = TK_CHECKS;
		snprintf(g->why, sizeof g->why, "it uses actions only header and "
		    "body checks have (IGNORE, REPLACE, PREPEND, ...)");
	} else if (e.ipkey > 0 && e.ipkey * 2 >= e.lines) {
		g->kind = TK_ACCESS;
		snprintf(g->why, sizeof g->why, "its keys are IP addresses or "
		    "networks");
	} else if (e.access > 0) {
		g->kind = TK_ACCESS;
		snprintf(g->why, sizeof g->why, "it uses actions only access "
		    "maps have (OK, DUNNO, reply codes, restrictions)");
	} else if (nk >= 0) {
		g->kind = (enum table_kind)nk;
		snprintf(g->why, sizeof g->why, "its content does not say; its "
		    "name does");
	} else {
		g->kind = TK_ACCESS;
		snprintf(g->why, sizeof g->why, "nothing says otherwise");
	}
	if (g->kind != TK_ACCESS)
		g->stage = g->kind == TK_CHECKS ? STAGE_EOM : STAGE_NONE;
}

/* lint_stage_hint - what the map is checked at, from its name */
enum stage
lint_stage_hint(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	size_t blen;

	base = base ? base + 1 : name ? name : "";
	blen = strlen(base);
	if (str_casestr(base, blen, "sender"))
		return STAGE_MAIL;
	if (str_casestr(base, blen, "recipient") || str_casestr(base, blen, "rcpt"))
		return STAGE_RCPT;
	if (str_casestr(base, blen, "helo"))
		return STAGE_HELO;
	if (str_casestr(base, blen, "client"))
		return STAGE_CONNECT;
	return STAGE_NONE;
}

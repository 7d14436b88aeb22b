/*
 * lint_sendmail_cf.c - a Sendmail configuration followed (see lint.h):
 * sendmail.mc or sendmail.cf, after cf/m4/proto.m4 and cf/README.
 *
 *	S<ruleset>			the stage of the rules below it
 *	R<lhs> TAB $#error [$@ D.S.N] $: "### text" [TAB comment]
 *	define(`confREJECT_MSG', `"550 5.7.1 Access denied"')	(.mc)
 *	FEATURE(`access_db'[, `hash -T<TMPF> -o /etc/mail/access.db'])
 *	Kaccess hash -T<TMPF> -o /etc/mail/access.db		(.cf)
 *
 * proto.m4 sends confREJECT_MSG as it is ($#error $: msg), confRELAY_MSG
 * with 5.7.1 and confRCPTREJ_MSG with 5.2.1 before it.  The access
 * database is read from its makemap source (the path without ".db").
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "lint.h"
#include "strutil.h"

#define SOURCE_MAX	(64 * 1024 * 1024)

/* What the rules of a ruleset reply to. */
static const struct {
	const char	*name;		/* after "Local_" too */
	enum stage	 stage;
} rulesets[] = {
	{ "check_mail", STAGE_MAIL },
	{ "check_rcpt", STAGE_RCPT },
	{ "check_data", STAGE_DATA },
	{ "check_eoh", STAGE_HEADER },
	{ "check_eom", STAGE_EOM },
};

/* The reply messages of a .mc and the enhanced code proto.m4 puts
   before them ("" none). */
static const struct {
	const char	*name;
	const char	*dsn;
} messages[] = {
	{ "confREJECT_MSG", "" },
	{ "confRELAY_MSG", "5.7.1" },
	{ "confRCPTREJ_MSG", "5.2.1" },
};

/* Map types read from a file; others are served by something else. */
static const char *const file_maps[] = { "hash", "btree", "dbm", "text",
    "cdb", NULL };

struct smcf {
	struct lint_ctx		*c;
	struct lint_follow	*out;
};

/* ruleset_stage - "Scheck_rcpt", "SLocal_check_mail=..." */
static enum stage
ruleset_stage(const char *p, size_t n)
{
	size_t i, k;

	p++;
	n--;
	if (n > 6 && strncmp(p, "Local_", 6) == 0) {
		p += 6;
		n -= 6;
	}
	for (i = 0; i < sizeof rulesets / sizeof rulesets[0]; i++) {
		k = strlen(rulesets[i].name);
		if (n >= k && strncmp(p, rulesets[i].name, k) == 0 &&
		    (n == k || !isalnum((unsigned char)p[k])))
			return rulesets[i].stage;
	}
	return STAGE_NONE;	/* check_relay and the others */
}

/* code_at - three digits, then a blank or the end */
static bool
code_at(const char *p, const char *end)
{
	return end - p >= 3 && isdigit((unsigned char)p[0]) &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    (end - p == 3 || p[3] == ' ' || p[3] == '\t');
}

/* text_span - the literal reply text at *a: a quoted string (what
   follows it is macros), or up to a tab (the comment) */
static void
text_span(const char *l, size_t n, size_t *a, size_t *b)
{
	if (*a < n && l[*a] == '"') {
		const char *q = memchr(l + *a + 1, '"', n - *a - 1);

		(*a)++;
		*b = q ? (size_t)(q - l) : n;
		return;
	}
	for (*b = *a; *b < n && l[*b] != '\t'; (*b)++)
		;
	while (*b > *a && l[*b - 1] == ' ')
		(*b)--;
}

/* error_rule - "... $#error [$@ D.S.N] $: text" in line l at off */
static bool
error_rule(struct smcf *s, const struct lline *l, size_t off)
{
	const char *t = l->text;
	size_t n = l->len, i = off + 7, d = 0, dl = 0, a, b;

	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i + 1 < n && t[i] == '$' && t[i + 1] == '@') {
		for (i += 2; i < n && (t[i] == ' ' || t[i] == '\t'); i++)
			;
		for (d = i; i < n && !isspace((unsigned char)t[i]) &&
		    t[i] != '$'; i++)
			;
		dl = i - d;
		while (i < n && (t[i] == ' ' || t[i] == '\t'))
			i++;
	}
	if (!(i + 1 < n && t[i] == '$' && t[i + 1] == ':'))
		return false;
	for (i += 2; i < n && (t[i] == ' ' || t[i] == '\t'); i++)
		;
	a = i;
	text_span(t, n, &a, &b);
	if (!code_at(t + a, t + b))
		return false;	/* a macro, _CODE553, no code: not known here */
	/* A 4xx rule is a temporary failure as meant: no TEMP: to say. */
	lint_sendmail_reply(s->c, l, dl ? t + d : NULL, dl, d, a, b,
	    t[a] == '4', false);
	return true;
}

/* message - define(`confREJECT_MSG', `"550 5.7.1 Access denied"') */
static bool
message(struct smcf *s, const struct lline *l)
{
	const char *t = l->text, *q;
	size_t n = l->len, i, a, b;

	for (i = 0; i < sizeof messages / sizeof messages[0]; i++) {
		const char *m = str_casestr(t, n, messages[i].name);
		size_t ml = strlen(messages[i].name);

		if (m == NULL || m - t < 8 || strncmp(m - 8, "define(`", 8) != 0)
			continue;
		if ((q = memchr(m + ml, '`', n - (size_t)(m + ml - t))) == NULL)
			return false;
		a = (size_t)(q - t) + 1;
		/* up to the closing quote of the m4 string */
		for (b = a; b < n && t[b] != '\''; b++)
			;
		if (a < b && t[a] == '"') {
			a++;
			if (b > a && t[b - 1] == '"')
				b--;
		}
		char as[96];

		if (!code_at(t + a, t + b))
			return false;
		snprintf(as, sizeof as, "%s, sent %s%s", messages[i].name,
		    messages[i].dsn[0] ? "after $@ " : "as it is",
		    messages[i].dsn);
		s->c->used_as = as;
		lint_sendmail_reply(s->c, l, messages[i].dsn,
		    strlen(messages[i].dsn), a, a, b, t[a] == '4', false);
		s->c->used_as = NULL;
		return true;
	}
	return false;
}

/* access_map - "hash -T<TMPF> -o /etc/mail/access.db": lint the source */
static void
access_map(struct smcf *s, const char *spec, size_t sn, const char *what,
    int line)
{
	char sp[1024], name[1024], path[4096], used[256], type[32];
	struct lint_ctx c = *s->c;
	const char *base = strrchr(s->c->file, '/'), *p, *last = NULL;
	size_t k, ln = 0, len;
	char *buf;
	int i;

	base = base ? base + 1 : s->c->file;
	str_copyn(sp, sizeof sp, spec, sn);
	snprintf(used, sizeof used, "%s in %s:%d", what, base, line);
	for (p = sp; *p != '\0'; p += k) {	/* the last word not a flag */
		p += strspn(p, " \t");
		k = strcspn(p, " \t");
		if (k > 0 && p[0] != '-') {
			last = p;
			ln = k;
		}
	}
	str_copyn(type, sizeof type, sp + strspn(sp, " \t"),
	    strcspn(sp + strspn(sp, " \t"), " \t"));
	for (i = 0; file_maps[i] != NULL; i++)
		if (strcmp(type, file_maps[i]) == 0)
			break;
	if (file_maps[i] == NULL || last == NULL || last == sp +
	    strspn(sp, " \t")) {
		if (lint_use_add(s->out, s->c, sp, NULL, -1, STAGE_NONE, used,
		    "not-checkable"))
			diag_add(s->c->diags, s->c->file, line, 1, SEV_NOTE,
			    "table-not-checkable", "the access database (%s) is "
			    "served by %s: esc lint cannot read its replies; "
			    "check them where it keeps them", sp, type);
		return;
	}
	if (ln > 3 && strncmp(last + ln - 3, ".db", 3) == 0 &&
	    strcmp(type, "text") != 0)
		ln -= 3;	/* makemap's output: the source is beside */
	str_copyn(name, sizeof name, last, ln);
	if (lint_table_path(s->out->root, name, path, sizeof path) < 0 ||
	    !lint_use_add(s->out, s->c, sp, path, -1, STAGE_NONE, used, "read"))
		return;
	if ((buf = file_read(path, SOURCE_MAX, &len)) == NULL) {
		int e = errno;

		s->out->use[s->out->nuse - 1].status = "missing";
		diag_add(s->c->diags, s->c->file, line, 1, SEV_ERROR,
		    "table-missing", "the access database's source %s (%s) "
		    "cannot be read: %s%s", path, used, e == EFBIG ? "not a "
		    "regular file, or too large" : strerror(e),
		    s->out->root == NULL && name[0] == '/' ? " (a configuration "
		    "kept elsewhere: --root DIR looks its absolute paths up "
		    "under DIR)" : "");
		return;
	}
	c.file = s->out->use[s->out->nuse - 1].path;
	c.stage = STAGE_NONE;
	c.used_as = s->out->use[s->out->nuse - 1].used_as;
	s->out->ncodes += lint_sendmail_access(&c, buf, len);
	s->out->ntables++;
	free(buf);
}

/* feature - FEATURE(`access_db'[, `spec']) */
static void
feature(struct smcf *s, const struct lline *l)
{
	const char *t = l->text, *q, *e;
	size_t n = l->len;

	if (n < 19 || strncmp(t, "FEATURE(`access_db'", 19) != 0)
		return;
	q = memchr(t + 19, '`', n - 19);
	e = q ? memchr(q + 1, '\'', n - (size_t)(q + 1 - t)) : NULL;
	if (q == NULL || e == NULL)
		access_map(s, "hash -o /etc/mail/access", 24,
		    "FEATURE(`access_db')", l->first);
	else
		access_map(s, q + 1, (size_t)(e - q - 1), "FEATURE(`access_db')",
		    l->first);
}

/* lint_sendmail_config - see lint.h */
void
lint_sendmail_config(struct lint_ctx *c, const char *buf, size_t len,
    bool mc, struct lint_follow *out)
{
	struct smcf s = { c, out };
	struct lline l = { 0 };
	size_t pos = 0;
	int lineno = 0;

	c->sendmail = true;
	c->stage = STAGE_NONE;
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - p) : len - pos;
		const char *e;

		lineno++;
		pos += ll + (nl != NULL);
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll == 0 || p[0] == '#')
			continue;
		if (!lline_single(&l, p, ll, lineno))
			break;
		if (p[0] == 'S' && ll > 1)
			c->stage = ruleset_stage(p, ll);
		else if (p[0] == 'R' && (e = str_casestr(p, ll, "$#error")))
			out->ncodes += error_rule(&s, &l, (size_t)(e - p));
		else if (!mc && ll > 8 && strncmp(p, "Kaccess", 7) == 0 &&
		    (p[7] == ' ' || p[7] == '\t'))
			access_map(&s, p + 8, ll - 8, "Kaccess", lineno);
		else if (mc && p[0] == 'F')
			feature(&s, &l);
		else if (mc && p[0] == 'd')
			out->ncodes += message(&s, &l);
	}
	lline_free(&l);
	c->stage = STAGE_NONE;
}

/*
 * dsn.c - DSN status parts: fields and classification (see dsn.h).
 *
 *	delivery-status-content = per-message-fields
 *				  1*( CRLF per-recipient-fields )
 *							(RFC 3464 2.1)
 *
 * Real bounces bend that grammar in the ways listed in dsn.h; each
 * leniency below names the case it serves.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "mime.h"
#include "reply.h"
#include "strutil.h"
#include "utf8.h"

#define FIELD_MAX	2048	/* one unfolded field value, truncated beyond */

static size_t safe(char *out, size_t cap, const char *s);

enum field {
	F_OTHER = 0,
	F_REPORTING_MTA,
	F_ORIG_RCPT,		/* per-recipient fields from here on */
	F_FINAL_RCPT,
	F_ACTION,
	F_STATUS,
	F_REMOTE_MTA,
	F_DIAGNOSTIC,
	F_LAST_ATTEMPT,
	F_PER_RCPT_OTHER,	/* Final-Log-ID, Will-Retry-Until */
};

static const struct {
	const char	*name;
	enum field	 f;
} fields[] = {
	{ "Reporting-MTA", F_REPORTING_MTA },
	{ "Original-Recipient", F_ORIG_RCPT },
	{ "Final-Recipient", F_FINAL_RCPT },
	{ "Action", F_ACTION },
	{ "Status", F_STATUS },
	{ "Remote-MTA", F_REMOTE_MTA },
	{ "Diagnostic-Code", F_DIAGNOSTIC },
	{ "Last-Attempt-Date", F_LAST_ATTEMPT },
	{ "Final-Log-ID", F_PER_RCPT_OTHER },
	{ "Will-Retry-Until", F_PER_RCPT_OTHER },
};

/* Parser state for one status part. */
struct pstate {
	struct dsn	*d;
	bool		 global;
	unsigned	 part;
	struct dsn_rcpt	*cur;		/* the recipient being filled, or NULL */
	bool		 overflow;	/* cur is the scratch: beyond the cap */
	struct dsn_rcpt	 scratch;
	bool		 cur_has_rcpt;	/* it has a recipient field */
	bool		 cur_seen_orig, cur_seen_final;
	bool		 nomem;
	enum field	 f;		/* the field being collected */
	bool		 in_field;
	char		 val[FIELD_MAX];
	size_t		 vlen;
};

void
dsn_init(struct dsn *d)
{
	memset(d, 0, sizeof *d);
}

void
dsn_free(struct dsn *d)
{
	free(d->rcpt);
	d->rcpt = NULL;
	d->nrcpt = d->cap = 0;
}

const char *
dsn_recipient(const struct dsn_rcpt *r)
{
	return r->final_rcpt[0] ? r->final_rcpt : r->orig_rcpt;
}

static enum field
field_of(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (str_caseeqn(name, n, fields[i].name))
			return fields[i].f;
	return F_OTHER;
}

/* strip_comments - remove "(...)" comments (nested) in place, then trim */
static char *
strip_comments(char *s)
{
	char *w = s;
	const char *r;
	int depth = 0;

	for (r = s; *r; r++) {
		if (*r == '(')
			depth++;
		else if (*r == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			*w++ = *r;
	}
	*w = '\0';
	return str_trim(s);
}

/*
 * strip_type - "rfc822; a@b" -> "a@b".  The type is an atom before ';'
 * (also "rfc/822", "utf-8"); angle brackets around the address go too.
 */
static const char *
strip_type(char *v, size_t *len)
{
	char *semi = strchr(v, ';'), *p, *e;

	if (semi != NULL && memchr(v, '@', (size_t)(semi - v)) == NULL &&
	    memchr(v, '<', (size_t)(semi - v)) == NULL)
		v = semi + 1;
	p = str_trim(v);
	e = p + strlen(p);
	if (*p == '<' && e > p + 1 && e[-1] == '>') {
		p++;
		*--e = '\0';
	}
	*len = (size_t)(e - p);
	return p;
}

/*
 * new_rcpt - start a recipient group; beyond the cap, the scratch group
 * (parsed, then counted as dropped); NULL on ENOMEM.
 */
static struct dsn_rcpt *
new_rcpt(struct pstate *ps)
{
	struct dsn *d = ps->d;

	ps->cur_has_rcpt = ps->cur_seen_orig = ps->cur_seen_final = false;
	if (d->nrcpt >= DSN_MAX_RCPTS) {
		ps->overflow = true;
		return &ps->scratch;
	}
	if (d->nrcpt == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 4;
		struct dsn_rcpt *n;

		if (ncap > DSN_MAX_RCPTS)
			ncap = DSN_MAX_RCPTS;
		if ((n = realloc(d->rcpt, ncap * sizeof *n)) == NULL) {
			ps->nomem = true;
			return NULL;
		}
		d->rcpt = n;
		d->cap = ncap;
	}
	memset(&d->rcpt[d->nrcpt], 0, sizeof d->rcpt[0]);
	d->rcpt[d->nrcpt].part = ps->part;
	return &d->rcpt[d->nrcpt++];
}

/* end_group - a group with no recipient field is not a recipient */
static void
end_group(struct pstate *ps)
{
	if (ps->overflow) {
		if (ps->cur_has_rcpt)
			ps->d->dropped++;
		else
			ps->d->orphans++;
		ps->overflow = false;
	} else if (ps->cur != NULL && !ps->cur_has_rcpt) {
		ps->d->nrcpt--;
		ps->d->orphans++;
	}
	ps->cur = NULL;
	ps->cur_has_rcpt = false;
}

/* commit - store the collected field */
static void
commit(struct pstate *ps)
{
	struct dsn_rcpt *r;
	enum field f = ps->f;
	char *v;
	size_t n;

	if (!ps->in_field)
		return;
	ps->in_field = false;
	ps->val[ps->vlen] = '\0';
	v = str_trim(ps->val);
	if (f == F_REPORTING_MTA) {
		if (ps->d->reporting_mta[0] == '\0')
			str_copy(ps->d->reporting_mta, sizeof ps->d->reporting_mta,
			    v);
		return;
	}
	if (f == F_OTHER)
		return;
	/* A repeated recipient field starts the next recipient: several
	   recipients without blank lines between them (rhost-aol-03). */
	if (ps->cur != NULL && ((f == F_ORIG_RCPT && ps->cur_seen_orig) ||
	    (f == F_FINAL_RCPT && ps->cur_seen_final)))
		end_group(ps);
	if (ps->cur == NULL)
		ps->cur = new_rcpt(ps);
	if ((r = ps->cur) == NULL)
		return;
	switch (f) {
	case F_ORIG_RCPT:
	case F_FINAL_RCPT: {
		const char *a = strip_type(v, &n);

		str_copyn(f == F_FINAL_RCPT ? r->final_rcpt : r->orig_rcpt,
		    DSN_ADDR_MAX, a, n);
		if (f == F_FINAL_RCPT)
			ps->cur_seen_final = true;
		else
			ps->cur_seen_orig = true;
		ps->cur_has_rcpt = true;
		break;
	}
	case F_ACTION: {
		char *p;

		v = strip_comments(v);
		for (p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		str_copy(r->action, sizeof r->action, v);
		break;
	}
	case F_STATUS:
		v = strip_comments(v);
		n = strcspn(v, " \t;");
		str_copyn(r->status, sizeof r->status, v, n);
		r->has_status = true;
		break;
	case F_REMOTE_MTA:
		str_copy(r->remote_mta, sizeof r->remote_mta, v);
		break;
	case F_DIAGNOSTIC:
		str_copy(r->diagnostic, sizeof r->diagnostic, v);
		break;
	case F_LAST_ATTEMPT:
		str_copy(r->last_attempt, sizeof r->last_attempt, v);
		break;
	default:
		break;
	}
}

/* append - add text to the field value, one space between pieces */
static void
append(struct pstate *ps, const char *s, size_t n)
{
	str_span_trim(&s, &n);
	if (n == 0)
		return;
	if (ps->vlen > 0 && ps->vlen + 1 < FIELD_MAX)
		ps->val[ps->vlen++] = ' ';
	if (ps->vlen + n >= FIELD_MAX)
		n = FIELD_MAX - 1 - ps->vlen;
	memcpy(ps->val + ps->vlen, s, n);
	ps->vlen += n;
}

/* field_name - length of "Name" in "Name :" at the start of l, or 0 */
static size_t
field_name(const char *l, size_t n, size_t *colon)
{
	size_t k = 0, j;

	while (k < n && (isalnum((unsigned char)l[k]) || l[k] == '-' ||
	    l[k] == '_'))
		k++;
	if (k == 0)
		return 0;
	/* "Status : 5.0.0" (lhost-mimecast-02) */
	for (j = k; j < n && (l[j] == ' ' || l[j] == '\t'); j++)
		;
	if (j >= n || l[j] != ':')
		return 0;
	*colon = j;
	return k;
}

static void
line(struct pstate *ps, const char *l, size_t n)
{
	size_t k, colon;
	const char *p = l;
	size_t m = n;

	str_span_trim(&p, &m);
	if (m == 0) {			/* blank line: end of a block */
		commit(ps);
		end_group(ps);
		return;
	}
	if (l[0] == ' ' || l[0] == '\t') {	/* folded */
		if (ps->in_field)
			append(ps, l, n);
		return;
	}
	if ((k = field_name(l, n, &colon)) == 0) {
		/* Not a field: a continuation that lost its indentation
		   (rhost-messagelabs-01). */
		if (ps->in_field)
			append(ps, l, n);
		return;
	}
	commit(ps);
	ps->f = field_of(l, k);
	ps->in_field = true;
	ps->vlen = 0;
	append(ps, l + colon + 1, n - colon - 1);
}

int
dsn_parse_fields(struct dsn *d, const char *s, size_t len, bool global)
{
	struct pstate *ps = calloc(1, sizeof *ps);
	size_t pos = 0;
	int rc;

	if (ps == NULL)
		return -1;
	ps->d = d;
	ps->global = global;
	ps->part = ++d->nparts;
	if (global)
		d->global = true;
	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t e = end;

		if (e > pos && s[e - 1] == '\r')
			e--;
		line(ps, s + pos, e - pos);
		pos = nl ? end + 1 : len;
	}
	commit(ps);
	end_group(ps);
	rc = ps->nomem ? -1 : 0;
	free(ps);
	return rc;
}

struct walkctx {
	struct dsn	*d;
	int		 rc;
};

static int
on_part(void *arg, const char *type, const char *cte,
    const struct mime_entity *e)
{
	struct walkctx *w = arg;
	bool global;
	char *dec;
	size_t dlen;

	if (strcmp(type, "message/delivery-status") == 0)
		global = false;
	else if (strcmp(type, "message/global-delivery-status") == 0)
		global = true;
	else
		return 0;
	/* A status part is small (1000 recipients fit in 2 MB); a gigantic
	   one is read up to DSN_PART_MAX, so memory stays bounded. */
	if ((dec = mime_decode(cte, e->body, e->bodylen > DSN_PART_MAX ?
	    DSN_PART_MAX : e->bodylen, &dlen)) == NULL) {
		w->rc = -1;
		return 1;
	}
	if (dsn_parse_fields(w->d, dec, dlen, global) != 0)
		w->rc = -1;
	free(dec);
	return w->rc;
}

int
dsn_parse_message(struct dsn *d, const char *s, size_t len)
{
	struct walkctx w = { d, 0 };

	mime_walk(s, len, on_part, &w);
	return w.rc;
}

int
dsn_parse_body(struct dsn *d, const char *ctype, const char *cte,
    const char *body, size_t len)
{
	struct walkctx w = { d, 0 };

	mime_walk_body(ctype, cte, body, len, on_part, &w);
	return w.rc;
}

bool
dsn_is_report(const char *ctype_value)
{
	char type[64], rt[64];

	mime_ctype(ctype_value, type, sizeof type, "report-type", rt, sizeof rt);
	if (strcmp(type, "multipart/report") != 0)
		return false;
	return rt[0] == '\0' || strcasecmp(rt, "delivery-status") == 0 ||
	    strcasecmp(rt, "global-delivery-status") == 0;
}

/* reply_at - "NNN[ -][X.Y.Z]" at t: the basic and enhanced codes */
static bool
reply_at(const char *t, unsigned *code, bool *has_x, struct xcode *x,
    bool *x_bad)
{
	size_t n;

	if (!(t[0] >= '2' && t[0] <= '5') || !(t[1] >= '0' && t[1] <= '5') ||
	    !isdigit((unsigned char)t[2]) ||
	    (t[3] != '\0' && t[3] != ' ' && t[3] != '-' && t[3] != '\t'))
		return false;
	*code = (unsigned)((t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0'));
	*has_x = *x_bad = false;
	t += 3;
	if (*t == '-' || *t == ' ' || *t == '\t')
		t++;
	while (*t == ' ' || *t == '\t')
		t++;
	n = strcspn(t, " \t;,");
	if (n > 0 && xcode_looks_like(t, n)) {
		if (xcode_parse(t, n, 0, x, NULL) == n)
			*has_x = true;
		else
			*x_bad = true;
	}
	return true;
}

/*
 * diag_reply - the SMTP reply in a Diagnostic-Code: "smtp; 550 5.1.1 ..."
 * (also "550-5.1.1 ..." from multi-line replies, "smtp;550 ...").  Sets
 * the basic code and, when present, the enhanced code.  A failure whose
 * diagnostic starts with a 2xx/3xx line (a greeting logged before the
 * refusal: "220-host 421 4.2.1 ...") is read at its first 4xx/5xx reply.
 */
static bool
diag_reply(const char *diag, char status_cls, unsigned *code, bool *has_x,
    struct xcode *x, bool *x_bad)
{
	const char *semi = strchr(diag, ';'), *t, *p;

	*code = 0;
	*has_x = *x_bad = false;
	t = semi ? semi + 1 : diag;
	if (semi != NULL) {
		const char *ty = diag;
		size_t tl = (size_t)(semi - diag);

		str_span_trim(&ty, &tl);
		/* Only SMTP replies carry SMTP codes; other types (X-Unix,
		   X-Postfix) hold free text whose numbers mean nothing. */
		if (!str_caseeqn(ty, tl, "smtp") && !str_caseeqn(ty, tl, "lmtp") &&
		    !str_caseeqn(ty, tl, "esmtp"))
			return false;
	}
	while (*t == ' ' || *t == '\t')
		t++;
	if (!reply_at(t, code, has_x, x, x_bad))
		return false;
	if (*code >= 400 || status_cls == '2')
		return true;
	for (p = t + 3; *p != '\0'; p++) {
		unsigned c2;
		bool h2, b2;
		struct xcode x2;

		if ((p[-1] == ' ' || p[-1] == '\t') && (*p == '4' || *p == '5') &&
		    reply_at(p, &c2, &h2, &x2, &b2)) {
			*code = c2;
			*has_x = h2;
			*x_bad = b2;
			if (h2)
				*x = x2;
			break;
		}
	}
	return true;
}

/* keep - copy a finding of the Diagnostic-Code's reply, once per id */
static void
keep(struct findings *fs, const struct finding *f, const char *prefix)
{
	struct finding *n;

	if (findings_has(fs, f->id))
		return;
	n = findings_add(fs, f->id, f->sev, 0, 0, "%s%s", prefix, f->msg);
	if (n != NULL)
		str_copy(n->suggestion, sizeof n->suggestion, f->suggestion);
}

/* check_diag - the Diagnostic-Code against itself and against Status: */
static void
check_diag(const struct registry *reg, struct dsn_class *c, bool st_ok,
    const struct xcode *st, bool dx_ok, const struct xcode *dx)
{
	char buf[64], a[XCODE_STRLEN], b[XCODE_STRLEN];
	struct findings tmp;
	struct reply rp;
	struct validate_opts o = { STAGE_NONE, false, false, true };
	const struct xcode *use = dx_ok ? dx : (st_ok ? st : NULL);
	unsigned i, dcls = c->diag_code / 100;

	if (use == NULL || c->diag_code == 0)
		return;
	if (st_ok && dx_ok && (st->cls != dx->cls || st->subject != dx->subject ||
	    st->detail != dx->detail)) {
		struct finding *f = findings_add(&c->fs, FID_STATUS_MISMATCH,
		    SEV_WARNING, 0, 0,
		    "the Diagnostic-Code's reply carries %s but Status: says %s: "
		    "the reporting MTA did not pass on the remote server's code",
		    xcode_format(dx, a, sizeof a), xcode_format(st, b, sizeof b));
		if (f != NULL)
			str_copy(f->suggestion, sizeof f->suggestion, a);
	} else if (st_ok && !dx_ok && dcls != st->cls) {
		findings_add(&c->fs, FID_STATUS_MISMATCH, SEV_WARNING, 0, 0,
		    "the Diagnostic-Code's reply is %u (class %u) but Status: says "
		    "%s (class %u)", c->diag_code, dcls,
		    xcode_format(st, b, sizeof b), st->cls);
	}
	if (dx_ok && dx->cls != dcls) {
		findings_add(&c->fs, FID_CLASS_MISMATCH, SEV_ERROR, 0, 0,
		    "the Diagnostic-Code's reply %u carries %s: the remote server "
		    "gave a class %u code with a class %u reply (RFC 3463 requires "
		    "the same class)", c->diag_code, xcode_format(dx, a, sizeof a),
		    dx->cls, dcls);
	}
	if (use->cls != dcls)
		return;
	/* The reply as the validator sees one: the basic codes the registry
	   pairs with the enhanced code, the code's registration. */
	snprintf(buf, sizeof buf, "%03u %s x", c->diag_code,
	    xcode_format(use, a, sizeof a));
	findings_init(&tmp);
	reply_check(reg, buf, strlen(buf), &o, &rp, &tmp);
	for (i = 0; i < tmp.n; i++) {
		const struct finding *f = &tmp.v[i];

		if (f->id == FID_BASIC_NOT_ASSOCIATED)
			keep(&c->fs, f, "");
		else if (dx_ok && (f->id == FID_UNREGISTERED ||
		    f->id == FID_UNKNOWN_SUBJECT || f->id == FID_DEPRECATED))
			keep(&c->fs, f, "in the Diagnostic-Code: ");
	}
}

/* check_code - registry checks of the effective status */
static void
check_code(const struct registry *reg, struct dsn_class *c)
{
	const struct xcode *x = &c->code;
	const char *s = c->status;

	if (!registry_subject_known(reg, x->subject)) {
		findings_add(&c->fs, FID_UNKNOWN_SUBJECT, SEV_ERROR, 0, 0,
		    "%s: subject %u is not in the registry; only the class "
		    "(%s) is known", s, x->subject,
		    class_name(x->cls) ? class_name(x->cls) : "unknown");
		return;
	}
	if (c->entry == NULL) {
		findings_add(&c->fs, FID_UNREGISTERED, SEV_WARNING, 0, 0,
		    "%s is not registered; it still means %s, %s", s,
		    class_name(x->cls) ? class_name(x->cls) : "unknown class",
		    subject_name(x->subject) ? subject_name(x->subject) :
		    "unknown subject");
		return;
	}
	if (c->entry->deprecated) {
		struct finding *f = findings_add(&c->fs, FID_DEPRECATED,
		    SEV_WARNING, 0, 0, "%s is deprecated in the registry", s);

		if (f != NULL && c->entry->has_replacement)
			snprintf(f->suggestion, sizeof f->suggestion, "%u.%u.%u",
			    x->cls, c->entry->repl_subject, c->entry->repl_detail);
	}
}

/* status_code - parse the Status: value */
static bool
status_code(const struct dsn_rcpt *r, struct dsn_class *c, struct xcode *x,
    bool dx_ok, const struct xcode *dx)
{
	enum xcode_error why = XCODE_OK;
	size_t n = strlen(r->status);
	char a[XCODE_STRLEN];

	if (n == 0) {
		if (dx_ok)
			findings_add(&c->fs, FID_XCODE_MISSING, SEV_WARNING, 0, 0,
			    "%s; RFC 3464 requires one per recipient (classified "
			    "from the Diagnostic-Code's %s)", r->has_status ?
			    "empty Status: field" : "no Status: field",
			    xcode_format(dx, a, sizeof a));
		else
			findings_add(&c->fs, FID_XCODE_MISSING, SEV_WARNING, 0, 0,
			    "%s; RFC 3464 requires one per recipient%s",
			    r->has_status ? "empty Status: field" :
			    "no Status: field", c->diag_code ?
			    " (only the class is known, from the Diagnostic-Code's "
			    "reply)" : "");
		return false;
	}
	if (xcode_parse(r->status, n, XCODE_DSN, x, &why) == n) {
		if (x->cls == 2 || x->cls == 4 || x->cls == 5)
			return true;
		why = XCODE_BAD_CLASS;
	}
	{
		char shown[48];
		struct finding *f;

		safe(shown, sizeof shown, r->status);
		f = findings_add(&c->fs, FID_XCODE_SYNTAX, SEV_ERROR, 0, 0,
		    "Status: \"%s\": %s", shown, xcode_error_str(why));
		if (xcode_repair(r->status, n, x)) {
			if (f != NULL)
				xcode_format(x, f->suggestion, sizeof f->suggestion);
			return true;	/* "5.01.1" still means 5.1.1 */
		}
	}
	return false;
}

void
dsn_classify(const struct registry *reg, const struct dsn_rcpt *r,
    struct dsn_class *c)
{
	struct xcode st, dx;
	bool st_ok, dx_ok = false, dx_bad = false;
	const char *a = r->action;

	memset(c, 0, sizeof *c);
	findings_init(&c->fs);
	c->recipient = dsn_recipient(r);
	c->category = CAT_UNKNOWN;
	if (r->diagnostic[0] != '\0')
		diag_reply(r->diagnostic, r->status[0], &c->diag_code, &dx_ok,
		    &dx, &dx_bad);
	st_ok = status_code(r, c, &st, dx_ok, &dx);
	if (st_ok) {
		c->code = st;
		c->from = DSN_FROM_STATUS;
	} else if (dx_ok) {
		c->code = dx;
		c->from = DSN_FROM_DIAGNOSTIC;
	} else {
		c->from = DSN_FROM_NONE;
	}
	if (st_ok || dx_ok) {
		c->has_code = true;
		c->cls = c->code.cls;
		xcode_format(&c->code, c->status, sizeof c->status);
		c->category = category_of(c->code.subject);
		c->entry = registry_lookup(reg, c->code.subject, c->code.detail);
		c->registered = c->entry != NULL;
		check_code(reg, c);
	} else if (c->diag_code != 0) {
		c->cls = c->diag_code / 100;
	}
	if (dx_bad)
		findings_add(&c->fs, FID_XCODE_SYNTAX, SEV_ERROR, 0, 0,
		    "the Diagnostic-Code's enhanced code is not class.subject.detail "
		    "per RFC 3463");
	check_diag(reg, c, st_ok, &st, dx_ok, &dx);
	/* An action the status contradicts. */
	if (c->cls != 0 && ((strcmp(a, "delayed") == 0 && c->cls == 5) ||
	    ((strcmp(a, "delivered") == 0 || strcmp(a, "relayed") == 0 ||
	    strcmp(a, "expanded") == 0) && c->cls != 2)))
		findings_add(&c->fs, FID_STATUS_MISMATCH, SEV_WARNING, 0, 0,
		    "Action: %s contradicts a class %u status (%s)", a, c->cls,
		    class_name(c->cls) ? class_name(c->cls) : "unknown class");
	if (strcmp(a, "failed") == 0 || strcmp(a, "delayed") == 0)
		c->failed = true;
	else if (strcmp(a, "delivered") != 0 && strcmp(a, "relayed") != 0 &&
	    strcmp(a, "expanded") != 0)
		c->failed = c->cls == 4 || c->cls == 5;	/* missing or odd */
}

/* safe - copy for a header value: no controls, no invalid UTF-8, no <> */
static size_t
safe(char *out, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0;

	while (i < len && o + 4 < cap) {
		size_t k = p[i] >= 0x80 ? utf8_seq(p + i, len - i) : 1;

		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f ||
		    p[i] == '<' || p[i] == '>' || p[i] == ';'))) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}

char *
dsn_header(const struct dsn_rcpt *r, const struct dsn_class *c, char *buf,
    size_t size)
{
	char addr[DSN_ADDR_MAX * 2], act[DSN_WORD_MAX];

	safe(addr, sizeof addr, c->recipient ? c->recipient : "");
	safe(act, sizeof act, r->action[0] ? r->action : "unknown");
	snprintf(buf, size, "%s; action=%s; category=%s; registered=%s; rcpt=<%s>",
	    c->has_code ? c->status : "unknown", act,
	    category_name(c->category), c->registered ? "yes" : "no", addr);
	return buf;
}

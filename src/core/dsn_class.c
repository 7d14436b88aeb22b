/*
 * dsn_class.c - classifying a DSN recipient (see dsn.h): the status used,
 * its class and category, what the registry says, and where the
 * Diagnostic-Code disagrees; and the X-ESC-DSN header value.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "reply.h"
#include "strutil.h"
#include "utf8.h"

static size_t safe(char *out, size_t cap, const char *s);

/* reply_at - "NNN[ -][X.Y.Z]" at t: the basic and enhanced codes */
static bool
reply_at(const char *t, unsigned *code, bool *has_x, struct xcode *x,
    bool *x_bad)
{
	struct reply_head h;

	if (!reply_head(t, strlen(t), REPLY_HEAD_TAB | REPLY_HEAD_PUNCT, &h))
		return false;
	*code = h.code;
	*has_x = h.has_xcode;
	*x_bad = h.xcode_len > 0 && !h.has_xcode;
	if (h.has_xcode)
		*x = h.x;
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

/* keep_finding - copy a finding of the Diagnostic-Code's reply, once per id */
static void
keep_finding(struct findings *fs, const struct finding *f,
    const char *prefix)
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
			keep_finding(&c->fs, f, "");
		else if (dx_ok && (f->id == FID_UNREGISTERED ||
		    f->id == FID_UNKNOWN_SUBJECT || f->id == FID_DEPRECATED))
			keep_finding(&c->fs, f, "in the Diagnostic-Code: ");
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
		    registry_class_name(x->cls) ?
		    registry_class_name(x->cls) : "unknown");
		return;
	}
	if (c->entry == NULL) {
		findings_add(&c->fs, FID_UNREGISTERED, SEV_WARNING, 0, 0,
		    "%s is not registered; it still means %s, %s", s,
		    registry_class_name(x->cls) ?
		    registry_class_name(x->cls) : "unknown class",
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

/* basic_in_status - Status: "553 Exceeded ..." holds a basic reply code
   (a reporting MTA that wrote the SMTP reply there): its class, or 0 */
static unsigned
basic_in_status(const char *s, size_t n)
{
	if (n < 3 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    (n > 3 && s[3] != ' ' && s[3] != '\t' && s[3] != '-'))
		return 0;
	return (unsigned)(s[0] - '0');
}

/* status_code - parse the Status: value; *basic_cls is set to the class
   of a basic reply code written there instead (0 when none) */
static bool
status_code(const struct dsn_rcpt *r, struct dsn_class *c, struct xcode *x,
    bool dx_ok, const struct xcode *dx, unsigned *basic_cls)
{
	enum xcode_error why = XCODE_OK;
	size_t n = strlen(r->status);
	char a[XCODE_STRLEN];

	*basic_cls = basic_in_status(r->status, n);
	if (*basic_cls != 0) {
		char shown[48];

		safe(shown, sizeof shown, r->status);
		findings_add(&c->fs, FID_XCODE_SYNTAX, SEV_ERROR, 0, 0,
		    "Status: \"%s\" holds a basic reply code where RFC 3464 wants "
		    "an enhanced status code (class.subject.detail); read as class "
		    "%u%s", shown, *basic_cls, dx_ok ? ", the Diagnostic-Code's "
		    "enhanced code used" : "");
		return false;
	}

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

/* The actions RFC 3464 defines, and what others mean. */
static const struct {
	const char	*name;
	int		 failed;	/* 1 yes, 0 no, -1 as the class says */
} actions[] = {
	{ "failed", 1 }, { "delayed", 1 }, { "delivered", 0 }, { "relayed", 0 },
	{ "expanded", 0 },
};

/* action_failed - does the action say the recipient failed (or is
   delayed)?  An action outside RFC 3464's five gets a finding: "failure",
   "error", "fail..." mean failed; any other goes by the class. */
static bool
action_failed(struct dsn_class *c, const char *a)
{
	char shown[DSN_WORD_MAX];
	bool failed;
	size_t i;

	for (i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(a, actions[i].name) == 0)
			return actions[i].failed == 1;
	failed = strncasecmp(a, "fail", 4) == 0 || strcasecmp(a, "error") == 0 ||
	    strcasecmp(a, "delay") == 0 || c->cls == 4 || c->cls == 5;
	if (a[0] == '\0')
		return failed;		/* no Action: the class says */
	safe(shown, sizeof shown, a);
	findings_add(&c->fs, FID_ACTION_UNKNOWN, SEV_WARNING, 0, 0,
	    "Action: %s is not one of RFC 3464's actions (failed, delayed, "
	    "delivered, relayed, expanded); read as %s", shown,
	    failed ? "failed" : "not failed");
	return failed;
}

/*
 * flatten - a multi-line reply written on one line ("550-5.7.1 a 550-5.7.1
 * b 550 5.7.1 c"): its later lines' codes dropped, as the log reader does;
 * NULL when there is nothing to drop (or on ENOMEM)
 */
static char *
flatten(const char *t, const char *code)
{
	size_t n = strlen(t), i, o = 0, k;
	char *out;

	if (code == NULL || strlen(code) != 3)
		return NULL;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (t[i] == ' ' && i + 4 < n && memcmp(t + i + 1, code, 3) == 0 &&
		    (t[i + 4] == '-' || t[i + 4] == ' ')) {
			/* " 550-" and an enhanced code after it, if any */
			k = i + 5;
			while (k < n && ((t[k] >= '0' && t[k] <= '9') || t[k] == '.'))
				k++;
			if (k > i + 5 && k < n && t[k] == ' ')
				k++;
			else if (k > i + 5 && k != n)
				k = i + 5;
			out[o++] = ' ';
			i = k - 1;
			continue;
		}
		out[o++] = t[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * dsn_reason - why: the Diagnostic-Code's text (after its type and reply
 * codes) with its enhanced code when it has one (the remote server's own
 * word, more specific than a reporting MTA's Status:), else Status:; the
 * type is the program, the Remote-MTA gives the provider.  Where the
 * status part is silent, the human-readable part lends the reply and the
 * SMTP command it answered (dsn_notice_hint).
 */
static void
dsn_reason(const struct tables *tab, const struct dsn *d,
    const struct dsn_rcpt *r, struct dsn_class *c, bool dx_ok,
    const struct xcode *dx)
{
	const char *t = r->diagnostic, *semi, *ty;
	struct reason_in in;
	struct reason_out out;
	struct reply_head h;
	struct dsn_hint *hint = malloc(sizeof *hint);
	char prog[DSN_WORD_MAX], code[16], xc[XCODE_STRLEN], *flat = NULL;
	bool from_notice = false;
	size_t tl;

	memset(&in, 0, sizeof in);
	in.dir = RD_DSN;
	if (hint != NULL) {
		dsn_notice_hint(d, r, hint);
		in.stage = hint->stage;
		if (t[0] == '\0' && hint->reply[0] != '\0') {
			t = hint->reply;
			from_notice = true;
		}
	}
	if ((semi = strchr(t, ';')) != NULL && t != (hint ? hint->reply : NULL)) {
		ty = t;
		tl = (size_t)(semi - t);
		str_span_trim(&ty, &tl);
		if (tl > 0 && tl < sizeof prog && memchr(ty, ' ', tl) == NULL) {
			memcpy(prog, ty, tl);
			prog[tl] = '\0';
			in.program = str_lower(prog);
			t = semi + 1;
		}
	}
	while (*t == ' ' || *t == '\t')
		t++;
	/* the text of an SMTP reply follows its codes; other types (X-Unix,
	   X-Postfix) are free text */
	if ((in.program == NULL || strcmp(in.program, "smtp") == 0 ||
	    strcmp(in.program, "lmtp") == 0 || strcmp(in.program, "esmtp") == 0) &&
	    reply_head(t, strlen(t), REPLY_HEAD_TAB | REPLY_HEAD_PUNCT, &h)) {
		if (c->diag_code == 0) {
			snprintf(code, sizeof code, "%03u", h.code);
			in.code = code;
		}
		if (!dx_ok && h.has_xcode)
			in.xcode = xcode_format(&h.x, xc, sizeof xc);
		t += h.text_off;
	}
	if (c->diag_code != 0) {
		snprintf(code, sizeof code, "%03u", c->diag_code);
		in.code = code;
	}
	if (dx_ok) {
		in.xcode = xcode_format(dx, xc, sizeof xc);
	} else if (in.xcode == NULL && c->has_code) {
		in.xcode = c->status;
		/* the remote server said only a basic code: Status: is the
		   reporting MTA's rendering of it, and the text says more */
		in.xcode_weak = c->diag_code != 0;
		/* a message that expired says why it kept failing: that
		   is what is to be done something about */
		if (from_notice && c->code.subject == 4 && c->code.detail == 7)
			in.xcode_weak = true;
	}
	/* a delivery to a program ("|/usr/bin/procmail") */
	if (in.program == NULL && dsn_recipient(r)[0] == '|')
		in.program = "pipe";
	flat = flatten(t, in.code);
	if (flat != NULL)
		t = flat;
	in.text = *t ? t : NULL;
	in.textlen = strlen(t);
	in.provider = c->provider = provider_of_host(tab, r->remote_mta,
	    strlen(r->remote_mta));
	reasons_classify(tab->reasons, tab->reg, &in, &out);
	c->reason = out.reason;
	str_copy(c->reason_detail, sizeof c->reason_detail, out.detail);
	if (out.inferred && !c->has_code) {
		c->inferred = true;
		c->category = category_of((unsigned)out.subject);
	}
	free(hint);
	free(flat);
}

void
dsn_classify(const struct tables *tab, const struct dsn *d,
    const struct dsn_rcpt *r, struct dsn_class *c)
{
	const struct registry *reg = tab->reg;
	struct xcode st, dx;
	bool st_ok, dx_ok = false, dx_bad = false;
	const char *a = r->action;
	unsigned basic_cls;

	memset(c, 0, sizeof *c);
	findings_init(&c->fs);
	c->recipient = dsn_recipient(r);
	c->category = CAT_UNKNOWN;
	if (r->diagnostic[0] != '\0')
		diag_reply(r->diagnostic, r->status[0], &c->diag_code, &dx_ok,
		    &dx, &dx_bad);
	st_ok = status_code(r, c, &st, dx_ok, &dx, &basic_cls);
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
	} else {
		c->cls = basic_cls;
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
		    registry_class_name(c->cls) ?
		    registry_class_name(c->cls) : "unknown class");
	c->failed = action_failed(c, a);
	dsn_reason(tab, d, r, c, dx_ok, &dx);
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
	snprintf(buf, size, "%s; action=%s; category=%s; registered=%s; "
	    "reason=%s; rcpt=<%s>", c->has_code ? c->status : "unknown", act,
	    category_name(c->category), c->registered ? "yes" : "no",
	    reason_name(c->reason), addr);
	return buf;
}

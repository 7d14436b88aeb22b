/*
 * validate.c - the checks of SPEC section 2 that go beyond syntax:
 * registry, class, stage, text safety and specific-code hints.
 * Entry point reply_validate() is declared in reply.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "basic.h"
#include "reply.h"
#include "strutil.h"

/* A mechanism that has its own registered code. */
struct mechanism {
	const char	*word;		/* matched as a whole word, any case */
	const char	*name;		/* for the message */
	unsigned	 subject, detail;
};

static const struct mechanism mechanisms[] = {
	{ "SPF", "SPF", 7, 23 },
	{ "DKIM", "DKIM", 7, 20 },
	{ "DMARC", "DMARC", 7, 26 },
	{ "reverse DNS", "reverse DNS", 7, 25 },
	{ "rDNS", "reverse DNS", 7, 25 },
	{ "PTR", "reverse DNS", 7, 25 },
	{ "null MX", "null MX", 7, 27 },
	{ "nullmx", "null MX", 7, 27 },
	{ "ARC", "ARC", 7, 29 },
	{ "REQUIRETLS", "REQUIRETLS", 7, 30 },
	{ NULL, NULL, 0, 0 },
};

/* suggest - "550 5.7.23": a basic code the registry pairs with the code */
static void
suggest(const struct registry *reg, unsigned cls, unsigned subject,
    unsigned detail, unsigned fallback_code, char *buf, size_t size)
{
	const struct reg_entry *e = registry_lookup(reg, subject, detail);
	unsigned code = 0;

	if (e != NULL)
		code = basic_first_for_class(&e->basic, cls);
	if (code == 0)
		code = fallback_code / 100 == cls ? fallback_code :
		    cls * 100 + (cls == 4 ? 51 : 50);
	snprintf(buf, size, "%03u %u.%u.%u", code, cls, subject, detail);
}

/* check_text - control characters, CR/LF, lone '%', length */
static void
check_text(const struct reply *r, struct findings *fs)
{
	unsigned i;

	for (i = 0; i < r->nlines; i++) {
		const struct reply_line *rl = &r->line[i];
		const char *t = rl->raw;
		size_t k, len = rl->rawlen;
		bool crlf = false, ctl = false, pct = false;

		for (k = 0; k < len; k++) {
			unsigned char c = (unsigned char)t[k];

			if ((c == '\r' || c == '\n') && !crlf) {
				crlf = true;
				findings_add(fs, FID_TEXT_CRLF, SEV_ERROR, i + 1,
				    (unsigned)k + 1, "a carriage return or line "
				    "feed inside a line; libmilter refuses the whole "
				    "reply (write \\n in the configuration to start "
				    "a new line)");
			} else if (((c < 0x20 && c != '\t' && c != '\r' &&
			    c != '\n') || c == 0x7f) && !ctl) {
				ctl = true;
				findings_add(fs, FID_TEXT_CONTROL, SEV_ERROR, i + 1,
				    (unsigned)k + 1, "control character 0x%02x in "
				    "the reply text; SMTP reply text is printable "
				    "ASCII (RFC 5321 textstring); remove it", c);
			} else if (c == '%') {
				if (k + 1 < len && t[k + 1] == '%') {
					k++;	/* "%%" is an escaped percent */
				} else if (!pct) {
					pct = true;
					findings_add(fs, FID_TEXT_PERCENT,
					    SEV_WARNING, i + 1, (unsigned)k + 1,
					    "lone '%%': Postfix deletes it and "
					    "Sendmail replaces the whole text with "
					    "its default; write '%%%%' for a "
					    "percent sign (esc-milter escapes it "
					    "for you)");
				}
			}
		}
		if (len + 2 > REPLY_LINE_MAX)
			findings_add(fs, FID_TEXT_TOO_LONG, SEV_ERROR, i + 1,
			    REPLY_LINE_MAX - 1, "line %u is %zu octets with CRLF; "
			    "RFC 5321 allows %d: shorten the text or split it "
			    "over several lines", i + 1, len + 2, REPLY_LINE_MAX);
	}
}

/* check_generic - a mechanism named in the text, but a generic code */
static void
check_generic(const struct registry *reg, const struct reply *r,
    const struct validate_opts *o, struct findings *fs)
{
	const struct mechanism *m;
	unsigned i;

	if (!r->has_xcode || r->x.subject != 7 || r->x.detail > 1)
		return;
	for (m = mechanisms; m->word != NULL; m++) {
		for (i = 0; i < r->nlines; i++) {
			size_t tlen;
			const char *t = reply_text(r, i, &tlen);
			unsigned subj = m->subject, det = m->detail;
			struct finding *f;

			if (!str_has_word(t, tlen, m->word))
				continue;
			/* SPF temperror/permerror has its own code. */
			if (det == 23 && (str_has_word(t, tlen, "error") ||
			    str_has_word(t, tlen, "temperror") ||
			    str_has_word(t, tlen, "permerror")))
				det = 24;
			/* A recipient domain's null MX is X.1.10. */
			if (det == 27 && o->stage == STAGE_RCPT) {
				subj = 1;
				det = 10;
			}
			f = findings_add(fs, FID_GENERIC_CODE, SEV_NOTE, i + 1,
			    r->line[i].xcode_len ? (unsigned)r->line[i].xcode_off + 1 : 0,
			    "the text is about %s, which has its own registered "
			    "code %u.%u.%u; %u.7.%u says only \"%s\"", m->name,
			    r->x.cls, subj, det, r->x.cls, r->x.detail,
			    r->x.detail == 0 ? "other security or policy status" :
			    "delivery not authorized");
			if (f != NULL)
				suggest(reg, r->x.cls, subj, det, r->code,
				    f->suggestion, sizeof f->suggestion);
			return;
		}
	}
}

/* check_stage - subjects that cannot fit the stage */
static void
check_stage(const struct reply *r, const struct validate_opts *o,
    struct findings *fs)
{
	unsigned s = r->x.subject, d = r->x.detail;
	unsigned col = r->line[0].xcode_len ? (unsigned)r->line[0].xcode_off + 1 : 0;

	if (o->stage == STAGE_NONE)
		return;
	if (o->stage == STAGE_CONNECT) {
		findings_add(fs, FID_STAGE_SUBJECT, SEV_WARNING, 0, 0,
		    "a reply at CONNECT is never shown: Postfix answers with its "
		    "own greeting and Sendmail ignores the text; decide at connect "
		    "and reply at HELO or MAIL");
		return;
	}
	if (!r->has_xcode || s != 1)
		return;
	if (((d >= 1 && d <= 6) || d == 10) && o->stage != STAGE_RCPT)
		findings_add(fs, FID_STAGE_SUBJECT, SEV_WARNING, 1, col,
		    "X.1.%u is about a recipient address; at %s it tells the "
		    "client a recipient is bad. Use it only at RCPT", d,
		    stage_name(o->stage));
	else if ((d == 7 || d == 8) && o->stage != STAGE_MAIL)
		findings_add(fs, FID_STAGE_SUBJECT, SEV_WARNING, 1, col,
		    "X.1.%u is about the sender address; at %s it blames the "
		    "wrong party. Use it only at MAIL", d, stage_name(o->stage));
}

/* reply_validate - registry and policy checks on a parsed reply */
void
reply_validate(const struct registry *reg, const struct reply *r,
    const struct validate_opts *o, struct findings *fs)
{
	const struct reg_entry *e = NULL;
	unsigned cls, col;
	struct finding *f;
	char buf[XCODE_STRLEN];

	if (r->nlines == 0)
		return;
	check_text(r, fs);
	if (r->code == 0)
		return;
	cls = r->code / 100;
	col = r->line[0].xcode_len ? (unsigned)r->line[0].xcode_off + 1 : 0;

	if (o->milter && cls != 4 && cls != 5)
		findings_add(fs, FID_NOT_FAILURE, SEV_ERROR, 1, 1,
		    "a milter can only reject (5xx) or defer (4xx); libmilter "
		    "refuses a %03u reply", r->code);

	if (!r->has_xcode) {
		if (r->line[0].xcode_len == 0 && cls != 3) {
			f = findings_add(fs, FID_XCODE_MISSING, SEV_WARNING, 1, 5,
			    "no enhanced status code; Postfix advertises "
			    "ENHANCEDSTATUSCODES and passes a milter reply as it "
			    "is, so clients get none (add one, e.g. %u.7.1 for a "
			    "policy %s)", cls, cls == 4 ? "deferral" : "rejection");
			if (f != NULL && (cls == 4 || cls == 5))
				snprintf(f->suggestion, sizeof f->suggestion,
				    "%03u %u.0.0", r->code, cls);
		}
		return;
	}

	if (r->x.cls != cls) {
		char alt[FINDING_SUGG];

		f = findings_add(fs, FID_CLASS_MISMATCH, SEV_ERROR, 1, col,
		    "enhanced code class %u contradicts reply code %03u; Postfix "
		    "treats the reply as malformed and stops using the milter for "
		    "the rest of the session (451 4.3.5), Sendmail passes the "
		    "contradiction to the client", r->x.cls, r->code);
		if (f != NULL) {
			suggest(reg, r->x.cls, r->x.subject, r->x.detail, r->code,
			    alt, sizeof alt);
			snprintf(f->suggestion, sizeof f->suggestion,
			    "%.24s or %03u %u.%u.%u", alt, r->code, cls,
			    r->x.subject, r->x.detail);
		}
	}

	if (!registry_subject_known(reg, r->x.subject)) {
		findings_add(fs, FID_UNKNOWN_SUBJECT, SEV_ERROR, 1, col,
		    "subject %u is not in the registry (subjects are 0-7: other, "
		    "addressing, mailbox, mail system, network, protocol, "
		    "content, security); clients only learn the class",
		    r->x.subject);
	} else if ((e = registry_lookup(reg, r->x.subject,
	    r->x.detail)) == NULL) {
		enum severity sev = o->own_rule && !o->allow_unregistered ?
		    SEV_ERROR : SEV_WARNING;

		f = findings_add(fs, FID_UNREGISTERED, sev, 1, col,
		    "%s is not registered; clients only learn \"%s, %s\"%s",
		    xcode_format(&r->x, buf, sizeof buf),
		    registry_class_name(r->x.cls) ?
		    registry_class_name(r->x.cls) : "class ?",
		    subject_name(r->x.subject) ? subject_name(r->x.subject) :
		    "unknown subject",
		    o->own_rule && !o->allow_unregistered ?
		    "; use a registered code or set allow-unregistered = yes "
		    "in the rule" : "");
		if (f != NULL)
			snprintf(f->suggestion, sizeof f->suggestion,
			    "%03u %u.%u.0", r->code, r->x.cls, r->x.subject);
	}

	if (e != NULL && e->deprecated) {
		f = findings_add(fs, FID_DEPRECATED, SEV_WARNING, 1, col,
		    "X.%u.%u is deprecated in the registry%s", e->subject,
		    e->detail, e->has_replacement ? "; use its replacement" : "");
		if (f != NULL && e->has_replacement)
			suggest(reg, r->x.cls, e->repl_subject, e->repl_detail,
			    r->code, f->suggestion, sizeof f->suggestion);
	}

	if (e != NULL && r->x.cls == cls && !basic_allows(&e->basic, r->code)) {
		char list[96];

		basic_for_class(&e->basic, cls, list, sizeof list);
		f = findings_add(fs, FID_BASIC_NOT_ASSOCIATED, SEV_NOTE, 1, 1,
		    "the registry pairs X.%u.%u with %s, not %03u", e->subject,
		    e->detail, e->basic_text, r->code);
		if (f != NULL && list[0] != '\0')
			snprintf(f->suggestion, sizeof f->suggestion, "%.3s %u.%u.%u",
			    list, cls, e->subject, e->detail);
	}

	check_stage(r, o, fs);
	check_generic(reg, r, o, fs);
}

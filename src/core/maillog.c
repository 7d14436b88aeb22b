/*
 * maillog.c - rejections and failed deliveries in MTA log lines (see
 * maillog.h).  Each reader takes the message after "QID: " and fills the
 * record; the reply text goes through set_reply(), which reads the codes
 * and flattens a multi-line reply.
 */
#include "config.h"

#include <string.h>

#include "maillog.h"
#include "reply.h"
#include "strutil.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define LIT(s)		s, sizeof(s) - 1

static const char *const action_names[] = { "reject", "tempfail", "discard",
    "hold" };
static const char *const source_names[] = { "mta", "other-milter", "remote" };
static const char *const direction_names[] = { "inbound", "outbound" };

const char *
maillog_action_name(enum ml_action a)
{
	return action_names[a];
}

const char *
maillog_source_name(enum ml_source s)
{
	return source_names[s];
}

const char *
maillog_direction_name(enum ml_direction d)
{
	return direction_names[d];
}

static struct ml_span
span(const char *p, size_t n)
{
	struct ml_span s = { p, n };

	return s;
}

/* prefix - (s, n) starts with lit */
static bool
prefix(const char *s, size_t n, const char *lit, size_t litlen)
{
	return n >= litlen && memcmp(s, lit, litlen) == 0;
}

/* find - first lit in (s, n), NULL if none */
static const char *
find(const char *s, size_t n, const char *lit, size_t litlen)
{
	return litlen <= n ? memmem(s, n, lit, litlen) : NULL;
}

/* rfind - last lit in (s, n) */
static const char *
rfind(const char *s, size_t n, const char *lit, size_t litlen)
{
	const char *p, *last = NULL;

	while ((p = find(s, n, lit, litlen)) != NULL) {
		last = p;
		n -= (size_t)(p + 1 - s);
		s = p + 1;
	}
	return last;
}

/* maillog_is_mta - Postfix (postfix/..., postfix-NAME/...) or Sendmail */
bool
maillog_is_mta(const char *prog, size_t n, enum maillog_mta filter,
    bool *sendmail)
{
	if (filter != MLM_SENDMAIL && n > 8 && prefix(prog, n, LIT("postfix")) &&
	    (prog[7] == '/' || prog[7] == '-') && memchr(prog + 7, '/', n - 7)) {
		*sendmail = false;
		return true;
	}
	if (filter != MLM_POSTFIX && ((n == 8 && memcmp(prog, "sendmail", 8) == 0) ||
	    (n > 3 && prefix(prog, n, LIT("sm-"))))) {
		*sendmail = true;
		return true;
	}
	return false;
}

/*
 * set_reply - the reply in (s, n): "NNN X.Y.Z text", "NNN text",
 * "X.Y.Z text" or text, a multi-line reply's lines run together as
 * "NNN-X.Y.Z a NNN-X.Y.Z b NNN X.Y.Z c"; the text flattened into r->text
 */
static void
set_reply(struct maillog_rec *r, const char *s, size_t n)
{
	struct reply_head h;
	struct xcode x;
	size_t i, o = 0, cut, xl;
	bool multi = false;
	char cs[4];

	str_span_trim(&s, &n);
	r->has_reply = true;
	r->code[0] = r->xcode[0] = '\0';
	if (reply_head(s, n, 0, &h) || h.status == RH_BAD_CODE) {
		if (h.status == RH_OK) {
			memcpy(r->code, s, 3);
			r->code[3] = '\0';
		}
		memcpy(cs, s, 3);
		cs[3] = '\0';
		multi = h.sep == '-';
		if (h.has_xcode && h.xcode_len < sizeof r->xcode)
			str_copyn(r->xcode, sizeof r->xcode, s + h.xcode_off,
			    h.xcode_len);
		s += h.text_off;
		n -= h.text_off;
	} else if ((cut = xcode_parse(s, n, XCODE_PREFIX, &x, NULL)) > 0 &&
	    (cut == n || s[cut] == ' ')) {
		xcode_format(&x, r->xcode, sizeof r->xcode);
		s += cut;
		n -= cut;
	}
	while (n > 0 && *s == ' ')
		s++, n--;
	xl = strlen(r->xcode);
	/* Copy the text.  A multi-line reply's later lines start with
	   " 550-5.7.26 " or " 550 5.7.26 " (" 550-" or " 550 " when the
	   first line had no enhanced code): those codes are dropped. */
	for (i = 0; i < n && o + 1 < sizeof r->text; i++) {
		if (multi && s[i] == ' ' && i + 4 < n &&
		    memcmp(s + i + 1, cs, 3) == 0 &&
		    (s[i + 4] == '-' || s[i + 4] == ' ')) {
			size_t j = i + 5;

			if (xl == 0 || (j + xl <= n && memcmp(s + j, r->xcode,
			    xl) == 0 && (j + xl == n || s[j + xl] == ' '))) {
				if (xl > 0)
					j += xl + (j + xl < n);
				r->text[o++] = ' ';
				i = j - 1;
				continue;
			}
		}
		r->text[o++] = s[i];
	}
	while (o > 0 && r->text[o - 1] == ' ')
		o--;
	r->text[o] = '\0';
	r->textlen = o;
}

/* stage_of_cmd - the stage of an SMTP command word in Postfix's lines */
static const char *
stage_of_cmd(const char *w, size_t n)
{
	static const struct {
		const char	*cmd;
		const char	*stage;
	} t[] = {
		{ "CONNECT", "connect" }, { "HELO", "helo" }, { "EHLO", "helo" },
		{ "MAIL", "mail" }, { "RCPT", "rcpt" }, { "DATA", "data" },
		{ "BDAT", "data" }, { "END-OF-MESSAGE", "eom" },
		{ "VRFY", "vrfy" }, { "ETRN", "etrn" }, { "header", "header" },
		{ "body", "eom" }, { "content", "eom" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].cmd) == n && memcmp(w, t[i].cmd, n) == 0)
			return t[i].stage;
	return NULL;
}

/*
 * value - a key's value at (s, n): "<...>" up to the '>' that ends it (a
 * blank, comma, ':' or the end follows), else up to a blank or comma.
 * Returns the length consumed.
 */
static size_t
value(const char *s, size_t n, struct ml_span *v)
{
	size_t i;

	if (n > 0 && s[0] == '<') {
		for (i = 1; i < n; i++)
			if (s[i] == '>' && (i + 1 == n || s[i + 1] == ' ' ||
			    s[i + 1] == ',' || s[i + 1] == ':'))
				break;
		*v = span(s + 1, i - 1 < n ? i - 1 : n - 1);
		return i < n ? i + 1 : n;
	}
	for (i = 0; i < n && s[i] != ' ' && s[i] != ',' &&
	    !(s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')); i++)
		;
	*v = span(s, i);
	return i;
}

/*
 * postfix_kv - "from=<s> to=<r> proto=ESMTP helo=<h>" (commas allowed);
 * returns where it stopped (at ": " for cleanup's text)
 */
static size_t
postfix_kv(const char *s, size_t n, struct maillog_rec *r)
{
	size_t i = 0;

	for (;;) {
		const char *eq;
		struct ml_span v;
		size_t k;

		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		if (i >= n || s[i] == ':')
			return i;
		if ((eq = memchr(s + i, '=', n - i)) == NULL ||
		    memchr(s + i, ' ', (size_t)(eq - s) - i) != NULL)
			return i;
		k = (size_t)(eq - s) - i;
		i = (size_t)(eq - s) + 1;
		i += value(s + i, n - i, &v);
		if (k == 4 && memcmp(s + (eq - s) - 4, "from", 4) == 0)
			r->sender = v;
		else if (k == 2 && memcmp(eq - 2, "to", 2) == 0 && r->nrcpt == 0)
			r->rcpt[r->nrcpt++] = v;
		else if (k == 4 && memcmp(eq - 4, "helo", 4) == 0)
			r->helo = v;
	}
}

/* client - "host[ip]", "[ip]:port", "unknown[unknown]", "local" */
static void
client(const char *s, size_t n, struct maillog_rec *r)
{
	const char *lb = memchr(s, '[', n), *rb;

	if (lb == NULL) {
		if (!(n == 5 && memcmp(s, "local", 5) == 0))
			r->client_name = span(s, n);
		return;
	}
	if (lb > s)
		r->client_name = span(s, (size_t)(lb - s));
	rb = memchr(lb, ']', n - (size_t)(lb - s));
	if (rb == NULL)
		rb = s + n;
	if (!(rb - lb - 1 == 7 && memcmp(lb + 1, "unknown", 7) == 0))
		r->client_ip = span(lb + 1, (size_t)(rb - lb - 1));
}

/* suffix - where "; from=<..." (or to=, proto=, helo=) starts in (s, n) */
static const char *
suffix(const char *s, size_t n)
{
	const char *p;

	if ((p = rfind(s, n, LIT("; from=<"))) != NULL ||
	    (p = rfind(s, n, LIT("; to=<"))) != NULL ||
	    (p = rfind(s, n, LIT("; proto="))) != NULL ||
	    (p = rfind(s, n, LIT("; helo=<"))) != NULL)
		return p;
	return NULL;
}

/*
 * postfix_reception - after "reject: " (and the like): "RCPT from
 * host[ip]: reply; from=<> ..." or cleanup's "header TEXT from host[ip];
 * from=<> ...: reply"
 */
static enum ml_result
postfix_reception(const char *s, size_t n, struct maillog_rec *r)
{
	const char *sp = memchr(s, ' ', n), *end = s + n, *sf, *c;
	size_t k;

	if (sp == NULL)
		return ML_DAMAGED;
	r->stage = stage_of_cmd(s, (size_t)(sp - s));
	if (sp - s > 0 && s[0] >= 'a' && s[0] <= 'z') {
		/* cleanup: "header <content> from <client>; from=..: text" */
		if ((sf = suffix(sp, (size_t)(end - sp))) == NULL)
			return ML_DAMAGED;
		if ((c = rfind(sp, (size_t)(sf - sp), LIT(" from "))) != NULL)
			client(c + 6, (size_t)(sf - c - 6), r);
		k = postfix_kv(sf + 2, (size_t)(end - sf - 2), r);
		sf += 2 + k;
		if (sf + 1 < end && sf[0] == ':' && sf[1] == ' ')
			set_reply(r, sf + 2, (size_t)(end - sf - 2));
		else
			set_reply(r, "", 0);
		return ML_EVENT;
	}
	if (!prefix(sp, (size_t)(end - sp), LIT(" from ")))
		return ML_DAMAGED;
	s = sp + 6;
	/* the client ends at "]: " or "]:port: " (or ": " without brackets) */
	if ((c = memchr(s, '[', (size_t)(end - s))) != NULL &&
	    (c = memchr(c, ']', (size_t)(end - c))) != NULL) {
		const char *p = c + 1;

		if (p < end && *p == ':' && p + 1 < end && ISDIGIT(p[1]))
			for (p++; p < end && ISDIGIT(*p); p++)
				;
		if (p + 1 < end && p[0] == ':' && p[1] == ' ') {
			client(s, (size_t)(c + 1 - s), r);
			s = p + 2;
		} else {
			return ML_DAMAGED;
		}
	} else if ((c = find(s, (size_t)(end - s), LIT(": "))) != NULL) {
		client(s, (size_t)(c - s), r);
		s = c + 2;
	} else {
		return ML_DAMAGED;
	}
	if ((sf = suffix(s, (size_t)(end - s))) != NULL) {
		postfix_kv(sf + 2, (size_t)(end - sf - 2), r);
		set_reply(r, s, (size_t)(sf - s));
	} else {
		set_reply(r, s, (size_t)(end - s));
	}
	return ML_EVENT;
}

/* remote - "name[ip]" (ip may be "private/dovecot-lmtp") */
static void
remote(const char *s, size_t n, struct maillog_rec *r)
{
	const char *lb = memchr(s, '[', n), *rb;

	if (lb == NULL) {
		r->remote_name = span(s, n);
		return;
	}
	r->remote_name = span(s, (size_t)(lb - s));
	if ((rb = memchr(lb, ']', n - (size_t)(lb - s))) != NULL)
		r->remote_ip = span(lb + 1, (size_t)(rb - lb - 1));
}

/* stage_of_phase - "RCPT TO", "end of DATA", "initial server greeting" */
static const char *
stage_of_phase(const char *s, size_t n)
{
	if (find(s, n, LIT("RCPT")) != NULL)
		return "rcpt";
	if (find(s, n, LIT("MAIL FROM")) != NULL)
		return "mail";
	if (str_casestr(s, n, "end of data") != NULL ||
	    find(s, n, LIT("message body")) != NULL ||
	    find(s, n, LIT("message content")) != NULL)
		return "eom";
	if (find(s, n, LIT("DATA")) != NULL || find(s, n, LIT("BDAT")) != NULL)
		return "data";
	if (find(s, n, LIT("HELO")) != NULL || find(s, n, LIT("EHLO")) != NULL ||
	    find(s, n, LIT("LHLO")) != NULL)
		return "helo";
	if (find(s, n, LIT("greeting")) != NULL)
		return "connect";
	return NULL;
}

/* delivery_detail - the "(...)" of status=bounced/deferred */
static void
delivery_detail(const char *s, size_t n, struct maillog_rec *r)
{
	const char *p, *q, *end;

	if (n > 0 && s[0] == '(') {
		s++, n--;
		if (n > 0 && s[n - 1] == ')')
			n--;
	}
	while (prefix(s, n, LIT("delivery temporarily suspended: ")))
		s += 32, n -= 32;
	end = s + n;
	r->source = MLS_MTA;
	if (prefix(s, n, LIT("host ")) &&
	    (((p = find(s + 4, n - 4, LIT(" said: "))) != NULL ||
	    (p = find(s + 4, n - 4, LIT(" refused to talk to me: "))) != NULL)) &&
	    p >= s + 5) {
		bool said = p[1] == 's';
		const char *reply = p + (said ? 7 : 24);

		remote(s + 5, (size_t)(p - s - 5), r);
		r->source = MLS_REMOTE;
		if (!said) {
			r->stage = "connect";
			set_reply(r, reply, (size_t)(end - reply));
		} else if ((q = rfind(reply, (size_t)(end - reply),
		    LIT(" (in reply to "))) != NULL) {
			r->stage = stage_of_phase(q, (size_t)(end - q));
			set_reply(r, reply, (size_t)(q - reply));
		} else {
			set_reply(r, reply, (size_t)(end - reply));
		}
		return;
	}
	if (prefix(s, n, LIT("connect to ")) &&
	    (p = find(s, n, LIT(": "))) != NULL) {
		const char *colon = p;

		/* "name[ip]:25: reason" */
		if ((q = memchr(s + 11, ']', (size_t)(p - s - 11))) != NULL)
			colon = q + 1;
		remote(s + 11, (size_t)(colon - s - 11), r);
		r->stage = "connect";
	} else if ((prefix(s, n, LIT("lost connection with ")) ||
	    prefix(s, n, LIT("conversation with "))) &&
	    (p = find(s + (s[0] == 'l' ? 21 : 18), n - (s[0] == 'l' ? 21 : 18),
	    LIT(" while "))) != NULL) {
		const char *name = s + (s[0] == 'l' ? 21 : 18);
		const char *sp2 = memchr(name, ' ', (size_t)(p - name));

		remote(name, (size_t)((sp2 ? sp2 : p) - name), r);
		r->stage = stage_of_phase(p, (size_t)(end - p));
	}
	r->has_reply = true;
	r->code[0] = r->xcode[0] = '\0';
	str_copyn(r->text, sizeof r->text, s, n);
	r->textlen = strlen(r->text);
}

/* postfix_delivery - "to=<r>, [orig_to=<o>, ]relay=..., dsn=..., status=" */
static enum ml_result
postfix_delivery(const char *s, size_t n, struct maillog_rec *r)
{
	const char *st = rfind(s, n, LIT(", status=")), *end = s + n, *p;
	struct ml_span v;

	if (st == NULL)
		return ML_NOTHING;
	p = st + 9;
	if (prefix(p, (size_t)(end - p), LIT("bounced")))
		r->action = MLA_REJECT, p += 7;
	else if (prefix(p, (size_t)(end - p), LIT("deferred")))
		r->action = MLA_TEMPFAIL, p += 8;
	else
		return ML_NOTHING;	/* sent, undeliverable, SOFTBOUNCE, ... */
	if (p < end && *p != ' ')
		return ML_NOTHING;
	value(s + 3, n - 3, &v);
	r->rcpt[r->nrcpt++] = v;
	r->direction = MLD_OUTBOUND;
	if ((p = find(s, (size_t)(st - s), LIT(", relay="))) != NULL) {
		value(p + 8, (size_t)(st - p - 8), &v);
		if (memchr(v.p, '[', v.n) != NULL) {
			const char *lb = memchr(v.p, '[', v.n);
			const char *rb = memchr(lb, ']', v.n - (size_t)(lb - v.p));

			remote(v.p, rb ? (size_t)(rb + 1 - v.p) : v.n, r);
		}
	}
	if ((p = find(s, (size_t)(st - s) + 1, LIT("dsn="))) != NULL &&
	    (p == s || p[-1] == ' '))
		value(p + 4, (size_t)(st - p - 4 + 1), &r->dsn);
	p = st + 9;
	while (p < end && *p != ' ')
		p++;
	if (p < end)
		p++;
	delivery_detail(p, (size_t)(end - p), r);
	return ML_EVENT;
}

/* postfix - one Postfix message */
static enum ml_result
postfix(const char *s, size_t n, struct maillog_rec *r)
{
	static const struct {
		const char	*word;
		size_t		 len;
		enum ml_action	 action;	/* MLA_REJECT: by the class */
		enum ml_source	 source;
	} kinds[] = {
		{ LIT("reject: "), MLA_REJECT, MLS_MTA },
		{ LIT("milter-reject: "), MLA_REJECT, MLS_MILTER },
		{ LIT("discard: "), MLA_DISCARD, MLS_MTA },
		{ LIT("hold: "), MLA_HOLD, MLS_MTA },
		{ LIT("milter-discard: "), MLA_DISCARD, MLS_MILTER },
		{ LIT("milter-hold: "), MLA_HOLD, MLS_MILTER },
		{ LIT("milter-header-reject: "), MLA_REJECT, MLS_MTA },
		{ LIT("milter-header-discard: "), MLA_DISCARD, MLS_MTA },
		{ LIT("milter-header-hold: "), MLA_HOLD, MLS_MTA },
	};
	const char *c = memchr(s, ':', n < 64 ? n : 64);
	enum ml_result res;
	size_t i;

	/* "QID: ", "NOQUEUE: " or Postfix's test placeholder "<queue id>: " */
	if (c != NULL && c + 1 < s + n && c[1] == ' ' && c > s &&
	    (memchr(s, ' ', (size_t)(c - s)) == NULL ||
	    prefix(s, n, LIT("<queue id>")))) {
		size_t ql = (size_t)(c - s);
		bool ok = true;

		for (i = 0; i < ql && ok; i++)
			ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' &&
			    s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			    s[0] == '<';
		if (ok && !(ql == 7 && memcmp(s, "NOQUEUE", 7) == 0))
			r->queue_id = span(s, ql);
		if (ok) {
			n -= ql + 2;
			s = c + 2;
		}
	}
	if (prefix(s, n, LIT("to=")))
		return postfix_delivery(s, n, r);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (prefix(s, n, kinds[i].word, kinds[i].len))
			break;
	if (i == sizeof kinds / sizeof kinds[0])
		return ML_NOTHING;
	r->source = kinds[i].source;
	r->direction = MLD_INBOUND;
	res = postfix_reception(s + kinds[i].len, n - kinds[i].len, r);
	if (res != ML_EVENT)
		return res;
	r->action = kinds[i].action;
	if (r->action == MLA_REJECT && (r->xcode[0] == '4' ||
	    (r->xcode[0] == '\0' && r->code[0] == '4')))
		r->action = MLA_TEMPFAIL;
	if (r->action == MLA_DISCARD || r->action == MLA_HOLD) {
		r->has_reply = false;
		r->code[0] = r->xcode[0] = '\0';
		r->textlen = 0;
		r->text[0] = '\0';
	}
	return res;
}

/* sm_relay - Sendmail's "host [ip] (may be forged)", "[ip]", "[IPv6:..]" */
static void
sm_relay(const char *s, size_t n, struct ml_span *name, struct ml_span *ip)
{
	const char *lb = memchr(s, '[', n), *rb;

	if (lb == NULL) {
		*name = span(s, n);
		return;
	}
	if (lb > s + 1) {
		size_t k = (size_t)(lb - s - 1);

		if (k > 0 && s[k - 1] == '.')	/* "mx.example.com. [ip]" */
			k--;
		*name = span(s, k);
	}
	if ((rb = memchr(lb, ']', n - (size_t)(lb - s))) == NULL)
		rb = s + n;
	lb++;
	if (rb - lb > 5 && memcmp(lb, "IPv6:", 5) == 0)
		lb += 5;
	*ip = span(lb, (size_t)(rb - lb));
}

/* sm_field - "key=" in a Sendmail line; the value up to ", " (or end) */
static bool
sm_field(const char *s, size_t n, const char *key, struct ml_span *v)
{
	size_t kl = strlen(key);
	const char *p = s, *end = s + n, *q;

	while ((p = find(p, (size_t)(end - p), key, kl)) != NULL) {
		if (p == s || p[-1] == ' ') {
			p += kl;
			q = find(p, (size_t)(end - p), LIT(", "));
			*v = span(p, (size_t)((q ? q : end) - p));
			return true;
		}
		p += kl;
	}
	return false;
}

/* unangle - "<a@b>" -> "a@b" */
static struct ml_span
unangle(struct ml_span v)
{
	if (v.n >= 2 && v.p[0] == '<' && v.p[v.n - 1] == '>')
		return span(v.p + 1, v.n - 2);
	if (v.n >= 1 && v.p[0] == '<')
		return span(v.p + 1, v.n - 1);
	return v;
}

/* sm_recipients - "to=<a>,<b>,c" */
static void
sm_recipients(struct ml_span v, struct maillog_rec *r)
{
	const char *p = v.p, *end = v.p + v.n;

	while (p < end && r->nrcpt < ML_RCPT_MAX) {
		const char *c = memchr(p, ',', (size_t)(end - p));

		if (*p == '<') {
			const char *gt = memchr(p, '>', (size_t)(end - p));

			if (gt != NULL)
				c = gt + 1 < end && gt[1] == ',' ? gt + 1 : NULL;
		}
		if (c == NULL)
			c = end;
		r->rcpt[r->nrcpt++] = unangle(span(p, (size_t)(c - p)));
		p = c + 1;
	}
}

/* sm_reject - "reject=550 5.7.1 <x>... text" */
static void
sm_reject(struct ml_span v, struct maillog_rec *r)
{
	set_reply(r, v.p, v.n);
	r->action = r->xcode[0] == '4' || (r->xcode[0] == '\0' &&
	    r->code[0] == '4') ? MLA_TEMPFAIL : MLA_REJECT;
}

/* sendmail - one Sendmail message */
static enum ml_result
sendmail(const char *s, size_t n, struct maillog_rec *r)
{
	static const struct {
		const char	*ruleset;
		const char	*stage;
	} rulesets[] = {
		{ "check_relay", "connect" }, { "check_helo", "helo" },
		{ "check_mail", "mail" }, { "check_rcpt", "rcpt" },
		{ "check_compat", "rcpt" }, { "check_data", "data" },
		{ "check_eoh", "header" }, { "check_eom", "eom" },
	};
	const char *c = memchr(s, ':', n < 40 ? n : 40);
	struct ml_span v, rel;
	size_t i;

	if (c != NULL && c + 1 < s + n && c[1] == ' ' && c - s >= 6 &&
	    memchr(s, ' ', (size_t)(c - s)) == NULL &&
	    memchr(s, '=', (size_t)(c - s)) == NULL) {
		r->queue_id = span(s, (size_t)(c - s));
		n -= (size_t)(c + 2 - s);
		s = c + 2;
	}
	r->direction = MLD_INBOUND;
	r->source = MLS_MTA;
	if (prefix(s, n, LIT("ruleset="))) {
		if (!sm_field(s, n, "reject=", &v))
			return ML_NOTHING;
		value(s + 8, n - 8, &rel);
		for (i = 0; i < sizeof rulesets / sizeof rulesets[0]; i++)
			if (strlen(rulesets[i].ruleset) == rel.n &&
			    memcmp(rel.p, rulesets[i].ruleset, rel.n) == 0)
				r->stage = rulesets[i].stage;
		if (sm_field(s, n, "relay=", &rel))
			sm_relay(rel.p, rel.n, &r->client_name, &r->client_ip);
		if (sm_field(s, n, "arg1=", &rel) && r->stage != NULL) {
			if (strcmp(r->stage, "rcpt") == 0)
				r->rcpt[r->nrcpt++] = unangle(rel);
			else if (strcmp(r->stage, "mail") == 0)
				r->sender = unangle(rel);
		}
		sm_reject(v, r);
		return ML_EVENT;
	}
	if (prefix(s, n, LIT("Milter: "))) {
		r->source = MLS_MILTER;
		s += 8, n -= 8;
		if (prefix(s, n, LIT("from=")) && sm_field(s, n, "from=", &v)) {
			r->stage = "mail";
			r->sender = unangle(v);
		} else if (prefix(s, n, LIT("to=")) && sm_field(s, n, "to=", &v)) {
			r->stage = "rcpt";
			r->rcpt[r->nrcpt++] = unangle(v);
		} else if (prefix(s, n, LIT("data"))) {
			r->stage = "eom";
		} else if (prefix(s, n, LIT("helo="))) {
			r->stage = "helo";
		} else if (prefix(s, n, LIT("connect"))) {
			r->stage = "connect";
		}
		if (sm_field(s, n, "reject=", &v)) {
			sm_reject(v, r);
			return ML_EVENT;
		}
		if (find(s, n, LIT(", discard")) != NULL) {
			r->action = MLA_DISCARD;
			return ML_EVENT;
		}
		return ML_NOTHING;
	}
	if (prefix(s, n, LIT("to=")) && sm_field(s, n, "stat=", &v)) {
		struct ml_span to, mailer = { NULL, 0 }, reply = { NULL, 0 };
		bool has_dsn = sm_field(s, n, "dsn=", &r->dsn) && r->dsn.n > 0;

		/* a delivery names its mailer (older Sendmail) or a dsn=;
		   "to=<r>, delay=, pri=, stat=TEXT" alone is the aftermath of
		   a rejection at the end of DATA, already logged */
		if (!sm_field(s, n, "mailer=", &mailer) && !has_dsn)
			return ML_NOTHING;
		sm_field(s, n, "to=", &to);
		/* the value of stat= runs to the end of the line */
		v.n = (size_t)(s + n - v.p);
		/* 8.17 logs the remote server's reply in reply=, up to stat= */
		if (sm_field(s, n, "reply=", &reply))
			reply.n = (size_t)(v.p - 7 - reply.p);
		if (has_dsn) {
			if (r->dsn.p[0] == '2')
				return ML_NOTHING;
			r->action = r->dsn.p[0] == '4' ? MLA_TEMPFAIL : MLA_REJECT;
		} else if (prefix(v.p, v.n, LIT("Sent")) ||
		    prefix(v.p, v.n, LIT("queued"))) {
			return ML_NOTHING;
		} else {
			r->action = prefix(v.p, v.n, LIT("Deferred")) ?
			    MLA_TEMPFAIL : MLA_REJECT;
		}
		sm_recipients(to, r);
		r->direction = MLD_OUTBOUND;
		/* a remote host has an address: "relay=mx. [ip]" */
		if (sm_field(s, n, "relay=", &rel) && memchr(rel.p, '[', rel.n))
			sm_relay(rel.p, rel.n, &r->remote_name, &r->remote_ip);
		if (prefix(v.p, v.n, LIT("Deferred: ")))
			v.p += 10, v.n -= 10;
		else if (prefix(v.p, v.n, LIT("Deferred")))
			v.p += 8, v.n -= 8;
		if (reply.p != NULL && reply.n > 0 && reply.n < n)
			set_reply(r, reply.p, reply.n);
		else
			set_reply(r, v.p, v.n);
		r->source = r->code[0] != '\0' && !(mailer.n == 5 &&
		    memcmp(mailer.p, "local", 5) == 0) ? MLS_REMOTE : MLS_MTA;
		return ML_EVENT;
	}
	return ML_NOTHING;
}

/* maillog_parse - see maillog.h */
enum ml_result
maillog_parse(const struct logline *ll, enum maillog_mta filter,
    struct maillog_rec *r)
{
	const char *s = ll->msg, *slash;
	size_t n = ll->msglen;
	enum ml_result res;

	r->nrcpt = 0;
	r->stage = NULL;
	r->has_reply = false;
	r->code[0] = r->xcode[0] = r->text[0] = '\0';
	r->textlen = 0;
	r->queue_id = r->client_name = r->client_ip = r->helo = r->sender =
	    r->remote_name = r->remote_ip = r->dsn = span(NULL, 0);
	if (!maillog_is_mta(ll->prog, ll->proglen, filter, &r->sendmail))
		return ML_NOT_MTA;
	slash = ll->prog + ll->proglen;
	while (slash > ll->prog && slash[-1] != '/')
		slash--;
	r->program = span(slash, (size_t)(ll->prog + ll->proglen - slash));
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '"'))
		n--;
	res = r->sendmail ? sendmail(s, n, r) : postfix(s, n, r);
	if (res == ML_EVENT && r->nrcpt == 0)
		r->rcpt[0] = span(NULL, 0);
	return res;
}

/* maillog_class_xcode - the reply's enhanced code, else dsn= */
const char *
maillog_class_xcode(const struct maillog_rec *r, char *buf, size_t size)
{
	struct xcode x;

	if (r->xcode[0] != '\0')
		return r->xcode;
	if (r->dsn.p != NULL && xcode_parse(r->dsn.p, r->dsn.n, 0, &x, NULL) ==
	    r->dsn.n) {
		xcode_format(&x, buf, size);
		return buf;
	}
	return "";
}

/* ip_literal - an IPv4 or IPv6 address rather than a name */
static bool
ip_literal(const char *s, size_t n)
{
	size_t i;
	bool colon = false, alpha = false;

	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			colon = true;
		else if (!ISDIGIT(s[i]) && s[i] != '.')
			alpha = true;
	}
	return colon || !alpha;
}

/* maillog_remote_domain - see maillog.h */
size_t
maillog_remote_domain(const struct maillog_rec *r, unsigned rcpt, char *buf,
    size_t size)
{
	const char *s = NULL, *dot[3] = { NULL, NULL, NULL }, *p;
	size_t n = 0, i, o;

	if (r->remote_name.p != NULL && r->remote_name.n > 0 &&
	    !(r->remote_name.n == 7 && memcmp(r->remote_name.p, "unknown", 7) == 0)) {
		s = r->remote_name.p;
		n = r->remote_name.n;
		if (n > 0 && s[n - 1] == '.')
			n--;
		/* the last three dots, from the right */
		for (p = s + n, i = 0; p > s && i < 3; p--)
			if (p[-1] == '.')
				dot[i++] = p - 1;
		if (ip_literal(s, n))
			dot[1] = NULL;	/* an address: kept whole */
		/* dot[0] is the last dot, dot[1] the one before, ... */
		if (dot[1] != NULL) {
			const char *tld = dot[0] + 1, *sld = dot[1] + 1;
			size_t tl = (size_t)(s + n - tld), sl = (size_t)(dot[0] - sld);

			if (tl == 2 && sl <= 3 && dot[2] != NULL) {
				n -= (size_t)(dot[2] + 1 - s);
				s = dot[2] + 1;
			} else if (tl == 2 && sl <= 3) {
				/* example.co.uk itself */
			} else {
				n -= (size_t)(dot[1] + 1 - s);
				s = dot[1] + 1;
			}
		}
	} else if (rcpt < r->nrcpt && r->rcpt[rcpt].p != NULL &&
	    (p = memrchr(r->rcpt[rcpt].p, '@', r->rcpt[rcpt].n)) != NULL) {
		s = p + 1;
		n = (size_t)(r->rcpt[rcpt].p + r->rcpt[rcpt].n - s);
	}
	for (i = o = 0; s != NULL && i < n && o + 1 < size; i++)
		buf[o++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	if (size > 0)
		buf[o] = '\0';
	return o;
}

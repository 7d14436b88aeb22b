/*
 * maillog_postfix.c - Postfix's log lines (see maillog.h): smtpd's and
 * postscreen's rejections, cleanup's header and body checks, milter
 * replies, and smtp(8)/lmtp(8) deliveries that bounced or were deferred.
 */
#include "config.h"

#include <string.h>

#include "maillog_int.h"
#include "strutil.h"

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
		if (str_eqn(w, n, t[i].cmd))
			return t[i].stage;
	return NULL;
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
		i += ml_value(s + i, n - i, &v);
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
			ml_set_reply(r, sf + 2, (size_t)(end - sf - 2));
		else
			ml_set_reply(r, "", 0);
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
		ml_set_reply(r, s, (size_t)(sf - s));
	} else {
		ml_set_reply(r, s, (size_t)(end - s));
	}
	return ML_EVENT;
}

/*
 * proxy_reception - after "proxy-reject: ": "END-OF-MESSAGE: reply;
 * from=<s> to=<r> proto=ESMTP helo=<h>" (the client is not named)
 */
static enum ml_result
proxy_reception(const char *s, size_t n, struct maillog_rec *r)
{
	const char *c = find(s, n, LIT(": ")), *end = s + n, *sf;

	if (c == NULL || memchr(s, ' ', (size_t)(c - s)) != NULL)
		return ML_DAMAGED;
	r->stage = stage_of_cmd(s, (size_t)(c - s));
	s = c + 2;
	if ((sf = suffix(s, (size_t)(end - s))) != NULL) {
		postfix_kv(sf + 2, (size_t)(end - sf - 2), r);
		ml_set_reply(r, s, (size_t)(sf - s));
	} else {
		ml_set_reply(r, s, (size_t)(end - s));
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
			ml_set_reply(r, reply, (size_t)(end - reply));
		} else if ((q = rfind(reply, (size_t)(end - reply),
		    LIT(" (in reply to "))) != NULL) {
			r->stage = stage_of_phase(q, (size_t)(end - q));
			ml_set_reply(r, reply, (size_t)(q - reply));
		} else {
			ml_set_reply(r, reply, (size_t)(end - reply));
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
	bool sent = false;

	if (st == NULL)
		return ML_NOTHING;

	p = st + 9;
	if (prefix(p, (size_t)(end - p), LIT("bounced")))
		r->action = MLA_REJECT, p += 7;
	else if (prefix(p, (size_t)(end - p), LIT("deferred")))
		r->action = MLA_TEMPFAIL, p += 8;
	else if (r->want_delivered && prefix(p, (size_t)(end - p), LIT("sent")))
		sent = true, p += 4;
	else
		return ML_NOTHING;	/* sent, undeliverable, SOFTBOUNCE, ... */
	if (p < end && *p != ' ')
		return ML_NOTHING;
	ml_value(s + 3, n - 3, &v);
	r->rcpt[r->nrcpt++] = v;
	r->direction = MLD_OUTBOUND;
	if ((p = find(s, (size_t)(st - s), LIT(", relay="))) != NULL) {
		ml_value(p + 8, (size_t)(st - p - 8), &v);
		if (memchr(v.p, '[', v.n) != NULL) {
			const char *lb = memchr(v.p, '[', v.n);
			const char *rb = memchr(lb, ']', v.n - (size_t)(lb - v.p));

			remote(v.p, rb ? (size_t)(rb + 1 - v.p) : v.n, r);
		}
	}
	if ((p = find(s, (size_t)(st - s) + 1, LIT("dsn="))) != NULL &&
	    (p == s || p[-1] == ' '))
		ml_value(p + 4, (size_t)(st - p - 4 + 1), &r->dsn);
	if (sent)
		return ML_DELIVERED;
	p = st + 9;
	while (p < end && *p != ' ')
		p++;
	if (p < end)
		p++;
	delivery_detail(p, (size_t)(end - p), r);
	return ML_EVENT;
}

/* ml_postfix - one Postfix message (see maillog_int.h) */
enum ml_result
ml_postfix(const char *s, size_t n, struct maillog_rec *r)
{
	static const struct {
		const char	*word;
		size_t		 len;
		enum ml_action	 action;	/* MLA_REJECT: by the class */
		enum ml_source	 source;
		bool		 monitor;	/* would have been refused */
	} kinds[] = {
		{ LIT("reject: "), MLA_REJECT, MLS_MTA, false },
		{ LIT("milter-reject: "), MLA_REJECT, MLS_MILTER, false },
		{ LIT("discard: "), MLA_DISCARD, MLS_MTA, false },
		{ LIT("hold: "), MLA_HOLD, MLS_MTA, false },
		{ LIT("milter-discard: "), MLA_DISCARD, MLS_MILTER, false },
		{ LIT("milter-hold: "), MLA_HOLD, MLS_MILTER, false },
		{ LIT("milter-header-reject: "), MLA_REJECT, MLS_MTA, false },
		{ LIT("milter-header-discard: "), MLA_DISCARD, MLS_MTA, false },
		{ LIT("milter-header-hold: "), MLA_HOLD, MLS_MTA, false },
		/* warn_if_reject: what a restriction would have refused */
		{ LIT("reject_warning: "), MLA_REJECT, MLS_MTA, true },
		/* smtpd_proxy_filter (a before-queue content filter) refused
		   the message; smtpd passed its reply on to the client */
		{ LIT("proxy-reject: "), MLA_REJECT, MLS_MTA, false },
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
	r->monitor = kinds[i].monitor;
	if (kinds[i].word[0] == 'p')
		res = proxy_reception(s + kinds[i].len, n - kinds[i].len, r);
	else
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

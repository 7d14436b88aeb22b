/*
 * maillog_sendmail.c - Sendmail's log lines (see maillog.h): ruleset
 * rejections (check_relay ... check_eom), milter replies, and deliveries
 * that failed or were deferred.
 */
#include "config.h"

#include <string.h>

#include "maillog_int.h"
#include "strutil.h"

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
	ml_set_reply(r, v.p, v.n);
	r->action = r->xcode[0] == '4' || (r->xcode[0] == '\0' &&
	    r->code[0] == '4') ? MLA_TEMPFAIL : MLA_REJECT;
}

/* ml_sendmail - one Sendmail message (see maillog_int.h) */
enum ml_result
ml_sendmail(const char *s, size_t n, struct maillog_rec *r)
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
		ml_value(s + 8, n - 8, &rel);
		for (i = 0; i < sizeof rulesets / sizeof rulesets[0]; i++)
			if (str_eqn(rel.p, rel.n, rulesets[i].ruleset))
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
		if ((has_dsn && r->dsn.p[0] == '2') || (!has_dsn &&
		    prefix(v.p, v.n, LIT("Sent")))) {
			if (!r->want_delivered)
				return ML_NOTHING;
			sm_recipients(to, r);
			r->direction = MLD_OUTBOUND;
			if (sm_field(s, n, "relay=", &rel) &&
			    memchr(rel.p, '[', rel.n))
				sm_relay(rel.p, rel.n, &r->remote_name,
				    &r->remote_ip);
			return ML_DELIVERED;
		}
		if (has_dsn) {
			r->action = r->dsn.p[0] == '4' ? MLA_TEMPFAIL : MLA_REJECT;
		} else if (prefix(v.p, v.n, LIT("queued"))) {
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
			ml_set_reply(r, reply.p, reply.n);
		else
			ml_set_reply(r, v.p, v.n);
		r->source = r->code[0] != '\0' && !(mailer.n == 5 &&
		    memcmp(mailer.p, "local", 5) == 0) ? MLS_REMOTE : MLS_MTA;
		return ML_EVENT;
	}
	return ML_NOTHING;
}

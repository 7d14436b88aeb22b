/*
 * trace_line.c - the path of a message in one log line (trace_line.h).
 */
#include "config.h"

#include <string.h>

#include "trace_line.h"

#define LIT(s)	(s), (sizeof(s) - 1)

static const char *const how_names[] = { "received", "queued as",
    "forwarded as", "notification", "requeued", "xforward" };

const char *
tline_how_name(enum tl_how h)
{
	return how_names[h];
}

static bool
isalnum_(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

static bool
starts(const char *s, size_t n, const char *w, size_t wl)
{
	return n >= wl && memcmp(s, w, wl) == 0;
}

static bool
ends(const char *s, size_t n, const char *w, size_t wl)
{
	return n >= wl && memcmp(s + n - wl, w, wl) == 0;
}

static struct ml_span
mkspan(const char *p, size_t n)
{
	struct ml_span s = { p, n };

	return s;
}

/*
 * tline_is_qid - Postfix's short ids are upper-case hex, its long ones
 * and Sendmail's mix letters and digits: 5 to 20 letters and digits, with
 * a digit among them (so that "warning" or "Deleted" is not one)
 */
bool
tline_is_qid(const char *s, size_t n)
{
	size_t i;
	bool digit = false;

	if (n < 5 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum_((unsigned char)s[i]))
			return false;
		if (s[i] >= '0' && s[i] <= '9')
			digit = true;
	}
	return digit;
}

/* lead_qid - the length of a queue id that starts s and is followed by
   ": " (or ends the line); 0 when there is none */
static size_t
lead_qid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i <= 20 && isalnum_((unsigned char)s[i]))
		i++;
	if (i == n || s[i] != ':' || (i + 1 < n && s[i + 1] != ' '))
		return 0;
	return tline_is_qid(s, i) ? i : 0;
}

/* find - the first w in (s, n); NULL when none */
static const char *
find(const char *s, size_t n, const char *w, size_t wl)
{
	const char *p = s, *end = s + n;

	while (p + wl <= end && (p = memchr(p, w[0], (size_t)(end - p - wl +
	    1))) != NULL) {
		if (memcmp(p, w, wl) == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * value - the value of key ("from=") at the start of s or after a space
 * or a comma: <...> without the brackets, else up to a comma, a space or
 * a semicolon; p NULL when the key is not there
 */
static struct ml_span
value(const char *s, size_t n, const char *key, size_t kl)
{
	const char *p = s, *end = s + n, *v, *e;

	while ((p = find(p, (size_t)(end - p), key, kl)) != NULL) {
		if (p == s || p[-1] == ' ' || p[-1] == ',')
			break;
		p++;
	}
	if (p == NULL)
		return mkspan(NULL, 0);
	v = p + kl;
	if (v < end && *v == '<') {
		v++;
		e = memchr(v, '>', (size_t)(end - v));
		return mkspan(v, (size_t)((e != NULL ? e : end) - v));
	}
	for (e = v; e < end && *e != ',' && *e != ' ' && *e != ';'; e++)
		;
	return mkspan(v, (size_t)(e - v));
}

/* id_at - the queue id that starts at p (letters and digits) */
static struct ml_span
id_at(const char *p, const char *end)
{
	const char *e = p;

	while (e < end && isalnum_((unsigned char)*e))
		e++;
	return tline_is_qid(p, (size_t)(e - p)) ? mkspan(p, (size_t)(e - p)) :
	    mkspan(NULL, 0);
}

static void
add_link(struct tline *tl, struct ml_span id, enum tl_how how, bool back)
{
	if (id.p == NULL || tl->nlinks == TL_LINKS)
		return;
	tl->link[tl->nlinks].id = id;
	tl->link[tl->nlinks].how = how;
	tl->link[tl->nlinks].back = back;
	tl->nlinks++;
}

/* client - "name[ip]" (Postfix) or "name [ip]" (Sendmail) at p */
static void
client(const char *p, const char *end, struct tline *tl)
{
	const char *lb = p, *rb;

	while (lb < end && *lb != '[' && *lb != ',' && *lb != ';')
		lb++;
	if (lb == end || *lb != '[' ||
	    (rb = memchr(lb, ']', (size_t)(end - lb))) == NULL)
		return;
	tl->client_name = mkspan(p, (size_t)(lb - p));
	if (tl->client_name.n > 0 && p[tl->client_name.n - 1] == ' ')
		tl->client_name.n--;
	tl->client_ip = mkspan(lb + 1, (size_t)(rb - lb - 1));
}

/* queued_as - "queued as Q" in a delivery's reply, or Sendmail's
   "(Q Message accepted for delivery)" */
static void
queued_as(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p;

	if ((p = find(s, n, LIT("queued as "))) != NULL)
		add_link(tl, id_at(p + 10, end), TLH_QUEUED_AS, false);
	else if ((p = find(s, n, LIT("forwarded as "))) != NULL)
		add_link(tl, id_at(p + 13, end), TLH_FORWARDED, false);
	else if ((p = find(s, n, LIT(" Message accepted for delivery"))) !=
	    NULL) {
		const char *b = p;

		while (b > s && isalnum_((unsigned char)b[-1]))
			b--;
		add_link(tl, id_at(b, p), TLH_QUEUED_AS, false);
	}
}

/* envelope - from=, to=, orig_to= wherever the line has them */
static void
envelope(const char *s, size_t n, struct tline *tl)
{
	tl->sender = value(s, n, LIT("from="));
	tl->rcpt = value(s, n, LIT("to="));
	tl->orig_rcpt = value(s, n, LIT("orig_to="));
}

/* postfix_qid - the rest of "QID: ..." in Postfix's words */
static void
postfix_qid(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p;

	if (n == 7 && memcmp(s, "removed", 7) == 0) {
		tl->removed = true;
		return;
	}
	if (starts(s, n, LIT("client="))) {
		tl->attach = tl->starts = true;
		client(s + 7, end, tl);
		add_link(tl, value(s, n, LIT("orig_queue_id=")), TLH_FORWARD,
		    true);
		return;
	}
	if (starts(s, n, LIT("message-id="))) {
		tl->starts = true;
		tl->msgid = value(s, n, LIT("message-id="));
		return;
	}
	if (starts(s, n, LIT("uid="))) {	/* pickup */
		tl->starts = true;
		tl->sender = value(s, n, LIT("from="));
		add_link(tl, value(s, n, LIT("orig_id=")), TLH_REQUEUE, true);
		return;
	}
	if ((p = find(s, n, LIT(" notification: "))) != NULL &&
	    (starts(s, n, LIT("sender ")) || starts(s, n, LIT("postmaster ")))) {
		add_link(tl, id_at(p + 15, end), TLH_NOTIFY, false);
		return;
	}
	envelope(s, n, tl);
	if (tl->rcpt.p != NULL && (p = find(s, n, LIT("status="))) != NULL)
		queued_as(p, (size_t)(end - p), tl);
	if ((p = find(s, n, LIT(" from "))) != NULL &&
	    (starts(s, n, LIT("reject")) || starts(s, n, LIT("milter-")) ||
	    starts(s, n, LIT("hold")) || starts(s, n, LIT("discard")) ||
	    starts(s, n, LIT("filter")) || starts(s, n, LIT("warn")) ||
	    starts(s, n, LIT("redirect"))))
		client(p + 6, end, tl);
}

/* sendmail_qid - the rest of "QID: ..." in Sendmail's words */
static void
sendmail_qid(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p;
	size_t q = lead_qid(s, n);

	if (q > 0) {	/* "Q2: DSN: ...", "Q2: return to sender: ..." */
		add_link(tl, mkspan(s, q), TLH_NOTIFY, false);
		return;
	}
	if (starts(s, n, LIT("from="))) {
		tl->sender = value(s, n, LIT("from="));
		tl->msgid = value(s, n, LIT("msgid="));
		if ((p = find(s, n, LIT(", relay="))) != NULL)
			client(p + 8, end, tl);
		return;
	}
	if (starts(s, n, LIT("to="))) {
		const char *e = find(s, n, LIT(", "));

		tl->rcpts = mkspan(s + 3, (size_t)((e != NULL ? e : end) -
		    s - 3));
		tl->rcpt = value(s, n, LIT("to="));
		if (tl->rcpt.n > 0 && tl->rcpt.p[0] == '<')
			tl->rcpt.p++, tl->rcpt.n--;
		if ((p = find(s, n, LIT("stat="))) != NULL) {
			tl->final = !starts(p + 5, (size_t)(end - p - 5),
			    LIT("Deferred")) && !starts(p + 5,
			    (size_t)(end - p - 5), LIT("queued"));
			queued_as(p, (size_t)(end - p), tl);
		}
		return;
	}
	if (starts(s, n, LIT("ruleset=")) || starts(s, n, LIT("Milter"))) {
		struct ml_span a = value(s, n, LIT("arg1="));

		if (find(s, n, LIT("check_mail")) != NULL)
			tl->sender = a;
		else if (find(s, n, LIT("check_rcpt")) != NULL)
			tl->rcpt = a;
		if ((p = find(s, n, LIT("relay="))) != NULL)
			client(p + 6, end, tl);
		if (tl->rcpt.p == NULL)
			tl->rcpt = value(s, n, LIT("to="));
	}
}

/* postscreen_sess - "[ip]:port" in a postscreen line */
static bool
postscreen_sess(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p = s, *rb, *e;

	while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		rb = memchr(p, ']', (size_t)(end - p));
		if (rb == NULL)
			return false;
		for (e = rb + 1; e < end && e[0] != ' ' && e[0] != ','; e++)
			;
		if (rb + 2 < e && rb[1] == ':' && rb[2] >= '0' && rb[2] <= '9') {
			while (e > rb + 2 && !(e[-1] >= '0' && e[-1] <= '9'))
				e--;
			tl->sess = mkspan(p, (size_t)(e - p));
			tl->client_ip = mkspan(p + 1, (size_t)(rb - p - 1));
			tl->has_sess = true;
			return true;
		}
		p = rb;
	}
	return false;
}

/* noqueue - "NOQUEUE: reject: ..." and the like: a refusal before the
   queue; other NOQUEUE lines (filter, warn) are the session's */
static bool
noqueue(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p;

	if (!(starts(s, n, LIT("reject")) || starts(s, n, LIT("milter-reject")) ||
	    starts(s, n, LIT("proxy-reject")) || starts(s, n, LIT("discard"))))
		return false;
	tl->kind = TL_NOQUEUE;
	envelope(s, n, tl);
	if ((p = find(s, n, LIT(" from "))) != NULL)
		client(p + 6, end, tl);
	return true;
}

/* amavis - "Queue-ID: Q, Message-ID: <m>, ..., queued_as: Q2" */
static bool
amavis(const char *s, size_t n, struct tline *tl)
{
	const char *end = s + n, *p;

	if ((p = find(s, n, LIT("Queue-ID: "))) == NULL)
		return false;
	tl->qid = id_at(p + 10, end);
	if (tl->qid.p == NULL)
		return false;
	tl->kind = TL_QID;
	tl->amavis = true;
	if ((p = find(s, n, LIT("Message-ID: <"))) != NULL) {
		const char *e = memchr(p + 13, '>', (size_t)(end - p - 13));

		if (e != NULL)
			tl->msgid = mkspan(p + 13, (size_t)(e - p - 13));
	}
	if ((p = find(s, n, LIT("queued_as: "))) != NULL) {
		p += 11;	/* one or more, "Q2/Q3" */
		while (p < end && tl->nlinks < TL_LINKS) {
			struct ml_span id = id_at(p, end);

			if (id.p == NULL)
				break;
			add_link(tl, id, TLH_QUEUED_AS, false);
			p += id.n;
			if (p < end && *p == '/')
				p++;
		}
	}
	return true;
}

/* tline_parse - see trace_line.h */
bool
tline_parse(const struct logline *ll, struct tline *tl)
{
	const char *s = ll->msg, *prog = ll->prog;
	size_t n = ll->msglen, pl = ll->proglen, q;
	bool smtpd, postscreen;

	memset(tl, 0, sizeof *tl);
	if (!maillog_is_mta(prog, pl, MLM_AUTO, &tl->sendmail)) {
		if (starts(prog, pl, LIT("amavis")))
			return amavis(s, n, tl);
		return false;
	}
	if ((q = lead_qid(s, n)) > 0) {
		tl->kind = TL_QID;
		tl->qid = mkspan(s, q);
		s += q + 1;
		n -= q + 1;
		if (n > 0 && *s == ' ')
			s++, n--;
		if (tl->sendmail)
			sendmail_qid(s, n, tl);
		else
			postfix_qid(s, n, tl);
		/* a queue id received in a session is the session's */
		tl->has_sess = tl->attach;
		return true;
	}
	if (tl->sendmail) {
		if (starts(s, n, LIT("NOQUEUE: "))) {
			s += 9;
			n -= 9;
		}
		if (find(s, n, LIT("reject=")) == NULL)
			return false;
		tl->kind = TL_NOQUEUE;
		sendmail_qid(s, n, tl);
		return true;
	}
	smtpd = ends(prog, pl, LIT("/smtpd"));
	postscreen = ends(prog, pl, LIT("/postscreen"));
	if (!smtpd && !postscreen) {
		if (starts(s, n, LIT("NOQUEUE: ")))	/* cleanup, sendmail */
			return noqueue(s + 9, n - 9, tl);
		return false;
	}
	if (postscreen && !postscreen_sess(s, n, tl))
		return false;
	tl->has_sess = true;
	if (starts(s, n, LIT("NOQUEUE: ")) && noqueue(s + 9, n - 9, tl))
		return true;
	if (smtpd) {
		if (starts(s, n, LIT("connect from "))) {
			tl->kind = TL_CONNECT;
			client(s + 13, s + n, tl);
		} else if (starts(s, n, LIT("disconnect from "))) {
			tl->kind = TL_DISCONNECT;
		} else {
			tl->kind = TL_SESSION;
		}
		return true;
	}
	if (starts(s, n, LIT("CONNECT from ")))
		tl->kind = TL_CONNECT;
	else if (starts(s, n, LIT("DISCONNECT ")))
		tl->kind = TL_DISCONNECT;
	else if (starts(s, n, LIT("PASS ")) || starts(s, n,
	    LIT("WHITELISTED ")) || starts(s, n, LIT("ALLOWLISTED ")))
		tl->kind = TL_HANDOFF;
	else
		tl->kind = TL_SESSION;
	return true;
}

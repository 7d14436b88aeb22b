/*
 * mta.c - what Postfix and Sendmail make of a milter reply (see mta.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mta.h"
#include "reply.h"
#include "strutil.h"

#define LIBMILTER_MAXREPLYLEN	980	/* per line of text */
#define HOSTNAME		"mx.example.org"	/* stands for $myhostname */

/* The milter's request, as libmilter sees it after splitting the reply. */
struct request {
	char		 rcode[4];
	char		 xcode[16];	/* "" when none */
	unsigned	 nlines;
	const char	*text[REPLY_LIBMILTER_LINES + 1];
	size_t		 textlen[REPLY_LIBMILTER_LINES + 1];
	bool		 bad;		/* libmilter would refuse it */
	char		 why[128];
};

/* mta_name - printable name */
const char *
mta_name(enum mta m)
{
	return m == MTA_SENDMAIL ? "sendmail" : "postfix";
}

/* mta_parse - name to enum */
bool
mta_parse(const char *s, enum mta *m)
{
	if (str_caseeq(s, "postfix"))
		*m = MTA_POSTFIX;
	else if (str_caseeq(s, "sendmail"))
		*m = MTA_SENDMAIL;
	else
		return false;
	return true;
}

static void
note(struct mta_view *v, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
note(struct mta_view *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nnotes >= MTA_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(v->note[v->nnotes++], MTA_NOTE_LEN, fmt, ap);
	va_end(ap);
}

static void
out(struct mta_view *v, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
out(struct mta_view *v, const char *fmt, ...)
{
	size_t used = strlen(v->reply);
	va_list ap;

	if (used >= sizeof v->reply - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reply + used, sizeof v->reply - used, fmt, ap);
	va_end(ap);
}

/* myisenhsc - libmilter's xcode check: [245].d{1,3}.d{1,3}, zeros allowed */
static bool
myisenhsc(const char *s, size_t len)
{
	size_t i = 2, n;

	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return false;
	for (n = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		n++;
	if (n == 0 || n > 3 || i >= len || s[i] != '.')
		return false;
	for (i++, n = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		n++;
	return n > 0 && n <= 3 && i == len;
}

/*
 * split_request - turn the reply into smfi_setreply/setmlreply arguments
 * the way a milter author would (codes of the first line, text of each line).
 */
static void
split_request(const char *s, size_t len, struct request *rq)
{
	size_t pos = 0;

	memset(rq, 0, sizeof *rq);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	while (pos <= len) {
		const char *line = s + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos, p = 0, tok;

		pos += ll + 1;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (rq->nlines == 0) {
			str_copyn(rq->rcode, sizeof rq->rcode, line, ll < 3 ? ll : 3);
			if (ll > 3 && line[3] != ' ' && line[3] != '-') {
				rq->bad = true;
				snprintf(rq->why, sizeof rq->why,
				    "the reply code is not followed by a space");
			}
		}
		p = ll < 4 ? ll : 4;
		tok = p;
		while (p < ll && line[p] != ' ')
			p++;
		if (xcode_looks_like(line + tok, p - tok)) {
			if (rq->nlines == 0)
				str_copyn(rq->xcode, sizeof rq->xcode, line + tok,
				    p - tok);
			if (p < ll)
				p++;
		} else {
			p = tok;
		}
		if (rq->nlines > REPLY_LIBMILTER_LINES) {
			rq->bad = true;
			snprintf(rq->why, sizeof rq->why,
			    "smfi_setmlreply accepts at most %d lines",
			    REPLY_LIBMILTER_LINES);
			break;
		}
		rq->text[rq->nlines] = line + p;
		rq->textlen[rq->nlines] = ll - p;
		rq->nlines++;
		if (nl == NULL)
			break;
	}
	if (rq->bad)
		return;
	if (strlen(rq->rcode) != 3 || (rq->rcode[0] != '4' && rq->rcode[0] != '5') ||
	    rq->rcode[1] < '0' || rq->rcode[1] > '9' || rq->rcode[2] < '0' ||
	    rq->rcode[2] > '9') {
		rq->bad = true;
		snprintf(rq->why, sizeof rq->why,
		    "libmilter accepts only 4xx and 5xx reply codes");
		return;
	}
	if (rq->xcode[0] != '\0' && !myisenhsc(rq->xcode, strlen(rq->xcode))) {
		rq->bad = true;
		snprintf(rq->why, sizeof rq->why,
		    "libmilter refuses the enhanced code \"%s\"", rq->xcode);
		return;
	}
	for (unsigned i = 0; i < rq->nlines; i++) {
		if (memchr(rq->text[i], '\r', rq->textlen[i]) != NULL) {
			rq->bad = true;
			snprintf(rq->why, sizeof rq->why,
			    "libmilter refuses text with a carriage return");
			return;
		}
		if (rq->textlen[i] > LIBMILTER_MAXREPLYLEN) {
			rq->bad = true;
			snprintf(rq->why, sizeof rq->why,
			    "libmilter refuses a line of more than %d characters",
			    LIBMILTER_MAXREPLYLEN);
			return;
		}
	}
}

/* has_lone_percent - an unescaped '%' (Sendmail's test) */
static bool
has_lone_percent(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (i + 1 >= len || s[i + 1] != '%')
				return true;
			i++;
		}
	}
	return false;
}

/* unpercent - printf-style: "%%" -> "%", a lone '%' dropped (Postfix) */
static void
unpercent(struct mta_view *v, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			v->text_altered = true;
			if (++i >= len)
				break;
		}
		out(v, "%c", s[i]);
	}
}

/* postfix_default - bare SMFIR_REJECT / SMFIR_TEMPFAIL texts */
static void
postfix_default(struct mta_view *v, char cls)
{
	out(v, cls == '5' ? "550 5.7.1 Command rejected" :
	    "451 4.7.1 Service unavailable - try again later");
}

/* predict_postfix - Postfix 3.7 */
static void
predict_postfix(const struct request *rq, struct mta_view *v)
{
	char cls = rq->rcode[0];
	unsigned i;

	if (rq->bad) {
		v->setreply_failed = v->text_replaced = true;
		note(v, "%s; the milter's REJECT/TEMPFAIL arrives without text "
		    "and Postfix uses its default", rq->why);
		postfix_default(v, cls);
		return;
	}
	/* milter8.c: the first line's enhanced class must match the code. */
	if (rq->xcode[0] != '\0' && rq->xcode[0] != cls) {
		v->milter_disabled = v->text_replaced = true;
		note(v, "Postfix logs \"milter ...: malformed reply\" (class %c vs "
		    "%.3s) and stops using the milter for the rest of the "
		    "session; with milter_default_action = tempfail (the default "
		    "before 3.11) every later command gets this reply",
		    rq->xcode[0], rq->rcode);
		note(v, "Postfix 3.11 and later default to shutdown: "
		    "421 4.3.5 Server configuration problem - try again later, "
		    "then disconnect");
		out(v, "451 4.3.5 Server configuration problem - try again later");
		return;
	}
	if (v->stage == STAGE_CONNECT) {
		v->text_replaced = true;
		if (cls == '5') {
			note(v, "at CONNECT Postfix shows its own greeting, never "
			    "the milter's text");
			out(v, "554 %s ESMTP not accepting connections", HOSTNAME);
			return;
		}
		if (strncmp(rq->rcode, "421", 3) == 0) {
			v->closes = true;
			note(v, "a 421 at CONNECT closes the connection");
			out(v, "421 %s Service unavailable - try again later",
			    HOSTNAME);
			return;
		}
		v->deferred_to_next = true;
		v->text_replaced = false;
		note(v, "at CONNECT Postfix greets with 220 and answers MAIL FROM "
		    "(and AUTH, VRFY, ...) with the milter's reply");
	} else if (v->stage == STAGE_HELO && strncmp(rq->rcode, "421", 3) != 0) {
		v->deferred_to_next = true;
		note(v, "Postfix accepts HELO/EHLO (250) and answers MAIL FROM and "
		    "later commands with the milter's reply");
	}
	if (rq->xcode[0] == '\0')
		note(v, "Postfix passes a milter reply without an enhanced code "
		    "as it is; it does not add one");
	for (i = 0; i < rq->nlines; i++) {
		bool last = i + 1 == rq->nlines;

		out(v, "%s%.3s%c", i ? "\n" : "", rq->rcode, last ? ' ' : '-');
		if (rq->xcode[0] != '\0')
			out(v, "%s%s", rq->xcode,
			    rq->textlen[i] || !last ? " " : "");
		unpercent(v, rq->text[i], rq->textlen[i]);
	}
	if (v->text_altered)
		note(v, "Postfix treats the text like a printf format: \"%%%%\" "
		    "becomes \"%%\" and a lone \"%%\" is deleted");
	if (strncmp(rq->rcode, "421", 3) == 0) {
		v->closes = true;
		note(v, "after a 421 reply Postfix closes the connection");
	}
}

/* sendmail_default - the stage's default REPLYCODE text */
static const char *
sendmail_default(enum stage st)
{
	switch (st) {
	case STAGE_CONNECT:
		return "554 Command rejected";
	case STAGE_HELO:
		return "550 Command rejected";
	case STAGE_EOM:
		return "554 5.7.1 Command rejected";
	default:
		return "550 5.7.1 Command rejected";
	}
}

/*
 * sendmail_addr - fmtmsg() names the envelope address (e_to) in 450, 550
 * and 553 replies: the sender at MAIL, the recipient at RCPT.  Replies
 * deferred from HELO ("nullserver" mode) name nothing.
 */
static const char *
sendmail_addr(const char *rcode, enum stage st)
{
	if (strncmp(rcode, "450", 3) != 0 && strncmp(rcode, "550", 3) != 0 &&
	    strncmp(rcode, "553", 3) != 0)
		return NULL;
	if (st == STAGE_RCPT)
		return "<recipient>... ";
	if (st == STAGE_MAIL)
		return "<sender>... ";
	return NULL;
}

/* predict_sendmail - Sendmail 8.17 */
static void
predict_sendmail(const struct request *rq, struct mta_view *v)
{
	char cls = rq->rcode[0];
	bool lone = false;
	unsigned i;

	if (rq->bad) {
		v->setreply_failed = v->text_replaced = true;
		note(v, "%s; the milter's REJECT/TEMPFAIL arrives without text "
		    "and Sendmail uses its default", rq->why);
		if (cls == '4')
			out(v, "451 4.3.2 Please try again later");
		else
			out(v, "550 5.7.1 %sCommand rejected",
			    sendmail_addr("550", v->stage) ?
			    sendmail_addr("550", v->stage) : "");
		return;
	}
	for (i = 0; i < rq->nlines; i++)
		if (has_lone_percent(rq->text[i], rq->textlen[i]))
			lone = true;
	if (lone) {
		v->text_replaced = true;
		note(v, "an unescaped '%%' makes Sendmail replace the whole reply "
		    "with its default for the stage");
		out(v, "%s", sendmail_default(v->stage));
		return;
	}
	if (v->stage == STAGE_CONNECT) {
		v->text_replaced = true;
		note(v, "Sendmail ignores a milter's reply text at CONNECT (unless "
		    "built with _FFR_MILTER_CONNECT_REPLYCODE) and rejects the "
		    "connection");
		out(v, "%s", cls == '5' ? "554 Command rejected" :
		    "421 Service unavailable");
		return;
	}
	if (v->stage == STAGE_HELO && strncmp(rq->rcode, "421", 3) != 0) {
		v->deferred_to_next = true;
		note(v, "Sendmail answers EHLO with 250 and no extensions, then "
		    "gives this reply to MAIL FROM and every later command; the "
		    "milter is not called again in the session");
	}
	if (rq->xcode[0] != '\0' && rq->xcode[0] != cls)
		note(v, "Sendmail does not check the enhanced code's class: the "
		    "contradiction reaches the client");
	for (i = 0; i < rq->nlines; i++) {
		bool last = i + 1 == rq->nlines;
		bool code_kept = rq->xcode[0] != '\0' && (rq->textlen[i] > 0 ||
		    !last);

		out(v, "%s%.3s%c", i ? "\n" : "", rq->rcode, last ? ' ' : '-');
		if (code_kept) {
			out(v, "%s ", rq->xcode);
		} else {
			/* usrerr() fills in X.0.0 when no code is followed by a blank */
			out(v, "%c.0.0 ", cls);
			v->text_altered = true;
			if (i == 0)
				note(v, "Sendmail adds %c.0.0 when the reply has no "
				    "enhanced code followed by text", cls);
		}
		if (i == 0 && sendmail_addr(rq->rcode, v->stage))
			out(v, "%s", sendmail_addr(rq->rcode, v->stage));
		if (!code_kept && rq->xcode[0] != '\0')
			out(v, "%s", rq->xcode);	/* now mere text */
		unpercent(v, rq->text[i], rq->textlen[i]);
	}
	if (sendmail_addr(rq->rcode, v->stage))
		note(v, "Sendmail names the envelope address (\"%s\") in 450, "
		    "550 and 553 replies at MAIL and RCPT",
		    sendmail_addr(rq->rcode, v->stage));
	if (strncmp(rq->rcode, "421", 3) == 0) {
		v->closes = true;
		note(v, "after a 421 reply Sendmail closes the connection");
	}
}

/* mta_predict - entry point */
int
mta_predict(enum mta m, const char *reply, size_t len, enum stage st,
    struct mta_view *v)
{
	struct request rq;

	memset(v, 0, sizeof *v);
	v->mta = m;
	v->stage = st == STAGE_NONE ? STAGE_RCPT : st;
	split_request(reply, len, &rq);
	if (rq.rcode[0] != '4' && rq.rcode[0] != '5') {
		v->setreply_failed = true;
		note(v, "a milter cannot send a %.3s reply: libmilter accepts "
		    "only 4xx and 5xx codes, and a milter that wants to let the "
		    "command through returns SMFIS_CONTINUE with no reply",
		    rq.rcode[0] ? rq.rcode : "(missing)");
		return -1;
	}
	if (m == MTA_POSTFIX)
		predict_postfix(&rq, v);
	else
		predict_sendmail(&rq, v);
	return 0;
}

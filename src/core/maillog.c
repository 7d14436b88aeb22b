/*
 * maillog.c - rejections and failed deliveries in MTA log lines (see
 * maillog.h): what both readers share (the reply reader, a key's value,
 * names), the dispatch to the Postfix reader (maillog_postfix.c) or the
 * Sendmail reader (maillog_sendmail.c), and what is derived from a record.
 */
#include "config.h"

#include <string.h>

#include "maillog_int.h"
#include "reply.h"
#include "strutil.h"

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

/* ml_set_reply - see maillog_int.h */
void
ml_set_reply(struct maillog_rec *r, const char *s, size_t n)
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

/* ml_value - see maillog_int.h */
size_t
ml_value(const char *s, size_t n, struct ml_span *v)
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

/* maillog_parse - see maillog.h */
enum ml_result
maillog_parse(const struct logline *ll, enum maillog_mta filter,
    struct maillog_rec *r)
{
	return maillog_parse_ex(ll, filter, 0, r);
}

/* maillog_parse_ex - see maillog.h */
enum ml_result
maillog_parse_ex(const struct logline *ll, enum maillog_mta filter,
    unsigned flags, struct maillog_rec *r)
{
	const char *s = ll->msg, *slash;
	size_t n = ll->msglen;
	enum ml_result res;

	r->nrcpt = 0;
	r->want_delivered = (flags & MLF_DELIVERED) != 0;
	r->monitor = false;
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
	res = r->sendmail ? ml_sendmail(s, n, r) : ml_postfix(s, n, r);
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

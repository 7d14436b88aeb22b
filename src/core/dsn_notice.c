/*
 * dsn_notice.c - what a bounce's human-readable part says of one
 * recipient (see dsn.h, struct dsn_hint).
 *
 * The part is searched for the recipient's address; the paragraph that
 * follows it (to the next blank line) is that recipient's.  A bounce of
 * one recipient lends its whole notice (Sendmail's transcript follows in
 * a paragraph of its own).  In it:
 *
 *	Postfix   <u@x>: host mx[ip] said: 550 5.1.1 ... (in reply to end
 *	          of DATA command)
 *	Sendmail  ... while talking to mx.: >>> DATA <<< 550 ...
 *	OpenSMTPD u@x: 550 5.7.26 <u@x>: Recipient address rejected: ...
 */
#include "config.h"

#include <string.h>

#include "dsn.h"
#include "strutil.h"

#define PARA_MAX	4096

/* paragraph - from p to the next blank line, at most PARA_MAX bytes */
static size_t
paragraph(const char *p, const char *end)
{
	const char *q;
	size_t n = (size_t)(end - p) < PARA_MAX ? (size_t)(end - p) : PARA_MAX;

	for (q = p; q + 1 < p + n; q++)
		if (q[0] == '\n' && (q[1] == '\n' || (q[1] == '\r' &&
		    q + 2 < p + n && q[2] == '\n')))
			return (size_t)(q - p);
	return n;
}

/* stage_in - the SMTP command a refusal in (s, n) answered, or NULL; the
   text is read with its line breaks and indentation as single blanks
   ("(in reply to end of DATA\n    command)") */
static const char *
stage_in(const char *raw, size_t rawlen)
{
	char s[PARA_MAX];
	size_t i, n = 0;
	static const struct {
		const char	*text;
		const char	*stage;
	} says[] = {
		{ "in reply to end of DATA command", "eom" },
		{ "in reply to DATA command", "data" },
		{ "in reply to RCPT TO command", "rcpt" },
		{ "in reply to MAIL FROM command", "mail" },
		{ ">>> DATA", "data" },
		{ ">>> RCPT To", "rcpt" },
		{ ">>> MAIL From", "mail" },
	};
	const char *first = NULL, *stage = NULL, *p;

	for (i = 0; i < rawlen && n < sizeof s; i++) {
		char c = raw[i] == '\r' || raw[i] == '\n' || raw[i] == '\t' ?
		    ' ' : raw[i];

		if (c == ' ' && n > 0 && s[n - 1] == ' ')
			continue;
		s[n++] = c;
	}
	for (i = 0; i < sizeof says / sizeof says[0]; i++)
		if ((p = str_casestr(s, n, says[i].text)) != NULL &&
		    (first == NULL || p < first)) {
			first = p;
			stage = says[i].stage;
		}
	return stage;
}

/* reply_after - the reply that follows the address in the paragraph:
   "NNN[ -]..." within the first 200 bytes, joined into one line; else the
   rest of the address's line ("u@x: Domain does not exist") */
static void
reply_after(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0, lim = n < 200 ? n : 200;
	const char *nl;

	for (i = 0; i + 3 < lim; i++)
		if (s[i] >= '2' && s[i] <= '5' && s[i + 1] >= '0' &&
		    s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
		    (s[i + 3] == ' ' || s[i + 3] == '-') &&
		    (i == 0 || s[i - 1] == ' ' || s[i - 1] == ':' ||
		    s[i - 1] == '\t'))
			break;
	if (i + 3 >= lim) {
		/* no reply code: the rest of the line, else the next line
		   (Exim: the address, then its reason indented below it) */
		for (i = 0; i < n && (s[i] == '>' || s[i] == ':' || s[i] == ' ' ||
		    s[i] == '\t' || s[i] == '\r'); i++)
			;
		if (i < n && s[i] == '\n')
			for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
				;
		if ((nl = memchr(s + i, '\n', n - i)) != NULL)
			n = (size_t)(nl - s);
	}
	for (; i < n && o + 1 < size; i++) {
		char c = s[i];

		if (c == '\r')
			continue;
		if (c == '\n' || c == '\t')
			c = ' ';
		if (c == ' ' && o > 0 && out[o - 1] == ' ')
			continue;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

void
dsn_notice_hint(const struct dsn *d, const struct dsn_rcpt *r,
    struct dsn_hint *h)
{
	const char *addr = dsn_recipient(r), *end, *p = NULL;
	size_t alen = strlen(addr), n;

	h->stage = NULL;
	h->reply[0] = '\0';
	if (d->notice == NULL || d->noticelen == 0)
		return;
	end = d->notice + d->noticelen;
	if (alen >= 3)
		p = str_casestr(d->notice, d->noticelen, addr);
	if (p != NULL) {
		n = paragraph(p, end);
		h->stage = stage_in(p, n);
		if (r->diagnostic[0] == '\0')
			reply_after(p + alen, n - alen, h->reply, sizeof h->reply);
	}
	/* a transcript of one recipient's session is that recipient's */
	if (h->stage == NULL && d->nrcpt == 1)
		h->stage = stage_in(d->notice, d->noticelen);
}

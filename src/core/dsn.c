/*
 * dsn.c - DSN status parts: reading the fields (see dsn.h); what they
 * mean is dsn_class.c's.
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
#include "strutil.h"
#include "utf8.h"

#define FIELD_MAX	2048	/* one unfolded field value, truncated beyond */

enum field {
	F_OTHER = 0,
	F_REPORTING_MTA,
	F_QUEUE_ID,		/* X-Postfix-Queue-ID */
	F_ENVID,		/* Original-Envelope-Id */
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
	{ "X-Postfix-Queue-ID", F_QUEUE_ID },
	{ "Original-Envelope-Id", F_ENVID },
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
	free(d->notice);
	d->rcpt = NULL;
	d->notice = NULL;
	d->nrcpt = d->cap = d->noticelen = 0;
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
	if (f == F_QUEUE_ID || f == F_ENVID) {
		char *dst = f == F_QUEUE_ID ? ps->d->queue_id : ps->d->envid;

		if (dst[0] == '\0')
			str_copy(dst, f == F_QUEUE_ID ? sizeof ps->d->queue_id :
			    sizeof ps->d->envid, v);
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

/* msgid_of - the Message-ID of a header block, without its angle
   brackets, into out ("" when there is none) */
static void
msgid_of(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, k;

	out[0] = '\0';
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;

		if (end == i || (end == i + 1 && s[i] == '\r'))
			return;			/* the end of the header */
		if (end - i > 11 && strncasecmp(s + i, "Message-ID:", 11) == 0) {
			for (i += 11; i < end && (s[i] == ' ' || s[i] == '\t' ||
			    s[i] == '<'); i++)
				;
			for (k = 0; i < end && s[i] != '>' && s[i] != '\r' &&
			    s[i] != ' ' && k + 1 < size; i++)
				out[k++] = s[i];
			out[k] = '\0';
			return;
		}
		i = end + 1;
	}
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

	if (strcmp(type, "message/delivery-status") == 0) {
		global = false;
	} else if (strcmp(type, "message/global-delivery-status") == 0) {
		global = true;
	} else if (strcmp(type, "text/rfc822-headers") == 0 ||
	    strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/global-headers") == 0 ||
	    strcmp(type, "message/global") == 0) {
		/* the returned message: its Message-ID ties the bounce to
		   the delivery that caused it (esc trace --dsn) */
		if (w->d->orig_msgid[0] == '\0')
			msgid_of(e->body, e->bodylen, w->d->orig_msgid,
			    sizeof w->d->orig_msgid);
		return 0;
	} else {
		/* the notification people read, before the status part */
		if (strcmp(type, "text/plain") == 0 && w->d->notice == NULL &&
		    w->d->nparts == 0 && (w->d->notice = mime_decode(cte,
		    e->body, e->bodylen > DSN_NOTICE_MAX ? DSN_NOTICE_MAX :
		    e->bodylen, &w->d->noticelen)) == NULL)
			w->rc = -1;
		return 0;
	}
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

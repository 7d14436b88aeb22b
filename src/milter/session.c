/*
 * session.c - per-connection state (see session.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "strutil.h"

/* set_str - replace a string */
int
set_str(char **dst, const char *v)
{
	char *n = NULL;

	if (v != NULL && (n = strdup(v)) == NULL)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

/* address_strip - remove blanks and one pair of angle brackets */
char *
address_strip(const char *a)
{
	size_t len;

	if (a == NULL)
		return strdup("");
	while (isspace((unsigned char)*a))
		a++;
	len = strlen(a);
	while (len > 0 && isspace((unsigned char)a[len - 1]))
		len--;
	if (len >= 2 && a[0] == '<' && a[len - 1] == '>') {
		a++;
		len -= 2;
	}
	return xstrndup(a, len);
}

/* address_domain - after the last '@', lower-cased, no trailing dot */
char *
address_domain(const char *a)
{
	const char *at = strrchr(a, '@');
	char *d;
	size_t len;

	if (at == NULL)
		return strdup("");
	len = strlen(at + 1);
	while (len > 0 && at[len] == '.')
		len--;
	if ((d = xstrndup(at + 1, len)) != NULL)
		str_lower(d);
	return d;
}

/* session_new - a session bound to the active configuration */
struct session *
session_new(void)
{
	struct session *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	if ((s->act = rt_acquire()) == NULL) {
		free(s);
		return NULL;
	}
	s->cfg = s->act->cfg;
	rt_session_id(s->id, sizeof s->id);
	if (match_scratch_init(&s->scratch, s->cfg->mctx) < 0) {
		rt_release(s->act);
		free(s);
		return NULL;
	}
	return s;
}

static void
mon_free(struct mon_hit *m, unsigned *n)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		free(m[i].value);
	*n = 0;
}

/* message_reset - per-message state back to empty */
void
message_reset(struct session *s)
{
	struct message *m = &s->msg;

	free(m->sender);
	free(m->sender_domain);
	free(m->queue_id);
	free(m->hdr_bits);
	free(m->body);
	free(m->ctype);
	free(m->cte);
	mon_free(m->mon, &m->nmon);
	memset(m, 0, sizeof *m);
	free(s->rcpt);
	free(s->rcpt_domain);
	s->rcpt = s->rcpt_domain = NULL;
}

/* session_free - all of it */
void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	message_reset(s);
	mon_free(s->conn_mon, &s->nconn_mon);
	free(s->client_name);
	free(s->helo);
	match_scratch_free(&s->scratch);
	rt_release(s->act);
	free(s);
}

/* session_facts - the view rules get */
void
session_facts(const struct session *s, enum stage st, struct facts *f)
{
	memset(f, 0, sizeof *f);
	f->stage = st;
	f->ip = s->has_ip ? &s->ipaddr : NULL;
	f->client_name = s->client_name;
	f->helo = s->helo;
	f->sender = s->msg.sender;
	f->sender_domain = s->msg.sender_domain;
	f->recipient = s->rcpt;
	f->recipient_domain = s->rcpt_domain;
	f->authenticated = s->msg.authenticated;
	f->nrcpt = s->msg.nrcpt;
	f->size = s->msg.size;
	f->hdr_bits = s->msg.hdr_bits;
	f->body = s->msg.body;
	f->bodylen = s->msg.bodylen;
}

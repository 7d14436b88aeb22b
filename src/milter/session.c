/*
 * session.c - per-connection state (see session.h).
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "follow.h"
#include "maillog_event.h"
#include "replyclass.h"
#include "session.h"
#include "strutil.h"

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
	stats_session_open(rt_stats());
	rt_session_id(s->id, sizeof s->id);
	verdict_init(&s->v);
	if (match_scratch_init(&s->scratch, s->cfg->mctx) < 0) {
		stats_session_close(rt_stats());
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
	verdict_message(&s->v);
}

/* session_free - all of it */
void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	message_reset(s);
	if (s->tracked != NULL)
		seen_session_close(s->tracked, s->ip);
	mon_free(s->conn_mon, &s->nconn_mon);
	free(s->client_name);
	free(s->helo);
	match_scratch_free(&s->scratch);
	rt_release(s->act);
	free(s);
	stats_session_close(rt_stats());
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
	/* at RCPT, the recipient being evaluated counts */
	f->nrcpt = s->v.nrcpt + (st == STAGE_RCPT);
	f->size = s->msg.size;
	f->hdr_bits = s->msg.hdr_bits;
	f->body = s->msg.body;
	f->bodylen = s->msg.bodylen;
}

/* session_event_common - host, session, queue id */
struct event_common
session_event_common(const struct session *s)
{
	struct event_common ec = { s->act->host, s->id, s->msg.queue_id, NULL };

	return ec;
}

/* session_reply_event - what the session knows of a reply event */
void
session_reply_event(const struct session *s, enum stage st,
    const char *action, const char *mode, const char *rule,
    struct reply_event *re)
{
	memset(re, 0, sizeof *re);
	re->source = "milter";
	re->action = action;
	re->mode = mode;
	re->stage = st;
	re->rule = rule;
	re->client_ip = s->ip[0] ? s->ip : NULL;
	re->client_name = s->client_name;
	re->helo = s->helo;
	re->sender = s->msg.sender;
	re->recipient = st == STAGE_RCPT ? s->rcpt : NULL;
}

/* session_track - the follower holds this client's rejections until the
   session ends (see follow.h) */
void
session_track(struct session *s)
{
	struct seen *t = follow_seen();

	if (t != NULL && s->ip[0] != '\0' && s->tracked == NULL) {
		seen_session_open(t, s->ip);
		s->tracked = t;
	}
}

/* emit_class - the reply classified; the rule's reason first */
static void
emit_class(const struct session *s, const struct reply_event *re,
    const struct rule *r, struct reply_class *rc)
{
	struct reason_in in;

	memset(&in, 0, sizeof in);
	in.dir = RD_INBOUND;
	in.stage = stage_name(re->stage);
	in.code = re->code;
	in.xcode = re->xcode;
	in.text = re->text;
	in.textlen = re->text ? strlen(re->text) : 0;
	reply_classify(&s->cfg->tab, &in, rc);
	/* what the client was told: a rejection is class 5, a tempfail 4 */
	if (rc->cls == 0 && strcmp(re->action, "discard") != 0)
		rc->cls = strcmp(re->action, "tempfail") == 0 ? 4 : 5;
	if (r != NULL && r->reason_set)
		rc->reason = r->reason;
	/* a rule's reply names no check of its own: the rule is the check */
	if (r != NULL && rc->reason_detail[0] == '\0')
		str_copy(rc->reason_detail, sizeof rc->reason_detail, r->name);
}

/* session_emit_reply - the event, the counters, and what the follower
   must not count */
void
session_emit_reply(const struct session *s, const struct reply_event *re,
    const struct rule *r)
{
	struct event_common ec = session_event_common(s);
	struct seen *t = follow_seen();
	struct reply_class rc;
	char key[MAILLOG_KEY_MAX];
	bool mta = strcmp(re->source, "mta") == 0;
	bool discard = strcmp(re->action, "discard") == 0;
	bool monitor = strcmp(re->mode, "monitor") == 0;

	emit_class(s, re, r, &rc);
	if (t != NULL && !monitor)
		follow_order_begin();
	rt_event(event_reply(&ec, re, &rc));
	if (!discard)
		stats_reply(rt_stats(), mta ? SRC_MTA : SRC_MILTER, SDIR_INBOUND,
		    strcmp(re->action, "tempfail") == 0 ? SACT_TEMPFAIL :
		    SACT_REJECT, monitor ? MODE_MONITOR : MODE_ENFORCE, &rc,
		    re->stage);
	if (t == NULL || monitor)
		return;
	if (maillog_key_make(mta ? "mta" : "milter", discard ? NULL :
	    stage_name(re->stage), discard ? NULL : re->xcode, re->recipient,
	    re->recipient ? strlen(re->recipient) : 0, key, sizeof key) > 0)
		seen_add(t, key, s->ip, s->msg.queue_id ? s->msg.queue_id : "",
		    time(NULL));
	follow_order_end();
}

/* session_add_monitor - for the header added at end of message */
void
session_add_monitor(struct session *s, const struct rule *r, enum stage st,
    char *value)
{
	bool conn = st == STAGE_CONNECT || st == STAGE_HELO;
	struct mon_hit *list = conn ? s->conn_mon : s->msg.mon;
	unsigned *n = conn ? &s->nconn_mon : &s->msg.nmon;

	if (value == NULL)
		return;
	if (*n == SESSION_MAX_MON) {
		free(value);
		return;
	}
	list[*n].rule = r;
	list[(*n)++].value = value;
}

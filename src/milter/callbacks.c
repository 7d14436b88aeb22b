/*
 * callbacks.c - the libmilter callbacks.  Each one gathers what the MTA
 * says into the session, asks verdict_step() what the stage may do, runs
 * the stage's rules (decide.c) when it may, and lets verdict_record() turn
 * the outcome into what to do now: continue, reply (respond.c), discard
 * or apply on_error.  No callback blocks except on the DNS lookups a rule
 * asks for; none keeps static buffers.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "address.h"
#include "annotate.h"
#include "callbacks.h"
#include "decide.h"
#include "lm.h"
#include "log.h"
#include "observe.h"
#include "respond.h"
#include "session.h"
#include "strutil.h"

#define EVAL_ERROR	"a regular expression hit its match limit"

/* get - the session, creating it if negotiate was not called */
static struct session *
get(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s == NULL && (s = session_new()) != NULL) {
		if (smfi_setpriv(ctx, s) != MI_SUCCESS) {
			session_free(s);
			return NULL;
		}
		stats_connection(rt_stats());
	}
	return s;
}

/* queue_id - remember {i} when the MTA sends it */
static void
queue_id(struct session *s, SMFICTX *ctx)
{
	const char *i = lm_macro(ctx, "i");

	if (i != NULL && *i != '\0' &&
	    (s->msg.queue_id == NULL || strcmp(s->msg.queue_id, i) != 0))
		(void)str_set(&s->msg.queue_id, i);
}

/* act - what verdict_step or verdict_record said, as an SMFIS_* code */
static sfsistat
act(struct session *s, SMFICTX *ctx, enum stage st, enum verdict_do d,
    const struct rule *r)
{
	switch (d) {
	case DO_EVALUATE:
	case DO_CONTINUE:
		break;
	case DO_REPLY:
		return respond_reply(s, ctx, r, s->v.conn_rule == r ?
		    s->v.conn_stage : st);
	case DO_DISCARD:
		respond_discard(s, r, st);
		return SMFIS_DISCARD;
	case DO_ERROR:
		return respond_error(s, ctx, st, EVAL_ERROR);
	}
	return SMFIS_CONTINUE;
}

/*
 * stage - the common path: what the verdict allows, the rules if they may
 * run, the outcome recorded.  A connection's discard applies to each of
 * its messages (recorded as the message's discard).
 */
static sfsistat
stage(struct session *s, SMFICTX *ctx, enum stage st)
{
	enum verdict_do d = verdict_step(&s->v, st);
	struct outcome o;

	if (d == DO_DISCARD) {
		o.kind = O_DISCARD;
		o.rule = s->v.conn_rule;
		return act(s, ctx, st, verdict_record(&s->v, st, o), o.rule);
	}
	if (d == DO_ERROR)	/* a header condition could not decide */
		return respond_error(s, ctx, st, EVAL_ERROR " on a header");
	if (d != DO_EVALUATE)
		return act(s, ctx, st, d, s->v.conn_rule);
	o = decide_stage(s, st);
	return act(s, ctx, st, verdict_record(&s->v, st, o), o.rule);
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct session *s = get(ctx);
	unsigned long want = 0;
	const struct config *c;

	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
	*pf2 = *pf3 = 0;
	if (s == NULL) {
		*pf1 = 0;
		return SMFIS_CONTINUE;
	}
	c = s->cfg;
	if (c->set.observe_mta_rejects)
		want |= SMFIP_RCPT_REJ;
	want |= SMFIP_NOUNKNOWN | SMFIP_NODATA;
	if (!c->need_body && !c->set.annotate_dsn)
		want |= SMFIP_NOBODY;
	*pf1 = f1 & want;
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *addr)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_CONNECT, "out of memory");
	if (addr != NULL && addr->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)addr)->sin_addr,
		    s->ip, sizeof s->ip);
	} else if (addr != NULL && addr->sa_family == AF_INET6) {
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)(void *)addr)->sin6_addr, s->ip,
		    sizeof s->ip);
	}
	s->has_ip = s->ip[0] != '\0' && ipaddr_parse(s->ip, &s->ipaddr);
	if (s->has_ip)	/* "::ffff:192.0.2.1" is logged as 192.0.2.1 */
		ipaddr_format(&s->ipaddr, s->ip, sizeof s->ip);
	/* Sendmail writes an unresolved client as "[192.0.2.1]". */
	if (str_set(&s->client_name, hostname == NULL || hostname[0] == '[' ?
	    "unknown" : hostname) < 0)
		return respond_error(s, ctx, STAGE_CONNECT, "out of memory");
	return stage(s, ctx, STAGE_CONNECT);
}

static sfsistat
mlfi_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HELO, "out of memory");
	if (str_set(&s->helo, helo ? helo : "") < 0)
		return respond_error(s, ctx, STAGE_HELO, "out of memory");
	return stage(s, ctx, STAGE_HELO);
}

static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = get(ctx);
	const char *auth;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_MAIL, "out of memory");
	message_reset(s);
	if ((s->msg.sender = address_strip(argv ? argv[0] : NULL)) == NULL ||
	    (s->msg.sender_domain = address_domain(s->msg.sender)) == NULL)
		return respond_error(s, ctx, STAGE_MAIL, "out of memory");
	auth = lm_macro(ctx, "{auth_authen}");
	s->msg.authenticated = auth != NULL && *auth != '\0';
	queue_id(s, ctx);
	if (s->cfg->nhdr > 0 &&
	    (s->msg.hdr_bits = calloc((s->cfg->nhdr + 7) / 8, 1)) == NULL)
		return respond_error(s, ctx, STAGE_MAIL, "out of memory");
	return stage(s, ctx, STAGE_MAIL);
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_RCPT, "out of memory");
	queue_id(s, ctx);
	free(s->rcpt);
	free(s->rcpt_domain);
	s->rcpt_domain = NULL;
	if ((s->rcpt = address_strip(argv ? argv[0] : NULL)) == NULL ||
	    (s->rcpt_domain = address_domain(s->rcpt)) == NULL)
		return respond_error(s, ctx, STAGE_RCPT, "out of memory");
	if (observe_is_rejected(ctx)) {
		/* Rejected by the MTA itself; our answer would be ignored. */
		if (s->cfg->set.observe_mta_rejects)
			observe_rcpt_reject(s, ctx, s->rcpt);
		return SMFIS_CONTINUE;
	}
	if (verdict_step(&s->v, STAGE_RCPT) == DO_CONTINUE) {
		verdict_rcpt_skipped(&s->v);
		return SMFIS_CONTINUE;
	}
	return stage(s, ctx, STAGE_RCPT);
}

static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = get(ctx);
	size_t vlen;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HEADER, "out of memory");
	vlen = value ? strlen(value) : 0;
	s->msg.size += strlen(name) + 2 + vlen + 2;
	if (s->cfg->set.annotate_dsn && annotate_header(s, name, value) < 0)
		return respond_error(s, ctx, STAGE_HEADER, "out of memory");
	if (s->msg.hdr_bits != NULL &&
	    verdict_step(&s->v, STAGE_HEADER) == DO_EVALUATE &&
	    conf_header_match(s->cfg, name, value ? value : "", vlen,
	    s->msg.hdr_bits, &s->scratch) < 0)
		s->v.eval_error = true;
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HEADER, "out of memory");
	queue_id(s, ctx);
	s->msg.size += 2;	/* the blank line */
	if (s->cfg->set.annotate_dsn)
		s->msg.dsn = annotate_dsn_candidate(s);
	return stage(s, ctx, STAGE_HEADER);
}

static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *s = get(ctx);
	size_t room, limit;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_EOM, "out of memory");
	s->msg.size += len;
	limit = s->cfg->set.body_scan_limit;
	if ((!s->cfg->need_body && !s->msg.dsn) || s->msg.bodylen >= limit)
		return SMFIS_CONTINUE;
	room = limit - s->msg.bodylen;
	if (len > room)
		len = room;
	if (s->msg.bodylen + len + 1 > s->msg.bodycap) {
		size_t ncap = s->msg.bodycap ? s->msg.bodycap * 2 : 16384;
		char *nb;

		while (ncap < s->msg.bodylen + len + 1)
			ncap *= 2;
		if (ncap > limit + 1)
			ncap = limit + 1;
		if ((nb = realloc(s->msg.body, ncap)) == NULL)
			return respond_error(s, ctx, STAGE_EOM, "out of memory");
		s->msg.body = nb;
		s->msg.bodycap = ncap;
	}
	memcpy(s->msg.body + s->msg.bodylen, chunk, len);
	s->msg.bodylen += len;
	s->msg.body[s->msg.bodylen] = '\0';
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct session *s = get(ctx);
	sfsistat rc;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_EOM, "out of memory");
	queue_id(s, ctx);
	stats_message(rt_stats());
	rc = stage(s, ctx, STAGE_EOM);
	if (rc == SMFIS_CONTINUE && annotate_monitor(s, ctx) < 0)
		log_warnx("%s: could not add the monitor headers", s->id);
	if (rc == SMFIS_CONTINUE && s->cfg->set.annotate_dsn &&
	    annotate_dsn(s, ctx) < 0)
		log_warnx("%s: could not add the DSN headers", s->id);
	message_reset(s);
	return rc;
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s != NULL)
		message_reset(s);
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	session_free(s);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static char filter_name[] = "esc-milter";

/* The filter description, one comment per slot. */
struct smfiDesc esc_filter = {
	.xxfi_name = filter_name,		/* filter name */
	.xxfi_version = SMFI_VERSION,		/* libmilter version code */
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,	/* monitor and DSN
						   headers; forged DSN ones go */
	.xxfi_connect = mlfi_connect,		/* connection info */
	.xxfi_helo = mlfi_helo,			/* SMTP HELO/EHLO */
	.xxfi_envfrom = mlfi_envfrom,		/* MAIL FROM */
	.xxfi_envrcpt = mlfi_envrcpt,		/* RCPT TO (and rejected ones) */
	.xxfi_header = mlfi_header,		/* each header */
	.xxfi_eoh = mlfi_eoh,			/* end of headers */
	.xxfi_body = mlfi_body,			/* body chunks */
	.xxfi_eom = mlfi_eom,			/* end of message */
	.xxfi_abort = mlfi_abort,		/* message aborted */
	.xxfi_close = mlfi_close,		/* connection closed */
	.xxfi_unknown = NULL,			/* unknown commands: not used */
	.xxfi_data = NULL,			/* DATA: not used */
	.xxfi_negotiate = mlfi_negotiate,	/* protocol options */
};

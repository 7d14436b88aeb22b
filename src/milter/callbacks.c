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
#include "footprint.h"
#include "lm.h"
#include "log.h"
#include "negotiate.h"
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

/* act - what the verdict says, as an SMFIS_* code */
static sfsistat
act(struct session *s, SMFICTX *ctx, enum stage st, enum verdict_do d,
    const struct rule *r, const char *why)
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
		return respond_error(s, ctx, st, why);
	}
	return SMFIS_CONTINUE;
}

/* replies - does the MTA wait for an answer at this stage's step? */
static bool
replies(const struct session *s, enum stage st)
{
	unsigned long nr = negotiate_noreply(st);

	return nr == 0 || !(s->proto & nr);
}

/* quiet - "continue" as the step needs it: no reply where none is due */
static sfsistat
quiet(const struct session *s, unsigned long nr)
{
	return (s->proto & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/*
 * defer - an internal failure at a step without a reply: on_error =
 * continue applies at once; tempfail at the next step that replies.
 */
static sfsistat
defer(struct session *s, SMFICTX *ctx, enum stage st, const char *what)
{
	if (s->cfg->set.on_error == ON_ERROR_CONTINUE) {
		(void)respond_error(s, ctx, st, what);
		return quiet(s, negotiate_noreply(st));
	}
	log_warnx("%s: %s at %s; answered (on_error = tempfail) at the next "
	    "step that has a reply", s->id, what, stage_name(st));
	stats_internal_error(rt_stats());
	verdict_defer(&s->v, st);
	return quiet(s, negotiate_noreply(st));
}

/*
 * stage_at - the common path: what the verdict allows, the rules of stage
 * st if they may run, the outcome recorded, the answer sent at the step
 * of stage `step` (the end of the message answers for the header rules).
 * A connection's discard applies to each of its messages (recorded as the
 * message's discard).  Where the step has no reply (negotiate.h) nothing
 * but a failure can come up, by construction of the footprint; it is
 * deferred.
 */
static sfsistat
stage_at(struct session *s, SMFICTX *ctx, enum stage st, enum stage step)
{
	enum verdict_do d = verdict_step(&s->v, st);
	struct outcome o = { O_NONE, s->v.conn_rule };
	const char *why = st == STAGE_HEADER && s->v.eval_error ?
	    EVAL_ERROR " on a header" : "an earlier internal failure";

	if (d == DO_DISCARD) {
		o.kind = O_DISCARD;
		d = verdict_record(&s->v, st, o);
	} else if (d == DO_EVALUATE) {
		o = decide_stage(s, st);
		d = verdict_record(&s->v, st, o);
		why = EVAL_ERROR;
	}
	if (replies(s, step))
		return act(s, ctx, st, d, o.rule, why);
	if (d == DO_CONTINUE || d == DO_EVALUATE)
		return SMFIS_NOREPLY;
	if (d != DO_ERROR)
		log_warnx("%s: a decision at %s, where the MTA expects no "
		    "reply", s->id, stage_name(st));
	return defer(s, ctx, st, d == DO_ERROR ? why : "a decision without "
	    "a reply");
}

/* stage - a stage answered at its own step */
static sfsistat
stage(struct session *s, SMFICTX *ctx, enum stage st)
{
	return stage_at(s, ctx, st, st);
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct session *s = get(ctx);
	struct footprint fp;

	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
	*pf2 = *pf3 = 0;
	if (s == NULL) {
		*pf1 = 0;
		return SMFIS_CONTINUE;
	}
	footprint_of(s->cfg, &fp);
	s->proto = *pf1 = negotiate_protocol(&fp,
	    s->cfg->set.observe_mta_rejects, f1);
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
	session_track(s);
	/* Sendmail writes an unresolved client as "[192.0.2.1]". */
	if (str_set(&s->client_name, hostname == NULL || hostname[0] == '[' ?
	    "unknown" : hostname) < 0)
		return defer(s, ctx, STAGE_CONNECT, "out of memory");
	return stage(s, ctx, STAGE_CONNECT);
}

static sfsistat
mlfi_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HELO, "out of memory");
	if (str_set(&s->helo, helo ? helo : "") < 0)
		return replies(s, STAGE_HELO) ? respond_error(s, ctx, STAGE_HELO,
		    "out of memory") : defer(s, ctx, STAGE_HELO, "out of memory");
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
	    (s->msg.sender_domain = address_domain(s->msg.sender)) == NULL ||
	    (s->cfg->nhdr > 0 &&
	    (s->msg.hdr_bits = calloc((s->cfg->nhdr + 7) / 8, 1)) == NULL))
		return replies(s, STAGE_MAIL) ? respond_error(s, ctx, STAGE_MAIL,
		    "out of memory") : defer(s, ctx, STAGE_MAIL, "out of memory");
	auth = lm_macro(ctx, "{auth_authen}");
	s->msg.authenticated = auth != NULL && *auth != '\0';
	queue_id(s, ctx);
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
		return replies(s, STAGE_RCPT) ? respond_error(s, ctx, STAGE_RCPT,
		    "out of memory") : defer(s, ctx, STAGE_RCPT, "out of memory");
	if (observe_is_rejected(ctx)) {
		/* Rejected by the MTA itself; our answer would be ignored. */
		if (s->cfg->set.observe_mta_rejects)
			observe_rcpt_reject(s, ctx, s->rcpt);
		return quiet(s, SMFIP_NR_RCPT);
	}
	if (verdict_step(&s->v, STAGE_RCPT) == DO_CONTINUE) {
		verdict_rcpt_skipped(&s->v);
		return quiet(s, SMFIP_NR_RCPT);
	}
	return stage(s, ctx, STAGE_RCPT);
}

/*
 * headers_done - what the end of headers brings: the blank line's bytes,
 * whether a DSN may be coming.  The MTA is asked not to send the end of
 * headers (header rules are decided at the end of the message), so this
 * runs at the first body chunk or at the end of the message, once.
 */
static void
headers_done(struct session *s)
{
	if (s->msg.headers_done)
		return;
	s->msg.headers_done = true;
	s->msg.size += 2;	/* the blank line */
	if (s->cfg->set.annotate_dsn)
		s->msg.dsn = annotate_dsn_candidate(s);
}

/* Each header: noted (header conditions, size, DSN); never answered. */
static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = get(ctx);
	size_t vlen;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HEADER, "out of memory");
	vlen = value ? strlen(value) : 0;
	s->msg.size += strlen(name) + 2 + vlen + 2;
	if (s->cfg->set.annotate_dsn && annotate_header(s, name, value) < 0) {
		(void)defer(s, ctx, STAGE_HEADER, "out of memory");
		return quiet(s, SMFIP_NR_HDR);
	}
	if (s->msg.hdr_bits != NULL &&
	    verdict_step(&s->v, STAGE_HEADER) == DO_EVALUATE &&
	    conf_header_match(s->cfg, name, value ? value : "", vlen,
	    s->msg.hdr_bits, &s->scratch) < 0)
		s->v.eval_error = true;
	return quiet(s, SMFIP_NR_HDR);
}

/*
 * DATA: nothing to decide, answered at once (negotiate.c says why it is
 * not skipped); Postfix gives the queue id here.  A session that could
 * not be set up fails at the end of the message.
 */
static sfsistat
mlfi_data(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s != NULL)
		queue_id(s, ctx);
	return SMFIS_CONTINUE;
}

/* The end of headers, when an MTA sends it all the same. */
static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct session *s = get(ctx);

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_HEADER, "out of memory");
	queue_id(s, ctx);
	headers_done(s);
	return quiet(s, SMFIP_NR_EOH);
}

/* Body chunks: kept as far as body rules or a DSN need; never answered. */
static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *s = get(ctx);
	size_t room, limit;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_EOM, "out of memory");
	headers_done(s);
	s->msg.size += len;
	limit = s->cfg->set.body_scan_limit;
	if ((!s->cfg->need_body && !s->msg.dsn) || s->msg.bodylen >= limit)
		return quiet(s, SMFIP_NR_BODY);
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
		if ((nb = realloc(s->msg.body, ncap)) == NULL) {
			(void)defer(s, ctx, STAGE_EOM, "out of memory");
			return quiet(s, SMFIP_NR_BODY);
		}
		s->msg.body = nb;
		s->msg.bodycap = ncap;
	}
	memcpy(s->msg.body + s->msg.bodylen, chunk, len);
	s->msg.bodylen += len;
	s->msg.body[s->msg.bodylen] = '\0';
	return quiet(s, SMFIP_NR_BODY);
}

/* The end of the message: header rules, then end-of-message rules; the
   monitor and DSN headers when the message goes on. */
static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct session *s = get(ctx);
	sfsistat rc;

	if (s == NULL)
		return respond_error(NULL, ctx, STAGE_EOM, "out of memory");
	queue_id(s, ctx);
	headers_done(s);
	stats_message(rt_stats());
	rc = stage_at(s, ctx, STAGE_HEADER, STAGE_EOM);
	if (rc == SMFIS_CONTINUE)
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
	.xxfi_data = mlfi_data,			/* DATA: the queue id */
	.xxfi_negotiate = mlfi_negotiate,	/* protocol options */
};

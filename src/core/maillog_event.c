/*
 * maillog_event.c - maillog records as events, and their keys (see
 * maillog_event.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "maillog_event.h"
#include "rejection.h"

#define PART_MAX	4097	/* event strings are cut at 4096 bytes */

/* A bump allocator for the NUL-terminated copies of the spans. */
struct scratch {
	char	*buf;
	size_t	 used, size;
};

/* need - the scratch bytes of a span of n bytes */
static size_t
need(size_t n)
{
	return (n < PART_MAX - 1 ? n : PART_MAX - 1) + 1;
}

/* dup - span as a string in the scratch buffer; NULL for an absent span */
static const char *
dup(struct scratch *sc, struct ml_span v)
{
	size_t n = v.n < PART_MAX - 1 ? v.n : PART_MAX - 1;
	char *p;

	if (v.p == NULL || sc->used + n + 1 > sc->size)
		return NULL;
	p = sc->buf + sc->used;
	memcpy(p, v.p, n);
	p[n] = '\0';
	sc->used += n + 1;
	return p;
}

/* maillog_classify - see maillog_event.h */
void
maillog_classify(const struct tables *t, const struct maillog_rec *r,
    struct reply_class *rc)
{
	struct reason_in in;
	char cx[XCODE_STRLEN], prog[64];
	size_t n = r->program.n < sizeof prog - 1 ? r->program.n :
	    sizeof prog - 1;

	memcpy(prog, r->program.p ? r->program.p : "", r->program.p ? n : 0);
	prog[r->program.p ? n : 0] = '\0';
	memset(&in, 0, sizeof in);
	in.dir = r->direction == MLD_OUTBOUND ? RD_OUTBOUND : RD_INBOUND;
	/* a milter's reply, whichever MTA program logged it (cleanup at the
	   end of the message): not that program's own checks */
	in.program = r->source == MLS_MILTER ? "milter" : prog;
	in.stage = r->stage;
	if (r->direction == MLD_OUTBOUND && r->remote_name.p != NULL)
		in.provider = provider_of_host(t, r->remote_name.p,
		    r->remote_name.n);
	if (r->has_reply) {
		in.code = r->code[0] ? r->code : NULL;
		in.xcode = maillog_class_xcode(r, cx, sizeof cx);
		if (in.xcode[0] == '\0')
			in.xcode = NULL;
		in.text = r->text;
		in.textlen = r->textlen;
	}
	reply_classify(t, &in, rc);
}

/* maillog_event - see maillog_event.h */
json_t *
maillog_event(const struct tables *t, const struct maillog_rec *r,
    unsigned i, const struct logline *ll, const char *file,
    unsigned long line, struct reply_class *rcp)
{
	struct reply_class rcl, *rc = rcp != NULL ? rcp : &rcl;
	struct scratch sc = { NULL, 0, 0 };
	struct event_common ec;
	struct reply_event re;
	struct reply_log lg;
	struct rejection rej;
	struct findings fs;
	char ts[40], cx[XCODE_STRLEN], domain[256];
	struct ml_span rcpt = i < r->nrcpt ? r->rcpt[i] :
	    (struct ml_span){ NULL, 0 };
	json_t *ev;

	/* room for the spans copied below, not more: most lines are short */
	sc.size = need(ll->hostlen) + need(r->queue_id.n) + need(r->client_ip.n) +
	    need(r->client_name.n) + need(r->helo.n) + need(r->sender.n) +
	    need(rcpt.n) + need(r->program.n) + need(r->remote_name.n) +
	    need(r->remote_ip.n) + need(r->dsn.n);
	if ((sc.buf = malloc(sc.size)) == NULL)
		return NULL;
	memset(&ec, 0, sizeof ec);
	memset(&re, 0, sizeof re);
	memset(&lg, 0, sizeof lg);
	ec.host = dup(&sc, (struct ml_span){ ll->host, ll->hostlen });
	ec.queue_id = dup(&sc, r->queue_id);
	ec.ts = ll->has_time ? logline_ts(ll->ms, ts, sizeof ts) : "";
	re.source = maillog_source_name(r->source);
	re.action = maillog_action_name(r->action);
	re.mode = r->monitor ? "monitor" : "enforce";
	re.client_ip = dup(&sc, r->client_ip);
	re.client_name = dup(&sc, r->client_name);
	re.helo = dup(&sc, r->helo);
	re.sender = dup(&sc, r->sender);
	re.recipient = dup(&sc, rcpt);
	if (r->has_reply) {
		re.code = r->code[0] ? r->code : NULL;
		re.xcode = r->xcode[0] ? r->xcode : NULL;
		re.text = r->text;
	}
	lg.file = file;
	lg.line = line;
	lg.program = dup(&sc, r->program);
	lg.direction = maillog_direction_name(r->direction);
	lg.stage = r->stage;
	lg.remote_name = dup(&sc, r->remote_name);
	lg.remote_ip = dup(&sc, r->remote_ip);
	if (r->direction == MLD_OUTBOUND &&
	    maillog_remote_domain(r, i, domain, sizeof domain) > 0)
		lg.remote_domain = domain;
	lg.dsn = dup(&sc, r->dsn);
	lg.class_xcode = maillog_class_xcode(r, cx, sizeof cx);
	if (lg.class_xcode[0] == '\0')
		lg.class_xcode = NULL;
	re.log = &lg;
	/* The codes judged as the MTA's own rejections are. */
	memset(&rej, 0, sizeof rej);
	memcpy(rej.code, r->code, sizeof rej.code);
	if (r->xcode[0] != '\0') {
		memcpy(rej.xcode, r->xcode, sizeof rej.xcode);
		rej.xcode_valid = xcode_parse(r->xcode, strlen(r->xcode), 0,
		    &rej.x, NULL) != 0;
	}
	rej.text = r->text;
	findings_init(&fs);
	if (r->has_reply)
		rejection_findings(t->reg, &rej, &fs);
	re.findings = &fs;
	maillog_classify(t, r, rc);
	lg.remote_provider = rc->provider;
	ev = event_reply(&ec, &re, rc);
	free(sc.buf);
	return ev;
}

/* maillog_key_phase - pre, rcpt or msg */
const char *
maillog_key_phase(const char *stage)
{
	if (stage == NULL)
		return "msg";
	if (strcmp(stage, "connect") == 0 || strcmp(stage, "helo") == 0 ||
	    strcmp(stage, "mail") == 0)
		return "pre";
	if (strcmp(stage, "rcpt") == 0)
		return "rcpt";
	return "msg";
}

/* maillog_key_make - "kind|phase|xcode|rcpt" */
size_t
maillog_key_make(const char *kind, const char *stage, const char *xcode,
    const char *rcpt, size_t rcptlen, char *buf, size_t size)
{
	const char *phase = maillog_key_phase(stage);
	size_t o = 0, i;
	int n;

	n = snprintf(buf, size, "%s|%s|%s|", kind, phase, xcode ? xcode : "");
	if (n < 0 || (size_t)n >= size)
		return 0;
	o = (size_t)n;
	if (strcmp(phase, "rcpt") == 0)
		for (i = 0; rcpt != NULL && i < rcptlen && o + 1 < size; i++)
			buf[o++] = (char)(rcpt[i] >= 'A' && rcpt[i] <= 'Z' ?
			    rcpt[i] + 32 : rcpt[i]);
	buf[o] = '\0';
	return o;
}

/* maillog_key - the key of a log record the daemon may also have seen */
size_t
maillog_key(const struct maillog_rec *r, unsigned i, char *buf, size_t size)
{
	const char *stage = r->stage;
	const char *kind;

	/* a warning refused nothing: neither the milter nor the MTA's
	   SMFIP_RCPT_REJ sees it */
	if (r->direction != MLD_INBOUND || r->monitor)
		return 0;
	if (r->source == MLS_MILTER) {
		kind = "milter";
	} else if (r->source == MLS_MTA && stage != NULL &&
	    strcmp(stage, "rcpt") == 0 && r->action != MLA_DISCARD &&
	    r->action != MLA_HOLD && !(r->program.n == 10 &&
	    memcmp(r->program.p, "postscreen", 10) == 0)) {
		kind = "mta";
	} else {
		return 0;
	}
	if (r->action == MLA_DISCARD || r->action == MLA_HOLD)
		stage = NULL;		/* whenever it was decided */
	return maillog_key_make(kind, stage, r->xcode, i < r->nrcpt ?
	    r->rcpt[i].p : NULL, i < r->nrcpt ? r->rcpt[i].n : 0, buf, size);
}

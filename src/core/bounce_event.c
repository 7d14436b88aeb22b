/*
 * bounce_event.c - a bounce tied to its delivery, as events (see
 * bounce_event.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bounce_event.h"
#include "maillog.h"
#include "reason.h"
#include "strutil.h"

static const char *const status_names[] = { "sent", "bounced", "deferred" };

static json_t *
opt(const char *s)
{
	return s != NULL && s[0] ? event_str(s) : json_null();
}

/* bounce_delivery - see bounce_event.h */
void
bounce_delivery(json_t *ev, const struct ob_delivery *dl, bool ours,
    bool async)
{
	json_t *o;

	if (dl == NULL) {
		json_object_set_new(ev, "delivery", json_null());
		return;
	}
	o = json_object();
	json_object_set_new(o, "queue_id", opt(dl->qid));
	json_object_set_new(o, "message_id", opt(dl->msgid));
	json_object_set_new(o, "status", json_string(status_names[dl->status]));
	json_object_set_new(o, "remote", opt(dl->remote));
	json_object_set_new(o, "log", dl->file[0] ? json_pack("{s:o, s:I}",
	    "file", event_str(dl->file), "line", (json_int_t)dl->line) :
	    json_null());
	json_object_set_new(o, "ours", json_boolean(ours));
	json_object_set_new(o, "async", json_boolean(async));
	json_object_set_new(ev, "delivery", o);
}

/* split - "name[ip]" into name and ip (in buf) */
static void
split(const char *remote, char *name, size_t nsize, char *ip, size_t isize)
{
	const char *lb = strrchr(remote, '['), *rb;

	name[0] = ip[0] = '\0';
	if (lb == NULL || (rb = strchr(lb, ']')) == NULL) {
		str_copy(name, nsize, remote);
		return;
	}
	str_copyn(name, nsize, remote, (size_t)(lb - remote));
	str_copyn(ip, isize, lb + 1, (size_t)(rb - lb - 1));
}

/* bounce_class - see bounce_event.h */
void
bounce_class(const struct tables *t, const struct dsn_class *c,
    const struct ob_delivery *dl, struct reply_class *rc)
{
	char name[300], ip[64];

	memset(rc, 0, sizeof *rc);
	rc->cls = c->cls;
	rc->has_x = c->has_code;
	rc->subject = c->has_code ? (int)c->code.subject : c->inferred ?
	    reason_info(c->reason)->subject : -1;
	rc->detail = c->has_code ? (int)c->code.detail : -1;
	rc->registered = c->registered;
	rc->entry = c->entry;
	rc->inferred = c->inferred;
	split(dl->remote, name, sizeof name, ip, sizeof ip);
	rc->provider = name[0] ? provider_of_host(t, name, strlen(name)) : NULL;
	if (rc->provider == NULL)
		rc->provider = c->provider;
	rc->reason = c->reason;
	str_copy(rc->reason_detail, sizeof rc->reason_detail,
	    c->reason_detail);
}

/* diag_reply - "smtp; 552 5.2.2 text": the code and the text */
static const char *
diag_reply(const char *diag, char code[4])
{
	const char *p = strchr(diag, ';');

	code[0] = '\0';
	p = p != NULL ? p + 1 : diag;
	while (*p == ' ')
		p++;
	if (p[0] >= '2' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9' &&
	    p[2] >= '0' && p[2] <= '9' && (p[3] == ' ' || p[3] == '-' ||
	    p[3] == '\0')) {
		memcpy(code, p, 3);
		code[3] = '\0';
	}
	return p;
}

/* bounce_reply - see bounce_event.h */
json_t *
bounce_reply(const struct event_common *dsn_ec,
    const struct dsn *d, const struct dsn_rcpt *r, const struct dsn_class *c,
    const struct ob_delivery *dl, const struct reply_class *rc)
{
	struct maillog_rec *m = calloc(1, sizeof *m);
	struct event_common ec;
	struct reply_event re;
	struct reply_log lg;
	char name[300], ip[64], domain[256], code[4];
	json_t *ev;

	if (m == NULL)
		return NULL;
	split(dl->remote, name, sizeof name, ip, sizeof ip);
	/* the registrable domain, as the log's events name it */
	m->direction = MLD_OUTBOUND;
	m->remote_name.p = name[0] ? name : NULL;
	m->remote_name.n = strlen(name);
	m->rcpt[0].p = dsn_recipient(r);
	m->rcpt[0].n = strlen(dsn_recipient(r));
	m->nrcpt = 1;
	maillog_remote_domain(m, 0, domain, sizeof domain);
	free(m);
	memset(&ec, 0, sizeof ec);
	memset(&re, 0, sizeof re);
	memset(&lg, 0, sizeof lg);
	ec.host = dsn_ec->host;
	ec.queue_id = dl->qid;
	re.source = "remote";
	re.action = "reject";
	re.mode = "enforce";
	re.recipient = dsn_recipient(r);
	re.text = diag_reply(r->diagnostic, code);
	re.code = code[0] ? code : NULL;
	re.xcode = c->has_code ? c->status : NULL;
	lg.file = dl->file;
	lg.line = dl->line;
	lg.program = dl->program[0] ? dl->program : "smtp";
	lg.direction = "outbound";
	lg.remote_name = name[0] ? name : NULL;
	lg.remote_ip = ip[0] ? ip : NULL;
	lg.remote_domain = domain[0] ? domain : NULL;
	lg.remote_provider = rc->provider;
	lg.dsn = c->has_code ? c->status : NULL;
	re.log = &lg;
	if ((ev = event_reply(&ec, &re, rc)) == NULL)
		return NULL;
	json_object_set_new(ev, "async_bounce", json_pack("{s:o, s:o, s:o}",
	    "reporting_mta", opt(d->reporting_mta), "session",
	    opt(dsn_ec->session), "queue_id", opt(dsn_ec->queue_id)));
	return ev;
}

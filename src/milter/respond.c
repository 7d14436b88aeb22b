/*
 * respond.c - replies to the MTA and their events (see respond.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "expand.h"
#include "lm.h"
#include "log.h"
#include "respond.h"

/* check - validate b->r as it will be sent */
static bool
check(const struct session *s, const struct rule *r, enum stage st,
    struct built *b)
{
	struct validate_opts vo = { st == STAGE_CONNECT ? STAGE_MAIL : st,
	    true, true, r->allow_unregistered };
	char *wire = malloc(RENDERED_WIRE_MAX);
	size_t len;

	findings_init(&b->fs);
	if (wire == NULL) {
		findings_add(&b->fs, FID_TEXT_TOO_LONG, SEV_ERROR, 0, 0,
		    "out of memory validating the reply");
		return false;
	}
	len = rendered_wire(&b->r, wire, RENDERED_WIRE_MAX);
	reply_check(s->cfg->reg, wire, len, &vo, &b->parsed, &b->fs);
	free(wire);
	return findings_count(&b->fs, SEV_ERROR) == 0;
}

/* violation - log what was attempted and what is sent instead */
static void
violation(struct session *s, const struct rule *r, enum stage st,
    const struct built *tried, const struct built *sent)
{
	struct event_common ec = session_event_common(s);
	json_t *ev = event_new("violation", &ec), *fl = json_array();
	char *t1 = malloc(RENDERED_WIRE_MAX), *t2 = malloc(RENDERED_WIRE_MAX);
	unsigned i;

	for (i = 0; i < tried->fs.n; i++) {
		const struct finding *f = &tried->fs.v[i];

		if (f->sev == SEV_ERROR)
			stats_violation(rt_stats(), f->id);
		json_array_append_new(fl, json_pack("{s:s, s:s, s:o}",
		    "id", finding_name(f->id), "severity", severity_name(f->sev),
		    "message", event_str(f->msg)));
	}
	if (t1 != NULL && t2 != NULL) {
		rendered_client_text(&tried->r, t1, RENDERED_WIRE_MAX);
		rendered_client_text(&sent->r, t2, RENDERED_WIRE_MAX);
	}
	json_object_set_new(ev, "rule", json_string(r->name));
	json_object_set_new(ev, "stage", json_string(stage_name(st)));
	json_object_set_new(ev, "attempted", json_pack("{s:s, s:s?, s:o}",
	    "code", tried->r.code, "xcode", tried->r.xcode[0] ? tried->r.xcode :
	    NULL, "text", event_str(t1 && t2 ? t1 : NULL)));
	json_object_set_new(ev, "findings", fl);
	json_object_set_new(ev, "sent", json_pack("{s:s, s:s?, s:o}",
	    "code", sent->r.code, "xcode", sent->r.xcode[0] ? sent->r.xcode : NULL,
	    "text", event_str(t1 && t2 ? t2 : NULL)));
	rt_event(ev);
	free(t1);
	free(t2);
	log_warnx("%s: rule %s: the reply failed validation when sent (%s); "
	    "sent \"%s %s\" instead", s->id, r->name,
	    tried->fs.n ? finding_name(tried->fs.v[0].id) : "?", sent->r.code,
	    sent->r.xcode);
}

/* respond_build - expand, validate, fall back to a safe reply if needed */
struct built *
respond_build(struct session *s, const struct rule *r, enum stage st)
{
	const char *vals[VAR_COUNT];
	struct built *b = malloc(sizeof *b), *safe;

	if (b == NULL)
		return NULL;
	vals[VAR_SENDER] = s->msg.sender;
	vals[VAR_SENDER_DOMAIN] = s->msg.sender_domain;
	vals[VAR_RECIPIENT] = s->rcpt;
	vals[VAR_RECIPIENT_DOMAIN] = s->rcpt_domain;
	vals[VAR_CLIENT_IP] = s->ip;
	vals[VAR_CLIENT_NAME] = s->client_name;
	vals[VAR_HELO] = s->helo;
	vals[VAR_QUEUE_ID] = s->msg.queue_id;
	vals[VAR_RULE] = r->name;
	template_render(&r->reply, vals, &b->r);
	if (check(s, r, st, b))
		return b;

	/* Emit-time validation failed: send something safe instead. */
	if ((safe = malloc(sizeof *safe)) == NULL)
		return b;	/* better the validated codes than nothing */
	rendered_safe(&r->reply, s->cfg->reg, false, &safe->r);
	if (!check(s, r, st, safe)) {
		rendered_safe(&r->reply, s->cfg->reg, true, &safe->r);
		check(s, r, st, safe);
	}
	violation(s, r, st, b, safe);
	free(b);
	return safe;
}

/* respond_log - a rejection by a rule (enforce or monitor) */
void
respond_log(struct session *s, const struct rule *r, enum stage st,
    const struct built *b, enum mode mode)
{
	struct reply_event re;
	char *text = malloc(RENDERED_WIRE_MAX);
	bool temp = rendered_is_temp(&b->r);

	if (text != NULL)
		rendered_client_text(&b->r, text, RENDERED_WIRE_MAX);
	session_reply_event(s, st, temp ? "tempfail" : "reject",
	    mode_name(mode), r->name, &re);
	re.code = b->r.code;
	re.xcode = b->r.xcode[0] ? b->r.xcode : NULL;
	re.text = text;
	re.findings = &b->fs;
	session_emit_reply(s, &re, r);
	free(text);
}

/* respond_reply - the one place a rule's reply is set */
sfsistat
respond_reply(struct session *s, SMFICTX *ctx, const struct rule *r,
    enum stage st)
{
	struct built *b = respond_build(s, r, st);
	bool temp;

	if (b == NULL)
		return respond_error(s, ctx, st, "out of memory building a reply");
	temp = rendered_is_temp(&b->r);
	if (lm_setreply(ctx, &b->r) != MI_SUCCESS) {
		/* Still refuse: the MTA uses its own text. */
		stats_internal_error(rt_stats());
		log_warnx("%s: rule %s: libmilter refused the reply \"%s %s\"; "
		    "the MTA's default text is used", s->id, r->name, b->r.code,
		    b->r.xcode);
	}
	respond_log(s, r, st, b, MODE_ENFORCE);
	free(b);
	return temp ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* respond_discard - a discard decision */
void
respond_discard(struct session *s, const struct rule *r, enum stage st)
{
	struct reply_event re;

	session_reply_event(s, st, "discard", mode_name(r->mode), r->name, &re);
	session_emit_reply(s, &re, r);
}

/* respond_error - apply on_error */
sfsistat
respond_error(struct session *s, SMFICTX *ctx, enum stage st, const char *what)
{
	static const struct rendered tempfail = { "451", "4.3.0", 1,
	    { "Temporary local problem - try again later" } };
	struct reply_event re;

	stats_internal_error(rt_stats());
	log_warnx("%s: %s at %s; on_error = %s", s ? s->id : "-", what,
	    stage_name(st), s == NULL || s->cfg->set.on_error ==
	    ON_ERROR_TEMPFAIL ? "tempfail" : "continue");
	if (s != NULL && s->cfg->set.on_error == ON_ERROR_CONTINUE)
		return SMFIS_CONTINUE;
	if (st != STAGE_CONNECT)
		(void)lm_setreply(ctx, &tempfail);
	if (s != NULL) {
		session_reply_event(s, st, "tempfail", "enforce", NULL, &re);
		re.code = tempfail.code;
		re.xcode = tempfail.xcode;
		re.text = tempfail.line[0];
		session_emit_reply(s, &re, NULL);
	}
	return SMFIS_TEMPFAIL;
}

/*
 * emit.c - rule decisions, replies, monitor hits and their events
 * (see emit.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "event.h"
#include "expand.h"
#include "log.h"
#include "reply.h"
#include "strutil.h"

#define WIRE_MAX	(RULE_MAX_LINES * (REPLY_LINE_MAX + 16))

/* A reply ready to be sent: lines in wire form ('%' escaped). */
struct built {
	char		 code[4];
	char		 xcode[XCODE_STRLEN];
	bool		 has_x;
	unsigned	 n;
	char		 line[RULE_MAX_LINES][REPLY_LINE_MAX];
	struct findings	 fs;		/* of the reply that is sent */
	struct reply	 parsed;
	char		 wire[WIRE_MAX];
	size_t		 wirelen;
};

/* macro - a writable copy of the name for libmilter */
const char *
macro(SMFICTX *ctx, const char *name)
{
	char buf[64];

	if (str_copy(buf, sizeof buf, name) < 0)
		return NULL;
	return smfi_getsymval(ctx, buf);
}

/* dns_lookup - the null-MX callback for rule_eval */
static int
dns_lookup(void *ctx, const char *domain)
{
	struct session *s = ctx;
	bool cached;
	enum nullmx_result r = nullmx_check(s->act->dns, domain, &cached);

	stats_dns(rt.stats, cached ? SDNS_CACHED : r == NULLMX_YES ?
	    SDNS_NULLMX : r == NULLMX_NO ? SDNS_MX : SDNS_ERROR);
	if (r == NULLMX_ERROR && !cached)
		log_info("%s: DNS lookup of %s failed or timed out; not treated "
		    "as a null MX", s->id, domain);
	return r == NULLMX_YES;
}

static struct event_common
common(const struct session *s)
{
	struct event_common ec = { rt.host, s->id, s->msg.queue_id };

	return ec;
}

/* compose - the reply as one string, for the validator */
static void
compose(struct built *b)
{
	unsigned i;

	b->wirelen = 0;
	for (i = 0; i < b->n; i++)
		b->wirelen += (size_t)snprintf(b->wire + b->wirelen,
		    sizeof b->wire - b->wirelen, "%s%s%c%s%s%s", i ? "\n" : "",
		    b->code, i + 1 < b->n ? '-' : ' ', b->has_x ? b->xcode : "",
		    b->has_x ? " " : "", b->line[i]);
	if (b->wirelen >= sizeof b->wire)
		b->wirelen = sizeof b->wire - 1;
}

static bool
check(const struct session *s, const struct rule *r, enum stage st,
    struct built *b)
{
	struct validate_opts vo = { st == STAGE_CONNECT ? STAGE_MAIL : st,
	    true, true, r->allow_unregistered };

	compose(b);
	findings_init(&b->fs);
	reply_check(s->cfg->reg, b->wire, b->wirelen, &vo, &b->parsed, &b->fs);
	return findings_count(&b->fs, SEV_ERROR) == 0;
}

/* client_text - what the client reads: '%%' -> '%', lines joined by \n */
static void
client_text(const struct built *b, char *out, size_t size)
{
	size_t used = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < b->n && used + 1 < size; i++) {
		if (i > 0)
			out[used++] = '\n';
		percent_unescape(b->line[i], out + used, size - used);
		used += strlen(out + used);
	}
}

/* violation - log what was attempted and what is sent instead */
static void
violation(struct session *s, const struct rule *r, enum stage st,
    const struct built *tried, const struct built *sent)
{
	struct event_common ec = common(s);
	json_t *ev = event_new("violation", &ec), *fl = json_array();
	char t1[WIRE_MAX], t2[WIRE_MAX];
	unsigned i;

	for (i = 0; i < tried->fs.n; i++) {
		const struct finding *f = &tried->fs.v[i];

		if (f->sev == SEV_ERROR)
			stats_violation(rt.stats, f->id);
		json_array_append_new(fl, json_pack("{s:s, s:s, s:o}",
		    "id", finding_name(f->id), "severity", severity_name(f->sev),
		    "message", event_str(f->msg)));
	}
	client_text(tried, t1, sizeof t1);
	client_text(sent, t2, sizeof t2);
	json_object_set_new(ev, "rule", json_string(r->name));
	json_object_set_new(ev, "stage", json_string(stage_name(st)));
	json_object_set_new(ev, "attempted", json_pack("{s:s, s:s?, s:o}",
	    "code", tried->code, "xcode", tried->has_x ? tried->xcode : NULL,
	    "text", event_str(t1)));
	json_object_set_new(ev, "findings", fl);
	json_object_set_new(ev, "sent", json_pack("{s:s, s:s?, s:o}",
	    "code", sent->code, "xcode", sent->has_x ? sent->xcode : NULL,
	    "text", event_str(t2)));
	rt_event(ev);
	log_warnx("%s: rule %s: the reply failed validation when sent (%s); "
	    "sent \"%s %s\" instead", s->id, r->name,
	    tried->fs.n ? finding_name(tried->fs.v[0].id) : "?", sent->code,
	    sent->has_x ? sent->xcode : "");
}

/* build - expand, validate, fall back to a safe reply if needed */
static struct built *
build(struct session *s, const struct rule *r, enum stage st)
{
	const char *vals[VAR_COUNT];
	struct built *b = malloc(sizeof *b), *safe;
	const struct reg_entry *e;
	unsigned i;

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
	memcpy(b->code, r->code, sizeof b->code);
	memcpy(b->xcode, r->xcode, sizeof b->xcode);
	b->has_x = r->xcode[0] != '\0';
	b->n = r->ntext;
	for (i = 0; i < r->ntext; i++)
		expand(r->text[i], vals, b->line[i], sizeof b->line[i]);
	if (check(s, r, st, b))
		return b;

	/* Emit-time validation failed: send something safe instead. */
	if ((safe = malloc(sizeof *safe)) == NULL)
		return b;	/* better the validated codes than nothing */
	memcpy(safe->code, b->code, sizeof safe->code);
	memcpy(safe->xcode, b->xcode, sizeof safe->xcode);
	safe->has_x = b->has_x;
	safe->n = 1;
	e = r->has_xcode ? registry_lookup(s->cfg->reg, r->x.subject,
	    r->x.detail) : NULL;
	str_copy(safe->line[0], sizeof safe->line[0], e && e->sample[0] ?
	    e->sample : r->code[0] == '4' ? "Try again later" : "Message refused");
	if (!check(s, r, st, safe)) {
		bool temp = r->code[0] == '4';

		str_copy(safe->code, sizeof safe->code, temp ? "451" : "550");
		str_copy(safe->xcode, sizeof safe->xcode, temp ? "4.3.0" : "5.7.1");
		safe->has_x = true;
		str_copy(safe->line[0], sizeof safe->line[0], temp ?
		    "Temporary failure, try again later" : "Message refused");
		check(s, r, st, safe);
	}
	violation(s, r, st, b, safe);
	free(b);
	return safe;
}

/* event_base - the fields every reply event of this session shares */
static void
event_base(const struct session *s, enum stage st, const char *action,
    const char *mode, const char *rule, struct reply_event *re)
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

/* reply_event - log a rejection by a rule (enforce or monitor) */
static void
reply_event(struct session *s, const struct rule *r, enum stage st,
    const struct built *b, enum mode mode)
{
	struct event_common ec = common(s);
	struct reply_event re;
	char text[WIRE_MAX];
	const struct reg_entry *e = NULL;

	client_text(b, text, sizeof text);
	event_base(s, st, b->code[0] == '4' ? "tempfail" : "reject",
	    mode_name(mode), r->name, &re);
	re.code = b->code;
	re.xcode = b->has_x ? b->xcode : NULL;
	re.text = text;
	re.findings = &b->fs;
	rt_event(event_reply(&ec, s->cfg->reg, &re));
	if (b->parsed.has_xcode)
		e = registry_lookup(s->cfg->reg, b->parsed.x.subject,
		    b->parsed.x.detail);
	stats_reply(rt.stats, SRC_MILTER, b->code[0] == '4' ? SACT_TEMPFAIL :
	    SACT_REJECT, mode, (unsigned)(b->code[0] - '0'),
	    b->parsed.has_xcode ? (int)b->parsed.x.subject : -1,
	    b->parsed.has_xcode ? (int)b->parsed.x.detail : -1, e != NULL, st);
}

/* header_value - rule=NAME; reply="550 5.7.23 text" */
static char *
header_value(const struct rule *r, const struct built *b)
{
	char text[WIRE_MAX], out[WIRE_MAX + 128];
	size_t o, i;

	if (b == NULL) {
		snprintf(out, sizeof out, "rule=%s; action=discard", r->name);
		return strdup(out);
	}
	client_text(b, text, sizeof text);
	o = (size_t)snprintf(out, sizeof out, "rule=%s; reply=\"%s %s%s", r->name,
	    b->code, b->has_x ? b->xcode : "", b->has_x ? " " : "");
	for (i = 0; text[i] != '\0' && o + 3 < sizeof out; i++) {
		char c = text[i] == '\n' ? ' ' : text[i];

		if (c == '"' || c == '\\')
			out[o++] = '\\';
		out[o++] = c;
	}
	out[o++] = '"';
	out[o] = '\0';
	return strdup(out);
}

/* monitor_hit - log and remember; the header is added at end of message */
static void
monitor_hit(struct session *s, const struct rule *r, enum stage st)
{
	struct built *b = NULL;
	struct mon_hit *list;
	unsigned *n;
	bool conn = st == STAGE_CONNECT || st == STAGE_HELO;

	if (r->action == ACT_REPLY) {
		if ((b = build(s, r, st)) == NULL) {
			stats_internal_error(rt.stats);
			return;
		}
		reply_event(s, r, st, b, MODE_MONITOR);
	} else if (r->action == ACT_DISCARD) {
		log_discard(s, r, st);
	} else {
		return;		/* accept in monitor mode has no effect */
	}
	list = conn ? s->conn_mon : s->msg.mon;
	n = conn ? &s->nconn_mon : &s->msg.nmon;
	if (*n < SESSION_MAX_MON && (list[*n].value = header_value(r, b)) != NULL)
		list[(*n)++].rule = r;
	free(b);
}

/* eval_stage - the first enforce rule that fires decides */
struct outcome
eval_stage(struct session *s, enum stage st)
{
	const struct config *c = s->cfg;
	struct outcome out = { V_NONE, NULL };
	struct eval_ctx ec = { &s->scratch, dns_lookup, s };
	struct facts f;
	unsigned i;

	session_facts(s, st, &f);
	if (st == STAGE_RCPT)
		f.nrcpt = s->msg.nrcpt + 1;	/* this one included */
	for (i = 0; i < c->nby_stage[st]; i++) {
		const struct rule *r = &c->rules[c->by_stage[st][i]];
		int rc = rule_eval(r, &f, &ec);

		if (rc < 0) {
			out.v = V_ERROR;
			out.rule = r;
			return out;
		}
		if (rc == 0)
			continue;
		stats_rule_match(rt.stats, r->stat_slot, r->mode);
		if (r->mode == MODE_MONITOR) {
			monitor_hit(s, r, st);
			continue;
		}
		out.rule = r;
		out.v = r->action == ACT_ACCEPT ? V_ACCEPT :
		    r->action == ACT_DISCARD ? V_DISCARD : V_REPLY;
		return out;
	}
	return out;
}

/* emit_reply - the one place a reply is set */
sfsistat
emit_reply(struct session *s, SMFICTX *ctx, const struct rule *r,
    enum stage st)
{
	struct built *b = build(s, r, st);
	char *l[RULE_MAX_LINES + 1];
	bool temp;
	unsigned i;
	int rc;

	if (b == NULL)
		return on_error(s, ctx, st, "out of memory building a reply");
	temp = b->code[0] == '4';
	if (b->n == 1) {
		rc = smfi_setreply(ctx, b->code, b->has_x ? b->xcode : NULL,
		    b->line[0]);
	} else {
		for (i = 0; i <= RULE_MAX_LINES; i++)
			l[i] = i < b->n ? b->line[i] : NULL;
		rc = smfi_setmlreply(ctx, b->code, b->has_x ? b->xcode : NULL,
		    l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9],
		    l[10], l[11], l[12], l[13], l[14], l[15], l[16], l[17],
		    l[18], l[19], l[20], l[21], l[22], l[23], l[24], l[25],
		    l[26], l[27], l[28], l[29], l[30], l[31], (char *)NULL);
	}
	if (rc != MI_SUCCESS) {
		/* Still refuse: the MTA uses its own text. */
		stats_internal_error(rt.stats);
		log_warnx("%s: rule %s: libmilter refused the reply \"%s %s\"; "
		    "the MTA's default text is used", s->id, r->name, b->code,
		    b->xcode);
	}
	reply_event(s, r, st, b, MODE_ENFORCE);
	free(b);
	return temp ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* log_discard - a discard decision */
void
log_discard(struct session *s, const struct rule *r, enum stage st)
{
	struct event_common ec = common(s);
	struct reply_event re;

	event_base(s, st, "discard", mode_name(r->mode), r->name, &re);
	rt_event(event_reply(&ec, s->cfg->reg, &re));
}

/* on_error - apply on_error */
sfsistat
on_error(struct session *s, SMFICTX *ctx, enum stage st, const char *what)
{
	char code[] = "451", xcode[] = "4.3.0",
	    text[] = "Temporary local problem - try again later";
	struct event_common ec = { rt.host, s ? s->id : NULL,
	    s ? s->msg.queue_id : NULL };
	struct reply_event re;

	stats_internal_error(rt.stats);
	log_warnx("%s: %s at %s; on_error = %s", s ? s->id : "-", what,
	    stage_name(st), s == NULL || s->cfg->set.on_error ==
	    ON_ERROR_TEMPFAIL ? "tempfail" : "continue");
	if (s != NULL && s->cfg->set.on_error == ON_ERROR_CONTINUE)
		return SMFIS_CONTINUE;
	if (st != STAGE_CONNECT)
		smfi_setreply(ctx, code, xcode, text);
	if (s != NULL) {
		event_base(s, st, "tempfail", "enforce", NULL, &re);
		re.code = code;
		re.xcode = xcode;
		re.text = text;
		rt_event(event_reply(&ec, s->cfg->reg, &re));
		stats_reply(rt.stats, SRC_MILTER, SACT_TEMPFAIL, MODE_ENFORCE, 4,
		    3, 0, true, st);
	}
	return SMFIS_TEMPFAIL;
}

/* mta_findings - what the registry says about an observed code */
static void
mta_findings(const struct session *s, const char *code, const char *xcode,
    bool xcode_valid, struct findings *fs)
{
	struct validate_opts vo = { STAGE_RCPT, false, false, false };
	struct reply *r = malloc(sizeof *r);
	char buf[64];
	unsigned i, k;

	findings_init(fs);
	if (r == NULL || xcode == NULL) {
		free(r);
		return;
	}
	if (!xcode_valid) {
		findings_add(fs, FID_XCODE_SYNTAX, SEV_ERROR, 1, 0, "the MTA's "
		    "enhanced status code is not valid");
		free(r);
		return;
	}
	/* Without the basic code (Postfix does not pass it), judge the
	   enhanced code alone. */
	snprintf(buf, sizeof buf, "%s %s x", code ? code :
	    xcode[0] == '4' ? "450" : "550", xcode);
	reply_check(s->cfg->reg, buf, strlen(buf), &vo, r, fs);
	for (i = k = 0; i < fs->n; i++) {
		enum finding_id id = fs->v[i].id;

		if (code == NULL && id != FID_UNKNOWN_SUBJECT &&
		    id != FID_UNREGISTERED && id != FID_DEPRECATED)
			continue;
		if (id == FID_GENERIC_CODE)
			continue;
		fs->v[k++] = fs->v[i];
	}
	fs->n = k;
	free(r);
}

/* observe_mta_reject - {rcpt_mailer} = error: the MTA refused this RCPT */
void
observe_mta_reject(struct session *s, SMFICTX *ctx, const char *rcpt)
{
	const char *host = macro(ctx, "{rcpt_host}");
	const char *addr = macro(ctx, "{rcpt_addr}");
	const char *text = addr ? addr : "";
	struct event_common ec = common(s);
	struct reply_event re;
	struct findings fs;
	struct xcode x;
	char code[4] = "", xc[XCODE_STRLEN] = "";
	bool has_x = false, xvalid = false;
	const struct reg_entry *e = NULL;
	unsigned cls;

	if (host != NULL && xcode_looks_like(host, strlen(host)) &&
	    strlen(host) < sizeof xc) {
		str_copy(xc, sizeof xc, host);
		has_x = true;
		xvalid = xcode_parse(host, strlen(host), 0, &x, NULL) != 0;
	}
	/* Sendmail may pass "550 5.7.1 text" as {rcpt_addr}. */
	if (strlen(text) >= 4 && basic_syntax_ok(text, 3) && text[3] == ' ') {
		memcpy(code, text, 3);
		text += 4;
		if (xcode_parse(text, strlen(text), XCODE_PREFIX, NULL, NULL) != 0) {
			size_t n = strcspn(text, " ");

			if (!has_x) {
				str_copyn(xc, sizeof xc, text, n);
				has_x = true;
				xvalid = xcode_parse(xc, strlen(xc), 0, &x, NULL) != 0;
			}
			text += n;
			while (*text == ' ')
				text++;
		}
	}
	cls = xvalid ? x.cls : code[0] ? (unsigned)(code[0] - '0') : 5;
	mta_findings(s, code[0] ? code : NULL, has_x ? xc : NULL, xvalid, &fs);
	event_base(s, STAGE_RCPT, cls == 4 ? "tempfail" : "reject", "enforce",
	    NULL, &re);
	re.source = "mta";
	re.recipient = rcpt;
	re.code = code[0] ? code : NULL;
	re.xcode = has_x ? xc : NULL;
	re.text = text;
	re.findings = &fs;
	rt_event(event_reply(&ec, s->cfg->reg, &re));
	if (xvalid)
		e = registry_lookup(s->cfg->reg, x.subject, x.detail);
	stats_reply(rt.stats, SRC_MTA, cls == 4 ? SACT_TEMPFAIL : SACT_REJECT,
	    MODE_ENFORCE, cls, xvalid ? (int)x.subject : -1,
	    xvalid ? (int)x.detail : -1, e != NULL, STAGE_RCPT);
}

/* add_monitor_headers - one X-ESC-Monitor per hit (connection, message) */
int
add_monitor_headers(struct session *s, SMFICTX *ctx)
{
	char name[128];
	unsigned i;
	int rc = 0;

	snprintf(name, sizeof name, "%sMonitor", s->cfg->set.header_prefix);
	for (i = 0; i < s->nconn_mon; i++)
		if (smfi_addheader(ctx, name, s->conn_mon[i].value) != MI_SUCCESS)
			rc = -1;
	for (i = 0; i < s->msg.nmon; i++)
		if (smfi_addheader(ctx, name, s->msg.mon[i].value) != MI_SUCCESS)
			rc = -1;
	return rc;
}

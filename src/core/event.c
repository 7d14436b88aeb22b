/*
 * event.c - JSON event builders (see event.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "utf8.h"

#define EVENT_STR_MAX	4096	/* longer attacker strings are cut */

/* event_strn - escape invalid UTF-8 and NUL, cap the length */
json_t *
event_strn(const char *s, size_t len)
{
	char buf[EVENT_STR_MAX * 4 + 1];
	size_t n;

	if (s == NULL)
		return json_null();
	if (len > EVENT_STR_MAX) {
		/* Cut before a character, not inside one (at most 3 bytes
		   back), so valid UTF-8 stays valid. */
		len = EVENT_STR_MAX;
		for (n = 0; n < 3 && ((unsigned char)s[len] & 0xc0) == 0x80; n++)
			len--;
	}
	n = utf8_escape(s, len, buf, sizeof buf, true);
	return json_stringn(buf, n);
}

/* event_str - NUL-terminated variant */
json_t *
event_str(const char *s)
{
	return s == NULL ? json_null() : event_strn(s, strnlen(s, EVENT_STR_MAX));
}

/* event_timestamp - "2026-11-29T07:40:31.123Z" */
char *
event_timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
	return buf;
}

/* event_new - the common fields, in the documented order */
json_t *
event_new(const char *type, const struct event_common *c)
{
	char ts[40];
	json_t *ev = json_object();

	if (ev == NULL)
		return NULL;
	json_object_set_new(ev, "ts", c->ts == NULL ?
	    json_string(event_timestamp(ts, sizeof ts)) : c->ts[0] != '\0' ?
	    json_string(c->ts) : json_null());
	json_object_set_new(ev, "event", json_string(type));
	json_object_set_new(ev, "host", event_str(c->host));
	json_object_set_new(ev, "session", event_str(c->session));
	json_object_set_new(ev, "queue_id", event_str(c->queue_id));
	return ev;
}

/* event_findings_ids - ids only */
json_t *
event_findings_ids(const struct findings *fs)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; fs != NULL && i < fs->n; i++)
		json_array_append_new(a, json_string(finding_name(fs->v[i].id)));
	return a;
}

/* log_fields - what an event from the MTA's log adds */
static void
log_fields(json_t *ev, const struct reply_log *l)
{
	json_object_set_new(ev, "log", json_pack("{s:o, s:I}", "file",
	    event_str(l->file), "line", (json_int_t)l->line));
	json_object_set_new(ev, "program", event_str(l->program));
	json_object_set_new(ev, "direction", json_string(l->direction));
	json_object_set_new(ev, "remote", l->remote_name == NULL &&
	    l->remote_ip == NULL ? json_null() : json_pack("{s:o, s:o, s:o, "
	    "s:o}", "name", event_str(l->remote_name), "ip",
	    event_str(l->remote_ip), "domain", event_str(l->remote_domain),
	    "provider", event_str(l->remote_provider)));
	json_object_set_new(ev, "dsn", event_str(l->dsn));
}

/* event_reply - a rejection, classified (replyclass.h) */
json_t *
event_reply(const struct event_common *c, const struct reply_event *r,
    const struct reply_class *rc)
{
	json_t *ev = event_new("reply", c), *reply;
	bool outbound = r->log != NULL &&
	    strcmp(r->log->direction, "outbound") == 0;

	if (ev == NULL)
		return NULL;
	json_object_set_new(ev, "source", json_string(r->source));
	json_object_set_new(ev, "action", json_string(r->action));
	json_object_set_new(ev, "mode", json_string(r->mode));
	json_object_set_new(ev, "stage", r->log != NULL ? event_str(r->log->stage) :
	    json_string(stage_name(r->stage)));
	json_object_set_new(ev, "rule", event_str(r->rule));
	json_object_set_new(ev, "client", outbound ? json_null() :
	    json_pack("{s:o, s:o, s:o}", "ip", event_str(r->client_ip),
	    "name", event_str(r->client_name), "helo", event_str(r->helo)));
	json_object_set_new(ev, "sender", event_str(r->sender));
	json_object_set_new(ev, "recipient", event_str(r->recipient));
	if (strcmp(r->action, "discard") == 0 || strcmp(r->action, "hold") == 0) {
		reply = json_null();
	} else {
		reply = json_pack("{s:o, s:o, s:o}", "code", event_str(r->code),
		    "xcode", event_str(r->xcode), "text", event_str(r->text));
	}
	json_object_set_new(ev, "reply", reply);
	json_object_set_new(ev, "class", rc->cls ? json_integer(rc->cls) :
	    json_null());
	json_object_set_new(ev, "subject", rc->subject >= 0 ?
	    json_integer(rc->subject) : json_null());
	json_object_set_new(ev, "detail", rc->detail >= 0 ?
	    json_integer(rc->detail) : json_null());
	json_object_set_new(ev, "category", json_string(rc->subject >= 0 ?
	    category_name(category_of((unsigned)rc->subject)) : "unknown"));
	json_object_set_new(ev, "registered", json_boolean(rc->registered));
	json_object_set_new(ev, "registry_text", rc->entry != NULL &&
	    rc->entry->sample[0] ? json_string(rc->entry->sample) : json_null());
	json_object_set_new(ev, "reason", json_string(reason_name(rc->reason)));
	json_object_set_new(ev, "reason_detail", rc->reason_detail[0] ?
	    event_strn(rc->reason_detail, strlen(rc->reason_detail)) :
	    json_null());
	json_object_set_new(ev, "inferred", json_boolean(rc->inferred));
	json_object_set_new(ev, "findings", event_findings_ids(r->findings));
	if (r->log != NULL)
		log_fields(ev, r->log);
	return ev;
}

static const char *const dsn_from_names[] = { "status", "diagnostic-code",
    "none" };

/* opt_str - a JSON string of untrusted bytes, null when empty */
static json_t *
opt_str(const char *s)
{
	return s != NULL && s[0] != '\0' ? event_strn(s, strlen(s)) :
	    json_null();
}

/* event_dsn_fields - a classified DSN recipient */
void
event_dsn_fields(json_t *o, const struct dsn_rcpt *r, const struct dsn_class *c)
{
	json_object_set_new(o, "recipient", opt_str(c->recipient));
	json_object_set_new(o, "original_recipient", opt_str(r->orig_rcpt));
	json_object_set_new(o, "action", opt_str(r->action));
	json_object_set_new(o, "status",
	    c->has_code ? json_string(c->status) : json_null());
	json_object_set_new(o, "status_from", json_string(dsn_from_names[c->from]));
	json_object_set_new(o, "class", c->cls ? json_integer(c->cls) :
	    json_null());
	json_object_set_new(o, "subject", c->has_code ?
	    json_integer(c->code.subject) : json_null());
	json_object_set_new(o, "detail", c->has_code ?
	    json_integer(c->code.detail) : json_null());
	json_object_set_new(o, "category", json_string(category_name(c->category)));
	json_object_set_new(o, "registered", json_boolean(c->registered));
	json_object_set_new(o, "registry_text", c->entry != NULL &&
	    c->entry->sample[0] ? json_string(c->entry->sample) : json_null());
	json_object_set_new(o, "reason", json_string(reason_name(c->reason)));
	json_object_set_new(o, "reason_detail", opt_str(c->reason_detail));
	json_object_set_new(o, "inferred", json_boolean(c->inferred));
	json_object_set_new(o, "diagnostic", opt_str(r->diagnostic));
	json_object_set_new(o, "remote_mta", opt_str(r->remote_mta));
}

/* event_dsn - one failed or delayed recipient of a DSN */
json_t *
event_dsn(const struct event_common *ec, const struct dsn *d,
    const struct dsn_rcpt *r, const struct dsn_class *c)
{
	json_t *ev = event_new("dsn", ec);

	if (ev == NULL)
		return NULL;
	event_dsn_fields(ev, r, c);
	json_object_set_new(ev, "reporting_mta", opt_str(d->reporting_mta));
	json_object_set_new(ev, "findings", event_findings_ids(&c->fs));
	json_object_set_new(ev, "delivery", json_null());	/* see
							   bounce_event.h */
	return ev;
}

/* event_line - compact JSON line; steals ev */
char *
event_line(json_t *ev, size_t *len)
{
	char *s, *line;
	size_t n;

	if (ev == NULL)
		return NULL;
	s = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(ev);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((line = realloc(s, n + 2)) == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	*len = n + 1;
	return line;
}

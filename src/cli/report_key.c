/*
 * report_key.c - what one line of a log counts for in `esc report`: the
 * grouping key of a "reply" event (picked out by jscan, never parsed into
 * a tree) or of each recipient of an MTA log record (maillog.h).
 *
 * Events written before reasons existed carry no "reason": they are
 * classified here from their codes and text, with the tables in force
 * (replyclass.h), as the daemon would classify them today.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "maillog_event.h"
#include "report.h"
#include "textshape.h"

const char *const report_by_names[BY_PUBLIC_] = {
	"category", "xcode", "rule", "source", "stage", "hour", "sender-domain",
	"host", "direction", "program", "remote", "reason", "reason-detail",
	"text", "provider", "mode",
};

/* report_col1 - see report.h */
const char *
report_col1(enum report_by by)
{
	return by == BY_REASON_DETAIL || by == BY_TEXT || by == BY_IN_DETAIL ?
	    "reason" : by == BY_HOUR_CLASS ? "hour" : report_by_names[by];
}

/* report_col2 - see report.h */
const char *
report_col2(enum report_by by)
{
	switch (by) {
	case BY_REASON_DETAIL:
	case BY_IN_DETAIL:
		return "detail";
	case BY_HOUR_CLASS:
		return "class";
	case BY_TEXT:
		return "text";
	case BY_PROVIDER:
		return "reason";
	default:
		return NULL;
	}
}

/* Fields picked out of each event. */
enum { F_EVENT, F_TS, F_SOURCE, F_RULE, F_STAGE, F_CATEGORY, F_SENDER,
    F_XCODE, F_HOST, F_DIRECTION, F_PROGRAM, F_REMOTE, F_DSN, F_MODE,
    F_REASON, F_DETAIL, F_CODE, F_TEXT, F_PROVIDER, F_RNAME, F_CLASS, F_COUNT };
static const char *const fields[F_COUNT] = { "event", "ts", "source", "rule",
    "stage", "category", "sender", "reply.xcode", "host", "direction",
    "program", "remote.domain", "dsn", "mode", "reason", "reason_detail",
    "reply.code", "reply.text", "remote.provider", "remote.name", "class" };

/* report_keys - the fields an event key is made of */
void
report_keys(struct jscan_keys *k)
{
	jscan_keys(k, fields, F_COUNT);
}

/* report_escaped - see report.h */
size_t
report_escaped(const char *p, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 7 < size; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return o;
}

/* put - (p, n) at buf[o] (cut to fit); the new length */
static size_t
put(char *buf, size_t o, const char *p, size_t n)
{
	if (o + n >= RKEY_MAX)
		n = RKEY_MAX - 1 - o;
	memcpy(buf + o, p, n);
	buf[o + n] = '\0';
	return o + n;
}

/* two - "a<SEP>b" (b escaped unless it already is) */
static size_t
two(char *buf, const char *a, const char *b, size_t bn, bool escape)
{
	char tmp[RKEY_MAX];
	size_t o = put(buf, 0, a, strlen(a));

	o = put(buf, o, (const char[]){ RKEY_SEP }, 1);
	if (escape) {
		bn = report_escaped(b, bn, tmp, sizeof tmp);
		b = tmp;
	}
	return put(buf, o, b, bn);
}

/* domain_of - the lower-case domain of an address into buf */
static size_t
domain_of(const char *p, size_t n, char *buf, size_t size)
{
	size_t i, at;

	if (n == 0)
		return (size_t)snprintf(buf, size, "<>");
	for (at = n; at > 0 && p[at - 1] != '@'; at--)
		;
	if (at == 0)
		return (size_t)snprintf(buf, size, "(no domain)");
	for (i = 0; at + i < n && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)p[at + i]);
	buf[i] = '\0';
	return i;
}

/* str - a string span into buf (unescaped), "" when not a string */
static const char *
str(const struct jspan *sp, char *buf, size_t size)
{
	if (sp->type != JT_STRING) {
		buf[0] = '\0';
		return buf;
	}
	jscan_unescape(sp, buf, size);
	return buf;
}

/* ev_reason - an event's reason and detail: its own, else classified */
static void
ev_reason(const struct ropts *o, const struct jspan *f, char *reason,
    size_t rsize, char *detail, size_t dsize)
{
	char code[8], xcode[XCODE_STRLEN], prog[64], stage[32], host[256];
	char text[ML_TEXT_MAX];
	struct reply_class rc;
	struct reason_in in;

	if (f[F_REASON].type == JT_STRING) {
		str(&f[F_REASON], reason, rsize);
		str(&f[F_DETAIL], detail, dsize);
		return;
	}
	memset(&in, 0, sizeof in);
	in.dir = jscan_eq(&f[F_DIRECTION], "outbound") ? RD_OUTBOUND :
	    RD_INBOUND;
	in.program = f[F_PROGRAM].type == JT_STRING ?
	    str(&f[F_PROGRAM], prog, sizeof prog) : NULL;
	in.stage = f[F_STAGE].type == JT_STRING ?
	    str(&f[F_STAGE], stage, sizeof stage) : NULL;
	in.code = f[F_CODE].type == JT_STRING ?
	    str(&f[F_CODE], code, sizeof code) : NULL;
	in.xcode = f[F_XCODE].type == JT_STRING ?
	    str(&f[F_XCODE], xcode, sizeof xcode) : f[F_DSN].type == JT_STRING ?
	    str(&f[F_DSN], xcode, sizeof xcode) : NULL;
	if (f[F_TEXT].type == JT_STRING) {
		in.textlen = jscan_unescape(&f[F_TEXT], text, sizeof text);
		in.text = text;
	}
	if (in.dir == RD_OUTBOUND && f[F_RNAME].type == JT_STRING) {
		str(&f[F_RNAME], host, sizeof host);
		in.provider = provider_of_host(o->tab, host, strlen(host));
	}
	reply_classify(o->tab, &in, &rc);
	snprintf(reason, rsize, "%s", reason_name(rc.reason));
	report_escaped(rc.reason_detail, strlen(rc.reason_detail), detail,
	    dsize);
}

/* ev_provider - an outbound event's provider, "other" when none known */
static const char *
ev_provider(const struct ropts *o, const struct jspan *f, char *buf,
    size_t size)
{
	const char *p;

	if (!jscan_eq(&f[F_DIRECTION], "outbound"))
		return "(inbound)";
	if (f[F_PROVIDER].type == JT_STRING)
		return str(&f[F_PROVIDER], buf, size);
	if (f[F_RNAME].type == JT_STRING) {
		str(&f[F_RNAME], buf, size);
		if ((p = provider_of_host(o->tab, buf, strlen(buf))) != NULL)
			return p;
	}
	return "other";
}

/* NOKEY - the line does not count in this grouping */
#define NOKEY	((size_t)-1)

/* ev_key - the grouping key of a JSON event, or NOKEY */
static size_t
ev_key(const struct ropts *o, enum report_by by, const struct jspan *f,
    char *buf)
{
	const struct jspan *sp = NULL;
	const char *none = "(none)";
	char reason[64], detail[RKEY_MAX / 2], tmp[ML_TEXT_MAX];
	char shape[TEXTSHAPE_MAX + 1];
	size_t n;

	switch (by) {
	case BY_CATEGORY:
		sp = &f[F_CATEGORY];
		break;
	case BY_XCODE:
		sp = f[F_XCODE].type == JT_STRING ? &f[F_XCODE] : &f[F_DSN];
		break;
	case BY_HOUR_CLASS:
		n = f[F_TS].type == JT_STRING && f[F_TS].len >= 13 ?
		    (size_t)snprintf(buf, RKEY_MAX, "%.13s:00Z", f[F_TS].p) :
		    (size_t)snprintf(buf, RKEY_MAX, "(none)");
		buf[n++] = RKEY_SEP;
		buf[n++] = f[F_CLASS].type == JT_NUMBER && f[F_CLASS].len == 1 ?
		    f[F_CLASS].p[0] : f[F_CODE].type == JT_STRING &&
		    f[F_CODE].len > 0 ? f[F_CODE].p[0] : '?';
		buf[n] = '\0';
		return n;
	case BY_IN_DETAIL:
		if (jscan_eq(&f[F_DIRECTION], "outbound"))
			return NOKEY;
		ev_reason(o, f, reason, sizeof reason, detail, sizeof detail);
		return two(buf, reason, detail, strlen(detail), false);
	case BY_RULE:
		sp = &f[F_RULE];
		none = "(no rule)";
		break;
	case BY_SOURCE:
		sp = &f[F_SOURCE];
		break;
	case BY_STAGE:
		sp = &f[F_STAGE];
		break;
	case BY_HOST:
		sp = &f[F_HOST];
		break;
	case BY_DIRECTION:
		sp = &f[F_DIRECTION];
		none = "inbound";	/* the daemon's own events */
		break;
	case BY_PROGRAM:
		sp = &f[F_PROGRAM];
		none = "esc-milter";
		break;
	case BY_MODE:
		sp = &f[F_MODE];
		none = "enforce";
		break;
	case BY_REMOTE:
		sp = &f[F_REMOTE];
		none = jscan_eq(&f[F_DIRECTION], "outbound") ? "(unknown)" :
		    "(inbound)";
		break;
	case BY_HOUR:
		if (f[F_TS].type == JT_STRING && f[F_TS].len >= 13)
			return (size_t)snprintf(buf, RKEY_MAX, "%.13s:00Z",
			    f[F_TS].p);
		return (size_t)snprintf(buf, RKEY_MAX, "(none)");
	case BY_SENDER_DOMAIN:
		if (f[F_SENDER].type != JT_STRING)
			return (size_t)snprintf(buf, RKEY_MAX, "(none)");
		return domain_of(f[F_SENDER].p, f[F_SENDER].len, buf, RKEY_MAX);
	case BY_REASON:
		ev_reason(o, f, reason, sizeof reason, detail, sizeof detail);
		return put(buf, 0, reason, strlen(reason));
	case BY_REASON_DETAIL:
		ev_reason(o, f, reason, sizeof reason, detail, sizeof detail);
		return two(buf, reason, detail, strlen(detail), false);
	case BY_TEXT:
		ev_reason(o, f, reason, sizeof reason, detail, sizeof detail);
		n = f[F_TEXT].type == JT_STRING ?
		    jscan_unescape(&f[F_TEXT], tmp, sizeof tmp) : 0;
		n = text_shape(tmp, n, shape, sizeof shape);
		return two(buf, reason, n ? shape : "(no text)",
		    n ? n : 9, true);
	case BY_PROVIDER:
		ev_reason(o, f, reason, sizeof reason, detail, sizeof detail);
		return two(buf, ev_provider(o, f, tmp, 256), reason,
		    strlen(reason), false);
	case BY_COUNT_:
		break;
	}
	if (sp == NULL || sp->type != JT_STRING)
		return (size_t)snprintf(buf, RKEY_MAX, "%s", none);
	return put(buf, 0, sp->p, sp->len);
}

/* in_window - ts (24 bytes, UTC) against --since and --until */
static bool
in_window(const struct ropts *o, const char *ts, size_t len)
{
	if (o->since[0] && (len < 24 || memcmp(ts, o->since, 24) < 0))
		return false;
	if (o->until[0] && (len < 24 || memcmp(ts, o->until, 24) >= 0))
		return false;
	return true;
}

/* mode_ok - does an event of this mode count under --mode? */
static bool
mode_ok(const struct ropts *o, bool monitor)
{
	return o->mode == RM_ALL || (o->mode == RM_MONITOR) == monitor;
}

/* add - the line in grouping by, unless it does not count there */
static int
add(struct rworker *w, enum report_by by, const char *key, size_t n)
{
	return n == NOKEY ? 0 : rcounts_add(&w->counts[by], key, n, 1);
}

/* json_line - one event line */
static int
json_line(struct rworker *w, unsigned file, const char *s, size_t len)
{
	const struct ropts *o = w->o;
	struct jspan f[F_COUNT];
	char key[RKEY_MAX];
	unsigned by;

	if (jscan_object(s, len, &o->keys, f) < 0) {
		w->bad[file]++;
		return 0;
	}
	if (!jscan_eq(&f[F_EVENT], "reply")) {
		w->other++;
		return 0;
	}
	if (!mode_ok(o, jscan_eq(&f[F_MODE], "monitor")) ||
	    ((o->since[0] || o->until[0]) && (f[F_TS].type != JT_STRING ||
	    !in_window(o, f[F_TS].p, f[F_TS].len)))) {
		w->skipped++;
		return 0;
	}
	w->total++;
	if (!o->all)
		return add(w, o->by, key, ev_key(o, o->by, f, key));
	for (by = 0; by < BY_COUNT_; by++)
		if ((o->want & (1u << by)) &&
		    add(w, by, key, ev_key(o, by, f, key)) < 0)
			return -1;
	return 0;
}

/* rec_key - the grouping key of recipient i of the worker's record, or
   NOKEY */
static size_t
rec_key(struct rworker *w, enum report_by by, const struct logline *ll,
    unsigned i, const struct reply_class *rc, char *buf)
{
	const struct maillog_rec *m = &w->rec;
	char cx[XCODE_STRLEN], tmp[512], ts[40];
	char shape[TEXTSHAPE_MAX + 1];
	const char *x, *reason = rc ? reason_name(rc->reason) : "";
	size_t n;

	switch (by) {
	case BY_HOUR_CLASS:
		n = ll->has_time ? (size_t)snprintf(buf, RKEY_MAX, "%.13s:00Z",
		    logline_ts(ll->ms, ts, sizeof ts)) :
		    (size_t)snprintf(buf, RKEY_MAX, "(none)");
		buf[n++] = RKEY_SEP;
		buf[n++] = m->code[0] ? m->code[0] : m->dsn.p && m->dsn.n > 0 ?
		    m->dsn.p[0] : '?';
		buf[n] = '\0';
		return n;
	case BY_IN_DETAIL:
		if (m->direction == MLD_OUTBOUND)
			return NOKEY;
		return two(buf, reason, rc->reason_detail,
		    strlen(rc->reason_detail), true);
	case BY_CATEGORY:
		return (size_t)snprintf(buf, RKEY_MAX, "%s", rc->subject >= 0 ?
		    category_name(category_of((unsigned)rc->subject)) :
		    "unknown");
	case BY_XCODE:
		x = maillog_class_xcode(m, cx, sizeof cx);
		return (size_t)snprintf(buf, RKEY_MAX, "%s", x[0] ? x : "(none)");
	case BY_RULE:
		return (size_t)snprintf(buf, RKEY_MAX, "(no rule)");
	case BY_SOURCE:
		return (size_t)snprintf(buf, RKEY_MAX, "%s",
		    maillog_source_name(m->source));
	case BY_STAGE:
		return (size_t)snprintf(buf, RKEY_MAX, "%s", m->stage ? m->stage :
		    "(none)");
	case BY_HOUR:
		if (!ll->has_time)
			return (size_t)snprintf(buf, RKEY_MAX, "(none)");
		logline_ts(ll->ms, ts, sizeof ts);
		return (size_t)snprintf(buf, RKEY_MAX, "%.13s:00Z", ts);
	case BY_SENDER_DOMAIN:
		if (m->sender.p == NULL)
			return (size_t)snprintf(buf, RKEY_MAX, "(none)");
		n = domain_of(m->sender.p, m->sender.n, tmp, sizeof tmp);
		return report_escaped(tmp, n, buf, RKEY_MAX);
	case BY_HOST:
		if (ll->host == NULL)
			return (size_t)snprintf(buf, RKEY_MAX, "(none)");
		return report_escaped(ll->host, ll->hostlen, buf, RKEY_MAX);
	case BY_DIRECTION:
		return (size_t)snprintf(buf, RKEY_MAX, "%s",
		    maillog_direction_name(m->direction));
	case BY_PROGRAM:
		return report_escaped(m->program.p, m->program.n, buf, RKEY_MAX);
	case BY_MODE:
		return (size_t)snprintf(buf, RKEY_MAX, "%s", m->monitor ?
		    "monitor" : "enforce");
	case BY_REMOTE:
		if (m->direction != MLD_OUTBOUND)
			return (size_t)snprintf(buf, RKEY_MAX, "(inbound)");
		if ((n = maillog_remote_domain(m, i, tmp, sizeof tmp)) == 0)
			return (size_t)snprintf(buf, RKEY_MAX, "(unknown)");
		return report_escaped(tmp, n, buf, RKEY_MAX);
	case BY_REASON:
		return put(buf, 0, reason, strlen(reason));
	case BY_REASON_DETAIL:
		return two(buf, reason, rc->reason_detail,
		    strlen(rc->reason_detail), true);
	case BY_TEXT:
		n = m->has_reply ? text_shape(m->text, m->textlen, shape,
		    sizeof shape) : 0;
		return two(buf, reason, n ? shape : "(no text)", n ? n : 9,
		    true);
	case BY_PROVIDER:
		return two(buf, m->direction != MLD_OUTBOUND ? "(inbound)" :
		    rc->provider ? rc->provider : "other", reason,
		    strlen(reason), false);
	case BY_COUNT_:
		break;
	}
	return 0;
}

/* log_line - one line of an MTA's log */
static int
log_line(struct rworker *w, unsigned file, const char *s, size_t len)
{
	const struct ropts *o = w->o;
	struct reply_class rc, *rcp = NULL;
	struct logline ll;
	char key[RKEY_MAX], ts[40];
	unsigned i, n;

	if (!logline_parse(s, len, &w->yr.year, &ll)) {
		w->bad[file]++;
		return 0;
	}
	switch (maillog_parse(&ll, MLM_AUTO, &w->rec)) {
	case ML_DAMAGED:
		w->bad[file]++;
		return 0;
	case ML_NOT_MTA:
	case ML_NOTHING:
	case ML_DELIVERED:
		w->other++;
		return 0;
	case ML_EVENT:
		break;
	}
	if (!mode_ok(o, w->rec.monitor)) {
		w->skipped++;
		return 0;
	}
	if (o->since[0] || o->until[0]) {
		if (!ll.has_time) {
			w->skipped++;
			return 0;
		}
		logline_ts(ll.ms, ts, sizeof ts);
		if (!in_window(o, ts, strlen(ts))) {
			w->skipped++;
			return 0;
		}
	}
	if (o->all || o->by == BY_CATEGORY || o->by == BY_REASON ||
	    o->by == BY_REASON_DETAIL || o->by == BY_TEXT ||
	    o->by == BY_PROVIDER) {
		maillog_classify(o->tab, &w->rec, &rc);
		rcp = &rc;
	}
	n = w->rec.nrcpt > 0 ? w->rec.nrcpt : 1;
	for (i = 0; i < n; i++) {
		unsigned by;

		w->total++;
		if (!o->all) {
			if (add(w, o->by, key, rec_key(w, o->by, &ll, i, rcp,
			    key)) < 0)
				return -1;
			continue;
		}
		for (by = 0; by < BY_COUNT_; by++)
			if ((o->want & (1u << by)) && add(w, by, key,
			    rec_key(w, by, &ll, i, rcp, key)) < 0)
				return -1;
	}
	return 0;
}

/* report_line - see report.h */
int
report_line(struct rworker *w, unsigned file, time_t mtime, const char *s,
    size_t len)
{
	if ((len = blocks_line(&w->yr, file, mtime, s, len)) == 0)
		return 0;
	w->lines++;
	return s[0] == '{' ? json_line(w, file, s, len) : log_line(w, file, s,
	    len);
}

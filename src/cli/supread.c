/*
 * supread.c - observations of our own mail, per address (see supread.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "fnv.h"
#include "maillog_event.h"
#include "supread.h"
#include "when.h"

/* ---- the table of addresses ---------------------------------------- */

/* hash64 - a message's identity from its parts ("" parts ignored) */
static uint64_t
hash64(const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t h = FNV64_BASIS;
	size_t i;

	if (bn == 0)
		return 0;	/* no queue id: no identity */
	for (i = 0; i < an; i++)
		h = fnv64_add(h, (unsigned char)a[i]);
	h = fnv64_add(h, '|');
	for (i = 0; i < bn; i++)
		h = fnv64_add(h, (unsigned char)b[i]);
	return h ? h : 1;
}

static int
grow(struct supmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256, i, j;
	struct supaddr *ns = calloc(ncap, sizeof *ns);

	if (ns == NULL)
		return -1;
	for (j = 0; j < m->cap; j++) {
		if (m->slot[j].addr == NULL)
			continue;
		for (i = m->slot[j].hash & (ncap - 1); ns[i].addr != NULL;
		    i = (i + 1) & (ncap - 1))
			;
		ns[i] = m->slot[j];
	}
	free(m->slot);
	m->slot = ns;
	m->cap = ncap;
	return 0;
}

/* entry - the address's entry (addr lower case already); NULL: ENOMEM */
static struct supaddr *
entry(struct supmap *m, const char *addr, size_t n)
{
	unsigned h = fnv1a32(addr, n);
	size_t i;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return NULL;
	for (i = h & (m->cap - 1); m->slot[i].addr != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->slot[i].hash == h && m->slot[i].len == n &&
		    memcmp(m->slot[i].addr, addr, n) == 0)
			return &m->slot[i];
	if ((m->slot[i].addr = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(m->slot[i].addr, addr, n);
	m->slot[i].addr[n] = '\0';
	m->slot[i].len = n;
	m->slot[i].hash = h;
	m->n++;
	return &m->slot[i];
}

static int
add_obs(struct supaddr *e, const struct sup_obs *o)
{
	if (e->n == e->cap) {
		unsigned ncap = e->cap ? e->cap * 2 : 4;
		struct sup_obs *nv = realloc(e->obs, ncap * sizeof *nv);

		if (nv == NULL)
			return -1;
		e->obs = nv;
		e->cap = ncap;
	}
	e->obs[e->n++] = *o;
	return 0;
}

static void
set_ok(struct supaddr *e, long long ms)
{
	if (!e->any_ok || ms > e->last_ok)
		e->last_ok = ms;
	e->any_ok = true;
}

/* note - an observation of address (p, n): normalised to lower case
   without its angle brackets; empty and oversized addresses dropped */
static int
note(struct sworker *w, const char *p, size_t n, const struct sup_obs *o)
{
	char a[DSN_ADDR_MAX];
	struct supaddr *e;
	size_t i;

	while (n > 0 && (*p == '<' || *p == ' '))
		p++, n--;
	while (n > 0 && (p[n - 1] == '>' || p[n - 1] == ' '))
		n--;
	if (n == 0 || n >= sizeof a || memchr(p, '@', n) == NULL)
		return 0;
	if (w->o->since_ms > 0 && o->ms > 0 && o->ms < w->o->since_ms)
		return 0;
	for (i = 0; i < n; i++)
		a[i] = (char)tolower((unsigned char)p[i]);
	if ((e = entry(&w->map, a, n)) == NULL)
		return -1;
	w->used++;
	if (o->ok) {
		set_ok(e, o->ms);
		return 0;
	}
	return add_obs(e, o);
}

/* supmap_merge - see supread.h */
int
supmap_merge(struct supmap *into, const struct supmap *from)
{
	size_t i;
	unsigned k;

	for (i = 0; i < from->cap; i++) {
		const struct supaddr *f = &from->slot[i];
		struct supaddr *e;

		if (f->addr == NULL)
			continue;
		if ((e = entry(into, f->addr, f->len)) == NULL)
			return -1;
		if (f->any_ok)
			set_ok(e, f->last_ok);
		for (k = 0; k < f->n; k++)
			if (add_obs(e, &f->obs[k]) < 0)
				return -1;
	}
	return 0;
}

/* supmap_free - see supread.h */
void
supmap_free(struct supmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->slot[i].addr);
		free(m->slot[i].obs);
	}
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* ---- event logs ----------------------------------------------------- */

enum { F_EVENT, F_TS, F_HOST, F_QID, F_DIRECTION, F_MODE, F_ACTION, F_RCPT,
    F_REASON, F_CLASS, F_CODE, F_XCODE, F_TEXT, F_DSN, F_STATUS, F_PROGRAM,
    F_STAGE, F_RNAME, F_COUNT };
static const char *const fields[F_COUNT] = { "event", "ts", "host",
    "queue_id", "direction", "mode", "action", "recipient", "reason",
    "class", "reply.code", "reply.xcode", "reply.text", "dsn", "status",
    "program", "stage", "remote.name" };

/* supread_keys - see supread.h */
void
supread_keys(struct jscan_keys *k)
{
	jscan_keys(k, fields, F_COUNT);
}

/* str - a string span unescaped into buf; NULL when not a string */
static const char *
str(const struct jspan *sp, char *buf, size_t size)
{
	if (sp->type != JT_STRING)
		return NULL;
	jscan_unescape(sp, buf, size);
	return buf;
}

/* ev_reason - an event's reason: its own, else classified */
static enum reason
ev_reason(const struct sopts *o, const struct jspan *f, const char *code,
    const char *xcode)
{
	char prog[64], stage[32], host[256], text[ML_TEXT_MAX], name[32];
	struct reply_class rc;
	struct reason_in in;
	enum reason r;

	if (str(&f[F_REASON], name, sizeof name) != NULL &&
	    reason_parse(name, strlen(name), &r))
		return r;
	memset(&in, 0, sizeof in);
	in.dir = RD_OUTBOUND;
	in.program = str(&f[F_PROGRAM], prog, sizeof prog);
	in.stage = str(&f[F_STAGE], stage, sizeof stage);
	in.code = code[0] ? code : NULL;
	in.xcode = xcode[0] ? xcode : NULL;
	if (f[F_TEXT].type == JT_STRING) {
		in.textlen = jscan_unescape(&f[F_TEXT], text, sizeof text);
		in.text = text;
	}
	if (str(&f[F_RNAME], host, sizeof host) != NULL)
		in.provider = provider_of_host(o->tab, host, strlen(host));
	reply_classify(o->tab, &in, &rc);
	return rc.reason;
}

/* json_line - a "reply" event about our mail, or a "dsn" event */
static int
json_line(struct sworker *w, unsigned file, const char *s, size_t len)
{
	struct jspan f[F_COUNT];
	struct sup_obs o;
	char rcpt[DSN_ADDR_MAX];
	bool dsn;

	if (jscan_object(s, len, &w->o->keys, f) < 0) {
		w->bad[file]++;
		return 0;
	}
	dsn = jscan_eq(&f[F_EVENT], "dsn");
	if ((!dsn && !jscan_eq(&f[F_EVENT], "reply")) ||
	    f[F_RCPT].type != JT_STRING)
		return 0;
	memset(&o, 0, sizeof o);
	if (dsn) {
		o.ok = jscan_eq(&f[F_ACTION], "delivered");
		if (!o.ok && !jscan_eq(&f[F_ACTION], "failed") &&
		    !jscan_eq(&f[F_ACTION], "delayed"))
			return 0;
		if (str(&f[F_STATUS], o.xcode, sizeof o.xcode) != NULL)
			o.cls = (unsigned)(o.xcode[0] - '0');
	} else {
		if (!jscan_eq(&f[F_DIRECTION], "outbound") ||
		    jscan_eq(&f[F_MODE], "monitor") ||
		    (!jscan_eq(&f[F_ACTION], "reject") &&
		    !jscan_eq(&f[F_ACTION], "tempfail")))
			return 0;
		str(&f[F_CODE], o.code, sizeof o.code);
		if (str(&f[F_XCODE], o.xcode, sizeof o.xcode) == NULL)
			str(&f[F_DSN], o.xcode, sizeof o.xcode);
		o.cls = f[F_CLASS].type == JT_NUMBER && f[F_CLASS].len == 1 ?
		    (unsigned)(f[F_CLASS].p[0] - '0') : o.code[0] ?
		    (unsigned)(o.code[0] - '0') : o.xcode[0] ?
		    (unsigned)(o.xcode[0] - '0') : 0;
	}
	if (!o.ok)
		o.reason = ev_reason(w->o, f, o.code, o.xcode);
	if (f[F_TS].type == JT_STRING)
		o.ms = when_iso8601(f[F_TS].p, f[F_TS].len);
	if (o.ms < 0)
		o.ms = 0;
	if (f[F_QID].type == JT_STRING)
		o.msg = hash64(f[F_HOST].type == JT_STRING ? f[F_HOST].p : "",
		    f[F_HOST].type == JT_STRING ? f[F_HOST].len : 0,
		    f[F_QID].p, f[F_QID].len);
	str(&f[F_RCPT], rcpt, sizeof rcpt);
	return note(w, rcpt, strlen(rcpt), &o);
}

/* ---- MTA logs ------------------------------------------------------- */

/* handoff - a delivery to this host (a content filter), not a delivery */
static bool
handoff(const struct maillog_rec *r)
{
	return r->remote_ip.p != NULL && ((r->remote_ip.n >= 4 &&
	    memcmp(r->remote_ip.p, "127.", 4) == 0) || (r->remote_ip.n == 3 &&
	    memcmp(r->remote_ip.p, "::1", 3) == 0));
}

/* log_line - a delivery, a bounce or a deferral of our mail */
static int
log_line(struct sworker *w, unsigned file, const char *s, size_t len)
{
	struct maillog_rec *r = &w->rec;
	struct reply_class rc;
	struct logline ll;
	struct sup_obs o;
	enum ml_result res;
	char cx[XCODE_STRLEN];
	unsigned i;

	if (!logline_parse(s, len, &w->yr.year, &ll)) {
		w->bad[file]++;
		return 0;
	}
	res = maillog_parse_ex(&ll, MLM_AUTO, MLF_DELIVERED, r);
	if (res == ML_DAMAGED)
		w->bad[file]++;
	if ((res != ML_EVENT && res != ML_DELIVERED) ||
	    r->direction != MLD_OUTBOUND || r->monitor)
		return 0;
	memset(&o, 0, sizeof o);
	o.ms = ll.has_time ? ll.ms : 0;
	o.msg = hash64(ll.host ? ll.host : "", ll.host ? ll.hostlen : 0,
	    r->queue_id.p, r->queue_id.p ? r->queue_id.n : 0);
	if (res == ML_DELIVERED) {
		if (handoff(r))
			return 0;
		o.ok = true;
	} else {
		if (r->action != MLA_REJECT && r->action != MLA_TEMPFAIL)
			return 0;
		maillog_classify(w->o->tab, r, &rc);
		o.reason = rc.reason;
		memcpy(o.code, r->code, sizeof o.code);
		snprintf(o.xcode, sizeof o.xcode, "%s",
		    maillog_class_xcode(r, cx, sizeof cx));
		o.cls = o.code[0] ? (unsigned)(o.code[0] - '0') : o.xcode[0] ?
		    (unsigned)(o.xcode[0] - '0') : rc.cls;
	}
	for (i = 0; i < r->nrcpt; i++)
		if (note(w, r->rcpt[i].p, r->rcpt[i].n, &o) < 0)
			return -1;
	return 0;
}

/* supread_line - see supread.h */
int
supread_line(struct sworker *w, unsigned file, time_t mtime, const char *s,
    size_t len)
{
	if ((len = blocks_line(&w->yr, file, mtime, s, len)) == 0)
		return 0;
	w->lines++;
	return s[0] == '{' ? json_line(w, file, s, len) : log_line(w, file, s,
	    len);
}

/* ---- DSN messages --------------------------------------------------- */

/* supread_dsn - see supread.h */
int
supread_dsn(struct sworker *w, const char *file, time_t mtime,
    const char *buf, size_t len)
{
	struct dsn d;
	struct dsn_class *k = malloc(sizeof *k);
	struct sup_obs o;
	size_t i;
	int rc = 0;

	if (k == NULL)
		return -1;
	dsn_init(&d);
	if (dsn_parse_message(&d, buf, len) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < d.nrcpt; i++) {
		const struct dsn_rcpt *r = &d.rcpt[i];
		long long t = when_rfc5322(r->last_attempt,
		    strlen(r->last_attempt));

		memset(&o, 0, sizeof o);
		o.ok = strcmp(r->action, "delivered") == 0;
		if (!o.ok && strcmp(r->action, "failed") != 0 &&
		    strcmp(r->action, "delayed") != 0)
			continue;
		dsn_classify(w->o->tab, &d, r, k);
		o.ms = t > 0 ? t : (long long)mtime * 1000;
		o.reason = k->reason;
		o.cls = k->cls;
		snprintf(o.xcode, sizeof o.xcode, "%s", k->status);
		if (k->diag_code >= 200 && k->diag_code <= 599)
			snprintf(o.code, sizeof o.code, "%03u",
			    k->diag_code % 1000);
		o.msg = hash64("dsn", 3, file, strlen(file));
		if (note(w, dsn_recipient(r), strlen(dsn_recipient(r)), &o) < 0)
			rc = -1;
	}
	dsn_free(&d);
	free(k);
	return rc;
}

static int
by_addr(const void *a, const void *b)
{
	return strcmp(((const struct suprow *)a)->addr,
	    ((const struct suprow *)b)->addr);
}

/* supmap_judge - see supread.h */
struct suprow *
supmap_judge(struct supmap *m, const struct sup_rules *rules, size_t *n)
{
	struct suprow *rows = calloc(m->n ? m->n : 1, sizeof *rows);
	size_t i, k = 0;

	*n = 0;
	if (rows == NULL)
		return NULL;
	for (i = 0; i < m->cap; i++) {
		struct supaddr *e = &m->slot[i];

		if (e->addr == NULL || e->n == 0)
			continue;
		if (e->any_ok) {
			/* the latest delivery stands for all of them */
			struct sup_obs ok;

			memset(&ok, 0, sizeof ok);
			ok.ok = true;
			ok.ms = e->last_ok;
			if (e->n == e->cap) {
				struct sup_obs *nv = realloc(e->obs,
				    (e->cap + 1) * sizeof *nv);

				if (nv == NULL) {
					free(rows);
					return NULL;
				}
				e->obs = nv;
				e->cap++;
			}
			e->obs[e->n++] = ok;
		}
		suppress_judge(e->obs, e->n, rules, &rows[k].v);
		if (rows[k].v.suppress)
			rows[k++].addr = e->addr;
	}
	qsort(rows, k, sizeof *rows, by_addr);
	*n = k;
	return rows;
}


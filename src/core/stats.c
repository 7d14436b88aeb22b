/*
 * stats.c - counters and their two renderings (see stats.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "registry.h"
#include "stats.h"

#define NCLS		3	/* 0 unknown, 1 = class 4, 2 = class 5 */
#define NSUBJ		9	/* 0-7, 8 unknown */
#define NDSNCLS		4	/* 0 unknown, 1 = 2, 2 = 4, 3 = 5 */
#define XDETAIL		128	/* per-code counters for X.S.0 .. X.S.127 */

typedef atomic_ullong counter;

struct rule_slot {
	char		*name;
	counter		 n[2];		/* by mode */
};

/* A provider's refusals of our mail, by reason; its name is written once,
   before the slot is published (nprov, release), and never changes. */
struct prov_slot {
	char		 name[PROVIDER_NAME_MAX];
	counter		 n[R_COUNT];
};

struct stats {
	time_t		 started;
	counter		 replies[SRC_COUNT][2][2][2][NCLS][NSUBJ];
					/* src dir act mode cls subj */
	counter		 xcode[SRC_COUNT][2][8][XDETAIL];	/* src cls(4,5) subj det */
	counter		 xcode_other[SRC_COUNT];		/* src */
	counter		 reason[SRC_COUNT][2][R_COUNT];		/* src dir */
	counter		 stage[SRC_COUNT][STAGE_COUNT];
	counter		 maillog[SML_COUNT];
	counter		 ml_offset, ml_pending;			/* gauges */
	counter		 dsn[NDSNCLS][NSUBJ];
	counter		 dsn_reason[R_COUNT];
	counter		 violations[FID_REPLY_COUNT];
	counter		 dropped;
	counter		 reloads[2];			/* ok, error */
	counter		 connections, messages, internal_errors;
	counter		 sessions;			/* open now (a gauge) */
	counter		 events_cut;
	counter		 unclean_starts, state_errors;
	counter		 dns[SDNS_COUNT];
	pthread_mutex_t	 lock;				/* rule slots */
	struct rule_slot rules[STATS_MAX_RULES + 1];	/* last = "other" */
	unsigned	 nrules;
	struct prov_slot prov[STATS_MAX_PROVIDERS + 1];	/* last = "other" */
	atomic_uint	 nprov;
};

static const char *const src_names[SRC_COUNT] = { "milter", "mta",
    "other-milter", "remote" };
static const char *const dir_names[2] = { "inbound", "outbound" };
static const char *const mlres_names[SML_COUNT] = { "event", "nothing",
    "other", "damaged", "duplicate" };
static const char *const act_names[2] = { "reject", "tempfail" };
static const char *const mode_names[2] = { "enforce", "monitor" };
static const char *const cls_names[NCLS] = { "unknown", "4", "5" };
static const char *const dsncls_names[NDSNCLS] = { "unknown", "2", "4", "5" };
static const char *const dns_names[SDNS_COUNT] = { "null-mx", "mx", "error",
    "cached" };

static char other_name[] = "other";

#define INC(c)	atomic_fetch_add_explicit(&(c), 1, memory_order_relaxed)
#define GET(c)	atomic_load_explicit(&(c), memory_order_relaxed)

/* stats_new - zeroed counters (calloc zero is a valid atomic value) */
struct stats *
stats_new(void)
{
	struct stats *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->started = time(NULL);
	pthread_mutex_init(&s->lock, NULL);
	s->rules[STATS_MAX_RULES].name = other_name;
	memcpy(s->prov[STATS_MAX_PROVIDERS].name, "other", 6);
	return s;
}

/* stats_free - release */
void
stats_free(struct stats *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nrules; i++)
		free(s->rules[i].name);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static unsigned
subj_index(int subject)
{
	return subject >= 0 && subject <= 7 ? (unsigned)subject : 8;
}

/* provider_slot - the slot of a provider's name, made on first sight;
   "other" for no provider or when the slots are full */
static unsigned
provider_slot(struct stats *s, const char *name)
{
	unsigned i, n;

	if (name == NULL || strlen(name) >= PROVIDER_NAME_MAX)
		return STATS_MAX_PROVIDERS;
	n = atomic_load_explicit(&s->nprov, memory_order_acquire);
	for (i = 0; i < n; i++)
		if (strcmp(s->prov[i].name, name) == 0)
			return i;
	pthread_mutex_lock(&s->lock);
	n = atomic_load_explicit(&s->nprov, memory_order_relaxed);
	for (i = 0; i < n && strcmp(s->prov[i].name, name) != 0; i++)
		;
	if (i == n) {
		if (n < STATS_MAX_PROVIDERS) {
			strcpy(s->prov[n].name, name);
			atomic_store_explicit(&s->nprov, n + 1,
			    memory_order_release);
		} else {
			i = STATS_MAX_PROVIDERS;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return i;
}

/* stats_reply - one rejection */
void
stats_reply(struct stats *s, enum stats_source src, enum stats_dir dir,
    enum stats_action act, enum mode mode, const struct reply_class *rc,
    enum stage stage)
{
	unsigned ci = rc->cls == 4 ? 1 : rc->cls == 5 ? 2 : 0;

	INC(s->replies[src][dir][act][mode][ci][subj_index(rc->subject)]);
	if (rc->registered && ci != 0 && rc->subject >= 0 && rc->subject <= 7 &&
	    rc->detail >= 0 && rc->detail < XDETAIL)
		INC(s->xcode[src][ci - 1][rc->subject][rc->detail]);
	else
		INC(s->xcode_other[src]);
	/* why mail was refused: monitor replies refused nothing */
	if ((unsigned)rc->reason < R_COUNT && mode == MODE_ENFORCE) {
		INC(s->reason[src][dir][rc->reason]);
		/* who refuses our mail, and why */
		if (dir == SDIR_OUTBOUND)
			INC(s->prov[provider_slot(s, rc->provider)].n[rc->reason]);
	}
	if ((unsigned)stage < STAGE_COUNT)
		INC(s->stage[src][stage]);
}

void
stats_maillog_line(struct stats *s, enum stats_mlres r)
{
	if ((unsigned)r < SML_COUNT)
		INC(s->maillog[r]);
}

void
stats_maillog_state(struct stats *s, unsigned long long offset,
    unsigned long long pending)
{
	atomic_store_explicit(&s->ml_offset, offset, memory_order_relaxed);
	atomic_store_explicit(&s->ml_pending, pending, memory_order_relaxed);
}

/* stats_rule_slot - find or create the slot for a rule name */
unsigned
stats_rule_slot(struct stats *s, const char *name)
{
	unsigned i, slot = STATS_MAX_RULES;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nrules; i++) {
		if (strcmp(s->rules[i].name, name) == 0) {
			slot = i;
			goto out;
		}
	}
	if (s->nrules < STATS_MAX_RULES &&
	    (s->rules[s->nrules].name = strdup(name)) != NULL)
		slot = s->nrules++;
out:
	pthread_mutex_unlock(&s->lock);
	return slot;
}

void
stats_rule_match(struct stats *s, unsigned slot, enum mode mode)
{
	if (slot > STATS_MAX_RULES)
		slot = STATS_MAX_RULES;
	INC(s->rules[slot].n[mode == MODE_MONITOR]);
}

void
stats_unclean_start(struct stats *s)
{
	INC(s->unclean_starts);
}

void
stats_maillog_state_error(struct stats *s)
{
	INC(s->state_errors);
}

void
stats_violation(struct stats *s, enum finding_id id)
{
	if ((unsigned)id < FID_REPLY_COUNT)
		INC(s->violations[id]);
}

void
stats_dsn(struct stats *s, unsigned cls, int subject, enum reason r)
{
	unsigned ci = cls == 2 ? 1 : cls == 4 ? 2 : cls == 5 ? 3 : 0;

	INC(s->dsn[ci][subj_index(subject)]);
	if ((unsigned)r < R_COUNT)
		INC(s->dsn_reason[r]);
}

void
stats_dropped(struct stats *s, unsigned long n)
{
	atomic_fetch_add_explicit(&s->dropped, n, memory_order_relaxed);
}

void
stats_reload(struct stats *s, bool ok)
{
	INC(s->reloads[ok ? 0 : 1]);
}

void
stats_connection(struct stats *s)
{
	INC(s->connections);
}

void
stats_events_cut(struct stats *s)
{
	INC(s->events_cut);
}

void
stats_session_open(struct stats *s)
{
	INC(s->sessions);
}

void
stats_session_close(struct stats *s)
{
	atomic_fetch_sub_explicit(&s->sessions, 1, memory_order_relaxed);
}

unsigned long long
stats_sessions(struct stats *s)
{
	return GET(s->sessions);
}

void
stats_message(struct stats *s)
{
	INC(s->messages);
}

void
stats_internal_error(struct stats *s)
{
	INC(s->internal_errors);
}

void
stats_dns(struct stats *s, enum stats_dns d)
{
	if ((unsigned)d < SDNS_COUNT)
		INC(s->dns[d]);
}

unsigned long long
stats_events_dropped(struct stats *s)
{
	return GET(s->dropped);
}

/* nrules - slots in use; names never change once published */
static unsigned
nrules(struct stats *s)
{
	unsigned n;

	pthread_mutex_lock(&s->lock);
	n = s->nrules;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/*
 * The families, in the order both renderings use.  JSON shapes: a list of
 * objects (labels + "count"), an object keyed by the one label, a number.
 */
enum shape { SJ_LIST, SJ_MAP, SJ_NUMBER, SJ_NONE };

struct family {
	const char	*name, *type, *help;
	const char	*json;		/* key in the JSON snapshot */
	enum shape	 shape;
};

enum {
	F_REPLIES, F_XCODE, F_REASON, F_PROVIDER, F_STAGE, F_RULES, F_DSN, F_DSN_REASON,
	F_VIOLATIONS, F_DROPPED,
	F_CUT, F_RELOADS, F_CONNECTIONS, F_SESSIONS, F_MESSAGES, F_INTERNAL,
	F_DNS, F_ML_LINES, F_ML_OFFSET, F_ML_PENDING, F_ML_STATE_ERRORS,
	F_UNCLEAN, F_START, F_COUNT
};

static const struct family families[F_COUNT] = {
	{ "esc_milter_replies_total", "counter",
	    "Rejections and tempfails: the milter's, the MTA's, other milters' "
	    "and remote servers' (from the MTA's log).", "replies", SJ_LIST },
	{ "esc_milter_replies_by_xcode_total", "counter",
	    "Rejections by enhanced status code (unregistered: other).",
	    "by_xcode", SJ_LIST },
	{ "esc_milter_replies_by_reason_total", "counter",
	    "Rejections by reason (esc reasons lists the vocabulary).",
	    "by_reason", SJ_LIST },
	{ "esc_milter_replies_by_provider_total", "counter",
	    "Refusals and deferrals of our mail by the remote's mailbox "
	    "provider (the provider table's names, other) and reason.",
	    "by_provider", SJ_LIST },
	{ "esc_milter_replies_by_stage_total", "counter",
	    "Rejections by SMTP stage.", "stages", SJ_LIST },
	{ "esc_milter_rule_matches_total", "counter",
	    "Rules that fired, by mode.", "rules", SJ_LIST },
	{ "esc_milter_dsn_total", "counter",
	    "Failed or delayed recipients of received DSNs.", "dsn", SJ_LIST },
	{ "esc_milter_dsn_by_reason_total", "counter",
	    "Failed or delayed recipients of received DSNs, by reason.",
	    "dsn_by_reason", SJ_LIST },
	{ "esc_milter_violations_total", "counter",
	    "Replies that failed emit-time validation, by finding.",
	    "violations", SJ_MAP },
	{ "esc_milter_events_dropped_total", "counter",
	    "JSON events that could not be written.", "events_dropped",
	    SJ_NUMBER },
	{ "esc_milter_events_cut_total", "counter",
	    "Cut lines found at the end of the event log when it was opened "
	    "(a crash) and ended.", "events_cut", SJ_NUMBER },
	{ "esc_milter_config_reloads_total", "counter",
	    "Configuration reloads by result.", "config_reloads", SJ_MAP },
	{ "esc_milter_connections_total", "counter",
	    "SMTP connections seen.", "connections", SJ_NUMBER },
	{ "esc_milter_sessions", "gauge",
	    "SMTP connections being served now.", "sessions_open", SJ_NUMBER },
	{ "esc_milter_messages_total", "counter",
	    "Messages that reached end of data.", "messages", SJ_NUMBER },
	{ "esc_milter_internal_errors_total", "counter",
	    "Internal failures (on_error applied).", "internal_errors",
	    SJ_NUMBER },
	{ "esc_milter_dns_lookups_total", "counter",
	    "Null-MX lookups by result.", "dns_lookups", SJ_MAP },
	{ "esc_milter_maillog_lines_total", "counter",
	    "Lines of the MTA's log read, by what they gave (duplicate: a "
	    "rejection the milter had counted already).", "maillog_lines",
	    SJ_MAP },
	{ "esc_milter_maillog_offset_bytes", "gauge",
	    "How far the log follower has read in the MTA's log file.",
	    "maillog_offset", SJ_NUMBER },
	{ "esc_milter_maillog_pending", "gauge",
	    "Log lines held until the milter's session with that client ends "
	    "(it may still count the same rejection).", "maillog_pending",
	    SJ_NUMBER },
	{ "esc_milter_maillog_state_errors_total", "counter",
	    "Starts that could not use maillog_state (damaged, another log's): "
	    "the follower started at the end of the log.",
	    "maillog_state_errors", SJ_NUMBER },
	{ "esc_milter_unclean_starts_total", "counter",
	    "Starts after a run that did not end cleanly (killed, crashed), "
	    "known from maillog_state.", "unclean_starts", SJ_NUMBER },
	{ "esc_milter_start_time_seconds", "gauge",
	    "Start time of the daemon, seconds since the epoch.", NULL, SJ_NONE },
};

#define MAX_LABELS	7

/* One sample of a family. */
struct sample {
	unsigned	 f;
	unsigned	 n;
	const char	*lname[MAX_LABELS], *lvalue[MAX_LABELS];
	unsigned long long value;
};

typedef void (*visit_fn)(void *arg, unsigned family, const struct sample *);

/* emit - a sample with labels given as name, value, ..., NULL */
static void
emit(visit_fn fn, void *arg, unsigned f, unsigned long long v, ...)
{
	struct sample sm;
	const char *name;
	va_list ap;

	sm.f = f;
	sm.n = 0;
	sm.value = v;
	va_start(ap, v);
	while ((name = va_arg(ap, const char *)) != NULL && sm.n < MAX_LABELS) {
		sm.lname[sm.n] = name;
		sm.lvalue[sm.n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	fn(arg, f, &sm);
}

static const char *
subj_label(unsigned k, char *buf)
{
	if (k == 8)
		return "unknown";
	buf[0] = (char)('0' + k);
	buf[1] = '\0';
	return buf;
}

/*
 * walk - every sample, family by family (fn(arg, f, NULL) opens each
 * family).  Zero counters of the labelled families are left out, except
 * where the label set is fixed and small (violations, reloads, DNS).
 */
static void
walk(struct stats *s, visit_fn fn, void *arg)
{
	unsigned a, b, m, c, k, d, nr, w;
	unsigned long long n;
	char sb[2], code[16];

	fn(arg, F_REPLIES, NULL);
	for (a = 0; a < SRC_COUNT; a++)
	for (w = 0; w < 2; w++)
	for (b = 0; b < 2; b++)
	for (m = 0; m < 2; m++)
	for (c = 0; c < NCLS; c++)
	for (k = 0; k < NSUBJ; k++)
		if ((n = GET(s->replies[a][w][b][m][c][k])) > 0)
			emit(fn, arg, F_REPLIES, n, "source", src_names[a],
			    "action", act_names[b], "mode", mode_names[m],
			    "class", cls_names[c], "subject", subj_label(k, sb),
			    "category", category_name(category_of(k)),
			    "direction", dir_names[w], NULL);
	fn(arg, F_XCODE, NULL);
	for (a = 0; a < SRC_COUNT; a++) {
		for (c = 0; c < 2; c++)
		for (k = 0; k < 8; k++)
		for (d = 0; d < XDETAIL; d++)
			if ((n = GET(s->xcode[a][c][k][d])) > 0) {
				snprintf(code, sizeof code, "%u.%u.%u",
				    c ? 5u : 4u, k, d);
				emit(fn, arg, F_XCODE, n, "source", src_names[a],
				    "xcode", code, NULL);
			}
		if ((n = GET(s->xcode_other[a])) > 0)
			emit(fn, arg, F_XCODE, n, "source", src_names[a],
			    "xcode", "other", NULL);
	}
	fn(arg, F_REASON, NULL);
	for (a = 0; a < SRC_COUNT; a++)
	for (w = 0; w < 2; w++)
	for (k = 0; k < R_COUNT; k++)
		if ((n = GET(s->reason[a][w][k])) > 0)
			emit(fn, arg, F_REASON, n, "source", src_names[a],
			    "direction", dir_names[w], "reason",
			    reason_name((enum reason)k), NULL);
	fn(arg, F_PROVIDER, NULL);
	nr = atomic_load_explicit(&s->nprov, memory_order_acquire);
	for (a = 0; a <= STATS_MAX_PROVIDERS; a++) {
		if (a == nr)
			a = STATS_MAX_PROVIDERS;
		for (k = 0; k < R_COUNT; k++)
			if ((n = GET(s->prov[a].n[k])) > 0)
				emit(fn, arg, F_PROVIDER, n, "provider",
				    s->prov[a].name, "reason",
				    reason_name((enum reason)k), NULL);
	}
	fn(arg, F_STAGE, NULL);
	for (a = 0; a < SRC_COUNT; a++)
		for (k = 1; k < STAGE_COUNT; k++)
			if ((n = GET(s->stage[a][k])) > 0)
				emit(fn, arg, F_STAGE, n, "source", src_names[a],
				    "stage", stage_name((enum stage)k), NULL);
	fn(arg, F_RULES, NULL);
	nr = nrules(s);
	for (k = 0; k <= STATS_MAX_RULES; k++) {
		if (k == nr)
			k = STATS_MAX_RULES;
		for (m = 0; m < 2; m++)
			if ((n = GET(s->rules[k].n[m])) > 0)
				emit(fn, arg, F_RULES, n, "rule", s->rules[k].name,
				    "mode", mode_names[m], NULL);
	}
	fn(arg, F_DSN, NULL);
	for (c = 0; c < NDSNCLS; c++)
		for (k = 0; k < NSUBJ; k++)
			if ((n = GET(s->dsn[c][k])) > 0)
				emit(fn, arg, F_DSN, n, "class", dsncls_names[c],
				    "subject", subj_label(k, sb), "category",
				    category_name(category_of(k)), NULL);
	fn(arg, F_DSN_REASON, NULL);
	for (k = 0; k < R_COUNT; k++)
		if ((n = GET(s->dsn_reason[k])) > 0)
			emit(fn, arg, F_DSN_REASON, n, "reason",
			    reason_name((enum reason)k), NULL);
	fn(arg, F_VIOLATIONS, NULL);
	for (k = 0; k < FID_REPLY_COUNT; k++)
		emit(fn, arg, F_VIOLATIONS, GET(s->violations[k]), "finding",
		    finding_name((enum finding_id)k), NULL);
	fn(arg, F_DROPPED, NULL);
	emit(fn, arg, F_DROPPED, GET(s->dropped), NULL);
	fn(arg, F_CUT, NULL);
	emit(fn, arg, F_CUT, GET(s->events_cut), NULL);
	fn(arg, F_RELOADS, NULL);
	emit(fn, arg, F_RELOADS, GET(s->reloads[0]), "result", "ok", NULL);
	emit(fn, arg, F_RELOADS, GET(s->reloads[1]), "result", "error", NULL);
	fn(arg, F_CONNECTIONS, NULL);
	emit(fn, arg, F_CONNECTIONS, GET(s->connections), NULL);
	fn(arg, F_SESSIONS, NULL);
	emit(fn, arg, F_SESSIONS, GET(s->sessions), NULL);
	fn(arg, F_MESSAGES, NULL);
	emit(fn, arg, F_MESSAGES, GET(s->messages), NULL);
	fn(arg, F_INTERNAL, NULL);
	emit(fn, arg, F_INTERNAL, GET(s->internal_errors), NULL);
	fn(arg, F_DNS, NULL);
	for (k = 0; k < SDNS_COUNT; k++)
		emit(fn, arg, F_DNS, GET(s->dns[k]), "result", dns_names[k], NULL);
	fn(arg, F_ML_LINES, NULL);
	for (k = 0; k < SML_COUNT; k++)
		emit(fn, arg, F_ML_LINES, GET(s->maillog[k]), "result",
		    mlres_names[k], NULL);
	fn(arg, F_ML_OFFSET, NULL);
	emit(fn, arg, F_ML_OFFSET, GET(s->ml_offset), NULL);
	fn(arg, F_ML_PENDING, NULL);
	emit(fn, arg, F_ML_PENDING, GET(s->ml_pending), NULL);
	fn(arg, F_ML_STATE_ERRORS, NULL);
	emit(fn, arg, F_ML_STATE_ERRORS, GET(s->state_errors), NULL);
	fn(arg, F_UNCLEAN, NULL);
	emit(fn, arg, F_UNCLEAN, GET(s->unclean_starts), NULL);
	fn(arg, F_START, NULL);
	emit(fn, arg, F_START, (unsigned long long)s->started, NULL);
}

/* json_visit - the snapshot, family by family */
static void
json_visit(void *arg, unsigned f, const struct sample *sm)
{
	json_t *o = arg, *slot, *e;
	const struct family *fam = &families[f];
	unsigned i;

	if (fam->shape == SJ_NONE)
		return;
	if (sm == NULL) {
		json_object_set_new(o, fam->json, fam->shape == SJ_LIST ?
		    json_array() : fam->shape == SJ_MAP ? json_object() :
		    json_integer(0));
		return;
	}
	slot = json_object_get(o, fam->json);
	switch (fam->shape) {
	case SJ_LIST:
		e = json_object();
		for (i = 0; i < sm->n; i++)
			json_object_set_new(e, sm->lname[i],
			    json_string(sm->lvalue[i]));
		json_object_set_new(e, "count", json_integer((json_int_t)sm->value));
		json_array_append_new(slot, e);
		break;
	case SJ_MAP:
		json_object_set_new(slot, sm->lvalue[0],
		    json_integer((json_int_t)sm->value));
		break;
	case SJ_NUMBER:
		json_object_set_new(o, fam->json,
		    json_integer((json_int_t)sm->value));
		break;
	case SJ_NONE:
		break;
	}
}

/* stats_json - snapshot for stats_file and the stats event */
json_t *
stats_json(struct stats *s)
{
	json_t *o = json_object();
	char started[40];
	struct tm tm;

	gmtime_r(&s->started, &tm);
	strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "started", json_string(started));
	json_object_set_new(o, "uptime_seconds",
	    json_integer((json_int_t)(time(NULL) - s->started)));
	walk(s, json_visit, o);
	return o;
}

/* prom_visit - the text exposition format */
static void
prom_visit(void *arg, unsigned f, const struct sample *sm)
{
	FILE *fp = arg;
	const struct family *fam = &families[f];
	unsigned i;

	if (sm == NULL) {
		fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help,
		    fam->name, fam->type);
		return;
	}
	fputs(fam->name, fp);
	for (i = 0; i < sm->n; i++)
		fprintf(fp, "%s%s=\"%s\"", i ? "," : "{", sm->lname[i],
		    sm->lvalue[i]);
	fprintf(fp, "%s %llu\n", sm->n ? "}" : "", sm->value);
}

/* stats_prometheus - node_exporter textfile format */
int
stats_prometheus(struct stats *s, FILE *fp)
{
	walk(s, prom_visit, fp);
	return ferror(fp) ? -1 : 0;
}

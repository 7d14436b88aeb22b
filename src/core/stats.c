/*
 * stats.c - counters and their two renderings (see stats.h).
 */
#include "config.h"

#include <pthread.h>
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

struct stats {
	time_t		 started;
	counter		 replies[2][2][2][NCLS][NSUBJ];	/* src act mode cls subj */
	counter		 xcode[2][2][8][XDETAIL];	/* src cls(4,5) subj det */
	counter		 xcode_other[2];		/* src */
	counter		 stage[2][STAGE_COUNT];
	counter		 dsn[NDSNCLS][NSUBJ];
	counter		 violations[FID_REPLY_COUNT];
	counter		 dropped;
	counter		 reloads[2];			/* ok, error */
	counter		 connections, messages, internal_errors;
	counter		 dns[SDNS_COUNT];
	pthread_mutex_t	 lock;				/* rule slots */
	struct rule_slot rules[STATS_MAX_RULES + 1];	/* last = "other" */
	unsigned	 nrules;
};

static const char *const src_names[2] = { "milter", "mta" };
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

/* stats_reply - one rejection */
void
stats_reply(struct stats *s, enum stats_source src, enum stats_action act,
    enum mode mode, unsigned cls, int subject, int detail, bool registered,
    enum stage stage)
{
	unsigned ci = cls == 4 ? 1 : cls == 5 ? 2 : 0;

	INC(s->replies[src][act][mode][ci][subj_index(subject)]);
	if (registered && ci != 0 && subject >= 0 && subject <= 7 &&
	    detail >= 0 && detail < XDETAIL)
		INC(s->xcode[src][ci - 1][subject][detail]);
	else
		INC(s->xcode_other[src]);
	if ((unsigned)stage < STAGE_COUNT)
		INC(s->stage[src][stage]);
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
stats_violation(struct stats *s, enum finding_id id)
{
	if ((unsigned)id < FID_REPLY_COUNT)
		INC(s->violations[id]);
}

void
stats_dsn(struct stats *s, unsigned cls, int subject)
{
	unsigned ci = cls == 2 ? 1 : cls == 4 ? 2 : cls == 5 ? 3 : 0;

	INC(s->dsn[ci][subj_index(subject)]);
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

static const char *
subj_label(unsigned k, char *buf)
{
	if (k == 8)
		return "unknown";
	buf[0] = (char)('0' + k);
	buf[1] = '\0';
	return buf;
}

/* stats_json - snapshot for stats_file and the stats event */
json_t *
stats_json(struct stats *s)
{
	json_t *o = json_object(), *replies = json_array(), *xc = json_array(),
	    *rules = json_array(), *stages = json_array(), *dsn = json_array(),
	    *viol = json_object(), *dns = json_object();
	unsigned a, b, m, c, k, d;
	char started[40], sb[2];
	struct tm tm;
	unsigned long long n;

	gmtime_r(&s->started, &tm);
	strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (a = 0; a < 2; a++)
	for (b = 0; b < 2; b++)
	for (m = 0; m < 2; m++)
	for (c = 0; c < NCLS; c++)
	for (k = 0; k < NSUBJ; k++)
		if ((n = GET(s->replies[a][b][m][c][k])) > 0)
			json_array_append_new(replies, json_pack(
			    "{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			    "source", src_names[a], "action", act_names[b],
			    "mode", mode_names[m], "class", cls_names[c],
			    "subject", subj_label(k, sb),
			    "category", category_name(category_of(k)),
			    "count", (json_int_t)n));
	for (a = 0; a < 2; a++) {
		for (c = 0; c < 2; c++)
		for (k = 0; k < 8; k++)
		for (d = 0; d < XDETAIL; d++)
			if ((n = GET(s->xcode[a][c][k][d])) > 0) {
				char code[16];

				snprintf(code, sizeof code, "%u.%u.%u",
				    c ? 5u : 4u, k, d);
				json_array_append_new(xc, json_pack(
				    "{s:s, s:s, s:I}", "source", src_names[a],
				    "xcode", code, "count", (json_int_t)n));
			}
		if ((n = GET(s->xcode_other[a])) > 0)
			json_array_append_new(xc, json_pack("{s:s, s:s, s:I}",
			    "source", src_names[a], "xcode", "other",
			    "count", (json_int_t)n));
	}
	for (k = 0; k <= STATS_MAX_RULES; k++) {
		if (k == nrules(s))
			k = STATS_MAX_RULES;
		for (m = 0; m < 2; m++)
			if ((n = GET(s->rules[k].n[m])) > 0)
				json_array_append_new(rules, json_pack(
				    "{s:s, s:s, s:I}", "rule", s->rules[k].name,
				    "mode", mode_names[m], "count", (json_int_t)n));
	}
	for (a = 0; a < 2; a++)
		for (k = 1; k < STAGE_COUNT; k++)
			if ((n = GET(s->stage[a][k])) > 0)
				json_array_append_new(stages, json_pack(
				    "{s:s, s:s, s:I}", "source", src_names[a],
				    "stage", stage_name((enum stage)k),
				    "count", (json_int_t)n));
	for (c = 0; c < NDSNCLS; c++)
		for (k = 0; k < NSUBJ; k++)
			if ((n = GET(s->dsn[c][k])) > 0)
				json_array_append_new(dsn, json_pack(
				    "{s:s, s:s, s:s, s:I}", "class", dsncls_names[c],
				    "subject", subj_label(k, sb),
				    "category", category_name(category_of(k)),
				    "count", (json_int_t)n));
	for (k = 0; k < FID_REPLY_COUNT; k++)
		json_object_set_new(viol, finding_name((enum finding_id)k),
		    json_integer((json_int_t)GET(s->violations[k])));
	for (k = 0; k < SDNS_COUNT; k++)
		json_object_set_new(dns, dns_names[k],
		    json_integer((json_int_t)GET(s->dns[k])));

	json_object_set_new(o, "started", json_string(started));
	json_object_set_new(o, "uptime_seconds",
	    json_integer((json_int_t)(time(NULL) - s->started)));
	json_object_set_new(o, "connections",
	    json_integer((json_int_t)GET(s->connections)));
	json_object_set_new(o, "messages",
	    json_integer((json_int_t)GET(s->messages)));
	json_object_set_new(o, "replies", replies);
	json_object_set_new(o, "by_xcode", xc);
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "stages", stages);
	json_object_set_new(o, "dsn", dsn);
	json_object_set_new(o, "violations", viol);
	json_object_set_new(o, "events_dropped",
	    json_integer((json_int_t)GET(s->dropped)));
	json_object_set_new(o, "config_reloads", json_pack("{s:I, s:I}",
	    "ok", (json_int_t)GET(s->reloads[0]),
	    "error", (json_int_t)GET(s->reloads[1])));
	json_object_set_new(o, "internal_errors",
	    json_integer((json_int_t)GET(s->internal_errors)));
	json_object_set_new(o, "dns_lookups", dns);
	return o;
}

#define HELP(fp, name, type, help) \
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type)

/* stats_prometheus - node_exporter textfile format */
int
stats_prometheus(struct stats *s, FILE *fp)
{
	unsigned a, b, m, c, k, d;
	unsigned long long n;
	char sb[2];

	HELP(fp, "esc_milter_replies_total", "counter",
	    "Rejections and tempfails, the milter's and the MTA's.");
	for (a = 0; a < 2; a++)
	for (b = 0; b < 2; b++)
	for (m = 0; m < 2; m++)
	for (c = 0; c < NCLS; c++)
	for (k = 0; k < NSUBJ; k++)
		if ((n = GET(s->replies[a][b][m][c][k])) > 0)
			fprintf(fp, "esc_milter_replies_total{source=\"%s\","
			    "action=\"%s\",mode=\"%s\",class=\"%s\",subject=\"%s\","
			    "category=\"%s\"} %llu\n", src_names[a], act_names[b],
			    mode_names[m], cls_names[c], subj_label(k, sb),
			    category_name(category_of(k)), n);
	HELP(fp, "esc_milter_replies_by_xcode_total", "counter",
	    "Rejections by enhanced status code (unregistered: other).");
	for (a = 0; a < 2; a++) {
		for (c = 0; c < 2; c++)
		for (k = 0; k < 8; k++)
		for (d = 0; d < XDETAIL; d++)
			if ((n = GET(s->xcode[a][c][k][d])) > 0)
				fprintf(fp, "esc_milter_replies_by_xcode_total{"
				    "source=\"%s\",xcode=\"%u.%u.%u\"} %llu\n",
				    src_names[a], c ? 5u : 4u, k, d, n);
		if ((n = GET(s->xcode_other[a])) > 0)
			fprintf(fp, "esc_milter_replies_by_xcode_total{source="
			    "\"%s\",xcode=\"other\"} %llu\n", src_names[a], n);
	}
	HELP(fp, "esc_milter_replies_by_stage_total", "counter",
	    "Rejections by SMTP stage.");
	for (a = 0; a < 2; a++)
		for (k = 1; k < STAGE_COUNT; k++)
			if ((n = GET(s->stage[a][k])) > 0)
				fprintf(fp, "esc_milter_replies_by_stage_total{"
				    "source=\"%s\",stage=\"%s\"} %llu\n",
				    src_names[a], stage_name((enum stage)k), n);
	HELP(fp, "esc_milter_rule_matches_total", "counter",
	    "Rules that fired, by mode.");
	for (k = 0; k <= STATS_MAX_RULES; k++) {
		if (k == nrules(s))
			k = STATS_MAX_RULES;
		for (m = 0; m < 2; m++)
			if ((n = GET(s->rules[k].n[m])) > 0)
				fprintf(fp, "esc_milter_rule_matches_total{rule="
				    "\"%s\",mode=\"%s\"} %llu\n", s->rules[k].name,
				    mode_names[m], n);
	}
	HELP(fp, "esc_milter_dsn_total", "counter",
	    "Failed or delayed recipients of received DSNs.");
	for (c = 0; c < NDSNCLS; c++)
		for (k = 0; k < NSUBJ; k++)
			if ((n = GET(s->dsn[c][k])) > 0)
				fprintf(fp, "esc_milter_dsn_total{class=\"%s\","
				    "subject=\"%s\",category=\"%s\"} %llu\n",
				    dsncls_names[c], subj_label(k, sb),
				    category_name(category_of(k)), n);
	HELP(fp, "esc_milter_violations_total", "counter",
	    "Replies that failed emit-time validation, by finding.");
	for (k = 0; k < FID_REPLY_COUNT; k++)
		fprintf(fp, "esc_milter_violations_total{finding=\"%s\"} %llu\n",
		    finding_name((enum finding_id)k), GET(s->violations[k]));
	HELP(fp, "esc_milter_events_dropped_total", "counter",
	    "JSON events that could not be written.");
	fprintf(fp, "esc_milter_events_dropped_total %llu\n", GET(s->dropped));
	HELP(fp, "esc_milter_config_reloads_total", "counter",
	    "Configuration reloads by result.");
	fprintf(fp, "esc_milter_config_reloads_total{result=\"ok\"} %llu\n",
	    GET(s->reloads[0]));
	fprintf(fp, "esc_milter_config_reloads_total{result=\"error\"} %llu\n",
	    GET(s->reloads[1]));
	HELP(fp, "esc_milter_connections_total", "counter",
	    "SMTP connections seen.");
	fprintf(fp, "esc_milter_connections_total %llu\n", GET(s->connections));
	HELP(fp, "esc_milter_messages_total", "counter",
	    "Messages that reached end of data.");
	fprintf(fp, "esc_milter_messages_total %llu\n", GET(s->messages));
	HELP(fp, "esc_milter_internal_errors_total", "counter",
	    "Internal failures (on_error applied).");
	fprintf(fp, "esc_milter_internal_errors_total %llu\n",
	    GET(s->internal_errors));
	HELP(fp, "esc_milter_dns_lookups_total", "counter",
	    "Null-MX lookups by result.");
	for (k = 0; k < SDNS_COUNT; k++)
		fprintf(fp, "esc_milter_dns_lookups_total{result=\"%s\"} %llu\n",
		    dns_names[k], GET(s->dns[k]));
	HELP(fp, "esc_milter_start_time_seconds", "gauge",
	    "Start time of the daemon, seconds since the epoch.");
	fprintf(fp, "esc_milter_start_time_seconds %lld\n",
	    (long long)s->started);
	return ferror(fp) ? -1 : 0;
}

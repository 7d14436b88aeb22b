/*
 * test_stats.c - counters, the JSON snapshot and the Prometheus text with
 * exactly the metric names of SPEC section 3, from many threads.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

static struct stats *st;

/* rc - a classified reply (replyclass.h) */
static struct reply_class
rc(unsigned cls, int subject, int detail, bool registered, enum reason r,
    bool inferred)
{
	struct reply_class c;

	memset(&c, 0, sizeof c);
	c.cls = cls;
	c.has_x = !inferred && subject >= 0;
	c.subject = subject;
	c.detail = detail;
	c.registered = registered;
	c.reason = r;
	c.inferred = inferred;
	return c;
}

static const char *const providers[] = { "google", "microsoft", "yahoo",
    "apple", "gmx", "proton", NULL };

static void *
hammer(void *arg)
{
	struct reply_class c = rc(5, 1, 1, true, R_USERUNKNOWN, false),
	    o = rc(4, 7, 28, true, R_BADREPUTATION, false);

	(void)arg;
	for (int i = 0; i < 10000; i++) {
		stats_reply(st, SRC_MTA, SDIR_INBOUND, SACT_REJECT, MODE_ENFORCE,
		    &c, STAGE_RCPT);
		/* our mail refused: providers' slots made by racing threads */
		o.provider = providers[i % 7];
		stats_reply(st, SRC_REMOTE, SDIR_OUTBOUND, SACT_TEMPFAIL,
		    MODE_ENFORCE, &o, STAGE_EOM);
	}
	return NULL;
}

int
main(void)
{
	pthread_t t[4];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	json_t *j;
	unsigned slot, slot2;
	int i;

	st = stats_new();
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	struct reply_class c1 = rc(5, 7, 23, true, R_AUTHFAILURE, false),
	    c2 = rc(4, 7, 99, false, R_SECURITYERROR, false),
	    c3 = rc(5, -1, -1, false, R_UNDEFINED, false),
	    c4 = rc(5, 7, 1, true, R_BLOCKED, false),
	    c5 = rc(5, 1, -1, false, R_USERUNKNOWN, true);

	stats_reply(st, SRC_MILTER, SDIR_INBOUND, SACT_REJECT, MODE_MONITOR,
	    &c1, STAGE_HEADER);
	stats_reply(st, SRC_MILTER, SDIR_INBOUND, SACT_TEMPFAIL, MODE_ENFORCE,
	    &c2, STAGE_RCPT);
	stats_reply(st, SRC_MTA, SDIR_INBOUND, SACT_REJECT, MODE_ENFORCE, &c3,
	    STAGE_RCPT);
	stats_reply(st, SRC_REMOTE, SDIR_OUTBOUND, SACT_REJECT, MODE_ENFORCE,
	    &c4, STAGE_EOM);
	stats_reply(st, SRC_REMOTE, SDIR_OUTBOUND, SACT_REJECT, MODE_ENFORCE,
	    &c5, STAGE_RCPT);
	slot = stats_rule_slot(st, "spf-fail");
	slot2 = stats_rule_slot(st, "spf-fail");
	is_int(slot, slot2, "a rule name keeps its slot across reloads");
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_dsn(st, 5, 1, R_USERUNKNOWN);
	stats_violation(st, FID_CLASS_MISMATCH);
	stats_dropped(st, 2);
	stats_reload(st, true);
	stats_reload(st, false);
	stats_connection(st);
	stats_dns(st, SDNS_CACHED);

	fp = open_memstream(&buf, &len);
	is_int(stats_prometheus(st, fp), 0, "prometheus written");
	fclose(fp);
	ok(strstr(buf, "esc_milter_replies_total{source=\"mta\",action=\"reject\",mode=\"enforce\",class=\"5\",subject=\"1\",category=\"addressing\",direction=\"inbound\"} 40000\n") != NULL,
	    "40000 increments from 4 threads, none lost");
	ok(strstr(buf, "esc_milter_replies_by_xcode_total{source=\"milter\",xcode=\"5.7.23\"} 1\n") != NULL, "by xcode");
	ok(strstr(buf, "esc_milter_replies_by_xcode_total{source=\"milter\",xcode=\"other\"} 1\n") != NULL, "unregistered: other");
	ok(strstr(buf, "esc_milter_replies_total{source=\"mta\",action=\"reject\",mode=\"enforce\",class=\"5\",subject=\"unknown\",category=\"unknown\",direction=\"inbound\"} 1\n") != NULL,
	    "no enhanced code: subject unknown");
	ok(strstr(buf, "esc_milter_rule_matches_total{rule=\"spf-fail\",mode=\"monitor\"} 3\n") != NULL, "rule matches");
	ok(strstr(buf, "esc_milter_dsn_total{class=\"5\",subject=\"1\",category=\"addressing\"} 1\n") != NULL, "dsn");
	ok(strstr(buf, "esc_milter_violations_total{finding=\"class-mismatch\"} 1\n") != NULL, "violations");
	ok(strstr(buf, "esc_milter_violations_total{finding=\"generic-code\"} 0\n") != NULL, "every finding has a series");
	ok(strstr(buf, "esc_milter_events_dropped_total 2\n") != NULL, "dropped");
	ok(strstr(buf, "esc_milter_config_reloads_total{result=\"ok\"} 1\n") != NULL, "reloads ok");
	ok(strstr(buf, "esc_milter_config_reloads_total{result=\"error\"} 1\n") != NULL, "reloads error");
	ok(strstr(buf, "# TYPE esc_milter_replies_total counter\n") != NULL, "TYPE lines");
	ok(strstr(buf, "esc_milter_replies_by_stage_total{source=\"milter\",stage=\"header\"} 1\n") != NULL, "by stage");
	ok(strstr(buf, "esc_milter_replies_by_reason_total{source=\"mta\",direction=\"inbound\",reason=\"userunknown\"} 40000\n") != NULL, "by reason");
	ok(strstr(buf, "esc_milter_replies_by_reason_total{source=\"remote\",direction=\"outbound\",reason=\"blocked\"} 1\n") != NULL, "by reason, outbound");
	ok(strstr(buf, "esc_milter_replies_by_reason_total{source=\"mta\",direction=\"inbound\",reason=\"undefined\"} 1\n") != NULL, "nothing known: undefined");
	ok(strstr(buf, "reason=\"authfailure\"") == NULL, "a monitor reply refused nothing: not counted by reason");
	for (i = 0; providers[i] != NULL; i++) {
		char want[160];
		const char *p;

		snprintf(want, sizeof want, "esc_milter_replies_by_provider_total{provider=\"%s\",reason=\"badreputation\"} ",
		    providers[i]);
		p = strstr(buf, want);
		ok(p != NULL && strtoull(p + strlen(want), NULL, 10) == 4 * (10000 / 7 + (i < 10000 % 7)),
		    "by provider: %s, one slot whatever the race", providers[i]);
		ok(p != NULL && strstr(p + 1, want) == NULL, "by provider: %s once", providers[i]);
	}
	ok(strstr(buf, "esc_milter_replies_by_provider_total{provider=\"other\",reason=\"badreputation\"} 5712\n") != NULL,
	    "by provider: none known is other");
	ok(strstr(buf, "esc_milter_replies_by_provider_total{provider=\"other\",reason=\"blocked\"} 1\n") != NULL,
	    "by provider: a refusal of no known provider");
	ok(strstr(buf, "esc_milter_replies_total{source=\"remote\",action=\"reject\",mode=\"enforce\",class=\"5\",subject=\"1\",category=\"addressing\",direction=\"outbound\"} 1\n") != NULL,
	    "an inferred subject is counted in its category");
	ok(strstr(buf, "esc_milter_replies_by_xcode_total{source=\"remote\",xcode=\"other\"} 1\n") != NULL,
	    "an inferred subject has no code: xcode other");
	ok(strstr(buf, "esc_milter_dsn_by_reason_total{reason=\"userunknown\"} 1\n") != NULL, "dsn by reason");
	ok(strstr(buf, "# TYPE esc_milter_replies_by_reason_total counter\n") != NULL, "reason family declared");
	is_int(stats_events_dropped(st), 2, "dropped accessor");
	free(buf);

	j = stats_json(st);
	is_int(json_integer_value(json_object_get(json_object_get(j, "config_reloads"), "error")), 1, "json reloads");
	is_int(json_integer_value(json_object_get(json_object_get(j, "violations"), "class-mismatch")), 1, "json violations");
	is_int(json_array_size(json_object_get(j, "rules")), 1, "json rules");
	is_int(json_integer_value(json_object_get(j, "events_dropped")), 2, "json dropped");
	is_int(json_integer_value(json_object_get(json_object_get(j, "dns_lookups"), "cached")), 1, "json dns");
	ok(json_is_string(json_object_get(j, "started")), "json started");
	json_decref(j);
	stats_free(st);
	return done_testing();
}

/*
 * test_stats.c - counters, the JSON snapshot and the Prometheus text with
 * exactly the metric names of SPEC section 3, from many threads.
 */
#include "config.h"

#include <pthread.h>

#include "stats.h"
#include "tap.h"

static struct stats *st;

static void *
hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++)
		stats_reply(st, SRC_MTA, SACT_REJECT, MODE_ENFORCE, 5, 1, 1, true,
		    STAGE_RCPT);
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
	stats_reply(st, SRC_MILTER, SACT_REJECT, MODE_MONITOR, 5, 7, 23, true, STAGE_HEADER);
	stats_reply(st, SRC_MILTER, SACT_TEMPFAIL, MODE_ENFORCE, 4, 7, 99, false, STAGE_RCPT);
	stats_reply(st, SRC_MTA, SACT_REJECT, MODE_ENFORCE, 5, -1, -1, false, STAGE_RCPT);
	slot = stats_rule_slot(st, "spf-fail");
	slot2 = stats_rule_slot(st, "spf-fail");
	is_int(slot, slot2, "a rule name keeps its slot across reloads");
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_rule_match(st, slot, MODE_MONITOR);
	stats_dsn(st, 5, 1);
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

/*
 * test_docs.c - the documentation cannot drift from the code: every
 * setting, rule key, condition, finding id and metric name appears in the
 * man pages and every setting in the annotated sample configuration.
 */
#include "config.h"

#include "conf.h"
#include "finding.h"
#include "reason.h"
#include "rule.h"
#include "tap.h"

static char *
slurp(const char *rel)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	fclose(fp);
	return buf;
}

int
main(void)
{
	char *conf5 = slurp("docs/esc-milter.conf.5.in");
	char *man8 = slurp("docs/esc-milter.8.in");
	char *man1 = slurp("docs/esc.1.in");
	char *sample = slurp("conf/esc-milter.conf");
	char *reasons = slurp("docs/reasons.md");
	const char *const *k;
	static const char *const metrics[] = {
		"esc_milter_replies_total", "esc_milter_replies_by_xcode_total",
		"esc_milter_rule_matches_total", "esc_milter_dsn_total",
		"esc_milter_violations_total", "esc_milter_events_dropped_total",
		"esc_milter_config_reloads_total",
		"esc_milter_replies_by_reason_total",
		"esc_milter_replies_by_provider_total",
		"esc_milter_maillog_state_errors_total",
		"esc_milter_unclean_starts_total",
		"esc_milter_dsn_by_reason_total", NULL,
	};
	static const enum cond_type conds[] = { C_CLIENT_IP, C_CLIENT_NAME,
	    C_HELO, C_SENDER, C_SENDER_DOMAIN, C_RECIPIENT, C_RECIPIENT_DOMAIN,
	    C_HEADER, C_BODY, C_SIZE, C_RECIPIENTS, C_AUTH };
	char word[128];
	unsigned i;

	if (conf5 == NULL || man8 == NULL || man1 == NULL || sample == NULL ||
	    reasons == NULL)
		skip_all("documentation sources not found (set top_srcdir)");
	for (k = conf_setting_names(); *k != NULL; k++) {
		snprintf(word, sizeof word, "Cm %s", *k);
		ok(strstr(conf5, word) != NULL, "esc-milter.conf(5) documents %s", *k);
		snprintf(word, sizeof word, "%s = ", *k);
		ok(strstr(sample, word) != NULL, "the sample configuration shows %s", *k);
	}
	for (k = conf_rule_key_names(); *k != NULL; k++) {
		snprintf(word, sizeof word, "Cm %s", *k);
		ok(strstr(conf5, word) != NULL, "esc-milter.conf(5) documents rule key %s", *k);
	}
	for (i = 0; i < sizeof conds / sizeof conds[0]; i++) {
		const char *n = cond_type_name(conds[i]);

		snprintf(word, sizeof word, "Cm %s", n);
		ok(strstr(conf5, word) != NULL, "esc-milter.conf(5) documents %s", n);
	}
	for (i = 0; i < FID_COUNT; i++) {
		snprintf(word, sizeof word, "Sy %s", finding_name((enum finding_id)i));
		ok(strstr(man1, word) != NULL, "esc(1) documents finding %s",
		    finding_name((enum finding_id)i));
	}
	for (i = 0; metrics[i] != NULL; i++)
		ok(strstr(man8, metrics[i]) != NULL, "esc-milter(8) lists %s", metrics[i]);
	for (i = 0; i < R_COUNT; i++) {
		const struct reason_info *ri = reason_info((enum reason)i);

		snprintf(word, sizeof word, "| `%s` | %s |", ri->name,
		    reason_side_name(ri->side));
		ok(strstr(reasons, word) != NULL, "docs/reasons.md documents "
		    "reason %s", ri->name);
		ok(strstr(reasons, ri->meaning) != NULL, "docs/reasons.md has "
		    "the meaning of %s", ri->name);
	}
	free(reasons);
	free(conf5);
	free(man8);
	free(man1);
	free(sample);
	return done_testing();
}

/*
 * decide.c - a stage's rules for a session (see decide.h).
 */
#include "config.h"

#include <stdlib.h>

#include "decide.h"
#include "log.h"
#include "monitor.h"
#include "respond.h"

/* dns_lookup - the null-MX callback for rule_eval */
static int
dns_lookup(void *ctx, const char *domain)
{
	struct session *s = ctx;
	bool cached;
	enum nullmx_result r = nullmx_check(s->act->dns, domain, &cached);

	stats_dns(rt_stats(), cached ? SDNS_CACHED : r == NULLMX_YES ?
	    SDNS_NULLMX : r == NULLMX_NO ? SDNS_MX : SDNS_ERROR);
	if (r == NULLMX_ERROR && !cached)
		log_info("%s: DNS lookup of %s failed or timed out; not treated "
		    "as a null MX", s->id, domain);
	return r == NULLMX_YES;
}

/* monitor_hit - log and remember; the header is added at end of message */
static void
monitor_hit(struct session *s, const struct rule *r, enum stage st)
{
	struct built *b = NULL;

	if (r->action == ACT_REPLY) {
		if ((b = respond_build(s, r, st)) == NULL) {
			stats_internal_error(rt_stats());
			return;
		}
		respond_log(s, r, st, b, MODE_MONITOR);
	} else if (r->action == ACT_DISCARD) {
		respond_discard(s, r, st);
	} else {
		return;		/* accept in monitor mode has no effect */
	}
	session_add_monitor(s, r, st, monitor_header_value(r->name,
	    b != NULL ? &b->r : NULL));
	free(b);
}

/* decide_stage - the first enforce rule that fires decides */
struct outcome
decide_stage(struct session *s, enum stage st)
{
	const struct config *c = s->cfg;
	struct outcome out = { O_NONE, NULL };
	struct eval_ctx ec = { &s->scratch, dns_lookup, s };
	struct facts f;
	unsigned i;

	session_facts(s, st, &f);
	for (i = 0; i < c->nby_stage[st]; i++) {
		const struct rule *r = &c->rules[c->by_stage[st][i]];
		int rc = rule_eval(r, &f, &ec);

		if (rc < 0) {
			out.kind = O_ERROR;
			out.rule = r;
			return out;
		}
		if (rc == 0)
			continue;
		stats_rule_match(rt_stats(), r->stat_slot, r->mode);
		if (r->mode == MODE_MONITOR) {
			monitor_hit(s, r, st);
			continue;
		}
		out.rule = r;
		out.kind = r->action == ACT_ACCEPT ? O_ACCEPT :
		    r->action == ACT_DISCARD ? O_DISCARD : O_REPLY;
		return out;
	}
	return out;
}

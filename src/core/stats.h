/*
 * stats.h - counters since start, per source x direction x action x mode
 * x class x subject, per enhanced code, per reason, per provider and
 * reason (our mail refused), per rule, per stage,
 * per DSN class/subject and reason; violations; dropped events; reloads
 * (SPEC section 3, "Statistics"); the lines of the MTA's log the
 * follower read.
 *
 * Counting is lock-free (C11 atomics, relaxed) and allocation-free, so it
 * is safe on every callback path.  Only stats_rule_slot() takes a mutex; it
 * is called when a configuration is activated, never per message; a
 * provider's slot is made under the same mutex the first time the
 * provider refuses our mail, and found without it after that.
 * Label values have bounded cardinality: codes outside the fixed table or
 * not registered count as xcode="other", rules beyond STATS_MAX_RULES as
 * rule="other", providers beyond STATS_MAX_PROVIDERS (or none) as
 * provider="other".
 */
#ifndef ESC_STATS_H
#define ESC_STATS_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "finding.h"
#include "provider.h"
#include "reason.h"
#include "replyclass.h"
#include "rule.h"
#include "stage.h"

#define STATS_MAX_RULES		4096
#define STATS_MAX_PROVIDERS	PROVIDERS_MAX	/* a provider table's names */

enum stats_source { SRC_MILTER, SRC_MTA, SRC_OTHER_MILTER, SRC_REMOTE,
    SRC_COUNT };
enum stats_dir { SDIR_INBOUND, SDIR_OUTBOUND };
enum stats_action { SACT_REJECT = 0, SACT_TEMPFAIL = 1 };
enum stats_dns { SDNS_NULLMX, SDNS_MX, SDNS_ERROR, SDNS_CACHED, SDNS_COUNT };

struct stats;

/* stats_new - all counters zero; NULL on ENOMEM */
struct stats *stats_new(void);

/* stats_free - release */
void	stats_free(struct stats *);

/*
 * stats_reply - count one rejection: its class and subject (an inferred
 * subject included), its enhanced code (unregistered or none: "other"),
 * its reason and its stage, as rc classifies it (replyclass.h)
 */
void	stats_reply(struct stats *, enum stats_source, enum stats_dir,
	    enum stats_action, enum mode, const struct reply_class *rc,
	    enum stage);

/* The MTA's log, as the follower reads it. */
enum stats_mlres { SML_EVENT, SML_NOTHING, SML_OTHER, SML_DAMAGED,
    SML_DUPLICATE, SML_COUNT };
/* stats_unclean_start - the previous run did not end cleanly (known
   from the log follower's state) */
void	stats_unclean_start(struct stats *);

/* stats_maillog_state_error - maillog_state could not be used */
void	stats_maillog_state_error(struct stats *);

void	stats_maillog_line(struct stats *, enum stats_mlres);
/* stats_maillog_state - where the follower is: file offset, lines held */
void	stats_maillog_state(struct stats *, unsigned long long offset,
	    unsigned long long pending);

/* stats_rule_slot - counter slot for a rule name (mutex; config time) */
unsigned stats_rule_slot(struct stats *, const char *name);

/* stats_rule_match - a rule fired (any action, either mode) */
void	stats_rule_match(struct stats *, unsigned slot, enum mode);

void	stats_violation(struct stats *, enum finding_id);
void	stats_dsn(struct stats *, unsigned cls, int subject, enum reason);
void	stats_dropped(struct stats *, unsigned long n);
void	stats_reload(struct stats *, bool ok);
void	stats_connection(struct stats *);
void	stats_events_cut(struct stats *);

/* stats_session_open / _close - the connections being served now */
void	stats_session_open(struct stats *);
void	stats_session_close(struct stats *);

/* stats_sessions - how many are open (for the shutdown's wait) */
unsigned long long stats_sessions(struct stats *);
void	stats_message(struct stats *);
void	stats_internal_error(struct stats *);
void	stats_dns(struct stats *, enum stats_dns);

/* stats_json - a snapshot (new reference) */
json_t	*stats_json(struct stats *);

/* stats_prometheus - text exposition format; -1 on write error */
int	stats_prometheus(struct stats *, FILE *);

/* stats_events_dropped - the counter's value */
unsigned long long stats_events_dropped(struct stats *);

#endif

/*
 * emit.h - from rule evaluation to what the MTA receives, and the events
 * that record it.
 *
 * emit_reply() expands the rule's text, validates the exact reply again
 * (emit-time validation, the same validator as at load time), replaces a
 * broken reply by a safe one and logs a "violation" event, then calls
 * smfi_setreply/smfi_setmlreply immediately before returning the matching
 * SMFIS_REJECT (5xx) or SMFIS_TEMPFAIL (4xx): libmilter keeps an unused
 * reply and would send it later, so a reply is never set otherwise.
 */
#ifndef ESC_EMIT_H
#define ESC_EMIT_H

#include <libmilter/mfapi.h>

#include "session.h"

enum verdict { V_NONE, V_REPLY, V_ACCEPT, V_DISCARD, V_ERROR };

struct outcome {
	enum verdict		 v;
	const struct rule	*rule;
};

/* macro - smfi_getsymval with a const name (libmilter's API is not const) */
const char *macro(SMFICTX *, const char *name);

/* eval_stage - run the stage's rules in file order; monitor hits are
   logged and remembered for the message's header; the first enforce rule
   that fires decides */
struct outcome eval_stage(struct session *, enum stage);

/* emit_reply - set the rule's reply and return REJECT or TEMPFAIL */
sfsistat emit_reply(struct session *, SMFICTX *, const struct rule *,
	    enum stage decided);

/* log_discard - the event for a discard decision */
void	log_discard(struct session *, const struct rule *, enum stage);

/* on_error - an internal failure: on_error = tempfail | continue */
sfsistat on_error(struct session *, SMFICTX *, enum stage, const char *what);

/* observe_mta_reject - a recipient the MTA rejected (SMFIP_RCPT_REJ) */
void	observe_mta_reject(struct session *, SMFICTX *, const char *rcpt);

/* add_monitor_headers - at end of message; -1 if smfi_addheader failed */
int	add_monitor_headers(struct session *, SMFICTX *);

#endif

/*
 * respond.h - sending a reply to the MTA, and the events that record it.
 *
 * respond_build() renders a rule's reply for this session and validates
 * it again (emit-time validation, the same validator as at load time); a
 * reply that fails is replaced by a safe one and a "violation" event says
 * so.  respond_reply() then sets it with smfi_setreply/smfi_setmlreply
 * immediately before returning the matching SMFIS_REJECT (5xx) or
 * SMFIS_TEMPFAIL (4xx): libmilter keeps an unused reply and would send it
 * later, so a reply is never set otherwise.  respond_error() applies the
 * on_error setting to an internal failure.
 */
#ifndef ESC_RESPOND_H
#define ESC_RESPOND_H

#include <libmilter/mfapi.h>

#include "reply.h"
#include "session.h"
#include "template.h"

/* A rule's reply as it goes out, with what the validator found. */
struct built {
	struct rendered	 r;
	struct findings	 fs;
	struct reply	 parsed;
};

/* respond_build - render, validate, fall back; NULL on ENOMEM (free it) */
struct built *respond_build(struct session *, const struct rule *,
	    enum stage);

/* respond_log - the reply event and the counters of a built reply */
void	respond_log(struct session *, const struct rule *, enum stage,
	    const struct built *, enum mode);

/* respond_reply - set the rule's reply and return REJECT or TEMPFAIL */
sfsistat respond_reply(struct session *, SMFICTX *, const struct rule *,
	    enum stage decided);

/* respond_discard - log a discard decision (the caller returns DISCARD) */
void	respond_discard(struct session *, const struct rule *, enum stage);

/* respond_error - an internal failure: on_error = tempfail | continue.
   s may be NULL (no session could be made). */
sfsistat respond_error(struct session *, SMFICTX *, enum stage,
	    const char *what);

#endif

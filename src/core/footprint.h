/*
 * footprint.h - what the rules of a configuration need from the MTA.
 *
 * Each step the MTA sends a milter costs a round trip to another process,
 * and a step the milter answers costs the MTA a wait for the answer.  The
 * footprint says, for a configuration, which message data the rules need
 * (header values, body) and at which stages a decision can be sent back;
 * the daemon negotiates the rest away (SMFIP_NO* to skip a step,
 * SMFIP_NR_* to send no reply).  Decisions follow the stages of
 * verdict.h: a reply decided at CONNECT or HELO is answered at HELO, then
 * again at MAIL; a discard decided there applies at MAIL; header
 * rules are decided at the end of the message (the client sees their
 * reply after the end of DATA either way).  An internal failure (a regex
 * at its limits) is answered at the next step that replies: the end of
 * the message at the latest, so nothing a rule would refuse gets in.
 * Pure; computed for each new connection from its configuration.
 */
#ifndef ESC_FOOTPRINT_H
#define ESC_FOOTPRINT_H

#include <stdbool.h>

#include "conf.h"
#include "stage.h"

struct footprint {
	bool	headers;		/* header values (conditions, size, DSNs) */
	bool	body;			/* body chunks (conditions, size, DSNs) */
	bool	reply[STAGE_COUNT];	/* a decision may be sent at this stage */
};

/* footprint_of - what cfg needs */
void	footprint_of(const struct config *cfg, struct footprint *);

#endif

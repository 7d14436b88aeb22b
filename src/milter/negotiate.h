/*
 * negotiate.h - the protocol options esc-milter asks the MTA for, from
 * what the configuration needs (footprint.h) and what the MTA offers.
 *
 * Steps nothing needs are skipped (unknown commands always; header
 * values and the body when no rule, size condition or annotate_dsn needs
 * them; the end of headers always, header rules being decided at the end
 * of the message).  DATA is kept, with a reply: skipping it costs a
 * Postfix 40 ms per message (negotiate.c says why).  Steps where no decision can be sent are asked for
 * without a reply: CONNECT always (a decision there is answered later),
 * each header and body chunk always, HELO, MAIL and RCPT when no rule can
 * decide there.  CONNECT and HELO are kept, without a reply: they give the
 * client's address, name and HELO name that the events carry, which
 * Postfix would not pass in macros (it has no HELO-name macro).  An MTA
 * that offers an option not (Postfix with milter_protocol = 2, older
 * Sendmail) simply gets those steps; libmilter answers "continue" for us
 * where an MTA does not know a no-reply option.  Callbacks of a step
 * negotiated without a reply return SMFIS_NOREPLY (negotiate_noreply()).
 * Pure.
 */
#ifndef ESC_NEGOTIATE_H
#define ESC_NEGOTIATE_H

#include <stdbool.h>

#include "footprint.h"

/*
 * negotiate_protocol - the SMFIP_* flags to ask for, given what the MTA
 * (and libmilter) offer (f1) and whether MTA-rejected recipients are
 * observed
 */
unsigned long negotiate_protocol(const struct footprint *, bool observe,
	    unsigned long offered);

/* negotiate_noreply - the no-reply flag of a stage's step (STAGE_HEADER:
   the end of headers), 0 when the step always has a reply */
unsigned long negotiate_noreply(enum stage);

/* negotiate_names - the flags as "NOHDRS NR_HELO ..." into buf */
char	*negotiate_names(unsigned long flags, char *buf, size_t size);

/* negotiate_describe - the steps asked for and skipped, in words:
   "CONNECT (no reply), ..., end of message; skipped: headers, ..." */
char	*negotiate_describe(unsigned long flags, char *buf, size_t size);

#endif

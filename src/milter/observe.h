/*
 * observe.h - the recipients the MTA rejected itself.
 *
 * With SMFIP_RCPT_REJ the MTA passes every RCPT it refused, with
 * {rcpt_mailer} = "error" and its reply in {rcpt_host} and {rcpt_addr}
 * (rejection.h).  Our answer to such a RCPT is ignored; it is logged as a
 * reply event with source "mta" and counted.
 */
#ifndef ESC_OBSERVE_H
#define ESC_OBSERVE_H

#include <stdbool.h>

#include <libmilter/mfapi.h>

#include "session.h"

/* observe_is_rejected - the MTA already refused this RCPT */
bool	observe_is_rejected(SMFICTX *);

/* observe_rcpt_reject - log and count it */
void	observe_rcpt_reject(struct session *, SMFICTX *, const char *rcpt);

#endif

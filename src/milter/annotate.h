/*
 * annotate.h - the headers esc-milter adds at end of message.
 *
 * Monitor mode: one X-ESC-Monitor header per monitor rule that fired
 * (monitor.h has its value), for the connection's rules and the message's.
 *
 * annotate_dsn: received delivery status notifications get
 * one X-ESC-DSN header per failed or delayed recipient, a "dsn" event each
 * and the esc_milter_dsn_total counters.
 *
 * Which messages: a top-level multipart/report whose report-type is
 * delivery-status or global-delivery-status (or absent), or any multipart
 * message from the null sender (RFC 3464 DSNs are sent with MAIL FROM:<>,
 * and some servers wrap the report in multipart/mixed).  Only those keep
 * their body (up to body_scan_limit).  X-ESC-DSN headers that arrive with a
 * message are removed, so whoever reads them downstream can trust them.
 * Called from the connection's own thread; state lives in the session.
 */
#ifndef ESC_ANNOTATE_H
#define ESC_ANNOTATE_H

#include <libmilter/mfapi.h>

#include "session.h"

#define ANNOTATE_MAX_HEADERS	100	/* X-ESC-DSN headers per message */

/* annotate_monitor - the monitor headers; -1 if the MTA refused one */
int	annotate_monitor(struct session *, SMFICTX *);

/* annotate_header - for annotate_dsn: note Content-Type,
   Content-Transfer-Encoding and incoming X-ESC-DSN headers; -1 on ENOMEM */
int	annotate_header(struct session *, const char *name, const char *value);

/* annotate_dsn_candidate - at end of headers: may this message be a DSN? */
bool	annotate_dsn_candidate(const struct session *);

/* annotate_dsn - at end of message: remove forged headers, parse, add
   headers, log events, count; -1 if the MTA refused a header change */
int	annotate_dsn(struct session *, SMFICTX *);

#endif

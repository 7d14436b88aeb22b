/*
 * maillog_event.h - a maillog record (maillog.h) as "reply" events
 * (docs/events.md), one per recipient the line names, and the key by
 * which the daemon recognises a line it has already counted.
 *
 * An event from the log carries what a daemon event carries (codes
 * classified with the registry, findings judged as the MTA's own
 * rejections are) and log {file, line}, program, direction, remote and
 * dsn; its time is the line's, its host the line's.  Pure, thread-safe.
 */
#ifndef ESC_MAILLOG_EVENT_H
#define ESC_MAILLOG_EVENT_H

#include <jansson.h>

#include "logline.h"
#include "maillog.h"
#include "reason.h"
#include "registry.h"
#include "replyclass.h"

/*
 * maillog_event - recipient i's event (i < max(nrcpt, 1)), classified
 * with the tables (replyclass.h); the classification in *rc when rc is
 * not NULL (for the counters).  NULL on ENOMEM.
 */
json_t	*maillog_event(const struct tables *, const struct maillog_rec *,
	    unsigned i, const struct logline *, const char *file,
	    unsigned long line, struct reply_class *rc);

/* maillog_classify - the classification alone (esc report) */
void	maillog_classify(const struct tables *, const struct maillog_rec *,
	    struct reply_class *rc);

/*
 * The key of a rejection the daemon sees twice: once itself (its own
 * rule's reply, or a recipient the MTA rejected, observed with
 * SMFIP_RCPT_REJ) and once in the MTA's log (milter-reject, or smtpd's
 * reject at RCPT).  Both sides build it from the same parts:
 *
 *	kind    "milter" (a milter's reply) or "mta" (the MTA's own)
 *	phase   "pre" (connect, HELO, MAIL), "rcpt" or "msg" (DATA and after)
 *	xcode   the enhanced code, "" when none
 *	rcpt    the recipient at RCPT, lower case; "" otherwise
 *
 * and an anchor to the session: the client's IP address (Postfix names
 * it on every line) or the queue id (Sendmail's milter lines name only
 * that).
 */
#define MAILLOG_KEY_MAX	600

/* maillog_key_phase - the phase of a stage name */
const char *maillog_key_phase(const char *stage);

/* maillog_key - "kind|phase|xcode|rcpt" into buf; 0 when the record is
   not of a kind the daemon also sees */
size_t	maillog_key(const struct maillog_rec *, unsigned i, char *buf,
	    size_t size);

/* maillog_key_make - the same from the daemon's side */
size_t	maillog_key_make(const char *kind, const char *stage, const char *xcode,
	    const char *rcpt, size_t rcptlen, char *buf, size_t size);

#endif

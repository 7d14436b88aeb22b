/*
 * bounce_event.h - a received bounce tied to the delivery it reports
 * (outbound.h): the "delivery" field of its "dsn" event, and, for an
 * asynchronous bounce (the log says the next server took the message,
 * the bounce says it failed), the "reply" event and the classification
 * that count it once as an outbound rejection: source "remote",
 * direction "outbound", its log line the delivery's, its reason the
 * bounce's.  Pure, thread-safe.
 */
#ifndef ESC_BOUNCE_EVENT_H
#define ESC_BOUNCE_EVENT_H

#include <stdbool.h>

#include <jansson.h>

#include "dsn.h"
#include "event.h"
#include "outbound.h"
#include "replyclass.h"

/*
 * bounce_delivery - set ev's "delivery": {queue_id, message_id, status,
 * remote, log: {file, line}, ours, async} or null when dl is NULL.  ours:
 * our MTA wrote the bounce; async: it is an asynchronous bounce, counted.
 */
void	bounce_delivery(json_t *ev, const struct ob_delivery *dl, bool ours,
	    bool async);

/* bounce_class - the reply classification the counters take */
void	bounce_class(const struct tables *, const struct dsn_class *c,
	    const struct ob_delivery *dl, struct reply_class *rc);

/*
 * bounce_reply - the "reply" event of an asynchronous bounce; dsn_ec is
 * the bounce message's own (host, session, queue id); NULL on ENOMEM
 */
json_t	*bounce_reply(const struct event_common *dsn_ec,
	    const struct dsn *d, const struct dsn_rcpt *r,
	    const struct dsn_class *c, const struct ob_delivery *dl,
	    const struct reply_class *rc);

#endif

/*
 * outbound.h - the deliveries of our mail the MTA's log recorded, so that
 * a bounce that comes back later can be tied to the delivery it reports
 * (annotate_dsn with maillog =).
 *
 * The log follower tells it each message's Message-ID (cleanup's
 * "QID: message-id=<...>") and each delivery to another server: sent
 * ("status=sent", with the next server's queue id when its reply names
 * one: "250 2.0.0 Ok: queued as X"), bounced or deferred.  A received
 * bounce is looked up by its X-Postfix-Queue-ID (one of our queue ids:
 * our own Postfix wrote it; or the next server's, as our log names it),
 * its Original-Envelope-Id, the returned message's Message-ID, and the
 * recipient.  A delivery the log recorded as sent that a bounce reports
 * failed is an asynchronous bounce: the only trace of that refusal;
 * outbound_take_async() says yes once per delivery, so it is counted
 * once however many copies of the bounce arrive.
 *
 * Bounded: at most OUTBOUND_MAX messages, none older than OUTBOUND_TTL
 * (the oldest go first), and OUTBOUND_PENDING Message-IDs waiting for
 * their message's first delivery.  A mutex guards everything: the
 * follower writes, the milter's threads read.  The table is never freed
 * while the daemon runs (callbacks may use it).
 */
#ifndef ESC_OUTBOUND_H
#define ESC_OUTBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define OUTBOUND_MAX		50000
#define OUTBOUND_TTL		(5 * 24 * 3600)	/* Postfix's and most
						   servers' queue lifetime */
#define OUTBOUND_PENDING	16384

enum ob_status { OB_SENT, OB_BOUNCED, OB_DEFERRED };

/* A delivery as the log recorded it. */
struct ob_delivery {
	char		 qid[32];	/* ours */
	char		 msgid[256];	/* its message's, "" when not known */
	char		 remote_id[32];	/* the next server's, "" none */
	char		 remote[300];	/* "name[ip]" */
	char		 program[32];	/* "smtp" */
	char		 file[1024];	/* the log and line it was read at */
	unsigned long	 line;
	long long	 ms;		/* the line's time, -1 none */
	enum ob_status	 status;
	char		 xcode[16];	/* dsn=, "" none */
};

struct outbound;

/* outbound_new - an empty table; NULL on ENOMEM */
struct outbound *outbound_new(void);
void	outbound_free(struct outbound *);

/* outbound_message_id - qid's Message-ID (without <>) */
void	outbound_message_id(struct outbound *, const char *qid,
	    const char *msgid, time_t now);

/* outbound_delivery - a delivery of recipient rcpt (the last line about
   a recipient of a message wins) */
void	outbound_delivery(struct outbound *, const char *rcpt,
	    const struct ob_delivery *, time_t now);

/*
 * outbound_find - the delivery to rcpt a bounce reports: by id (its
 * X-Postfix-Queue-ID), by envid (Original-Envelope-Id: a queue id or a
 * Message-ID), by msgid (the returned Message-ID); any may be NULL or "".
 * *ours: id is one of our queue ids (our MTA wrote the bounce).  False
 * when none is known.
 */
bool	outbound_find(struct outbound *, const char *id, const char *envid,
	    const char *msgid, const char *rcpt, struct ob_delivery *out,
	    bool *ours);

/* outbound_take_async - true the first time for (qid, rcpt) */
bool	outbound_take_async(struct outbound *, const char *qid,
	    const char *rcpt);

/* outbound_count - messages held (for tests) */
size_t	outbound_count(struct outbound *);

#endif

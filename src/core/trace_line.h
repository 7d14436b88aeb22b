/*
 * trace_line.h - what one MTA log line says about the path of a message,
 * for `esc trace` (trace.h): whose line it is (a queue id, a rejection
 * before the queue, a client's session), which other queue id it leads to
 * and how, and the facts a search looks for (client, sender, recipient,
 * Message-ID).
 *
 *	QID: client=name[ip], orig_queue_id=Q0   smtpd (Q0: XFORWARD)
 *	QID: uid=0 from=<s> orig_id=Q0           pickup (postsuper -r)
 *	QID: message-id=<m>                      cleanup
 *	QID: from=<s>, size=.., nrcpt=1          qmgr
 *	QID: to=<r>, ... status=sent (250 2.0.0 Ok: queued as Q2)
 *	QID: sender non-delivery notification: Q2          bounce
 *	QID: removed                             qmgr, postsuper
 *	NOQUEUE: reject: RCPT from name[ip]: 550 ...; from=<s> to=<r> ...
 *	connect from name[ip] / disconnect from name[ip] ...   smtpd session
 *	CONNECT from [ip]:port to [ip]:25 / PASS OLD [ip]:port  postscreen
 *	amavis[pid]: (...) Passed CLEAN ..., Queue-ID: Q, Message-ID: <m>,
 *	    ..., queued_as: Q2, ...
 *	Sendmail: QID: from=<s>, ..., msgid=<m>, ..., relay=name [ip]
 *	          QID: to=<r>, ..., stat=Sent (Q2 Message accepted for delivery)
 *	          QID: Q2: DSN: User unknown
 *
 * A struct tline borrows the line.  Pure, no allocation, thread-safe.
 */
#ifndef ESC_TRACE_LINE_H
#define ESC_TRACE_LINE_H

#include <stdbool.h>

#include "logline.h"
#include "maillog.h"

enum tl_kind {
	TL_NONE,	/* nothing for a trace */
	TL_QID,		/* a line of queue id qid */
	TL_NOQUEUE,	/* a refusal before the queue (no queue id) */
	TL_CONNECT,	/* a session starts (smtpd, postscreen) */
	TL_DISCONNECT,	/* it ends */
	TL_HANDOFF,	/* postscreen passes it on to smtpd: it ends here */
	TL_SESSION,	/* another line of a session */
};

/* How one queue id leads to another. */
enum tl_how {
	TLH_RECEIVED,	/* the first: smtpd, pickup, Sendmail's from= */
	TLH_QUEUED_AS,	/* a relay or content filter took it: "queued as" */
	TLH_FORWARDED,	/* local(8) forwarded it (.forward, alias) */
	TLH_NOTIFY,	/* a bounce, delay or success notice about it */
	TLH_REQUEUE,	/* postsuper -r: pickup's orig_id= */
	TLH_FORWARD,	/* a content filter's XFORWARD orig_queue_id= */
};

#define TL_LINKS	4

struct tl_link {
	struct ml_span	 id;
	enum tl_how	 how;
	bool		 back;	/* id came before qid (orig_id=,
				   orig_queue_id=); else qid leads to id */
};

struct tline {
	enum tl_kind	 kind;
	bool		 sendmail;
	bool		 amavis;	/* a content filter's line, not the MTA's */
	struct ml_span	 qid;
	struct ml_span	 sess;	/* the session within host and process:
				   postscreen's "[ip]:port"; n == 0 for a
				   process that is one session (smtpd) */
	bool		 has_sess;	/* the line belongs to a session */
	struct tl_link	 link[TL_LINKS];
	unsigned	 nlinks;
	bool		 attach;	/* "client=": qid was received in this
					   session */
	bool		 removed;	/* qid left the queue (Postfix) */
	bool		 starts;	/* a queue file's first line (smtpd's
					   client=, pickup's uid=, cleanup's
					   message-id=): after "removed", the
					   id is a new message's */
	bool		 final;		/* a delivery that ended (Sendmail: a
					   to= line that is not Deferred) */
	struct ml_span	 client_name, client_ip, sender, rcpt, orig_rcpt,
			 msgid;
	struct ml_span	 rcpts;		/* Sendmail: the whole to= list,
					   "<a@x>,<b@y>"; p NULL: just rcpt */
};

/* tline_parse - what ll says; false when nothing (tl->kind TL_NONE) */
bool	tline_parse(const struct logline *ll, struct tline *tl);

/* tline_how_name - "received", "queued as", "forwarded as",
   "notification", "requeued", "xforward" */
const char *tline_how_name(enum tl_how);

/* tline_is_qid - (s, n) has the shape of a Postfix or Sendmail queue id */
bool	tline_is_qid(const char *s, size_t n);

#endif

/*
 * session.h - per-connection and per-message state, owned by one libmilter
 * connection thread (smfi_setpriv), created in the first callback and freed
 * in mlfi_close.  Nothing here is shared between threads except the
 * reference to the active configuration (runtime.h), which the session
 * holds from its first callback to its last, so it sees one configuration
 * from start to end.
 */
#ifndef ESC_SESSION_H
#define ESC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "cidr.h"
#include "event.h"
#include "match.h"
#include "runtime.h"
#include "seen.h"
#include "verdict.h"

#define SESSION_MAX_MON	32	/* monitor headers per message */

struct mon_hit {
	const struct rule	*rule;
	char			*value;		/* the header value, owned */
};

struct message {
	char		*sender;	/* without <>; "" for the null sender */
	char		*sender_domain;
	bool		 authenticated;
	char		*queue_id;
	uint8_t		*hdr_bits;	/* header conditions matched */
	char		*ctype;		/* Content-Type (annotate_dsn only) */
	char		*cte;		/* Content-Transfer-Encoding (idem) */
	bool		 headers_done;	/* the end of headers is behind */
	bool		 dsn;		/* looks like a DSN: keep the body */
	unsigned	 forged_dsn;	/* X-ESC-DSN headers that came in */
	char		*body;		/* first body_scan_limit bytes */
	size_t		 bodylen, bodycap;
	unsigned long long size;	/* header and body bytes */
	struct mon_hit	 mon[SESSION_MAX_MON];
	unsigned	 nmon;
};

struct session {
	struct active	*act;		/* a reference; released in session_free */
	const struct config *cfg;	/* act->cfg */
	char		 id[32];
	char		 ip[64];	/* "" when not an IP connection */
	struct ipaddr	 ipaddr;
	bool		 has_ip;
	char		*client_name;
	char		*helo;
	struct verdict	 v;		/* what has been decided */
	unsigned long	 proto;		/* SMFIP_* flags negotiated */
	struct mon_hit	 conn_mon[SESSION_MAX_MON];
	unsigned	 nconn_mon;
	struct match_scratch scratch;
	struct message	 msg;
	char		*rcpt;		/* the recipient being evaluated */
	char		*rcpt_domain;
	struct seen	*tracked;	/* the log follower's table that counts
					   this client's open sessions */
};

/* session_new - with a reference to the active configuration; NULL on ENOMEM */
struct session *session_new(void);

/* session_free - everything, including the configuration reference */
void	session_free(struct session *);

/* message_reset - forget the current message (MAIL, EOM, abort) */
void	message_reset(struct session *);

/* session_facts - what the rules may look at, for a stage */
void	session_facts(const struct session *, enum stage, struct facts *);

/* session_event_common - the fields every event of this session has */
struct event_common session_event_common(const struct session *);

/* session_reply_event - the fields of a reply event this session knows */
void	session_reply_event(const struct session *, enum stage,
	    const char *action, const char *mode, const char *rule,
	    struct reply_event *);

/*
 * session_emit_reply - the one way a session's reply goes out: classified
 * (its reason: the rule's reason =, else its code and text), to the event
 * log and, for a rejection or tempfail, into the statistics; and (enforce
 * mode, when the MTA's log is followed) into the table that keeps the
 * follower from counting it again.  r is the rule that decided, or NULL.
 */
void	session_emit_reply(const struct session *, const struct reply_event *,
	    const struct rule *r);

/* session_track - note the client's session for the log follower */
void	session_track(struct session *);

/* session_add_monitor - remember a monitor header value (steals value;
   freed when the list is full) for the connection or the message */
void	session_add_monitor(struct session *, const struct rule *,
	    enum stage, char *value);

#endif

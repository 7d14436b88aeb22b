/*
 * session.h - per-connection and per-message state, owned by one libmilter
 * connection thread (smfi_setpriv), created in the first callback and freed
 * in mlfi_close.  Nothing here is shared between threads except the
 * reference to the active configuration.
 */
#ifndef ESC_SESSION_H
#define ESC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "cidr.h"
#include "match.h"
#include "runtime.h"

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
	unsigned	 nrcpt;		/* recipients accepted so far */
	bool		 accepted;	/* an accept rule ended evaluation */
	bool		 discarded;
	bool		 eval_error;	/* a regex could not decide */
	uint8_t		*hdr_bits;	/* header conditions matched */
	char		*ctype;		/* Content-Type (annotate_dsn only) */
	char		*cte;		/* Content-Transfer-Encoding (idem) */
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
	bool		 conn_accepted;
	bool		 conn_discard;
	const struct rule *conn_discard_rule;
	const struct rule *conn_pending;	/* decided at CONNECT/HELO,
						   answered at HELO/MAIL */
	enum stage	 pending_stage;
	struct mon_hit	 conn_mon[SESSION_MAX_MON];
	unsigned	 nconn_mon;
	struct match_scratch scratch;
	struct message	 msg;
	char		*rcpt;		/* the recipient being evaluated */
	char		*rcpt_domain;
};

/* session_new - with a reference to the active configuration; NULL on ENOMEM */
struct session *session_new(void);

/* session_free - everything, including the configuration reference */
void	session_free(struct session *);

/* message_reset - forget the current message (MAIL, EOM, abort) */
void	message_reset(struct session *);

/* session_facts - what the rules may look at, for a stage */
void	session_facts(const struct session *, enum stage, struct facts *);

/* address_strip - "<a@b>" -> "a@b" (new string); NULL on ENOMEM */
char	*address_strip(const char *);

/* address_domain - the lower-cased domain of an address (new string) */
char	*address_domain(const char *);

/* set_str - replace *dst with a copy of v (NULL v clears); -1 on ENOMEM */
int	set_str(char **dst, const char *v);

#endif

/*
 * maillog.h - read the rejections, tempfails, discards, holds and failed
 * or deferred deliveries out of Postfix and Sendmail log lines.
 *
 * Postfix:
 *	[QID|NOQUEUE]: reject: RCPT from host[ip]: 554 5.7.1 <r>: Relay
 *	    access denied; from=<s> to=<r> proto=ESMTP helo=<h>    (smtpd)
 *	NOQUEUE: reject: RCPT from [ip]:port: 550 5.7.1 ...; from=<s>,
 *	    to=<r>, proto=ESMTP, helo=<h>                          (postscreen)
 *	QID: milter-reject: END-OF-MESSAGE from host[ip]: 5.7.1 text; from=..
 *	NOQUEUE: reject_warning: RCPT from ...   (warn_if_reject: monitor)
 *	proxy-reject: END-OF-MESSAGE: 554 5.7.0 text; from=<s> to=<r> ...
 *	    (smtpd_proxy_filter, a before-queue content filter)
 *	QID: reject: header Subject: x from host[ip]; from=<s> to=<r>
 *	    proto=ESMTP helo=<h>: 5.7.1 text                       (cleanup)
 *	QID: to=<r>, relay=mx[ip]:25, ..., dsn=5.7.26, status=bounced (host
 *	    mx[ip] said: 550-5.7.26 ... (in reply to end of DATA command))
 * Sendmail:
 *	QID: ruleset=check_rcpt, arg1=<r>, relay=host [ip], reject=550 5.7.1
 *	    <r>... Relaying denied
 *	QID: Milter: to=<r>, reject=550 5.7.1 text
 *	QID: to=<r>, delay=..., mailer=esmtp, pri=..., relay=mx. [ip],
 *	    dsn=4.3.5, stat=Deferred: 451 4.3.5 text
 *
 * Everything else is ML_NOTHING (an MTA line that is not one of these:
 * warn, filter, redirect, sent, address probes, expired
 * messages, Postfix's "said" lines before the next MX is tried) or
 * ML_NOT_MTA (another program).  A rejection line cut short is read as far
 * as it goes; ML_DAMAGED is a line that starts like one but cannot be
 * read at all.  A multi-line reply flattened into one log line ("550-5.7.26
 * a 550-5.7.26 b 550 5.7.26 c") is read as one reply.
 *
 * A struct maillog_rec borrows the line (spans) except for the reply,
 * whose codes and flattened text it holds.  Pure, no allocation,
 * thread-safe.
 */
#ifndef ESC_MAILLOG_H
#define ESC_MAILLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "logline.h"
#include "xcode.h"

enum maillog_mta { MLM_AUTO, MLM_POSTFIX, MLM_SENDMAIL };
enum ml_result { ML_NOT_MTA, ML_NOTHING, ML_EVENT, ML_DAMAGED,
	ML_DELIVERED	/* with MLF_DELIVERED: a recipient took the message */
};
enum ml_action { MLA_REJECT, MLA_TEMPFAIL, MLA_DISCARD, MLA_HOLD };
enum ml_source { MLS_MTA, MLS_MILTER, MLS_REMOTE };
enum ml_direction { MLD_INBOUND, MLD_OUTBOUND };

/* A piece of the line; p NULL: absent (null in events), n 0: empty. */
struct ml_span {
	const char	*p;
	size_t		 n;
};

#define ML_RCPT_MAX	32	/* recipients of one line (Sendmail lists) */
#define ML_TEXT_MAX	(4096 + 1)	/* events cut strings at 4096 bytes */

struct maillog_rec {
	bool		 sendmail;
	struct ml_span	 program;	/* "smtpd", "cleanup", "sm-mta" */
	struct ml_span	 queue_id;	/* absent for NOQUEUE */
	enum ml_action	 action;
	enum ml_source	 source;
	bool		 want_delivered;	/* set by maillog_parse_ex() */
	bool		 monitor;	/* Postfix's warn_if_reject: logged as
					   reject_warning, nothing refused */
	enum ml_direction direction;
	const char	*stage;		/* "rcpt", ...; NULL: the line does
					   not say */
	struct ml_span	 client_name, client_ip, helo;
	struct ml_span	 sender;
	struct ml_span	 rcpt[ML_RCPT_MAX];
	unsigned	 nrcpt;
	struct ml_span	 remote_name, remote_ip;	/* outbound */
	struct ml_span	 dsn;		/* Postfix dsn=, Sendmail dsn= */
	bool		 has_reply;	/* false for discard and hold */
	char		 code[4];	/* "550"; "" when the line has none */
	char		 xcode[XCODE_STRLEN];	/* valid, or "" */
	char		 text[ML_TEXT_MAX];	/* the reply's text, flattened */
	size_t		 textlen;
};

/* maillog_parse - one line's message; filter keeps one MTA's lines */
enum ml_result maillog_parse(const struct logline *, enum maillog_mta filter,
	    struct maillog_rec *);

/*
 * maillog_parse_ex - the same; with MLF_DELIVERED a successful delivery
 * (Postfix's status=sent, Sendmail's stat=Sent or a 2.x.x dsn=) is
 * ML_DELIVERED: its recipients, queue id, remote and dsn are filled in,
 * nothing else.  Without it such a line is ML_NOTHING.
 */
#define MLF_DELIVERED	0x01
enum ml_result maillog_parse_ex(const struct logline *,
	    enum maillog_mta filter, unsigned flags, struct maillog_rec *);

/* maillog_is_mta - is prog Postfix's or Sendmail's (per filter)? */
bool	maillog_is_mta(const char *prog, size_t len, enum maillog_mta filter,
	    bool *sendmail);

/* Names, as the events and statistics write them. */
const char *maillog_action_name(enum ml_action);
const char *maillog_source_name(enum ml_source);
const char *maillog_direction_name(enum ml_direction);

/*
 * maillog_class_xcode - the enhanced code that classifies the record:
 * the reply's, else the dsn= of a delivery line; "" when neither.
 */
const char *maillog_class_xcode(const struct maillog_rec *, char *buf,
	    size_t size);

/*
 * maillog_remote_domain - the domain an outbound reply is grouped by: the
 * remote host's name cut to its registrable part (mx1.mail.example.co.uk
 * -> example.co.uk; a two-letter country code with a short second level
 * keeps three labels), else the recipient's domain; "" when neither.
 */
size_t	maillog_remote_domain(const struct maillog_rec *, unsigned rcpt,
	    char *buf, size_t size);

#endif

/*
 * mta.h - predict what an SMTP client sees when a milter sends a reply.
 *
 * The model follows libmilter 8.17 (smfi_setreply/smfi_setmlreply checks),
 * Postfix 3.7 (milter8.c reply check, '%' handling, stage effects in
 * smtpd.c) and Sendmail 8.17 (milter.c MILTER_CHECK_REPLYCODE, srvrsmtp.c,
 * err.c fmtmsg).  The milter is assumed to return SMFIS_REJECT for a 5xx
 * reply and SMFIS_TEMPFAIL for a 4xx one, as esc-milter does.
 * Pure, no allocation, thread-safe.
 */
#ifndef ESC_MTA_H
#define ESC_MTA_H

#include <stdbool.h>
#include <stddef.h>

#include "stage.h"

enum mta {
	MTA_POSTFIX,
	MTA_SENDMAIL,
};

#define MTA_REPLY_MAX	4096
#define MTA_NOTES	6
#define MTA_NOTE_LEN	256

struct mta_view {
	enum mta	 mta;
	enum stage	 stage;		/* the stage the prediction is for */
	char		 reply[MTA_REPLY_MAX];	/* lines joined by "\n"; what
						   the client reads */
	unsigned	 nnotes;
	char		 note[MTA_NOTES][MTA_NOTE_LEN];	/* what happened, why */
	bool		 setreply_failed;	/* libmilter refused the reply */
	bool		 text_replaced;		/* operator text lost */
	bool		 text_altered;		/* text changed ('%', codes added) */
	bool		 milter_disabled;	/* Postfix: rest of session broken */
	bool		 closes;		/* the MTA closes the connection */
	bool		 deferred_to_next;	/* shown at a later command */
};

/* mta_name - "postfix" / "sendmail" */
const char *mta_name(enum mta);

/* mta_parse - name to enum; false if unknown */
bool	mta_parse(const char *, enum mta *);

/*
 * mta_predict - what the client sees.  reply is one reply, possibly
 * multi-line (LF or CRLF separated).  stage STAGE_NONE means RCPT.
 * Returns 0; -1 if the reply cannot be sent at all (2xx/3xx), with a note.
 */
int	mta_predict(enum mta, const char *reply, size_t len, enum stage,
	    struct mta_view *);

#endif

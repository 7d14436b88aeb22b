/*
 * dsn.h - delivery status notifications (RFC 3464 message/delivery-status,
 * RFC 6533 message/global-delivery-status): find the status parts of a
 * message, read their per-message and per-recipient fields, and classify
 * each recipient's status against the registry.
 *
 * Parsing is lenient the way real bounces need (see the corpus README):
 * folded and non-indented continuation lines, "Status : 5.0.0", comments
 * after the status, per-recipient fields in the per-message block, several
 * recipients in one block (a repeated Final-Recipient or Original-Recipient
 * starts a new recipient), address types other than rfc822.  It is also
 * bounded: at most DSN_MAX_RCPTS recipients and fixed-size fields, so a
 * hostile message costs bounded memory.
 *
 * Ownership: a struct dsn owns its recipient array (dsn_free()).  Parsing
 * never keeps pointers into the input.  Classification is pure.
 * Thread-safe: no shared state.
 */
#ifndef ESC_DSN_H
#define ESC_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "reason.h"
#include "registry.h"
#include "replyclass.h"
#include "xcode.h"

#define DSN_MAX_RCPTS	1000
#define DSN_ADDR_MAX	320	/* RFC 5321 path, plus an address type */
#define DSN_HOST_MAX	256
#define DSN_WORD_MAX	64
#define DSN_DIAG_MAX	1000	/* Diagnostic-Code, truncated beyond */
#define DSN_PART_MAX	(4 * 1024 * 1024)	/* of one status part, read */
#define DSN_NOTICE_MAX	(64 * 1024)	/* of the human-readable part, kept */

struct dsn_rcpt {
	char	 final_rcpt[DSN_ADDR_MAX];	/* address type stripped */
	char	 orig_rcpt[DSN_ADDR_MAX];
	char	 action[DSN_WORD_MAX];		/* lower-cased, comments removed */
	char	 status[DSN_WORD_MAX];		/* as written, comments removed */
	bool	 has_status;			/* a Status: field was present */
	char	 remote_mta[DSN_HOST_MAX];
	char	 diagnostic[DSN_DIAG_MAX];	/* "smtp; 550 5.1.1 ..." */
	char	 last_attempt[DSN_WORD_MAX];
	unsigned part;				/* 1-based status part */
};

struct dsn {
	char	 reporting_mta[DSN_HOST_MAX];	/* of the first part */
	char	 queue_id[DSN_WORD_MAX];	/* X-Postfix-Queue-ID, "" */
	char	 envid[DSN_ADDR_MAX];		/* Original-Envelope-Id, "" */
	char	 orig_msgid[DSN_ADDR_MAX];	/* the returned message's
						   Message-ID, "" */
	unsigned nparts;			/* status parts found */
	bool	 global;			/* an RFC 6533 part among them */
	unsigned orphans;	/* per-recipient fields without a recipient */
	size_t	 nrcpt;
	size_t	 cap;
	struct dsn_rcpt *rcpt;
	size_t	 dropped;			/* recipients beyond the cap */
	char	*notice;	/* the first text/plain part before the status
				   part (decoded, at most DSN_NOTICE_MAX), NULL */
	size_t	 noticelen;
};

/*
 * What the human-readable part says of one recipient, where the status
 * part is silent: the SMTP command the refusal answered ("in reply to end
 * of DATA command", Sendmail's ">>> DATA") and the reply itself when
 * there is no Diagnostic-Code (OpenSMTPD, some Exims).
 */
struct dsn_hint {
	const char	*stage;		/* "rcpt", "data", "eom"; NULL */
	char		 reply[DSN_DIAG_MAX];	/* "550 5.7.26 ...", "" none */
};

/* dsn_notice_hint - the hints for recipient r of d */
void	dsn_notice_hint(const struct dsn *d, const struct dsn_rcpt *r,
	    struct dsn_hint *h);

/* Where the classified code came from. */
enum dsn_from {
	DSN_FROM_STATUS = 0,	/* the Status: field */
	DSN_FROM_DIAGNOSTIC,	/* Status: absent or invalid; Diagnostic-Code */
	DSN_FROM_NONE,		/* neither has a usable enhanced code */
};

struct dsn_class {
	const char	*recipient;	/* borrowed from the dsn_rcpt */
	bool		 has_code;
	struct xcode	 code;		/* the effective status */
	char		 status[XCODE_STRLEN];	/* formatted, "" without code */
	enum dsn_from	 from;
	unsigned	 cls;		/* 2/4/5, or 0 when unknown */
	unsigned	 diag_code;	/* basic code in the Diagnostic-Code, or 0 */
	enum category	 category;
	bool		 registered;
	const struct reg_entry *entry;	/* registry entry or NULL */
	bool		 failed;	/* failed or delayed: annotate and count */
	enum reason	 reason;	/* why, from the code and the
					   Diagnostic-Code's text (reason.h) */
	char		 reason_detail[REASON_DETAIL_MAX];	/* "" none */
	bool		 inferred;	/* no enhanced code: the category is
					   the reason's, from the text */
	const char	*provider;	/* of the Remote-MTA; NULL: none */
	struct findings	 fs;
};

/* dsn_init - an empty result */
void	dsn_init(struct dsn *);

/* dsn_free - release the recipients (the struct itself is the caller's) */
void	dsn_free(struct dsn *);

/*
 * dsn_parse_message - every status part reachable from the top of a whole
 * message (headers and body), without entering attached messages.
 * Returns 0, or -1 on ENOMEM (what was found so far is kept).
 */
int	dsn_parse_message(struct dsn *, const char *s, size_t len);

/*
 * dsn_parse_body - the same for a body whose top-level Content-Type and
 * Content-Transfer-Encoding values are known (the milter's view).
 */
int	dsn_parse_body(struct dsn *, const char *ctype, const char *cte,
	    const char *body, size_t len);

/*
 * dsn_parse_fields - the content of one (decoded) status part; global
 * marks message/global-delivery-status.
 */
int	dsn_parse_fields(struct dsn *, const char *s, size_t len, bool global);

/* dsn_recipient - the recipient's address: Final-Recipient, else Original */
const char *dsn_recipient(const struct dsn_rcpt *);

/*
 * dsn_classify - class, subject, category, registration, reason and
 * findings of one recipient's status; the Diagnostic-Code is checked
 * against Status: (status-mismatch, class-mismatch, basic-not-associated).
 * The reason comes from the reason table, with the Diagnostic-Code's type
 * as the program ("x-unix") and the Remote-MTA's provider.
 */
void	dsn_classify(const struct tables *, const struct dsn *,
	    const struct dsn_rcpt *, struct dsn_class *);

/*
 * dsn_is_report - a top-level Content-Type value that announces a DSN:
 * multipart/report whose report-type is delivery-status or
 * global-delivery-status, or absent.
 */
bool	dsn_is_report(const char *ctype_value);

/*
 * dsn_header - the X-ESC-DSN header value for a classified recipient:
 * "5.1.1; action=failed; category=addressing; registered=yes;
 * reason=userunknown; rcpt=<a@b>".
 * Control characters and invalid UTF-8 in the address become '?', so the
 * value is always a safe header line.  Returns buf.
 */
char	*dsn_header(const struct dsn_rcpt *, const struct dsn_class *,
	    char *buf, size_t size);

#endif

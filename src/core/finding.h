/*
 * finding.h - validation findings: stable ids (SPEC section 2), severities,
 * and a fixed-capacity list that needs no allocation (it is filled on the
 * milter's hot path at emit time).
 */
#ifndef ESC_FINDING_H
#define ESC_FINDING_H

#include <stdbool.h>

#include "diag.h"

enum finding_id {
	FID_REPLY_SYNTAX = 0,
	FID_XCODE_SYNTAX,
	FID_XCODE_MISSING,
	FID_CLASS_MISMATCH,
	FID_NOT_FAILURE,
	FID_UNKNOWN_SUBJECT,
	FID_UNREGISTERED,
	FID_DEPRECATED,
	FID_BASIC_NOT_ASSOCIATED,
	FID_STAGE_SUBJECT,
	FID_TEXT_CRLF,
	FID_TEXT_CONTROL,
	FID_TEXT_PERCENT,
	FID_TEXT_TOO_LONG,
	FID_MULTILINE_MISMATCH,
	FID_TOO_MANY_LINES,
	FID_GENERIC_CODE,
	/* Findings on received DSNs only (not on replies): */
	FID_STATUS_MISMATCH,	/* Diagnostic-Code or Action vs Status: */
	FID_ACTION_UNKNOWN,	/* Action: not one of RFC 3464's five */
	/* Findings of esc trace --dsn: a bounce against the MTA's log. */
	FID_ASYNC_BOUNCE,	/* the log says delivered, the bounce failed */
	FID_LOG_MISMATCH,	/* both failed, with other codes */
	FID_NOT_IN_LOG,		/* the log has no delivery to the address */
};
#define FID_REPLY_COUNT	(FID_GENERIC_CODE + 1)	/* ids a reply can raise */
#define FID_COUNT	(FID_NOT_IN_LOG + 1)

#define FINDING_MSG	320
#define FINDING_SUGG	64
#define FINDINGS_MAX	24

struct finding {
	enum finding_id	 id;
	enum severity	 sev;
	unsigned	 line;		/* 1-based reply line, 0 = whole reply */
	unsigned	 col;		/* 1-based column in that line, 0 = none */
	char		 msg[FINDING_MSG];
	char		 suggestion[FINDING_SUGG];	/* "" when none */
};

struct findings {
	unsigned	 n;
	unsigned	 dropped;	/* beyond FINDINGS_MAX */
	struct finding	 v[FINDINGS_MAX];
};

/* finding_name - the stable id, e.g. "class-mismatch" */
const char *finding_name(enum finding_id);

/* finding_from_name - reverse of finding_name */
bool	finding_from_name(const char *, enum finding_id *);

/* findings_init - empty the list */
void	findings_init(struct findings *);

/* findings_add - append (dropped when full); returns the entry or NULL */
struct finding *findings_add(struct findings *, enum finding_id, enum severity,
	    unsigned line, unsigned col, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 6, 7)));

/* findings_has - is id present? */
bool	findings_has(const struct findings *, enum finding_id);

/* findings_count - entries with severity >= min */
unsigned findings_count(const struct findings *, enum severity min);

#endif

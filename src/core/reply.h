/*
 * reply.h - parse and validate SMTP replies ("550 5.7.23 text", multi-line
 * "550-5.7.1 a" / "550 5.7.1 b").
 *
 *	Reply-line  = *( Reply-code "-" [ textstring ] CRLF )
 *	              Reply-code [ SP textstring ] CRLF	    (RFC 5321 4.2)
 *	Reply-code  = %x32-35 %x30-35 %x30-39
 *	textstring  = [ status-code SP ] text		    (RFC 2034 section 3)
 *
 * Lines are separated by LF or CRLF; one trailing line break is ignored.
 * A struct reply borrows the input: it is valid while the input is.
 * reply_check() = reply_parse() + reply_validate(); the daemon (load time and
 * emit time) and the CLI all call it, so there is one validator.
 * Pure, no allocation, thread-safe.
 */
#ifndef ESC_REPLY_H
#define ESC_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "registry.h"
#include "stage.h"
#include "xcode.h"

#define REPLY_MAX_LINES		64	/* lines kept; more are counted */
#define REPLY_LIBMILTER_LINES	32	/* smfi_setmlreply's limit */
#define REPLY_LINE_MAX		512	/* octets incl. CRLF (RFC 5321 4.5.3.1.5) */

struct reply_line {
	const char	*raw;		/* the whole line, borrowed */
	size_t		 rawlen;
	unsigned	 code;		/* 0 when the basic code is invalid */
	char		 sep;		/* ' ' or '-' ('\0' for "550" alone) */
	bool		 has_xcode;
	struct xcode	 x;
	size_t		 xcode_off;	/* offset of the enhanced code token */
	size_t		 xcode_len;	/* 0 when there is no token */
	size_t		 text_off;	/* offset of the text after the codes */
	size_t		 text_len;
};

struct reply {
	unsigned	 nlines;	/* parsed lines, <= REPLY_MAX_LINES */
	unsigned	 total_lines;	/* lines in the input */
	struct reply_line line[REPLY_MAX_LINES];
	/* From the first line, for convenience: */
	unsigned	 code;
	bool		 has_xcode;
	struct xcode	 x;
};

struct validate_opts {
	enum stage	 stage;		/* STAGE_NONE: no stage checks */
	bool		 milter;	/* a milter reply: must be 4xx/5xx */
	bool		 own_rule;	/* esc-milter's own rule: unregistered is an error */
	bool		 allow_unregistered;	/* the rule says allow-unregistered */
};

/* How reply_head() reads a line. */
#define REPLY_HEAD_TAB		0x01	/* a tab separates like a space */
#define REPLY_HEAD_PUNCT	0x02	/* the enhanced code may end at ';' or
					   ',' (Diagnostic-Code fields) */

enum reply_head_status {
	RH_OK,			/* a valid basic code and separator */
	RH_NO_CODE,		/* the line does not start with 3 digits */
	RH_BAD_CODE,		/* 3 digits, but not [2-5][0-5][0-9] */
	RH_BAD_SEP,		/* the code is followed by something else */
};

/* The codes at the start of one reply line: "NNN[ -][X.Y.Z] text". */
struct reply_head {
	enum reply_head_status status;
	unsigned	 code;		/* the 3 digits (also for RH_BAD_CODE) */
	char		 sep;		/* ' ', '-', '\t' or '\0' (code alone) */
	size_t		 xcode_off;	/* the token that looks like an enhanced */
	size_t		 xcode_len;	/* code (digits and dots); 0: none */
	bool		 has_xcode;	/* and it is valid */
	enum xcode_error why;		/* when it is not */
	struct xcode	 x;
	size_t		 text_off;	/* after the codes and one blank */
};

/*
 * reply_head - the one reader of "NNN X.Y.Z text" (replies, Sendmail's
 * rejection macros, DSN Diagnostic-Codes, rule replies).  Returns true
 * when status is RH_OK; the offsets are meaningful then (and for
 * RH_BAD_CODE with a valid separator: xcode and text are read too).
 */
bool	reply_head(const char *s, size_t len, unsigned flags, struct reply_head *);

/*
 * reply_parse - split and parse; syntax findings go to fs.  Returns 0 when
 * the first line has a valid basic code, -1 when the reply is unusable.
 */
int	reply_parse(const char *s, size_t len, struct reply *, struct findings *fs);

/* reply_validate - registry, class, stage and text checks */
void	reply_validate(const struct registry *, const struct reply *,
	    const struct validate_opts *, struct findings *fs);

/* reply_check - parse and validate; returns reply_parse()'s result */
int	reply_check(const struct registry *, const char *s, size_t len,
	    const struct validate_opts *, struct reply *, struct findings *fs);

/* reply_text - pointer to line i's text (borrowed) */
const char *reply_text(const struct reply *, unsigned i, size_t *len);

#endif

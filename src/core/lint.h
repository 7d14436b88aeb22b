/*
 * lint.h - check the reply codes of mail server configuration files with
 * the shared validator: esc-milter.conf (through the daemon's own parser),
 * Postfix main.cf/master.cf parameters, Postfix lookup tables (access maps,
 * header/body checks, regexp/pcre with if/endif, delivery status filters)
 * and Sendmail access files.
 *
 * Diagnostics go to a caller-owned diag_list with FILE, LINE and COLUMN of
 * the code or text they are about, and, where the MTA rewrites the reply,
 * what the client actually sees.  Lines that carry no code or reply text
 * get no diagnostic; template placeholders ({{ x }}, [% x %], %name, PH_X)
 * are skipped.  Pure, no global state.
 */
#ifndef ESC_LINT_H
#define ESC_LINT_H

#include <stddef.h>

#include "diag.h"
#include "registry.h"
#include "stage.h"

enum lint_type {
	LT_AUTO = 0,
	LT_ESC,
	LT_POSTFIX_MAIN,
	LT_POSTFIX_MASTER,
	LT_POSTFIX_TABLE,
	LT_SENDMAIL_ACCESS,
};

/* How a Postfix table is used: changes what REJECT means. */
enum table_kind {
	TK_ACCESS,		/* check_*_access: REJECT = 554, DEFER = 450 */
	TK_CHECKS,		/* header/body checks: REJECT = 550, 4.x.x = temporary */
	TK_DSN_FILTER,		/* *_delivery_status_filter: enhanced code + text */
	TK_RBL_REPLY,		/* rbl_reply_maps: $rbl_code templates */
};

struct lint_ctx {
	const struct registry	*reg;
	struct diag_list	*diags;
	const char		*file;
	enum stage		 stage;		/* what the map is checked at, if
						   known (sender map: mail) */
	bool			 sendmail;	/* messages describe Sendmail */
};

/* lint_type_name / lint_type_parse - "esc", "postfix-main", ... */
const char *lint_type_name(enum lint_type);
bool	lint_type_parse(const char *, enum lint_type *);

/* lint_detect - the file's type from its content (and name as a hint) */
enum lint_type lint_detect(const char *buf, size_t len, const char *name);

/* lint_table_kind - how a table is probably used, from name and content */
enum table_kind lint_table_kind(const char *buf, size_t len, const char *name);

/* lint_stage_hint - "sender_access" -> mail, ... STAGE_NONE if unknown */
enum stage lint_stage_hint(const char *name);

/* The readers; each returns the number of code-carrying lines seen. */
unsigned lint_postfix_main(struct lint_ctx *, const char *buf, size_t len,
	    bool master);
unsigned lint_postfix_table(struct lint_ctx *, const char *buf, size_t len,
	    enum table_kind);
unsigned lint_sendmail_access(struct lint_ctx *, const char *buf, size_t len);

/* Internal, shared by the readers (lint.c). */

/* A logical line and where each byte came from. */
struct lline {
	char		*text;		/* NUL-terminated, owned */
	size_t		 len;
	int		*line;		/* per byte: physical line */
	int		*col;		/* per byte: 1-based column */
	int		 first;		/* first physical line */
};

/*
 * lline_next - the next Postfix logical line (readllines() rules: '#' and
 * blank lines skipped, lines starting with white space continue).
 * Returns 1, or 0 at the end.  *pos and *lineno carry the state.
 */
int	lline_next(const char *buf, size_t len, size_t *pos, int *lineno,
	    struct lline *);

/* lline_free - release */
void	lline_free(struct lline *);

/* lline_line / lline_col - where offset off of the logical line is */
int	lline_line(const struct lline *, size_t off);
int	lline_col(const struct lline *, size_t off);

/*
 * lint_reply - validate a reply ("NNN " + text) and report its findings in
 * the file: columns 1-4 of the reply at code_off, the rest relative to
 * text_off (where column 5 of the reply is).  effective: what the client
 * sees when the MTA rewrites the reply, or NULL.
 */
void	lint_reply(struct lint_ctx *, const struct lline *, size_t code_off,
	    size_t text_off, const char *reply, size_t len, enum stage,
	    const char *effective);

/* lint_add - a diagnostic at a logical-line offset; returns it (borrowed) */
struct diag *lint_add(struct lint_ctx *, const struct lline *, size_t off,
	    enum severity, const char *id, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 6, 7)));

/* lint_is_template - a value with template placeholders: not checked */
bool	lint_is_template(const char *s, size_t len);

/* lint_table_value - a Postfix table's value at off (lint_postfix.c);
   true when it carries a code */
bool	lint_table_value(struct lint_ctx *, const struct lline *, size_t off,
	    enum table_kind);

/* lint_pattern_end - where a regexp/pcre pattern that starts at i ends */
size_t	lint_pattern_end(const char *p, size_t n, size_t i);

/* lint_rbl_template - an rbl_reply_maps / default_rbl_reply template */
void	lint_rbl_template(struct lint_ctx *, const struct lline *, size_t off,
	    const char *t, size_t n);

#endif

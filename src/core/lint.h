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

struct lline;		/* below */

enum lint_type {
	LT_AUTO = 0,
	LT_ESC,
	LT_POSTFIX_MAIN,
	LT_POSTFIX_MASTER,
	LT_POSTFIX_TABLE,
	LT_SENDMAIL_ACCESS,
	LT_SENDMAIL_MC,		/* sendmail.mc: followed */
	LT_SENDMAIL_CF,		/* sendmail.cf: followed */
};

/* How a Postfix table is used: changes what REJECT means. */
enum table_kind {
	TK_ACCESS,		/* check_*_access: REJECT = 554, DEFER = 450 */
	TK_CHECKS,		/* header/body checks: REJECT = 550, 4.x.x = temporary */
	TK_DSN_FILTER,		/* *_delivery_status_filter: enhanced code + text */
	TK_RBL_REPLY,		/* rbl_reply_maps: $rbl_code templates */
	TK_REPLY_FILTER,	/* smtp_reply_filter: whole reply lines */
};

struct lint_ctx {
	const struct registry	*reg;
	struct diag_list	*diags;
	const char		*file;
	enum stage		 stage;		/* what the map is checked at, if
						   known (sender map: mail) */
	bool			 sendmail;	/* messages describe Sendmail */
	/* What the configuration says (0: Postfix's default). */
	unsigned		 reject_code;	/* access_map_reject_code */
	unsigned		 defer_code;	/* access_map_defer_code */
	unsigned		 rbl_code;	/* maps_rbl_reject_code */
	const char		*used_as;	/* "check_client_access in
						   smtpd_recipient_restrictions,
						   main.cf:12", appended to
						   every message; NULL */
};

/* One lookup table named by a Postfix configuration, and one use of it. */
struct lint_table_use {
	char		*spec;		/* "hash:/etc/postfix/access" (expanded) */
	char		*path;		/* the file read (under root); NULL */
	char		*used_as;	/* "check_client_access in
					   smtpd_recipient_restrictions, main.cf:12" */
	int		 kind;		/* enum table_kind; -1: a Sendmail
					   access database */
	enum stage	 stage;		/* what the reply names */
	unsigned	 reject_code, defer_code, rbl_code;
	const char	*status;	/* "read", "missing", "static",
					   "not-checkable" (static string) */
};

/* What lint_postfix_config() read; the caller owns it. */
struct lint_follow {
	const char	*root;		/* absolute paths are looked up under
					   it; NULL: as they are (borrowed) */
	bool		 master;	/* master.cf was there */
	unsigned	 ncodes;	/* code-carrying lines, all files */
	unsigned	 ntables;	/* table files read */
	struct lint_table_use *use;
	unsigned	 nuse;
};

/*
 * lint_postfix_config - main.cf and master.cf in dir (master.cf may be
 * missing), and every lookup table a restriction list or a parameter
 * names, in main.cf's context and in each service's (-o overrides), each
 * linted for how it is used.  A table that cannot be read is an error
 * diagnostic; one served by a database or a socket a note.  -1 with errno
 * when main.cf cannot be read.
 */
int	lint_postfix_config(struct lint_ctx *, const char *dir,
	    struct lint_follow *);

/* lint_follow_free - release what lint_postfix_config() recorded */
void	lint_follow_free(struct lint_follow *);

/*
 * lint_sendmail_config - a Sendmail sendmail.mc (mc) or sendmail.cf:
 * the $#error replies of its rules (with the stage of their ruleset),
 * the confREJECT_MSG, confRELAY_MSG and confRCPTREJ_MSG replies of a .mc,
 * and the access database's source file (FEATURE(`access_db'), the
 * Kaccess line), linted as a Sendmail access file.  buf is the file's
 * text; c->file names it.
 */
void	lint_sendmail_config(struct lint_ctx *, const char *buf, size_t len,
	    bool mc, struct lint_follow *);

/* lint_use_add - record a use of a table; false when the same use was
   recorded already (or on ENOMEM) */
bool	lint_use_add(struct lint_follow *, const struct lint_ctx *,
	    const char *spec, const char *path, int kind, enum stage,
	    const char *used_as, const char *status);

/* lint_table_path - where a table's file is read: an absolute name under
   root (unless already there), a relative one as it is; -1 if too long */
int	lint_table_path(const char *root, const char *name, char *out,
	    size_t size);

/* lint_type_name / lint_type_parse - "esc", "postfix-main", ... */
const char *lint_type_name(enum lint_type);
bool	lint_type_parse(const char *, enum lint_type *);

/* lint_detect - the file's type from its content (and name as a hint) */
enum lint_type lint_detect(const char *buf, size_t len, const char *name);

/* How a table given alone is probably used, and why it was thought so. */
struct lint_guess {
	enum table_kind	 kind;
	enum stage	 stage;		/* STAGE_NONE: not known */
	char		 why[160];	/* "its keys are IP addresses ..." */
};

/*
 * lint_guess_table - the kind from the content first (header patterns,
 * IP keys, the actions used), the name only when the content does not
 * say; the stage from the name (sender_access: MAIL), else IP keys:
 * client.
 */
void	lint_guess_table(const char *buf, size_t len, const char *name,
	    struct lint_guess *);

/* lint_stage_hint - "sender_access" -> mail, ... STAGE_NONE if unknown */
enum stage lint_stage_hint(const char *name);

/* The readers; each returns the number of code-carrying lines seen. */
unsigned lint_postfix_main(struct lint_ctx *, const char *buf, size_t len,
	    bool master);
unsigned lint_postfix_table(struct lint_ctx *, const char *buf, size_t len,
	    enum table_kind);
unsigned lint_sendmail_access(struct lint_ctx *, const char *buf, size_t len);

/*
 * lint_sendmail_reply - one Sendmail error reply inside logical line l:
 * an optional enhanced code dsn (dsn_len 0: none; not numeric: ignored),
 * the reply code at code_off and its text up to end_off (exclusive).
 * Sendmail sends a D.S.N with the code as written (a class mismatch
 * reaches the client); without one it adds X.0.0 unless the text starts
 * with an enhanced code.  temp: a TEMP: entry; bare: a deprecated
 * "### text" access value.
 */
void	lint_sendmail_reply(struct lint_ctx *, const struct lline *l,
	    const char *dsn, size_t dsn_len, size_t dsn_off, size_t code_off,
	    size_t end_off, bool temp, bool bare);

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

/* lline_single - one physical line as a logical line (Sendmail files
   have no continuations); false on ENOMEM */
bool	lline_single(struct lline *, const char *p, size_t n, int lineno);

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

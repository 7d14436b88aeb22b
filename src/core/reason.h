/*
 * reason.h - why a reply refused a message: the reason vocabulary and the
 * table that gives every reply one of its names.
 *
 * The registry says what a code means; the reason says what happened, in
 * the words bounce processors already use (Sisimai's names, where the
 * meaning is the same; one of ours, greylisted, where none fits).  Each
 * name has a one-line meaning, the side whose problem it is, the subject
 * category it belongs to and what it means for a suppression list.  The
 * vocabulary is fixed (it labels metrics, so it is bounded); the table
 * that maps replies onto it is data (reasons.tsv, built in, replaceable
 * at run time with `reasons = FILE` or `esc --reasons FILE`).
 *
 * Classification (reasons_classify): the first row of the table that
 * matches the reply decides; a row names the codes it applies to, where
 * (direction, program, provider) and a pattern of the text.  A specific
 * registered code decides first, the text refines the generic ones
 * (X.0.0, X.7.1, X.S.0, an unregistered detail, none), and where no row
 * matches the reason follows from the class and subject, never an error.
 *
 * Ownership: a struct reasons is immutable once loaded and read by every
 * thread; reasons_builtin() is compiled once, on first use, and never
 * freed.  Classification allocates nothing (a match buffer per thread).
 */
#ifndef ESC_REASON_H
#define ESC_REASON_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "registry.h"

enum reason {
	R_UNDEFINED = 0,
	R_DELIVERED,
	R_USERUNKNOWN, R_HOSTUNKNOWN, R_HASMOVED, R_NOTACCEPT, R_SUPPRESSED,
	R_MAILBOXFULL, R_SUSPEND, R_FILTERED, R_EXCEEDLIMIT,
	R_REJECTED, R_BLOCKED, R_NORELAYING, R_AUTHFAILURE, R_REQUIREPTR,
	R_BADREPUTATION, R_SECURITYERROR, R_SPAMDETECTED, R_VIRUSDETECTED,
	R_POLICYVIOLATION, R_GREYLISTED, R_SPEEDING, R_TOOMANYCONN,
	R_NOTCOMPLIANTRFC, R_CONTENTERROR, R_MESGTOOBIG, R_SYNTAXERROR,
	R_FAILEDSTARTTLS, R_SYSTEMERROR, R_SYSTEMFULL, R_MAILERERROR,
	R_NETWORKERROR, R_EXPIRED, R_ONHOLD,
	R_COUNT
};

/* Whose problem it is.  Outbound, "sender" is you; inbound, "receiver". */
enum reason_side {
	RS_NONE,	/* nobody's: nothing known, or a retry passes */
	RS_ADDRESS,	/* the recipient address itself */
	RS_SENDER,	/* the sending side: its host, domain, auth, content */
	RS_RECEIVER,	/* the receiving side's systems or local filter */
	RS_PATH,	/* between them: DNS, routing, connections, time */
};

/* What a suppression list does with it (esc suppress). */
enum reason_suppress {
	RSUP_NEVER,	/* about the sender or the path: never the address */
	RSUP_HARD,	/* the address is gone */
	RSUP_SOFT,	/* the address is there but cannot take mail now */
};

struct reason_info {
	const char		*name;
	const char		*meaning;	/* one line */
	enum reason_side	 side;
	int			 subject;	/* its subject category, 0-7 */
	enum reason_suppress	 suppress;
};

/* reason_info - the vocabulary's entry (r < R_COUNT) */
const struct reason_info *reason_info(enum reason r);

/* reason_name - "userunknown" */
const char *reason_name(enum reason r);

/* reason_parse - a name of the vocabulary; false when it is not one */
bool	reason_parse(const char *name, size_t len, enum reason *r);

/* reason_side_name - "address", "sender", ... */
const char *reason_side_name(enum reason_side);

/* reason_suppress_name - "hard", "soft", "never" */
const char *reason_suppress_name(enum reason_suppress);

/* reason_fallback - the reason of a class and subject no row named */
enum reason reason_fallback(unsigned cls, int subject);

/* ---- the table ---------------------------------------------------- */

struct reasons;

/* A reply to mail we received, to mail we sent, or a bounce of ours. */
enum reason_dir { RD_INBOUND, RD_OUTBOUND, RD_DSN };

/* What is classified. */
struct reason_in {
	enum reason_dir	 dir;
	const char	*program;	/* "smtpd", "postscreen", a DSN's
					   Diagnostic-Code type ("x-unix");
					   NULL */
	const char	*provider;	/* the remote's mailbox provider; NULL */
	const char	*stage;		/* the SMTP stage it answered: "rcpt",
					   "data", "eom" (stage.h); NULL */
	const char	*code;		/* "550"; NULL when none */
	const char	*xcode;		/* "5.7.1"; NULL when none */
	bool		 xcode_weak;	/* the code is a reporting MTA's
					   rendering of a basic code (a DSN's
					   Status: for a remote reply that had
					   none): the text decides first */
	const char	*text;		/* the reply text; NULL when none */
	size_t		 textlen;
};

#define REASON_DETAIL_MAX	128

struct reason_out {
	enum reason	 reason;
	char		 detail[REASON_DETAIL_MAX];	/* "" when none */
	bool		 inferred;	/* no enhanced code: the subject is
					   the reason's, from the text */
	int		 subject;	/* the inferred subject, else -1 */
	unsigned	 line;		/* the table line that decided; 0:
					   the class and subject did */
};

/*
 * reasons_load - a table from its text (name is the file, for messages);
 * NULL with every problem as "name:line: ..." in diags (a table with any
 * error is refused)
 */
struct reasons *reasons_load(const char *name, const char *buf, size_t len,
	    struct diag_list *diags);

/* reasons_load_file - the same from a file; NULL, diags say why */
struct reasons *reasons_load_file(const char *path, struct diag_list *diags);

/*
 * reasons_jit - compile the patterns of the tables loaded from now on
 * with PCRE2's JIT (the default) or not (regex_jit = no: valgrind cannot
 * follow JIT code).  The built-in table is built on first use.
 */
void	reasons_jit(bool on);

/* reasons_builtin - the table built from reasons.tsv; NULL on ENOMEM */
const struct reasons *reasons_builtin(void);

/* reasons_free - release a loaded table (not the built-in one) */
void	reasons_free(struct reasons *);

/* reasons_name - the file the table came from ("built-in") */
const char *reasons_name(const struct reasons *);

/* reasons_classify - the reason of a reply (any of in's fields may be
   missing); reg tells registered codes from unregistered ones */
void	reasons_classify(const struct reasons *, const struct registry *reg,
	    const struct reason_in *in, struct reason_out *out);

/* One row, for `esc reasons`. */
struct reason_row {
	unsigned	 line;
	const char	*code, *where, *text, *detail, *example, *source;
	enum reason	 reason;
};

/* reasons_rows - how many rows; reasons_row - row i (i < rows) */
size_t	reasons_rows(const struct reasons *);
void	reasons_row(const struct reasons *, size_t i, struct reason_row *);

#endif

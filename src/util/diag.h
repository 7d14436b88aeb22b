/*
 * diag.h - a growable list of diagnostics: "FILE:LINE:COL: severity: id: message".
 *
 * Used by every reader that can find several problems in one input (the
 * registry CSV loader, the configuration parser, esc lint).  The list owns
 * its entries; diag_list_free() releases them.  Not shared between threads.
 */
#ifndef ESC_DIAG_H
#define ESC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum severity {
	SEV_NOTE = 0,
	SEV_WARNING = 1,
	SEV_ERROR = 2,
};

#define DIAG_ID_LEN	32
#define DIAG_MSG_LEN	512
#define DIAG_SUGG_LEN	128
#define DIAG_MAX	10000	/* further diagnostics are counted, not kept */

struct diag {
	char		*file;		/* owned; may be "" */
	int		 line;		/* 1-based, 0 = none */
	int		 col;		/* 1-based, 0 = none */
	enum severity	 sev;
	char		 id[DIAG_ID_LEN];
	char		 msg[DIAG_MSG_LEN];
	char		 suggestion[DIAG_SUGG_LEN];	/* "" when none */
	char		 effective[DIAG_MSG_LEN / 2];	/* what the client sees,
							   "" when not known */
	size_t		 seq;		/* insertion order, for stable sorting */
};

struct diag_list {
	struct diag	*v;
	size_t		 n, cap;
	size_t		 dropped;	/* beyond DIAG_MAX or lost to ENOMEM */
};

/* diag_list_init - empty list */
void	diag_list_init(struct diag_list *);

/* diag_list_free - release entries; the list is empty afterwards */
void	diag_list_free(struct diag_list *);

/* diag_add - append; returns the new entry (borrowed) or NULL if dropped */
struct diag *diag_add(struct diag_list *, const char *file, int line, int col,
	    enum severity, const char *id, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 7, 8)));

/* diag_count - entries with severity >= min */
size_t	diag_count(const struct diag_list *, enum severity min);

/* diag_sort - stable sort by file, line, column */
void	diag_sort(struct diag_list *);

/* severity_name - "error", "warning", "note" */
const char *severity_name(enum severity);

/* diag_print - "FILE:LINE:COL: severity: id: message (suggestion)" lines;
   the column only when set */
void	diag_print(const struct diag_list *, FILE *);

/* diag_print_cols - the same, always with a column (1 when unknown), for
   editors and CI annotations */
void	diag_print_cols(const struct diag_list *, FILE *);

#endif

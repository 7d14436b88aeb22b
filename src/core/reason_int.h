/*
 * reason_int.h - the compiled reason table, shared by its loader
 * (reason_table.c) and its classifier (reason.c).  Internal to reason*.c.
 */
#ifndef ESC_REASON_INT_H
#define ESC_REASON_INT_H

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "kwset.h"
#include "reason.h"

#define REASONS_MAX_ROWS	4096
#define REASON_WORDS		(REASONS_MAX_ROWS / 64)

/* One enhanced code pattern: class 0 = any (X), subject/detail -1 = any. */
struct code_pat {
	unsigned	 cls;
	int		 subject, detail;
};

struct row {
	unsigned	 line;
	char		*code_src, *where_src, *text_src, *detail, *example,
			*source;		/* as written */
	enum reason	 reason;
	/* which codes: any of these */
	bool		 any, none, generic;
	struct code_pat	*pats;
	size_t		 npats;
	/* where: every one that is given */
	unsigned	 dirs;			/* 1 << enum reason_dir; 0 any */
	char		**progs, **providers, **stages;	/* NULL-terminated,
						   or NULL (any) */
	char		(*basics)[4];		/* "5xx", "421"; NULL: any */
	size_t		 nbasics;
	/* the text */
	pcre2_code	*re;			/* NULL: the row has none */
	bool		 jit;
};

struct reasons {
	char		*name;
	struct row	*rows;
	size_t		 nrows;
	struct kwset	*kw;
	uint64_t	 always[REASON_WORDS];	/* rows without a keyword */
	pcre2_match_context *mctx;
};

/* reasons_jit_on - what reasons_jit() last said */
bool	reasons_jit_on(void);

#endif

/*
 * report.h - the inside of `esc report`: what one line counts for.
 *
 * A report reads its logs on several threads (blocks.h); each thread is a
 * struct rworker with its own counts and its own conversion caches, and
 * shares only the immutable struct ropts.  At the end the workers' counts
 * are merged (report_count.c) and printed (cmd_report.c).
 *
 * A key is kept in the form the line gives it: JSON-escaped bytes for
 * events (no unescaping per line), escaped the same way for MTA log
 * records.  A two-column key (--by reason-detail, text, provider) joins
 * its columns with RKEY_SEP, a byte an escaped string cannot hold.
 */
#ifndef ESC_REPORT_H
#define ESC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "blocks.h"
#include "jscan.h"
#include "logline.h"
#include "maillog.h"
#include "replyclass.h"

#define RKEY_SEP	'\x1f'
#define RKEY_MAX	1024

enum report_by {
	BY_CATEGORY, BY_XCODE, BY_RULE, BY_SOURCE, BY_STAGE, BY_HOUR,
	BY_SENDER_DOMAIN, BY_HOST, BY_DIRECTION, BY_PROGRAM, BY_REMOTE,
	BY_REASON, BY_REASON_DETAIL, BY_TEXT, BY_PROVIDER, BY_MODE,
	BY_PUBLIC_,			/* the --by names end here */
	/* the HTML page's own groupings */
	BY_HOUR_CLASS = BY_PUBLIC_,	/* "hour<SEP>4|5|?" */
	BY_IN_DETAIL,			/* reason-detail, inbound only */
	BY_COUNT_
};

/* --mode: which events count (monitor ones never refused anything) */
enum report_mode { RM_ENFORCE, RM_MONITOR, RM_ALL };

/* The name of each grouping, and its columns' names. */
extern const char *const report_by_names[BY_PUBLIC_];
const char *report_col1(enum report_by);
const char *report_col2(enum report_by);	/* NULL: one column */

/* What every worker reads with; immutable while they run. */
struct ropts {
	enum report_by	 by;
	bool		 all;		/* several groupings at once (the
					   HTML page), each in counts[by] */
	unsigned	 want;		/* with all: which (1 << by) */
	enum report_mode mode;
	char		 since[32], until[32];	/* normalised, "" = none */
	struct jscan_keys keys;
	const struct tables *tab;
};

/* A hash table of counts. */
struct rslot {
	char		*key;		/* owned */
	size_t		 len;
	unsigned	 hash;
	unsigned long long count;
};

struct rcounts {
	struct rslot	*slot;
	size_t		 cap, n;
};

int	rcounts_add(struct rcounts *, const char *k, size_t n,
	    unsigned long long count);
int	rcounts_merge(struct rcounts *into, const struct rcounts *from);
/* rcounts_rows - the filled slots, sorted by count (by key for hours);
   borrowed keys; NULL on ENOMEM (or when empty: *n is then 0) */
struct rslot *rcounts_rows(const struct rcounts *, bool by_key, size_t *n);
void	rcounts_free(struct rcounts *);

/* rslot_cols - a row's key, unescaped, in its columns (c2 "" for a
   one-column key) */
void	rslot_cols(const struct rslot *, char *c1, char *c2, size_t size);

/* One reading thread's state. */
struct rworker {
	const struct ropts *o;
	struct rcounts	 counts[BY_COUNT_];	/* [o->by], or all of them */
	unsigned long long total, other, lines, skipped;
	unsigned long long *bad;	/* per file */
	struct blocks_year yr;
	struct maillog_rec rec;
};

/* report_keys - the event fields report_line() needs */
void	report_keys(struct jscan_keys *);

/* report_line - one line of file (its mtime places syslog years);
   -1 on ENOMEM */
int	report_line(struct rworker *, unsigned file, time_t mtime,
	    const char *s, size_t len);

/* report_escaped - (p, n) as JSON string bytes into buf; its length */
size_t	report_escaped(const char *p, size_t n, char *buf, size_t size);

#endif

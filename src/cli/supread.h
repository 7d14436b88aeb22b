/*
 * supread.h - the inside of `esc suppress`: what happened to the mail
 * sent to each address, read out of MTA logs, event logs and DSNs.
 *
 * Each reading thread is a struct sworker with its own table of
 * addresses; the tables are merged at the end (supmap_merge), then each
 * address is judged (suppress.h).  Only our own mail counts: outbound
 * replies and deliveries of the MTA's log, outbound "reply" events, "dsn"
 * events and DSN messages.  A delivery to a loopback address (a content
 * filter on this host) is a hand-off, not a delivery.
 */
#ifndef ESC_SUPREAD_H
#define ESC_SUPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "blocks.h"
#include "jscan.h"
#include "logline.h"
#include "maillog.h"
#include "replyclass.h"
#include "suppress.h"

/* One address: its failures, and its latest delivery. */
struct supaddr {
	char		*addr;		/* lower case, owned */
	size_t		 len;
	unsigned	 hash;
	long long	 last_ok;	/* ms; 0 none */
	bool		 any_ok;
	struct sup_obs	*obs;		/* failures, owned */
	unsigned	 n, cap;
};

struct supmap {
	struct supaddr	*slot;
	size_t		 cap, n;
};

/* What every worker reads with; immutable while they run. */
struct sopts {
	const struct tables *tab;
	long long	 since_ms;	/* 0: everything */
	struct jscan_keys keys;
};

struct sworker {
	const struct sopts *o;
	struct supmap	 map;
	unsigned long long lines, used;	/* lines read, lines that counted */
	unsigned long long *bad;	/* per file */
	struct blocks_year yr;
	struct maillog_rec rec;
};

/* supread_keys - the event fields supread_line() needs */
void	supread_keys(struct jscan_keys *);

/* supread_line - one line of a log (event or MTA); -1 on ENOMEM */
int	supread_line(struct sworker *, unsigned file, time_t mtime,
	    const char *s, size_t len);

/* supread_dsn - one DSN message (buf, len) read from a file of that
   mtime; file names the message; -1 on ENOMEM */
int	supread_dsn(struct sworker *, const char *file, time_t mtime,
	    const char *buf, size_t len);

int	supmap_merge(struct supmap *into, const struct supmap *from);

/* A suppressed address and its verdict. */
struct suprow {
	const char	*addr;		/* borrowed from the table */
	struct sup_verdict v;
};

/* supmap_judge - every address of the table judged by the rules: the
   suppressed ones, sorted by address (*n of them; NULL on ENOMEM) */
struct suprow *supmap_judge(struct supmap *, const struct sup_rules *,
	    size_t *n);
void	supmap_free(struct supmap *);

#endif

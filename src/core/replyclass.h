/*
 * replyclass.h - what the events and the statistics say about one reply:
 * its class, subject and detail, what the registry says of its code, and
 * why it was refused (reason.h).
 *
 * One function, used wherever a "reply" event is made (the milter's own
 * replies, the MTA's rejections it observes, `esc maillog`, the log
 * follower), so the event and the counters can never disagree.  A reply
 * without an enhanced code whose text names its reason gets that
 * reason's subject, marked inferred, so the per-category statistics
 * count it; the code itself stays what the server said.  Pure.
 */
#ifndef ESC_REPLYCLASS_H
#define ESC_REPLYCLASS_H

#include <stdbool.h>

#include "provider.h"
#include "reason.h"
#include "registry.h"

/*
 * What classifies a reply: the registry, the reason table, the provider
 * table.  All three are immutable and shared by every thread; a table
 * that is NULL is not used (no reasons beyond the class and subject, no
 * providers).  The daemon's configuration holds one, the CLI another.
 */
struct tables {
	const struct registry	*reg;
	const struct reasons	*reasons;
	const struct providers	*providers;
};

struct reply_class {
	unsigned	 cls;		/* 2, 4, 5; 0 unknown */
	bool		 has_x;		/* the enhanced code was valid */
	int		 subject;	/* -1 unknown; inferred ones included */
	int		 detail;	/* -1 unknown (always for inferred) */
	bool		 registered;
	const struct reg_entry *entry;	/* NULL when not registered */
	bool		 inferred;	/* subject from the text's reason */
	const char	*provider;	/* in->provider (the table's name) */
	enum reason	 reason;
	char		 reason_detail[REASON_DETAIL_MAX];	/* "" none */
};

/*
 * reply_classify - in->xcode is the code that classifies (the reply's,
 * else a delivery's dsn=); in->code gives the class without one
 */
void	reply_classify(const struct tables *, const struct reason_in *in,
	    struct reply_class *);

/* provider_of_host - the provider of a remote host named in a log line
   or a DSN's Remote-MTA ("dns; mx.example.com"); NULL when none */
const char *provider_of_host(const struct tables *, const char *host,
	    size_t len);

#endif

/*
 * trace.h - follow messages through an MTA's log: every line of every
 * queue id a message went through, and of the client's session, as one
 * story (esc trace).
 *
 * Lines go in in time order (several files and hosts merged by the
 * caller).  A queue id's lines join its story; a line that leads to
 * another queue id (a content filter's or a relay's "queued as", a
 * bounce's "sender non-delivery notification", pickup's orig_id= after
 * postsuper -r, smtpd's orig_queue_id=, amavis's queued_as:, Sendmail's
 * "Q2: DSN:") joins the two stories into one, whichever was seen first;
 * an smtpd session's lines (connect, TLS, disconnect; the postscreen
 * lines before it) join every story received in it.  A refusal before
 * the queue (NOQUEUE) is a story of its own, with its session's lines;
 * the refusals of one MAIL FROM in a row are one story.
 *
 * A story is handed to the caller when it is over: every queue id
 * removed (Postfix) or its last delivery final (Sendmail), its sessions
 * closed, and TRACE_GRACE_MS of log time and TRACE_GRACE_LINES lines
 * passed without a line of its own (a late "queued as" can still join
 * it).  What is still open at the end of the
 * input is handed over then, marked incomplete.  Memory is what the
 * stories and sessions in flight hold, not the size of the log.
 *
 * Ownership: a struct trace is one thread's.  A story passed to the
 * callback is borrowed for the call; the trace frees it afterwards.
 */
#ifndef ESC_TRACE_H
#define ESC_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "logline.h"
#include "trace_line.h"

#define TRACE_GRACE_MS	(5 * 60 * 1000LL)	/* quiet time before a
						   story is over */
#define TRACE_IDLE_MS	(24 * 3600 * 1000LL)	/* a story with no line for
						   this long is over anyway */
/* ... and as many lines of others since, so that one line whose clock is
   off (a host's, or a file out of order) ends nothing early */
#define TRACE_GRACE_LINES	1000
#define TRACE_IDLE_LINES	10000

/* One log line a story used. */
struct trace_rec {
	unsigned	 refs;		/* stories and sessions that hold it */
	unsigned	 cls;		/* internal: its size class */
	unsigned long long seq;		/* the order the lines came in */
	long long	 ms;		/* the line's time; -1 when none */
	unsigned	 file;		/* the caller's file number */
	unsigned long	 line;		/* its number in that file, from 1 */
	size_t		 len;
	char		 text[];	/* the line, NUL-terminated */
};

/* One queue id of a story. */
struct trace_qid {
	char		*id;
	char		*host;		/* NULL: named by a link, never seen */
	char		*from;		/* the id that led here; NULL: none */
	char		*client;	/* "name[ip]" of smtpd's client=, NULL */
	enum tl_how	 how;		/* how it was reached */
	bool		 sendmail;
	bool		 removed;	/* Postfix removed it from the queue */
	bool		 final;		/* Sendmail's last delivery was final */
	long long	 first_ms, last_ms;
	struct trace_story *story;	/* internal */
	size_t		 order;		/* internal */
	struct trace_qid *same;		/* internal: same id, other host */
};

/* A set of strings (addresses, ids), each once. */
struct trace_strs {
	char		**v;
	size_t		 n, cap;
};

struct tsess;

struct trace_story {
	struct trace_rec **recs;	/* in the order they came, at the
					   callback: each once */
	size_t		 nrecs, caprecs;
	struct trace_qid **qids;	/* in the order they were met */
	size_t		 nqids, capqids;
	struct trace_strs senders, rcpts, msgids, client_ips, client_names;
	bool		 noqueue;	/* a refusal before the queue */
	bool		 complete;	/* over; false: the input ended first */
	long long	 first_ms, last_ms;	/* -1 when no line had a time */
	/* internal */
	unsigned long long last_seq;	/* of its last line */
	struct tsess	**sess;
	size_t		 nsess, capsess;
	bool		 waiting;	/* quiet, not over: on the other list */
	struct trace_story *prev, *next;
};

/* fn - a story that is over; a negative return stops the trace */
typedef int (*trace_fn)(void *arg, struct trace_story *);

struct trace;

/* trace_new - an empty trace; NULL on ENOMEM */
struct trace *trace_new(trace_fn fn, void *arg);

/*
 * trace_feed - one line (s, len) whose header is ll (logline_parse), of
 * the caller's file number file, line number line.  Returns 0; -1 on
 * ENOMEM (errno set) or when the callback stopped the trace.
 */
int	trace_feed(struct trace *, const char *s, size_t len,
	    const struct logline *ll, unsigned file, unsigned long line);

/* trace_finish - the input is over: hand over every story still open */
int	trace_finish(struct trace *);

/* What the trace held at most: the bound on its memory. */
struct trace_stats {
	size_t		 stories, stories_max;	/* in flight */
	size_t		 sessions_max;
	size_t		 recs, recs_max;	/* lines held */
	unsigned long long emitted;
};
void	trace_stats(const struct trace *, struct trace_stats *);

/* trace_free - release (NULL is fine) */
void	trace_free(struct trace *);

/* trace_strs_has - s (case-insensitive) is in the set */
bool	trace_strs_has(const struct trace_strs *, const char *s);

#endif

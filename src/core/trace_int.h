/*
 * trace_int.h - what trace.c (the line feed and the links) and
 * trace_story.c (stories, sessions and their memory) share.
 */
#ifndef ESC_TRACE_INT_H
#define ESC_TRACE_INT_H

#include "hmap.h"
#include "trace.h"

/* An open session: an smtpd process between connect and disconnect, or
   a postscreen connection. */
struct tsess {
	char		*key;		/* host \0 prog[pid] \0 [ip]:port */
	size_t		 keylen;
	char		*ip;		/* the client's, NULL when not known */
	struct trace_rec **recs;	/* its own lines */
	size_t		 nrecs, caprecs;
	struct trace_story **stories;	/* the stories received in it */
	size_t		 nst, capst;
	struct trace_story *noq;	/* the refusals of the current MAIL */
	char		*noq_sender;
	long long	 last_ms;
	unsigned long long last_seq;
	bool		 handed;	/* postscreen passed it to smtpd */
	struct tsess	*prev, *next;
};

/* Lines are kept in blocks of REC_UNIT bytes, REC_CLASSES sizes, and go
   back to a free list of their size, not to malloc: most lines are short,
   and a log's lines come and go by the million. */
#define REC_UNIT	64
#define REC_CLASSES	8

struct trace {
	trace_fn	 fn;
	void		*arg;
	struct hmap	*qids;		/* id -> struct trace_qid (chain) */
	struct hmap	*sessions;	/* key -> struct tsess */
	struct hmap	*handed;	/* host \0 ip -> struct tsess */
	struct trace_story *head, *tail;	/* in flight, the least recently
						   active first */
	struct trace_story *whead, *wtail;	/* quiet but not over (held,
						   deferred), the same */
	struct tsess	*shead, *stail;	/* open sessions, the least recently
					   active first */
	struct tsess	*hhead, *htail;	/* handed ones, the oldest first */
	unsigned long long seq;
	long long	 now, swept;	/* log time */
	unsigned long long swept_seq;
	struct trace_stats st;
	bool		 stopped;
	struct trace_rec *pool[REC_CLASSES];	/* free lines, by size */
};

/* grow - room for need elements of size in *v; -1 on ENOMEM */
int	trace_grow(void *v, size_t *cap, size_t need, size_t size);

struct trace_rec *trace_rec_new(struct trace *, const char *s, size_t len,
	    long long ms, unsigned file, unsigned long line);
void	trace_rec_put(struct trace *, struct trace_rec *);

int	trace_strs_add(struct trace_strs *, const char *s, size_t len);

/* trace_story_new - an empty story, the most recent in flight */
struct trace_story *trace_story_new(struct trace *);
/* trace_story_add - one more line; s becomes the most recently active */
int	trace_story_add(struct trace *, struct trace_story *,
	    struct trace_rec *);
/* trace_story_touch - s is the most recently active */
void	trace_story_touch(struct trace *, struct trace_story *);
/* trace_story_wait - s is quiet but not over: out of the sweep's way
   until a line or the end of a session touches it */
void	trace_story_wait(struct trace *, struct trace_story *);
/* trace_story_merge - b into a (b is freed); -1 on ENOMEM */
int	trace_story_merge(struct trace *, struct trace_story *a,
	    struct trace_story *b);
/* trace_story_done - hand s to the callback and free it */
int	trace_story_done(struct trace *, struct trace_story *s, bool complete);

struct tsess *trace_sess_new(struct trace *, const char *key, size_t len);
int	trace_sess_add(struct trace *, struct tsess *, struct trace_rec *);
int	trace_sess_attach(struct trace *, struct tsess *,
	    struct trace_story *);
/* trace_sess_touch - ss is the most recently active of its list */
void	trace_sess_touch(struct trace *, struct tsess *);
/* trace_sess_hand - ss moves to the list of handed sessions */
void	trace_sess_hand(struct trace *, struct tsess *);
/* trace_sess_close - detach its stories, take it out of the table and
   free it */
void	trace_sess_close(struct trace *, struct tsess *);

#endif

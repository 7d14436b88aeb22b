/*
 * sink.h - where JSON events go: file:PATH (appended, one write() per
 * event), syslog:FACILITY, stdout, or none.
 *
 * Callbacks only enqueue (a short mutex, no I/O): one writer thread does
 * the writing, so a slow or full disk never stalls an SMTP session.  When
 * the queue is full or a write fails, the event is dropped and counted in
 * esc_milter_events_dropped_total; a partial write is rolled back so the
 * log never holds half a line.  sink_reopen() (on reload) switches target
 * or reopens the same file after log rotation.
 */
#ifndef ESC_SINK_H
#define ESC_SINK_H

#include <stddef.h>

#include "conf.h"
#include "stats.h"

struct sink;

/* sink_start - open the target and start the writer; NULL on failure */
struct sink *sink_start(const struct settings *, struct stats *);

/* sink_push - enqueue a line (steals it); never blocks on I/O */
void	sink_push(struct sink *, char *line, size_t len);

/* sink_push_wait - the same, waiting for room in the queue instead of
   dropping (the log follower's thread only: never a callback path) */
void	sink_push_wait(struct sink *, char *line, size_t len);

/* Where the event log ends, for a checkpoint. */
struct sink_pos {
	bool		 file;		/* a file: the rest means something */
	char		 path[4096];
	unsigned long long dev, ino;
	long long	 size;
};

/*
 * sink_checkpoint - once every line pushed before it is written, the
 * writer thread calls fn(arg, pos) (and nothing else touches arg).  It
 * waits for room like sink_push_wait.  After sink_stop(), fn is called at
 * once, with the position the log had when it stopped.
 */
void	sink_checkpoint(struct sink *, void (*fn)(void *, const struct sink_pos *),
	    void *arg);

/* sink_reopen - new settings or the same file after rotation; -1 if the
   new target cannot be opened (events keep going to the old one) */
int	sink_reopen(struct sink *, const struct settings *);

/* sink_stop - write what is queued, stop the writer, close.  The sink
   itself is never freed: a libmilter thread may still push an event
   (dropped and counted) after the daemon stopped. */
void	sink_stop(struct sink *);

#endif

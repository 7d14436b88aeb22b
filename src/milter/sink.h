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

/* sink_reopen - new settings or the same file after rotation; -1 if the
   new target cannot be opened (events keep going to the old one) */
int	sink_reopen(struct sink *, const struct settings *);

/* sink_stop - write what is queued, stop the writer, close.  The sink
   itself is never freed: a libmilter thread may still push an event
   (dropped and counted) after the daemon stopped. */
void	sink_stop(struct sink *);

#endif

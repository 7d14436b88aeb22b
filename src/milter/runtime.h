/*
 * runtime.h - the daemon's process-wide state, private to runtime.c
 * behind this interface: the active configuration, the statistics, the
 * event sink, the session counter.
 *
 * rt_start() brings it up (statistics, event sink, the first active
 * configuration), rt_drain() waits for the sessions in flight when the
 * listener has stopped, and rt_stop() writes the final statistics and
 * closes the event log; nothing else creates or stops process state.  The active configuration is an immutable
 * `struct active` (config, DNS resolver, host name) shared by reference
 * count: a connection takes a reference in its first callback and keeps
 * it until mlfi_close, so it sees one configuration from start to end; a
 * reload builds and validates a new one off the hot path and swaps the
 * pointer under a mutex held for a few instructions.  The last user of an
 * old configuration frees it.
 */
#ifndef ESC_RUNTIME_H
#define ESC_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "conf.h"
#include "sink.h"
#include "nullmx.h"
#include "stats.h"

struct active {
	atomic_uint	 refs;
	struct config	*cfg;		/* owned */
	struct nullmx	*dns;		/* owned */
	char		 host[256];	/* "host" of the events */
};

/*
 * rt_start - statistics, the event sink, then cfg (stolen) as the active
 * configuration; a "config" event records diags.  conf_path NULL: the
 * built-in defaults (what a reload re-reads).  0, or -1 with a message
 * logged (nothing is left running).
 */
int	rt_start(const char *conf_path, struct config *cfg,
	    struct diag_list *diags);

/* rt_drain - after the listener stopped: wait until no session is open,
   at most timeout seconds or until *cut is set; returns how many are
   still open */
unsigned long long rt_drain(unsigned timeout, const atomic_bool *cut);

/* rt_shutdown_timeout - the shutdown_timeout setting, in seconds */
unsigned rt_shutdown_timeout(void);

/* rt_stop - final statistics, the events written and the log closed.
   Nothing a late callback could touch is freed (see runtime.c). */
void	rt_stop(void);

/* rt_acquire / rt_release - a reference to the active configuration */
struct active *rt_acquire(void);
void	rt_release(struct active *);

/* rt_reload - re-read the file; on any error keep the old configuration,
   log a "config" event with the findings; 0 ok, -1 kept the old one */
int	rt_reload(void);

/* rt_stats - the counters (valid from rt_start to rt_stop) */
struct stats *rt_stats(void);

/* rt_event - serialise and enqueue an event (steals ev) */
void	rt_event(json_t *ev);

/* rt_event_wait - the same, waiting for room instead of dropping (the log
   follower only) */
void	rt_event_wait(json_t *ev);

/* rt_checkpoint - fn(arg, pos) once the events enqueued so far are
   written (sink_checkpoint); at once, pos unknown, without an event log */
void	rt_checkpoint(void (*fn)(void *, const struct sink_pos *), void *arg);

/* rt_write_stats - stats event, stats_file, prometheus_file */
void	rt_write_stats(bool final);

/* rt_write_atomic - fill(fp, arg) into PATH.tmp, renamed over PATH
   (errors are logged) */
void	rt_write_atomic(const char *path, int (*fill)(FILE *, void *),
	    void *arg);

/* rt_session_id - a new id unique per SMTP connection */
void	rt_session_id(char *buf, size_t size);

#endif

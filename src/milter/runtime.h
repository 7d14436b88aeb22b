/*
 * runtime.h - the daemon's process-wide state.
 *
 * The active configuration is an immutable `struct active` (config + DNS
 * resolver) shared by reference count.  A connection takes a reference in
 * its first callback and keeps it until mlfi_close, so it sees one
 * configuration from start to end; a reload builds and validates a new one
 * off the hot path and swaps the pointer under a mutex held for a few
 * instructions.  The last user of an old configuration frees it.
 */
#ifndef ESC_RUNTIME_H
#define ESC_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>

#include <jansson.h>

#include "conf.h"
#include "nullmx.h"
#include "sink.h"
#include "stats.h"

struct active {
	atomic_uint	 refs;
	struct config	*cfg;
	struct nullmx	*dns;
};

struct runtime {
	const char	*conf_path;	/* NULL: built-in defaults */
	bool		 foreground;
	char		 host[256];
	struct stats	*stats;
	struct sink	*sink;
	atomic_ulong	 seq;		/* session counter */
	unsigned long	 boot;		/* start time, part of session ids */
};

extern struct runtime rt;

/* rt_init - statistics, host name; 0 or -1 */
int	rt_init(const char *conf_path, bool foreground);

/* rt_activate - make cfg (one reference, stolen) the active one; the
   previous one is released.  reason: "start" or "reload". */
int	rt_activate(struct config *, struct diag_list *, const char *reason);

/* rt_acquire / rt_release - a reference to the active configuration */
struct active *rt_acquire(void);
void	rt_release(struct active *);

/* rt_reload - re-read the file; on any error keep the old configuration,
   log a "config" event with the findings; 0 ok, -1 kept the old one */
int	rt_reload(void);

/* rt_event - serialise and enqueue an event (steals ev) */
void	rt_event(json_t *ev);

/* rt_write_stats - stats event, stats_file, prometheus_file */
void	rt_write_stats(bool final);

/* rt_session_id - a new id unique per SMTP connection */
void	rt_session_id(char *buf, size_t size);

/* rt_shutdown - final statistics, drain the event queue */
void	rt_shutdown(void);

#endif

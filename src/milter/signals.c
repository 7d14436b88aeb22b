/*
 * signals.c - signal handling that makes SIGHUP reload (see signals.h).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "log.h"
#include "runtime.h"
#include "signals.h"

atomic_bool signals_cut;
static atomic_bool interposed;
static atomic_bool stopping;
static pthread_t thread;
static bool started;
static void (*stop_fn)(void);

/*
 * sigwait - replaces libc's for this program (libmilter calls it through
 * the dynamic linker, which finds the executable's definition first).
 * Only libmilter's signal thread waits for SIGHUP together with SIGTERM;
 * that call gets its set without SIGHUP, SIGTERM and SIGINT (an empty set:
 * it waits for ever, and our thread handles them).
 */
int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t mine = *set;
	int s;

	if (sigismember(&mine, SIGHUP) == 1 && sigismember(&mine, SIGTERM) == 1) {
		sigdelset(&mine, SIGHUP);
		sigdelset(&mine, SIGTERM);
		sigdelset(&mine, SIGINT);
		atomic_store(&interposed, true);
	}
	do
		s = sigwaitinfo(&mine, NULL);
	while (s < 0 && errno == EINTR);
	if (s < 0)
		return errno;
	*sig = s;
	return 0;
}

/* signals_interposed - did libmilter's thread come through sigwait()? */
bool
signals_interposed(void)
{
	return atomic_load(&interposed);
}

/* signals_block - HUP USR1 USR2 TERM INT blocked for all threads */
void
signals_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* interval - the statistics interval of the active configuration */
static unsigned
interval(void)
{
	struct active *a = rt_acquire();
	unsigned n = a ? a->cfg->set.stats_interval : 0;

	rt_release(a);
	return n;
}

/* loop - wait for HUP/USR1/USR2 or the next statistics deadline */
static void *
loop(void *arg)
{
	sigset_t set;
	time_t next = 0, checked = time(NULL) + 2;
	bool warned = false, stop_requested = false;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		unsigned iv = interval();
		time_t now = time(NULL);
		struct timespec ts;
		int sig;

		if (iv > 0 && (next == 0 || next > now + (time_t)iv))
			next = now + (time_t)iv;
		ts.tv_sec = iv > 0 ? (next > now ? next - now : 0) : 1;
		if (!warned && now < checked && ts.tv_sec > checked - now)
			ts.tv_sec = checked - now;
		ts.tv_nsec = 0;
		sig = sigtimedwait(&set, NULL, &ts);
		if (atomic_load(&stopping))
			break;
		now = time(NULL);
		if (!warned && now >= checked) {
			warned = true;
			if (!signals_interposed())
				log_warnx("libmilter handles SIGHUP itself in this "
				    "build: SIGHUP will stop esc-milter; use SIGUSR1 "
				    "to reload");
		}
		if (sig == SIGTERM || sig == SIGINT) {
			if (!stop_requested) {
				stop_requested = true;
				log_info("%s received: stopping (sessions in "
				    "flight may finish)", sig == SIGTERM ?
				    "SIGTERM" : "SIGINT");
				if (stop_fn != NULL)
					stop_fn();
			} else {
				log_info("%s received again: not waiting for the "
				    "sessions in flight", sig == SIGTERM ?
				    "SIGTERM" : "SIGINT");
				atomic_store(&signals_cut, true);
			}
		} else if (sig == SIGHUP || sig == SIGUSR1) {
			log_info("%s received: reloading",
			    sig == SIGHUP ? "SIGHUP" : "SIGUSR1");
			rt_reload();
		} else if (sig == SIGUSR2) {
			rt_write_stats(false);
		} else if (iv > 0 && now >= next) {
			rt_write_stats(false);
			next = now + (time_t)iv;
		}
	}
	return NULL;
}

/* signals_start - the thread */
int
signals_start(void (*stop)(void))
{
	stop_fn = stop;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return -1;
	started = true;
	return 0;
}

/* signals_stop - wake it with SIGUSR2 and join */
void
signals_stop(void)
{
	if (!started)
		return;
	atomic_store(&stopping, true);
	pthread_kill(thread, SIGUSR2);
	pthread_join(thread, NULL);
	started = false;
}

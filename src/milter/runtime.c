/*
 * runtime.c - process state: active configuration, reload, events,
 * statistics files (see runtime.h).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "follow.h"
#include "log.h"
#include "metrics_http.h"
#include "runtime.h"
#include "sink.h"
#include "strutil.h"

/* The process state; nothing outside this file sees it. */
static struct {
	const char	*conf_path;	/* NULL: built-in defaults */
	char		 sysname[256];	/* gethostname() */
	struct stats	*stats;
	struct sink	*sink;
	atomic_ulong	 seq;		/* session counter */
	unsigned long	 boot;		/* start time, part of session ids */
} rt;

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct active *cur;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

static int	activate(struct config *, struct diag_list *, const char *);

/* rt_start - process state, then the first configuration */
int
rt_start(const char *conf_path, struct config *cfg, struct diag_list *diags)
{
	rt.conf_path = conf_path;
	rt.boot = (unsigned long)time(NULL);
	atomic_init(&rt.seq, 0);
	if (gethostname(rt.sysname, sizeof rt.sysname) < 0)
		snprintf(rt.sysname, sizeof rt.sysname, "localhost");
	rt.sysname[sizeof rt.sysname - 1] = '\0';
	if ((rt.stats = stats_new()) == NULL) {
		log_warnx("out of memory");
		conf_free(cfg);
		return -1;
	}
	if ((rt.sink = sink_start(&cfg->set, rt.stats)) == NULL) {
		log_warnx("cannot start the event log (%s)", cfg->set.log_spec);
		conf_free(cfg);
		stats_free(rt.stats);
		rt.stats = NULL;
		return -1;
	}
	if (activate(cfg, diags, "start") < 0) {
		sink_stop(rt.sink);
		rt.sink = NULL;
		stats_free(rt.stats);
		rt.stats = NULL;
		return -1;
	}
	return 0;
}

/* rt_stats - the counters */
struct stats *
rt_stats(void)
{
	return rt.stats;
}

/* rt_session_id - "<boot time hex>.<counter hex>" */
void
rt_session_id(char *buf, size_t size)
{
	unsigned long n = atomic_fetch_add_explicit(&rt.seq, 1,
	    memory_order_relaxed) + 1;

	snprintf(buf, size, "%08lx.%06lx", rt.boot, n);
}

static void
active_free(struct active *a)
{
	conf_free(a->cfg);
	nullmx_free(a->dns);
	free(a);
}

/* rt_acquire - one more user of the active configuration */
struct active *
rt_acquire(void)
{
	struct active *a;

	pthread_mutex_lock(&cur_lock);
	a = cur;
	if (a != NULL)
		atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&cur_lock);
	return a;
}

/* rt_release - one user less */
void
rt_release(struct active *a)
{
	if (a != NULL &&
	    atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
		active_free(a);
}

/* push - ev as a line to the sink: dropped when the queue is full, or
   (wait) once there is room */
static void
push(json_t *ev, bool wait)
{
	size_t len;
	char *line = event_line(ev, &len);

	if (rt.sink == NULL)
		free(line);
	else if (wait)
		sink_push_wait(rt.sink, line, len);
	else
		sink_push(rt.sink, line, len);
}

/* rt_event - hand a line to the sink */
void
rt_event(json_t *ev)
{
	push(ev, false);
}

/* rt_event_wait - see runtime.h */
void
rt_event_wait(json_t *ev)
{
	push(ev, true);
}

/* rt_checkpoint - see runtime.h */
void
rt_checkpoint(void (*fn)(void *, const struct sink_pos *), void *arg)
{
	static const struct sink_pos none;

	if (rt.sink != NULL)
		sink_checkpoint(rt.sink, fn, arg);
	else
		fn(arg, &none);
}

/* process_event - an event of the process (no session) */
static json_t *
process_event(const char *type, const struct active *a)
{
	struct event_common ec = { a != NULL ? a->host : rt.sysname, NULL, NULL,
	    NULL };

	return event_new(type, &ec);
}

/* config_event - the result of a load (a: the active configuration) */
static void
config_event(const struct active *a, const char *reason, bool ok,
    const struct config *cfg, struct diag_list *diags)
{
	json_t *ev = process_event("config", a), *list = json_array();
	size_t i, nerr = 0, nwarn = 0;

	if (diags != NULL)
		diag_sort(diags);
	for (i = 0; diags != NULL && i < diags->n; i++) {
		const struct diag *d = &diags->v[i];

		if (d->sev == SEV_ERROR)
			nerr++;
		else if (d->sev == SEV_WARNING)
			nwarn++;
		json_array_append_new(list, json_pack("{s:o, s:i, s:s, s:s, s:o}",
		    "file", event_str(d->file), "line", d->line,
		    "severity", severity_name(d->sev), "id", d->id,
		    "message", event_str(d->msg)));
	}
	json_object_set_new(ev, "result", json_string(ok ? "ok" : "error"));
	json_object_set_new(ev, "reason", json_string(reason));
	json_object_set_new(ev, "file", event_str(rt.conf_path));
	json_object_set_new(ev, "rules",
	    cfg ? json_integer(cfg->nrules) : json_null());
	json_object_set_new(ev, "registry", cfg && cfg->reg ?
	    json_string(registry_date(cfg->reg)) : json_null());
	json_object_set_new(ev, "errors", json_integer((json_int_t)nerr));
	json_object_set_new(ev, "warnings", json_integer((json_int_t)nwarn));
	json_object_set_new(ev, "findings", list);
	rt_event(ev);
}

/* same_str - equal strings, or both NULL */
static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* activate - publish a configuration */
static int
activate(struct config *cfg, struct diag_list *diags, const char *reason)
{
	struct active *a = calloc(1, sizeof *a), *old;
	struct esc_err err;
	unsigned i;

	if (a == NULL) {
		log_warnx("out of memory");
		conf_free(cfg);
		return -1;
	}
	err_clear(&err);
	a->cfg = cfg;
	a->dns = nullmx_new(cfg->set.resolver ? &cfg->set.resolver_addr : NULL,
	    cfg->set.dns_timeout, cfg->set.dns_cache_size, &err);
	if (a->dns == NULL) {
		log_warnx("cannot set up DNS lookups: %s", err.text);
		active_free(a);
		return -1;
	}
	/* Not yet shared: the statistics slots can still be written. */
	for (i = 0; i < cfg->nrules; i++)
		cfg->rules[i].stat_slot = stats_rule_slot(rt.stats,
		    cfg->rules[i].name);
	str_copy(a->host, sizeof a->host, cfg->set.host_name != NULL ?
	    cfg->set.host_name : rt.sysname);
	atomic_init(&a->refs, 1);
	config_event(a, reason, true, cfg, diags);
	pthread_mutex_lock(&cur_lock);
	old = cur;
	cur = a;
	pthread_mutex_unlock(&cur_lock);
	if (old != NULL && !same_str(old->cfg->set.prometheus_listen,
	    cfg->set.prometheus_listen))
		log_warnx("prometheus_listen changed to %s: it takes effect when "
		    "esc-milter restarts", cfg->set.prometheus_listen ?
		    cfg->set.prometheus_listen : "none");
	rt_release(old);
	metrics_registry(registry_source(cfg->reg), registry_date(cfg->reg));
	(void)follow_start(cfg);	/* when a log is named first */
	return 0;
}

/* rt_reload - validate first, keep the old one on any error */
int
rt_reload(void)
{
	struct diag_list diags;
	struct config *cfg;
	int rc;

	diag_list_init(&diags);
	cfg = rt.conf_path ? conf_load(rt.conf_path, &diags) :
	    conf_defaults(&diags);
	if (cfg == NULL) {
		struct active *a = rt_acquire();

		log_warnx("reload of %s failed (%zu errors); still using the "
		    "previous configuration", rt.conf_path ? rt.conf_path :
		    "the defaults", diag_count(&diags, SEV_ERROR));
		for (size_t i = 0; i < diags.n; i++)
			if (diags.v[i].sev == SEV_ERROR)
				log_warnx("%s:%d: %s: %s", diags.v[i].file,
				    diags.v[i].line, diags.v[i].id, diags.v[i].msg);
		stats_reload(rt.stats, false);
		config_event(a, "reload", false, NULL, &diags);
		rt_release(a);
		diag_list_free(&diags);
		return -1;
	}
	if (sink_reopen(rt.sink, &cfg->set) < 0) {
		struct active *a = rt_acquire();

		log_warnx("reload: cannot open the new event log; still using "
		    "the previous configuration");
		stats_reload(rt.stats, false);
		config_event(a, "reload", false, NULL, &diags);
		rt_release(a);
		conf_free(cfg);
		diag_list_free(&diags);
		return -1;
	}
	rc = activate(cfg, &diags, "reload");
	stats_reload(rt.stats, rc == 0);
	if (rc == 0)
		log_info("configuration reloaded: %u rules", cfg->nrules);
	diag_list_free(&diags);
	return rc;
}

/* rt_write_atomic - write to PATH.tmp, then rename over PATH */
void
rt_write_atomic(const char *path, int (*fill)(FILE *, void *), void *arg)
{
	char tmp[4096];
	FILE *fp;
	int rc;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		log_warn("cannot write %s", tmp);
		return;
	}
	rc = fill(fp, arg);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc < 0) {
		log_warn("cannot write %s", tmp);
		unlink(tmp);
		return;
	}
	if (rename(tmp, path) < 0) {
		log_warn("cannot rename %s to %s", tmp, path);
		unlink(tmp);
	}
}

static int
fill_json(FILE *fp, void *arg)
{
	if (json_dumpf(arg, fp, JSON_INDENT(2)) < 0)
		return -1;
	fputc('\n', fp);
	return ferror(fp) ? -1 : 0;
}

static int
fill_prom(FILE *fp, void *arg)
{
	(void)arg;
	return stats_prometheus(rt.stats, fp);
}

/* rt_write_stats - all three outputs of the statistics */
void
rt_write_stats(bool final)
{
	struct active *a = rt_acquire();
	json_t *snap, *ev;
	const char *it;
	json_t *v;

	pthread_mutex_lock(&stats_lock);
	snap = stats_json(rt.stats);
	if (a != NULL && a->cfg->set.stats_file != NULL && snap != NULL)
		rt_write_atomic(a->cfg->set.stats_file, fill_json, snap);
	if (a != NULL && a->cfg->set.prometheus_file != NULL)
		rt_write_atomic(a->cfg->set.prometheus_file, fill_prom, NULL);
	pthread_mutex_unlock(&stats_lock);
	ev = process_event("stats", a);
	json_object_set_new(ev, "final", json_boolean(final));
	json_object_foreach(snap, it, v)
		json_object_set(ev, it, v);
	json_decref(snap);
	rt_event(ev);
	rt_release(a);
}

/* rt_drain - wait for the sessions in flight, at most timeout seconds
   or until *cut is set; the number still open */
unsigned long long
rt_drain(unsigned timeout, const atomic_bool *cut)
{
	struct timespec now, end, step = { 0, 20 * 1000 * 1000 };
	unsigned long long n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout;
	while ((n = stats_sessions(rt.stats)) > 0 && !atomic_load(cut)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec &&
		    now.tv_nsec >= end.tv_nsec))
			break;
		nanosleep(&step, NULL);
	}
	return n;
}

/*
 * rt_stop - final statistics, then the event log written and closed.
 * Nothing a callback may touch is freed: libmilter does not join its
 * session threads, so a session cut off by the drain's timeout (or one
 * accepted just before the listener closed) may still call in; it finds
 * the configuration and the counters in place, and its events are
 * dropped and counted.  The process exit reclaims the memory.
 */
void
rt_stop(void)
{
	follow_stop();
	rt_write_stats(true);
	sink_stop(rt.sink);
}

/* rt_shutdown_timeout - the active configuration's shutdown_timeout */
unsigned
rt_shutdown_timeout(void)
{
	struct active *a = rt_acquire();
	unsigned t = a != NULL ? a->cfg->set.shutdown_timeout : 0;

	rt_release(a);
	return t;
}

/*
 * follow.c - the MTA's log into events and statistics (see follow.h).
 *
 * The thread wakes every TICK_MS: it reads what was added, checks whether
 * the file was renamed away or truncated, settles the lines it holds, and
 * every second hands its place, the lines it holds and the seen table to
 * the event writer, which writes them to maillog_state once the events
 * before them are written (follow_state.h: a crash loses nothing and
 * writes nothing twice).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "follow.h"
#include "follow_state.h"
#include "track.h"
#include "log.h"
#include "logline.h"
#include "maillog.h"
#include "maillog_event.h"
#include "registry.h"
#include "runtime.h"
#include "strutil.h"

#define TICK_MS		200
#define BUF_MAX		(1024 * 1024)	/* a longer line is skipped */
#define HOLD_MIN	2	/* seconds a recipient rejection is held at least */
#define HOLD_MAX	600	/* and at most */
#define STATE_MAGIC	"esc-milter maillog 1"

/* A line held until the milter can no longer count it itself. */
struct held {
	json_t		*ev;
	char		*key, *ip, *qid;
	char		*raw;		/* the line, for the state */
	char		*file;		/* f.path or f.path1 (not owned) */
	unsigned long	 line;
	unsigned	 rcpt;
	time_t		 since;
	enum stats_source src;
	enum stats_dir	 dir;
	enum stats_action act;
	enum mode	 mode;		/* monitor: Postfix's reject_warning */
	bool		 counts;	/* a reject or tempfail */
	struct reply_class rc;
	enum stage	 stage;
};

static struct {
	pthread_t	 thread;
	bool		 started;	/* the thread runs (start/stop only) */
	atomic_bool	 stop;
	atomic_bool	 following;	/* a log is named: follow_seen() */
	struct seen	*seen;		/* never freed: callbacks use it */
	/* the file (the thread's own from here on) */
	char		 path[CONF_PATH_MAX + 1];
	char		 state[CONF_PATH_MAX + 1];
	enum maillog_mta mta;
	char		*name;		/* the file being read: path or path1 */
	int		 fd;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 offset;	/* of the end of the last whole line */
	unsigned long	 lineno;
	char		*buf;
	size_t		 have;
	bool		 skipping;	/* inside a line over BUF_MAX */
	int		 open_errno;	/* last open error logged */
	bool		 retry_end;	/* could not open it at the start:
					   when it can be, start at its end */
	struct logyear	 year;
	struct held	*held;
	size_t		 nheld, capheld;
	bool		 dirty;
	time_t		 saved;
	struct maillog_rec rec;
	bool		 track;		/* annotate_dsn: note our deliveries */
	/* after a crash: the lines of the resumed file whose events were
	   written after the last checkpoint (not written again) */
	struct flines	 written;
	dev_t		 wdev;
	ino_t		 wino;
	char		 path1[CONF_PATH_MAX + 8];	/* PATH.1 (f.name) */
} f = { .fd = -1 };

/* the milter side's (event, seen) pairs against the checkpoints */
static pthread_rwlock_t order = PTHREAD_RWLOCK_INITIALIZER;

/* follow_order_begin - see follow.h */
void
follow_order_begin(void)
{
	pthread_rwlock_rdlock(&order);
}

/* follow_order_end - see follow.h */
void
follow_order_end(void)
{
	pthread_rwlock_unlock(&order);
}

/* follow_seen - see follow.h */
struct seen *
follow_seen(void)
{
	return atomic_load(&f.following) ? f.seen : NULL;
}

static enum stats_source
stats_src(enum ml_source s)
{
	return s == MLS_MILTER ? SRC_OTHER_MILTER : s == MLS_REMOTE ?
	    SRC_REMOTE : SRC_MTA;
}

/* emit - an event and its counts (the follower waits for room in the
   writer's queue: a line it consumed is never dropped) */
static void
emit(struct held *h)
{
	rt_event_wait(h->ev);
	h->ev = NULL;
	stats_maillog_line(rt_stats(), SML_EVENT);
	if (h->counts)
		stats_reply(rt_stats(), h->src, h->dir, h->act, h->mode, &h->rc,
		    h->stage);
}

static void
held_free(struct held *h)
{
	json_decref(h->ev);
	free(h->raw);
	free(h->key);
	free(h->ip);
	free(h->qid);
}

/* span_str - a span as a string ("" when absent) */
static char *
span_str(struct ml_span v)
{
	return xstrndup(v.p ? v.p : "", v.p ? v.n : 0);
}

/* hold - keep h until it can be decided; false when there is no room */
static bool
hold(struct held *h)
{
	if (f.nheld == f.capheld) {
		size_t cap = f.capheld ? f.capheld * 2 : 64;
		struct held *n = reallocarray(f.held, cap, sizeof *n);

		if (n == NULL)
			return false;
		f.held = n;
		f.capheld = cap;
	}
	f.held[f.nheld++] = *h;
	return true;
}

/* record - one recipient of a record: counted, dropped or held (raw is
   the line, kept when it is held) */
static void
record(const struct config *cfg, const struct logline *ll, unsigned i,
    const char *raw, size_t rawlen)
{
	const struct maillog_rec *r = &f.rec;
	char key[MAILLOG_KEY_MAX];
	struct held h;
	char *ip, *qid;
	size_t kl = maillog_key(r, i, key, sizeof key);

	ip = span_str(r->client_ip);
	qid = span_str(r->queue_id);
	if (kl > 0 && ip != NULL && qid != NULL &&
	    seen_take(f.seen, key, ip, qid)) {
		stats_maillog_line(rt_stats(), SML_DUPLICATE);
		free(ip);
		free(qid);
		return;
	}
	memset(&h, 0, sizeof h);
	h.ev = maillog_event(&cfg->tab, r, i, ll, f.name, f.lineno, &h.rc);
	h.src = stats_src(r->source);
	h.dir = r->direction == MLD_OUTBOUND ? SDIR_OUTBOUND : SDIR_INBOUND;
	h.counts = r->action == MLA_REJECT || r->action == MLA_TEMPFAIL;
	h.act = r->action == MLA_TEMPFAIL ? SACT_TEMPFAIL : SACT_REJECT;
	h.mode = r->monitor ? MODE_MONITOR : MODE_ENFORCE;
	if (r->stage == NULL || !stage_parse(r->stage, &h.stage))
		h.stage = STAGE_NONE;
	/* A recipient rejection of smtpd's: the milter observes it after
	   the MTA logged it, so it is held; everything else goes now (the
	   milter's own replies are in the table before the MTA logs them). */
	h.ip = ip;
	h.qid = qid;
	if (kl > 0 && strncmp(key, "mta|", 4) == 0 && h.ev != NULL &&
	    ip != NULL && qid != NULL && (h.key = xstrndup(key, kl)) != NULL &&
	    (h.raw = xstrndup(raw, rawlen)) != NULL) {
		h.since = time(NULL);
		h.file = f.name;
		h.line = f.lineno;
		h.rcpt = i;
		if (hold(&h))
			return;
	}
	if (h.ev != NULL)
		emit(&h);
	held_free(&h);
}

/* parse - a line of the log into f.rec; false when it gives no event
   (with annotate_dsn, our deliveries and Message-IDs are noted) */
static bool
parse(const char *s, size_t n, struct logline *ll)
{
	enum ml_result res;

	if (!logline_parse(s, n, &f.year, ll)) {
		stats_maillog_line(rt_stats(), SML_DAMAGED);
		return false;
	}
	res = maillog_parse_ex(ll, f.mta, f.track ? MLF_DELIVERED : 0, &f.rec);
	if (f.track)
		track_line(ll, res, &f.rec, f.name, f.lineno);
	switch (res) {
	case ML_NOT_MTA:
		stats_maillog_line(rt_stats(), SML_OTHER);
		return false;
	case ML_NOTHING:
	case ML_DELIVERED:
		stats_maillog_line(rt_stats(), SML_NOTHING);
		return false;
	case ML_DAMAGED:
		stats_maillog_line(rt_stats(), SML_DAMAGED);
		return false;
	case ML_EVENT:
		break;
	}
	return true;
}

/* line - one line of the log */
static void
line(const struct config *cfg, const char *s, size_t n)
{
	struct logline ll;
	unsigned i, k;

	f.lineno++;
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	/* written before a crash, after the last checkpoint */
	if (f.written.n > 0 && f.dev == f.wdev && f.ino == f.wino &&
	    flines_has(&f.written, f.lineno)) {
		stats_maillog_line(rt_stats(), SML_DUPLICATE);
		return;
	}
	if (!parse(s, n, &ll))
		return;
	k = f.rec.nrcpt > 0 ? f.rec.nrcpt : 1;
	for (i = 0; i < k; i++)
		record(cfg, &ll, i, s, n);
}

/* settle - count or drop the held lines that can be decided */
static void
settle(bool all)
{
	time_t now = time(NULL);
	size_t i, k;

	for (i = k = 0; i < f.nheld; i++) {
		struct held *h = &f.held[i];

		if (seen_take(f.seen, h->key, h->ip, h->qid)) {
			stats_maillog_line(rt_stats(), SML_DUPLICATE);
		} else if (all || now - h->since >= HOLD_MAX ||
		    (now - h->since >= HOLD_MIN &&
		    !seen_session_open_with(f.seen, h->ip))) {
			emit(h);
		} else {
			f.held[k++] = *h;
			continue;
		}
		held_free(h);
	}
	f.nheld = k;
}

/* consume - the whole lines in the buffer; a cut one waits for its end */
static void
consume(const struct config *cfg, bool eof)
{
	char *p = f.buf, *end = f.buf + f.have, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (f.skipping) {
			f.skipping = false;
			f.lineno++;
			stats_maillog_line(rt_stats(), SML_DAMAGED);
		} else {
			line(cfg, p, (size_t)(nl - p));
		}
		f.offset += nl + 1 - p;
		p = nl + 1;
		f.dirty = true;
	}
	if (eof && p < end && !f.skipping) {
		/* the last line of a file that was rotated away */
		line(cfg, p, (size_t)(end - p));
		f.offset += end - p;
		p = end;
	}
	f.have = (size_t)(end - p);
	if (f.have == BUF_MAX) {	/* a line longer than the buffer */
		f.skipping = true;
		f.offset += f.have;
		f.have = 0;
	} else if (f.have > 0 && p != f.buf) {
		memmove(f.buf, p, f.have);
	}
}

/* drain - read all there is */
static void
drain(const struct config *cfg)
{
	ssize_t n;

	while (f.fd >= 0 && (n = read(f.fd, f.buf + f.have, BUF_MAX - f.have)) > 0) {
		f.have += (size_t)n;
		consume(cfg, false);
	}
}

static void
close_file(void)
{
	if (f.fd >= 0)
		close(f.fd);
	f.fd = -1;
	f.have = 0;
	f.skipping = false;
}

/* open_at - path, from offset (when it is the file dev/ino) */
static bool
open_at(char *path, off_t offset, unsigned long lineno, bool at_end)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != f.open_errno)
			log_warnx("maillog: cannot read %s: %s%s", path,
			    strerror(errno), errno == EACCES ? " (the user "
			    "esc-milter runs as must be able to read it: on "
			    "Debian, add it to the group adm)" : "");
		f.open_errno = errno;
		/* a file that is not there yet is new when it comes */
		f.retry_end = at_end && errno != ENOENT;
		return false;
	}
	f.retry_end = false;
	if (f.open_errno != 0)
		log_info("maillog: reading %s", path);
	f.open_errno = 0;
	fstat(fd, &st);
	if (at_end)
		offset = st.st_size, lineno = 0;
	if (offset > st.st_size)
		offset = 0, lineno = 0;		/* truncated meanwhile */
	if (lseek(fd, offset, SEEK_SET) < 0)
		offset = 0, lineno = 0;
	close_file();
	f.fd = fd;
	f.dev = st.st_dev;
	f.ino = st.st_ino;
	f.offset = offset;
	f.lineno = lineno;
	f.name = path;
	f.dirty = true;
	return true;
}

/* rotated - the file at path is no longer the one open: renamed away
   (finish it, then the new one from the top) or truncated */
static void
rotated(const struct config *cfg)
{
	struct stat st;

	if (f.fd < 0 || stat(f.path, &st) < 0)
		return;			/* not there yet: keep the old one */
	if (st.st_dev != f.dev || st.st_ino != f.ino) {
		drain(cfg);
		consume(cfg, true);
		log_info("maillog: %s was rotated; reading the new file",
		    f.path);
		close_file();	/* if the new one cannot be read yet, the
				   next ticks try again */
		open_at(f.path, 0, 0, false);
	} else if (st.st_size < f.offset) {
		log_info("maillog: %s was truncated; reading from the top",
		    f.path);
		f.have = 0;
		f.skipping = false;
		open_at(f.path, 0, 0, false);
	}
}

/* save_state - the place, the held lines and the seen table, written
   once every event before them is (clean: the last, at a clean stop) */
static void
save_state(bool clean)
{
	struct fheld *hl = NULL;
	struct fckpt *c;
	bool made;
	size_t i;

	if (f.state[0] == '\0' || f.fd < 0 || strcmp(f.name, f.path) != 0)
		return;
	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (f.nheld > 0 && (hl = calloc(f.nheld, sizeof *hl)) == NULL)) {
		free(c);
		log_warnx("maillog: out of memory writing the state");
		return;
	}
	for (i = 0; i < f.nheld; i++) {
		hl[i].file = f.held[i].file;
		hl[i].line = f.held[i].line;
		hl[i].rcpt = f.held[i].rcpt;
		hl[i].text = f.held[i].raw;
	}
	str_copy(c->path, sizeof c->path, f.state);
	/* no milter session between its event and its seen entry */
	pthread_rwlock_wrlock(&order);
	c->text = fstate_text(f.path, (unsigned long long)f.dev,
	    (unsigned long long)f.ino, (long long)f.offset, f.lineno, clean, hl,
	    f.nheld, f.seen);
	/* from rt_checkpoint() on, c is the event writer's to free */
	if ((made = c->text != NULL))
		rt_checkpoint(fckpt_write, c);
	pthread_rwlock_unlock(&order);
	free(hl);
	if (!made) {
		free(c);
		log_warnx("maillog: out of memory writing the state");
		return;
	}
	f.dirty = false;
	f.saved = time(NULL);
}

/* replay - the lines a crashed run held, counted now unless their events
   were written after its last checkpoint or the milter counted them */
static void
replay(const struct config *cfg, const struct fstate *st)
{
	char *name = f.name;
	unsigned long lineno = f.lineno;
	struct logline ll;
	size_t i;

	for (i = 0; i < st->nheld; i++) {
		const struct fheld *h = &st->held[i];

		if (flines_has(&f.written, h->line))
			continue;
		if (strcmp(h->file, f.path) == 0)
			f.name = f.path;
		else if (strncmp(h->file, f.path, strlen(f.path)) == 0 &&
		    h->file[strlen(f.path)] == '.' &&
		    snprintf(f.path1, sizeof f.path1, "%s", h->file) > 0)
			f.name = f.path1;
		else
			continue;
		f.lineno = h->line;
		if (parse(h->text, strlen(h->text), &ll) && h->rcpt <
		    (f.rec.nrcpt > 0 ? f.rec.nrcpt : 1))
			record(cfg, &ll, h->rcpt, h->text, strlen(h->text));
	}
	f.name = name;
	f.lineno = lineno;
}

/* after_crash - what the event log says was written after the last
   checkpoint of a run that did not end cleanly */
static void
after_crash(const struct fstate *st)
{
	char why[FSTATE_WHY_MAX];
	long n;

	log_warnx("maillog: the previous run of esc-milter did not end "
	    "cleanly (killed or crashed): resuming %s at line %lu",
	    f.path, st->line + 1);
	stats_unclean_start(rt_stats());
	flines_free(&f.written);
	if (!st->ev.known) {
		log_warnx("maillog: the event log cannot be read back (syslog "
		    "or standard output): a rejection written after the last "
		    "checkpoint may be written again");
		return;
	}
	n = fstate_scan(&st->ev, f.path, &f.written, f.seen, why, sizeof why);
	if (n < 0)
		log_warnx("maillog: %s: a rejection written after the last "
		    "checkpoint may be written again", why);
	f.wdev = (dev_t)st->dev;
	f.wino = (ino_t)st->ino;
}

/*
 * resume - where to start: the place the state file remembers, in the
 * same file, or in the file it was rotated to (PATH.1, PATH.0), finished
 * first; else the end of the log.  A state that cannot be read is said
 * and counted, and the end of the log is where it starts.
 */
static void
resume(const struct config *cfg)
{
	char why[FSTATE_WHY_MAX];
	struct fstate st;
	struct stat sb;
	int i, rc;

	if (f.state[0] == '\0') {
		open_at(f.path, 0, 0, true);
		return;
	}
	rc = fstate_read(f.state, f.path, &st, f.seen, why, sizeof why);
	if (rc < 0) {
		log_warnx("maillog: cannot use the state in %s: %s; starting at "
		    "the end of %s: what the MTA logged while esc-milter was "
		    "stopped is not counted", f.state, why, f.path);
		stats_maillog_state_error(rt_stats());
	}
	if (rc <= 0) {
		open_at(f.path, 0, 0, true);
		return;
	}
	if (!st.clean)
		after_crash(&st);
	if (stat(f.path, &sb) == 0 && (unsigned long long)sb.st_dev == st.dev &&
	    (unsigned long long)sb.st_ino == st.ino) {
		open_at(f.path, (off_t)st.offset, st.line, false);
		replay(cfg, &st);
		fstate_free(&st);
		return;
	}
	for (i = 1; i >= 0; i--) {
		snprintf(f.path1, sizeof f.path1, "%s.%d", f.path, i);
		if (stat(f.path1, &sb) == 0 &&
		    (unsigned long long)sb.st_dev == st.dev &&
		    (unsigned long long)sb.st_ino == st.ino &&
		    open_at(f.path1, (off_t)st.offset, st.line, false)) {
			log_info("maillog: finishing %s (rotated while esc-milter "
			    "was stopped)", f.path1);
			replay(cfg, &st);
			drain(cfg);
			consume(cfg, true);
			break;
		}
	}
	if (i < 0) {
		log_warnx("maillog: %s was rotated while esc-milter was "
		    "stopped and the old file is not %s.1: reading the new "
		    "file from the top", f.path, f.path);
		replay(cfg, &st);
	}
	fstate_free(&st);
	open_at(f.path, 0, 0, false);
}

/* configure - the active configuration's log; true if one is named */
static bool
configure(const struct active *a)
{
	const struct settings *s = &a->cfg->set;

	if (s->maillog == NULL) {
		if (f.path[0] != '\0') {
			save_state(false);
			close_file();
			f.path[0] = '\0';
			atomic_store(&f.following, false);
		}
		return false;
	}
	if (strcmp(s->maillog, f.path) != 0) {
		if (f.path[0] != '\0') {
			save_state(false);
			close_file();
		}
		str_copy(f.path, sizeof f.path, s->maillog);
		str_copy(f.state, sizeof f.state, s->maillog_state ?
		    s->maillog_state : "");
		f.mta = s->maillog_mta;
		resume(a->cfg);
		atomic_store(&f.following, true);
	}
	f.mta = s->maillog_mta;
	f.track = s->annotate_dsn;
	return true;
}

static void *
run(void *arg)
{
	struct timespec tick = { 0, TICK_MS * 1000000L };

	(void)arg;
	while (!atomic_load(&f.stop)) {
		struct active *a = rt_acquire();

		logyear_init(&f.year, time(NULL));
		if (a != NULL && configure(a)) {
			if (f.fd < 0)
				open_at(f.path, 0, 0, f.retry_end);
			drain(a->cfg);
			rotated(a->cfg);
			settle(false);
			if (f.dirty && time(NULL) != f.saved)
				save_state(false);
			seen_expire(f.seen, time(NULL) - SEEN_TTL);
			stats_maillog_state(rt_stats(), (unsigned long long)
			    (f.offset + (off_t)f.have), f.nheld);
		}
		rt_release(a);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* follow_start - see follow.h */
int
follow_start(const struct config *cfg)
{
	if (f.started || cfg->set.maillog == NULL)
		return 0;
	if ((f.seen == NULL && (f.seen = seen_new()) == NULL) ||
	    (f.buf == NULL && (f.buf = malloc(BUF_MAX)) == NULL)) {
		log_warnx("maillog: out of memory");
		return -1;
	}
	/* the milter side starts recording now, before the first line */
	atomic_store(&f.following, true);
	atomic_store(&f.stop, false);
	if (pthread_create(&f.thread, NULL, run, NULL) != 0) {
		log_warnx("maillog: cannot start the log follower");
		atomic_store(&f.following, false);
		return -1;
	}
	f.started = true;
	return 0;
}

/* follow_stop - the end: the rest of the log, the held lines, the state */
void
follow_stop(void)
{
	struct active *a;

	if (!f.started)
		return;
	atomic_store(&f.stop, true);
	pthread_join(f.thread, NULL);
	f.started = false;
	if ((a = rt_acquire()) != NULL && f.path[0] != '\0') {
		drain(a->cfg);
		rotated(a->cfg);
		drain(a->cfg);
		settle(true);
		save_state(true);
		stats_maillog_state(rt_stats(), (unsigned long long)f.offset, 0);
	}
	rt_release(a);
}

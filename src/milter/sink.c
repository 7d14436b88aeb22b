/*
 * sink.c - event queue and writer thread (see sink.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sink.h"

struct item {
	char	*line;		/* NULL: a checkpoint */
	size_t	 len;
	void	(*fn)(void *, const struct sink_pos *);
	void	*arg;
};

#define BATCH	64

struct sink {
	pthread_mutex_t	 lock;		/* the queue; never held during I/O */
	pthread_cond_t	 cond;
	pthread_cond_t	 room;		/* the writer took items */
	pthread_mutex_t	 tlock;		/* the target; writer and reopen */
	pthread_t	 thread;
	struct item	*q;
	size_t		 cap, head, n;
	bool		 stop;
	/* target, changed only with tlock held */
	enum log_kind	 kind;
	int		 fd;		/* LOGK_FILE, LOGK_STDOUT */
	int		 facility;
	char		*path;
	bool		 warned;	/* "cannot write" logged once per failure run */
	struct stats	*stats;
	struct sink_pos	 last;		/* where it ended when it stopped */
};

/* open_file - for appending; readable too when allowed (end_cut_line) */
static int
open_file(const char *path)
{
	int flags = O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, fd;

	if ((fd = open(path, O_RDWR | flags, 0640)) < 0 && errno == EACCES)
		fd = open(path, O_WRONLY | flags, 0640);
	return fd;
}

/* write_line - one event, all or nothing */
static bool
write_line(struct sink *s, int fd, const char *line, size_t len)
{
	struct stat st;
	off_t before = -1;
	size_t done = 0;
	ssize_t n;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		before = st.st_size;
	while (done < len) {
		n = write(fd, line + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)n;
	}
	if (done == len)
		return true;
	/* Roll back half a line (disk full): the log stays parseable. */
	if (done > 0 && before >= 0 && ftruncate(fd, before) < 0)
		(void)write(fd, "\n", 1);
	if (!s->warned) {
		log_warn("cannot write events to %s; events are dropped until "
		    "writing works again", s->path ? s->path : "standard output");
		s->warned = true;
	}
	return false;
}

/* emit - write one line to the current target (tlock held) */
static void
emit(struct sink *s, const struct item *it)
{
	bool ok = true;

	switch (s->kind) {
	case LOGK_FILE:
	case LOGK_STDOUT:
		ok = s->fd >= 0 && write_line(s, s->fd, it->line, it->len);
		break;
	case LOGK_SYSLOG:
		syslog(LOG_MAKEPRI(s->facility, LOG_INFO), "%.*s",
		    (int)(it->len > 0 ? it->len - 1 : 0), it->line);
		break;
	case LOGK_NONE:
		break;
	}
	if (!ok) {
		stats_dropped(s->stats, 1);
	} else if (s->warned && s->kind != LOGK_SYSLOG) {
		log_info("writing events to %s works again",
		    s->path ? s->path : "standard output");
		s->warned = false;
	}
}

/* position - where the target ends (tlock held) */
static void
position(struct sink *s, struct sink_pos *pos)
{
	struct stat st;

	memset(pos, 0, sizeof *pos);
	if (s->kind == LOGK_FILE && s->fd >= 0 && fstat(s->fd, &st) == 0) {
		pos->file = true;
		snprintf(pos->path, sizeof pos->path, "%s", s->path ? s->path :
		    "");
		pos->dev = (unsigned long long)st.st_dev;
		pos->ino = (unsigned long long)st.st_ino;
		pos->size = (long long)st.st_size;
	}
}

/* writer - take a batch under the queue lock, write it without it */
static void *
writer(void *arg)
{
	struct sink *s = arg;
	struct item batch[BATCH];
	size_t n, i;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (s->n == 0 && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->n == 0 && s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		for (n = 0; n < BATCH && s->n > 0; n++) {
			batch[n] = s->q[s->head];
			s->head = (s->head + 1) % s->cap;
			s->n--;
		}
		pthread_cond_broadcast(&s->room);
		pthread_mutex_unlock(&s->lock);

		for (i = 0; i < n; i++) {
			if (batch[i].line == NULL) {
				struct sink_pos pos;

				pthread_mutex_lock(&s->tlock);
				position(s, &pos);
				pthread_mutex_unlock(&s->tlock);
				batch[i].fn(batch[i].arg, &pos);
				continue;
			}
			pthread_mutex_lock(&s->tlock);
			emit(s, &batch[i]);
			pthread_mutex_unlock(&s->tlock);
			free(batch[i].line);
		}
	}
	return NULL;
}

/*
 * end_cut_line - after a crash or a power loss the file may end in the
 * middle of an event: end that line, so the next event starts on a line
 * of its own and only the cut one is lost to JSON readers.  Counted.
 */
static void
end_cut_line(struct sink *s, int fd, const char *path)
{
	struct stat st;
	char last;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    pread(fd, &last, 1, st.st_size - 1) != 1 || last == '\n')
		return;
	if (write(fd, "\n", 1) == 1) {
		stats_events_cut(s->stats);
		log_warnx("%s ended in a cut event line (a crash or power loss?); "
		    "the line is ended so the next event starts a new one", path);
	}
}

/* set_target - open the new target; -1 leaves the old one */
static int
set_target(struct sink *s, const struct settings *set)
{
	int fd = -1;
	char *path = NULL;

	if (set->log_kind == LOGK_FILE) {
		if ((fd = open_file(set->log_path)) < 0) {
			log_warn("cannot open the event log %s", set->log_path);
			return -1;
		}
		if ((path = strdup(set->log_path)) == NULL) {
			close(fd);
			return -1;
		}
		end_cut_line(s, fd, path);
	} else if (set->log_kind == LOGK_STDOUT) {
		fd = STDOUT_FILENO;
	}
	if (s->kind == LOGK_FILE && s->fd >= 0)
		close(s->fd);
	free(s->path);
	s->kind = set->log_kind;
	s->fd = fd;
	s->path = path;
	s->facility = set->log_facility;
	s->warned = false;
	return 0;
}

/* sink_start - create and start */
struct sink *
sink_start(const struct settings *set, struct stats *st)
{
	struct sink *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->cap = set->event_queue;
	s->stats = st;
	s->fd = -1;
	s->kind = LOGK_NONE;
	if ((s->q = calloc(s->cap, sizeof *s->q)) == NULL ||
	    set_target(s, set) < 0) {
		free(s->q);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->tlock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->room, NULL);
	if (pthread_create(&s->thread, NULL, writer, s) != 0) {
		log_warn("cannot start the event writer thread");
		if (s->kind == LOGK_FILE)
			close(s->fd);
		free(s->path);
		free(s->q);
		free(s);
		return NULL;
	}
	return s;
}

/* sink_push - enqueue or drop */
void
sink_push(struct sink *s, char *line, size_t len)
{
	if (line == NULL) {
		stats_dropped(s->stats, 1);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->n == s->cap || s->stop) {
		pthread_mutex_unlock(&s->lock);
		free(line);
		stats_dropped(s->stats, 1);
		return;
	}
	s->q[(s->head + s->n) % s->cap] = (struct item){ line, len, NULL, NULL };
	s->n++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* enqueue - an item, waiting for room; false when the sink stopped */
static bool
enqueue(struct sink *s, const struct item *it)
{
	pthread_mutex_lock(&s->lock);
	while (s->n == s->cap && !s->stop)
		pthread_cond_wait(&s->room, &s->lock);
	if (s->stop) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	s->q[(s->head + s->n) % s->cap] = *it;
	s->n++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return true;
}

/* sink_push_wait - see sink.h */
void
sink_push_wait(struct sink *s, char *line, size_t len)
{
	struct item it = { line, len, NULL, NULL };

	if (line == NULL || !enqueue(s, &it)) {
		free(line);
		stats_dropped(s->stats, 1);
	}
}

/* sink_checkpoint - see sink.h */
void
sink_checkpoint(struct sink *s, void (*fn)(void *, const struct sink_pos *),
    void *arg)
{
	struct item it = { NULL, 0, fn, arg };

	if (!enqueue(s, &it))
		fn(arg, &s->last);	/* stopped: everything is written */
}

/* sink_reopen - new target (the queue size stays) */
int
sink_reopen(struct sink *s, const struct settings *set)
{
	int rc;

	pthread_mutex_lock(&s->tlock);
	rc = set_target(s, set);
	pthread_mutex_unlock(&s->tlock);
	return rc;
}

/* sink_stop - drain and stop; the struct stays (later pushes are
   dropped and counted), the process exit reclaims it */
void
sink_stop(struct sink *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->stop) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_cond_broadcast(&s->room);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_lock(&s->tlock);
	position(s, &s->last);
	if (s->kind == LOGK_FILE && s->fd >= 0)
		close(s->fd);
	s->kind = LOGK_NONE;
	s->fd = -1;
	pthread_mutex_unlock(&s->tlock);
}

/*
 * blocks.c - logs read in blocks of whole lines by one thread, their
 * lines counted by several (see blocks.h).
 *
 * A block is a buffer of BLOCK_SIZE bytes (grown, up to LINES_MAX, for a
 * line that does not fit) that ends at a line break; what follows the
 * last break is carried into the next block.  Blocks go through a queue
 * to the workers and come back through a free list: at most 2 per worker
 * plus one exist, so memory stays bounded however large the log.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "blocks.h"
#include "lines.h"

#define BLOCK_SIZE	(1024 * 1024)

struct block {
	char		*buf;
	size_t		 cap, len;
	unsigned	 file;
	time_t		 mtime;
	struct block	*next;
};

struct pool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work, freed;
	struct block	*head, *tail;	/* the queue */
	struct block	*free;		/* blocks to fill again */
	unsigned	 nblocks, maxblocks;
	bool		 done;		/* nothing more will be queued */
	bool		 stop;		/* fn failed: everyone stops */
	blocks_fn	 fn;
};

struct wctx {
	struct pool	*p;
	void		*worker;
};

/* lines_of - fn on each line of a block; -1 when fn failed */
static int
lines_of(struct pool *p, void *worker, const struct block *b)
{
	const char *s = b->buf, *end = b->buf + b->len, *nl;
	size_t n;

	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (p->fn(worker, b->file, b->mtime, s, n) < 0)
			return -1;
		s = nl + 1;
	}
	return 0;
}

static void *
work(void *arg)
{
	struct wctx *w = arg;
	struct pool *p = w->p;
	struct block *b;
	bool failed;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->head == NULL && !p->done && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop || (b = p->head) == NULL) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		if ((p->head = b->next) == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		failed = lines_of(p, w->worker, b) < 0;
		pthread_mutex_lock(&p->mu);
		b->next = p->free;
		p->free = b;
		if (failed) {
			p->stop = true;
			pthread_cond_broadcast(&p->work);
		}
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
	}
}

/* get - a block to fill: a free one, a new one, or wait; NULL: stop */
static struct block *
get(struct pool *p)
{
	struct block *b = NULL;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->stop)
			break;
		if ((b = p->free) != NULL) {
			p->free = b->next;
			break;
		}
		if (p->nblocks < p->maxblocks) {
			if ((b = calloc(1, sizeof *b)) != NULL &&
			    (b->buf = malloc(BLOCK_SIZE)) != NULL) {
				b->cap = BLOCK_SIZE;
				p->nblocks++;
			} else {
				free(b);
				b = NULL;
				p->stop = true;
				pthread_cond_broadcast(&p->work);
			}
			break;
		}
		pthread_cond_wait(&p->freed, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* put - a filled block to the workers (or, alone, to our own worker) */
static int
put(struct pool *p, struct block *b, void *self, unsigned nworkers)
{
	int rc = 0;

	if (nworkers == 1) {
		rc = lines_of(p, self, b);
		b->next = p->free;
		p->free = b;
		if (rc < 0)
			p->stop = true;
		return rc;
	}
	b->next = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->tail != NULL)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* read_file - one file into blocks; -1 it cannot be read, -2 stop */
static int
read_file(struct cli *c, struct pool *p, struct blocks_file *f, unsigned no,
    void *self, unsigned nworkers)
{
	struct block *b = NULL;
	char *carry = NULL;
	size_t ncarry = 0;
	bool skipping = false;	/* inside a line longer than LINES_MAX */
	struct stat st;
	gzFile gz;
	int fd, n, rc = 0;

	fd = strcmp(f->path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(f->path, O_RDONLY);
	if (fd < 0 || (gz = gzdopen(fd, "rb")) == NULL) {
		cli_error(c, "%s: %s", f->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		f->failed = 1;
		return -1;
	}
	f->mtime = strcmp(f->path, "-") != 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) ? st.st_mtime : time(NULL);
	gzbuffer(gz, 1 << 20);
	for (;;) {
		char *nl;

		if (b == NULL) {
			if ((b = get(p)) == NULL) {
				rc = -2;
				break;
			}
			b->file = no;
			b->mtime = f->mtime;
			b->len = 0;
			while (ncarry >= b->cap) {
				/* the carry came from a grown block */
				char *nb = realloc(b->buf, b->cap * 2);

				if (nb == NULL)
					break;
				b->buf = nb;
				b->cap *= 2;
			}
			if (ncarry >= b->cap) {
				rc = -2;
				break;
			}
			if (ncarry > 0) {
				memcpy(b->buf, carry, ncarry);
				b->len = ncarry;
				ncarry = 0;
			}
		}
		if (b->len == b->cap) {
			char *nb;

			if (b->cap >= LINES_MAX) {
				/* one line fills it: skip to its end */
				if (!skipping)
					f->toolong++;
				skipping = true;
				b->len = 0;
			} else if ((nb = realloc(b->buf, b->cap * 2)) == NULL) {
				rc = -2;
				break;
			} else {
				b->buf = nb;
				b->cap *= 2;
			}
		}
		n = gzread(gz, b->buf + b->len, (unsigned)(b->cap - b->len));
		if (n <= 0)
			break;
		if (skipping) {
			if ((nl = memchr(b->buf + b->len, '\n', (size_t)n)) ==
			    NULL)
				continue;	/* b->len stays 0 */
			skipping = false;
			memmove(b->buf, nl + 1, (size_t)(b->buf + n - nl - 1));
			b->len = (size_t)(b->buf + n - nl - 1);
			continue;
		}
		b->len += (size_t)n;
		if (b->len < b->cap)
			continue;	/* fill the block before handing it on */
		if ((nl = memrchr(b->buf, '\n', b->len)) == NULL)
			continue;	/* grow it on the next turn */
		ncarry = (size_t)(b->buf + b->len - nl - 1);
		if (ncarry > 0) {
			char *nc = realloc(carry, ncarry);

			if (nc == NULL) {
				rc = -2;
				break;
			}
			carry = nc;
			memcpy(carry, nl + 1, ncarry);
		}
		b->len = (size_t)(nl - b->buf);
		if (put(p, b, self, nworkers) < 0) {
			b = NULL;
			rc = -2;
			break;
		}
		b = NULL;
	}
	if (rc == 0 && n < 0) {
		int e;
		const char *msg = gzerror(gz, &e);

		cli_error(c, "%s: %s", f->path, e == Z_ERRNO ? strerror(errno) :
		    msg);
		f->failed = 1;
		rc = -1;
	}
	if (b != NULL) {
		/* the last lines; a final line without a break is a line */
		if (rc != -2 && !skipping && b->len > 0) {
			if (b->buf[b->len - 1] == '\n')
				b->len--;
			if (put(p, b, self, nworkers) < 0)
				rc = -2;
		} else {
			pthread_mutex_lock(&p->mu);
			b->next = p->free;
			p->free = b;
			pthread_cond_signal(&p->freed);
			pthread_mutex_unlock(&p->mu);
		}
	}
	free(carry);
	gzclose(gz);
	return rc;
}

/* blocks_read - see blocks.h */
int
blocks_read(struct cli *c, struct blocks_file *files, unsigned nfiles,
    void *const *workers, unsigned nworkers, blocks_fn fn)
{
	struct pool p;
	struct wctx *w = NULL;
	pthread_t *tid = NULL;
	unsigned i, started = 0;
	int rc = 0, r;

	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.freed, NULL);
	p.fn = fn;
	p.maxblocks = nworkers > 1 ? 2 * nworkers + 1 : 1;
	if (nworkers > 1) {
		w = calloc(nworkers, sizeof *w);
		tid = calloc(nworkers, sizeof *tid);
		for (i = 0; w != NULL && tid != NULL && i < nworkers; i++) {
			w[i].p = &p;
			w[i].worker = workers[i];
			if (pthread_create(&tid[i], NULL, work, &w[i]) != 0)
				break;
			started++;
		}
		if (started == 0) {
			/* no thread at all: read alone */
			nworkers = 1;
		}
	}
	for (i = 0; i < nfiles && rc != -2; i++) {
		files[i].toolong = 0;
		files[i].failed = 0;
		if ((r = read_file(c, &p, &files[i], i, workers[0],
		    nworkers)) < 0)
			rc = r < rc ? r : rc;
	}
	pthread_mutex_lock(&p.mu);
	p.done = true;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (p.stop)
		rc = -2;
	while (p.free != NULL) {
		struct block *b = p.free;

		p.free = b->next;
		free(b->buf);
		free(b);
	}
	free(w);
	free(tid);
	pthread_cond_destroy(&p.freed);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

/* blocks_threads - see blocks.h */
unsigned
blocks_threads(void)
{
	const char *e = getenv("ESC_THREADS");
	long n = e != NULL && *e != '\0' ? atol(e) :
	    sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* blocks_line - see blocks.h */
size_t
blocks_line(struct blocks_year *y, unsigned file, time_t mtime,
    const char *s, size_t len)
{
	if (!y->set || y->file != file) {
		logyear_init(&y->year, mtime);
		y->set = true;
		y->file = file;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return len;
}

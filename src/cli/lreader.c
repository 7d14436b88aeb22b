/*
 * lreader.c - one line at a time through zlib (lreader.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lines.h"
#include "lreader.h"

#define CHUNK	(256 * 1024)

struct lreader {
	struct cli	*c;
	char		*path;
	gzFile		 gz;
	char		*buf;
	size_t		 cap, off, end;	/* unread bytes: buf[off, end) */
	bool		 eof, skipping;
	time_t		 mtime;
	unsigned long	 lineno, toolong;
};

/* lreader_open - see lreader.h */
struct lreader *
lreader_open(struct cli *c, const char *path)
{
	struct lreader *r = calloc(1, sizeof *r);
	struct stat st;
	int fd;

	if (r == NULL || (r->path = strdup(path)) == NULL ||
	    (r->buf = malloc(CHUNK)) == NULL) {
		cli_error(c, "%s: %s", path, strerror(ENOMEM));
		lreader_close(r);
		return NULL;
	}
	r->c = c;
	r->cap = CHUNK;
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY);
	if (fd < 0 || (r->gz = gzdopen(fd, "rb")) == NULL) {
		cli_error(c, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		lreader_close(r);
		return NULL;
	}
	r->mtime = strcmp(path, "-") != 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) ? st.st_mtime : time(NULL);
	gzbuffer(r->gz, 1 << 18);
	return r;
}

/* fill - more bytes after the unread ones; 0 at the end, -1 error */
static int
fill(struct lreader *r)
{
	int n;

	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, r->end - r->off);
		r->end -= r->off;
		r->off = 0;
	}
	if (r->end == r->cap) {
		size_t ncap = r->cap * 2;
		char *nb;

		if (r->cap >= LINES_MAX) {	/* a line too long: skip it */
			if (!r->skipping) {
				r->lineno++;
				r->toolong++;
			}
			r->skipping = true;
			r->end = 0;
		} else if ((nb = realloc(r->buf, ncap)) == NULL) {
			cli_error(r->c, "%s: %s", r->path, strerror(ENOMEM));
			return -1;
		} else {
			r->buf = nb;
			r->cap = ncap;
		}
	}
	n = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end));
	if (n < 0) {
		int e;
		const char *msg = gzerror(r->gz, &e);

		cli_error(r->c, "%s: %s", r->path, e == Z_ERRNO ?
		    strerror(errno) : msg);
		return -1;
	}
	r->end += (size_t)n;
	return n > 0;
}

/* lreader_next - see lreader.h */
int
lreader_next(struct lreader *r, const char **s, size_t *len)
{
	char *p, *nl;
	int rc;

	for (;;) {
		p = r->buf + r->off;
		nl = memchr(p, '\n', r->end - r->off);
		if (nl != NULL) {
			r->off = (size_t)(nl - r->buf) + 1;
			if (r->skipping) {
				r->skipping = false;
				continue;
			}
			break;
		}
		if (r->eof || (rc = fill(r)) == 0) {
			r->eof = true;
			if (r->off == r->end)
				return 0;
			if (r->skipping) {
				r->off = r->end;
				return 0;
			}
			p = r->buf + r->off;	/* the last line, unended */
			nl = r->buf + r->end;
			r->off = r->end;
			break;
		}
		if (rc < 0)
			return -1;
	}
	*len = (size_t)(nl - p);
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	*s = p;
	r->lineno++;
	return 1;
}

time_t
lreader_mtime(const struct lreader *r)
{
	return r->mtime;
}

unsigned long
lreader_lineno(const struct lreader *r)
{
	return r->lineno;
}

unsigned long
lreader_toolong(const struct lreader *r)
{
	return r->toolong;
}

/* lreader_close - see lreader.h */
void
lreader_close(struct lreader *r)
{
	if (r == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	free(r->buf);
	free(r->path);
	free(r);
}

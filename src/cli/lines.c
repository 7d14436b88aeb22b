/*
 * lines.c - line by line through zlib (see lines.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lines.h"

/* deliver - one line to fn, without a trailing CR */
static int
deliver(lines_fn fn, void *arg, const char *s, size_t n, unsigned long no)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return fn(arg, s, n, no);
}

/* lines_read - see lines.h */
int
lines_read(struct cli *c, const char *path, lines_fn fn, void *arg,
    struct lines_info *info)
{
	size_t have = 0;
	char *buf = malloc(LINES_MAX);
	bool skipping = false;	/* inside a line longer than the buffer */
	struct stat st;
	gzFile gz;
	int fd, n, rc = 0;

	memset(info, 0, sizeof *info);
	if (buf == NULL) {
		cli_error(c, "%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY);
	if (fd < 0 || (gz = gzdopen(fd, "rb")) == NULL) {
		cli_error(c, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(buf);
		return -1;
	}
	info->mtime = strcmp(path, "-") != 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) ? st.st_mtime : time(NULL);
	gzbuffer(gz, 1 << 20);
	while (rc == 0 && (n = gzread(gz, buf + have,
	    (unsigned)(LINES_MAX - have))) > 0) {
		char *p = buf, *end = buf + have + n, *nl;

		while (rc == 0 &&
		    (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			if (skipping) {
				skipping = false;
			} else {
				info->lines++;
				if (deliver(fn, arg, p, (size_t)(nl - p),
				    info->lines) < 0)
					rc = -1;
			}
			p = nl + 1;
		}
		have = (size_t)(end - p);
		if (have == LINES_MAX) {
			if (!skipping) {
				info->lines++;
				info->toolong++;
			}
			skipping = true;
			have = 0;
		} else if (have > 0) {
			memmove(buf, p, have);
		}
	}
	if (rc == 0 && n < 0) {
		int e;
		const char *msg = gzerror(gz, &e);

		cli_error(c, "%s: %s", path, e == Z_ERRNO ? strerror(errno) :
		    msg);
		rc = -1;
	} else if (rc == 0 && have > 0 && !skipping) {
		info->lines++;
		if (deliver(fn, arg, buf, have, info->lines) < 0)
			rc = -1;
	}
	gzclose(gz);
	free(buf);
	return rc;
}

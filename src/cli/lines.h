/*
 * lines.h - read a log line by line: plain or gzip-compressed (zlib reads
 * both), "-" for standard input, one buffer for the whole file.  The
 * callback gets each line without its line break (and without a CR
 * before it); a line longer than LINES_MAX is skipped and counted.
 * Errors are reported on stderr as "esc CMD: FILE: reason".
 */
#ifndef ESC_LINES_H
#define ESC_LINES_H

#include <stddef.h>
#include <time.h>

#include "cli.h"

#define LINES_MAX	(4 * 1024 * 1024)

struct lines_info {
	time_t		 mtime;		/* the file's; now for standard input */
	unsigned long	 lines;		/* lines read, the long ones included */
	unsigned long	 toolong;	/* lines longer than LINES_MAX */
};

/* fn - one line; its number from 1; a negative return stops the file */
typedef int (*lines_fn)(void *arg, const char *s, size_t len,
	    unsigned long lineno);

/* lines_read - all lines of path; 0, or -1 when it cannot be read (or
   fn stopped it) */
int	lines_read(struct cli *, const char *path, lines_fn fn, void *arg,
	    struct lines_info *);

#endif

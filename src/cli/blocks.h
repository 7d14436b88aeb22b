/*
 * blocks.h - read logs (plain or gzip, "-" for standard input) in blocks
 * of whole lines and hand the lines to several threads, for commands that
 * only count (esc report): the order in which lines are seen is not kept.
 *
 * The calling thread reads and decompresses; each of nworkers threads
 * takes a block, calls fn on each of its lines with its own worker
 * argument, and gives the block back.  With one worker nothing is
 * started: the calling thread does it all.  A line longer than LINES_MAX
 * (lines.h) is skipped and counted.  Errors opening or reading a file are
 * reported on stderr as lines_read() reports them; the other files are
 * still read.
 */
#ifndef ESC_BLOCKS_H
#define ESC_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cli.h"
#include "logline.h"

struct blocks_file {
	const char	*path;
	time_t		 mtime;		/* the file's; now for standard input */
	unsigned long	 toolong;	/* lines longer than LINES_MAX */
	int		 failed;	/* it could not be read (to the end) */
};

/* fn - one line (no line break, no CR before it) of file number file;
   a negative return stops everything */
typedef int (*blocks_fn)(void *worker, unsigned file, time_t mtime,
	    const char *s, size_t len);

/*
 * blocks_read - every line of files[0..nfiles) (path set by the caller;
 * the rest filled in).  Returns 0; -1 when a file could not be read
 * (the others were), -2 when fn stopped it or memory ran out.
 */
int	blocks_read(struct cli *, struct blocks_file *files, unsigned nfiles,
	    void *const *workers, unsigned nworkers, blocks_fn fn);

/* blocks_threads - how many workers to use: the processors online,
   at most 8 */
unsigned blocks_threads(void);

/* A worker's place in a log of events and MTA lines mixed: the year that
   syslog dates without one fall in, for the file it reads now. */
struct blocks_year {
	struct logyear	 year;
	unsigned	 file;
	bool		 set;
};

/* blocks_line - ready for line (s, len) of file (mtime: the file's): the
   year set anew when the file changes; the line's length without the
   blanks at its end (0: nothing to read) */
size_t	blocks_line(struct blocks_year *, unsigned file, time_t mtime,
	    const char *s, size_t len);

#endif

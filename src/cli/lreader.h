/*
 * lreader.h - read a log one line at a time, when the caller decides
 * which file's next line comes next (esc trace merges several logs by
 * time).  Plain or gzip (zlib reads both), "-" for standard input; the
 * buffer grows as lines need, up to LINES_MAX (lines.h): a longer line
 * is skipped and counted.  A line is given without its line break (and
 * without a CR before it), valid until the next call.
 */
#ifndef ESC_LREADER_H
#define ESC_LREADER_H

#include <stddef.h>
#include <time.h>

#include "cli.h"

struct lreader;

/* lreader_open - NULL after saying why on stderr ("esc CMD: FILE: ...") */
struct lreader *lreader_open(struct cli *, const char *path);

/* lreader_next - 1 and the next line; 0 at the end; -1 on a read error
   (said on stderr) */
int	lreader_next(struct lreader *, const char **s, size_t *len);

/* lreader_mtime - the file's modification time; now for a pipe */
time_t	lreader_mtime(const struct lreader *);

/* lreader_lineno - the number of the line last given, from 1 */
unsigned long lreader_lineno(const struct lreader *);

/* lreader_toolong - lines skipped for their length */
unsigned long lreader_toolong(const struct lreader *);

/* lreader_close - release (NULL is fine) */
void	lreader_close(struct lreader *);

#endif

/*
 * csv.h - RFC 4180 record reader over an in-memory buffer.
 *
 * Handles quoted fields with embedded commas, quotes ("") and line breaks,
 * CRLF or LF record ends, and a missing final newline.  Lenient where real
 * files are sloppy (text after a closing quote is kept, blank lines are
 * skipped); strict only where data would be lost (an unterminated quote).
 *
 * The reader borrows the buffer.  A record owns the storage behind its
 * field pointers; csv_record_free() releases it.  Not shared between
 * threads; no global state.
 */
#ifndef ESC_CSV_H
#define ESC_CSV_H

#include <stddef.h>

#include "err.h"

#define CSV_MAX_FIELDS	32
#define CSV_MAX_RECORD	(256 * 1024)	/* bytes; longer records are errors */

struct csv_reader {
	const char	*buf;		/* borrowed */
	size_t		 len;
	size_t		 pos;
	int		 line;		/* physical line of buf[pos], 1-based */
	const char	*name;		/* file name for messages, borrowed */
};

struct csv_record {
	int		 line;		/* physical line where the record starts */
	unsigned	 nfields;	/* fields present (capped at CSV_MAX_FIELDS) */
	unsigned	 extra;		/* fields beyond CSV_MAX_FIELDS, dropped */
	const char	*field[CSV_MAX_FIELDS];
	char		*store;		/* owned */
	size_t		 cap;
};

/* csv_init - start reading buf (borrowed) */
void	csv_init(struct csv_reader *, const char *buf, size_t len, const char *name);

/*
 * csv_next - read the next non-blank record.
 * Returns 1 with a record, 0 at end of input, -1 on a malformed record
 * (err says where); after -1 the reader has skipped to the end of input.
 */
int	csv_next(struct csv_reader *, struct csv_record *, struct esc_err *);

/* csv_record_free - release a record's storage (safe on a zeroed record) */
void	csv_record_free(struct csv_record *);

#endif

/*
 * csv.c - RFC 4180 reader (see csv.h).
 *
 * Grammar (RFC 4180 section 2, relaxed):
 *	file    = record *(eol record) [eol]
 *	record  = field *("," field)
 *	field   = quoted / bare
 *	quoted  = DQUOTE *(any-but-DQUOTE / DQUOTE DQUOTE) DQUOTE [bare]
 *	bare    = *(any-but-comma-CR-LF)
 *	eol     = CRLF / LF
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* csv_init - attach a reader to a buffer */
void
csv_init(struct csv_reader *r, const char *buf, size_t len, const char *name)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	r->name = name;
}

/* csv_record_free - release record storage */
void
csv_record_free(struct csv_record *rec)
{
	free(rec->store);
	rec->store = NULL;
	rec->cap = 0;
	rec->nfields = 0;
}

/* put - append one byte to the record store, growing it */
static int
put(struct csv_record *rec, size_t *used, char c)
{
	if (*used + 1 >= rec->cap) {
		size_t ncap = rec->cap ? rec->cap * 2 : 256;
		char *n;

		if (ncap > CSV_MAX_RECORD + 1)
			ncap = CSV_MAX_RECORD + 1;
		if (*used + 1 >= ncap)
			return -1;
		if ((n = realloc(rec->store, ncap)) == NULL)
			return -1;
		rec->store = n;
		rec->cap = ncap;
	}
	rec->store[(*used)++] = c;
	return 0;
}

/* at_eol - is the reader at CRLF or LF?  Returns its length or 0 */
static size_t
at_eol(const struct csv_reader *r)
{
	if (r->pos < r->len && r->buf[r->pos] == '\n')
		return 1;
	if (r->pos + 1 < r->len && r->buf[r->pos] == '\r' &&
	    r->buf[r->pos + 1] == '\n')
		return 2;
	if (r->pos + 1 == r->len && r->buf[r->pos] == '\r')
		return 1;
	return 0;
}

/* csv_next - read one record */
int
csv_next(struct csv_reader *r, struct csv_record *rec, struct esc_err *err)
{
	size_t used = 0, starts[CSV_MAX_FIELDS], eol;
	unsigned nf = 0;

	/* Skip blank lines. */
	while ((eol = at_eol(r)) != 0) {
		r->pos += eol;
		r->line++;
	}
	if (r->pos >= r->len)
		return 0;

	rec->line = r->line;
	rec->extra = 0;
	for (;;) {
		/* One field. */
		if (nf < CSV_MAX_FIELDS)
			starts[nf] = used;
		if (r->pos < r->len && r->buf[r->pos] == '"') {
			int qline = r->line;

			r->pos++;
			for (;;) {
				char c;

				if (r->pos >= r->len) {
					err_set(err, r->name, qline,
					    "quoted field is never closed (a '\"' is missing)");
					r->pos = r->len;
					return -1;
				}
				c = r->buf[r->pos++];
				if (c == '"') {
					if (r->pos < r->len && r->buf[r->pos] == '"') {
						r->pos++;
					} else {
						break;
					}
				}
				if (c == '\n')
					r->line++;
				if (nf < CSV_MAX_FIELDS && put(rec, &used, c) < 0)
					goto toolong;
			}
		}
		/* Bare part (or junk after a closing quote, kept leniently). */
		while (r->pos < r->len && r->buf[r->pos] != ',' && !at_eol(r)) {
			if (nf < CSV_MAX_FIELDS &&
			    put(rec, &used, r->buf[r->pos]) < 0)
				goto toolong;
			r->pos++;
		}
		if (nf < CSV_MAX_FIELDS) {
			if (put(rec, &used, '\0') < 0)
				goto toolong;
			nf++;
		} else {
			rec->extra++;
		}
		if (r->pos < r->len && r->buf[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if ((eol = at_eol(r)) != 0) {
			r->pos += eol;
			r->line++;
		}
		break;
	}
	rec->nfields = nf;
	for (unsigned i = 0; i < nf; i++)
		rec->field[i] = rec->store + starts[i];
	return 1;

toolong:
	err_set(err, r->name, rec->line,
	    "record is longer than %d bytes", CSV_MAX_RECORD);
	r->pos = r->len;
	return -1;
}

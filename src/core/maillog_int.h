/*
 * maillog_int.h - what the Postfix and Sendmail readers of maillog.c
 * share: spans of the line, literal search, a key's value, and the reply
 * reader that fills a record's codes and flattened text.  Internal to
 * maillog*.c.
 */
#ifndef ESC_MAILLOG_INT_H
#define ESC_MAILLOG_INT_H

#include <stdbool.h>
#include <string.h>

#include "maillog.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define LIT(s)		s, sizeof(s) - 1

static inline struct ml_span
span(const char *p, size_t n)
{
	struct ml_span s = { p, n };

	return s;
}

/* prefix - (s, n) starts with lit */
static inline bool
prefix(const char *s, size_t n, const char *lit, size_t litlen)
{
	return n >= litlen && memcmp(s, lit, litlen) == 0;
}

/* find - first lit in (s, n), NULL if none */
static inline const char *
find(const char *s, size_t n, const char *lit, size_t litlen)
{
	return litlen <= n ? memmem(s, n, lit, litlen) : NULL;
}

/* rfind - last lit in (s, n) */
static inline const char *
rfind(const char *s, size_t n, const char *lit, size_t litlen)
{
	const char *p, *last = NULL;

	while ((p = find(s, n, lit, litlen)) != NULL) {
		last = p;
		n -= (size_t)(p + 1 - s);
		s = p + 1;
	}
	return last;
}

/*
 * ml_value - a key's value at (s, n): "<...>" up to the '>' that ends it
 * (a blank, comma, ':' or the end follows), else up to a blank or comma.
 * Returns the length consumed.
 */
size_t	ml_value(const char *s, size_t n, struct ml_span *v);

/*
 * ml_set_reply - the reply in (s, n): "NNN X.Y.Z text", "NNN text",
 * "X.Y.Z text" or text, a multi-line reply's lines run together as
 * "NNN-X.Y.Z a NNN-X.Y.Z b NNN X.Y.Z c"; the text flattened into r->text
 */
void	ml_set_reply(struct maillog_rec *r, const char *s, size_t n);

/* The readers: the message after "prog[pid]: ", into a cleared record. */
enum ml_result ml_postfix(const char *s, size_t n, struct maillog_rec *r);
enum ml_result ml_sendmail(const char *s, size_t n, struct maillog_rec *r);

#endif

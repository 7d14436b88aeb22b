/*
 * xcode.h - RFC 3463 enhanced status codes ("5.7.23").
 *
 *	status-code = class "." subject "." detail
 *	class       = "2" / "4" / "5"
 *	subject     = 1*3digit		; no leading zeros
 *	detail      = 1*3digit		; no leading zeros
 *
 * xcode_parse() is strict (SMTP replies, configuration).  XCODE_DSN relaxes
 * the class to any digit, as RFC 3464 section 2.3.4 does for DSN Status:
 * fields.  Pure functions, no allocation, thread-safe.
 */
#ifndef ESC_XCODE_H
#define ESC_XCODE_H

#include <stdbool.h>
#include <stddef.h>

struct xcode {
	unsigned	cls;		/* 2, 4, 5 (any digit with XCODE_DSN) */
	unsigned	subject;	/* 0..999 */
	unsigned	detail;		/* 0..999 */
};

enum xcode_error {
	XCODE_OK = 0,
	XCODE_EMPTY,		/* nothing there */
	XCODE_BAD_CLASS,	/* class is not 2, 4 or 5 */
	XCODE_NO_DOT,		/* a '.' is missing */
	XCODE_NO_DIGITS,	/* subject or detail is empty */
	XCODE_TOO_LONG,		/* subject or detail has more than 3 digits */
	XCODE_LEADING_ZERO,	/* "07" */
	XCODE_TRAILING,		/* junk after the detail */
};

#define XCODE_DSN	0x01	/* accept any class digit */
#define XCODE_PREFIX	0x02	/* the code may be followed by anything
				   that is not a digit or '.' */

#define XCODE_STRLEN	12	/* "5.999.999" + NUL, rounded up */

/*
 * xcode_parse - parse (s, len).  Returns the number of bytes consumed
 * (>0) on success; 0 on failure with *why set (why may be NULL).
 */
size_t	xcode_parse(const char *s, size_t len, int flags, struct xcode *,
	    enum xcode_error *why);

/* xcode_error_str - a sentence that says what is wrong */
const char *xcode_error_str(enum xcode_error);

/*
 * xcode_repair - best effort normalisation of an invalid code for a
 * "did you mean" hint: strips leading zeros ("05.07.001" -> "5.7.1").
 * Returns true when the result is a valid code.
 */
bool	xcode_repair(const char *s, size_t len, struct xcode *);

/* xcode_format - "5.7.23" into buf (XCODE_STRLEN bytes suffice) */
char	*xcode_format(const struct xcode *, char *buf, size_t size);

/* xcode_looks_like - the token is made of digits and one or two dots (an
   IPv4 address, with three, is not taken for a malformed code) */
bool	xcode_looks_like(const char *s, size_t len);

#endif

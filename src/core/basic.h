/*
 * basic.h - basic SMTP reply codes ("550"): meanings, and the registry's
 * "Associated basic status code" cells.
 *
 * The registry writes that column loosely: "451, 550", "451/550",
 * "250 or 251", "5XX", "Any", "Not given", ".", "" and
 * "450, 550 (other 4XX or 5XX codes are allowed)".  basic_parse() reads all
 * of them into a struct basic_set.  Pure functions, thread-safe.
 */
#ifndef ESC_BASIC_H
#define ESC_BASIC_H

#include <stdbool.h>
#include <stddef.h>

#define BASIC_MAX		24

#define BASIC_ANY		0x01	/* "Any" */
#define BASIC_NOT_GIVEN		0x02	/* "Not given", ".", empty */
#define BASIC_OTHERS_OK		0x04	/* "(other 4XX or 5XX codes are allowed)" */
#define BASIC_WILD(c)		(0x10u << (c))	/* "5XX": any code of class c */

struct basic_set {
	unsigned short	code[BASIC_MAX];	/* sorted, unique */
	unsigned	n;
	unsigned	flags;
};

/*
 * basic_parse - read a registry cell.  Returns the number of tokens that
 * could not be understood (0 when the cell is clean); the first of them is
 * copied to bad (may be NULL).  Whatever could be read is in *set.
 */
int	basic_parse(const char *cell, struct basic_set *set, char *bad,
	    size_t badlen);

/*
 * basic_allows - may reply code `code` go with this entry?  Compared after
 * mapping the class digit: the registry pairs X.2.2 with 552, so 452 4.2.2
 * is fine.  True when the set gives no information (Any, Not given).
 */
bool	basic_allows(const struct basic_set *, unsigned code);

/* basic_informative - does the set restrict codes at all? */
bool	basic_informative(const struct basic_set *);

/*
 * basic_for_class - the listed codes mapped to class cls ("5" -> 552 for
 * X.2.2 even though 452 is what a temporary failure uses), written as
 * "552, 554" into buf.  Empty string when nothing applies.
 */
char	*basic_for_class(const struct basic_set *, unsigned cls, char *buf,
	    size_t size);

/* basic_first_for_class - the first listed code of class cls, else 0 */
unsigned basic_first_for_class(const struct basic_set *, unsigned cls);

/* basic_equal - same codes and flags */
bool	basic_equal(const struct basic_set *, const struct basic_set *);

/* basic_format - "451, 550" (or "any", "not given") */
char	*basic_format(const struct basic_set *, char *buf, size_t size);

/* basic_meaning - short meaning of a 3-digit reply code, NULL if none */
const char *basic_meaning(unsigned code);

/* basic_source - the document that defines the code, NULL if none */
const char *basic_source(unsigned code);

/* basic_class_meaning - "permanent negative completion" for 5, ... */
const char *basic_class_meaning(unsigned first_digit);

/* basic_syntax_ok - RFC 5321: [2-5][0-5][0-9] */
bool	basic_syntax_ok(const char *s, size_t len);

#endif

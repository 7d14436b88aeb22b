/*
 * textshape.h - the shape of a reply text: what stays the same when one
 * check refuses many clients, so `esc report --by text` groups by it (as
 * pflogsumm's reject detail does).
 *
 *	<anything without spaces>	<*>	(Postfix's "<addr>:", "<helo>:")
 *	local@domain			*@*
 *	192.0.2.1, 2001:db8::1		*
 *	a word with a digit		*	(queue ids, counts, host parts:
 *					 "mail-oi1-f171" -> "mail-*")
 *	runs of '*' joined by . : - _ /	one '*'
 *	white space			one space, none at the ends
 *
 * Kept as written: enhanced status codes ("5.7.1") and the short codes
 * providers put in their texts (TSS04, S3150, AS(1234) keeps "AS").  The
 * result is cut, at a space where possible, to fit.  Pure, no allocation.
 */
#ifndef ESC_TEXTSHAPE_H
#define ESC_TEXTSHAPE_H

#include <stddef.h>

#define TEXTSHAPE_MAX	200	/* longest shape, in bytes, before the NUL */

/* text_shape - the shape of (s, n) into buf (size > 0); its length */
size_t	text_shape(const char *s, size_t n, char *buf, size_t size);

#endif

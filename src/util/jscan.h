/*
 * jscan.h - validate one JSON text and pick out a few fields, in one pass
 * and without allocating: fast enough to read logs of millions of lines.
 *
 * jscan_object() checks that (s, len) is exactly one JSON object (RFC 8259
 * grammar, strings checked for escapes and control characters) and fills
 * the spans of the wanted keys: top-level keys ("event") and keys of a
 * nested object one level down ("reply.xcode").  String spans exclude the
 * quotes and keep escapes as written.  Pure, thread-safe.
 */
#ifndef ESC_JSCAN_H
#define ESC_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype {
	JT_NONE = 0,	/* key absent */
	JT_STRING,
	JT_NUMBER,
	JT_TRUE,
	JT_FALSE,
	JT_NULL,
	JT_OBJECT,
	JT_ARRAY,
};

struct jspan {
	enum jtype	 type;
	const char	*p;
	size_t		 len;
};

#define JSCAN_MAX_DEPTH	64
#define JSCAN_MAX_KEYS	32

#define JSCAN_KEY_LENS	64	/* wanted names are shorter than this */

/* The wanted keys, prepared once by jscan_keys(). */
struct jscan_keys {
	unsigned	 n;
	uint32_t	 bylen[JSCAN_KEY_LENS];	/* the keys of each name length */
	struct {
		const char	*outer;		/* NULL for a top-level key */
		size_t		 olen;
		const char	*name;
		size_t		 nlen;
	} k[JSCAN_MAX_KEYS];
};

/* jscan_keys - prepare "name" and "outer.name" keys (borrowed strings) */
void	jscan_keys(struct jscan_keys *, const char *const *keys, unsigned n);

/*
 * jscan_object - out[i] receives the span of key i (type JT_NONE when
 * absent).  Returns 0 for a valid object, -1 for anything else (the spans
 * are then meaningless).
 */
int	jscan_object(const char *s, size_t len, const struct jscan_keys *,
	    struct jspan *out);

/* jscan_unescape - a string span as UTF-8 into buf; returns the length */
size_t	jscan_unescape(const struct jspan *, char *buf, size_t size);

/* jscan_eq - the span is a string equal to w (no escapes involved) */
bool	jscan_eq(const struct jspan *, const char *w);

#endif

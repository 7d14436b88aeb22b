/*
 * mime.h - just enough MIME to reach the parts of a message: header
 * fields (unfolded), Content-Type with its parameters, multipart bodies
 * split at their boundaries, base64 and quoted-printable decoding.
 *
 * Works on a caller-owned buffer and never copies it (decoding aside).
 * Bounded: nesting depth, number of parts and line lengths are limited, so
 * hostile input (missing boundaries, gigantic parts) costs bounded time and
 * memory.  Pure, thread-safe.
 */
#ifndef ESC_MIME_H
#define ESC_MIME_H

#include <stdbool.h>
#include <stddef.h>

#define MIME_MAX_DEPTH	10
#define MIME_MAX_PARTS	1000

/* A header block: where it ends and where the body starts. */
struct mime_entity {
	const char	*head;		/* header block, borrowed */
	size_t		 headlen;
	const char	*body;		/* body, borrowed */
	size_t		 bodylen;
};

/* mime_split - headers and body of an entity (the first empty line) */
void	mime_split(const char *s, size_t len, struct mime_entity *);

/*
 * mime_header - the unfolded value of the first header field `name`
 * (case-insensitive) into buf; false if absent.
 */
bool	mime_header(const struct mime_entity *, const char *name, char *buf,
	    size_t size);

/*
 * mime_ctype - parse a Content-Type value: type/subtype (lower-cased) and
 * the parameters asked for (boundary, report-type, ...).  Absent defaults
 * to "text/plain".
 */
void	mime_ctype(const char *value, char *type, size_t tsize,
	    const char *param, char *pval, size_t psize);

/* Callback for each leaf part reached; return non-zero to stop. */
typedef int (*mime_part_fn)(void *ctx, const char *ctype, const char *cte,
	    const struct mime_entity *);

/*
 * mime_walk - visit the parts of a message (headers + body in s) depth
 * first, entering multipart types but not message types (an attached one is
 * not part of this one).  Returns the number of parts visited.
 */
unsigned mime_walk(const char *s, size_t len, mime_part_fn, void *ctx);

/*
 * mime_walk_body - the same from a body whose top-level Content-Type is
 * already known (the milter sees headers and body apart).
 */
unsigned mime_walk_body(const char *ctype_value, const char *cte,
	    const char *body, size_t len, mime_part_fn, void *ctx);

/*
 * mime_decode - decode a body by its Content-Transfer-Encoding (base64,
 * quoted-printable; others are copied).  Returns a new buffer (caller
 * frees) and its length; NULL on ENOMEM.
 */
char	*mime_decode(const char *cte, const char *s, size_t len, size_t *outlen);

#endif

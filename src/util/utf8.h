/*
 * utf8.h - UTF-8 validation and escaping of attacker-supplied bytes.
 *
 * JSON strings must be valid UTF-8.  SMTP peers send anything: invalid
 * sequences, overlong forms, surrogates, NUL.  utf8_escape() keeps every
 * valid character and writes each invalid byte as the four characters
 * "\xHH", so the result is valid UTF-8, loses no information and cannot
 * break a log line.  Pure functions, thread-safe.
 */
#ifndef ESC_UTF8_H
#define ESC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* utf8_seq - length of the valid sequence at s (1..4), 0 if invalid */
size_t	utf8_seq(const unsigned char *s, size_t len);

/* utf8_valid - the whole span is valid UTF-8 */
bool	utf8_valid(const char *s, size_t len);

/*
 * utf8_escape - write (s, len) to out (cap bytes) with invalid bytes as
 * "\xHH" and, when nul_too is set, NUL as "\x00".  Never splits a
 * character; stops early when out is full.  Returns the length written
 * (out is always NUL-terminated when cap > 0).
 */
size_t	utf8_escape(const char *s, size_t len, char *out, size_t cap,
	    bool nul_too);

/* utf8_escape_dup - the same into a new string (caller frees); NULL on ENOMEM */
char	*utf8_escape_dup(const char *s, size_t len, size_t *outlen);

#endif

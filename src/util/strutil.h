/*
 * strutil.h - small string helpers that glibc lacks or gets wrong for us.
 *
 * All functions are reentrant and allocate only where the name says so
 * (xstrndup).  Lengths are explicit wherever input may hold NUL bytes.
 */
#ifndef ESC_STRUTIL_H
#define ESC_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* str_copy - bounded copy; returns 0, or -1 if truncated (dst still terminated) */
int	 str_copy(char *dst, size_t size, const char *src);

/* str_copyn - bounded copy of len bytes of src; -1 if truncated */
int	 str_copyn(char *dst, size_t size, const char *src, size_t len);

/* str_trim - strip leading and trailing blanks (space, tab, CR, LF) in place */
char	*str_trim(char *);

/* str_span_trim - trim a (pointer, length) span without copying */
void	 str_span_trim(const char **p, size_t *len);

/* str_caseeq - ASCII case-insensitive equality of two NUL-terminated strings */
bool	 str_caseeq(const char *, const char *);

/* str_eqn - span (s, len) is NUL-terminated w (s may be NULL when len
   is 0) */
bool	 str_eqn(const char *s, size_t len, const char *w);

/* str_caseeqn - case-insensitive equality of span (s, len) with NUL-terminated w */
bool	 str_caseeqn(const char *s, size_t len, const char *w);

/* str_casestr - case-insensitive search of needle in (hay, len) */
const char *str_casestr(const char *hay, size_t len, const char *needle);

/* str_has_word - needle occurs in (hay, len) delimited by non-alnum chars */
bool	 str_has_word(const char *hay, size_t len, const char *needle);

/* str_lower - ASCII lower-case in place; returns its argument */
char	*str_lower(char *);

/* xstrndup - strndup that returns NULL on allocation failure (caller frees) */
char	*xstrndup(const char *, size_t);

/* str_parse_uint - decimal 0..max, whole string; -1 on error */
int	 str_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* str_is_blank - only blanks (or empty) */
bool	 str_is_blank(const char *);

/* str_set - replace *dst (freed) with a copy of v; NULL v clears it.
   -1 on ENOMEM, *dst unchanged */
int	 str_set(char **dst, const char *v);

/* str_path_join - name if it is absolute or dir is NULL or empty, else
   dir/name, into out; -1 when it does not fit (out is then "") */
int	 str_path_join(char *out, size_t size, const char *dir, const char *name);

/* str_parse_bool - yes/true/on/1 or no/false/off/0, any case; -1 if neither */
int	 str_parse_bool(const char *s, bool *out);

/*
 * str_parse_scaled - a decimal number with an optional unit suffix, whole
 * string: units STR_UNITS_SIZE (K, M, G: powers of 1024, any case) or
 * STR_UNITS_TIME (s, m, h, d).  -1 on junk or overflow; *bad points at
 * the first byte not understood (may be NULL).
 */
enum str_units { STR_UNITS_NONE, STR_UNITS_SIZE, STR_UNITS_TIME };
int	 str_parse_scaled(const char *s, enum str_units,
	    unsigned long long *out, const char **bad);

#endif

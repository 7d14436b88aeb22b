/*
 * strutil.c - string helpers (see strutil.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

/* str_copy - bounded copy that reports truncation */
int
str_copy(char *dst, size_t size, const char *src)
{
	return str_copyn(dst, size, src, strlen(src));
}

/* str_copyn - bounded copy of a span */
int
str_copyn(char *dst, size_t size, const char *src, size_t len)
{
	if (size == 0)
		return -1;
	if (len >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* str_trim - trim blanks in place */
char *
str_trim(char *s)
{
	char *e;

	while (is_blank((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

/* str_span_trim - trim a span */
void
str_span_trim(const char **p, size_t *len)
{
	while (*len > 0 && is_blank((unsigned char)**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

/* str_caseeq - ASCII case-insensitive equality */
bool
str_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

/* str_eqn - see strutil.h */
bool
str_eqn(const char *s, size_t len, const char *w)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (w[i] == '\0' || s[i] != w[i])
			return false;
	return w[len] == '\0';
}

/* str_caseeqn - see strutil.h */
bool
str_caseeqn(const char *s, size_t len, const char *w)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (w[i] == '\0' ||
		    tolower((unsigned char)s[i]) != tolower((unsigned char)w[i]))
			return false;
	}
	return w[len] == '\0';
}

/* str_casestr - case-insensitive substring search in a span */
const char *
str_casestr(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	if (n == 0)
		return hay;
	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++)
			if (tolower((unsigned char)hay[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		if (j == n)
			return hay + i;
	}
	return NULL;
}

/* str_has_word - case-insensitive whole-word search */
bool
str_has_word(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), off = 0;
	const char *p;

	while (off < len && (p = str_casestr(hay + off, len - off, needle))) {
		size_t at = (size_t)(p - hay);
		bool left = at == 0 || !isalnum((unsigned char)hay[at - 1]);
		bool right = at + n >= len || !isalnum((unsigned char)hay[at + n]);

		if (left && right)
			return true;
		off = at + 1;
	}
	return false;
}

/* str_lower - lower-case in place */
char *
str_lower(char *s)
{
	char *p;

	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* xstrndup - copy a span into a new string */
char *
xstrndup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* str_parse_uint - strict unsigned decimal */
int
str_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* str_is_blank - empty or blanks only */
bool
str_is_blank(const char *s)
{
	for (; *s; s++)
		if (!is_blank((unsigned char)*s))
			return false;
	return true;
}

/* str_set - replace a string */
int
str_set(char **dst, const char *v)
{
	char *n = NULL;

	if (v != NULL && (n = strdup(v)) == NULL)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

/* str_parse_bool - the words operators write for yes and no */
int
str_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	unsigned i;

	for (i = 0; yes[i] != NULL; i++) {
		if (str_caseeq(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (str_caseeq(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* unit_factor - the multiplier of a unit letter, 0 if not one */
static unsigned long long
unit_factor(char c, enum str_units units)
{
	if (units == STR_UNITS_SIZE) {
		switch (c) {
		case 'k': case 'K':
			return 1024ULL;
		case 'm': case 'M':
			return 1024ULL * 1024;
		case 'g': case 'G':
			return 1024ULL * 1024 * 1024;
		}
	} else if (units == STR_UNITS_TIME) {
		switch (c) {
		case 's':
			return 1;
		case 'm':
			return 60;
		case 'h':
			return 3600;
		case 'd':
			return 86400;
		}
	}
	return 0;
}

/* str_parse_scaled - "25M", "5m", "100" */
int
str_parse_scaled(const char *s, enum str_units units, unsigned long long *out,
    const char **bad)
{
	unsigned long long v, mult = 1;
	char *end;

	if (bad != NULL)
		*bad = s;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (bad != NULL)
		*bad = end;
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		if ((mult = unit_factor(*end, units)) == 0)
			return -1;
		if (end[1] != '\0') {
			if (bad != NULL)
				*bad = end + 1;
			return -1;
		}
	}
	if (v > ~0ULL / mult) {
		if (bad != NULL)
			*bad = s;
		return -1;
	}
	*out = v * mult;
	return 0;
}

/* str_path_join - a relative name taken from dir */
int
str_path_join(char *out, size_t size, const char *dir, const char *name)
{
	int n;

	if (name[0] == '/' || dir == NULL || dir[0] == '\0')
		n = snprintf(out, size, "%s", name);
	else
		n = snprintf(out, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

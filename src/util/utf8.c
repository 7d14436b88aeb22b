/*
 * utf8.c - UTF-8 validation and escaping (see utf8.h).
 *
 * Well-formed sequences (RFC 3629 section 4):
 *	00-7F
 *	C2-DF 80-BF
 *	E0 A0-BF 80-BF | E1-EC 80-BF 80-BF | ED 80-9F 80-BF | EE-EF 80-BF 80-BF
 *	F0 90-BF 80-BF 80-BF | F1-F3 80-BF 80-BF 80-BF | F4 80-8F 80-BF 80-BF
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static bool
cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* utf8_seq - validate one character */
size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return len >= 2 && cont(s[1]) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = 0x80, hi = 0xbf;

		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
		return len >= 3 && s[1] >= lo && s[1] <= hi && cont(s[2]) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = 0x80, hi = 0xbf;

		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		return len >= 4 && s[1] >= lo && s[1] <= hi && cont(s[2]) &&
		    cont(s[3]) ? 4 : 0;
	}
	return 0;
}

/* utf8_valid - whole span */
bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

/* utf8_escape - copy with invalid bytes escaped */
size_t
utf8_escape(const char *s, size_t len, char *out, size_t cap, bool nul_too)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	if (cap == 0)
		return 0;
	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n == 0 || (nul_too && p[i] == 0)) {
			if (o + 4 >= cap)
				break;
			snprintf(out + o, 5, "\\x%02x", p[i]);
			o += 4;
			i++;
			continue;
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return o;
}

/* utf8_escape_dup - allocate and escape */
char *
utf8_escape_dup(const char *s, size_t len, size_t *outlen)
{
	size_t cap = len * 4 + 1;
	char *out = malloc(cap);
	size_t n;

	if (out == NULL)
		return NULL;
	n = utf8_escape(s, len, out, cap, false);
	if (outlen != NULL)
		*outlen = n;
	return out;
}

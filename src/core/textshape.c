/*
 * textshape.c - the shape of a reply text (see textshape.h).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "textshape.h"
#include "xcode.h"

struct out {
	char	*buf;
	size_t	 o, max;
	bool	 full;
};

static bool
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
is_word(unsigned char c)
{
	return is_alnum(c) || c == '_';
}

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static bool
is_local(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("._%+=-", c) != NULL);
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c < 0x20 || c == 0x7f;
}

static void
put(struct out *w, char c)
{
	if (w->o < w->max)
		w->buf[w->o++] = c;
	else
		w->full = true;
}

static void
puts_(struct out *w, const char *s)
{
	while (*s)
		put(w, *s++);
}

/* star - one '*', joined with a '*' just before it ("*.*" -> "*") */
static void
star(struct out *w)
{
	if (w->o >= 1 && w->buf[w->o - 1] == '*')
		return;
	if (w->o >= 2 && w->buf[w->o - 2] == '*' &&
	    strchr(".:-_/", w->buf[w->o - 1]) != NULL) {
		w->o--;
		return;
	}
	put(w, '*');
}

/* angle - "<...>" without spaces at s[i]: its length, 0 when not one */
static size_t
angle(const char *s, size_t n, size_t i)
{
	size_t j;

	for (j = i + 1; j < n && j - i < 400; j++) {
		if (s[j] == '>')
			return j > i + 1 ? j + 1 - i : 0;
		if (is_space((unsigned char)s[j]) || s[j] == '<')
			return 0;
	}
	return 0;
}

/* address - "local@domain" at s[i]: its length, 0 when not one */
static size_t
address(const char *s, size_t n, size_t i)
{
	size_t j = i, d;

	while (j < n && is_local((unsigned char)s[j]))
		j++;
	if (j == i || j >= n || s[j] != '@')
		return 0;
	for (d = j + 1; d < n && (is_alnum((unsigned char)s[d]) ||
	    s[d] == '.' || s[d] == '-'); d++)
		;
	return d > j + 1 ? d - i : 0;
}

/* ipv6 - an IPv6 address (or a time) at s[i]: its length, 0 if none */
static size_t
ipv6(const char *s, size_t n, size_t i)
{
	size_t j, colons = 0;
	bool digit = false;

	for (j = i; j < n && (is_hex((unsigned char)s[j]) || s[j] == ':' ||
	    s[j] == '.'); j++) {
		colons += s[j] == ':';
		digit |= s[j] >= '0' && s[j] <= '9';
	}
	if (colons < 2 || !digit || (j < n && is_word((unsigned char)s[j])))
		return 0;
	return j - i;
}

/* xcode_at - an enhanced status code at s[i], kept as written */
static size_t
xcode_at(const char *s, size_t n, size_t i)
{
	struct xcode x;

	return xcode_parse(s + i, n - i, XCODE_PREFIX, &x, NULL);
}

/* provider_code - TSS04, S3150: up to 5 capitals, then up to 5 digits */
static bool
provider_code(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	if (i == 0 || i > 5 || n - i == 0 || n - i > 5)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* text_shape - see textshape.h */
size_t
text_shape(const char *s, size_t n, char *buf, size_t size)
{
	struct out w = { buf, 0, size - 1, false };
	size_t i = 0, k;

	if (w.max > TEXTSHAPE_MAX)
		w.max = TEXTSHAPE_MAX;
	while (i < n && !w.full) {
		unsigned char c = (unsigned char)s[i];
		bool start = i == 0 || !is_word((unsigned char)s[i - 1]);

		if (is_space(c)) {
			if (w.o > 0 && buf[w.o - 1] != ' ')
				put(&w, ' ');
			i++;
		} else if (c == '<' && (k = angle(s, n, i)) > 0) {
			puts_(&w, "<*>");
			i += k;
		} else if (start && (k = address(s, n, i)) > 0) {
			puts_(&w, "*@*");
			i += k;
		} else if (start && is_hex(c) && (k = ipv6(s, n, i)) > 0) {
			star(&w);
			i += k;
		} else if (start && c >= '2' && c <= '5' &&
		    (i == 0 || s[i - 1] != '.') && (k = xcode_at(s, n, i)) > 0) {
			while (k-- > 0)
				put(&w, s[i++]);
		} else if (is_word(c)) {
			bool digit = false;

			for (k = i; k < n && is_word((unsigned char)s[k]); k++)
				digit |= s[k] >= '0' && s[k] <= '9';
			if (!digit || provider_code(s + i, k - i)) {
				while (i < k)
					put(&w, s[i++]);
			} else {
				star(&w);
				i = k;
			}
		} else {
			put(&w, (char)c);
			i++;
		}
	}
	if (w.full) {
		/* cut at a space in the second half, and say so */
		size_t cut = w.max > 3 ? w.max - 3 : 0;

		for (k = cut; k > w.max / 2 && buf[k] != ' '; k--)
			;
		w.o = k > w.max / 2 ? k : cut;
		while (w.o > 0 && ((unsigned char)buf[w.o] & 0xc0) == 0x80)
			w.o--;		/* not inside a UTF-8 sequence */
		while (w.o > 0 && buf[w.o - 1] == ' ')
			w.o--;
		memcpy(buf + w.o, "...", w.max - w.o < 3 ? w.max - w.o : 3);
		w.o += w.max - w.o < 3 ? w.max - w.o : 3;
	}
	while (w.o > 0 && buf[w.o - 1] == ' ')
		w.o--;
	buf[w.o] = '\0';
	return w.o;
}

/*
 * xcode.c - RFC 3463 enhanced status code syntax (see xcode.h).
 */
#include "config.h"

#include <stdio.h>

#include "xcode.h"

static bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* number - 1*3digit without leading zeros at s[*pos] */
static enum xcode_error
number(const char *s, size_t len, size_t *pos, unsigned *out)
{
	size_t start = *pos, n = 0;
	unsigned v = 0;

	while (*pos < len && isdig(s[*pos])) {
		v = v * 10 + (unsigned)(s[*pos] - '0');
		(*pos)++;
		if (++n > 3)
			break;
	}
	if (n == 0)
		return XCODE_NO_DIGITS;
	if (n > 3 || (*pos < len && isdig(s[*pos])))
		return XCODE_TOO_LONG;
	if (n > 1 && s[start] == '0')
		return XCODE_LEADING_ZERO;
	*out = v;
	return XCODE_OK;
}

/* xcode_parse - strict (or DSN-relaxed) parse */
size_t
xcode_parse(const char *s, size_t len, int flags, struct xcode *x,
    enum xcode_error *why)
{
	enum xcode_error e, dummy;
	struct xcode tmp;
	size_t pos = 0;

	if (why == NULL)
		why = &dummy;
	if (len == 0) {
		*why = XCODE_EMPTY;
		return 0;
	}
	if (!isdig(s[0]) || ((flags & XCODE_DSN) == 0 &&
	    s[0] != '2' && s[0] != '4' && s[0] != '5')) {
		*why = XCODE_BAD_CLASS;
		return 0;
	}
	tmp.cls = (unsigned)(s[0] - '0');
	pos = 1;
	if (pos < len && isdig(s[pos])) {
		*why = XCODE_BAD_CLASS;		/* "05.7.1", "55.7.1" */
		return 0;
	}
	if (pos >= len || s[pos] != '.') {
		*why = XCODE_NO_DOT;
		return 0;
	}
	pos++;
	if ((e = number(s, len, &pos, &tmp.subject)) != XCODE_OK) {
		*why = e;
		return 0;
	}
	if (pos >= len || s[pos] != '.') {
		*why = XCODE_NO_DOT;
		return 0;
	}
	pos++;
	if ((e = number(s, len, &pos, &tmp.detail)) != XCODE_OK) {
		*why = e;
		return 0;
	}
	if (pos < len) {
		if (s[pos] == '.' || (flags & XCODE_PREFIX) == 0) {
			*why = XCODE_TRAILING;
			return 0;
		}
	}
	if (x != NULL)
		*x = tmp;
	*why = XCODE_OK;
	return pos;
}

/* xcode_error_str - explanation for users */
const char *
xcode_error_str(enum xcode_error e)
{
	switch (e) {
	case XCODE_OK:
		return "valid";
	case XCODE_EMPTY:
		return "the enhanced status code is empty";
	case XCODE_BAD_CLASS:
		return "the class (first number) must be 2, 4 or 5";
	case XCODE_NO_DOT:
		return "an enhanced status code has three numbers separated by dots (class.subject.detail)";
	case XCODE_NO_DIGITS:
		return "the subject and the detail need at least one digit";
	case XCODE_TOO_LONG:
		return "the subject and the detail have at most 3 digits";
	case XCODE_LEADING_ZERO:
		return "RFC 3463 forbids leading zeros in the subject and the detail";
	case XCODE_TRAILING:
		return "unexpected characters after the detail";
	}
	return "invalid enhanced status code";
}

/* xcode_repair - strip leading zeros to suggest a valid code */
bool
xcode_repair(const char *s, size_t len, struct xcode *x)
{
	unsigned part[3] = {0, 0, 0}, ndig[3] = {0, 0, 0};
	unsigned i = 0;
	size_t p;

	for (p = 0; p < len; p++) {
		if (s[p] == '.') {
			if (++i > 2)
				return false;
		} else if (isdig(s[p])) {
			part[i] = part[i] * 10 + (unsigned)(s[p] - '0');
			if (++ndig[i] > 6)
				return false;
		} else {
			return false;
		}
	}
	if (i != 2 || ndig[0] == 0 || ndig[1] == 0 || ndig[2] == 0)
		return false;
	if ((part[0] != 2 && part[0] != 4 && part[0] != 5) ||
	    part[1] > 999 || part[2] > 999)
		return false;
	x->cls = part[0];
	x->subject = part[1];
	x->detail = part[2];
	return true;
}

/* xcode_format - render */
char *
xcode_format(const struct xcode *x, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", x->cls, x->subject, x->detail);
	return buf;
}

/* xcode_looks_like - digits and one or two dots, starts with a digit;
   three dots make an IPv4 address ("521-192.0.2.1 blocked") */
bool
xcode_looks_like(const char *s, size_t len)
{
	unsigned dots = 0;
	size_t i;

	if (len == 0 || !isdig(s[0]))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdig(s[i]))
			return false;
	}
	return dots == 1 || dots == 2;
}

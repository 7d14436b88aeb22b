/*
 * when.c - ISO 8601 and RFC 5322 times (see when.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "when.h"

struct rd {
	const char	*p, *end;
};

static int
digits(struct rd *r, int min, int max, long *v)
{
	int n = 0;

	*v = 0;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && n < max) {
		*v = *v * 10 + (*r->p++ - '0');
		n++;
	}
	return n >= min ? 0 : -1;
}

static int
lit(struct rd *r, char c)
{
	if (r->p >= r->end || *r->p != c)
		return -1;
	r->p++;
	return 0;
}

static void
blanks(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\r' || *r->p == '\n'))
		r->p++;
}

/* epoch_ms - a broken-down UTC time, checked; -1 when out of range */
static long long
epoch_ms(long y, long mo, long d, long h, long mi, long s, long ms,
    long off_min)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm;
	time_t t;

	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || s > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)s;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	return ((long long)t - off_min * 60) * 1000 + ms;
}

/* when_iso8601 - see when.h */
long long
when_iso8601(const char *s, size_t len)
{
	struct rd r = { s, s + len };
	long y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, oh, om, off = 0;

	if (digits(&r, 4, 4, &y) < 0 || lit(&r, '-') < 0 ||
	    digits(&r, 2, 2, &mo) < 0 || lit(&r, '-') < 0 ||
	    digits(&r, 2, 2, &d) < 0)
		return -1;
	if (r.p == r.end)
		return epoch_ms(y, mo, d, 0, 0, 0, 0, 0);
	if ((*r.p != 'T' && *r.p != ' ') || (r.p++, digits(&r, 2, 2, &h)) < 0 ||
	    lit(&r, ':') < 0 || digits(&r, 2, 2, &mi) < 0)
		return -1;
	if (lit(&r, ':') == 0) {
		if (digits(&r, 2, 2, &sec) < 0)
			return -1;
		if (lit(&r, '.') == 0) {
			long frac;
			int n;
			const char *f = r.p;

			if (digits(&r, 1, 9, &frac) < 0)
				return -1;
			for (n = (int)(r.p - f); n > 3; n--)
				frac /= 10;
			for (; n < 3; n++)
				frac *= 10;
			ms = frac;
		}
	}
	if (lit(&r, 'Z') == 0) {
		off = 0;
	} else if (r.p < r.end && (*r.p == '+' || *r.p == '-')) {
		int sign = *r.p++ == '-' ? -1 : 1;

		if (digits(&r, 2, 2, &oh) < 0)
			return -1;
		lit(&r, ':');
		if (digits(&r, 2, 2, &om) < 0)
			return -1;
		off = sign * (oh * 60 + om);
	}
	return r.p == r.end ? epoch_ms(y, mo, d, h, mi, sec, ms, off) : -1;
}

/* zone - an obsolete zone name's offset in minutes; 1 when unknown */
static long
zone(const char *p, size_t n)
{
	static const struct {
		const char	*name;
		long		 off;
	} z[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 },
		{ "CDT", -300 }, { "MST", -420 }, { "MDT", -360 },
		{ "PST", -480 }, { "PDT", -420 },
	};
	size_t i;

	for (i = 0; i < sizeof z / sizeof z[0]; i++)
		if (strlen(z[i].name) == n && strncasecmp(z[i].name, p, n) == 0)
			return z[i].off;
	return 1;
}

/* when_rfc5322 - see when.h */
long long
when_rfc5322(const char *s, size_t len)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	struct rd r = { s, s + len };
	long d, y, h, mi, sec = 0, mo, off = 0, v;
	const char *m;
	int i;

	blanks(&r);
	/* an optional day name and comma */
	m = r.p;
	while (r.p < r.end && ((*r.p | 0x20) >= 'a' && (*r.p | 0x20) <= 'z'))
		r.p++;
	if (r.p > m) {
		if (lit(&r, ',') < 0)
			return -1;
	}
	blanks(&r);
	if (digits(&r, 1, 2, &d) < 0)
		return -1;
	blanks(&r);
	if (r.end - r.p < 3)
		return -1;
	for (mo = 0, i = 0; i < 12; i++)
		if (strncasecmp(r.p, months + 3 * i, 3) == 0)
			mo = i + 1;
	if (mo == 0)
		return -1;
	r.p += 3;
	while (r.p < r.end && ((*r.p | 0x20) >= 'a' && (*r.p | 0x20) <= 'z'))
		r.p++;			/* "April", "Sept" */
	blanks(&r);
	m = r.p;
	if (digits(&r, 2, 4, &y) < 0 || r.p - m == 3)
		return -1;
	if (r.p - m == 2)
		y += y < 50 ? 2000 : 1900;
	blanks(&r);
	if (digits(&r, 1, 2, &h) < 0 || lit(&r, ':') < 0 ||
	    digits(&r, 2, 2, &mi) < 0)
		return -1;
	if (lit(&r, ':') == 0 && digits(&r, 2, 2, &sec) < 0)
		return -1;
	blanks(&r);
	if (r.p < r.end && (*r.p == '+' || *r.p == '-')) {
		int sign = *r.p++ == '-' ? -1 : 1;

		if (digits(&r, 4, 4, &v) < 0)
			return -1;
		off = sign * ((v / 100) * 60 + v % 100);
	} else if (r.p < r.end) {
		m = r.p;
		while (r.p < r.end && ((*r.p | 0x20) >= 'a' &&
		    (*r.p | 0x20) <= 'z'))
			r.p++;
		if ((off = zone(m, (size_t)(r.p - m))) == 1)
			off = 0;	/* an unknown zone: "-0000", UTC */
	}
	/* a comment, "(PST)", may follow */
	return epoch_ms(y, mo, d, h, mi, sec, 0, off);
}

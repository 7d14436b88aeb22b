/*
 * logline.c - syslog line headers (see logline.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "logline.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')

/* logyear_init - the reference time, nothing cached */
void
logyear_init(struct logyear *y, time_t ref)
{
	struct tm tm;

	y->ref = ref;
	y->key = -1;
	localtime_r(&ref, &tm);
	y->year = tm.tm_year + 1900;
	y->base = 0;
}

/* digits - n digits at s into *v */
static bool
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!ISDIGIT(s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* frac_ms - ".185246" at *p: its milliseconds; *p moves past it */
static int
frac_ms(const char *s, size_t len, size_t *p)
{
	int ms = 0, k = 0;

	if (*p >= len || s[*p] != '.')
		return 0;
	for ((*p)++; *p < len && ISDIGIT(s[*p]); (*p)++)
		if (k++ < 3)
			ms = ms * 10 + (s[*p] - '0');
	while (k > 0 && k < 3) {
		ms *= 10;
		k++;
	}
	return ms;
}

/* bsd_local - the epoch of a local (month, day, hour) in the right year */
static time_t
bsd_local(struct logyear *y, int mon, int day, int hour)
{
	int key = (mon * 32 + day) * 24 + hour;
	struct tm tm;
	time_t t;

	if (key == y->key)
		return y->base;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y->year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t > y->ref + 86400) {	/* in the future: last year's */
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y->year - 1 - 1900;
		tm.tm_mon = mon;
		tm.tm_mday = day;
		tm.tm_hour = hour;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	y->key = key;
	y->base = t;
	return t;
}

/* bsd_time - "Mar  7 12:00:01" (day padded with a space, a zero, or not) */
static bool
bsd_time(const char *s, size_t len, size_t *p, struct logyear *y,
    long long *ms)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;
	size_t i = 0;
	int mon, day = 0, hh, mm, ss, f;

	if (len < 14 || s[3] != ' ')
		return false;
	for (m = months; *m; m += 3)
		if (memcmp(s, m, 3) == 0)
			break;
	if (*m == '\0')
		return false;
	mon = (int)(m - months) / 3;
	i = 4;
	if (s[i] == ' ')
		i++;
	if (!ISDIGIT(s[i]))
		return false;
	day = s[i++] - '0';
	if (i < len && ISDIGIT(s[i]))
		day = day * 10 + (s[i++] - '0');
	if (i + 9 > len || s[i] != ' ' || s[i + 3] != ':' || s[i + 6] != ':' ||
	    !digits(s + i + 1, 2, &hh) || !digits(s + i + 4, 2, &mm) ||
	    !digits(s + i + 7, 2, &ss) || day < 1 || day > 31 || hh > 23 ||
	    mm > 59 || ss > 60)
		return false;
	i += 9;
	f = frac_ms(s, len, &i);
	*ms = ((long long)bsd_local(y, mon, day, hh) + mm * 60 + ss) * 1000 + f;
	*p = i;
	return true;
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static long long
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + doe - 719468;
}

/* iso_time - "2023-03-14T00:00:31.185246+01:00", "...+0100", "...Z" */
static bool
iso_time(const char *s, size_t len, size_t *p, long long *ms)
{
	int yy, mo, dd, hh, mi, ss, f, oh = 0, om = 0, sign = 0;
	size_t i;

	if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' &&
	    s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
	    !digits(s, 4, &yy) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &dd) || !digits(s + 11, 2, &hh) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &ss) ||
	    mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 ||
	    ss > 60)
		return false;
	i = 19;
	f = frac_ms(s, len, &i);
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (i + 3 > len || !digits(s + i + 1, 2, &oh))
			return false;
		i += 3;
		if (i < len && s[i] == ':')
			i++;
		if (i + 2 <= len && digits(s + i, 2, &om))
			i += 2;
	}
	*ms = ((days_from_civil(yy, mo, dd) * 86400 + hh * 3600 + mi * 60 +
	    ss) - sign * (oh * 3600 + om * 60)) * 1000 + f;
	*p = i;
	return true;
}

/* prog_char - what a program name is made of */
static bool
prog_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ISDIGIT(c) ||
	    c == '/' || c == '-' || c == '_' || c == '.' || c == '@' || c == '+';
}

/*
 * program - "prog[pid]: " or "prog: " at s + *p; fills ll and moves *p to
 * the message.  False when the token is something else.
 */
static bool
program(const char *s, size_t len, size_t *p, struct logline *ll)
{
	size_t i = *p, start = i;
	long pid = -1;

	while (i < len && prog_char((unsigned char)s[i]))
		i++;
	if (i == start)
		return false;
	ll->prog = s + start;
	ll->proglen = i - start;
	if (i < len && s[i] == '[') {
		size_t d = ++i;

		pid = 0;
		while (i < len && ISDIGIT(s[i]) && i - d < 12)
			pid = pid * 10 + (s[i++] - '0');
		if (i == d || i >= len || s[i] != ']')
			return false;
		i++;
	}
	if (i >= len || s[i] != ':' || (i + 1 < len && s[i + 1] != ' '))
		return false;
	i++;
	if (i < len)
		i++;
	ll->pid = pid;
	*p = i;
	return true;
}

/* logline_parse - see logline.h */
bool
logline_parse(const char *s, size_t len, struct logyear *y, struct logline *ll)
{
	size_t p = 0, tok;

	memset(ll, 0, sizeof *ll);
	ll->pid = -1;
	while (p < len && (s[p] == ' ' || s[p] == '\t'))
		p++;
	/* a syslog priority, as on the wire: "<22>" */
	if (p + 2 < len && s[p] == '<' && ISDIGIT(s[p + 1])) {
		size_t q = p + 1;

		while (q < len && q - p < 5 && ISDIGIT(s[q]))
			q++;
		if (q < len && s[q] == '>')
			p = q + 1;
	}
	if (iso_time(s + p, len - p, &tok, &ll->ms) ||
	    bsd_time(s + p, len - p, &tok, y, &ll->ms)) {
		ll->has_time = true;
		p += tok;
		while (p < len && s[p] == ' ')
			p++;
	}
	/* FreeBSD's "<mail.info>" before the host */
	if (p < len && s[p] == '<') {
		const char *gt = memchr(s + p, '>', len - p);

		if (gt != NULL && gt - (s + p) < 32 && gt + 1 < s + len &&
		    gt[1] == ' ')
			p = (size_t)(gt - s) + 2;
	}
	tok = p;
	if (!program(s, len, &tok, ll)) {
		/* a host, then the program */
		size_t h = p;

		while (p < len && s[p] != ' ')
			p++;
		if (p == h || p >= len)
			return false;
		ll->host = s + h;
		ll->hostlen = p - h;
		while (p < len && s[p] == ' ')
			p++;
		tok = p;
		if (!program(s, len, &tok, ll))
			return false;
	}
	p = tok;
	/* Solaris: "[ID 801593 mail.notice] " */
	if (len - p > 5 && memcmp(s + p, "[ID ", 4) == 0) {
		const char *rb = memchr(s + p, ']', len - p);

		if (rb != NULL && rb - (s + p) < 48) {
			p = (size_t)(rb - s) + 1;
			while (p < len && s[p] == ' ')
				p++;
		}
	}
	ll->msg = s + p;
	ll->msglen = len - p;
	return true;
}

/* logline_ts - RFC 3339 UTC with milliseconds */
char *
logline_ts(long long ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	char base[32];

	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", base, (int)(ms - (long long)t * 1000));
	return buf;
}

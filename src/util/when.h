/*
 * when.h - times as logs and mail write them, into milliseconds since the
 * epoch (UTC).
 *
 *	when_iso8601	2026-11-29T09:40:12.345Z, 2026-11-29T10:40:12+01:00,
 *			2026-11-29 (midnight UTC)
 *	when_rfc5322	Thu, 29 Apr 2013 23:34:45 -0800 (PST); the day name
 *			and the seconds may be missing, a two-digit year is
 *			read as RFC 5322 says (50-99: 19xx), obsolete zone
 *			names (UT, GMT, EST, ...) are known
 *
 * Each returns -1 for a text it cannot read.  Pure, thread-safe.
 */
#ifndef ESC_WHEN_H
#define ESC_WHEN_H

#include <stddef.h>

long long when_iso8601(const char *s, size_t len);
long long when_rfc5322(const char *s, size_t len);

#endif

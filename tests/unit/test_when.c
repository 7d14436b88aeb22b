/* test_when.c - ISO 8601 and RFC 5322 times, valid and invalid. */
#include "config.h"

#include <string.h>

#include "tap.h"
#include "when.h"

int
main(void)
{
	static const struct {
		const char	*s;
		long long	 ms;
	} iso[] = {
		{ "2026-11-29T09:40:12.345Z", 1795945212345LL },
		{ "2026-11-29T09:40:12Z", 1795945212000LL },
		{ "2026-11-29T10:40:12+01:00", 1795945212000LL },
		{ "2026-11-29T04:40:12-0500", 1795945212000LL },
		{ "2026-11-29T09:40:12.3Z", 1795945212300LL },
		{ "2026-11-29T09:40:12.123456789Z", 1795945212123LL },
		{ "2026-11-29 09:40", 1795945200000LL },
		{ "2026-11-29", 1795910400000LL },
		{ "2026-11-29T", -1 }, { "2026-13-01", -1 }, { "2026-02-30", -1 },
		{ "26-11-29", -1 }, { "2026-11-29T25:00Z", -1 },
		{ "2026-11-29T09:40:12Zjunk", -1 }, { "", -1 }, { "1960-01-01", -1 },
	};
	static const struct {
		const char	*s;
		long long	 ms;
	} rfc[] = {
		{ "Thu, 29 Apr 2013 23:34:45 -0800 (PST)", 1367307285000LL },
		{ "29 Apr 2013 23:34:45 -0800", 1367307285000LL },
		{ "Thu, 29 Apr 2013 23:34 -0800", 1367307240000LL },
		{ "Thu, 29 Apr 13 23:34:45 -0800", 1367307285000LL },
		{ "Tue, 1 Jan 1980 00:00:00 GMT", 315532800000LL },
		{ "  Tue, 1 January 1980 00:00:00 EST", 315550800000LL },
		{ "Tue, 1 Jan 1980 00:00:00 +0000", 315532800000LL },
		{ "Tue, 1 Jan 1980 00:00:00", 315532800000LL },
		{ "Thu 29 Apr 2013 23:34:45 -0800", -1 },
		{ "Thu, 29 Foo 2013 23:34:45 -0800", -1 },
		{ "Thu, 29 Apr 2013", -1 }, { "", -1 },
		{ "Thu, 31 Feb 2013 10:00:00 +0000", -1 },
		{ "Thu, 29 Apr 213 10:00:00 +0000", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof iso / sizeof iso[0]; i++)
		ok(when_iso8601(iso[i].s, strlen(iso[i].s)) == iso[i].ms,
		    "iso8601 \"%s\": %lld", iso[i].s,
		    when_iso8601(iso[i].s, strlen(iso[i].s)));
	for (i = 0; i < sizeof rfc / sizeof rfc[0]; i++)
		ok(when_rfc5322(rfc[i].s, strlen(rfc[i].s)) == rfc[i].ms,
		    "rfc5322 \"%s\": %lld", rfc[i].s,
		    when_rfc5322(rfc[i].s, strlen(rfc[i].s)));
	return done_testing();
}

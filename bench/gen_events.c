/*
 * gen_events.c - write a realistic esc-milter event log for benchmarks:
 *
 *	gen_events LINES [SEED] > events.json
 *
 * Mostly "reply" events (several hosts, sources, stages, rules, codes,
 * sender domains, spread over 48 hours), some "stats" and "config"
 * events, one bad line in 10000.  Deterministic for a given seed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../tests/xrand.h"

static unsigned long long state = 88172645463325252ULL;

#define rnd(n)	xrand(&state, (n))

int
main(int argc, char **argv)
{
	static const struct {
		const char *xcode, *code, *category, *text, *reason, *rdetail;
		int cls, subject, detail;
	} codes[] = {
		{ "5.7.1", "550", "security", "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked", "\"zen.spamhaus.org\"", 5, 7, 1 },
		{ "5.7.23", "550", "security", "SPF validation failed", "authfailure", "\"SPF\"", 5, 7, 23 },
		{ "5.7.27", "550", "security", "Sender address has null MX", "rejected", "null", 5, 7, 27 },
		{ "5.1.1", "550", "addressing", "User unknown", "userunknown", "null", 5, 1, 1 },
		{ "5.1.10", "556", "addressing", "Recipient address has null MX", "notaccept", "null", 5, 1, 10 },
		{ "4.2.2", "452", "mailbox", "Mailbox full", "mailboxfull", "null", 4, 2, 2 },
		{ "5.3.4", "552", "mail-system", "Message too big", "mesgtoobig", "null", 5, 3, 4 },
		{ "4.7.25", "450", "security", "Reverse DNS failed", "requireptr", "\"reject_unknown_client_hostname\"", 4, 7, 25 },
	};
	static const char *const rules[] = { "spf-fail", "nullmx-sender", "big",
	    "rdns-missing", "blocklist" };
	static const char *const stages[] = { "connect", "helo", "mail", "rcpt",
	    "header", "eom" };
	static const char *const hosts[] = { "mx1.example.org", "mx2.example.org",
	    "mx3.example.org" };
	static const char *const domains[] = { "example.com", "spam.example",
	    "Example.NET", "mail.example.org", "caf\\u00e9.example" };
	long lines = argc > 1 ? atol(argv[1]) : 1000000, i;

	if (argc > 2)
		state += strtoull(argv[2], NULL, 10);
	for (i = 0; i < lines; i++) {
		unsigned k = rnd(100), c = rnd(8), h = rnd(48);
		int mta = rnd(4) == 0;

		if (rnd(10000) == 0) {
			printf("{\"ts\":\"2026-11-28T00:00:00.000Z\",\"event\":\"reply\",\"broken\n");
			continue;
		}
		if (k == 0) {
			printf("{\"ts\":\"2026-11-%02uT%02u:00:00.000Z\",\"event\":\"stats\","
			    "\"host\":\"%s\",\"session\":null,\"queue_id\":null,"
			    "\"final\":false,\"replies\":[],\"events_dropped\":0}\n",
			    28 + h / 24, h % 24, hosts[rnd(3)]);
			continue;
		}
		printf("{\"ts\":\"2026-11-%02uT%02u:%02u:%02u.%03uZ\",\"event\":\"reply\","
		    "\"host\":\"%s\",\"session\":\"6b0b%04x.%06x\",\"queue_id\":%s,"
		    "\"source\":\"%s\",\"action\":\"%s\",\"mode\":\"%s\",\"stage\":\"%s\","
		    "\"rule\":%s%s%s,\"client\":{\"ip\":\"192.0.2.%u\",\"name\":\"unknown\","
		    "\"helo\":\"client%u.example\"},\"sender\":\"user%u@%s\","
		    "\"recipient\":\"rcpt%u@dest.example\",\"reply\":{\"code\":\"%s\","
		    "\"xcode\":\"%s\",\"text\":\"%s\"},\"class\":%d,\"subject\":%d,"
		    "\"detail\":%d,\"category\":\"%s\",\"registered\":true,"
		    "\"registry_text\":\"%s\",\"reason\":\"%s\",\"reason_detail\":%s,"
		    "\"inferred\":false,\"findings\":[]}\n",
		    28 + h / 24, h % 24, rnd(60), rnd(60), rnd(1000), hosts[rnd(3)],
		    rnd(65536), (unsigned)i, rnd(2) ? "\"4F1A2B3C\"" : "null",
		    mta ? "mta" : "milter", codes[c].cls == 4 ? "tempfail" : "reject",
		    rnd(5) ? "enforce" : "monitor", mta ? "rcpt" : stages[rnd(6)],
		    mta ? "null" : "\"", mta ? "" : rules[rnd(5)], mta ? "" : "\"",
		    rnd(250), rnd(100), rnd(1000), domains[rnd(5)], rnd(1000),
		    codes[c].code, codes[c].xcode, codes[c].text, codes[c].cls,
		    codes[c].subject, codes[c].detail, codes[c].category,
		    codes[c].text, codes[c].reason, codes[c].rdetail);
	}
	return 0;
}

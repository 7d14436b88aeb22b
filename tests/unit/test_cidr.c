/*
 * test_cidr.c - addresses and networks: a table of what parses (and how
 * it prints), what does not (near misses: one octet too many, a prefix
 * one past the maximum), and which addresses a network holds (the
 * addresses just inside and just outside its edges).
 */
#include "config.h"

#include <sys/socket.h>

#include "cidr.h"
#include "tap.h"

static void
addresses(void)
{
	static const struct {
		const char	*in, *out;	/* out NULL: invalid */
	} t[] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
		{ "[2001:db8::1]", "2001:db8::1" },
		{ "::1", "::1" },
		{ "::", "::" },
		{ "::ffff:192.0.2.1", "192.0.2.1" },
		{ "256.0.0.1", NULL },
		{ "192.0.2", NULL },
		{ "192.0.2.1.5", NULL },
		{ "192.0.2.1 ", NULL },
		{ " 192.0.2.1", NULL },
		{ "2001:db8:::1", NULL },
		{ "12001:db8::1", NULL },
		{ "[2001:db8::1", NULL },
		{ "2001:db8::1]", NULL },
		{ "[192.0.2.1]x", NULL },
		{ "", NULL },
		{ "localhost", NULL },
	};
	struct ipaddr a;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool got = ipaddr_parse(t[i].in, &a);

		if (t[i].out == NULL) {
			ok(!got, "address \"%s\" refused", t[i].in);
			continue;
		}
		ok(got, "address \"%s\" parses", t[i].in);
		if (got)
			is_str(ipaddr_format(&a, buf, sizeof buf), t[i].out,
			    "address \"%s\" prints as %s", t[i].in, t[i].out);
	}
}

static void
networks(void)
{
	static const struct {
		const char	*net;
		bool		 valid;
		const char	*in[3], *out[3];	/* NULL-padded */
	} t[] = {
		{ "192.0.2.0/24", true, { "192.0.2.0", "192.0.2.255", "192.0.2.77" },
		    { "192.0.1.255", "192.0.3.0", "2001:db8::1" } },
		{ "192.0.2.128/25", true, { "192.0.2.128", "192.0.2.255", NULL },
		    { "192.0.2.127", "192.0.3.0", NULL } },
		{ "192.0.2.1", true, { "192.0.2.1", NULL, NULL },
		    { "192.0.2.0", "192.0.2.2", NULL } },
		{ "192.0.2.1/32", true, { "192.0.2.1", NULL, NULL },
		    { "192.0.2.2", NULL, NULL } },
		{ "0.0.0.0/0", true, { "0.0.0.0", "255.255.255.255", "10.1.2.3" },
		    { "::1", NULL, NULL } },
		{ "10.0.0.0/8", true, { "10.255.255.255", "::ffff:10.0.0.1", NULL },
		    { "11.0.0.0", "9.255.255.255", NULL } },
		{ "2001:db8::/32", true, { "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
		    { "2001:db9::", "2001:db7:ffff::", "192.0.2.1" } },
		{ "2001:db8::/33", true, { "2001:db8:7fff::1", NULL, NULL },
		    { "2001:db8:8000::", NULL, NULL } },
		{ "::/0", true, { "::1", "ffff::", NULL }, { "192.0.2.1", NULL, NULL } },
		{ "2001:db8::1/128", true, { "2001:db8::1", NULL, NULL },
		    { "2001:db8::2", NULL, NULL } },
		{ "192.0.2.0/33", false, { NULL }, { NULL } },
		{ "2001:db8::/129", false, { NULL }, { NULL } },
		{ "192.0.2.0/", false, { NULL }, { NULL } },
		{ "192.0.2.0/-1", false, { NULL }, { NULL } },
		{ "192.0.2.0/24x", false, { NULL }, { NULL } },
		{ "192.0.2.0/ 24", false, { NULL }, { NULL } },
		{ "/24", false, { NULL }, { NULL } },
		{ "300.0.0.0/8", false, { NULL }, { NULL } },
	};
	struct cidr c;
	struct ipaddr a;
	size_t i, k;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool got = cidr_parse(t[i].net, &c);

		if (!t[i].valid) {
			ok(!got, "network \"%s\" refused", t[i].net);
			continue;
		}
		ok(got, "network \"%s\" parses", t[i].net);
		for (k = 0; k < 3 && t[i].in[k] != NULL; k++)
			ok(ipaddr_parse(t[i].in[k], &a) && cidr_match(&c, &a),
			    "%s holds %s", t[i].net, t[i].in[k]);
		for (k = 0; k < 3 && t[i].out[k] != NULL; k++)
			ok(ipaddr_parse(t[i].out[k], &a) && !cidr_match(&c, &a),
			    "%s does not hold %s", t[i].net, t[i].out[k]);
	}
}

static void
lists(void)
{
	struct cidr_list l = { NULL, 0, 0 };
	struct cidr c;
	struct ipaddr a;
	char net[32];
	unsigned i;

	ipaddr_parse("192.0.2.1", &a);
	ok(!cidr_list_match(&l, &a), "an empty list holds nothing");
	for (i = 0; i < 300; i++) {
		snprintf(net, sizeof net, "10.%u.%u.0/24", i / 256, i % 256);
		cidr_parse(net, &c);
		if (cidr_list_add(&l, &c) < 0)
			break;
	}
	is_int(l.n, 300, "300 networks added (the list grows)");
	ipaddr_parse("10.1.43.9", &a);		/* network 299 */
	ok(cidr_list_match(&l, &a), "the last network matches");
	ipaddr_parse("10.1.44.9", &a);
	ok(!cidr_list_match(&l, &a), "one past it does not");
	cidr_list_free(&l);
	is_int(l.n, 0, "freed: empty");
}

int
main(void)
{
	addresses();
	networks();
	lists();
	return done_testing();
}

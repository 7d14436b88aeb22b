/* test_match.c - addresses, networks and string sets. */
#include "config.h"

#include <arpa/inet.h>

#include "cidr.h"
#include "strset.h"
#include "tap.h"

static const struct {
	const char	*net, *ip;
	int		 in;
} nets[] = {
	{ "192.0.2.0/24", "192.0.2.255", 1 },
	{ "192.0.2.0/24", "192.0.3.0", 0 },
	{ "192.0.2.7/24", "192.0.2.1", 1 },	/* host bits cleared */
	{ "192.0.2.1", "192.0.2.1", 1 },
	{ "192.0.2.1", "192.0.2.2", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "10.0.0.0/9", "10.127.255.255", 1 },
	{ "10.0.0.0/9", "10.128.0.0", 0 },
	{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
	{ "2001:db8::/33", "2001:db8:8000::1", 0 },
	{ "::/0", "::1", 1 },
	{ "::/0", "127.0.0.1", 0 },
	{ "192.0.2.0/24", "::ffff:192.0.2.9", 1 },	/* mapped -> IPv4 */
	{ "[2001:db8::1]", "2001:db8::1", 1 },
};

static const char *const bad_nets[] = {
	"300.1.1.1", "192.0.2.0/33", "2001:db8::/129", "abc", "", "1.2.3.4/",
	"1.2.3.4/-1", "1.2.3.4/x",
};

int
main(void)
{
	struct cidr c;
	struct ipaddr ip;
	struct cidr_list l = { 0 };
	struct strset *s;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof nets / sizeof nets[0]; i++) {
		ok(cidr_parse(nets[i].net, &c), "parse %s", nets[i].net);
		ok(ipaddr_parse(nets[i].ip, &ip), "parse %s", nets[i].ip);
		is_int(cidr_match(&c, &ip), nets[i].in, "%s in %s", nets[i].ip,
		    nets[i].net);
	}
	for (i = 0; i < sizeof bad_nets / sizeof bad_nets[0]; i++)
		ok(!cidr_parse(bad_nets[i], &c), "invalid network \"%s\"", bad_nets[i]);
	ok(ipaddr_parse("[IPv6:2001:db8::1]", &ip) && ip.family == AF_INET6,
	    "Sendmail's [IPv6:...] form");
	ipaddr_parse("::ffff:192.0.2.9", &ip);
	is_str(ipaddr_format(&ip, buf, sizeof buf), "192.0.2.9", "mapped address shown as IPv4");
	cidr_parse("10.0.0.0/8", &c);
	cidr_list_add(&l, &c);
	cidr_parse("2001:db8::/32", &c);
	cidr_list_add(&l, &c);
	ipaddr_parse("2001:db8::9", &ip);
	ok(cidr_list_match(&l, &ip), "list match");
	ipaddr_parse("11.0.0.1", &ip);
	ok(!cidr_list_match(&l, &ip), "list miss");
	cidr_list_free(&l);

	s = strset_new();
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "Host%zu.Example", i);
		strset_add(s, buf, strlen(buf));
	}
	strset_add(s, "host5.example", 13);	/* duplicate, other case */
	is_int(strset_count(s), 1000, "1000 entries, duplicates folded");
	ok(strset_has(s, "HOST999.EXAMPLE", 15), "case-insensitive lookup");
	ok(!strset_has(s, "host1000.example", 16), "absent");
	ok(!strset_has(s, "host1.exampl", 12), "prefix is not a match");
	ok(strset_has(s, "host1.example.trailing", 13), "length is explicit");
	strset_free(s);
	strset_free(NULL);
	return done_testing();
}

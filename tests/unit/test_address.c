/* test_address.c - envelope addresses as MTAs pass them. */
#include "config.h"

#include <stdlib.h>

#include "address.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*in, *strip, *domain;
	} t[] = {
		{ "<a@example.org>", "a@example.org", "example.org" },
		{ "a@example.org", "a@example.org", "example.org" },
		{ "  <a@Example.ORG>  ", "a@Example.ORG", "example.org" },
		{ "<>", "", "" },
		{ "", "", "" },
		{ "<a@example.org.>", "a@example.org.", "example.org" },
		{ "<a@example.org...>", "a@example.org...", "example.org" },
		{ "<\"x@y\"@example.org>", "\"x@y\"@example.org", "example.org" },
		{ "<postmaster>", "postmaster", "" },
		{ "<a@>", "a@", "" },
		{ "<<a@b>>", "<a@b>", "b>" },
		{ "<a@b", "<a@b", "b" },
		{ "a@b>", "a@b>", "b>" },
		{ "<", "<", "" },
		{ "\t<a@b.c>\r\n", "a@b.c", "b.c" },
	};
	size_t i;
	char *s, *d;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = address_strip(t[i].in);
		d = s ? address_domain(s) : NULL;
		is_str(s, t[i].strip, "strip \"%s\"", t[i].in);
		is_str(d, t[i].domain, "domain of \"%s\"", t[i].in);
		free(s);
		free(d);
	}
	s = address_strip(NULL);
	is_str(s, "", "NULL: empty");
	free(s);
	return done_testing();
}

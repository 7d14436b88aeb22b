/*
 * test_strset.c - the set behind "in FILE": case-insensitive, exact (no
 * prefix or suffix matches), duplicates counted once, lengths explicit
 * (NUL bytes are part of a string), thousands of entries.
 */
#include "config.h"

#include <stdlib.h>

#include "strset.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*probe;
		bool		 want;
	} t[] = {
		{ "example.org", true },
		{ "EXAMPLE.ORG", true },
		{ "Example.Org", true },
		{ "example.or", false },
		{ "example.org.", false },
		{ "xexample.org", false },
		{ "sub.example.org", false },
		{ "", false },
		{ "user@example.net", true },
		{ "user@example.ne", false },
		{ "a", true },
		{ "b", false },
	};
	struct strset *s = strset_new();
	char key[32];
	size_t i, n;

	ok(s != NULL, "a new set");
	is_int(strset_count(s), 0, "empty");
	ok(!strset_has(s, "x", 1), "an empty set holds nothing");
	strset_add(s, "Example.ORG", 11);
	strset_add(s, "user@example.net", 16);
	strset_add(s, "a", 1);
	strset_add(s, "example.org", 11);	/* the same, another case */
	is_int(strset_count(s), 3, "duplicates (any case) counted once");
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(strset_has(s, t[i].probe, strlen(t[i].probe)), t[i].want,
		    "\"%s\" %s", t[i].probe, t[i].want ? "in" : "not in");
	ok(strset_has(s, "example.orgXYZ", 11), "the length given is what counts");
	strset_add(s, "nul\0inside", 10);
	ok(strset_has(s, "nul\0inside", 10), "a NUL byte is part of a string");
	ok(!strset_has(s, "nul", 3), "and not its end");
	for (n = 0; n < 20000; n++) {
		snprintf(key, sizeof key, "host%zu.example", n);
		if (strset_add(s, key, strlen(key)) < 0)
			break;
	}
	is_int(strset_count(s), 20004, "20,000 more entries (the table grows)");
	ok(strset_has(s, "HOST19999.example", 17), "the last one is found");
	ok(!strset_has(s, "host20000.example", 17), "one past it is not");
	ok(strset_has(s, "example.org", 11), "the first ones are still there");
	strset_free(s);
	strset_free(NULL);
	ok(1, "strset_free(NULL) is fine");
	return done_testing();
}

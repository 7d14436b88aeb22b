/* test_basic.c - registry basic-code cells and reply code meanings. */
#include "config.h"

#include "basic.h"
#include "tap.h"

static const struct {
	const char	*cell;
	const char	*formatted;
	unsigned	 flags;
	int		 nbad;
} cells[] = {
	{ "451, 550", "451, 550", 0, 0 },
	{ "451/550", "451, 550", 0, 0 },
	{ "250 or 251", "250, 251", 0, 0 },
	{ "5XX", "5XX", BASIC_WILD(5), 0 },
	{ "Any", "any", BASIC_ANY, 0 },
	{ "Not given", "not given", BASIC_NOT_GIVEN, 0 },
	{ ".", "not given", BASIC_NOT_GIVEN, 0 },
	{ "", "not given", BASIC_NOT_GIVEN, 0 },
	{ "450, 550 (other 4XX or 5XX codes are allowed)",
	  "450, 550, other 4XX/5XX allowed", BASIC_OTHERS_OK, 0 },
	{ "552 (other 4XX or 5XX codes are allowed)",
	  "552, other 4XX/5XX allowed", BASIC_OTHERS_OK, 0 },
	{ "220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501,\n502, 503, 554",
	  "220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501, 502, 503, 554", 0, 0 },
	{ "553, 550", "550, 553", 0, 0 },
	{ "550, 550", "550", 0, 0 },
	{ "550, foo", "550", 0, 1 },
	{ "600", "not given", BASIC_NOT_GIVEN, 1 },
	{ "(just a remark)", "not given", BASIC_NOT_GIVEN, 1 },
};

static const struct {
	const char	*cell;
	unsigned	 code;
	int		 allowed;
} allows[] = {
	{ "552", 552, 1 },
	{ "552", 452, 1 },	/* after mapping the class digit */
	{ "552", 550, 0 },
	{ "451, 550", 450, 1 },
	{ "451, 550", 554, 0 },
	{ "5XX", 554, 1 },
	{ "5XX", 451, 1 },
	{ "Any", 599, 1 },
	{ "Not given", 421, 1 },
	{ "450, 550 (other 4XX or 5XX codes are allowed)", 554, 1 },
	{ "550", 550, 1 },
};

int
main(void)
{
	struct basic_set set;
	char buf[200], bad[32];
	size_t i;
	int nbad;

	for (i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		nbad = basic_parse(cells[i].cell, &set, bad, sizeof bad);
		is_int(nbad, cells[i].nbad, "\"%s\": unreadable tokens", cells[i].cell);
		is_str(basic_format(&set, buf, sizeof buf), cells[i].formatted,
		    "\"%s\": formatted", cells[i].cell);
		is_int(set.flags, cells[i].flags, "\"%s\": flags", cells[i].cell);
	}
	basic_parse("550, foo", &set, bad, sizeof bad);
	is_str(bad, "foo", "first unreadable token reported");

	for (i = 0; i < sizeof allows / sizeof allows[0]; i++) {
		basic_parse(allows[i].cell, &set, NULL, 0);
		is_int(basic_allows(&set, allows[i].code), allows[i].allowed,
		    "\"%s\" allows %u", allows[i].cell, allows[i].code);
	}

	basic_parse("552", &set, NULL, 0);
	is_str(basic_for_class(&set, 4, buf, sizeof buf), "452", "552 mapped to class 4");
	is_int(basic_first_for_class(&set, 4), 452, "first for class 4");
	basic_parse("451/550", &set, NULL, 0);
	is_str(basic_for_class(&set, 4, buf, sizeof buf), "451, 450",
	    "own class first, then mapped");
	is_int(basic_first_for_class(&set, 5), 550, "first for class 5");
	basic_parse("250", &set, NULL, 0);
	is_str(basic_for_class(&set, 5, buf, sizeof buf), "",
	    "a success code does not map to a failure");
	is_int(basic_first_for_class(&set, 5), 0, "none for class 5");

	ok(basic_syntax_ok("550", 3), "550 is a reply code");
	ok(basic_syntax_ok("250", 3), "250 is a reply code");
	ok(!basic_syntax_ok("571", 3), "571: second digit 7");
	ok(!basic_syntax_ok("650", 3), "650: first digit 6");
	ok(!basic_syntax_ok("150", 3), "150: first digit 1");
	ok(!basic_syntax_ok("55", 2), "two digits");
	ok(basic_meaning(550) != NULL && basic_meaning(556) != NULL, "meanings");
	ok(basic_meaning(599) == NULL, "no meaning for 599");
	is_str(basic_source(521), "RFC 7504", "521 from RFC 7504");
	ok(strstr(basic_class_meaning(4), "temporary") != NULL, "class 4");
	return done_testing();
}

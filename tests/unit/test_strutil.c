/* test_strutil.c - string helpers. */
#include "config.h"

#include "strutil.h"
#include "tap.h"

int
main(void)
{
	char buf[8], s[32];
	const char *p;
	size_t len;
	unsigned long v;

	is_int(str_copy(buf, sizeof buf, "abc"), 0, "copy fits");
	is_str(buf, "abc", "copy content");
	is_int(str_copy(buf, sizeof buf, "abcdefghij"), -1, "copy truncates");
	is_str(buf, "abcdefg", "truncated copy terminated");
	is_int(str_copyn(buf, 1, "x", 1), -1, "size 1 truncates");
	is_str(buf, "", "size 1 empty");

	strcpy(s, " \t x y \r\n");
	is_str(str_trim(s), "x y", "trim");
	p = "  ab  ";
	len = strlen(p);
	str_span_trim(&p, &len);
	ok(len == 2 && p[0] == 'a', "span trim");

	ok(str_caseeq("Foo", "fOO"), "caseeq");
	ok(!str_caseeq("Foo", "Foob"), "caseeq length");
	ok(str_caseeqn("ANY,", 3, "any"), "caseeqn");
	ok(!str_caseeqn("an", 2, "any"), "caseeqn prefix");
	ok(str_caseeqn(NULL, 0, ""), "caseeqn: an empty span may be NULL");
	ok(str_eqn("any,", 3, "any"), "eqn");
	ok(!str_eqn("ANY", 3, "any"), "eqn is case-sensitive");
	ok(!str_eqn("an", 2, "any"), "eqn prefix");
	ok(!str_eqn("anyx", 4, "any"), "eqn longer");
	ok(!str_eqn("a\0y", 3, "a"), "eqn: a NUL inside the span");
	ok(str_eqn(NULL, 0, ""), "eqn: an empty span may be NULL");
	ok(!str_eqn(NULL, 0, "x"), "eqn: empty against a word");
	ok(str_casestr("xxSPFyy", 7, "spf") != NULL, "casestr");
	ok(str_casestr("xxSP", 4, "spf") == NULL, "casestr bounded");

	ok(str_has_word("SPF check failed", 16, "spf"), "word at start");
	ok(str_has_word("failed: spf", 11, "SPF"), "word at end");
	ok(!str_has_word("SPFX failed", 11, "SPF"), "not a word");
	ok(!str_has_word("search", 6, "arc"), "arc inside a word");
	ok(str_has_word("ARC validation", 14, "arc"), "arc as a word");
	ok(str_has_word("no reverse DNS here", 19, "reverse DNS"), "two words");

	ok(str_parse_uint("42", 100, &v) == 0 && v == 42, "uint");
	ok(str_parse_uint("101", 100, &v) < 0, "uint max");
	ok(str_parse_uint("-1", 100, &v) < 0, "uint sign");
	ok(str_parse_uint("4x", 100, &v) < 0, "uint junk");
	ok(str_parse_uint("", 100, &v) < 0, "uint empty");

	ok(str_is_blank(" \t"), "blank");
	ok(!str_is_blank(" x"), "not blank");
	strcpy(s, "MiXeD");
	is_str(str_lower(s), "mixed", "lower");
	return done_testing();
}

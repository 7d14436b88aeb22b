/* test_utf8.c - UTF-8 validation and escaping of hostile bytes. */
#include "config.h"

#include "tap.h"
#include "utf8.h"

static const struct {
	const char	*in;
	size_t		 len;
	int		 valid;
	const char	*escaped;
} cases[] = {
	{ "plain", 5, 1, "plain" },
	{ "caf\xc3\xa9", 5, 1, "caf\xc3\xa9" },
	{ "\xe2\x82\xac", 3, 1, "\xe2\x82\xac" },
	{ "\xf0\x9f\x98\x80", 4, 1, "\xf0\x9f\x98\x80" },
	{ "a\xff" "b", 3, 0, "a\\xffb" },
	{ "\xc3", 1, 0, "\\xc3" },			/* truncated */
	{ "\xc0\xaf", 2, 0, "\\xc0\\xaf" },		/* overlong */
	{ "\xed\xa0\x80", 3, 0, "\\xed\\xa0\\x80" },	/* surrogate */
	{ "\xf4\x90\x80\x80", 4, 0, "\\xf4\\x90\\x80\\x80" },	/* > U+10FFFF */
	{ "\xe0\x80\x80", 3, 0, "\\xe0\\x80\\x80" },	/* overlong 3-byte */
	{ "a\0b", 3, 1, "a\\x00b" },			/* NUL, escaped on request */
};

int
main(void)
{
	char out[64];
	size_t i, n;
	char *d;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		is_int(utf8_valid(cases[i].in, cases[i].len), cases[i].valid,
		    "case %zu validity", i);
		n = utf8_escape(cases[i].in, cases[i].len, out, sizeof out, true);
		is_str(out, cases[i].escaped, "case %zu escaped", i);
		ok(utf8_valid(out, n), "case %zu escaped output is valid", i);
	}
	/* Never split a character when the output is full. */
	n = utf8_escape("ab\xc3\xa9", 4, out, 4, false);
	is_str(out, "ab", "a character that does not fit is left out");
	n = utf8_escape("a\xff", 2, out, 4, false);
	is_str(out, "a", "an escape that does not fit is left out");
	d = utf8_escape_dup("x\x80y", 3, &n);
	is_str(d, "x\\x80y", "dup");
	is_int(n, 6, "dup length");
	free(d);
	return done_testing();
}

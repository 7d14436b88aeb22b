/* test_xcode.c - RFC 3463 enhanced status code syntax, valid and invalid. */
#include "config.h"

#include "tap.h"
#include "xcode.h"

static const struct {
	const char	*in;
	int		 flags;
	unsigned	 cls, subject, detail;
	size_t		 consumed;
} valid[] = {
	{ "5.7.1", 0, 5, 7, 1, 5 },
	{ "4.2.2", 0, 4, 2, 2, 5 },
	{ "2.0.0", 0, 2, 0, 0, 5 },
	{ "5.7.30", 0, 5, 7, 30, 6 },
	{ "5.1.10", 0, 5, 1, 10, 6 },
	{ "5.7.606", 0, 5, 7, 606, 7 },
	{ "5.999.999", 0, 5, 999, 999, 9 },
	{ "5.7.1 text", XCODE_PREFIX, 5, 7, 1, 5 },
	{ "3.1.1", XCODE_DSN, 3, 1, 1, 5 },
	{ "9.0.0", XCODE_DSN, 9, 0, 0, 5 },
};

static const struct {
	const char		*in;
	int			 flags;
	enum xcode_error	 why;
} invalid[] = {
	{ "", 0, XCODE_EMPTY },
	{ "6.0.0", 0, XCODE_BAD_CLASS },
	{ "3.1.1", 0, XCODE_BAD_CLASS },
	{ "05.7.1", 0, XCODE_BAD_CLASS },
	{ "55.7.1", 0, XCODE_BAD_CLASS },
	{ "x.7.1", 0, XCODE_BAD_CLASS },
	{ "5.07.1", 0, XCODE_LEADING_ZERO },
	{ "5.7.01", 0, XCODE_LEADING_ZERO },
	{ "5.7.001", 0, XCODE_LEADING_ZERO },
	{ "5.00.0", 0, XCODE_LEADING_ZERO },
	{ "5.7.1000", 0, XCODE_TOO_LONG },
	{ "5.1000.1", 0, XCODE_TOO_LONG },
	{ "5.7", 0, XCODE_NO_DOT },
	{ "5", 0, XCODE_NO_DOT },
	{ "5.7.", 0, XCODE_NO_DIGITS },
	{ "5..1", 0, XCODE_NO_DIGITS },
	{ "5.7.1.", 0, XCODE_TRAILING },
	{ "5.7.1.2", XCODE_PREFIX, XCODE_TRAILING },
	{ "5.7.1 ", 0, XCODE_TRAILING },
	{ "5.7.1x", 0, XCODE_TRAILING },
	{ " 5.7.1", 0, XCODE_BAD_CLASS },
};

int
main(void)
{
	struct xcode x;
	enum xcode_error why;
	char buf[XCODE_STRLEN];
	size_t i, n;

	for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		n = xcode_parse(valid[i].in, strlen(valid[i].in), valid[i].flags,
		    &x, &why);
		is_int(n, valid[i].consumed, "valid \"%s\" consumed", valid[i].in);
		ok(x.cls == valid[i].cls && x.subject == valid[i].subject &&
		    x.detail == valid[i].detail, "valid \"%s\" parts", valid[i].in);
	}
	for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		n = xcode_parse(invalid[i].in, strlen(invalid[i].in),
		    invalid[i].flags, &x, &why);
		is_int(n, 0, "invalid \"%s\" rejected", invalid[i].in);
		is_int(why, invalid[i].why, "invalid \"%s\" reason", invalid[i].in);
		ok(xcode_error_str(why)[0] != '\0', "reason has a message");
	}

	/* Explicit lengths: bytes after len are not read. */
	is_int(xcode_parse("5.7.12", 5, 0, &x, NULL), 5, "length bounds the parse");
	is_int(x.detail, 1, "detail within length");

	/* Repair for "did you mean". */
	ok(xcode_repair("05.07.001", 9, &x) && x.cls == 5 && x.subject == 7 &&
	    x.detail == 1, "repair strips leading zeros");
	ok(!xcode_repair("6.0.0", 5, &x), "repair cannot fix the class");
	ok(!xcode_repair("5.7.1000", 8, &x), "repair cannot fix 4 digits");
	ok(!xcode_repair("5.7", 3, &x), "repair needs three parts");

	x.cls = 4; x.subject = 7; x.detail = 25;
	is_str(xcode_format(&x, buf, sizeof buf), "4.7.25", "format");

	ok(xcode_looks_like("5.7.1000", 8), "looks like: digits and dots");
	ok(xcode_looks_like("5.7", 3), "looks like: a partial code");
	ok(!xcode_looks_like("550", 3), "no dot: not a code");
	ok(!xcode_looks_like("5.7.1a", 6), "letters: not a code");
	ok(!xcode_looks_like(".5.7", 4), "must start with a digit");
	ok(!xcode_looks_like("", 0), "empty");
	ok(!xcode_looks_like("71.84.17.139", 12), "an IPv4 address is not a code");
	ok(!xcode_looks_like("5.7.1.2", 7), "three dots: not a code");
	return done_testing();
}

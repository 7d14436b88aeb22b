/* test_textshape.c - the shape of reply texts (esc report --by text). */
#include "config.h"

#include <string.h>

#include "tap.h"
#include "textshape.h"

static const struct {
	const char *in, *out;
} cases[] = {
	/* Postfix's own texts, as clients see them */
	{ "Service unavailable; Client host [192.0.2.77] blocked using "
	  "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.77",
	  "Service unavailable; Client host [*] blocked using zen.spamhaus.org; "
	  "https://www.spamhaus.org/query/ip/*" },
	{ "<nobody@example.com>: Recipient address rejected: User unknown in "
	  "virtual mailbox table",
	  "<*>: Recipient address rejected: User unknown in virtual mailbox table" },
	{ "<WIN-7H2K9>: Helo command rejected: need fully-qualified hostname",
	  "<*>: Helo command rejected: need fully-qualified hostname" },
	{ "Client host rejected: cannot find your reverse hostname, [2001:db8::25]",
	  "Client host rejected: cannot find your reverse hostname, [*]" },
	{ "<u@x.example>: Relay access denied",
	  "<*>: Relay access denied" },
	{ "too many connections from 192.0.2.1", "too many connections from *" },
	/* queue ids, counts, host names with digits */
	{ "Reject, id=00001-01 - spam", "Reject, id=* - spam" },
	{ "Message 4F1A2B3C rejected after 12 recipients",
	  "Message * rejected after * recipients" },
	{ "mail-oi1-f171.google.com said no", "mail-*.google.com said no" },
	{ "Access denied [BN8NAM12FT045.eop-nam12.prod.protection.outlook.com]",
	  "Access denied [*.eop-*.prod.protection.outlook.com]" },
	/* kept: enhanced codes and providers' own codes */
	{ "5.7.1 Service unavailable, Client host [198.51.100.4] blocked using "
	  "Spamhaus. (AS3140)",
	  "5.7.1 Service unavailable, Client host [*] blocked using Spamhaus. "
	  "(AS3140)" },
	{ "[TSS04] Messages from 192.0.2.9 temporarily deferred",
	  "[TSS04] Messages from * temporarily deferred" },
	{ "Our system has detected ... 4.7.28 gsmtp d9443c01a7336-2a1sm4",
	  "Our system has detected ... 4.7.28 gsmtp *" },
	{ "550-5.7.26 This mail is unauthenticated",
	  "*-5.7.26 This mail is unauthenticated" },
	{ "version 5.7.1.2 here", "version * here" },
	/* addresses without brackets */
	{ "mailbox bob.smith+x@example.org is full",
	  "mailbox *@* is full" },
	{ "User unknown: a_b@sub.example.co.uk;", "User unknown: *@*;" },
	/* white space, control bytes, UTF-8 */
	{ "  a\t\tb \r\n c  ", "a b c" },
	{ "caf\xc3\xa9 ferm\xc3\xa9", "caf\xc3\xa9 ferm\xc3\xa9" },
	{ "", "" },
	{ "<>", "<>" },
	{ "a < b > c", "a < b > c" },
	{ "12:30:45 too late", "* too late" },
};

int
main(void)
{
	char buf[TEXTSHAPE_MAX + 1], small[16], longin[1000];
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = text_shape(cases[i].in, strlen(cases[i].in), buf, sizeof buf);
		is_str(buf, cases[i].out, "%s", cases[i].in);
		ok(n == strlen(buf), "length of %s", cases[i].in);
	}
	/* a long text is cut at a space, and says so */
	for (i = 0; i + 6 < sizeof longin; i += 6)
		memcpy(longin + i, "words ", 6);
	longin[i] = '\0';
	n = text_shape(longin, strlen(longin), buf, sizeof buf);
	ok(n <= TEXTSHAPE_MAX, "long text cut to the maximum (%zu)", n);
	ok(n > TEXTSHAPE_MAX / 2 && strcmp(buf + n - 8, "words...") == 0,
	    "cut at a word, with an ellipsis: %s", buf + n - 10);
	n = text_shape(longin, strlen(longin), small, sizeof small);
	is_str(small, "words words...", "cut to a small buffer");
	/* never inside a UTF-8 sequence */
	memset(longin, 0, sizeof longin);
	for (i = 0; i + 2 < 600; i += 2)
		memcpy(longin + i, "\xc3\xa9", 2);
	n = text_shape(longin, strlen(longin), buf, sizeof buf);
	ok(n <= TEXTSHAPE_MAX && (n - 3) % 2 == 0 &&
	    strcmp(buf + n - 5, "\xc3\xa9...") == 0,
	    "cut between UTF-8 characters");
	/* NUL bytes inside are white space */
	n = text_shape("a\0b", 3, buf, sizeof buf);
	is_str(buf, "a b", "NUL is a space");
	return done_testing();
}

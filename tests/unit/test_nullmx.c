/*
 * test_nullmx.c - RFC 7505 from DNS answers built here byte by byte: a
 * single MX 0 "." is a null MX; its near misses (preference 10, a second
 * MX beside it, exchange "mx.") are not; an answer without MX records and
 * a cut or garbled one are not either (a failure is never a null MX); the
 * names worth asking about.  The lookups themselves run against a DNS
 * server on loopback in tests/e2e/t-postfix-nullmx.sh.
 */
#include "config.h"

#include <stdint.h>

#include "nullmx.h"
#include "tap.h"

struct msg {
	unsigned char	b[512];
	int		n;
};

static void
put16(struct msg *m, unsigned v)
{
	m->b[m->n++] = (unsigned char)(v >> 8);
	m->b[m->n++] = (unsigned char)v;
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* name - "example.org" in labels ("" is the root) */
static void
name(struct msg *m, const char *s)
{
	while (*s) {
		const char *d = strchr(s, '.');
		size_t l = d ? (size_t)(d - s) : strlen(s);

		m->b[m->n++] = (unsigned char)l;
		memcpy(m->b + m->n, s, l);
		m->n += (int)l;
		s += l + (d != NULL);
	}
	m->b[m->n++] = 0;
}

/* answer - a response to "MX example.org" with n records */
static void
answer(struct msg *m, unsigned n)
{
	m->n = 0;
	put16(m, 0x1234);		/* id */
	put16(m, 0x8180);		/* response, RD, RA, NOERROR */
	put16(m, 1);			/* one question */
	put16(m, n);			/* answers */
	put16(m, 0);
	put16(m, 0);
	name(m, "example.org");
	put16(m, 15);			/* MX */
	put16(m, 1);			/* IN */
}

/* rr - one record: type, ttl, then an MX's preference and exchange */
static void
rr(struct msg *m, unsigned type, uint32_t ttl, unsigned pref, const char *exch)
{
	int len_at;

	put16(m, 0xc00c);		/* the question's name */
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	len_at = m->n;
	put16(m, 0);
	put16(m, pref);
	name(m, exch);
	m->b[len_at] = (unsigned char)((m->n - len_at - 2) >> 8);
	m->b[len_at + 1] = (unsigned char)(m->n - len_at - 2);
}

static void
answers(void)
{
	struct msg m;
	unsigned ttl;

	answer(&m, 1);
	rr(&m, 15, 900, 0, "");
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_YES, "one MX 0 \".\": null MX");
	is_int(ttl, 900, "cached for its TTL");

	answer(&m, 1);
	rr(&m, 15, 900, 10, "");
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_NO, "MX 10 \".\": not null (preference)");

	answer(&m, 1);
	rr(&m, 15, 900, 0, "mx.example.org");
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_NO, "MX 0 mx.example.org: not null");

	answer(&m, 2);
	rr(&m, 15, 900, 0, "");
	rr(&m, 15, 900, 10, "mx.example.org");
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_NO, "MX 0 \".\" beside another MX: not null");

	answer(&m, 2);
	rr(&m, 5, 900, 0, "alias.example.org");	/* a CNAME-shaped record */
	rr(&m, 15, 900, 0, "");
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_YES, "other record types are ignored");

	answer(&m, 0);
	is_int(nullmx_answer(m.b, m.n, &ttl), NULLMX_NO, "no MX record: not null");
	is_int(ttl, 300, "negative answers cached 5 minutes");

	answer(&m, 1);
	rr(&m, 15, 5, 0, "");
	nullmx_answer(m.b, m.n, &ttl);
	is_int(ttl, 60, "a tiny TTL is raised to 60 s");
	answer(&m, 1);
	rr(&m, 15, 864000, 0, "");
	nullmx_answer(m.b, m.n, &ttl);
	is_int(ttl, 3600, "a huge TTL is lowered to an hour");

	answer(&m, 1);
	rr(&m, 15, 900, 0, "");
	is_int(nullmx_answer(m.b, 20, &ttl), NULLMX_ERROR, "a cut answer: error, not null");
	is_int(nullmx_answer(m.b, 5, &ttl), NULLMX_ERROR, "a cut header: error");
	answer(&m, 3);			/* says 3 answers, has 1 */
	rr(&m, 15, 900, 0, "");
	nullmx_answer(m.b, m.n, &ttl);
	ok(1,
	    "a count larger than the records: no crash");
	memset(m.b, 0xff, sizeof m.b);
	is_int(nullmx_answer(m.b, 64, &ttl), NULLMX_ERROR, "garbage: error");
}

static void
names(void)
{
	static const struct {
		const char	*in, *out;	/* out NULL: refused */
	} t[] = {
		{ "example.org", "example.org" },
		{ "Example.ORG.", "example.org" },
		{ "_dmarc.example.org", "_dmarc.example.org" },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
		{ "a-b.example", "a-b.example" },
		{ "", NULL },
		{ ".", NULL },
		{ "..", NULL },
		{ "a..b", NULL },
		{ ".example.org", NULL },
		{ "exa mple.org", NULL },
		{ "ex@mple.org", NULL },
		{ "caf\xc3\xa9.example", NULL },
	};
	char out[256], big[300];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool got = nullmx_name(t[i].in, out, sizeof out);

		if (t[i].out == NULL)
			ok(!got, "name \"%s\" not asked about", t[i].in);
		else
			ok(got && strcmp(out, t[i].out) == 0, "name \"%s\" asked as %s",
			    t[i].in, t[i].out);
	}
	memset(big, 'a', 253);
	big[253] = '\0';
	ok(nullmx_name(big, out, sizeof out), "253 characters: asked");
	big[253] = 'a';
	big[254] = '\0';
	ok(!nullmx_name(big, out, sizeof out), "254 characters: too long");
}

int
main(void)
{
	answers();
	names();
	return done_testing();
}

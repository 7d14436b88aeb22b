/*
 * test_mime.c - just enough MIME for DSNs: decoding (base64 and
 * quoted-printable, with the junk real bounces carry), Content-Type and
 * its parameters, header unfolding, the walk through multipart bodies
 * (near misses: a line that only starts with the boundary, a boundary
 * that is not there, no closing boundary) and its bounds on depth and
 * parts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "tap.h"

static void
test_decode(void)
{
	static const struct {
		const char *cte, *in, *out;
	} t[] = {
		{ "base64", "U3RhdHVzOiA1LjEuMQ==", "Status: 5.1.1" },
		{ " BASE64 ", "U3Rh\r\ndHVz\nOiA1LjEuMQ==", "Status: 5.1.1" },
		{ "base64", "U3Rh*dHVz", "Status" },		/* junk skipped */
		{ "base64", "", "" },
		{ "quoted-printable", "a=3Db", "a=b" },
		{ "Quoted-Printable", "5.7.=\n26", "5.7.26" },	/* soft break */
		{ "quoted-printable", "5.7.=\r\n26", "5.7.26" },
		{ "quoted-printable", "x=zz", "x=zz" },	/* lenient */
		{ "quoted-printable", "end=", "end=" },
		{ "7bit", "as is=3D", "as is=3D" },
		{ NULL, "no encoding", "no encoding" },
	};
	size_t i, n;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *o = mime_decode(t[i].cte, t[i].in, strlen(t[i].in), &n);

		ok(o != NULL, "decode case %zu", i);
		if (o != NULL) {
			is_str(o, t[i].out, "decode case %zu (%s)", i,
			    t[i].cte ? t[i].cte : "none");
			is_int(n, strlen(t[i].out), "decode length");
		}
		free(o);
	}
}

static void
test_ctype(void)
{
	static const struct {
		const char *in, *type, *param, *val;
	} t[] = {
		{ "multipart/report; report-type=delivery-status; boundary=\"a b\"",
		  "multipart/report", "boundary", "a b" },
		{ "Multipart/Report;\tReport-Type=\"delivery-status\"",
		  "multipart/report", "report-type", "delivery-status" },
		{ "text/plain", "text/plain", "charset", "" },
		{ "", "text/plain", "boundary", "" },
		{ "garbage", "text/plain", "boundary", "" },
		{ "multipart/mixed; boundary = x;charset=y", "multipart/mixed",
		  "boundary", "x" },
		{ "multipart/mixed; foo=\"a\\\"b\"", "multipart/mixed", "foo",
		  "a\"b" },
	};
	char type[64], val[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		mime_ctype(t[i].in, type, sizeof type, t[i].param, val, sizeof val);
		is_str(type, t[i].type, "type of \"%s\"", t[i].in);
		is_str(val, t[i].val, "%s of \"%s\"", t[i].param, t[i].in);
	}
}

static void
test_header(void)
{
	const char *m = "Subject: x\r\nContent-Type: multipart/report;\r\n"
	    "\treport-type=delivery-status\r\nX-A : 1\r\n\r\nbody";
	struct mime_entity e;
	char buf[128];

	mime_split(m, strlen(m), &e);
	is_str(e.body, "body", "body after the empty line");
	ok(mime_header(&e, "content-type", buf, sizeof buf), "header found");
	is_str(buf, "multipart/report; report-type=delivery-status",
	    "folded header unfolded");
	ok(mime_header(&e, "X-A", buf, sizeof buf), "blank before colon");
	is_str(buf, "1", "value");
	ok(!mime_header(&e, "Content", buf, sizeof buf), "prefix is not a match");
	mime_split("no headers here\n\nx", 18, &e);
	is_int(e.headlen, 0, "a first line without a colon: no headers");
}

struct collect {
	char	 types[512];
	unsigned n;
};

static int
collect(void *ctx, const char *type, const char *cte,
    const struct mime_entity *e)
{
	struct collect *c = ctx;

	(void)cte;
	(void)e;
	if (strlen(c->types) + strlen(type) + 2 < sizeof c->types) {
		if (c->types[0])
			strcat(c->types, " ");
		strcat(c->types, type);
	}
	c->n++;
	return 0;
}

static void
test_walk(void)
{
	static const struct {
		const char *name, *msg, *types;
	} t[] = {
		{ "simple report",
		  "Content-Type: multipart/report; boundary=b\n\n"
		  "preamble\n--b\nContent-Type: text/plain\n\nhi\n"
		  "--b\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n"
		  "--b--\nepilogue\n",
		  "text/plain message/delivery-status" },
		{ "nested multipart, attached message not entered",
		  "Content-Type: multipart/mixed; boundary=o\n\n"
		  "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
		  "--i\n\nplain\n--i\nContent-Type: text/html\n\n<p>\n--i--\n"
		  "--o\nContent-Type: message/rfc822\n\n"
		  "Content-Type: multipart/report; boundary=z\n\n--z\n"
		  "Content-Type: message/delivery-status\n\nx\n--z--\n--o--\n",
		  "text/plain text/html message/rfc822" },
		{ "no closing boundary: the last part runs to the end",
		  "Content-Type: multipart/report; boundary=b\n\n--b\n"
		  "Content-Type: message/delivery-status\n\nStatus: 5.1.1\n",
		  "message/delivery-status" },
		{ "missing boundary: nothing",
		  "Content-Type: multipart/report; boundary=nothere\n\n--b\n"
		  "Content-Type: message/delivery-status\n\nStatus: 5.1.1\n--b--\n",
		  "" },
		{ "no boundary parameter", "Content-Type: multipart/mixed\n\n--b\n\nx\n",
		  "" },
		{ "boundary with trailing blanks and CRLF",
		  "Content-Type: multipart/report; boundary=\"b\"\r\n\r\n--b  \r\n"
		  "Content-Type: message/delivery-status\r\n\r\nx\r\n--b-- \r\n",
		  "message/delivery-status" },
		{ "a longer line starting with the boundary is not one",
		  "Content-Type: multipart/report; boundary=b\n\n--b\n\n--bx\n--b--\n",
		  "text/plain" },
		{ "not MIME at all", "Subject: hi\n\njust text\n", "text/plain" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct collect c = { "", 0 };

		mime_walk(t[i].msg, strlen(t[i].msg), collect, &c);
		is_str(c.types, t[i].types, "walk: %s", t[i].name);
	}
}

/* Deep nesting stops at MIME_MAX_DEPTH, many parts at MIME_MAX_PARTS. */
static void
test_walk_bounds(void)
{
	char *m = malloc(200000), *p = m;
	struct collect c = { "", 0 };
	int i;

	p += sprintf(p, "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (i = 1; i <= 50; i++)
		p += sprintf(p, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n",
		    i - 1, i);
	p += sprintf(p, "--b50\n\ndeep\n");
	mime_walk(m, (size_t)(p - m), collect, &c);
	is_int(c.n, 0, "50 levels of nesting: parts below the depth limit ignored");

	p = m;
	p += sprintf(p, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 3000; i++)
		p += sprintf(p, "--b\n\nx\n");
	c.n = 0;
	c.types[0] = '\0';
	mime_walk(m, (size_t)(p - m), collect, &c);
	is_int(c.n, MIME_MAX_PARTS, "3000 parts: visits stop at the cap");
	free(m);
}

int
main(void)
{
	test_decode();
	test_ctype();
	test_header();
	test_walk();
	test_walk_bounds();
	return done_testing();
}

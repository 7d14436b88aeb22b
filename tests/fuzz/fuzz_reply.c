/*
 * fuzz_reply.c - enhanced codes and SMTP replies: xcode_parse (strict, DSN
 * and prefix forms), xcode_repair, reply_check at every stage, and the
 * Postfix/Sendmail models of esc check --mta.  Invariants: a code that
 * parses formats back to itself; a reply without error findings is one
 * libmilter would accept.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mta.h"
#include "reply.h"
#include "xcode.h"

static struct registry *reg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	reg = fuzz_registry();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct findings *fs;
	struct reply *r;
	struct mta_view *v;
	struct xcode x;
	char buf[XCODE_STRLEN];
	size_t n;
	int st, flags;

	for (flags = 0; flags < 4; flags++) {
		n = xcode_parse(s, size, flags, &x, NULL);
		if (n > 0) {
			FUZZ_CHECK(n <= size);
			xcode_format(&x, buf, sizeof buf);
			if ((flags & XCODE_PREFIX) == 0)
				FUZZ_CHECK(n == size && strlen(buf) == size &&
				    memcmp(buf, s, size) == 0);
		}
	}
	if (xcode_repair(s, size, &x))
		FUZZ_CHECK(xcode_format(&x, buf, sizeof buf) != NULL);
	(void)xcode_looks_like(s, size);

	fs = malloc(sizeof *fs);
	r = malloc(sizeof *r);
	v = malloc(sizeof *v);
	if (fs == NULL || r == NULL || v == NULL)
		abort();
	for (st = STAGE_NONE; st < STAGE_COUNT; st++) {
		struct validate_opts o = { (enum stage)st, st % 2 == 0, st % 3 == 0,
		    false };

		findings_init(fs);
		if (reply_check(reg, s, size, &o, r, fs) == 0) {
			FUZZ_CHECK(r->code >= 200 && r->code <= 599);
			FUZZ_CHECK(r->nlines >= 1 && r->nlines <= REPLY_MAX_LINES);
			/* Clean milter replies are ones libmilter takes. */
			if (o.milter && findings_count(fs, SEV_ERROR) == 0) {
				FUZZ_CHECK(r->code >= 400);
				FUZZ_CHECK(!r->has_xcode || r->x.cls == r->code / 100);
				FUZZ_CHECK(memchr(s, '\0', size) == NULL);
			}
		}
		FUZZ_CHECK(fs->n <= FINDINGS_MAX);
	}
	mta_predict(MTA_POSTFIX, s, size, STAGE_RCPT, v);
	FUZZ_CHECK(strlen(v->reply) < sizeof v->reply);
	mta_predict(MTA_SENDMAIL, s, size, (enum stage)(size % STAGE_COUNT), v);
	FUZZ_CHECK(strlen(v->reply) < sizeof v->reply);
	free(fs);
	free(r);
	free(v);
	return 0;
}

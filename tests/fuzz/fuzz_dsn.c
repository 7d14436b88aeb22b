/*
 * fuzz_dsn.c - delivery status notifications: MIME walking, decoding,
 * field parsing, classification and the X-ESC-DSN header.  Invariants:
 * recipients stay under the cap, the header value is one line of
 * printable text, a classified status is a valid code.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "fuzz.h"
#include "utf8.h"

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
	struct dsn d;
	struct dsn_class *c = malloc(sizeof *c);
	struct tables tab = { reg, reasons_builtin(), providers_builtin() };
	char hdr[1024];
	size_t i, n;

	if (c == NULL)
		abort();
	dsn_init(&d);
	dsn_parse_message(&d, (const char *)data, size);
	/* The milter's view: headers already parsed, body apart. */
	dsn_parse_body(&d, "multipart/report; report-type=delivery-status; "
	    "boundary=\"b\"", size % 2 ? "base64" : "quoted-printable",
	    (const char *)data, size);
	dsn_parse_fields(&d, (const char *)data, size, size % 2 == 0);
	FUZZ_CHECK(d.nrcpt <= DSN_MAX_RCPTS);
	for (i = 0; i < d.nrcpt; i++) {
		dsn_classify(&tab, &d, &d.rcpt[i], c);
		if (c->has_code)
			FUZZ_CHECK(c->cls == c->code.cls &&
			    (c->cls == 2 || c->cls == 4 || c->cls == 5));
		FUZZ_CHECK(c->fs.n <= FINDINGS_MAX);
		dsn_header(&d.rcpt[i], c, hdr, sizeof hdr);
		n = strlen(hdr);
		FUZZ_CHECK(utf8_valid(hdr, n));
		FUZZ_CHECK(strpbrk(hdr, "\r\n\t") == NULL);
		for (size_t k = 0; k < n; k++)
			FUZZ_CHECK((unsigned char)hdr[k] >= 0x20 && hdr[k] != 0x7f);
	}
	dsn_free(&d);
	free(c);
	return 0;
}

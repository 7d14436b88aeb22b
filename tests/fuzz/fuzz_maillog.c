/*
 * fuzz_maillog.c - MTA log lines: logline_parse (every header form),
 * maillog_parse (Postfix and Sendmail, each filter), the events and keys
 * of what they find.  The input is split into lines as a log would be.
 * Invariants: every span lies inside its line; the reply text is
 * terminated and within its buffer; every event is one line of valid
 * JSON; a key is terminated and within its buffer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "fuzz.h"
#include "logline.h"
#include "maillog.h"
#include "maillog_event.h"

static struct registry *reg;
static struct maillog_rec *rec;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	reg = fuzz_registry();
	if ((rec = malloc(sizeof *rec)) == NULL)
		abort();
	return 0;
}

/* inside - a span within (s, n), or absent */
static int
inside(struct ml_span v, const char *s, size_t n)
{
	return v.p == NULL || (v.p >= s && v.p + v.n <= s + n);
}

static void
one(const char *s, size_t n, unsigned long lineno)
{
	static const enum maillog_mta filters[] = { MLM_AUTO, MLM_POSTFIX,
	    MLM_SENDMAIL };
	struct logyear y;
	struct logline ll;
	struct tables tab = { reg, reasons_builtin(), providers_builtin() };
	char key[MAILLOG_KEY_MAX], dom[256], cx[XCODE_STRLEN];
	size_t f, len;
	unsigned i, k;

	logyear_init(&y, 1700000000);
	if (!logline_parse(s, n, &y, &ll))
		return;
	FUZZ_CHECK(ll.msg >= s && ll.msg + ll.msglen <= s + n);
	FUZZ_CHECK(ll.prog >= s && ll.prog + ll.proglen <= s + n);
	FUZZ_CHECK(ll.host == NULL || (ll.host >= s && ll.host + ll.hostlen <= s + n));
	for (f = 0; f < sizeof filters / sizeof filters[0]; f++) {
		if (maillog_parse(&ll, filters[f], rec) != ML_EVENT)
			continue;
		FUZZ_CHECK(rec->textlen < sizeof rec->text &&
		    rec->text[rec->textlen] == '\0');
		FUZZ_CHECK(strlen(rec->code) < 4 && strlen(rec->xcode) < XCODE_STRLEN);
		FUZZ_CHECK(rec->nrcpt <= ML_RCPT_MAX);
		FUZZ_CHECK(inside(rec->queue_id, s, n) && inside(rec->sender, s, n) &&
		    inside(rec->client_ip, s, n) && inside(rec->client_name, s, n) &&
		    inside(rec->helo, s, n) && inside(rec->remote_ip, s, n) &&
		    inside(rec->remote_name, s, n) && inside(rec->dsn, s, n) &&
		    inside(rec->program, s, n));
		(void)maillog_class_xcode(rec, cx, sizeof cx);
		k = rec->nrcpt > 0 ? rec->nrcpt : 1;
		for (i = 0; i < k; i++) {
			json_t *ev;
			char *line;

			if (i < rec->nrcpt)
				FUZZ_CHECK(inside(rec->rcpt[i], s, n));
			FUZZ_CHECK(maillog_key(rec, i, key, sizeof key) < sizeof key);
			FUZZ_CHECK(maillog_remote_domain(rec, i, dom, sizeof dom) < sizeof dom);
			ev = maillog_event(&tab, rec, i, &ll, "fuzz.log", lineno,
			    NULL);
			FUZZ_CHECK(ev != NULL);
			line = event_line(ev, &len);
			FUZZ_CHECK(line != NULL && len > 0 && line[len - 1] == '\n' &&
			    memchr(line, '\n', len - 1) == NULL);
			ev = json_loadb(line, len, 0, NULL);
			FUZZ_CHECK(ev != NULL);
			json_decref(ev);
			free(line);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nl;
	unsigned long lineno = 0;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		one(s, (size_t)((nl ? nl : end) - s), ++lineno);
		s = nl ? nl + 1 : end;
	}
	return 0;
}

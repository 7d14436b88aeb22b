/*
 * fuzz_trace.c - esc trace's core on hostile logs: the input, split into
 * lines as a log would be, goes through logline_parse and trace_feed
 * (two files: every line once as file 0, and the lines that parse again
 * as file 1, as a second host's log would), then trace_finish.
 * Invariants: every story handed over holds each line once, in the order
 * the lines came, each a NUL-terminated line of the input; its queue ids
 * are named; after trace_finish and every story handed over nothing is
 * still held (stories, lines); what is held never exceeds what was fed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "logline.h"
#include "trace.h"

struct fz {
	unsigned long	 fed;		/* lines given to the trace */
	unsigned long	 used;		/* line records handed over */
};

static int
story(void *arg, struct trace_story *s)
{
	struct fz *fz = arg;
	size_t i;

	FUZZ_CHECK(s->nrecs > 0 || s->nqids > 0);
	for (i = 0; i < s->nrecs; i++) {
		const struct trace_rec *r = s->recs[i];

		FUZZ_CHECK(r != NULL && r->text[r->len] == '\0' &&
		    strlen(r->text) <= r->len);
		FUZZ_CHECK(r->file <= 1 && r->line >= 1);
		FUZZ_CHECK(i == 0 || s->recs[i - 1]->seq < r->seq);
	}
	for (i = 0; i < s->nqids; i++)
		FUZZ_CHECK(s->qids[i]->id != NULL && s->qids[i]->id[0] != '\0');
	for (i = 0; i < s->rcpts.n; i++)
		FUZZ_CHECK(s->rcpts.v[i] != NULL);
	fz->used += s->nrecs;
	return 0;
}

static void
feed(struct trace *t, const char *s, const char *end, unsigned file,
    struct fz *fz)
{
	struct logyear y;
	struct logline ll;
	unsigned long lineno = 0;
	const char *nl;
	size_t n;

	logyear_init(&y, 1700000000);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = (size_t)((nl ? nl : end) - s);
		lineno++;
		if (logline_parse(s, n, &y, &ll)) {
			FUZZ_CHECK(trace_feed(t, s, n, &ll, file, lineno) == 0);
			fz->fed++;
		}
		s = nl ? nl + 1 : end;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct fz fz = { 0, 0 };
	struct trace_stats st;
	struct trace *t;

	if ((t = trace_new(story, &fz)) == NULL)
		abort();
	feed(t, s, s + size, 0, &fz);
	feed(t, s, s + size, 1, &fz);
	FUZZ_CHECK(trace_finish(t) == 0);
	trace_stats(t, &st);
	FUZZ_CHECK(st.stories == 0 && st.recs == 0);
	FUZZ_CHECK(st.recs_max <= fz.fed);
	/* a line may be in several stories only through its session */
	FUZZ_CHECK(fz.used <= fz.fed * (st.emitted > 0 ? st.emitted : 1));
	trace_free(t);
	return 0;
}

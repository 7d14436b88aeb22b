/*
 * fuzz_regex.c - the regex matcher against PCRE2's own answer.
 *
 * Input: a first line with a condition's regex as written in the
 * configuration ("/pattern/flags"), then the subject (any bytes).
 * Invariants, without JIT and with it: the prefilter never refuses a
 * subject PCRE2 matches, and matcher_match() (prefilter, JIT fast path)
 * never answers "match" where pcre2_match() says "no match" nor "no
 * match" where it says "match".  The reference is pcre2_match() on the
 * same compiled code (the interpreter, or the JIT code once compiled):
 * the two engines of PCRE2 10.42 disagree on a few invalid UTF-8
 * subjects (an empty match before an invalid byte), which is PCRE2's
 * behaviour, not ours.  An error on either side (a limit hit, a UTF
 * error of "(*UTF)" without the u flag) is not compared.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "match.h"

static pcre2_match_context *limits;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* small limits: a pathological pattern costs milliseconds, not
	   the fuzzer's timeout */
	limits = match_context_new(20000, 200);
	return limits == NULL ? -1 : 0;
}

static void
compare(struct matcher *m, const char *s, size_t len,
    struct match_scratch *sc, pcre2_match_data *md)
{
	int want, got;

	want = pcre2_match(m->re, (PCRE2_SPTR)s, len, 0, 0, md, limits);
	got = matcher_match(m, s, len, sc);
	if (want >= 0) {
		FUZZ_CHECK(prefilter_may_match(&m->pf, s, len));
		FUZZ_CHECK(got != 0);
	} else if (want == PCRE2_ERROR_NOMATCH) {
		FUZZ_CHECK(got != 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	struct matcher m;
	struct match_scratch sc;
	struct esc_err err;
	pcre2_match_data *md;
	char *spec;
	size_t plen, off;
	int jit;

	if (nl == NULL)
		return 0;
	plen = (size_t)(nl - (const char *)data);
	off = plen + 1;
	if ((spec = malloc(plen + 3)) == NULL)
		return 0;
	memcpy(spec, "~ ", 2);
	memcpy(spec + 2, data, plen);
	spec[plen + 2] = '\0';
	if (memchr(data, '\0', plen) != NULL) {
		free(spec);
		return 0;	/* a configuration line has no NUL */
	}
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL || match_scratch_init(&sc, limits) != 0) {
		pcre2_match_data_free(md);
		free(spec);
		return 0;
	}
	for (jit = 0; jit < 2; jit++) {
		if (matcher_parse(&m, spec, MS_TEXT, ".", &err) != 0)
			break;
		if (m.kind != MATCH_RE) {
			matcher_free(&m);
			break;
		}
		if (jit)
			matcher_jit(&m);
		compare(&m, (const char *)data + off, size - off, &sc, md);
		matcher_free(&m);
	}
	match_scratch_free(&sc);
	pcre2_match_data_free(md);
	free(spec);
	return 0;
}

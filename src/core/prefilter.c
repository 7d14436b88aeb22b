/*
 * prefilter.c - quick rejection for regular expressions (see prefilter.h).
 */
#include "config.h"

#include <string.h>

#include "prefilter.h"

/* other_case - the other ASCII case of a letter, else the unit itself */
static uint8_t
other_case(uint8_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return (uint8_t)(c - 'A' + 'a');
	return c;
}

static uint32_t
info(const pcre2_code *re, uint32_t what)
{
	uint32_t v = 0;

	if (pcre2_pattern_info(re, what, &v) != 0)
		return 0;
	return v;
}

void
prefilter_init(struct re_prefilter *pf, const pcre2_code *re)
{
	uint32_t opts = info(re, PCRE2_INFO_ALLOPTIONS);
	/* Units are compared as bytes in both ASCII cases: sound only when
	   a unit is a whole character with at most that one other case. */
	bool units = (opts & PCRE2_UTF) == 0;
	const uint8_t *bm = NULL;
	uint32_t u;

	memset(pf, 0, sizeof *pf);
	if (opts & PCRE2_NO_START_OPTIMIZE)
		return;
	pf->minlen = info(re, PCRE2_INFO_MINLENGTH);
	pf->anchored = (opts & PCRE2_ANCHORED) != 0;
	if (units && info(re, PCRE2_INFO_FIRSTCODETYPE) == 1 &&
	    (u = info(re, PCRE2_INFO_FIRSTCODEUNIT)) < 128) {
		pf->has_first = true;
		pf->first[0] = (uint8_t)u;
		pf->first[1] = other_case((uint8_t)u);
	} else if (pf->anchored &&
	    pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bm) == 0 &&
	    bm != NULL) {
		/* The set of possible first units, cases and UTF lead bytes
		   included by PCRE2. */
		pf->has_bitmap = true;
		memcpy(pf->bitmap, bm, sizeof pf->bitmap);
	}
	if (units && info(re, PCRE2_INFO_LASTCODETYPE) == 1 &&
	    (u = info(re, PCRE2_INFO_LASTCODEUNIT)) < 128) {
		pf->has_req = true;
		pf->req[0] = (uint8_t)u;
		pf->req[1] = other_case((uint8_t)u);
	}
}

static bool
contains(const char *s, size_t len, const uint8_t c[2])
{
	return memchr(s, c[0], len) != NULL ||
	    (c[1] != c[0] && memchr(s, c[1], len) != NULL);
}

bool
prefilter_may_match(const struct re_prefilter *pf, const char *s, size_t len)
{
	uint8_t c0;

	if (len < pf->minlen)
		return false;
	if (pf->anchored && (pf->has_first || pf->has_bitmap)) {
		if (len == 0)
			return false;
		c0 = (uint8_t)s[0];
		if (pf->has_first && c0 != pf->first[0] && c0 != pf->first[1])
			return false;
		if (pf->has_bitmap &&
		    (pf->bitmap[c0 / 8] & (1u << (c0 % 8))) == 0)
			return false;
	} else if (pf->has_first && !contains(s, len, pf->first)) {
		return false;
	}
	if (pf->has_req && !contains(s, len, pf->req))
		return false;
	return true;
}

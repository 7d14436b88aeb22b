/*
 * prefilter.h - a quick "cannot match" test for a compiled regular
 * expression, from what PCRE2 itself knows about the pattern.
 *
 * With a thousand regex rules most matches fail, and most fail on the
 * first character or on a literal the subject does not contain.  Calling
 * into PCRE2 for each costs a function call, the match setup and a jump
 * into the pattern's own JIT code (a cache miss when there are many);
 * this test costs a few comparisons on data kept next to the rule.
 *
 * It only uses facts PCRE2 reports through pcre2_pattern_info() and uses
 * itself for its own start-of-match optimisations: the minimum subject
 * length, the first code unit or set of first code units, the last
 * literal code unit every match contains.  It never says "no" when
 * pcre2_match() would say "match": code units are compared in both ASCII
 * cases (PCRE2 does not report whether they were caseless), unit checks
 * are skipped in UTF mode and for units >= 128, and nothing is used when
 * the pattern turns start-of-match optimisation off.
 *
 * Built once at configuration load; immutable; read by every thread.
 */
#ifndef ESC_PREFILTER_H
#define ESC_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct re_prefilter {
	uint32_t	minlen;		/* in characters; bytes >= characters */
	bool		anchored;	/* a match can only start at offset 0 */
	bool		has_first;	/* every match starts with first[0|1] */
	bool		has_bitmap;	/* anchored: s[0] must be in bitmap */
	bool		has_req;	/* every match contains req[0|1] */
	uint8_t		first[2];	/* the unit and its other ASCII case */
	uint8_t		req[2];
	uint8_t		bitmap[32];
};

/* prefilter_init - what can be known about re (all off when nothing) */
void	prefilter_init(struct re_prefilter *, const pcre2_code *re);

/* prefilter_may_match - false when no match is possible */
bool	prefilter_may_match(const struct re_prefilter *, const char *s,
	    size_t len);

#endif

/*
 * match.h - the MATCH of a rule condition: "= literal", "~ /regex/flags"
 * (PCRE2, JIT when available, with match and depth limits) or "in FILE".
 *
 * A matcher is built at config load and immutable afterwards; threads share
 * it.  Each thread brings its own pcre2_match_data (struct match_scratch).
 */
#ifndef ESC_MATCH_H
#define ESC_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "err.h"
#include "prefilter.h"
#include "strset.h"

/* What the matched value is; decides what "= x" and "in FILE" mean. */
enum match_subject {
	MS_NAME,	/* host or domain name: "in FILE" entries ".example.org"
			   also match subdomains */
	MS_ADDRESS,	/* mail address: "in FILE" entries "@example.org" match
			   any address at that domain */
	MS_VALUE,	/* header value: "=" compares the trimmed value */
	MS_TEXT,	/* body: "=" and "in FILE" mean "contains" */
};

enum match_kind {
	MATCH_EQ,
	MATCH_RE,
	MATCH_IN,
};

struct matcher {
	enum match_kind		 kind;
	enum match_subject	 subject;
	char			*literal;	/* MATCH_EQ, lower-cased */
	size_t			 litlen;
	pcre2_code		*re;		/* MATCH_RE */
	struct re_prefilter	 pf;		/* MATCH_RE: quick "no" */
	bool			 jit;		/* MATCH_RE: JIT-compiled */
	struct strset		*set;		/* MATCH_IN (names, addresses, values) */
	char			**list;		/* MATCH_IN for MS_TEXT, lower-cased */
	size_t			 nlist;
	char			*source;	/* the text as written, for messages */
};

/* matcher_jit - JIT-compile a regex matcher (no-op for the others); the
   configuration does it for every regex unless regex_jit = no */
void	matcher_jit(struct matcher *);

/* Per-thread state for matching. */
struct match_scratch {
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;	/* limits; shared, never modified */
};

/*
 * matcher_parse - parse spec ("= x", "~ /re/i", "in path"); relative paths
 * are taken from basedir.  Returns 0, or -1 with err set.
 */
int	matcher_parse(struct matcher *, const char *spec, enum match_subject,
	    const char *basedir, struct esc_err *err);

/* matcher_match - 1 match, 0 no match, -1 error (regex limit hit, ENOMEM) */
int	matcher_match(const struct matcher *, const char *s, size_t len,
	    struct match_scratch *);

/* matcher_free - release what the matcher owns */
void	matcher_free(struct matcher *);

/* match_context_new - limits for pcre2_match(); NULL on ENOMEM */
pcre2_match_context *match_context_new(uint32_t match_limit, uint32_t depth_limit);

/* match_scratch_init - per-thread match data; -1 on ENOMEM */
int	match_scratch_init(struct match_scratch *, pcre2_match_context *);

/* match_scratch_free - release */
void	match_scratch_free(struct match_scratch *);

#endif

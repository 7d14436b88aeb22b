/*
 * test_prefilter.c - the regex prefilter never turns a match into a miss.
 *
 * A table of patterns the prefilter must reject quickly (and near misses
 * it must let through), then a differential run: many patterns, including
 * the awkward ones (inline caseless, UTF, the Kelvin sign, \K, lookbehind,
 * (*NO_START_OPT), multiline ^), against generated subjects; every match
 * of pcre2_match() on the same compiled code (the interpreter, then the
 * JIT code) must be a match of matcher_match() (prefilter and JIT fast
 * path), and every miss a miss.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "tap.h"
#include "xrand.h"

static const struct {
	const char	*re, *subject;
	int		 may;	/* what prefilter_may_match() must say */
} table[] = {
	/* anchored, first unit */
	{ "/^nomatch17[a-z]+@example\\.(com|net)$/", "user1@dest.example", 0 },
	{ "/^nomatch17[a-z]+@example\\.(com|net)$/", "nomatch17x@dest.ex", 0 },	/* too short */
	{ "/^nomatch17[a-z]+@example\\.(com|net)$/", "nomatch17abc@example.org", 1 },
	{ "/^nomatch/i", "NoMatch", 1 },
	{ "/^(?i)nomatch/", "NOMATCH", 1 },	/* caseless inside the pattern */
	{ "/^abc/", "", 0 },
	/* anchored, set of first units */
	{ "/^(dyn|dsl|ppp)-17-[0-9]+\\./", "client.test", 0 },
	{ "/^(dyn|dsl|ppp)-17-[0-9]+\\./", "ppp-17-5.example", 1 },
	{ "/^(dyn|dsl|ppp)-/i", "PPP-1", 1 },
	/* not anchored: first unit or required unit anywhere */
	{ "/viagra/i", "cheap VIAGRA here", 1 },
	{ "/viagra/i", "nothing to see", 0 },
	{ "/fail=\\d+x/", "fail=12", 0 },	/* no "x" */
	{ "/fail=\\d+x/", "soft fail=12x", 1 },
	{ "/^a/m", "b\na", 1 },			/* multiline: not anchored */
	/* nothing known: always let through */
	{ "/(*NO_START_OPT)^zz/", "a", 1 },
	{ "/x?/", "", 1 },
	{ "/\\d/", "abc", 1 },
};

static const char *const patterns[] = {
	"/^nomatch[a-z]+@example\\.(com|net)$/", "/^nomatch/i", "/^(?i)nomatch/",
	"/(?i)k/", "/(?i)k/u", "/(*UTF)(?i)k/", "/^(?i)k/u", "/k/i", "/K/",
	"/^(dyn|dsl|ppp)-[0-9]+\\./", "/^(dyn|dsl|ppp)-/i", "/spam|casino|viagra/i",
	"/a\\Kb/", "/^a\\Kb/", "/(?<=a)b/", "/(?<=k)s/i", "/(?=.*x)ab/", "/ab(?=x)/",
	"/(*NO_START_OPT)^ab/", "/^a/m", "/\\Aab/", "/\\Gab/", "/.*ab/s", "/.*ab/",
	"/(a|b)\\1/", "/a(*ACCEPT)bc/", "/^$/", "/^/", "/$/", "/x?/", "/\\x{e9}/",
	"/\\xe9/i", "/\\x{e9}/iu", "/\\x{c9}/iu", "/\\x{212a}/iu", "/^\\x{17f}/iu",
	"/s/iu", "/^s/iu", "/fail=\\d+x/", "/@example\\.org$/", "/^.{3,}$/",
	"/^\\s*$/", "/^[^@]+@/", "/(?i:A)b/", "/a(?i)b/", "/^(?:a|)b/", "/\\bword\\b/i",
	"/^\\x00/", "/\\n/", "/^.*/", "/(*CR)^b/m",
};

/* the units subjects are made of: letters in both cases, the Kelvin sign
   and long s in UTF-8, Latin-1 e-acute, bytes that are invalid UTF-8 */
static const char *const pieces[] = {
	"a", "b", "k", "K", "s", "S", "x", "n", "N", "o", "m", "@", ".", "-",
	"1", "\n", " ", "\xe2\x84\xaa", "\xc5\xbf", "\xc3\xa9", "\xc3\x89", "\xe9",
	"\xc9", "\xff", "\xc3", "\0", "nomatch", "example", "com", "ppp", "dyn",
	"casino", "VIAGRA", "word", "ab", "fail=", "\r",
};

/* show - the subject with control characters escaped, for test names */
static const char *
show(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 5 < size; s++)
		o += (size_t)snprintf(buf + o, size - o,
		    (unsigned char)*s < 0x20 ? "\\x%02x" : "%c", *s);
	buf[o] = '\0';
	return buf;
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

#define rnd(n)	xrand(&rng, (n))

static size_t
subject(char *buf)
{
	unsigned i, n = rnd(6);
	size_t len = 0;

	for (i = 0; i < n; i++) {
		const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
		size_t l = p[0] == '\0' ? 1 : strlen(p);

		memcpy(buf + len, p, l);
		len += l;
	}
	return len;
}

int
main(void)
{
	struct matcher m;
	struct esc_err err;
	struct match_scratch sc;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	char spec[128], buf[128];
	size_t i, len;
	unsigned j, wrong, filtered, total = 0, nfiltered = 0;

	ok(match_scratch_init(&sc, NULL) == 0, "scratch");
	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		snprintf(spec, sizeof spec, "~ %s", table[i].re);
		if (matcher_parse(&m, spec, MS_TEXT, ".", &err) != 0) {
			ok(0, "%s: %s", table[i].re, err.text);
			continue;
		}
		is_int(prefilter_may_match(&m.pf, table[i].subject,
		    strlen(table[i].subject)), table[i].may, "%s on \"%s\"",
		    table[i].re, show(table[i].subject, buf, sizeof buf));
		matcher_free(&m);
	}

	for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		int jit;

		for (jit = 0; jit < 2; jit++) {
			snprintf(spec, sizeof spec, "~ %s", patterns[i]);
			if (matcher_parse(&m, spec, MS_TEXT, ".", &err) != 0) {
				ok(0, "%s: %s", patterns[i], err.text);
				break;
			}
			if (jit)
				matcher_jit(&m);
			wrong = filtered = 0;
			for (j = 0; j < 3000; j++) {
				int want, got;

				len = subject(buf);
				want = pcre2_match(m.re, (PCRE2_SPTR)buf, len, 0,
				    0, md, NULL);
				got = matcher_match(&m, buf, len, &sc);
				if (!prefilter_may_match(&m.pf, buf, len))
					filtered++;
				/* a UTF error of "(*UTF)" without the u flag
				   may be a miss or an error; nothing else
				   may differ */
				if (want < 0 && want != PCRE2_ERROR_NOMATCH)
					wrong += got == 1;
				else
					wrong += got != (want >= 0);
			}
			total += 3000;
			nfiltered += filtered;
			is_int(wrong, 0, "%s%s: same answers as "
			    "pcre2_match() on 3000 subjects (%u filtered)",
			    patterns[i], jit ? " (JIT)" : "", filtered);
			matcher_free(&m);
		}
	}
	ok(nfiltered > total / 4, "the prefilter answered %u of %u matches "
	    "without PCRE2", nfiltered, total);
	match_scratch_free(&sc);
	pcre2_match_data_free(md);
	return done_testing();
}

/*
 * tap.h - a minimal TAP producer for automake's tap-driver.sh.
 *
 *	ok(cond, fmt, ...)		one test point
 *	is_int(got, want, fmt, ...)	with "# got/want" on failure
 *	is_str(got, want, fmt, ...)
 *	skip_all(reason)		"1..0 # SKIP reason", exit 0
 *	done_testing()			plan line; the value for main() to return
 *
 * Never use assert() as the oracle: it vanishes under -DNDEBUG.
 */
#ifndef ESC_TAP_H
#define ESC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_fail;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	ok(g_ == w_, __VA_ARGS__);					\
	if (g_ != w_)							\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL && w_ == NULL) ||			\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	ok(same_, __VA_ARGS__);						\
	if (!same_)							\
		printf("#   got \"%s\"\n#  want \"%s\"\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define skip_all(reason) do {						\
	printf("1..0 # SKIP %s\n", reason);				\
	exit(0);							\
} while (0)

#define done_testing() (printf("1..%d\n", tap_n), tap_fail ? 1 : 0)

static void tap_ok(int, const char *, int, const char *, ...)
    __attribute__((__format__(__printf__, 4, 5), __unused__));

static void
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		printf("#   at %s:%d\n", file, line);
	fflush(stdout);
}

#endif

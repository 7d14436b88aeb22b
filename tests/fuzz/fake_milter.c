/*
 * fake_milter.c - libmilter's API in memory (see fake_milter.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fake_milter.h"
#include "fuzz.h"

void
fake_macro(SMFICTX *ctx, const char *name, const char *value)
{
	int i, freeslot = -1;

	for (i = 0; i < FAKE_MACROS; i++) {
		if (ctx->macro_name[i] == NULL) {
			if (freeslot < 0)
				freeslot = i;
			continue;
		}
		if (strcmp(ctx->macro_name[i], name) == 0) {
			free(ctx->macro_value[i]);
			ctx->macro_value[i] = strdup(value);
			return;
		}
	}
	if (freeslot < 0)
		return;
	ctx->macro_name[freeslot] = strdup(name);
	ctx->macro_value[freeslot] = strdup(value);
}

void
fake_reset(SMFICTX *ctx)
{
	int i;

	for (i = 0; i < FAKE_MACROS; i++) {
		free(ctx->macro_name[i]);
		free(ctx->macro_value[i]);
		ctx->macro_name[i] = ctx->macro_value[i] = NULL;
	}
	ctx->reply_code[0] = '\0';
	ctx->replies_set = 0;
}

void
fake_check_return(SMFICTX *ctx, sfsistat rc)
{
	/* A reply set must be used by the return right after it. */
	if (ctx->reply_code[0] != '\0') {
		FUZZ_CHECK(rc == SMFIS_REJECT || rc == SMFIS_TEMPFAIL);
		FUZZ_CHECK((rc == SMFIS_REJECT) == (ctx->reply_code[0] == '5'));
	}
	ctx->reply_code[0] = '\0';
}

int
smfi_setpriv(SMFICTX *ctx, void *p)
{
	ctx->priv = p;
	return MI_SUCCESS;
}

void *
smfi_getpriv(SMFICTX *ctx)
{
	return ctx->priv;
}

char *
smfi_getsymval(SMFICTX *ctx, char *name)
{
	int i;

	for (i = 0; i < FAKE_MACROS; i++)
		if (ctx->macro_name[i] != NULL && strcmp(ctx->macro_name[i], name) == 0)
			return ctx->macro_value[i];
	return NULL;
}

/* check_xcode - "C.S.D" whose class is the basic code's first digit */
static void
check_xcode(const char *rcode, const char *xcode)
{
	const char *p = xcode;
	int part;

	FUZZ_CHECK(xcode[0] == rcode[0] && xcode[1] == '.');
	p = xcode + 2;
	for (part = 0; part < 2; part++) {
		int n = 0;

		while (isdigit((unsigned char)*p) && n < 4) {
			p++;
			n++;
		}
		FUZZ_CHECK(n >= 1 && n <= 3);
		FUZZ_CHECK(*p == (part == 0 ? '.' : '\0'));
		if (part == 0)
			p++;
	}
}

/* check_text - no CR/LF, no lone '%', a length the MTAs take */
static void
check_text(const char *t)
{
	size_t i;

	FUZZ_CHECK(strpbrk(t, "\r\n") == NULL);
	FUZZ_CHECK(strlen(t) <= 980);
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] == '%') {
			FUZZ_CHECK(t[i + 1] == '%');
			i++;
		}
		FUZZ_CHECK((unsigned char)t[i] >= 0x20 && t[i] != 0x7f);
	}
}

static void
check_code(SMFICTX *ctx, const char *rcode, const char *xcode)
{
	FUZZ_CHECK(rcode != NULL && strlen(rcode) == 3);
	FUZZ_CHECK((rcode[0] == '4' || rcode[0] == '5') &&
	    isdigit((unsigned char)rcode[1]) && isdigit((unsigned char)rcode[2]));
	if (xcode != NULL)
		check_xcode(rcode, xcode);
	memcpy(ctx->reply_code, rcode, 4);
	ctx->replies_set++;
}

int
smfi_setreply(SMFICTX *ctx, char *rcode, char *xcode, char *message)
{
	check_code(ctx, rcode, xcode);
	if (message != NULL)
		check_text(message);
	return MI_SUCCESS;
}

int
smfi_setmlreply(SMFICTX *ctx, const char *rcode, const char *xcode, ...)
{
	va_list ap;
	const char *line;
	int n = 0;

	check_code(ctx, rcode, xcode);
	va_start(ap, xcode);
	while ((line = va_arg(ap, const char *)) != NULL) {
		check_text(line);
		n++;
	}
	va_end(ap);
	FUZZ_CHECK(n >= 1 && n <= 32);
	return MI_SUCCESS;
}

static void
check_header(const char *name, const char *value)
{
	size_t i;

	FUZZ_CHECK(name != NULL && *name != '\0');
	for (i = 0; name[i] != '\0'; i++)
		FUZZ_CHECK(name[i] > 0x20 && name[i] < 0x7f && name[i] != ':');
	if (value != NULL)
		FUZZ_CHECK(strpbrk(value, "\r\n") == NULL);
}

int
smfi_addheader(SMFICTX *ctx, char *name, char *value)
{
	check_header(name, value);
	FUZZ_CHECK(value != NULL);
	ctx->headers_added++;
	return MI_SUCCESS;
}

int
smfi_chgheader(SMFICTX *ctx, char *name, int idx, char *value)
{
	(void)ctx;
	check_header(name, value);
	FUZZ_CHECK(idx >= 1);
	return MI_SUCCESS;
}

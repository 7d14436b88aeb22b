/*
 * basic.c - basic reply codes and registry basic-code cells (see basic.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic.h"
#include "strutil.h"

/*
 * Meanings in our own words, after RFC 5321 section 4.2.3 and the
 * documents that added codes later.
 */
static const struct {
	unsigned	 code;
	const char	*meaning;
	const char	*source;
} meanings[] = {
	{ 211, "system status or help reply", "RFC 5321" },
	{ 214, "help message", "RFC 5321" },
	{ 220, "service ready", "RFC 5321" },
	{ 221, "service closing the transmission channel", "RFC 5321" },
	{ 235, "authentication succeeded", "RFC 4954" },
	{ 250, "requested action completed", "RFC 5321" },
	{ 251, "user not local; the message will be forwarded", "RFC 5321" },
	{ 252, "cannot verify the user, but the message will be accepted", "RFC 5321" },
	{ 253, "pending messages for the node are being started (ETRN)", "RFC 1985" },
	{ 334, "authentication challenge", "RFC 4954" },
	{ 354, "start mail input", "RFC 5321" },
	{ 421, "service not available, closing the transmission channel", "RFC 5321" },
	{ 422, "no RFC defines this reply code (the registry lists it for X.7.12)", NULL },
	{ 430, "no RFC defines this reply code (the registry lists it for X.5.1)", NULL },
	{ 432, "a password transition is needed", "RFC 4954" },
	{ 450, "mailbox unavailable (busy or temporarily blocked)", "RFC 5321" },
	{ 451, "local error in processing; action aborted", "RFC 5321" },
	{ 452, "insufficient system storage, or too many recipients", "RFC 5321" },
	{ 453, "no mail for the node (ATRN)", "RFC 2645" },
	{ 454, "temporary authentication failure, or TLS not available", "RFC 4954, RFC 3207" },
	{ 455, "server unable to accommodate the parameters", "RFC 5321" },
	{ 458, "unable to queue messages for the node (ETRN)", "RFC 1985" },
	{ 459, "node not allowed (ETRN)", "RFC 1985" },
	{ 500, "syntax error, command unrecognised", "RFC 5321" },
	{ 501, "syntax error in parameters or arguments", "RFC 5321" },
	{ 502, "command not implemented", "RFC 5321" },
	{ 503, "bad sequence of commands", "RFC 5321" },
	{ 504, "command parameter not implemented", "RFC 5321" },
	{ 521, "host does not accept mail", "RFC 7504" },
	{ 523, "no RFC defines this reply code (the registry lists it for X.7.10)", NULL },
	{ 524, "no RFC defines this reply code (the registry lists it for X.7.11)", NULL },
	{ 525, "no RFC defines this reply code (the registry lists it for X.7.13)", NULL },
	{ 530, "authentication required", "RFC 4954" },
	{ 533, "no RFC defines this reply code (the registry lists it for X.7.1)", NULL },
	{ 534, "authentication mechanism is too weak", "RFC 4954" },
	{ 535, "authentication credentials invalid", "RFC 4954" },
	{ 538, "encryption required for the requested authentication mechanism", "RFC 4954" },
	{ 550, "mailbox unavailable (not found, no access, or refused by policy)", "RFC 5321" },
	{ 551, "user not local; try the forward path", "RFC 5321" },
	{ 552, "exceeded storage allocation", "RFC 5321" },
	{ 553, "mailbox name not allowed", "RFC 5321" },
	{ 554, "transaction failed (at connection time: no SMTP service here)", "RFC 5321" },
	{ 555, "MAIL or RCPT parameters not recognised or not implemented", "RFC 5321" },
	{ 556, "domain does not accept mail", "RFC 7504" },
	{ 0, NULL, NULL },
};

/* basic_meaning - look up a code's meaning */
const char *
basic_meaning(unsigned code)
{
	unsigned i;

	for (i = 0; meanings[i].code != 0; i++)
		if (meanings[i].code == code)
			return meanings[i].meaning;
	return NULL;
}

/* basic_source - defining document */
const char *
basic_source(unsigned code)
{
	unsigned i;

	for (i = 0; meanings[i].code != 0; i++)
		if (meanings[i].code == code)
			return meanings[i].source;
	return NULL;
}

/* basic_class_meaning - first-digit meaning (RFC 5321 section 4.2.1) */
const char *
basic_class_meaning(unsigned d)
{
	switch (d) {
	case 2:
		return "positive completion";
	case 3:
		return "positive intermediate";
	case 4:
		return "transient negative completion (temporary failure)";
	case 5:
		return "permanent negative completion (permanent failure)";
	}
	return "not a valid first digit";
}

/* basic_syntax_ok - Reply-code = %x32-35 %x30-35 %x30-39 */
bool
basic_syntax_ok(const char *s, size_t len)
{
	return len == 3 && s[0] >= '2' && s[0] <= '5' && s[1] >= '0' &&
	    s[1] <= '5' && s[2] >= '0' && s[2] <= '9';
}

static void
add_code(struct basic_set *set, unsigned code)
{
	unsigned i, j;

	for (i = 0; i < set->n; i++) {
		if (set->code[i] == code)
			return;
		if (set->code[i] > code)
			break;
	}
	if (set->n >= BASIC_MAX)
		return;
	for (j = set->n; j > i; j--)
		set->code[j] = set->code[j - 1];
	set->code[i] = (unsigned short)code;
	set->n++;
}

static void
note_bad(int *nbad, char *bad, size_t badlen, const char *tok, size_t len)
{
	if ((*nbad)++ == 0 && bad != NULL)
		str_copyn(bad, badlen, tok, len);
}

/* basic_parse - lenient reader for the registry column */
int
basic_parse(const char *cell, struct basic_set *set, char *bad, size_t badlen)
{
	const char *p = cell;
	int nbad = 0;

	memset(set, 0, sizeof *set);
	if (bad != NULL && badlen > 0)
		bad[0] = '\0';
	for (;;) {
		const char *tok;
		size_t len;

		while (*p && (isspace((unsigned char)*p) || *p == ',' || *p == '/' ||
		    *p == ';'))
			p++;
		if (*p == '\0')
			break;
		if (*p == '(') {
			/* A remark: "(other 4XX or 5XX codes are allowed)". */
			const char *end = strchr(p, ')');
			size_t rl = end ? (size_t)(end - p) : strlen(p);

			if (str_casestr(p, rl, "allowed") != NULL)
				set->flags |= BASIC_OTHERS_OK;
			else
				note_bad(&nbad, bad, badlen, p, rl + (end != NULL));
			p += rl + (end != NULL);
			continue;
		}
		tok = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != '/' &&
		    *p != ';' && *p != '(')
			p++;
		len = (size_t)(p - tok);
		if (str_caseeqn(tok, len, "or") || str_caseeqn(tok, len, "and"))
			continue;
		if (str_caseeqn(tok, len, "any")) {
			set->flags |= BASIC_ANY;
		} else if (str_caseeqn(tok, len, "not")) {
			/* "Not given" */
			const char *q = p;

			while (isspace((unsigned char)*q))
				q++;
			if (strncasecmp(q, "given", 5) == 0) {
				p = q + 5;
				set->flags |= BASIC_NOT_GIVEN;
			} else {
				note_bad(&nbad, bad, badlen, tok, len);
			}
		} else if (len == 1 && tok[0] == '.') {
			set->flags |= BASIC_NOT_GIVEN;
		} else if (len == 3 && tok[0] >= '2' && tok[0] <= '5' &&
		    (tok[1] == 'X' || tok[1] == 'x') &&
		    (tok[2] == 'X' || tok[2] == 'x')) {
			set->flags |= BASIC_WILD((unsigned)(tok[0] - '0'));
		} else if (len == 3 && basic_syntax_ok(tok, len)) {
			add_code(set, (unsigned)((tok[0] - '0') * 100 +
			    (tok[1] - '0') * 10 + (tok[2] - '0')));
		} else {
			note_bad(&nbad, bad, badlen, tok, len);
		}
	}
	if (set->n == 0 && (set->flags & ~BASIC_NOT_GIVEN) == 0)
		set->flags |= BASIC_NOT_GIVEN;
	return nbad;
}

/* basic_informative - restricts the code? */
bool
basic_informative(const struct basic_set *set)
{
	if (set->flags & (BASIC_ANY | BASIC_OTHERS_OK))
		return false;
	return set->n > 0 || (set->flags & (BASIC_WILD(2) | BASIC_WILD(3) |
	    BASIC_WILD(4) | BASIC_WILD(5)));
}

/* basic_allows - compare after mapping the class digit */
bool
basic_allows(const struct basic_set *set, unsigned code)
{
	unsigned i;

	if (!basic_informative(set))
		return true;
	/* "5XX": a wildcard of any failure class covers both classes. */
	if (set->flags & (BASIC_WILD(4) | BASIC_WILD(5)))
		if (code / 100 == 4 || code / 100 == 5)
			return true;
	if (set->flags & BASIC_WILD(code / 100))
		return true;
	for (i = 0; i < set->n; i++)
		if (set->code[i] % 100 == code % 100)
			return true;
	return false;
}

/* basic_for_class - listed codes mapped to a class */
char *
basic_for_class(const struct basic_set *set, unsigned cls, char *buf,
    size_t size)
{
	unsigned seen[BASIC_MAX], nseen = 0, i, j;
	size_t used = 0;

	buf[0] = '\0';
	/* Codes of the class itself first, then mapped ones. */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < set->n; i++) {
			unsigned c = set->code[i];
			unsigned m = cls * 100 + c % 100;

			if ((pass == 0) != (c / 100 == cls))
				continue;
			if (c / 100 < 4 && cls >= 4)
				continue;	/* 250 does not map to 450 */
			for (j = 0; j < nseen; j++)
				if (seen[j] == m)
					break;
			if (j < nseen)
				continue;
			seen[nseen++] = m;
			used += (size_t)snprintf(buf + used,
			    used < size ? size - used : 0, "%s%u",
			    used ? ", " : "", m);
			if (used >= size)
				return buf;
		}
	}
	return buf;
}

/* basic_first_for_class - first code suitable for class cls; a code
   mapped from the other failure class only if it is a real reply code */
unsigned
basic_first_for_class(const struct basic_set *set, unsigned cls)
{
	unsigned i, m;

	for (i = 0; i < set->n; i++)
		if (set->code[i] / 100 == cls)
			return set->code[i];
	for (i = 0; i < set->n; i++) {
		m = cls * 100 + set->code[i] % 100;
		if (set->code[i] / 100 >= 4 && cls >= 4 && basic_meaning(m) != NULL)
			return m;
	}
	return 0;
}

/* basic_equal - same content */
bool
basic_equal(const struct basic_set *a, const struct basic_set *b)
{
	return a->n == b->n && a->flags == b->flags &&
	    memcmp(a->code, b->code, a->n * sizeof a->code[0]) == 0;
}

/* basic_format - readable list */
char *
basic_format(const struct basic_set *set, char *buf, size_t size)
{
	size_t used = 0;
	unsigned i, c;

#define APPEND(...) do {						\
	if (used < size)						\
		used += (size_t)snprintf(buf + used, size - used, __VA_ARGS__); \
} while (0)
	buf[0] = '\0';
	if (set->flags & BASIC_ANY)
		APPEND("any");
	for (i = 0; i < set->n; i++)
		APPEND("%s%u", used ? ", " : "", set->code[i]);
	for (c = 2; c <= 5; c++)
		if (set->flags & BASIC_WILD(c))
			APPEND("%s%uXX", used ? ", " : "", c);
	if (set->flags & BASIC_OTHERS_OK)
		APPEND("%sother 4XX/5XX allowed", used ? ", " : "");
	if (used == 0)
		APPEND("not given");
#undef APPEND
	return buf;
}

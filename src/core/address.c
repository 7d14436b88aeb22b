/*
 * address.c - envelope addresses (see address.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "strutil.h"

/* address_strip - remove blanks and one pair of angle brackets */
char *
address_strip(const char *a)
{
	size_t len;

	if (a == NULL)
		return strdup("");
	while (isspace((unsigned char)*a))
		a++;
	len = strlen(a);
	while (len > 0 && isspace((unsigned char)a[len - 1]))
		len--;
	if (len >= 2 && a[0] == '<' && a[len - 1] == '>') {
		a++;
		len -= 2;
	}
	return xstrndup(a, len);
}

/* address_domain - after the last '@', lower-cased, no trailing dot */
char *
address_domain(const char *a)
{
	const char *at = strrchr(a, '@');
	char *d;
	size_t len;

	if (at == NULL)
		return strdup("");
	len = strlen(at + 1);
	while (len > 0 && at[len] == '.')
		len--;
	if ((d = xstrndup(at + 1, len)) != NULL)
		str_lower(d);
	return d;
}

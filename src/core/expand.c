/*
 * expand.c - template expansion (see expand.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "expand.h"

static const char *const names[VAR_COUNT] = {
	"sender", "sender_domain", "recipient", "recipient_domain",
	"client_ip", "client_name", "helo", "queue_id", "rule",
};

/* var_name - printable */
const char *
var_name(enum var_id v)
{
	return (unsigned)v < VAR_COUNT ? names[v] : "?";
}

/* lookup - "${name}" at p; returns the id or -1, *len = length of "${...}" */
static int
lookup(const char *p, size_t *len)
{
	const char *end;
	unsigned i;

	if (p[0] != '$' || p[1] != '{' || (end = strchr(p + 2, '}')) == NULL)
		return -2;
	*len = (size_t)(end - p) + 1;
	for (i = 0; i < VAR_COUNT; i++)
		if (strlen(names[i]) == (size_t)(end - p - 2) &&
		    strncmp(p + 2, names[i], (size_t)(end - p - 2)) == 0)
			return (int)i;
	return -1;
}

/* expand_check - load-time validation */
int
expand_check(const char *tmpl, struct esc_err *err)
{
	const char *p;
	size_t len;

	for (p = tmpl; (p = strchr(p, '$')) != NULL; p++) {
		int id;

		if (p[1] != '{')
			continue;
		id = lookup(p, &len);
		if (id == -2)
			return err_set(err, NULL, 0, "\"${\" without a closing "
			    "'}' in the reply text");
		if (id < 0)
			return err_set(err, NULL, 0, "unknown variable \"%.*s\"; "
			    "known: ${sender}, ${sender_domain}, ${recipient}, "
			    "${recipient_domain}, ${client_ip}, ${client_name}, "
			    "${helo}, ${queue_id}, ${rule}", (int)len, p);
	}
	return 0;
}

/* put_safe - copy a hostile value into out made safe */
static size_t
put_safe(const char *v, char *out, size_t o, size_t cap)
{
	size_t n = 0;

	for (; *v != '\0' && o + 1 < cap; v++) {
		unsigned char c = (unsigned char)*v;

		if (n >= EXPAND_VALUE_MAX) {
			if (o + 4 < cap) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c < 0x20 || c == 0x7f)
			continue;		/* control characters removed */
		if (c >= 0x80)
			c = '?';		/* replies are ASCII */
		if (c == '%') {
			if (o + 2 >= cap)
				break;
			out[o++] = '%';
		}
		out[o++] = (char)c;
		n++;
	}
	return o;
}

/* expand - substitute */
size_t
expand(const char *tmpl, const char *const vals[VAR_COUNT], char *out,
    size_t cap)
{
	const char *p = tmpl;
	size_t o = 0, len;

	if (cap == 0)
		return 0;
	while (*p != '\0' && o + 1 < cap) {
		int id;

		if (p[0] == '$' && p[1] == '{' && (id = lookup(p, &len)) >= 0) {
			if (vals[id] != NULL)
				o = put_safe(vals[id], out, o, cap);
			p += len;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	return o;
}

/* percent_escape - lone '%' doubled */
unsigned
percent_escape(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	unsigned lone = 0;

	for (; *s != '\0' && o + 1 < cap; s++) {
		if (*s == '%') {
			if (s[1] == '%') {
				if (o + 2 >= cap)
					break;
				out[o++] = '%';
				out[o++] = '%';
				s++;
				continue;
			}
			lone++;
			if (o + 2 >= cap)
				break;
			out[o++] = '%';
		}
		out[o++] = *s;
	}
	out[o] = '\0';
	return lone;
}

/* percent_unescape - the text as the client reads it */
void
percent_unescape(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 1 < cap; s++) {
		if (s[0] == '%' && s[1] == '%')
			s++;
		out[o++] = *s;
	}
	if (cap > 0)
		out[o] = '\0';
}

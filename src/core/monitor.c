/*
 * monitor.c - the monitor header's value (see monitor.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

/* monitor_header_value - rule=NAME; reply="..." */
char *
monitor_header_value(const char *rule, const struct rendered *r)
{
	char *text, *out;
	size_t size, o, i;
	int n;

	if (r == NULL) {
		size = strlen(rule) + 32;
		if ((out = malloc(size)) != NULL)
			snprintf(out, size, "rule=%s; action=discard", rule);
		return out;
	}
	if ((text = malloc(RENDERED_WIRE_MAX)) == NULL)
		return NULL;
	rendered_client_text(r, text, RENDERED_WIRE_MAX);
	/* every character of the text may need a '\' */
	size = strlen(rule) + sizeof r->code + sizeof r->xcode + 2 * strlen(text) +
	    32;
	if ((out = malloc(size)) == NULL) {
		free(text);
		return NULL;
	}
	n = snprintf(out, size, "rule=%s; reply=\"%s %s%s", rule, r->code,
	    r->xcode, r->xcode[0] ? " " : "");
	o = n > 0 ? (size_t)n : 0;
	for (i = 0; text[i] != '\0'; i++) {
		char c = text[i] == '\n' ? ' ' : text[i];

		if (c == '"' || c == '\\')
			out[o++] = '\\';
		out[o++] = c;
	}
	out[o++] = '"';
	out[o] = '\0';
	free(text);
	return out;
}

/* test_monitor.c - the X-ESC-Monitor header value. */
#include "config.h"

#include <stdlib.h>

#include "monitor.h"
#include "tap.h"

int
main(void)
{
	struct rendered *r = calloc(1, sizeof *r);
	char *v, *longname;

	strcpy(r->code, "550");
	strcpy(r->xcode, "5.7.23");
	r->nlines = 1;
	strcpy(r->line[0], "SPF failed for 100%% of \"x\\y\"");
	v = monitor_header_value("spf", r);
	is_str(v, "rule=spf; reply=\"550 5.7.23 SPF failed for 100% of \\\"x\\\\y\\\"\"",
	    "quotes and backslashes escaped, %%%% as the client reads it");
	free(v);
	r->nlines = 2;
	strcpy(r->line[1], "second");
	r->xcode[0] = '\0';
	v = monitor_header_value("ml", r);
	is_str(v, "rule=ml; reply=\"550 SPF failed for 100% of \\\"x\\\\y\\\" second\"",
	    "lines joined by a space; no enhanced code");
	free(v);
	v = monitor_header_value("drop", NULL);
	is_str(v, "rule=drop; action=discard", "discard");
	free(v);
	/* a long name and the longest text: the value grows, never overflows */
	longname = malloc(20001);
	memset(longname, 'n', 20000);
	longname[20000] = '\0';
	r->nlines = TEMPLATE_MAX_LINES;
	for (unsigned i = 0; i < TEMPLATE_MAX_LINES; i++) {
		memset(r->line[i], '"', RENDERED_LINE_MAX - 1);
		r->line[i][RENDERED_LINE_MAX - 1] = '\0';
	}
	v = monitor_header_value(longname, r);
	ok(v != NULL && strlen(v) == 20000 + strlen("rule=; reply=\"550 ") +
	    2 * (TEMPLATE_MAX_LINES * (RENDERED_LINE_MAX - 1) +
	    TEMPLATE_MAX_LINES - 1) - (TEMPLATE_MAX_LINES - 1) + 1,
	    "long name and text: all of it, escaped (%zu bytes)",
	    v ? strlen(v) : 0);
	free(v);
	v = monitor_header_value(longname, NULL);
	ok(v != NULL && strlen(v) == 20000 + strlen("rule=; action=discard"),
	    "long name, discard");
	free(v);
	free(longname);
	free(r);
	return done_testing();
}

/*
 * report_html.h - esc report's page (report_html.c): everything one read
 * of the logs counted, as one self-contained HTML document.
 */
#ifndef ESC_REPORT_HTML_H
#define ESC_REPORT_HTML_H

#include <stdio.h>

#include "report.h"
#include "supread.h"

struct html_in {
	const struct ropts *o;
	const struct tables *tab;
	struct rcounts	*counts;	/* [BY_COUNT_], every grouping */
	unsigned long long total, lines, bad;
	const char *const *files;
	unsigned	 nfiles;
	const struct suprow *sup;	/* the addresses to stop mailing */
	size_t		 nsup;
	long long	 now;		/* ms */
};

/* report_html - the page to o; -1 when writing failed */
int	report_html(FILE *o, const struct html_in *);

#endif

/*
 * stage.c - SMTP stage names (see stage.h).
 */
#include "config.h"

#include "stage.h"
#include "strutil.h"

static const char *const names[STAGE_COUNT] = {
	"none", "connect", "helo", "mail", "rcpt", "data", "header", "eom",
};

/* stage_name - printable stage */
const char *
stage_name(enum stage s)
{
	return (unsigned)s < STAGE_COUNT ? names[s] : "none";
}

/* stage_parse - accept the names above plus a few common aliases */
bool
stage_parse(const char *s, enum stage *out)
{
	unsigned i;

	for (i = 1; i < STAGE_COUNT; i++) {
		if (str_caseeq(s, names[i])) {
			*out = (enum stage)i;
			return true;
		}
	}
	if (str_caseeq(s, "ehlo"))
		*out = STAGE_HELO;
	else if (str_caseeq(s, "envfrom") || str_caseeq(s, "from"))
		*out = STAGE_MAIL;
	else if (str_caseeq(s, "envrcpt") || str_caseeq(s, "to"))
		*out = STAGE_RCPT;
	else if (str_caseeq(s, "body") || str_caseeq(s, "end-of-message"))
		*out = STAGE_EOM;
	else if (str_caseeq(s, "headers") || str_caseeq(s, "eoh"))
		*out = STAGE_HEADER;
	else
		return false;
	return true;
}

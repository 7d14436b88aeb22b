/*
 * stage.h - SMTP stages as the milter sees them.
 */
#ifndef ESC_STAGE_H
#define ESC_STAGE_H

#include <stdbool.h>

enum stage {
	STAGE_NONE = 0,		/* unknown / not stage-specific */
	STAGE_CONNECT,
	STAGE_HELO,
	STAGE_MAIL,
	STAGE_RCPT,
	STAGE_DATA,
	STAGE_HEADER,
	STAGE_EOM,
};
#define STAGE_COUNT	(STAGE_EOM + 1)

/* stage_name - "connect" ... "eom"; "none" for STAGE_NONE */
const char *stage_name(enum stage);

/* stage_parse - name to stage ("body" is accepted for eom); false if unknown */
bool	stage_parse(const char *, enum stage *);

#endif

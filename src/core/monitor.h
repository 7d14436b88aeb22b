/*
 * monitor.h - the value of the header a monitor-mode rule adds at end of
 * message:
 *
 *	X-ESC-Monitor: rule=NAME; reply="550 5.7.23 text"
 *	X-ESC-Monitor: rule=NAME; action=discard
 *
 * The reply is what the client would have read; '"' and '\' are escaped
 * with '\' and line breaks become spaces, so the value is one quoted
 * string on one line.  Pure, thread-safe.
 */
#ifndef ESC_MONITOR_H
#define ESC_MONITOR_H

#include "template.h"

/* monitor_header_value - a new string (caller frees); r NULL for a
   discard; NULL on ENOMEM */
char	*monitor_header_value(const char *rule, const struct rendered *r);

#endif

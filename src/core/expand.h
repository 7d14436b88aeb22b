/*
 * expand.h - reply text templates: ${variable} expansion and '%' safety.
 *
 * Templates come from the configuration (trusted); the values come from
 * the SMTP client (hostile).  Expanded values are made safe: control
 * characters removed, bytes outside printable ASCII replaced by '?',
 * '%' doubled (libmilter text is a printf format for both MTAs), and each
 * value capped at EXPAND_VALUE_MAX bytes.  Pure, thread-safe.
 */
#ifndef ESC_EXPAND_H
#define ESC_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define EXPAND_VALUE_MAX	100

enum var_id {
	VAR_SENDER,
	VAR_SENDER_DOMAIN,
	VAR_RECIPIENT,
	VAR_RECIPIENT_DOMAIN,
	VAR_CLIENT_IP,
	VAR_CLIENT_NAME,
	VAR_HELO,
	VAR_QUEUE_ID,
	VAR_RULE,
};
#define VAR_COUNT	(VAR_RULE + 1)

/* var_name - "sender" ... */
const char *var_name(enum var_id);

/* expand_check - syntax and variable names of a template; -1 with err */
int	expand_check(const char *tmpl, struct esc_err *);

/*
 * expand - write the template with values substituted (vals[i] may be
 * NULL: empty) into out.  Returns the length; the output is truncated at
 * cap - 1 bytes and always terminated.
 */
size_t	expand(const char *tmpl, const char *const vals[VAR_COUNT], char *out,
	    size_t cap);

/*
 * percent_escape - double every lone '%' of s ("%%" stays) into out.
 * Returns the number of lone '%' found (0 when s was already safe).
 */
unsigned percent_escape(const char *s, char *out, size_t cap);

/* percent_unescape - "%%" -> "%" (what the client reads) into out */
void	percent_unescape(const char *s, char *out, size_t cap);

#endif

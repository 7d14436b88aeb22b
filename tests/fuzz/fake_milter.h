/*
 * fake_milter.h - the part of libmilter's API esc-milter's callbacks use,
 * implemented in memory so a fuzz target can drive the callbacks with any
 * sequence of protocol events.  Each call is checked the way libmilter
 * checks it, and more strictly for what esc-milter promises: a reply
 * whose enhanced code contradicts its basic code, a text with CR/LF or a
 * lone '%', or a header value with a line break aborts the run.
 */
#ifndef ESC_FAKE_MILTER_H
#define ESC_FAKE_MILTER_H

#include <libmilter/mfapi.h>

#define FAKE_MACROS	16

struct smfi_str {
	void		*priv;
	char		*macro_name[FAKE_MACROS];
	char		*macro_value[FAKE_MACROS];
	char		 reply_code[4];	/* the last reply set, "" if none */
	unsigned	 replies_set;
	unsigned	 headers_added;
};

/* fake_macro - set (or replace) a macro for smfi_getsymval */
void	fake_macro(SMFICTX *, const char *name, const char *value);

/* fake_reset - forget macros and replies (the private pointer stays) */
void	fake_reset(SMFICTX *);

/* fake_check_return - a callback's return value agrees with its reply */
void	fake_check_return(SMFICTX *, sfsistat);

#endif

/*
 * lm.h - the part of libmilter's API the daemon calls, with const-correct
 * parameters.  libmilter's functions take `char *` for strings they only
 * read (smfi_getsymval, smfi_setreply, smfi_addheader, ...); this module
 * is the one place that copies such strings into writable buffers, so the
 * rest of the daemon never casts const away.
 */
#ifndef ESC_LM_H
#define ESC_LM_H

#include <libmilter/mfapi.h>

#include "template.h"

/* lm_macro - smfi_getsymval; NULL when the MTA did not send it */
const char *lm_macro(SMFICTX *, const char *name);

/* lm_setreply - smfi_setreply (one line) or smfi_setmlreply; MI_SUCCESS
   or MI_FAILURE */
int	lm_setreply(SMFICTX *, const struct rendered *);

/* lm_addheader - smfi_addheader */
int	lm_addheader(SMFICTX *, const char *name, const char *value);

/* lm_delheader - the index-th header of that name (1-based) removed */
int	lm_delheader(SMFICTX *, const char *name, int index);

#endif

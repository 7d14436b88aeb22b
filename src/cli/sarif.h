/*
 * sarif.h - esc lint's diagnostics as a SARIF 2.1.0 log (OASIS Static
 * Analysis Results Interchange Format), the format code-scanning services
 * read: one run, one rule per diagnostic id, one result per diagnostic
 * with its level, message, file, line and column, and the suggestion as a
 * fix where it replaces the code the diagnostic points at.
 *
 * Relative file names are given relative to %SRCROOT%, which is the
 * current directory; absolute ones as file: URIs.  The builder owns what
 * it has been given (copies); sarif_print() releases it.
 */
#ifndef ESC_SARIF_H
#define ESC_SARIF_H

#include "diag.h"

struct sarif;

/* sarif_new - an empty log for tool version version; NULL on ENOMEM */
struct sarif *sarif_new(const char *version);

/* sarif_add - every diagnostic of one list (severities as given) */
void	sarif_add(struct sarif *, const struct diag_list *);

/* sarif_print - write the log to stdout and release it; -1 on error */
int	sarif_print(struct sarif *);

#endif

/*
 * provider.h - which mailbox provider a remote mail server belongs to:
 * gmail-smtp-in.l.google.com is google, example-com.mail.protection.
 * outlook.com is microsoft, mta7.am0.yahoodns.net is yahoo.
 *
 * The table is data (providers.tsv: a provider name and a host suffix per
 * line), built in and replaceable at run time (`providers = FILE`, `esc
 * --providers FILE`).  A host matches the longest suffix that ends at a
 * label boundary; lookups cost one hash probe per label.  Provider names
 * label a metric, so a table holds at most PROVIDERS_MAX of them.
 *
 * Ownership: a struct providers is immutable once loaded and read by every
 * thread; providers_builtin() is built on first use and never freed.
 */
#ifndef ESC_PROVIDER_H
#define ESC_PROVIDER_H

#include <stddef.h>

#include "diag.h"

#define PROVIDERS_MAX		64	/* distinct names in a table */
#define PROVIDER_NAME_MAX	32

struct providers;

/* providers_load - a table from its text; NULL, every problem in diags as
   name:line */
struct providers *providers_load(const char *name, const char *buf,
	    size_t len, struct diag_list *diags);

/* providers_load_file - the same from a file */
struct providers *providers_load_file(const char *path,
	    struct diag_list *diags);

/* providers_builtin - the table built from providers.tsv; NULL on ENOMEM */
const struct providers *providers_builtin(void);

/* providers_free - a loaded table (NULL is fine) */
void	providers_free(struct providers *);

/*
 * provider_of - the provider of a host name (case and a trailing dot do
 * not matter; an IP address is none); NULL when none.  The name is the
 * table's, valid as long as the table.
 */
const char *provider_of(const struct providers *, const char *host,
	    size_t len);

/* providers_names - the distinct names, in table order; providers_count */
size_t	providers_count(const struct providers *);
const char *providers_name(const struct providers *, size_t i);

/* providers_index - the position of a name in providers_names, or -1 */
int	providers_index(const struct providers *, const char *name);

#endif

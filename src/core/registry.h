/*
 * registry.h - the IANA SMTP Enhanced Status Codes registry (RFC 5248).
 *
 * A struct registry is built once (registry_new_builtin() from the table
 * compiled in from registry.tsv, or registry_load_csv() from IANA's CSV
 * export) and is immutable afterwards, so any number of threads may read
 * it.  Lookups index an array by subject and detail: constant time.
 *
 * Unknown codes degrade gracefully (RFC 3463 section 2): an unregistered
 * detail still has a class and a subject (5.7.99 is a permanent
 * security/policy failure); an unregistered subject still has a class.
 *
 * Ownership: registry_new_*()/registry_load_*() return a new registry the
 * caller releases with registry_free().  Entries and strings returned by
 * lookups are borrowed from the registry.
 */
#ifndef ESC_REGISTRY_H
#define ESC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "basic.h"
#include "diag.h"
#include "err.h"

/* Subject categories, named as in events and metrics. */
enum category {
	CAT_OTHER = 0,		/* X.0 */
	CAT_ADDRESSING,		/* X.1 */
	CAT_MAILBOX,		/* X.2 */
	CAT_MAIL_SYSTEM,	/* X.3 */
	CAT_NETWORK,		/* X.4 */
	CAT_PROTOCOL,		/* X.5 */
	CAT_CONTENT,		/* X.6 */
	CAT_SECURITY,		/* X.7 */
	CAT_UNKNOWN,		/* anything else */
};
#define CAT_COUNT	(CAT_UNKNOWN + 1)

struct reg_entry {
	unsigned	 subject;
	unsigned	 detail;
	const char	*sample;	/* sample text, "" when the registry has none */
	const char	*basic_text;	/* the basic-code cell as written */
	struct basic_set basic;
	const char	*reference;	/* "RFC7372, RFC7208" */
	bool		 deprecated;
	bool		 has_replacement;
	unsigned	 repl_subject;	/* with has_replacement: X.S.D to use */
	unsigned	 repl_detail;
	int		 line;		/* source line (CSV); 0 for builtin */
};

struct registry;

/* One row of the compiled-in table (registry_builtin.c, generated). */
struct registry_row {
	const char	*code;		/* "X.7.23" */
	const char	*sample;
	const char	*basic;
	const char	*reference;	/* space separated */
	const char	*status;	/* "current" / "deprecated X.6.8" */
};
extern const struct registry_row registry_builtin_rows[];
extern const char registry_builtin_snapshot[];

/* registry_new_builtin - the compiled-in table; NULL on allocation failure */
struct registry *registry_new_builtin(struct esc_err *);

/*
 * registry_load_csv - read IANA's smtp-enhanced-status-codes CSV.
 * Bad rows are skipped and reported in diags (warnings, with the line);
 * returns NULL (err says why) only when nothing usable was read.
 */
struct registry *registry_load_csv(const char *path, struct diag_list *diags,
	    struct esc_err *);

/* registry_parse_csv - the same, from a buffer; name is used in messages */
struct registry *registry_parse_csv(const char *buf, size_t len,
	    const char *name, struct diag_list *diags, struct esc_err *);

/* registry_free - release (NULL is fine) */
void	registry_free(struct registry *);

/* registry_lookup - the entry for X.subject.detail, or NULL */
const struct reg_entry *registry_lookup(const struct registry *,
	    unsigned subject, unsigned detail);

/* registry_subject_known - subject defined (X.0 to X.7, or has entries) */
bool	registry_subject_known(const struct registry *, unsigned subject);

/* registry_entries - all entries ordered by subject then detail (borrowed) */
const struct reg_entry *const *registry_entries(const struct registry *,
	    size_t *count);

/* registry_source - "builtin" or the file path */
const char *registry_source(const struct registry *);

/* registry_date - snapshot date "YYYY-MM-DD" (file mtime for CSV) */
const char *registry_date(const struct registry *);

/* registry_describe - "builtin 2024-12-06, 81 codes" into buf */
char	*registry_describe(const struct registry *, char *buf, size_t size);

/* category_of - subject -> category */
enum category category_of(unsigned subject);

/* category_name - "addressing", ... "unknown" */
const char *category_name(enum category);

/* subject_name - "Addressing Status" ... or NULL for unknown subjects */
const char *subject_name(unsigned subject);

/* class_name - "Permanent Failure" for 5, "Persistent Transient Failure"
   for 4, "Success" for 2, NULL otherwise */
const char *registry_class_name(unsigned cls);

/* Differences reported by registry_entry_diff(). */
#define REG_DIFF_SAMPLE		0x01
#define REG_DIFF_BASIC		0x02
#define REG_DIFF_REFERENCE	0x04
#define REG_DIFF_STATUS		0x08

/* registry_entry_diff - which fields differ between two entries */
unsigned registry_entry_diff(const struct reg_entry *, const struct reg_entry *);

#endif

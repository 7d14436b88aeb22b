/*
 * strset.h - an immutable set of lower-cased strings with constant-time
 * lookup (open addressing), each with a number: "in FILE" conditions,
 * the provider table's host suffixes.
 *
 * Built once by the config loader, then only read: thread-safe for readers.
 */
#ifndef ESC_STRSET_H
#define ESC_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset;

/* strset_new - empty set; NULL on allocation failure */
struct strset *strset_new(void);

/* strset_add - add a copy of (s, len), lower-cased; -1 on ENOMEM */
int	strset_add(struct strset *, const char *s, size_t len);

/* strset_put - add (s, len) with a value; 1 when it is there already (its
   value kept), -1 on ENOMEM */
int	strset_put(struct strset *, const char *s, size_t len, unsigned value);

/* strset_has - case-insensitive membership */
bool	strset_has(const struct strset *, const char *s, size_t len);

/* strset_get - the value of (s, len); false when absent */
bool	strset_get(const struct strset *, const char *s, size_t len,
	    unsigned *value);

/* strset_count - number of distinct entries */
size_t	strset_count(const struct strset *);

/* strset_free - release (NULL is fine) */
void	strset_free(struct strset *);

#endif

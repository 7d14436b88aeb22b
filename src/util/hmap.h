/*
 * hmap.h - a hash map from byte strings to pointers, for one thread:
 * the working tables of a command that reads logs (esc trace's queue
 * ids and sessions).  Chained, doubling when full; lookups constant
 * time on average.
 *
 * Ownership: the map copies each key; values are the caller's (the map
 * never frees them).  hmap_free() releases the keys and the table.
 */
#ifndef ESC_HMAP_H
#define ESC_HMAP_H

#include <stddef.h>

struct hmap;

/* hmap_new - an empty map; NULL on ENOMEM */
struct hmap *hmap_new(void);

/* hmap_get - the value of (key, len); NULL when absent */
void	*hmap_get(const struct hmap *, const void *key, size_t len);

/* hmap_put - set the value of (key, len), replacing any; -1 on ENOMEM */
int	 hmap_put(struct hmap *, const void *key, size_t len, void *value);

/* hmap_del - remove (key, len); its value, NULL when absent */
void	*hmap_del(struct hmap *, const void *key, size_t len);

/* hmap_count - the number of keys */
size_t	 hmap_count(const struct hmap *);

/* hmap_each - fn(arg, key, len, value) for every key, in no order; the
   map must not change during the walk */
void	 hmap_each(const struct hmap *, void (*fn)(void *arg, const void *key,
	    size_t len, void *value), void *arg);

/* hmap_free - release the keys and the table (NULL is fine) */
void	 hmap_free(struct hmap *);

#endif

/*
 * kwset.h - a set of keywords found in a text in one pass, whatever their
 * number (Aho-Corasick, case-insensitive for ASCII).
 *
 * The reason table has hundreds of text patterns; trying each regex on
 * every reply would cost microseconds per pattern.  Each pattern names a
 * keyword every match contains; one scan of the reply says which keywords
 * occur, and only their patterns are tried.
 *
 * Built once (kwset_add ... kwset_build), then immutable and read by any
 * number of threads; kwset_scan() keeps its state on the caller's stack.
 */
#ifndef ESC_KWSET_H
#define ESC_KWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kwset;

/* kwset_new - an empty set; NULL on ENOMEM */
struct kwset *kwset_new(void);

/* kwset_free - release (NULL is fine) */
void	kwset_free(struct kwset *);

/*
 * kwset_add - a keyword (bytes, compared without ASCII case), tagged with
 * id (< the nbits given to kwset_scan); several keywords may share an id
 * and one keyword several ids.  -1 on ENOMEM or after kwset_build.
 */
int	kwset_add(struct kwset *, const char *word, size_t len, unsigned id);

/* kwset_build - make the automaton; -1 on ENOMEM or too many states */
int	kwset_build(struct kwset *);

/*
 * kwset_scan - set bit id in bits (nbits long, cleared by the caller) for
 * every keyword that occurs in (s, len)
 */
void	kwset_scan(const struct kwset *, const char *s, size_t len,
	    uint64_t *bits, unsigned nbits);

#endif

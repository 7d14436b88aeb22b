/*
 * registry_int.h - the registry builder, shared by registry.c (the
 * built-in table) and registry_csv.c (IANA's CSV).  Not part of the
 * core's interface.
 */
#ifndef ESC_REGISTRY_INT_H
#define ESC_REGISTRY_INT_H

#include "registry.h"

#define MAX_INDEX	999	/* subject and detail have at most 3 digits */

struct subject_index {
	unsigned		  ndetail;	/* max detail + 1 */
	const struct reg_entry	**detail;	/* ndetail slots, NULL = unregistered */
};

struct registry {
	char			 source[512];
	char			 date[16];
	struct reg_entry	*entry;		/* owned array */
	size_t			 nentry, cap;
	const struct reg_entry	**sorted;	/* owned array of borrowed pointers */
	unsigned		 nsubject;	/* max subject + 1 */
	struct subject_index	*subject;	/* owned */
	char			**owned;	/* strings the entries point to */
	size_t			 nowned, owncap;
};

/* registry_alloc - an empty registry named after its source; NULL on ENOMEM */
struct registry *registry_alloc(const char *source);

/*
 * registry_add - append one normalised entry.  Returns 1 added, 0 skipped
 * (a bad or duplicate row, reported in diags when not NULL), -1 ENOMEM.
 */
int	registry_add(struct registry *, const char *code, const char *sample,
	    const char *basic, const char *refs, bool bracketed_refs,
	    const char *status, int line, struct diag_list *diags);

/* registry_finish - the sorted list and the index; -1 on ENOMEM */
int	registry_finish(struct registry *);

#endif

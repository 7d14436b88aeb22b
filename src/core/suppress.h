/*
 * suppress.h - which recipients to stop sending to, from what happened to
 * the mail sent to each (esc suppress).
 *
 * An address is suppressed after N hard failures that are about the
 * address itself (userunknown, hostunknown, hasmoved, suspend, notaccept:
 * the reasons whose suppression is "hard", in a permanent reply), or N
 * soft ones (mailboxfull, temporary or permanent) within a window of
 * days; never for failures that are about the sender or the path
 * (blocked, badreputation, authfailure, spamdetected, speeding, ...).  A
 * successful delivery clears everything before it.  Retries of one
 * message count once.  The order is the time of each observation, not
 * the order in which the logs were read.
 *
 * Pure, no allocation beyond the caller's array (sorted in place).
 */
#ifndef ESC_SUPPRESS_H
#define ESC_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "reason.h"
#include "xcode.h"

/* What happened to one message for one address. */
struct sup_obs {
	long long	 ms;		/* when, ms since the epoch; 0 unknown */
	bool		 ok;		/* delivered */
	enum reason	 reason;
	unsigned	 cls;		/* 4 or 5; 0 unknown */
	char		 code[4];	/* the basic reply code, "" none */
	char		 xcode[XCODE_STRLEN];	/* the enhanced code, "" none */
	uint64_t	 msg;		/* the message (queue id); 0 unknown:
					   every observation its own message */
};

struct sup_rules {
	unsigned	 hard;		/* hard failures that suppress (>= 1) */
	unsigned	 soft;		/* soft failures that suppress (>= 1) */
	long long	 within_ms;	/* ... within this time */
};

#define SUP_HARD_DEFAULT	1
#define SUP_SOFT_DEFAULT	3
#define SUP_WITHIN_DEFAULT	7	/* days */

enum sup_kind { SUP_NEVER, SUP_HARD, SUP_SOFT };

struct sup_verdict {
	bool		 suppress;
	enum sup_kind	 kind;		/* of the failures that decided */
	enum reason	 reason;	/* the latest of them */
	char		 code[4], xcode[XCODE_STRLEN];	/* its codes */
	unsigned	 count;		/* how many (distinct messages) */
	long long	 first, last;	/* ms of the first and the last */
	long long	 cleared;	/* ms of the last delivery, 0 none */
};

/* sup_kind_of - what a failure counts as (never for a delivery) */
enum sup_kind sup_kind_of(const struct sup_obs *);

/* suppress_judge - the verdict on an address's observations (sorted by
   time in place) */
void	suppress_judge(struct sup_obs *obs, unsigned n,
	    const struct sup_rules *, struct sup_verdict *);

/*
 * suppress_reply - the reply of a Postfix access table entry that
 * refuses the address at submission: "550 5.1.1 Recipient address
 * suppressed: ..." (its codes follow the reason: 5.1.1, 5.1.2, 5.1.6,
 * 5.2.1, 5.2.2, 556 5.1.10), at most size bytes; the length, 0 when it
 * does not fit
 */
size_t	suppress_reply(const struct sup_verdict *, char *buf, size_t size);

#endif

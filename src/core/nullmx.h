/*
 * nullmx.h - is a domain's MX a null MX (RFC 7505: a single MX record with
 * preference 0 and the root as exchange)?
 *
 * Lookups use libresolv's reentrant API with a private resolver state per
 * call, a timeout, and a bounded direct-mapped cache (mutex-protected, short
 * critical sections).  A DNS failure never says "null MX".  The resolver
 * may be pointed at one IPv4 server (tests run one on loopback).
 */
#ifndef ESC_NULLMX_H
#define ESC_NULLMX_H

#include <stdbool.h>
#include <sys/socket.h>

#include "err.h"

enum nullmx_result {
	NULLMX_NO = 0,		/* MX records, no MX, or no such domain */
	NULLMX_YES = 1,
	NULLMX_ERROR = -1,	/* timeout, SERVFAIL, bad input: not null MX */
};

struct nullmx;

/*
 * nullmx_new - server NULL uses /etc/resolv.conf; otherwise an IPv4
 * address and port.  timeout in seconds; cache_size 0 disables the cache.
 */
struct nullmx *nullmx_new(const struct sockaddr_storage *server,
	    unsigned timeout, unsigned cache_size, struct esc_err *);

/* nullmx_check - look up (or answer from the cache); *cached says which */
enum nullmx_result nullmx_check(struct nullmx *, const char *domain,
	    bool *cached);

/* nullmx_name - the name to ask about: lower case, no trailing dot; false
   when it is not a domain name (empty, "..", characters other than
   letters, digits, '-', '_' and '.', longer than 253) */
bool	nullmx_name(const char *in, char *out, size_t size);

/* nullmx_answer - read an MX answer: NULLMX_YES when it holds exactly one
   MX, of preference 0 and exchange "."; NULLMX_ERROR when it cannot be
   parsed.  *ttl: how long the result may be cached, in seconds. */
int	nullmx_answer(const unsigned char *msg, int len, unsigned *ttl);

/* nullmx_free - release (NULL is fine) */
void	nullmx_free(struct nullmx *);

#endif

/*
 * cidr.h - IPv4/IPv6 addresses and networks ("192.0.2.0/24", "2001:db8::/32").
 *
 * A struct cidr_list is built once (config load) and is immutable after:
 * any thread may match against it.  Pure, no global state.
 */
#ifndef ESC_CIDR_H
#define ESC_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipaddr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		a[16];		/* network order; IPv4 in the first 4 */
};

struct cidr {
	struct ipaddr	net;
	unsigned	prefix;		/* 0..32 or 0..128 */
};

struct cidr_list {
	struct cidr	*v;
	size_t		 n, cap;
};

/* ipaddr_parse - "192.0.2.1", "2001:db8::1", "[2001:db8::1]"; also an
   IPv4-mapped IPv6 address ("::ffff:192.0.2.1") becomes IPv4 */
bool	ipaddr_parse(const char *, struct ipaddr *);

/* ipaddr_format - printable form into buf (INET6_ADDRSTRLEN suffices) */
const char *ipaddr_format(const struct ipaddr *, char *buf, size_t size);

/* cidr_parse - "net/prefix" or a single address; false if invalid */
bool	cidr_parse(const char *, struct cidr *);

/* cidr_match - is ip inside the network? */
bool	cidr_match(const struct cidr *, const struct ipaddr *);

/* cidr_list_add - append; -1 on allocation failure */
int	cidr_list_add(struct cidr_list *, const struct cidr *);

/* cidr_list_match - ip inside any network of the list */
bool	cidr_list_match(const struct cidr_list *, const struct ipaddr *);

/* cidr_list_free - release (the list is empty afterwards) */
void	cidr_list_free(struct cidr_list *);

#endif

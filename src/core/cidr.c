/*
 * cidr.c - address and network matching (see cidr.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cidr.h"
#include "strutil.h"

/* ipaddr_parse - numeric address, brackets allowed around IPv6 */
bool
ipaddr_parse(const char *s, struct ipaddr *ip)
{
	char buf[64];
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (str_copyn(buf, sizeof buf, s, len) < 0)
		return false;
	/* Sendmail writes "IPv6:2001:db8::1" inside brackets. */
	if (strncasecmp(buf, "IPv6:", 5) == 0)
		memmove(buf, buf + 5, strlen(buf + 5) + 1);
	memset(ip, 0, sizeof *ip);
	if (inet_pton(AF_INET, buf, ip->a) == 1) {
		ip->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, ip->a) == 1) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0xff, 0xff };

		ip->family = AF_INET6;
		if (memcmp(ip->a, mapped, 12) == 0) {
			memmove(ip->a, ip->a + 12, 4);
			memset(ip->a + 4, 0, 12);
			ip->family = AF_INET;
		}
		return true;
	}
	return false;
}

/* ipaddr_format - inet_ntop */
const char *
ipaddr_format(const struct ipaddr *ip, char *buf, size_t size)
{
	if (inet_ntop(ip->family, ip->a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

/* cidr_parse - network with optional prefix */
bool
cidr_parse(const char *s, struct cidr *c)
{
	char buf[80];
	char *slash;
	unsigned long p;
	unsigned max, bit;

	if (str_copy(buf, sizeof buf, s) < 0)
		return false;
	str_trim(buf);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (!ipaddr_parse(buf, &c->net))
		return false;
	max = c->net.family == AF_INET ? 32 : 128;
	if (slash == NULL)
		p = max;
	else if (str_parse_uint(slash, max, &p) < 0)
		return false;
	c->prefix = (unsigned)p;
	/* Clear host bits so "192.0.2.7/24" means the network. */
	for (bit = c->prefix; bit < max; bit++)
		c->net.a[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return true;
}

/* cidr_match - prefix comparison */
bool
cidr_match(const struct cidr *c, const struct ipaddr *ip)
{
	unsigned full = c->prefix / 8, rest = c->prefix % 8;

	if (c->net.family != ip->family)
		return false;
	if (memcmp(c->net.a, ip->a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((c->net.a[full] ^ ip->a[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/* cidr_list_add - append a network */
int
cidr_list_add(struct cidr_list *l, const struct cidr *c)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct cidr *nv = realloc(l->v, ncap * sizeof *nv);

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *c;
	return 0;
}

/* cidr_list_match - linear scan; lists are short in practice */
bool
cidr_list_match(const struct cidr_list *l, const struct ipaddr *ip)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (cidr_match(&l->v[i], ip))
			return true;
	return false;
}

/* cidr_list_free - release */
void
cidr_list_free(struct cidr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

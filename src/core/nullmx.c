/*
 * nullmx.c - null MX lookups and their cache (see nullmx.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fnv.h"
#include "nullmx.h"
#include "strutil.h"

#define TTL_MIN		60
#define TTL_MAX		3600
#define TTL_NEGATIVE	300
#define TTL_ERROR	30

struct slot {
	char		 name[256];
	time_t		 expires;
	int		 result;
};

struct nullmx {
	bool		 use_server;
	struct sockaddr_in server;
	unsigned	 timeout;
	pthread_mutex_t	 lock;
	struct slot	*cache;
	unsigned	 ncache;
};

/* nullmx_new - configure the resolver and allocate the cache */
struct nullmx *
nullmx_new(const struct sockaddr_storage *server, unsigned timeout,
    unsigned cache_size, struct esc_err *err)
{
	struct nullmx *n = calloc(1, sizeof *n);

	if (n == NULL) {
		err_set(err, NULL, 0, "out of memory");
		return NULL;
	}
	if (server != NULL && server->ss_family != 0) {
		if (server->ss_family != AF_INET) {
			free(n);
			err_set(err, NULL, 0, "the resolver must be an IPv4 "
			    "address (or system, which may use IPv6 servers)");
			return NULL;
		}
		memcpy(&n->server, server, sizeof n->server);
		n->use_server = true;
	}
	n->timeout = timeout ? timeout : 5;
	n->ncache = cache_size;
	if (n->ncache > 0 &&
	    (n->cache = calloc(n->ncache, sizeof *n->cache)) == NULL) {
		free(n);
		err_set(err, NULL, 0, "out of memory for the DNS cache");
		return NULL;
	}
	pthread_mutex_init(&n->lock, NULL);
	return n;
}

/* nullmx_free - release */
void
nullmx_free(struct nullmx *n)
{
	if (n == NULL)
		return;
	pthread_mutex_destroy(&n->lock);
	free(n->cache);
	free(n);
}

static uint32_t
hash(const char *s)
{
	uint32_t h = FNV32_BASIS;

	for (; *s; s++)
		h = fnv32_add(h, (unsigned char)*s);
	return h;
}

/* nullmx_name - lower case, no trailing dot, LDH and '_' only; false if
   not a name worth asking about */
bool
nullmx_name(const char *in, char *out, size_t size)
{
	size_t i, len = strlen(in);

	while (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || len >= size)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return false;
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return strstr(out, "..") == NULL && out[0] != '.';
}

/* query - ask DNS; returns the result and a TTL */
static int
query(struct nullmx *n, const char *name, unsigned *ttl)
{
	struct __res_state rs;
	unsigned char ans[4096];
	int len;

	memset(&rs, 0, sizeof rs);
	if (res_ninit(&rs) != 0) {
		*ttl = TTL_ERROR;
		return NULLMX_ERROR;
	}
	rs.retrans = (int)n->timeout;
	rs.retry = 1;
	rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	if (n->use_server) {
		rs.nscount = 1;
		rs.nsaddr_list[0] = n->server;
	}
	len = res_nquery(&rs, name, ns_c_in, ns_t_mx, ans, sizeof ans);
	if (len < 0) {
		int herr = rs.res_h_errno;

		res_nclose(&rs);
		if (herr == HOST_NOT_FOUND || herr == NO_DATA) {
			*ttl = TTL_NEGATIVE;
			return NULLMX_NO;
		}
		*ttl = TTL_ERROR;
		return NULLMX_ERROR;
	}
	res_nclose(&rs);
	return nullmx_answer(ans, len, ttl);
}

/* nullmx_answer - the MX records of a DNS answer */
int
nullmx_answer(const unsigned char *ans, int len, unsigned *ttl)
{
	ns_msg msg;
	ns_rr rr;
	int i, count, nmx = 0, result = NULLMX_NO;
	unsigned minttl = TTL_MAX;
	bool null_seen = false;

	if (ns_initparse(ans, len, &msg) < 0) {
		*ttl = TTL_ERROR;
		return NULLMX_ERROR;
	}
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count; i++) {
		char exch[NS_MAXDNAME];
		const unsigned char *rd;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		nmx++;
		if (ns_rr_ttl(rr) < minttl)
			minttl = ns_rr_ttl(rr);
		rd = ns_rr_rdata(rr);
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 2, exch,
		    sizeof exch) < 0)
			continue;
		if (ns_get16(rd) == 0 && (exch[0] == '\0' ||
		    strcmp(exch, ".") == 0))
			null_seen = true;
	}
	if (nmx == 1 && null_seen)
		result = NULLMX_YES;
	*ttl = nmx > 0 ? minttl : TTL_NEGATIVE;
	if (*ttl < TTL_MIN)
		*ttl = TTL_MIN;
	if (*ttl > TTL_MAX)
		*ttl = TTL_MAX;
	return result;
}

/* nullmx_check - cached lookup */
enum nullmx_result
nullmx_check(struct nullmx *n, const char *domain, bool *cached)
{
	char name[256];
	struct slot *sl = NULL;
	time_t now = time(NULL);
	unsigned ttl;
	int r;

	*cached = false;
	if (!nullmx_name(domain, name, sizeof name))
		return NULLMX_ERROR;
	if (n->ncache > 0) {
		sl = &n->cache[hash(name) % n->ncache];
		pthread_mutex_lock(&n->lock);
		if (sl->expires > now && strcmp(sl->name, name) == 0) {
			r = sl->result;
			pthread_mutex_unlock(&n->lock);
			*cached = true;
			return (enum nullmx_result)r;
		}
		pthread_mutex_unlock(&n->lock);
	}
	r = query(n, name, &ttl);
	if (sl != NULL) {
		pthread_mutex_lock(&n->lock);
		str_copy(sl->name, sizeof sl->name, name);
		sl->result = r;
		sl->expires = now + (time_t)ttl;
		pthread_mutex_unlock(&n->lock);
	}
	return (enum nullmx_result)r;
}

/*
 * listener.c - libmilter's listening socket (see listener.h).
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

#include "listener.h"

/* own_address - where to connect to reach fd (a wildcard: loopback) */
static int
own_address(int fd, struct sockaddr_storage *ss, socklen_t *len)
{
	*len = sizeof *ss;
	memset(ss, 0, sizeof *ss);
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		return -1;
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			in6->sin6_addr = in6addr_loopback;
	} else if (ss->ss_family != AF_UNIX) {
		return -1;
	}
	return 0;
}

/* listener_find - the lowest descriptor that is a listening socket */
int
listener_find(struct listener *l)
{
	struct rlimit rl;
	int fd, max = 1024, on;
	socklen_t len;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 65536)
		max = (int)rl.rlim_cur;
	for (fd = 0; fd < max; fd++) {
		len = sizeof on;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
		    on && own_address(fd, &l->addr, &l->addrlen) == 0) {
			l->fd = fd;
			return 0;
		}
	}
	return -1;
}

/* listener_nodelay - set on the listener, inherited by accepted sockets */
int
listener_nodelay(const struct listener *l)
{
	int one = 1;

	if (l->fd < 0 || (l->addr.ss_family != AF_INET &&
	    l->addr.ss_family != AF_INET6))
		return -1;
	return setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* private_socket - a listening socket of the same family nobody knows:
   an ephemeral port on loopback, or an abstract unix address */
static int
private_socket(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int s;

	memset(ss, 0, sizeof *ss);
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		((struct sockaddr_in *)ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
		*len = sizeof(struct sockaddr_in);
	} else if (family == AF_INET6) {
		((struct sockaddr_in6 *)ss)->sin6_addr = in6addr_loopback;
		*len = sizeof(struct sockaddr_in6);
	} else {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;
		int n = snprintf(un->sun_path + 1, sizeof un->sun_path - 1,
		    "esc-milter-stop-%ld", (long)getpid());

		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    (size_t)n);
	}
	if ((s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(s, (struct sockaddr *)ss, *len) < 0 || listen(s, 4) < 0 ||
	    (family != AF_UNIX &&
	    getsockname(s, (struct sockaddr *)ss, len) < 0)) {
		close(s);
		return -1;
	}
	return s;
}

/* connect_to - a connection to ss, or -1 */
static int
connect_to(const struct sockaddr_storage *ss, socklen_t len)
{
	int s, rc;

	if ((s = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	do
		rc = connect(s, (const struct sockaddr *)ss, len);
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		close(s);
		return -1;
	}
	return s;
}

/*
 * listener_quiesce - the MTA's socket closed, a private one in its place.
 *
 * The private socket takes the descriptor (dup2).  libmilter's listener
 * may be in poll() on the MTA's socket; poll() looks the descriptor up
 * again when it wakes, so a connection is made to the private socket
 * first, then the MTA's socket is shut down through a copy: that wakes
 * the poll(), which finds the private socket readable and returns, and
 * from then on the listener waits on the private socket only.  The MTA's
 * socket refuses connections from the shutdown on.
 */
int
listener_quiesce(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int s, old, primer;

	if (l->fd < 0 || l->quiesced)
		return -1;
	if ((s = private_socket(l->addr.ss_family, &ss, &len)) < 0)
		return -1;
	if ((old = dup(l->fd)) < 0 || dup2(s, l->fd) < 0) {
		if (old >= 0)
			close(old);
		close(s);
		return -1;
	}
	close(s);
	primer = connect_to(&ss, len);
	(void)shutdown(old, SHUT_RDWR);
	close(old);
	if (primer >= 0)
		close(primer);
	l->addr = ss;
	l->addrlen = len;
	l->quiesced = true;
	return 0;
}

/* listener_wake - connect to the socket libmilter polls */
int
listener_wake(const struct listener *l)
{
	int s;

	if (l->fd < 0 || (s = connect_to(&l->addr, l->addrlen)) < 0)
		return -1;
	close(s);
	return 0;
}

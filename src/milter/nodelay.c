/*
 * nodelay.c - TCP_NODELAY on the MTA's connections.
 *
 * libmilter answers some commands with several packets (at end of
 * message: one per added header, then "continue").  On a TCP socket with
 * Nagle's algorithm, the second small packet waits until the MTA
 * acknowledges the first, and the MTA, waiting for the final reply, delays
 * that acknowledgement by 40 ms: every annotated message would stall 40 ms
 * (bench/milter-load measured it: p99 43 ms in monitor mode).  libmilter
 * offers no hook on its accepted sockets, so this file replaces accept()
 * for the program (libmilter calls it through the dynamic linker, which
 * finds the executable's definition first, as for sigwait() in signals.c)
 * and turns Nagle off on TCP connections.  Unix sockets are untouched.
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int	accept(int, struct sockaddr *, socklen_t *);

int
accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	int c = accept4(fd, sa, len, 0);
	int dom = 0, one = 1;
	socklen_t dl = sizeof dom;

	if (c >= 0 && getsockopt(c, SOL_SOCKET, SO_DOMAIN, &dom, &dl) == 0 &&
	    (dom == AF_INET || dom == AF_INET6))
		(void)setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return c;
}

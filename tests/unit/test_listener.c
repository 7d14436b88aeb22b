/*
 * test_listener.c - what src/milter/listener.c relies on, checked on this
 * machine's kernel: a listening socket is found among the descriptors;
 * TCP_NODELAY set on it is inherited by the connections it accepts (so
 * the daemon needs no accept() of its own); after listener_quiesce() the
 * old address refuses connections while the descriptor still listens
 * (privately), and listener_wake() reaches whichever socket it holds.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "listener.h"
#include "tap.h"

/* connect_to - 0 connected, else errno */
static int
connect_to(const struct sockaddr_storage *ss, socklen_t len)
{
	int s = socket(ss->ss_family, SOCK_STREAM, 0), rc;

	rc = connect(s, (const struct sockaddr *)ss, len) == 0 ? 0 : errno;
	close(s);
	return rc;
}

/* readable - the listener has a connection waiting (60 s at most) */
static bool
readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 60000) == 1 && (p.revents & POLLIN);
}

static void
tcp(void)
{
	struct sockaddr_in sin;
	struct sockaddr_storage orig;
	socklen_t len = sizeof sin, olen;
	struct listener l;
	int lfd, c, a, on = 0;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(lfd, 8) < 0) {
		ok(0, "a TCP listener on a free port");
		return;
	}
	is_int(listener_find(&l), 0, "found the listening socket");
	is_int(l.fd, lfd, "its descriptor");
	ok(((struct sockaddr_in *)&l.addr)->sin_addr.s_addr ==
	    htonl(INADDR_LOOPBACK), "a wildcard address is reached on loopback");
	is_int(listener_nodelay(&l), 0, "TCP_NODELAY set on the listener");

	/* the kernel's part: an accepted connection inherits it */
	orig = l.addr;
	olen = l.addrlen;
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&orig, olen);
	a = accept(lfd, NULL, NULL);
	len = sizeof on;
	getsockopt(a, IPPROTO_TCP, TCP_NODELAY, &on, &len);
	is_int(on, 1, "the accepted connection has TCP_NODELAY");
	close(a);
	close(c);

	is_int(listener_wake(&l), 0, "wake: a connection to the listener");
	ok(readable(lfd), "the listener saw it");
	close(accept(lfd, NULL, NULL));

	is_int(listener_quiesce(&l), 0, "quiesce");
	is_int(connect_to(&orig, olen), ECONNREFUSED,
	    "the old address refuses connections at once");
	len = sizeof on;
	ok(getsockopt(lfd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on,
	    "the same descriptor still listens (privately)");
	ok(memcmp(&l.addr, &orig, sizeof orig) != 0, "on another address");
	is_int(listener_wake(&l), 0, "wake reaches the private socket");
	ok(readable(lfd), "and ends a wait on the descriptor");
	close(accept(lfd, NULL, NULL));
	is_int(listener_quiesce(&l), -1, "quiesce twice: refused");
	close(lfd);
}

static void
unix_socket(void)
{
	struct sockaddr_un sun;
	struct sockaddr_storage orig;
	socklen_t olen;
	struct listener l;
	int lfd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "/tmp/test_listener.%ld",
	    (long)getpid());
	unlink(sun.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    listen(lfd, 8) < 0) {
		ok(0, "a unix listener");
		return;
	}
	is_int(listener_find(&l), 0, "unix: found");
	ok(listener_nodelay(&l) < 0, "unix: no TCP_NODELAY (not TCP)");
	orig = l.addr;
	olen = l.addrlen;
	is_int(listener_wake(&l), 0, "unix: wake");
	ok(readable(lfd), "unix: the listener saw it");
	close(accept(lfd, NULL, NULL));
	is_int(listener_quiesce(&l), 0, "unix: quiesce");
	is_int(connect_to(&orig, olen), ECONNREFUSED,
	    "unix: the path refuses connections at once");
	is_int(listener_wake(&l), 0, "unix: wake reaches the private socket");
	ok(readable(lfd), "unix: and ends a wait on the descriptor");
	close(accept(lfd, NULL, NULL));
	close(lfd);
	unlink(sun.sun_path);
}

int
main(void)
{
	struct listener l;

	ok(listener_find(&l) < 0 && l.fd == -1, "no listener: none found");
	ok(listener_wake(&l) < 0, "no listener: nothing to wake");
	tcp();
	unix_socket();
	return done_testing();
}

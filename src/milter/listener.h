/*
 * listener.h - libmilter's listening socket, seen from outside libmilter.
 *
 * libmilter opens the socket (smfi_opensocket) and keeps its descriptor
 * to itself; right after that call it is the process's only listening
 * socket, and listener_find() finds it.  It is needed for three things:
 *
 * - TCP_NODELAY.  libmilter answers some commands with several small
 *   packets (at end of message: one per added header, then the reply);
 *   with Nagle's algorithm the second one waits for the MTA's delayed ACK,
 *   40 ms per annotated message.  Linux (6.x here; tests/unit/test_listener
 *   checks it on the build machine) gives every accepted connection the
 *   listening socket's TCP_NODELAY, so setting it there covers them all.
 * - Stopping without cutting the sessions in flight.  libmilter has one
 *   stop flag: once smfi_stop() sets it, its worker pool serves no more
 *   commands, even on open connections.  listener_quiesce() shuts the
 *   socket the MTA connects to (new connections are refused at once, so
 *   the MTA applies its default action without waiting) and leaves in the
 *   same descriptor a private socket that nobody knows, on which
 *   libmilter's listener waits harmlessly while the open sessions go on.
 * - A prompt stop.  libmilter's listener polls with a 5 s timeout and
 *   holds a lock smfi_stop() needs while it polls; listener_wake()
 *   connects once to the socket it polls, which ends the wait.
 */
#ifndef ESC_LISTENER_H
#define ESC_LISTENER_H

#include <stdbool.h>
#include <sys/socket.h>

struct listener {
	int		 fd;		/* libmilter's descriptor */
	bool		 quiesced;	/* fd is the private socket now */
	struct sockaddr_storage addr;	/* where listener_wake() connects */
	socklen_t	 addrlen;
};

/* listener_find - the listening socket; -1 if there is none */
int	listener_find(struct listener *);

/* listener_nodelay - TCP_NODELAY on a TCP listener (inherited by what it
   accepts); 0, or -1 (not TCP, or the option failed) */
int	listener_nodelay(const struct listener *);

/* listener_quiesce - refuse new connections; 0 or -1 (nothing changed) */
int	listener_quiesce(struct listener *);

/* listener_wake - one connection to the socket libmilter polls, closed at
   once; 0 or -1 */
int	listener_wake(const struct listener *);

#endif

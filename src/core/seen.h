/*
 * seen.h - what the daemon has counted itself, so that the same rejection
 * read again from the MTA's log is not counted twice.
 *
 * The milter side adds an entry for each rejection it makes or observes
 * (maillog_event.h says what the key is) and notes the client addresses
 * it has a session open with; the log follower takes an entry when it
 * reads the same rejection, and holds a line that has none while a
 * session from that client may still add one.  Entries older than
 * SEEN_TTL seconds are dropped.  The table saves to and loads from a
 * state file, so a restart between the milter's reply and the MTA's
 * line loses nothing.  A mutex guards everything; each call takes it
 * once, for a hash lookup.
 */
#ifndef ESC_SEEN_H
#define ESC_SEEN_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define SEEN_TTL	3600	/* seconds an entry waits for its line */
#define SEEN_MAX	(1U << 20)	/* entries kept; the oldest go first */

struct seen;

/* seen_new - an empty table; NULL on ENOMEM */
struct seen *seen_new(void);

/* seen_free - release (NULL is fine) */
void	seen_free(struct seen *);

/* seen_add - one occurrence of key for a session with client ip (may be
   "") and queue id (may be "") */
void	seen_add(struct seen *, const char *key, const char *ip,
	    const char *qid, time_t now);

/* seen_take - remove one occurrence of key whose ip or queue id matches
   (an empty one never matches); true when there was one */
bool	seen_take(struct seen *, const char *key, const char *ip,
	    const char *qid);

/* seen_expire - drop the entries added before then */
void	seen_expire(struct seen *, time_t then);

/* seen_count - entries waiting */
size_t	seen_count(struct seen *);

/* seen_session_open / _close / _open_with - sessions by client address */
void	seen_session_open(struct seen *, const char *ip);
void	seen_session_close(struct seen *, const char *ip);
bool	seen_session_open_with(struct seen *, const char *ip);

/* seen_save - the entries as lines "TIME\tKEY\tIP\tQID\n"; -1 on error */
int	seen_save(struct seen *, FILE *);

/* seen_load_line - one such line (no line break); false if malformed */
bool	seen_load_line(struct seen *, char *line);

#endif

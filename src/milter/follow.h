/*
 * follow.h - follow the MTA's log (`maillog = PATH`) into the daemon's
 * events and statistics, like `tail -F`.
 *
 * One thread reads the file as it grows, through rotation by rename (it
 * finishes the old file first) and by copytruncate (it starts again at
 * the top), turns each rejection, tempfail, discard, hold and failed or
 * deferred delivery into the events `esc maillog` prints, and counts them
 * with their direction.  Nothing is counted twice: a rejection the milter
 * made or observed itself is in the seen table (seen.h) and its line is
 * dropped; a recipient rejection the milter may still observe is held
 * until the milter's session with that client has ended.  Its place in
 * the file and the table survive a restart in `maillog_state`; without a
 * state file it starts at the end of the log.  A reload that changes
 * `maillog` moves it to the new file.
 *
 * follow_start() and follow_stop() are called by the runtime only; the
 * milter side calls follow_seen() (NULL when no log is followed).
 */
#ifndef ESC_FOLLOW_H
#define ESC_FOLLOW_H

#include "conf.h"
#include "seen.h"

/* follow_start - a follower thread if the configuration names a log; 0, or
   -1 when the thread cannot start (logged) */
int	follow_start(const struct config *);

/* follow_stop - read to the end, count what was held, save the state */
void	follow_stop(void);

/* follow_seen - the table the milter side records its rejections in;
   NULL when no log is followed */
struct seen *follow_seen(void);

/*
 * follow_order_begin / _end - around the milter side's "enqueue the event,
 * then record it in the seen table": the follower's checkpoint (its state
 * and the seen table, follow_state.h) is taken between two such pairs,
 * never in the middle of one, so a rejection the state says was counted
 * has its event before the checkpoint in the writer's queue.  A read lock:
 * sessions do not wait for each other.
 */
void	follow_order_begin(void);
void	follow_order_end(void);

#endif

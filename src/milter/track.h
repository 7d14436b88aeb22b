/*
 * track.h - the log follower's record of our outbound deliveries, for
 * annotate_dsn to tie a received bounce to the delivery it reports
 * (outbound.h): Message-IDs from cleanup's lines, deliveries to other
 * servers (sent, with the next server's queue id; bounced; deferred).
 *
 * track_line() is called by the follower's thread only, for every line
 * when annotate_dsn is on; track_table() by any thread: NULL until the
 * follower has read a line with it on.  The table is never freed.
 */
#ifndef ESC_TRACK_H
#define ESC_TRACK_H

#include "logline.h"
#include "maillog.h"
#include "outbound.h"

/* track_line - one line: res and r are maillog_parse_ex()'s, with
   MLF_DELIVERED; file and line say where it was read */
void	track_line(const struct logline *ll, enum ml_result res,
	    const struct maillog_rec *r, const char *file, unsigned long line);

/* track_table - the deliveries known; NULL when none are tracked */
struct outbound *track_table(void);

#endif

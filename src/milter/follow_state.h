/*
 * follow_state.h - the log follower's state file (`maillog_state`), and
 * what a restart learns from the event log.
 *
 * The state says how far the log has been consumed, and it says so only
 * once the events of every line before that place are written: the
 * follower hands the state's text to the event writer as a checkpoint
 * (sink.h), and the writer writes it after the events queued before it,
 * adding where the event log ended then.  Lines still held (waiting for
 * the milter to count them itself) are in the state whole, with the seen
 * table.  After a crash the restart
 *
 *	- replays the held lines and resumes at the saved place;
 *	- reads the event log from where it ended at the checkpoint: the
 *	  log lines whose events were written after it are not written
 *	  again, and the milter's own rejections written after it go back
 *	  into the seen table;
 *
 * so every rejection is written exactly once (with a file event log; with
 * syslog or standard output the log cannot be read back, and a line
 * written after the last checkpoint may be written again).
 *
 *	esc-milter maillog 2 TAB PATH TAB DEV TAB INO TAB OFFSET TAB LINE TAB
 *	    CLEAN
 *	events TAB EVPATH TAB DEV TAB INO TAB SIZE	(a file event log only)
 *	held TAB FILE TAB LINE TAB RCPT TAB "the line, as a JSON string"
 *	TIME TAB KEY TAB IP TAB QID			(the seen table)
 *
 * Version 1 (the place and the seen table) is still read.  These are pure
 * functions of the follower thread; nothing here is shared.
 */
#ifndef ESC_FOLLOW_STATE_H
#define ESC_FOLLOW_STATE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "seen.h"
#include "sink.h"

#define FSTATE_WHY_MAX	200

/* A held line, in the state. */
struct fheld {
	char		*file;		/* the log file it was read from */
	unsigned long	 line;
	unsigned	 rcpt;		/* which recipient of the line */
	char		*text;		/* the line itself */
};

/* Where the event log ended when a checkpoint was written. */
struct fevents {
	bool		 known;
	char		 path[4096];
	unsigned long long dev, ino;
	long long	 size;
};

struct fstate {
	int		 version;	/* 1 or 2 */
	char		 path[4096];	/* the log it is about */
	unsigned long long dev, ino;
	long long	 offset;
	unsigned long	 line;
	bool		 clean;		/* the run that wrote it ended cleanly */
	struct fevents	 ev;
	struct fheld	*held;
	size_t		 nheld;
};

/* The log lines whose events were written after the checkpoint. */
struct flines {
	unsigned long	*v;
	size_t		 n, cap;
	char		 file[4096];	/* of the file they are lines of */
};

/* fstate_text - the state's lines (without the events line, which the
   writer adds) as one malloc'd string; NULL on ENOMEM */
char	*fstate_text(const char *path, unsigned long long dev,
	    unsigned long long ino, long long offset, unsigned long line,
	    bool clean, const struct fheld *held, size_t nheld,
	    struct seen *seen);

/* fstate_write - text plus the event log's place (ev NULL: unknown),
   atomically to path; -1 with errno */
int	fstate_write(const char *path, const char *text,
	    const struct fevents *ev);

/*
 * fstate_read - a state file into st and its seen lines into seen.
 * Returns 1 read, 0 when there is none, -1 when it cannot be used (why
 * says why: garbage, another log, a cut line); st is then empty.
 */
int	fstate_read(const char *path, const char *logpath, struct fstate *st,
	    struct seen *seen, char *why, size_t whysize);

void	fstate_free(struct fstate *);

/*
 * fstate_scan - the event log after the checkpoint (ev): the lines of
 * logfile whose events are there go to lines, the milter's own
 * rejections to seen.  Returns how many events were read; -1 when the
 * event log is not the one of the checkpoint any more (why says so).
 */
long	fstate_scan(const struct fevents *ev, const char *logfile,
	    struct flines *lines, struct seen *seen, char *why,
	    size_t whysize);

/* A state to write, handed to the event writer (sink.h). */
struct fckpt {
	char	 path[4096];	/* maillog_state */
	char	*text;		/* fstate_text() */
};

/* fckpt_write - the writer's checkpoint callback: the state, with where
   the event log ends; frees c */
void	fckpt_write(void *c, const struct sink_pos *pos);

bool	flines_has(const struct flines *, unsigned long line);
void	flines_free(struct flines *);

#endif

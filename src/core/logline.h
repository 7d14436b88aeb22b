/*
 * logline.h - the header of one syslog line, as MTAs' logs carry it:
 *
 *	Mar  7 12:00:01 mx1 postfix/smtpd[123]: NOQUEUE: reject: ...
 *	2023-03-14T00:00:31.185246+01:00 mx1 postfix/smtpd[123]: ...
 *	2023-03-14T00:00:31+0100 mx1 postfix/smtpd[123]: ...   (journalctl
 *	                                                     -o short-iso)
 *	Mar  7 12:00:01 <mail.info> mx1 sm-mta[123]: ...       (FreeBSD tag)
 *	Mar  7 12:00:01 mx1 sm-mta[123]: [ID 801593 mail.notice] ... (Solaris)
 *	<22>Mar  7 12:00:01 sm-mta[123]: ...          (a priority, as sent to
 *	                                              syslog; no host)
 *	postfix/smtp[123]: ...                        (no time, no host)
 *	postfix/postfix-script: ...                   (no pid)
 *
 * A traditional timestamp has no year and no zone: it is local time, and
 * the year is the one that puts the line at or before a reference time
 * (the file's modification time), so a file that spans New Year reads
 * right.  A struct logline borrows the line.  Pure, no allocation; a
 * struct logyear caches the last hour it converted.
 */
#ifndef ESC_LOGLINE_H
#define ESC_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct logline {
	bool		 has_time;
	long long	 ms;		/* UTC, milliseconds since the epoch */
	const char	*host;		/* NULL when the line has none */
	size_t		 hostlen;
	const char	*prog;		/* "postfix/smtpd", "sm-mta" */
	size_t		 proglen;
	long		 pid;		/* -1 when none */
	const char	*msg;		/* after "prog[pid]: " (and a Solaris tag) */
	size_t		 msglen;
};

/* The reference for traditional timestamps, and a conversion cache. */
struct logyear {
	time_t		 ref;		/* lines are at or before this */
	int		 key;		/* cached (month, day, hour), -1 none */
	int		 year;
	time_t		 base;		/* epoch of that hour, local time */
};

/* logyear_init - reference time (a file's mtime; now for a pipe) */
void	logyear_init(struct logyear *, time_t ref);

/*
 * logline_parse - the header of (s, len) (no line break).  Returns false
 * when there is no "prog[pid]:" or "prog:" where one must be: not a
 * syslog line.
 */
bool	logline_parse(const char *s, size_t len, struct logyear *,
	    struct logline *);

/* logline_ts - "2026-11-29T07:40:31.123Z" into buf (>= 32 bytes) */
char	*logline_ts(long long ms, char *buf, size_t size);

#endif

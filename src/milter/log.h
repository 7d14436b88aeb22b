/*
 * log.h - the daemon's own messages (not the JSON events): standard error
 * in the foreground, syslog (facility mail) otherwise.  errno is preserved.
 * Attacker-controlled strings are never used as a format: pass them as
 * "%s" arguments; log_* escapes control characters in the result.
 */
#ifndef ESC_LOG_H
#define ESC_LOG_H

#include <stdbool.h>

void	log_init(const char *ident, bool foreground);
void	log_warn(const char *fmt, ...)		/* adds strerror(errno) */
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	fatalx(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
void	fatal(const char *fmt, ...)		/* adds strerror(errno) */
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

#endif

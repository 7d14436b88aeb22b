/*
 * log.c - stderr or syslog (see log.h).  Shaped after OpenSMTPD's log.c.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static bool fg = true;

/* log_init - choose the destination */
void
log_init(const char *ident, bool foreground)
{
	fg = foreground;
	if (!fg)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* vlog - format, make printable, emit */
static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char buf[2048], *p;
	int saved = errno;

	vsnprintf(buf, sizeof buf, fmt, ap);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (fg)
		fprintf(stderr, "esc-milter: %s%s%s\n", buf, suffix ? ": " : "",
		    suffix ? suffix : "");
	else
		syslog(pri, "%s%s%s", buf, suffix ? ": " : "", suffix ? suffix : "");
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	char e[128];

	snprintf(e, sizeof e, "%s", strerror(errno));
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	char e[128];

	snprintf(e, sizeof e, "%s", strerror(errno));
	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(1);
}

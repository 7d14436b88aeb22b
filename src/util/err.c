/*
 * err.c - caller-owned error descriptions (see err.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* err_clear - reset to "no error" */
void
err_clear(struct esc_err *e)
{
	if (e == NULL)
		return;
	e->file[0] = '\0';
	e->line = 0;
	e->text[0] = '\0';
}

/* err_set - record file, line and a formatted message */
int
err_set(struct esc_err *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	return -1;
}

/* err_format - render as "file:line: text" */
const char *
err_format(const struct esc_err *e, char *buf, size_t len)
{
	if (e->file[0] != '\0' && e->line > 0)
		snprintf(buf, len, "%s:%d: %s", e->file, e->line, e->text);
	else if (e->file[0] != '\0')
		snprintf(buf, len, "%s: %s", e->file, e->text);
	else
		snprintf(buf, len, "%s", e->text);
	return buf;
}

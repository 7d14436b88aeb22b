/*
 * err.h - the one error type of the project.
 *
 * Functions below the front ends (util, core) never print and never exit:
 * they return -1 or NULL and describe the problem in a caller-owned
 * struct esc_err.  The front ends (milter, cli) decide how to show it.
 * Thread-safe: no global state.
 */
#ifndef ESC_ERR_H
#define ESC_ERR_H

#include <stddef.h>

struct esc_err {
	char	 file[256];	/* file the error is about, "" when none */
	int	 line;		/* 1-based line in file, 0 when none */
	char	 text[512];	/* what is wrong and how to fix it */
};

/* err_clear - reset to "no error" */
void	err_clear(struct esc_err *);

/* err_set - format the message; file may be NULL; returns -1 for tail calls */
int	err_set(struct esc_err *, const char *file, int line, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 4, 5)));

/* err_format - "file:line: text" (or the parts present) into buf */
const char *err_format(const struct esc_err *, char *buf, size_t len);

#endif

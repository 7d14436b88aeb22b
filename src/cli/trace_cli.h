/*
 * trace_cli.h - what esc trace's files share: the command (cmd_trace.c:
 * options, the logs merged by time, the search), a story's recipients and
 * its text and JSON (trace_out.c), and a bounce fed back with --dsn
 * (trace_dsn.c).
 */
#ifndef ESC_TRACE_CLI_H
#define ESC_TRACE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"
#include "dsn.h"
#include "logline.h"
#include "trace.h"
#include "xcode.h"

/* What the output needs to read a story's lines again. */
struct tview {
	struct cli	*c;
	const struct tables *tab;
	const char *const *files;	/* names, by the trace's file number */
	struct logyear	*years;		/* per file */
};

/* One recipient's outcome at one queue id: the last line about it. */
struct tout {
	char		*rcpt;		/* as logged */
	char		*orig;		/* orig_to=, NULL when none */
	char		 qid[32];	/* "" before the queue */
	const char	*status;	/* "sent", "bounced", "deferred",
					   "rejected", "tempfailed",
					   "discarded", "held", "warned" */
	char		 code[4];	/* "" none */
	char		 xcode[XCODE_STRLEN];	/* classifying code, "" none */
	char		*text;		/* the reply, NULL none */
	char		*remote;	/* relay or client, NULL none */
	char		*queued_as;	/* the next queue id, NULL none */
	struct reply_class rc;
	bool		 classified;	/* rc is set (a refusal) */
	unsigned	 attempts;	/* lines about it (deferrals + last) */
	unsigned	 file;
	unsigned long	 line;
	long long	 ms;
};

struct touts {
	struct tout	*v;
	size_t		 n, cap;
};

/* trace_outcomes - every recipient's outcomes in s; -1 on ENOMEM */
int	trace_outcomes(const struct tview *, const struct trace_story *,
	    struct touts *);
void	trace_outcomes_free(struct touts *);

/* trace_text - a story for people, but its lines */
void	trace_text(const struct tview *, const struct trace_story *,
	    const struct touts *, FILE *);

/* trace_text_lines - then its lines, with their file and number */
void	trace_text_lines(const struct tview *, const struct trace_story *,
	    FILE *);

/* trace_put - a log's bytes to a terminal: controls and invalid UTF-8
   as '?' */
void	trace_put(const char *s, FILE *fp);

/* trace_json - a story as one object (new reference); NULL on ENOMEM */
json_t	*trace_json(const struct tview *, const struct trace_story *,
	    const struct touts *);

/* --dsn FILE: a bounce, and the story it reports. */
struct tdsn {
	char		*path;
	struct dsn	 d;
	char		 msgid[DSN_ADDR_MAX];	/* without <> */
	unsigned	 matched;
	unsigned	 worst;		/* highest severity found (enum) */
	bool		 any_finding;
};

/* tdsn_load - read and parse FILE; -1 after saying why */
int	tdsn_load(struct cli *, const char *path, struct tdsn *);
void	tdsn_free(struct tdsn *);

/* tdsn_match - s is the story the bounce reports */
bool	tdsn_match(const struct tdsn *, const struct trace_story *);

/* tdsn_text, tdsn_json - the bounce next to the log, with findings where
   they disagree */
void	tdsn_text(const struct tview *, struct tdsn *,
	    const struct touts *, FILE *);
json_t	*tdsn_json(const struct tview *, struct tdsn *,
	    const struct touts *);

#endif

/*
 * event.h - JSON events, one object per line (SPEC section 3).
 *
 * Builders return new jansson references; event_line() serialises one to
 * a compact, ASCII-only line ending in "\n" that the caller frees.  Every
 * string that comes from the SMTP client goes through event_str(), which
 * escapes invalid UTF-8 as "\xHH", so a hostile peer can never produce a
 * broken line or invalid JSON.  Pure, thread-safe (jansson's hash seed must
 * be set once before threads start: json_object_seed()).
 */
#ifndef ESC_EVENT_H
#define ESC_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "dsn.h"
#include "finding.h"
#include "registry.h"
#include "replyclass.h"
#include "stage.h"

/* Fields every event carries. */
struct event_common {
	const char	*host;
	const char	*session;	/* NULL for process events (stats, config) */
	const char	*queue_id;	/* NULL: not known (yet) */
	const char	*ts;		/* NULL: now; "": not known (null) */
};

/* What an event read from the MTA's log adds (esc maillog, maillog =). */
struct reply_log {
	const char	*file;		/* the log file, "-" for standard input */
	unsigned long	 line;		/* its line number, from 1 */
	const char	*program;	/* "smtpd", "cleanup", "smtp", "sm-mta" */
	const char	*direction;	/* "inbound" or "outbound" */
	const char	*stage;		/* replaces reply_event.stage; NULL: null */
	const char	*remote_name, *remote_ip, *remote_domain;  /* outbound */
	const char	*remote_provider;	/* "google"; NULL: none known */
	const char	*dsn;		/* the line's dsn=, NULL when none */
	const char	*class_xcode;	/* classifies when the reply has no
					   enhanced code (a delivery's dsn=) */
};

/* A rejection or tempfail, the daemon's own or the MTA's. */
struct reply_event {
	const char	*source;	/* "milter" or "mta" */
	const char	*action;	/* "reject", "tempfail", "discard" */
	const char	*mode;		/* "enforce" or "monitor" */
	enum stage	 stage;
	const char	*rule;		/* NULL for the MTA */
	const char	*client_ip, *client_name, *helo;
	const char	*sender, *recipient;	/* NULL when not known / not
						   per recipient */
	const char	*code;		/* "550"; NULL when unknown */
	const char	*xcode;		/* "5.7.23"; NULL when none */
	const char	*text;		/* what the client reads */
	const struct findings *findings;	/* may be NULL */
	const struct reply_log *log;	/* NULL: not from the MTA's log */
};

/* event_str - JSON string of untrusted bytes (NULL -> null) */
json_t	*event_str(const char *s);

/* event_strn - the same with an explicit length (NUL bytes escaped) */
json_t	*event_strn(const char *s, size_t len);

/* event_new - {ts, event, host, session, queue_id} */
json_t	*event_new(const char *type, const struct event_common *);

/*
 * event_reply - a "reply" event; rc classifies it (reply_classify(), the
 * same classification the statistics count)
 */
json_t	*event_reply(const struct event_common *, const struct reply_event *,
	    const struct reply_class *rc);

/*
 * event_dsn_fields - the classification of one DSN recipient into o:
 * recipient, original_recipient, action, status, status_from, class,
 * subject, detail, category, registered, registry_text, diagnostic,
 * remote_mta (not the findings: events list ids, `esc dsn` objects).
 */
void	event_dsn_fields(json_t *o, const struct dsn_rcpt *,
	    const struct dsn_class *);

/* event_dsn - a "dsn" event for one failed or delayed recipient */
json_t	*event_dsn(const struct event_common *, const struct dsn *,
	    const struct dsn_rcpt *, const struct dsn_class *);

/* event_findings_ids - ["class-mismatch", ...] */
json_t	*event_findings_ids(const struct findings *);

/* event_line - compact serialisation + "\n"; steals ev; NULL on ENOMEM */
char	*event_line(json_t *ev, size_t *len);

/* event_timestamp - RFC 3339 UTC with milliseconds into buf (>= 32 bytes) */
char	*event_timestamp(char *buf, size_t size);

#endif

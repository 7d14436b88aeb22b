/*
 * verdict.h - what an SMTP session has decided so far, and what each
 * stage may do given that.
 *
 * A connection is open, accepted (an accept rule at CONNECT or HELO:
 * nothing more is evaluated), discarded (every message of it is discarded
 * at MAIL), refused (a reply decided at CONNECT or HELO is given again
 * at every later command: the MTA does not show a reply at CONNECT, and a
 * client that goes on after a refused HELO must get the same answer) or
 * failed (an internal failure at CONNECT or HELO: every later command
 * gets on_error's answer).  A message is open, accepted, discarded or
 * failed (an internal failure at a step that sends no reply, answered
 * at the next step that does: verdict_defer()).
 *
 * verdict_step() says what a stage does before any rule runs;
 * verdict_record() takes the outcome of the stage's rules, updates the
 * state and says what to do now.  Both are pure functions of the state;
 * the milter maps their answer to SMFIS_* codes.  A struct verdict is
 * owned by one session (one thread).
 */
#ifndef ESC_VERDICT_H
#define ESC_VERDICT_H

#include <stdbool.h>

#include "rule.h"
#include "stage.h"

/* What the rules of a stage decided. */
enum outcome_kind {
	O_NONE,			/* no enforce rule fired */
	O_REPLY,		/* send the rule's reply */
	O_ACCEPT,		/* an accept rule fired */
	O_DISCARD,		/* a discard rule fired */
	O_ERROR,		/* a condition could not be decided */
};

struct outcome {
	enum outcome_kind	 kind;
	const struct rule	*rule;	/* the rule that fired, else NULL */
};

enum conn_state { CONN_OPEN, CONN_ACCEPTED, CONN_DISCARDED, CONN_REFUSED,
	CONN_FAILED };
enum msg_state { MSG_OPEN, MSG_ACCEPTED, MSG_DISCARDED, MSG_FAILED };

struct verdict {
	enum conn_state		 conn;
	const struct rule	*conn_rule;	/* CONN_DISCARDED, CONN_REFUSED */
	enum stage		 conn_stage;	/* where that was decided */
	enum msg_state		 msg;
	bool			 eval_error;	/* a header condition failed */
	unsigned		 nrcpt;		/* recipients not refused */
};

/* What a callback does now. */
enum verdict_do {
	DO_EVALUATE,		/* run the stage's rules (verdict_step only) */
	DO_CONTINUE,		/* nothing to send */
	DO_REPLY,		/* send a rule's reply (verdict_rule) */
	DO_DISCARD,		/* discard the message */
	DO_ERROR,		/* an internal failure: apply on_error */
};

/* verdict_name, verdict_do_name - printable, for logs and tests */
const char *verdict_do_name(enum verdict_do);

/* verdict_init - a new connection */
void	verdict_init(struct verdict *);

/* verdict_message - a new message (MAIL): the message part forgotten */
void	verdict_message(struct verdict *);

/*
 * verdict_step - before the rules of stage st run.  STAGE_HEADER stands
 * for each header and for the end of headers alike; at CONNECT it is
 * always DO_EVALUATE.  DO_REPLY and DO_DISCARD refer to conn_rule.
 */
enum verdict_do verdict_step(const struct verdict *, enum stage st);

/*
 * verdict_record - the outcome of stage st's rules (or of a DO_DISCARD
 * step: O_DISCARD with conn_rule): updates the state and says what to do
 * now.  A reply decided at CONNECT is recorded and answered later
 * (DO_CONTINUE now).  At RCPT a recipient that is not refused counts in
 * nrcpt; an accept rule with recipient conditions accepts that recipient
 * only.
 */
enum verdict_do verdict_record(struct verdict *, enum stage st,
	    struct outcome);

/* verdict_rcpt_skipped - a recipient the rules did not look at (the
   message or connection is accepted or discarded): it counts */
void	verdict_rcpt_skipped(struct verdict *);

/*
 * verdict_defer - something to send at stage st, where the MTA expects no
 * reply (the step was negotiated without one): it becomes a failure that
 * the next step with a reply answers (verdict_step says DO_ERROR there).
 * At CONNECT and HELO it holds for the connection, later for the message.
 */
void	verdict_defer(struct verdict *, enum stage st);

#endif

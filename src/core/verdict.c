/*
 * verdict.c - the session's decisions as one state (see verdict.h).
 */
#include "config.h"

#include "verdict.h"

/* verdict_do_name - printable */
const char *
verdict_do_name(enum verdict_do d)
{
	switch (d) {
	case DO_EVALUATE:
		return "evaluate";
	case DO_CONTINUE:
		return "continue";
	case DO_REPLY:
		return "reply";
	case DO_DISCARD:
		return "discard";
	case DO_ERROR:
		return "error";
	}
	return "?";
}

/* verdict_init - nothing decided */
void
verdict_init(struct verdict *v)
{
	v->conn = CONN_OPEN;
	v->conn_rule = NULL;
	v->conn_stage = STAGE_NONE;
	verdict_message(v);
}

/* verdict_message - a new message */
void
verdict_message(struct verdict *v)
{
	v->msg = MSG_OPEN;
	v->eval_error = false;
	v->nrcpt = 0;
}

/* verdict_step - what a stage does before its rules */
enum verdict_do
verdict_step(const struct verdict *v, enum stage st)
{
	if (st == STAGE_CONNECT)
		return DO_EVALUATE;
	switch (v->conn) {
	case CONN_FAILED:
		return DO_ERROR;
	case CONN_REFUSED:
		return DO_REPLY;
	case CONN_ACCEPTED:
		return DO_CONTINUE;
	case CONN_DISCARDED:
		return st == STAGE_MAIL ? DO_DISCARD : DO_CONTINUE;
	case CONN_OPEN:
		break;
	}
	if (st == STAGE_HELO || st == STAGE_MAIL)
		return DO_EVALUATE;
	if (v->msg == MSG_FAILED)
		return DO_ERROR;
	if (v->msg != MSG_OPEN)
		return DO_CONTINUE;
	if (st == STAGE_HEADER && v->eval_error)
		return DO_ERROR;
	return DO_EVALUATE;
}

/* connection - a decision at CONNECT or HELO holds for the connection */
static enum verdict_do
connection(struct verdict *v, enum stage st, struct outcome o)
{
	switch (o.kind) {
	case O_REPLY:
		v->conn = CONN_REFUSED;
		v->conn_rule = o.rule;
		v->conn_stage = st;
		/* The MTA shows no reply at CONNECT: answered at HELO/MAIL. */
		return st == STAGE_CONNECT ? DO_CONTINUE : DO_REPLY;
	case O_ACCEPT:
		v->conn = CONN_ACCEPTED;
		return DO_CONTINUE;
	case O_DISCARD:
		v->conn = CONN_DISCARDED;
		v->conn_rule = o.rule;
		v->conn_stage = st;
		return DO_CONTINUE;
	case O_ERROR:
		return DO_ERROR;
	case O_NONE:
		break;
	}
	return DO_CONTINUE;
}

/* verdict_record - a stage's outcome */
enum verdict_do
verdict_record(struct verdict *v, enum stage st, struct outcome o)
{
	if (st == STAGE_CONNECT || st == STAGE_HELO)
		return connection(v, st, o);
	switch (o.kind) {
	case O_NONE:
		if (st == STAGE_RCPT)
			v->nrcpt++;
		return DO_CONTINUE;
	case O_ACCEPT:
		if (st == STAGE_RCPT) {
			v->nrcpt++;
			if (o.rule != NULL && o.rule->per_recipient)
				return DO_CONTINUE;	/* this recipient only */
		}
		v->msg = MSG_ACCEPTED;
		return DO_CONTINUE;
	case O_DISCARD:
		v->msg = MSG_DISCARDED;
		return DO_DISCARD;
	case O_REPLY:
		return DO_REPLY;
	case O_ERROR:
		return DO_ERROR;
	}
	return DO_CONTINUE;
}

/* verdict_defer - answered later, as a failure */
void
verdict_defer(struct verdict *v, enum stage st)
{
	if (st == STAGE_CONNECT || st == STAGE_HELO)
		v->conn = CONN_FAILED;
	else
		v->msg = MSG_FAILED;
}

/* verdict_rcpt_skipped - counted without evaluation */
void
verdict_rcpt_skipped(struct verdict *v)
{
	v->nrcpt++;
}

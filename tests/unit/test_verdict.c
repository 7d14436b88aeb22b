/*
 * test_verdict.c - the session's decisions: what each stage may do in each
 * state (verdict_step), and what each outcome leads to (verdict_record),
 * as tables; then whole sessions as sequences.
 */
#include "config.h"

#include <string.h>

#include "tap.h"
#include "verdict.h"

static char plain_name[] = "plain", per_name[] = "per-rcpt";
static struct rule plain = { .name = plain_name };
static struct rule per_rcpt = { .name = per_name, .per_recipient = true };

/* verdict_step in every state that matters */
static void
steps(void)
{
	static const struct {
		const char	*name;
		enum conn_state	 conn;
		enum msg_state	 msg;
		bool		 eval_error;
		enum stage	 st;
		enum verdict_do	 want;
	} t[] = {
		{ "connect always evaluates", CONN_REFUSED, MSG_OPEN, false, STAGE_CONNECT, DO_EVALUATE },
		{ "open: helo evaluates", CONN_OPEN, MSG_OPEN, false, STAGE_HELO, DO_EVALUATE },
		{ "open: mail evaluates", CONN_OPEN, MSG_OPEN, false, STAGE_MAIL, DO_EVALUATE },
		{ "open: rcpt evaluates", CONN_OPEN, MSG_OPEN, false, STAGE_RCPT, DO_EVALUATE },
		{ "open: header evaluates", CONN_OPEN, MSG_OPEN, false, STAGE_HEADER, DO_EVALUATE },
		{ "open: eom evaluates", CONN_OPEN, MSG_OPEN, false, STAGE_EOM, DO_EVALUATE },
		{ "refused: helo answers again", CONN_REFUSED, MSG_OPEN, false, STAGE_HELO, DO_REPLY },
		{ "refused: mail answers again", CONN_REFUSED, MSG_OPEN, false, STAGE_MAIL, DO_REPLY },
		{ "refused: rcpt answers again", CONN_REFUSED, MSG_OPEN, false, STAGE_RCPT, DO_REPLY },
		{ "accepted connection: helo", CONN_ACCEPTED, MSG_OPEN, false, STAGE_HELO, DO_CONTINUE },
		{ "accepted connection: mail", CONN_ACCEPTED, MSG_OPEN, false, STAGE_MAIL, DO_CONTINUE },
		{ "accepted connection: rcpt", CONN_ACCEPTED, MSG_OPEN, false, STAGE_RCPT, DO_CONTINUE },
		{ "accepted connection: header", CONN_ACCEPTED, MSG_OPEN, true, STAGE_HEADER, DO_CONTINUE },
		{ "accepted connection: eom", CONN_ACCEPTED, MSG_OPEN, false, STAGE_EOM, DO_CONTINUE },
		{ "discarded connection: helo", CONN_DISCARDED, MSG_OPEN, false, STAGE_HELO, DO_CONTINUE },
		{ "discarded connection: mail discards", CONN_DISCARDED, MSG_OPEN, false, STAGE_MAIL, DO_DISCARD },
		{ "discarded connection: rcpt", CONN_DISCARDED, MSG_DISCARDED, false, STAGE_RCPT, DO_CONTINUE },
		{ "accepted message: rcpt", CONN_OPEN, MSG_ACCEPTED, false, STAGE_RCPT, DO_CONTINUE },
		{ "accepted message: header", CONN_OPEN, MSG_ACCEPTED, true, STAGE_HEADER, DO_CONTINUE },
		{ "accepted message: eom", CONN_OPEN, MSG_ACCEPTED, false, STAGE_EOM, DO_CONTINUE },
		{ "accepted message: next mail evaluates", CONN_OPEN, MSG_ACCEPTED, false, STAGE_MAIL, DO_EVALUATE },
		{ "discarded message: rcpt", CONN_OPEN, MSG_DISCARDED, false, STAGE_RCPT, DO_CONTINUE },
		{ "discarded message: eom", CONN_OPEN, MSG_DISCARDED, false, STAGE_EOM, DO_CONTINUE },
		{ "header regex failed: error at headers", CONN_OPEN, MSG_OPEN, true, STAGE_HEADER, DO_ERROR },
		{ "header regex failed: eom not affected", CONN_OPEN, MSG_OPEN, true, STAGE_EOM, DO_EVALUATE },
		{ "header regex failed: rcpt not affected", CONN_OPEN, MSG_OPEN, true, STAGE_RCPT, DO_EVALUATE },
	};
	struct verdict v;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		verdict_init(&v);
		v.conn = t[i].conn;
		v.msg = t[i].msg;
		v.eval_error = t[i].eval_error;
		is_str(verdict_do_name(verdict_step(&v, t[i].st)),
		    verdict_do_name(t[i].want), "step: %s", t[i].name);
	}
}

/* verdict_record for each outcome at each stage */
static void
records(void)
{
	static const struct {
		const char	*name;
		enum stage	 st;
		enum outcome_kind o;
		struct rule	*rule;
		enum verdict_do	 want;
		enum conn_state	 conn;
		enum msg_state	 msg;
		unsigned	 nrcpt;
	} t[] = {
		{ "connect reply: answered later", STAGE_CONNECT, O_REPLY, &plain, DO_CONTINUE, CONN_REFUSED, MSG_OPEN, 0 },
		{ "helo reply: answered now", STAGE_HELO, O_REPLY, &plain, DO_REPLY, CONN_REFUSED, MSG_OPEN, 0 },
		{ "connect accept", STAGE_CONNECT, O_ACCEPT, &plain, DO_CONTINUE, CONN_ACCEPTED, MSG_OPEN, 0 },
		{ "helo accept", STAGE_HELO, O_ACCEPT, &plain, DO_CONTINUE, CONN_ACCEPTED, MSG_OPEN, 0 },
		{ "connect discard: later, at mail", STAGE_CONNECT, O_DISCARD, &plain, DO_CONTINUE, CONN_DISCARDED, MSG_OPEN, 0 },
		{ "connect error", STAGE_CONNECT, O_ERROR, &plain, DO_ERROR, CONN_OPEN, MSG_OPEN, 0 },
		{ "connect nothing", STAGE_CONNECT, O_NONE, NULL, DO_CONTINUE, CONN_OPEN, MSG_OPEN, 0 },
		{ "mail nothing", STAGE_MAIL, O_NONE, NULL, DO_CONTINUE, CONN_OPEN, MSG_OPEN, 0 },
		{ "mail reply", STAGE_MAIL, O_REPLY, &plain, DO_REPLY, CONN_OPEN, MSG_OPEN, 0 },
		{ "mail accept: the message", STAGE_MAIL, O_ACCEPT, &plain, DO_CONTINUE, CONN_OPEN, MSG_ACCEPTED, 0 },
		{ "mail discard", STAGE_MAIL, O_DISCARD, &plain, DO_DISCARD, CONN_OPEN, MSG_DISCARDED, 0 },
		{ "rcpt nothing: counted", STAGE_RCPT, O_NONE, NULL, DO_CONTINUE, CONN_OPEN, MSG_OPEN, 1 },
		{ "rcpt reply: not counted", STAGE_RCPT, O_REPLY, &plain, DO_REPLY, CONN_OPEN, MSG_OPEN, 0 },
		{ "rcpt accept: the message, counted", STAGE_RCPT, O_ACCEPT, &plain, DO_CONTINUE, CONN_OPEN, MSG_ACCEPTED, 1 },
		{ "rcpt accept per recipient: this one only", STAGE_RCPT, O_ACCEPT, &per_rcpt, DO_CONTINUE, CONN_OPEN, MSG_OPEN, 1 },
		{ "rcpt discard: not counted", STAGE_RCPT, O_DISCARD, &plain, DO_DISCARD, CONN_OPEN, MSG_DISCARDED, 0 },
		{ "rcpt error: not counted", STAGE_RCPT, O_ERROR, &plain, DO_ERROR, CONN_OPEN, MSG_OPEN, 0 },
		{ "header reply", STAGE_HEADER, O_REPLY, &plain, DO_REPLY, CONN_OPEN, MSG_OPEN, 0 },
		{ "header accept", STAGE_HEADER, O_ACCEPT, &plain, DO_CONTINUE, CONN_OPEN, MSG_ACCEPTED, 0 },
		{ "eom accept", STAGE_EOM, O_ACCEPT, &plain, DO_CONTINUE, CONN_OPEN, MSG_ACCEPTED, 0 },
		{ "eom discard", STAGE_EOM, O_DISCARD, &plain, DO_DISCARD, CONN_OPEN, MSG_DISCARDED, 0 },
		{ "eom error", STAGE_EOM, O_ERROR, &plain, DO_ERROR, CONN_OPEN, MSG_OPEN, 0 },
	};
	struct verdict v;
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		verdict_init(&v);
		o.kind = t[i].o;
		o.rule = t[i].rule;
		is_str(verdict_do_name(verdict_record(&v, t[i].st, o)),
		    verdict_do_name(t[i].want), "record: %s", t[i].name);
		ok(v.conn == t[i].conn && v.msg == t[i].msg &&
		    v.nrcpt == t[i].nrcpt, "record: %s: state (conn %d msg %d "
		    "nrcpt %u)", t[i].name, v.conn, v.msg, v.nrcpt);
	}
}

/* sequences - a few whole sessions */
static void
sessions(void)
{
	struct verdict v;
	struct outcome none = { O_NONE, NULL }, reply = { O_REPLY, &plain },
	    acc = { O_ACCEPT, &per_rcpt };

	/* A reply decided at CONNECT is given at HELO and again at MAIL. */
	verdict_init(&v);
	is_int(verdict_record(&v, STAGE_CONNECT, reply), DO_CONTINUE,
	    "connect refusal waits");
	is_int(verdict_step(&v, STAGE_HELO), DO_REPLY, "given at HELO");
	ok(v.conn_rule == &plain && v.conn_stage == STAGE_CONNECT,
	    "with the connect rule and stage");
	verdict_message(&v);
	is_int(verdict_step(&v, STAGE_MAIL), DO_REPLY, "again at MAIL");

	/* Recipients: two counted, one refused, one accepted alone. */
	verdict_init(&v);
	verdict_record(&v, STAGE_MAIL, none);
	verdict_record(&v, STAGE_RCPT, none);
	verdict_record(&v, STAGE_RCPT, reply);
	verdict_record(&v, STAGE_RCPT, acc);
	verdict_record(&v, STAGE_RCPT, none);
	is_int(v.nrcpt, 3, "three recipients not refused");
	is_int(verdict_step(&v, STAGE_EOM), DO_EVALUATE,
	    "a per-recipient accept leaves the message open");
	verdict_message(&v);
	is_int(v.nrcpt, 0, "a new message counts again");

	/* The header error is per message. */
	verdict_init(&v);
	v.eval_error = true;
	verdict_message(&v);
	is_int(verdict_step(&v, STAGE_HEADER), DO_EVALUATE,
	    "the next message starts clean");

	/* Names. */
	is_str(verdict_do_name(DO_DISCARD), "discard", "names");
	is_str(verdict_do_name((enum verdict_do)99), "?", "unknown name");
	/* Skipped recipients count. */
	verdict_init(&v);
	verdict_rcpt_skipped(&v);
	is_int(v.nrcpt, 1, "a skipped recipient counts");
}

int
main(void)
{
	steps();
	records();
	sessions();
	return done_testing();
}

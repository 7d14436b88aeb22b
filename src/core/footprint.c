/*
 * footprint.c - what a configuration needs from the MTA (see footprint.h).
 */
#include "config.h"

#include <string.h>

#include "footprint.h"

/* decides - a rule that sends something to the MTA when it fires */
static bool
decides(const struct rule *r)
{
	return r->mode == MODE_ENFORCE &&
	    (r->action == ACT_REPLY || r->action == ACT_DISCARD);
}

/* footprint_of - walk the rules and the settings */
void
footprint_of(const struct config *c, struct footprint *fp)
{
	unsigned i, k;

	memset(fp, 0, sizeof *fp);
	fp->headers = fp->body = c->set.annotate_dsn;
	fp->reply[STAGE_EOM] = true;
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		bool d = decides(r);

		for (k = 0; k < r->ncond; k++) {
			enum cond_type t = r->cond[k].type;

			if (t == C_HEADER || t == C_SIZE)
				fp->headers = true;
			if (t == C_BODY || t == C_SIZE)
				fp->body = true;
		}
		switch (r->stage) {
		case STAGE_CONNECT:
		case STAGE_HELO:
			/* answered at HELO and again at MAIL (a refused
			   MAIL has no RCPT); a discard applies at MAIL */
			if (d && r->action == ACT_REPLY)
				fp->reply[STAGE_HELO] = true;
			if (d)
				fp->reply[STAGE_MAIL] = true;
			break;
		case STAGE_MAIL:
		case STAGE_RCPT:
			if (d)
				fp->reply[r->stage] = true;
			break;
		default:
			break;		/* header and eom: at the end */
		}
	}
}

/*
 * observe.c - the MTA's own recipient rejections (see observe.h).
 */
#include "config.h"

#include <string.h>

#include "event.h"
#include "lm.h"
#include "observe.h"
#include "rejection.h"

/* observe_is_rejected - {rcpt_mailer} = error */
bool
observe_is_rejected(SMFICTX *ctx)
{
	const char *mailer = lm_macro(ctx, "{rcpt_mailer}");

	return mailer != NULL && strcmp(mailer, "error") == 0;
}

/* observe_rcpt_reject - an event and the counters */
void
observe_rcpt_reject(struct session *s, SMFICTX *ctx, const char *rcpt)
{
	struct reply_event re;
	struct findings fs;
	struct rejection rj;

	rejection_parse(lm_macro(ctx, "{rcpt_host}"), lm_macro(ctx, "{rcpt_addr}"),
	    &rj);
	rejection_findings(s->cfg->reg, &rj, &fs);
	session_reply_event(s, STAGE_RCPT, rj.cls == 4 ? "tempfail" : "reject",
	    "enforce", NULL, &re);
	re.source = "mta";
	re.recipient = rcpt;
	re.code = rj.code[0] ? rj.code : NULL;
	re.xcode = rj.xcode[0] ? rj.xcode : NULL;
	re.text = rj.text;
	re.findings = &fs;
	session_emit_reply(s, &re, NULL);
}

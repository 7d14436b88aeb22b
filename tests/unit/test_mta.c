/*
 * test_mta.c - what Postfix 3.7 and Sendmail 8.17 show the client for a
 * milter reply.  Expected values come from ../shared/facts/milter.md §8
 * (verified with a real Postfix), sendmail-rig.md, the MTA sources and
 * tests/e2e/t-sendmail.sh (what a real Sendmail 8.17 sent).
 */
#include "config.h"

#include "mta.h"
#include "tap.h"

#define P	MTA_POSTFIX
#define S	MTA_SENDMAIL

static const struct {
	enum mta	 mta;
	enum stage	 stage;
	const char	*in;
	int		 rc;
	const char	*want;
	bool		 disabled, replaced, altered, closes, deferred, failed;
} cases[] = {
	{ P, STAGE_RCPT, "550 5.7.1 Rejected r1", 0, "550 5.7.1 Rejected r1", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 4.7.1 x", 0,
	  "451 4.3.5 Server configuration problem - try again later", 1, 1, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "450 4.7.1 later", 0, "450 4.7.1 later", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 5.7.1 100% sure", 0, "550 5.7.1 100 sure", 0, 0, 1, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 5.7.1 100% single and 50%% double", 0,
	  "550 5.7.1 100 single and 50% double", 0, 0, 1, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 5.7.1 50%", 0, "550 5.7.1 50", 0, 0, 1, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 no xcode", 0, "550 no xcode", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 5.7.1", 0, "550 5.7.1", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "550-5.7.1 line one\n550-5.7.1 line two\n550 5.7.1 line three", 0,
	  "550-5.7.1 line one\n550-5.7.1 line two\n550 5.7.1 line three", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "421 4.7.0 closing now", 0, "421 4.7.0 closing now", 0, 0, 0, 1, 0, 0 },
	{ P, STAGE_RCPT, "550 5.07.1 zeros", 0, "550 5.07.1 zeros", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_RCPT, "550 5.7.1000 x", 0, "550 5.7.1 Command rejected", 0, 1, 0, 0, 0, 1 },
	{ P, STAGE_RCPT, "450 5.7.1000 x", 0,
	  "451 4.7.1 Service unavailable - try again later", 0, 1, 0, 0, 0, 1 },
	{ P, STAGE_RCPT, "250 2.0.0 ok", -1, "", 0, 0, 0, 0, 0, 1 },
	{ P, STAGE_CONNECT, "550 5.7.1 go", 0,
	  "554 mx.example.org ESMTP not accepting connections", 0, 1, 0, 0, 0, 0 },
	{ P, STAGE_CONNECT, "421 4.7.0 bye", 0,
	  "421 mx.example.org Service unavailable - try again later", 0, 1, 0, 1, 0, 0 },
	{ P, STAGE_CONNECT, "450 4.7.1 later", 0, "450 4.7.1 later", 0, 0, 0, 0, 1, 0 },
	{ P, STAGE_HELO, "550 5.7.1 bad helo", 0, "550 5.7.1 bad helo", 0, 0, 0, 0, 1, 0 },
	{ P, STAGE_EOM, "554 5.7.1 eom perm", 0, "554 5.7.1 eom perm", 0, 0, 0, 0, 0, 0 },
	{ P, STAGE_NONE, "550 5.7.1 x", 0, "550 5.7.1 x", 0, 0, 0, 0, 0, 0 },

	{ S, STAGE_RCPT, "550 5.1.1 No such user here", 0,
	  "550 5.1.1 <recipient>... No such user here", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "550 5.7.1 100% sure", 0, "550 5.7.1 Command rejected", 0, 1, 0, 0, 0, 0 },
	{ S, STAGE_EOM, "554 5.7.1 100% sure", 0, "554 5.7.1 Command rejected", 0, 1, 0, 0, 0, 0 },
	{ S, STAGE_HELO, "550 5.7.1 100% sure", 0, "550 Command rejected", 0, 1, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "550 5.7.1 100%% sure", 0, "550 5.7.1 <recipient>... 100% sure", 0, 0, 1, 0, 0, 0 },
	{ S, STAGE_RCPT, "550 4.7.1 mismatch", 0, "550 4.7.1 <recipient>... mismatch", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "554 5.7.1 no address for 554", 0, "554 5.7.1 no address for 554", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "550 no xcode", 0, "550 5.0.0 <recipient>... no xcode", 0, 0, 1, 0, 0, 0 },
	{ S, STAGE_MAIL, "550 5.7.1", 0, "550 5.0.0 <sender>... 5.7.1", 0, 0, 1, 0, 0, 0 },
	{ S, STAGE_MAIL, "554 5.7.1 no address for 554", 0, "554 5.7.1 no address for 554", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_HELO, "550 5.7.1 Bad HELO", 0, "550 5.7.1 Bad HELO", 0, 0, 0, 0, 1, 0 },
	{ S, STAGE_RCPT, "550 5.7.1", 0, "550 5.0.0 <recipient>... 5.7.1", 0, 0, 1, 0, 0, 0 },
	{ S, STAGE_MAIL, "550 5.7.23 SPF fail", 0, "550 5.7.23 <sender>... SPF fail", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_MAIL, "550 5.7.1000 x", 0, "550 5.7.1 <sender>... Command rejected", 0, 1, 0, 0, 0, 1 },
	{ S, STAGE_RCPT, "451 4.7.1 later", 0, "451 4.7.1 later", 0, 0, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "550 5.7.1000 x", 0, "550 5.7.1 <recipient>... Command rejected", 0, 1, 0, 0, 0, 1 },
	{ S, STAGE_RCPT, "450 5.7.1000 x", 0, "451 4.3.2 Please try again later", 0, 1, 0, 0, 0, 1 },
	{ S, STAGE_RCPT, "421 4.7.0 closing", 0, "421 4.7.0 closing", 0, 0, 0, 1, 0, 0 },
	{ S, STAGE_CONNECT, "550 5.7.1 go", 0, "554 Command rejected", 0, 1, 0, 0, 0, 0 },
	{ S, STAGE_RCPT, "250 2.0.0 ok", -1, "", 0, 0, 0, 0, 0, 1 },
};

int
main(void)
{
	struct mta_view v;
	size_t i;
	enum mta m;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *who = mta_name(cases[i].mta);
		int rc = mta_predict(cases[i].mta, cases[i].in, strlen(cases[i].in),
		    cases[i].stage, &v);

		is_int(rc, cases[i].rc, "%s \"%s\": result", who, cases[i].in);
		is_str(v.reply, cases[i].want, "%s at %s: \"%s\"", who,
		    stage_name(cases[i].stage), cases[i].in);
		is_int(v.milter_disabled, cases[i].disabled, "%s \"%s\": milter disabled", who, cases[i].in);
		is_int(v.text_replaced, cases[i].replaced, "%s \"%s\": text replaced", who, cases[i].in);
		is_int(v.text_altered, cases[i].altered, "%s \"%s\": text altered", who, cases[i].in);
		is_int(v.closes, cases[i].closes, "%s \"%s\": closes", who, cases[i].in);
		is_int(v.deferred_to_next, cases[i].deferred, "%s \"%s\": deferred", who, cases[i].in);
		is_int(v.setreply_failed, cases[i].failed, "%s \"%s\": setreply failed", who, cases[i].in);
		ok(v.nnotes > 0 || (!cases[i].disabled && !cases[i].replaced &&
		    !cases[i].altered && !cases[i].failed),
		    "%s \"%s\": every change is explained", who, cases[i].in);
	}
	ok(mta_parse("Postfix", &m) && m == MTA_POSTFIX, "parse postfix");
	ok(mta_parse("sendmail", &m) && m == MTA_SENDMAIL, "parse sendmail");
	ok(!mta_parse("exim", &m), "exim unknown");
	return done_testing();
}

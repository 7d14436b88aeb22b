/* test_suppress.c - the suppression rules, traps included, and the
   access table replies (valid by our own validator). */
#include "config.h"

#include <string.h>

#include "err.h"
#include "registry.h"
#include "reply.h"
#include "suppress.h"
#include "tap.h"

#define DAY	(86400LL * 1000)
#define T0	(1764000000LL * 1000)	/* 2025-11-24 */

/* o - an observation: day, reason, class, codes, message */
static struct sup_obs
o(double day, enum reason r, unsigned cls, const char *code,
    const char *xcode, unsigned long msg)
{
	struct sup_obs x;

	memset(&x, 0, sizeof x);
	x.ms = T0 + (long long)(day * (double)DAY);
	x.reason = r;
	x.cls = cls;
	snprintf(x.code, sizeof x.code, "%s", code);
	snprintf(x.xcode, sizeof x.xcode, "%s", xcode);
	x.msg = msg;
	return x;
}

static struct sup_obs
ok_at(double day)
{
	struct sup_obs x = o(day, R_DELIVERED, 2, "250", "2.0.0", 999);

	x.ok = true;
	return x;
}

static const struct sup_rules def = { SUP_HARD_DEFAULT, SUP_SOFT_DEFAULT,
    SUP_WITHIN_DEFAULT * DAY };

static struct sup_verdict
judge(struct sup_obs *v, unsigned n, const struct sup_rules *r)
{
	struct sup_verdict out;

	suppress_judge(v, n, r ? r : &def, &out);
	return out;
}

int
main(void)
{
	struct sup_verdict v;
	struct esc_err err;
	struct registry *reg = registry_new_builtin(&err);
	char buf[256];

	/* the traps: failures about us or the path never suppress */
	{
		struct sup_obs a[] = {
			o(0, R_AUTHFAILURE, 5, "550", "5.7.26", 1),
			o(1, R_AUTHFAILURE, 5, "550", "5.7.26", 2),
			o(2, R_AUTHFAILURE, 5, "550", "5.7.26", 3),
		};
		v = judge(a, 3, NULL);
		ok(!v.suppress, "a DMARC failure (three times) is not suppressed");
	}
	{
		struct sup_obs a[] = { o(0, R_BLOCKED, 5, "550", "5.7.1", 1) };

		v = judge(a, 1, NULL);
		ok(!v.suppress, "a Spamhaus block is not suppressed");
	}
	{
		struct sup_obs a[] = {
			o(0, R_BADREPUTATION, 4, "421", "4.7.0", 1),
			o(0.1, R_BADREPUTATION, 4, "421", "4.7.0", 2),
			o(0.2, R_BADREPUTATION, 4, "421", "4.7.0", 3),
			o(0.3, R_BADREPUTATION, 4, "421", "4.7.0", 4),
		};
		v = judge(a, 4, NULL);
		ok(!v.suppress, "Yahoo's TSS04 deferrals are not suppressed");
	}
	{
		struct sup_obs a[] = { o(0, R_MAILBOXFULL, 5, "552", "5.2.2", 1) };

		v = judge(a, 1, NULL);
		ok(!v.suppress, "one 5.2.2 is not suppressed");
	}
	{
		struct sup_obs a[] = { o(0, R_USERUNKNOWN, 5, "550", "5.1.1", 1),
		    ok_at(3) };

		v = judge(a, 2, NULL);
		ok(!v.suppress && v.cleared == T0 + 3 * DAY,
		    "an address that bounced and later took a message is not");
	}
	{
		struct sup_obs a[] = { ok_at(3), o(0, R_USERUNKNOWN, 5, "550", "5.1.1", 1) };

		v = judge(a, 2, NULL);
		ok(!v.suppress, "... whatever the order the logs were read in");
	}
	{
		struct sup_obs a[] = { ok_at(1), o(2, R_USERUNKNOWN, 5, "550", "5.1.1", 1) };

		v = judge(a, 2, NULL);
		ok(v.suppress && v.kind == SUP_HARD, "a bounce after the last delivery counts");
	}
	/* what does suppress */
	{
		struct sup_obs a[] = {
			o(0, R_MAILBOXFULL, 4, "452", "4.2.2", 1),
			o(2, R_MAILBOXFULL, 4, "452", "4.2.2", 2),
			o(5, R_MAILBOXFULL, 4, "452", "4.2.2", 3),
		};
		v = judge(a, 3, NULL);
		ok(v.suppress && v.kind == SUP_SOFT && v.count == 3 &&
		    v.reason == R_MAILBOXFULL && v.first == T0 &&
		    v.last == T0 + 5 * DAY, "three mailbox-full deferrals within the window are");
		is_str(v.xcode, "4.2.2", "its code");
	}
	{
		struct sup_obs a[] = {
			o(0, R_MAILBOXFULL, 4, "452", "4.2.2", 7),
			o(0.1, R_MAILBOXFULL, 4, "452", "4.2.2", 7),
			o(2, R_MAILBOXFULL, 4, "452", "4.2.2", 7),
			o(3, R_MAILBOXFULL, 5, "552", "5.2.2", 7),
		};
		v = judge(a, 4, NULL);
		ok(!v.suppress, "the retries of one message count once");
	}
	{
		struct sup_obs a[] = {
			o(0, R_MAILBOXFULL, 4, "452", "4.2.2", 1),
			o(10, R_MAILBOXFULL, 4, "452", "4.2.2", 2),
			o(20, R_MAILBOXFULL, 4, "452", "4.2.2", 3),
		};
		v = judge(a, 3, NULL);
		ok(!v.suppress, "three mailbox-full deferrals ten days apart are not (a week's window)");
	}
	{
		struct sup_obs a[] = { o(0, R_USERUNKNOWN, 5, "550", "", 1) };

		v = judge(a, 1, NULL);
		ok(v.suppress && v.kind == SUP_HARD && v.count == 1,
		    "550 No such user here without an enhanced code is");
		is_str(v.code, "550", "its basic code");
	}
	{
		struct sup_obs a[] = { o(0, R_USERUNKNOWN, 4, "450", "4.1.1", 1) };

		v = judge(a, 1, NULL);
		ok(!v.suppress, "a temporary user unknown (450 4.1.1) is not");
	}
	{
		struct sup_obs a[] = { o(0, R_NOTACCEPT, 5, "556", "5.1.10", 1),
		    o(1, R_HOSTUNKNOWN, 5, "550", "5.1.2", 2) };
		struct sup_rules two = { 2, 3, 7 * DAY };

		v = judge(a, 2, &two);
		ok(v.suppress && v.count == 2 && v.reason == R_HOSTUNKNOWN,
		    "--hard 2: a null MX and a domain that does not exist; the latest names the reason");
		v = judge(a, 1, &two);
		ok(!v.suppress, "--hard 2: one is not enough");
	}
	{
		struct sup_obs a[] = { o(0, R_SUSPEND, 5, "550", "5.2.1", 1),
		    o(1, R_HASMOVED, 5, "550", "5.1.6", 2) };

		v = judge(a, 2, NULL);
		ok(v.suppress && v.count == 2 && v.first == T0, "suspended, then moved");
	}
	v = judge(NULL, 0, NULL);
	ok(!v.suppress, "nothing known: nothing suppressed");

	/* the access table replies: valid, and what the validator says */
	{
		static const enum reason rs[] = { R_USERUNKNOWN, R_HOSTUNKNOWN,
		    R_HASMOVED, R_NOTACCEPT, R_SUSPEND, R_MAILBOXFULL };
		unsigned i;

		for (i = 0; i < sizeof rs / sizeof rs[0]; i++) {
			struct validate_opts vo = { STAGE_RCPT, false, true, false };
			struct findings fs;
			struct reply rep;
			size_t n;

			memset(&v, 0, sizeof v);
			v.reason = rs[i];
			v.count = 2;
			v.kind = rs[i] == R_MAILBOXFULL ? SUP_SOFT : SUP_HARD;
			v.last = T0;
			n = suppress_reply(&v, buf, sizeof buf);
			findings_init(&fs);
			ok(n > 0 && reply_check(reg, buf, n, &vo, &rep, &fs) == 0 &&
			    findings_count(&fs, SEV_WARNING) == 0,
			    "a valid reply for %s: %s", reason_name(rs[i]), buf);
		}
		is_str(buf, "550 5.2.2 Suppressed, the mailbox is full "
		    "(2 temporary failures, the last on 2025-11-24)", "the reply says why and since when");
		ok(suppress_reply(&v, buf, 20) == 0, "a buffer too small: nothing");
	}
	registry_free(reg);
	return done_testing();
}

/*
 * test_rejection.c - the MTA's own recipient rejections, as Postfix and
 * Sendmail pass them in {rcpt_host} and {rcpt_addr}.
 */
#include "config.h"

#include "rejection.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*name, *host, *addr;
		const char	*code, *xcode, *text;
		bool		 valid;
		unsigned	 cls;
		const char	*finding;	/* first finding id, "" none */
	} t[] = {
		{ "Postfix", "5.1.1", "Recipient address rejected: User unknown",
		    "", "5.1.1", "Recipient address rejected: User unknown", true, 5, "" },
		{ "Postfix tempfail", "4.2.1", "Mailbox busy", "", "4.2.1",
		    "Mailbox busy", true, 4, "" },
		{ "Sendmail, full reply", "5.7.1", "550 5.7.1 Relaying denied",
		    "550", "5.7.1", "Relaying denied", true, 5, "" },
		{ "Sendmail, reply without host", NULL, "550 5.7.1 Relaying denied",
		    "550", "5.7.1", "Relaying denied", true, 5, "" },
		{ "Sendmail, code only in the text", "", "553 5.1.8 Domain of sender does not exist",
		    "553", "5.1.8", "Domain of sender does not exist", true, 5,
		    "basic-not-associated" },
		{ "Sendmail, no enhanced code", NULL, "550 Relaying denied",
		    "550", "", "Relaying denied", false, 5, "" },
		{ "Sendmail, class mismatch", "4.7.1", "550 4.7.1 odd",
		    "550", "4.7.1", "odd", true, 4, "class-mismatch" },
		{ "host wins over the text", "5.1.1", "550 5.7.1 x", "550", "5.1.1",
		    "x", true, 5, "" },
		{ "invalid enhanced code", "5.07.1", "x", "", "5.07.1", "x", false, 5,
		    "xcode-syntax" },
		{ "unregistered", "5.1.99", "x", "", "5.1.99", "x", true, 5,
		    "unregistered" },
		{ "unknown subject", "5.9.1", "x", "", "5.9.1", "x", true, 5,
		    "unknown-subject" },
		{ "not a code in host", "dest.example", "x", "", "", "x", false, 5, "" },
		{ "nothing", NULL, NULL, "", "", "", false, 5, "" },
		{ "a hyphen is not Sendmail's form", NULL, "550-5.7.1 x", "", "",
		    "550-5.7.1 x", false, 5, "" },
		{ "a tempfail reply without code", NULL, "451 try later", "451", "",
		    "try later", false, 4, "" },
		{ "an invalid code in the text stays text", NULL, "550 5.07.1 x",
		    "550", "", "5.07.1 x", false, 5, "" },
	};
	struct registry *reg;
	struct esc_err err;
	struct rejection r;
	struct findings fs;
	size_t i;

	if ((reg = registry_new_builtin(&err)) == NULL)
		skip_all("no registry");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		rejection_parse(t[i].host, t[i].addr, &r);
		rejection_findings(reg, &r, &fs);
		ok(strcmp(r.code, t[i].code) == 0 && strcmp(r.xcode, t[i].xcode) == 0 &&
		    strcmp(r.text, t[i].text) == 0 && r.xcode_valid == t[i].valid &&
		    r.cls == t[i].cls, "%s: [%s] [%s] [%s] valid=%d class=%u",
		    t[i].name, r.code, r.xcode, r.text, r.xcode_valid, r.cls);
		is_str(fs.n ? finding_name(fs.v[0].id) : "", t[i].finding,
		    "%s: findings", t[i].name);
	}
	registry_free(reg);
	return done_testing();
}

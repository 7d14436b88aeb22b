/*
 * test_reason.c - the reason vocabulary, the table reader and the
 * classifier: every row of the built-in table decides its own example;
 * a table of real replies (the corpora, the providers' pages) gives the
 * reason and detail a person would; broken tables are refused with
 * FILE:LINE; codes without a row fall back to their class and subject.
 */
#include "config.h"

#include <string.h>

#include "reason.h"
#include "registry.h"
#include "tap.h"
#include "xcode.h"

static const struct registry *reg;

/* split an example "550 5.7.1 text" into code, xcode and text */
static void
parse_example(const char *ex, char code[4], char xc[XCODE_STRLEN],
    const char **text)
{
	struct xcode x;
	size_t n;

	code[0] = xc[0] = '\0';
	if (ex[0] >= '2' && ex[0] <= '5' && ex[1] >= '0' && ex[1] <= '9' &&
	    ex[2] >= '0' && ex[2] <= '9' && (ex[3] == ' ' || ex[3] == '-')) {
		memcpy(code, ex, 3);
		code[3] = '\0';
		ex += 4;
	}
	if ((n = xcode_parse(ex, strlen(ex), XCODE_PREFIX, &x, NULL)) > 0 &&
	    (ex[n] == ' ' || ex[n] == '\0')) {
		xcode_format(&x, xc, XCODE_STRLEN);
		ex += n + (ex[n] == ' ');
	}
	*text = ex;
}

/* context - the direction, program and provider a row's where names */
static void
context(const char *where, struct reason_in *in, char *prog, char *prov,
    size_t size)
{
	static char stage[16];
	const char *p;

	in->dir = RD_INBOUND;
	prog[0] = prov[0] = stage[0] = '\0';
	if (strstr(where, "out") != NULL)
		in->dir = RD_OUTBOUND;
	if (strstr(where, "dsn") != NULL)
		in->dir = RD_DSN;
	if ((p = strstr(where, "prog=")) != NULL)
		snprintf(prog, size, "%.*s", (int)strcspn(p + 5, ", "), p + 5);
	if ((p = strstr(where, "provider=")) != NULL)
		snprintf(prov, size, "%.*s", (int)strcspn(p + 9, ", "), p + 9);
	if ((p = strstr(where, "stage=")) != NULL)
		snprintf(stage, sizeof stage, "%.*s", (int)strcspn(p + 6, ", "),
		    p + 6);
	in->program = prog[0] ? prog : NULL;
	in->provider = prov[0] ? prov : NULL;
	in->stage = stage[0] ? stage : NULL;
}

static void
classify(const struct reasons *t, enum reason_dir dir, const char *prog,
    const char *provider, const char *reply, struct reason_out *out)
{
	struct reason_in in;
	char code[4], xc[XCODE_STRLEN];
	const char *text;

	parse_example(reply, code, xc, &text);
	memset(&in, 0, sizeof in);
	in.dir = dir;
	in.program = prog;
	in.provider = provider;
	in.code = code[0] ? code : NULL;
	in.xcode = xc[0] ? xc : NULL;
	in.text = text[0] ? text : NULL;
	in.textlen = strlen(text);
	reasons_classify(t, reg, &in, out);
}

/* every row of the built-in table is reached by its own example */
static void
test_rows(const struct reasons *t)
{
	size_t i, n = reasons_rows(t), bad = 0;
	struct reason_row row;

	ok(n >= 200, "the built-in table has %zu rows", n);
	for (i = 0; i < n; i++) {
		struct reason_out out;
		struct reason_in in;
		char prog[64], prov[64], code[4], xc[XCODE_STRLEN];
		const char *text;

		reasons_row(t, i, &row);
		memset(&in, 0, sizeof in);
		context(row.where, &in, prog, prov, sizeof prog);
		parse_example(row.example, code, xc, &text);
		in.code = code[0] ? code : NULL;
		in.xcode = xc[0] ? xc : NULL;
		in.text = text[0] ? text : NULL;
		in.textlen = strlen(text);
		reasons_classify(t, reg, &in, &out);
		if (out.line != row.line || out.reason != row.reason) {
			bad++;
			printf("# line %u (%s): its example \"%.80s\" is "
			    "decided by line %u (%s)\n", row.line,
			    reason_name(row.reason), row.example, out.line,
			    reason_name(out.reason));
		}
		if (strcmp(row.example, "-") == 0 || row.source[0] == '\0' ||
		    strcmp(row.source, "-") == 0) {
			bad++;
			printf("# line %u has no example or no source\n",
			    row.line);
		}
	}
	is_int(bad, 0, "every row decides its own example and names its source");
}

static const struct {
	enum reason_dir	 dir;
	const char	*prog, *provider, *reply;
	const char	*reason, *detail;
	int		 inferred_subject;	/* -1: not inferred */
} cases[] = {
	/* Postfix's own rejections, from the corpus logs */
	{ RD_INBOUND, "postscreen", NULL, "550 5.7.1 Service unavailable; client "
	    "[192.0.2.7] blocked using zen.spamhaus.org", "blocked",
	    "zen.spamhaus.org", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 Service unavailable; Client host "
	    "[192.0.2.7] blocked using bl.spamcop.net; Blocked - see "
	    "http://www.spamcop.net/bl.shtml?192.0.2.7", "blocked",
	    "bl.spamcop.net", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 Service unavailable; [192.0.2.7] "
	    "blocked using orbz.org, reason: Open relay.", "blocked", "orbz.org",
	    7 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 Service unavailable; Helo command "
	    "[news.example.com] blocked using dbl.spamhaus.org; "
	    "http://www.spamhaus.org/query/dbl?domain=news.example.com",
	    "blocked", "dbl.spamhaus.org", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 <foo@ibm.com>: Recipient address "
	    "rejected: Relay access denied", "norelaying",
	    "reject_unauth_destination", -1 },
	{ RD_INBOUND, "smtpd", NULL, "450 4.7.1 Client host rejected: cannot "
	    "find your hostname, [192.0.2.7]", "requireptr",
	    "reject_unknown_client_hostname", -1 },
	{ RD_INBOUND, "smtpd", NULL, "450 Client host rejected: cannot find your "
	    "hostname, [192.0.2.7]", "requireptr",
	    "reject_unknown_client_hostname", 7 },
	{ RD_INBOUND, "smtpd", NULL, "504 5.5.2 <User>: Helo command rejected: "
	    "need fully-qualified hostname", "blocked",
	    "reject_non_fqdn_helo_hostname", -1 },
	{ RD_INBOUND, "smtpd", NULL, "450 4.1.8 <a@S510.gigasys>: Sender address "
	    "rejected: Domain not found", "rejected",
	    "reject_unknown_sender_domain", -1 },
	{ RD_INBOUND, "smtpd", NULL, "550 5.1.1 <foo@example.com>: Recipient "
	    "address rejected: User unknown in local recipient table",
	    "userunknown", "local_recipient_maps", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 <bar.duno.com[192.0.2.7]>: Client "
	    "host rejected: Access denied", "blocked", "", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 <reject@ok.example>: Recipient "
	    "address rejected: Access denied", "filtered", "", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.1 <unk[192.0.2.8]>: Unverified Client "
	    "host rejected: Access denied", "requireptr",
	    "reject_unknown_client_hostname", -1 },
	{ RD_INBOUND, "smtpd", NULL, "550 5.5.3 <DATA>: Data command rejected: "
	    "Multi-recipient bounce", "rejected",
	    "reject_multi_recipient_bounce", -1 },
	{ RD_INBOUND, "smtpd", NULL, "554 5.7.0 Reject, id=11912-03 - INFECTED: "
	    "Eicar-Test-Signature", "virusdetected", "amavis", -1 },
	{ RD_INBOUND, "smtpd", NULL, "451 4.7.1 Greylisting in action, please come "
	    "back later", "greylisted", "greylisting", -1 },
	{ RD_INBOUND, "postscreen", NULL, "450 4.3.2 Service currently unavailable",
	    "greylisted", "postscreen", -1 },
	{ RD_INBOUND, "cleanup", NULL, "5.7.1 message content rejected",
	    "policyviolation", "header_checks or body_checks", -1 },
	/* Sendmail's */
	{ RD_INBOUND, "sm-mta", NULL, "550 5.7.1 Rejected: 192.0.2.7 listed at "
	    "sbl-xbl.spamhaus.org", "blocked", "sbl-xbl.spamhaus.org", -1 },
	{ RD_INBOUND, "sm-mta", NULL, "553 5.1.8 <a@b.example>... Domain of sender "
	    "address x@y.example does not exist", "rejected", "check_mail", -1 },
	{ RD_INBOUND, "sm-mta", NULL, "550 5.7.1 <x@t-online.ch>... Relaying "
	    "denied. IP name lookup failed [192.0.2.7]", "norelaying",
	    "check_rcpt", -1 },
	{ RD_INBOUND, "sm-mta", NULL, "421 4.3.2 Connection rate limit exceeded.",
	    "toomanyconn", "ratecontrol", -1 },
	/* remote servers, outbound */
	{ RD_OUTBOUND, "smtp", NULL, "421 4.7.28 Our system has detected an "
	    "unusual rate of unsolicited mail originating from your IP address.",
	    "badreputation", "Gmail 4.7.28", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.7.26 This mail has been blocked "
	    "because the sender is unauthenticated.", "authfailure", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "421 4.7.0 [TSS04] Messages from 192.0.2.7 "
	    "temporarily deferred due to unexpected volume or user complaints",
	    "badreputation", "Yahoo TSS04", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.7.1 Unfortunately, messages from "
	    "[192.0.2.7] weren't sent. Please contact your Internet service "
	    "provider since part of their network is on our block list (S3150).",
	    "blocked", "S3150", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.7.1 Service unavailable, Client host "
	    "[192.0.2.7] blocked using Spamhaus. To request removal from this list "
	    "see https://www.spamhaus.org/query/ip/192.0.2.7", "blocked",
	    "Spamhaus", -1 },
	{ RD_OUTBOUND, "smtp", "microsoft", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
	    "Recipient not found by SMTP address lookup", "userunknown",
	    "RESOLVER.ADR.RecipNotFound", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.2.0 Mail rejete. Mail rejected. OFR_506 "
	    "[506]", "spamdetected", "Orange OFR_506", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "552 5.2.2 Mailbox full", "mailboxfull", "",
	    -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 No such user here", "userunknown", "", 1 },
	{ RD_OUTBOUND, "smtp", NULL, "connect to mx.example.net[192.0.2.7]:25: "
	    "Connection timed out", "networkerror", "", 4 },
	{ RD_OUTBOUND, "smtp", NULL, "4.4.1 connect to mx.example.net[192.0.2.7]:25: "
	    "Connection timed out", "networkerror", "", -1 },
	/* a bounce of ours: the retries ran out */
	{ RD_DSN, "x-postfix", NULL, "4.4.1 connect to mx.example.net[192.0.2.7]:25: "
	    "Connection timed out", "expired", "retries ran out", -1 },
	{ RD_DSN, "x-unix", NULL, "5.0.0 procmail: Couldn't create \"/var/mail/x\"",
	    "mailererror", "procmail", -1 },
	/* the registry first: a specific code decides over the text */
	{ RD_INBOUND, "smtpd", NULL, "550 5.7.26 blocked using zen.spamhaus.org",
	    "authfailure", "", -1 },
	{ RD_INBOUND, "smtpd", NULL, "550 5.7.27 Sender address has null MX",
	    "rejected", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "556 5.1.10 Recipient address has null MX",
	    "notaccept", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.7.25 Reverse DNS validation failed",
	    "requireptr", "", -1 },
	/* nothing known: the class and subject */
	{ RD_OUTBOUND, "smtp", NULL, "550 5.1.99 Something", "userunknown", "",
	    -1 },
	{ RD_OUTBOUND, "smtp", NULL, "450 4.3.0 Something", "systemerror", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 5.0.0 Something", "undefined", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "550 Something", "undefined", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "250 2.1.5 Ok", "delivered", "", -1 },
	{ RD_OUTBOUND, "smtp", NULL, "", "undefined", "", -1 },
};

static void
test_cases(const struct reasons *t)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct reason_out out;

		classify(t, cases[i].dir, cases[i].prog, cases[i].provider,
		    cases[i].reply, &out);
		is_str(reason_name(out.reason), cases[i].reason, "reason: %.70s",
		    cases[i].reply);
		is_str(out.detail, cases[i].detail, "detail: %.70s",
		    cases[i].reply);
		is_int(out.inferred ? out.subject : -1,
		    cases[i].inferred_subject, "inferred subject: %.70s",
		    cases[i].reply);
	}
}

static const struct {
	const char	*table;
	const char	*error;		/* a substring of the message */
} broken[] = {
	{ "X.7.1\t*\t-\tblocked\t-\tx\n", "seven TAB-separated columns" },
	{ "Y.7.1\t*\t-\tblocked\t-\tx\ty\n", "cannot read the code" },
	{ "5.7\t*\t-\tblocked\t-\tx\ty\n", "cannot read the code" },
	{ "5.7.1000\t*\t-\tblocked\t-\tx\ty\n", "cannot read the code" },
	{ "X.7.1\tsideways\t-\tblocked\t-\tx\ty\n", "where column" },
	{ "X.7.1\tbasic=6xx\t-\tblocked\t-\tx\ty\n", "where column" },
	{ "X.7.1\t*\t(unclosed\tblocked\t-\tx\ty\n", "bad pattern" },
	{ "X.7.1\t*\t-\tblockedd\t-\tx\ty\n", "is not a reason" },
	{ "X.7.1\t*\tzone (\\S+)\tblocked\t$2\tx\ty\n", "names a group" },
};

static void
test_broken(void)
{
	struct diag_list d;
	struct reasons *t;
	size_t i;
	char buf[512];

	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		diag_list_init(&d);
		snprintf(buf, sizeof buf, "# a comment\n\n%s", broken[i].table);
		t = reasons_load("t.tsv", buf, strlen(buf), &d);
		ok(t == NULL && d.n == 1 && d.v[0].line == 3 &&
		    strcmp(d.v[0].file, "t.tsv") == 0 &&
		    strstr(d.v[0].msg, broken[i].error) != NULL,
		    "refused at t.tsv:3: %s", broken[i].error);
		if (d.n > 0 && strstr(d.v[0].msg, broken[i].error) == NULL)
			printf("#   got: %s\n", d.v[0].msg);
		reasons_free(t);
		diag_list_free(&d);
	}
	/* a good one replaces the built-in table entirely */
	diag_list_init(&d);
	snprintf(buf, sizeof buf, "X.7.1\tin prog=smtpd basic=5xx\tgo away\t"
	    "policyviolation\tlocal\tx\ty\n");
	t = reasons_load("t.tsv", buf, strlen(buf), &d);
	ok(t != NULL && d.n == 0, "a one-row table loads");
	if (t != NULL) {
		struct reason_out out;

		classify(t, RD_INBOUND, "smtpd", NULL, "550 5.7.1 Go away", &out);
		is_str(reason_name(out.reason), "policyviolation", "its row decides");
		is_int(out.line, 1, "on its line");
		classify(t, RD_INBOUND, "smtpd", NULL, "450 4.7.1 Go away", &out);
		is_str(reason_name(out.reason), "securityerror",
		    "basic=5xx: a 450 falls back to the class and subject");
		classify(t, RD_OUTBOUND, "smtp", NULL, "550 5.7.1 Go away", &out);
		is_int(out.line, 0, "in: an outbound reply is not its");
		is_str(reasons_name(t), "t.tsv", "the table's name");
	}
	reasons_free(t);
	diag_list_free(&d);
	diag_list_init(&d);
	ok(reasons_load_file("/nonexistent/reasons.tsv", &d) == NULL && d.n == 1,
	    "a missing file is refused");
	diag_list_free(&d);
}

static void
test_vocab(void)
{
	enum reason r;
	unsigned i, hard = 0, soft = 0;

	for (i = 0; i < R_COUNT; i++) {
		const struct reason_info *ri = reason_info((enum reason)i);

		ok(reason_parse(ri->name, strlen(ri->name), &r) && r == i &&
		    ri->meaning[0] != '\0' && ri->subject >= 0 &&
		    ri->subject <= 7, "vocabulary: %s", ri->name);
		hard += ri->suppress == RSUP_HARD;
		soft += ri->suppress == RSUP_SOFT;
	}
	ok(!reason_parse("spam", 4, &r), "spam is not a name");
	is_int(hard, 6, "six hard reasons: userunknown, hostunknown, hasmoved, "
	    "notaccept, suppressed, suspend");
	is_int(soft, 1, "one soft reason: mailboxfull");
	is_str(reason_side_name(reason_info(R_BLOCKED)->side), "sender",
	    "blocked is the sender's problem");
	is_str(reason_name(reason_fallback(5, 9)), "undefined",
	    "an unknown subject falls back to undefined");
}

int
main(void)
{
	const struct reasons *t;

	reg = registry_new_builtin(NULL);
	test_vocab();
	t = reasons_builtin();
	ok(t != NULL, "the built-in table loads");
	if (t != NULL) {
		test_rows(t);
		test_cases(t);
	}
	test_broken();
	return done_testing();
}

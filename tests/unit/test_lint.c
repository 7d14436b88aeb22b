/*
 * test_lint.c - the readers of esc lint, line by line: each row is a
 * reader (how a table is used, or which file), one line of input, the
 * diagnostics it must give ("LINE:COL:severity:id", space-separated; ""
 * for a clean line) and, where the MTA rewrites the reply, a part of
 * what the client sees.  Near misses sit next to each other: the line
 * that just passes and the one that just does not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "lint.h"
#include "tap.h"

enum reader { R_ACCESS, R_CHECKS, R_RBL, R_DSN, R_REPLY, R_ACCESS550, R_MAIN,
    R_MASTER, R_SENDMAIL, R_SMMC, R_SMCF };

static const struct row {
	enum reader	 r;
	const char	*stage;		/* NULL: none given */
	const char	*in;
	const char	*want;
	const char	*effective;	/* a part of it, or NULL */
} rows[] = {
	/* Postfix access maps (check_*_access) */
	{ R_ACCESS, "mail", "example.org REJECT", "", NULL },
	{ R_ACCESS, "mail", "example.org REJECT Go away", "", NULL },
	{ R_ACCESS, "mail", "example.org 550 5.7.1 Go", "", NULL },
	{ R_ACCESS, "mail", "example.org 550 4.7.1 x", "1:17:warning:class-mismatch",
	    "550 5.7.1 <sender>: Sender address rejected: x" },
	{ R_ACCESS, "mail", "example.org 450 4.7.1 x", "", NULL },
	{ R_ACCESS, "mail", "example.org DEFER x", "", NULL },
	{ R_ACCESS, "mail", "example.org DEFER 5.7.1 x", "1:19:warning:class-mismatch",
	    "450 4.7.1 <sender>" },
	{ R_ACCESS, "mail", "example.org 550 5.7.99 x", "1:17:warning:unregistered", NULL },
	{ R_ACCESS, "mail", "example.org 550 5.7.30 x", "", NULL },
	{ R_ACCESS, "mail", "example.org 250 2.0.0 ok", "1:13:error:not-failure", NULL },
	{ R_ACCESS, "mail", "example.org 521 5.7.1 x", "1:13:note:basic-not-associated", NULL },
	{ R_ACCESS, "mail", "example.org 550 5.1.1 x", "1:17:warning:stage-subject",
	    "550 5.1.7 <sender>: Sender address rejected: x" },
	{ R_ACCESS, "rcpt", "example.org 550 5.1.1 x", "", NULL },
	{ R_ACCESS, "mail", "example.org 550 5.7.1 SPF failed",
	    "1:17:note:generic-code", NULL },
	{ R_ACCESS, "mail", "example.org 550 5.7.23 SPF failed", "", NULL },
	{ R_ACCESS, "mail", "example.org OK", "", NULL },
	{ R_ACCESS, "mail", "example.org DUNNO", "", NULL },
	{ R_ACCESS, "mail", "# 550 4.7.1 a comment", "", NULL },
	/* at CONNECT Postfix shows the reply (smtpd_delay_reject = no
	   replaces the greeting with it; yes gives it at RCPT) */
	{ R_ACCESS, "connect", "192.0.2.1 550 5.7.1 x", "", NULL },
	{ R_ACCESS, "connect", "192.0.2.1 REJECT x", "", NULL },
	{ R_ACCESS, "connect", "192.0.2.1 550 4.7.1 x", "1:15:warning:class-mismatch",
	    "550 5.7.1 <client>: Client host rejected: x" },
	/* access_map_reject_code = 550 */
	{ R_ACCESS550, "rcpt", "a@b.example REJECT 4.7.1 x", "1:20:warning:class-mismatch",
	    "550 5.7.1 <recipient>: Recipient address rejected: x" },
	{ R_ACCESS, "rcpt", "a@b.example REJECT 4.7.1 x", "1:20:warning:class-mismatch",
	    "554 5.7.1 <recipient>: Recipient address rejected: x" },
	/* smtp_reply_filter: whole reply lines */
	{ R_REPLY, NULL, "/^4(\\d\\d)-(.*)/ 4$1 $2", "", NULL },
	{ R_REPLY, NULL, "/^550 5\\.7\\.1 .*/ 554 5.7.1 Rejected", "", NULL },
	{ R_REPLY, NULL, "/^550 .*/ 550 4.7.1 Rejected", "1:15:error:class-mismatch", NULL },
	{ R_REPLY, NULL, "/^550 .*/ Rejected", "1:11:error:reply-syntax", NULL },
	/* header and body checks */
	{ R_CHECKS, NULL, "/^Subject: x/ REJECT", "", NULL },
	{ R_CHECKS, NULL, "/^Subject: x/ REJECT 4.7.1 later", "", NULL },
	{ R_CHECKS, NULL, "/^Subject: x/ REJECT 5.7.99 x", "1:22:warning:unregistered", NULL },
	{ R_CHECKS, NULL, "/^Subject: x/ REJECT 5.7.30 x", "", NULL },
	{ R_CHECKS, NULL, "/^Subject: x/ DISCARD", "", NULL },
	{ R_CHECKS, NULL, "/^Subject: x/ WARN x", "", NULL },
	{ R_CHECKS, NULL, "/^Subject: x REJECT no end", "1:1:warning:table-syntax", NULL },
	{ R_CHECKS, NULL, "if /^Subject:/", "1:1:warning:table-syntax", NULL },
	/* rbl_reply_maps */
	{ R_RBL, NULL, "bl.example 554 5.7.1 Blocked", "", NULL },
	{ R_RBL, NULL, "bl.example $rbl_code Blocked", "1:22:note:xcode-missing",
	    "554 5.7.1 Blocked" },
	{ R_RBL, NULL, "bl.example $rbl_code 5.7.1 Blocked", "", NULL },
	{ R_RBL, NULL, "bl.example Blocked", "1:12:error:reply-syntax", NULL },
	{ R_RBL, NULL, "bl.example 554 4.7.1 x", "1:16:warning:class-mismatch", NULL },
	/* *_delivery_status_filter */
	{ R_DSN, NULL, "5.1.1 4.1.1", "", NULL },
	{ R_DSN, NULL, "/^5\\.7\\.1/ 5.7.26", "", NULL },
	{ R_DSN, NULL, "5.7.1 5.7.99", "1:7:warning:unregistered", NULL },
	/* main.cf */
	{ R_MAIN, NULL, "unknown_client_reject_code = 450", "", NULL },
	{ R_MAIN, NULL, "unknown_client_reject_code = 250", "1:30:error:not-failure", NULL },
	{ R_MAIN, NULL, "unknown_client_reject_code = 5.7.1", "1:30:error:reply-syntax", NULL },
	{ R_MAIN, NULL, "unverified_sender_defer_code = 450", "", NULL },
	{ R_MAIN, NULL, "unverified_sender_defer_code = 550", "1:32:warning:not-temporary", NULL },
	{ R_MAIN, NULL, "maps_rbl_reject_code = 554", "", NULL },
	{ R_MAIN, NULL, "maps_rbl_reject_code = 571", "1:24:error:reply-syntax", NULL },
	{ R_MAIN, NULL, "default_rbl_reply = $rbl_code 5.7.1 Blocked", "", NULL },
	{ R_MAIN, NULL, "default_rbl_reply = $rbl_code 4.7.1 Blocked",
	    "1:31:warning:class-mismatch", NULL },
	{ R_MAIN, NULL, "smtpd_recipient_restrictions = check_recipient_access "
	    "inline:{ {a@b = 550 5.1.1 x} }", "", NULL },
	{ R_MAIN, NULL, "smtpd_recipient_restrictions = check_recipient_access "
	    "inline:{ {a@b = 550 4.1.1 x} }", "1:75:warning:class-mismatch",
	    "550 5.1.1 <recipient>" },
	{ R_MAIN, NULL, "myhostname = 550", "", NULL },
	{ R_MASTER, NULL, "smtp inet n - y - - smtpd\n  -o unknown_client_reject_code=450",
	    "", NULL },
	{ R_MASTER, NULL, "smtp inet n - y - - smtpd\n  -o unknown_client_reject_code=200",
	    "2:33:error:not-failure", NULL },
	/* Sendmail access */
	{ R_SENDMAIL, NULL, "From:a.example ERROR:5.7.1:550 Go away", "", NULL },
	{ R_SENDMAIL, NULL, "From:a.example ERROR:4.7.1:550 x", "1:22:error:class-mismatch", NULL },
	{ R_SENDMAIL, NULL, "From:a.example ERROR:\"550 5.7.1 Quoted\"", "", NULL },
	{ R_SENDMAIL, NULL, "From:a.example ERROR:550 No code", "1:26:note:xcode-missing",
	    "550 5.0.0 No code" },
	{ R_SENDMAIL, NULL, "Connect:t.example TEMP:4.3.0:451 Later", "", NULL },
	{ R_SENDMAIL, NULL, "Connect:t.example TEMP:5.7.1:550 Wrong",
	    "1:30:warning:not-temporary", NULL },
	{ R_SENDMAIL, NULL, "To:u.example ERROR:5.7.99:550 x", "1:20:warning:unregistered", NULL },
	{ R_SENDMAIL, NULL, "Connect:10.0.0 REJECT", "", NULL },
	{ R_SENDMAIL, NULL, "From:x DISCARD", "", NULL },
	{ R_SENDMAIL, NULL, "From:z ERROR:5.7.1:", "1:20:error:reply-syntax", NULL },
	/* the tag says what the entry is checked for */
	{ R_SENDMAIL, NULL, "From:a@x ERROR:5.1.1:550 No such user",
	    "1:16:warning:stage-subject", NULL },
	{ R_SENDMAIL, NULL, "To:a@x ERROR:5.1.1:550 No such user", "", NULL },
	{ R_SENDMAIL, NULL, "To:a@x ERROR:5.1.7:550 Bad sender",
	    "1:14:warning:stage-subject", NULL },
	{ R_SENDMAIL, NULL, "a@x ERROR:5.1.1:550 No such user", "", NULL },
	/* sendmail.cf rules: $#error [$@ D.S.N] $: text, by ruleset */
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 5.7.1 $: \"550 No\"", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 4.7.1 $: \"550 No\"",
	    "2:16:error:class-mismatch", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 4.7.1 $: \"451 Later\"", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $: \"550 No\"", "2:21:note:xcode-missing",
	    "550 5.0.0 No" },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $: \"550 5.7.1 No\"", "", NULL },
	{ R_SMCF, NULL, "Scheck_mail\nR$*\t$#error $@ 5.1.1 $: \"550 x\"",
	    "2:16:warning:stage-subject", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 5.1.1 $: \"550 x\"", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 5.7.1 $: 550 Fix DNS for $1\tcomment",
	    "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ 5.7.1 $: \"550 x \" $&f", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ $1.$2.$3 $: $4", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $@ nouser $: \"550 4.1.1 x\"",
	    "2:31:error:class-mismatch", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#error $: _TMPFMSG_(`CR')", "", NULL },
	{ R_SMCF, NULL, "Scheck_rcpt\nR$*\t$#discard $: discard", "", NULL },
	{ R_SMCF, NULL, "Kaccess ldap -1 -v sendmailMTAMapValue", "1:1:note:table-not-checkable",
	    NULL },
	/* sendmail.mc: the reply messages proto.m4 sends */
	{ R_SMMC, NULL, "define(`confREJECT_MSG', `\"550 5.7.1 Access denied\"')dnl", "", NULL },
	{ R_SMMC, NULL, "define(`confREJECT_MSG', `\"550 Access denied\"')dnl",
	    "1:32:note:xcode-missing", "550 5.0.0 Access denied" },
	{ R_SMMC, NULL, "define(`confRELAY_MSG', `\"550 Relaying denied\"')dnl", "", NULL },
	{ R_SMMC, NULL, "define(`confRELAY_MSG', `\"451 Relaying denied\"')dnl",
	    "1:27:error:class-mismatch", NULL },
	{ R_SMMC, NULL, "define(`confRCPTREJ_MSG', `\"550 Mailbox disabled\"')dnl", "", NULL },
	{ R_SMMC, NULL, "FEATURE(`access_db', `LDAP')dnl", "1:1:note:table-not-checkable", NULL },
	{ R_SMMC, NULL, "LOCAL_RULESETS\nSLocal_check_rcpt\nR$*\t$#error $@ 4.7.1 $: \"550 x\"",
	    "3:16:error:class-mismatch", NULL },
};

/* run - one row's diagnostics as "LINE:COL:sev:id ..." */
static void
run(const struct registry *reg, const struct row *r, char *out, size_t size,
    char *eff, size_t esize)
{
	static const enum table_kind kinds[] = { TK_ACCESS, TK_CHECKS,
	    TK_RBL_REPLY, TK_DSN_FILTER, TK_REPLY_FILTER, TK_ACCESS };
	struct diag_list d;
	struct lint_ctx c = { .reg = reg, .diags = &d, .file = "f",
	    .stage = STAGE_NONE, .sendmail = r->r == R_SENDMAIL };
	size_t i, used = 0;

	diag_list_init(&d);
	if (r->stage != NULL)
		stage_parse(r->stage, &c.stage);
	switch (r->r) {
	case R_ACCESS550:
		c.reject_code = 550;	/* access_map_reject_code = 550 */
		/* FALLTHROUGH */
	case R_ACCESS: case R_CHECKS: case R_RBL: case R_DSN: case R_REPLY:
		lint_postfix_table(&c, r->in, strlen(r->in), kinds[r->r]);
		break;
	case R_MAIN:
	case R_MASTER:
		lint_postfix_main(&c, r->in, strlen(r->in), r->r == R_MASTER);
		break;
	case R_SENDMAIL:
		lint_sendmail_access(&c, r->in, strlen(r->in));
		break;
	case R_SMMC:
	case R_SMCF: {
		struct lint_follow fl = { 0 };

		lint_sendmail_config(&c, r->in, strlen(r->in), r->r == R_SMMC,
		    &fl);
		lint_follow_free(&fl);
		break;
	}
	}
	out[0] = eff[0] = '\0';
	for (i = 0; i < d.n && used < size; i++) {
		used += (size_t)snprintf(out + used, size - used, "%s%d:%d:%s:%s",
		    i ? " " : "", d.v[i].line, d.v[i].col,
		    severity_name(d.v[i].sev), d.v[i].id);
		if (eff[0] == '\0')
			snprintf(eff, esize, "%s", d.v[i].effective);
	}
	diag_list_free(&d);
}

static void
detection(void)
{
	static const struct {
		const char	*name, *text;
		enum lint_type	 type;
	} t[] = {
		{ "main.cf", "myhostname = mx.example\nsmtpd_banner = x\n", LT_POSTFIX_MAIN },
		{ "master.cf", "smtp inet n - y - - smtpd\n", LT_POSTFIX_MASTER },
		{ "access", "From:spam.example ERROR:5.7.1:550 x\n", LT_SENDMAIL_ACCESS },
		{ "sender_access", "spam.example REJECT\n", LT_POSTFIX_TABLE },
		{ "esc-milter.conf", "socket = inet:8895@127.0.0.1\nrule r\n", LT_ESC },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		is_str(lint_type_name(lint_detect(t[i].text, strlen(t[i].text),
		    t[i].name)), lint_type_name(t[i].type), "detected: %s", t[i].name);
}

/* guessing - a table given alone: its content first, its name a tiebreak */
static void
guessing(void)
{
	static const struct {
		const char	*name, *text, *kind, *stage;
	} t[] = {
		/* the misguesses of the past (issue 15) */
		{ "helo_checks.pcre", "/^mx\\.example$/ 501 Do not\n", "access", "helo" },
		{ "ip_cidr_checks", "192.0.2.0/24 REJECT\n10.0.0.0/8 OK\n",
		    "access", "connect" },
		{ "postfix_outgoing_mail_header_filters",
		    "/^\\s*Received:/ IGNORE\n/^\\s*X-Mailer:/ IGNORE\n", "checks", "eom" },
		{ "client_access", "192.0.2.1 REJECT\n", "access", "connect" },
		{ "rbl_override", "1.2.3.4 OK\n5.6.7.8 OK\n", "access", "connect" },
		/* the content says it */
		{ "x", "/^[[:space:]]*Subject:.*win/ REJECT\n", "checks", "eom" },
		{ "x", "/^(From|To):.*spam/ DISCARD\n", "checks", "eom" },
		{ "x", "/viagra/ PREPEND X-Spam: yes\n", "checks", "eom" },
		{ "x", "zen.example $rbl_code Blocked\n", "rbl-reply", "none" },
		{ "x", "5.1.1 4.1.1\n/^5\\.7\\.1$/ 4.7.1\n", "dsn-filter", "none" },
		{ "x", "example.com REJECT\nexample.org OK\n", "access", "none" },
		{ "checks", "example.com 550 5.7.1 No\n", "access", "none" },
		{ "x", "user@example.com reject_unverified_sender\n", "access", "none" },
		/* the name breaks a tie */
		{ "body_checks", "/viagra/ REJECT\n", "checks", "eom" },
		{ "sender_access", "example.com REJECT\n", "access", "mail" },
		{ "recipient_access", "a@example.com REJECT\n", "access", "rcpt" },
		{ "smtp_reply_filter", "/^5(.*)/ 4$1\n", "reply-filter", "none" },
		{ "header_checks", "", "checks", "eom" },
		{ "smtp_dsn_filter", "", "dsn-filter", "none" },
		{ "x", "", "access", "none" },
	};
	static const char *const kinds[] = { "access", "checks", "dsn-filter",
	    "rbl-reply", "reply-filter" };
	struct lint_guess g;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char got[64], want[64];

		lint_guess_table(t[i].text, strlen(t[i].text), t[i].name, &g);
		snprintf(got, sizeof got, "%s %s", kinds[g.kind],
		    stage_name(g.stage));
		snprintf(want, sizeof want, "%s %s", t[i].kind, t[i].stage);
		is_str(got, want, "guess %s: %s (%s)", t[i].name, want, g.why);
	}
}

int
main(void)
{
	struct esc_err err;
	struct registry *reg = registry_new_builtin(&err);
	char got[512], eff[256];
	size_t i;

	if (reg == NULL)
		skip_all("no registry");
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];

		run(reg, r, got, sizeof got, eff, sizeof eff);
		is_str(got, r->want, "%s", r->in);
		if (r->effective != NULL)
			ok(strstr(eff, r->effective) != NULL, "%s: the client sees "
			    "\"%s\" (got \"%s\")", r->in, r->effective, eff);
	}
	detection();
	guessing();
	registry_free(reg);
	return done_testing();
}

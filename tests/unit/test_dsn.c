/*
 * test_dsn.c - DSN field parsing and classification: tables of valid,
 * malformed and hostile inputs (MIME itself: test_mime.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "mime.h"
#include "registry.h"
#include "tap.h"

static struct registry *reg;

/* ---------------------------------------------------------------- fields */

static void
parse(struct dsn *d, const char *s)
{
	dsn_init(d);
	dsn_parse_fields(d, s, strlen(s), false);
}

static void
test_fields(void)
{
	struct dsn d;

	parse(&d, "Reporting-MTA: dns; mx.example\n\n"
	    "Final-Recipient: rfc822; a@example\nAction: Failed (permanent)\n"
	    "Status: 5.1.1 (user unknown)\nRemote-MTA: dns; mx.b\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 no\n such user\n"
	    "Last-Attempt-Date: Sun, 29 Nov 2026 08:00:00 +0000\n\n"
	    "Original-Recipient: rfc822;<B@example>\nFinal-Recipient: RFC822; b@example\n"
	    "Action: delayed\nStatus: 4.2.2\n");
	is_int(d.nrcpt, 2, "two recipient groups");
	is_str(d.reporting_mta, "dns; mx.example", "Reporting-MTA");
	is_str(d.rcpt[0].final_rcpt, "a@example", "address type stripped");
	is_str(d.rcpt[0].action, "failed", "action lower-cased, comment gone");
	is_str(d.rcpt[0].status, "5.1.1", "comment after the status removed");
	is_str(d.rcpt[0].diagnostic, "smtp; 550 5.1.1 no such user", "folded");
	is_str(d.rcpt[0].remote_mta, "dns; mx.b", "Remote-MTA");
	is_str(d.rcpt[0].last_attempt, "Sun, 29 Nov 2026 08:00:00 +0000",
	    "Last-Attempt-Date");
	is_str(d.rcpt[1].orig_rcpt, "B@example", "angle brackets stripped");
	is_str(dsn_recipient(&d.rcpt[1]), "b@example", "Final-Recipient wins");
	is_int(d.nparts, 1, "one part");
	dsn_free(&d);

	/* rhost-aol-03: no blank lines anywhere. */
	parse(&d, "Reporting-MTA: dns; x\nArrival-Date: now\n"
	    "Final-Recipient: rfc822; a@x\nOriginal-Recipient: rfc822;a@x\n"
	    "Action: failed\nStatus: 5.2.2\n"
	    "Final-Recipient: rfc822; b@x\nOriginal-Recipient: rfc822;b@x\n"
	    "Action: failed\nStatus: 5.1.1\n");
	is_int(d.nrcpt, 2, "a repeated Final-Recipient starts a recipient");
	is_str(d.rcpt[1].status, "5.1.1", "second recipient's status");
	is_str(d.reporting_mta, "dns; x", "per-message field in the same block");
	dsn_free(&d);

	/* lhost-mimecast-02: "Name : value", fields in any order. */
	parse(&d, "Reporting-MTA : dns;mx\nAction : failed\nStatus : 5.0.0\n"
	    "Original-Recipient : rfc/822;s@x\nFinal-Recipient : rfc/822;s@x\n");
	is_int(d.nrcpt, 1, "blank before the colon, recipient last");
	is_str(d.rcpt[0].final_rcpt, "s@x", "rfc/822 type stripped");
	is_str(d.rcpt[0].status, "5.0.0", "status before the recipient kept");
	dsn_free(&d);

	/* rhost-messagelabs-01: continuation lines without indentation. */
	parse(&d, "Reporting-MTA: dns; m\n\nDiagnostic-Code: smtp; 550-Please turn\n"
	    "550-on SMTP Authentication\n550 in your client.\nStatus: 5.0.0\n"
	    "Final-Recipient: rfc822; k@x\n");
	is_str(d.rcpt[0].diagnostic,
	    "smtp; 550-Please turn 550-on SMTP Authentication 550 in your client.",
	    "non-indented continuation appended");
	dsn_free(&d);

	/* lhost-mcafee: no Status, an address without a type. */
	parse(&d, "Original-Recipient: <k@x>\nAction: failed\n"
	    "Diagnostic-Code: smtp; 550 Unknown user\n");
	is_int(d.nrcpt, 1, "group without Status: still a recipient");
	is_str(d.rcpt[0].orig_rcpt, "k@x", "bare <address>");
	ok(!d.rcpt[0].has_status, "has_status false");
	dsn_free(&d);

	/* Per-recipient fields without any recipient are not a recipient. */
	parse(&d, "Reporting-MTA: dns; m\n\nAction: failed\nStatus: 5.0.0\n\n");
	is_int(d.nrcpt, 0, "no recipient field: no recipient");
	is_int(d.orphans, 1, "counted as an orphan group");
	dsn_free(&d);

	/* Only per-message fields (lhost-postfix-64). */
	parse(&d, "Reporting-MTA: dns; m\nArrival-Date: x\n");
	is_int(d.nrcpt, 0, "per-message block only");
	dsn_free(&d);

	/* Empty and whitespace-only input. */
	parse(&d, "");
	is_int(d.nrcpt, 0, "empty part");
	dsn_free(&d);
	parse(&d, " \n\t\n\n");
	is_int(d.nrcpt, 0, "blank part");
	dsn_free(&d);

	/* CRLF and folding with tabs. */
	parse(&d, "Final-Recipient: rfc822;\r\n\tc@x\r\nStatus: 4.4.7\r\n");
	is_str(d.rcpt[0].final_rcpt, "c@x", "folded address, CRLF");
	is_str(d.rcpt[0].status, "4.4.7", "CRLF status");
	dsn_free(&d);
}

static void
test_fields_hostile(void)
{
	struct dsn d;
	char *big;
	size_t i, n;

	/* 5000 recipients: capped, the rest counted. */
	big = malloc(5000 * 64 + 1);
	for (i = 0, n = 0; i < 5000; i++)
		n += (size_t)sprintf(big + n, "Final-Recipient: rfc822; u%zu@x\n"
		    "Status: 5.1.1\n\n", i);
	dsn_init(&d);
	dsn_parse_fields(&d, big, n, false);
	is_int(d.nrcpt, DSN_MAX_RCPTS, "recipients capped");
	is_int(d.dropped, 5000 - DSN_MAX_RCPTS, "the rest counted as dropped");
	dsn_free(&d);
	free(big);

	/* A 1 MB field value: truncated, no overflow. */
	big = malloc(1 << 20);
	memset(big, 'A', 1 << 20);
	memcpy(big, "Final-Recipient: rfc822; ", 25);
	dsn_init(&d);
	dsn_parse_fields(&d, big, 1 << 20, false);
	is_int(d.nrcpt, 1, "one huge recipient");
	is_int(strlen(d.rcpt[0].final_rcpt), DSN_ADDR_MAX - 1, "address truncated");
	dsn_free(&d);

	/* 200000 continuation lines: bounded. */
	n = 0;
	big = realloc(big, 200000 * 3 + 64);
	n += (size_t)sprintf(big, "Diagnostic-Code: smtp; 550\n");
	for (i = 0; i < 200000; i++) {
		memcpy(big + n, " x\n", 3);
		n += 3;
	}
	n += (size_t)sprintf(big + n, "Final-Recipient: rfc822; a@b\n");
	dsn_init(&d);
	dsn_parse_fields(&d, big, n, false);
	is_int(strlen(d.rcpt[0].diagnostic), DSN_DIAG_MAX - 1,
	    "endless folding: Diagnostic-Code truncated");
	dsn_free(&d);

	/* NUL bytes and invalid UTF-8: kept inside fields, never past them. */
	{
		static const char nul[] = "Final-Recipient: rfc822; a\0b@x\n"
		    "Status: 5.1.1\xff\n";

		dsn_init(&d);
		dsn_parse_fields(&d, nul, sizeof nul - 1, false);
		is_int(d.nrcpt, 1, "NUL inside a field: one recipient");
		is_str(d.rcpt[0].final_rcpt, "a", "a NUL ends the field value");
		dsn_free(&d);
	}
	free(big);
}

/* ---------------------------------------------------------------- classify */

static void
classify(const char *fields, struct dsn_class *c, struct dsn *d)
{
	struct tables tab = { reg, reasons_builtin(), providers_builtin() };

	parse(d, fields);
	memset(c, 0, sizeof *c);
	if (d->nrcpt > 0)
		dsn_classify(&tab, d, &d->rcpt[0], c);
}

static void
test_classify(void)
{
	static const struct {
		const char *name, *fields, *status, *category, *findings;
		unsigned cls;
		int registered, failed;
	} t[] = {
		{ "clean", "Final-Recipient: rfc822; a@x\nAction: failed\n"
		  "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown\n",
		  "5.1.1", "addressing", "", 5, 1, 1 },
		{ "unregistered detail keeps class and subject",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.7.99\n",
		  "5.7.99", "security", "unregistered", 5, 0, 1 },
		{ "unknown subject keeps the class",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.9.1\n",
		  "5.9.1", "unknown", "unknown-subject", 5, 0, 1 },
		{ "deprecated code", "Final-Recipient: rfc822; a@x\n"
		  "Action: failed\nStatus: 5.6.10\n",
		  "5.6.10", "content", "deprecated", 5, 1, 1 },
		{ "Diagnostic-Code disagrees with Status",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.0.0\n"
		  "Diagnostic-Code: smtp; 550 5.7.1 relaying denied\n",
		  "5.0.0", "other", "status-mismatch", 5, 1, 1 },
		{ "reply class differs from Status class",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 4.0.0\n"
		  "Diagnostic-Code: smtp; 554 Blocked\n",
		  "4.0.0", "other", "status-mismatch", 4, 1, 1 },
		{ "class mismatch inside the Diagnostic-Code",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 4.4.7\n"
		  "Diagnostic-Code: smtp; 550 4.4.7 QUEUE.Expired\n",
		  "4.4.7", "network", "class-mismatch", 4, 1, 1 },
		{ "status the registry pairs with another basic code",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.2.2\n"
		  "Diagnostic-Code: smtp; 550 5.2.2 Mailbox Full\n",
		  "5.2.2", "mailbox", "basic-not-associated", 5, 1, 1 },
		{ "near miss: 452 4.2.2 is associated after class mapping",
		  "Final-Recipient: rfc822; a@x\nAction: delayed\nStatus: 4.2.2\n"
		  "Diagnostic-Code: smtp; 452 4.2.2 full\n",
		  "4.2.2", "mailbox", "", 4, 1, 1 },
		{ "no Status: classified from the Diagnostic-Code",
		  "Original-Recipient: <k@x>\nAction: failed\n"
		  "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n",
		  "5.1.1", "addressing", "xcode-missing", 5, 1, 1 },
		{ "no Status:, no enhanced code: class from the reply, category "
		  "from the text's reason (userunknown)",
		  "Original-Recipient: <k@x>\nAction: failed\n"
		  "Diagnostic-Code: smtp; 550 Unknown user\n",
		  "", "addressing", "xcode-missing", 5, 0, 1 },
		{ "no Status:, no enhanced code, a text that says nothing",
		  "Original-Recipient: <k@x>\nAction: failed\n"
		  "Diagnostic-Code: smtp; 550 Go away\n",
		  "", "unknown", "xcode-missing", 5, 0, 1 },
		{ "empty Status:, an X-Unix diagnostic: the delivery program "
		  "(mailererror, mail system)",
		  "Final-Recipient: rfc822; a@x\nAction: failed\n"
		  "Status:\nDiagnostic-Code: X-Unix; timeout\n",
		  "", "mail-system", "xcode-missing", 0, 0, 1 },
		{ "malformed Status: with leading zeros, repaired",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.01.1\n",
		  "5.1.1", "addressing", "xcode-syntax", 5, 1, 1 },
		{ "hopeless Status:", "Final-Recipient: rfc822; a@x\n"
		  "Action: failed\nStatus: RO\n",
		  "", "unknown", "xcode-syntax", 0, 0, 1 },
		{ "bad class digit", "Final-Recipient: rfc822; a@x\n"
		  "Action: failed\nStatus: 3.1.1\n",
		  "", "unknown", "xcode-syntax", 0, 0, 1 },
		{ "delivered is not failed", "Final-Recipient: rfc822; a@x\n"
		  "Action: delivered\nStatus: 2.0.0\n"
		  "Diagnostic-Code: smtp; 250 2.0.0 Ok\n",
		  "2.0.0", "other", "", 2, 1, 0 },
		{ "Action: delayed with a permanent status",
		  "Final-Recipient: rfc822; a@x\nAction: delayed\nStatus: 5.1.1\n",
		  "5.1.1", "addressing", "status-mismatch", 5, 1, 1 },
		{ "non-standard action: the class decides",
		  "Final-Recipient: rfc822; a@x\nAction: expired\nStatus: 4.4.7\n",
		  "4.4.7", "network", "action-unknown", 4, 1, 1 },
		{ "Action: failure (non-standard) means failed",
		  "Final-Recipient: rfc822; a@x\nAction: failure\nStatus: 5.1.1\n",
		  "5.1.1", "addressing", "action-unknown", 5, 1, 1 },
		{ "Action: error (non-standard) means failed",
		  "Final-Recipient: rfc822; a@x\nAction: error\n",
		  "", "unknown", "xcode-missing,action-unknown", 0, 0, 1 },
		{ "Status: 553 text: a basic code, class 5",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 553 Too big\n",
		  "", "unknown", "xcode-syntax", 5, 0, 1 },
		{ "Status: 553 and a Diagnostic-Code with an enhanced code",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 553\n"
		  "Diagnostic-Code: smtp; 552 5.3.4 Too big\n",
		  "5.3.4", "mail-system", "xcode-syntax", 5, 1, 1 },
		{ "an IP address after the reply code is not an enhanced code",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.0.0\n"
		  "Diagnostic-Code: smtp; 521-71.84.17.139 blocked\n",
		  "5.0.0", "other", "", 5, 1, 1 },
		{ "Gmail multi-line reply",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.1.1\n"
		  "Diagnostic-Code: smtp; 550-5.1.1 The email account\n"
		  " 550-5.1.1 does not exist 550 5.1.1 gsmtp\n",
		  "5.1.1", "addressing", "", 5, 1, 1 },
		{ "greeting before the refusal",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 4.2.1\n"
		  "Diagnostic-Code: smtp; 220-laposte 421 4.2.1 Service refuse\n",
		  "4.2.1", "mailbox", "", 4, 1, 1 },
		{ "non-SMTP diagnostic types are free text",
		  "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.0.0\n"
		  "Diagnostic-Code: X-Postfix; 550 5.7.1 in free text\n",
		  "5.0.0", "other", "", 5, 1, 1 },
		{ "comment between code and nothing",
		  "Final-Recipient: rfc822; a@x\nAction: failed\n"
		  "Status: 5.0.0 (permanent failure)\n",
		  "5.0.0", "other", "", 5, 1, 1 },
	};
	struct dsn_class *c = malloc(sizeof *c);
	struct dsn d;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char ids[256] = "";
		unsigned j;

		classify(t[i].fields, c, &d);
		is_int(d.nrcpt, 1, "%s: one recipient", t[i].name);
		is_str(c->status, t[i].status, "%s: status", t[i].name);
		is_str(category_name(c->category), t[i].category, "%s: category",
		    t[i].name);
		is_int(c->cls, t[i].cls, "%s: class", t[i].name);
		is_int(c->registered, t[i].registered, "%s: registered", t[i].name);
		is_int(c->failed, t[i].failed, "%s: failed or delayed", t[i].name);
		for (j = 0; j < c->fs.n; j++) {
			if (j > 0)
				strcat(ids, ",");
			strcat(ids, finding_name(c->fs.v[j].id));
			ok(strlen(c->fs.v[j].msg) > 20, "%s: %s message says something",
			    t[i].name, finding_name(c->fs.v[j].id));
		}
		is_str(ids, t[i].findings, "%s: findings", t[i].name);
		dsn_free(&d);
	}
	free(c);
}

static void
test_header_value(void)
{
	struct dsn_class *c = malloc(sizeof *c);
	struct dsn d;
	char buf[1024];

	classify("Final-Recipient: rfc822; user@example.com\nAction: failed\n"
	    "Status: 5.1.1\n", c, &d);
	is_str(dsn_header(&d.rcpt[0], c, buf, sizeof buf),
	    "5.1.1; action=failed; category=addressing; registered=yes; "
	    "reason=userunknown; rcpt=<user@example.com>", "X-ESC-DSN value");
	dsn_free(&d);

	classify("Final-Recipient: rfc822; a\x01<b>;c\xff\xfe@x\xe4\xbe\x8b\n"
	    "Action: failed\x7f\nStatus: 5.9.9\n", c, &d);
	is_str(dsn_header(&d.rcpt[0], c, buf, sizeof buf),
	    "5.9.9; action=failed?; category=unknown; registered=no; "
	    "reason=undefined; rcpt=<a??b??c??@x\xe4\xbe\x8b>",
	    "controls, brackets, ';' and invalid UTF-8 replaced; UTF-8 kept");
	dsn_free(&d);

	classify("Original-Recipient: rfc822; z@x\nDiagnostic-Code: smtp; no\n",
	    c, &d);
	is_str(dsn_header(&d.rcpt[0], c, buf, sizeof buf),
	    "unknown; action=unknown; category=unknown; registered=no; "
	    "reason=undefined; rcpt=<z@x>", "nothing known");
	dsn_free(&d);
	classify("Original-Recipient: rfc822; z@x\nDiagnostic-Code: X-Unix; no\n",
	    c, &d);
	is_str(dsn_header(&d.rcpt[0], c, buf, sizeof buf),
	    "unknown; action=unknown; category=mail-system; registered=no; "
	    "reason=mailererror; rcpt=<z@x>", "an X-Unix diagnostic: the delivery "
	    "program failed");
	dsn_free(&d);
	free(c);
}

static void
test_is_report(void)
{
	static const struct {
		const char *ct;
		int yes;
	} t[] = {
		{ "multipart/report; report-type=delivery-status; boundary=x", 1 },
		{ "multipart/report; report-type=\"Delivery-Status\"", 1 },
		{ "multipart/report; report-type=global-delivery-status", 1 },
		{ "multipart/report; boundary=x", 1 },
		{ "multipart/report; report-type=feedback-report", 0 },
		{ "multipart/report; report-type=disposition-notification", 0 },
		{ "multipart/mixed; boundary=x", 0 },
		{ "text/plain", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(dsn_is_report(t[i].ct), t[i].yes, "is_report \"%s\"", t[i].ct);
}

static void
test_messages(void)
{
	const char *m =
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSorry.\n"
	    "--b\nContent-Type: message/delivery-status\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "UmVwb3J0aW5nLU1UQTogZG5zOyBteAoKRmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFA\n"
	    "eApBY3Rpb246IGZhaWxlZApTdGF0dXM6IDUuMS4xCg==\n"
	    "--b\nContent-Type: message/rfc822\n\n"
	    "Content-Type: multipart/report; boundary=c\n\n--c\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; inner@x\nStatus: 5.0.0\n--c--\n--b--\n";
	const char *g =
	    "--g\nContent-Type: message/global-delivery-status\n\n"
	    "Final-Recipient: utf-8; \xe7\x94\xa8@x\nAction: failed\nStatus: 5.6.7\n"
	    "--g--\n";
	struct dsn d;

	dsn_init(&d);
	ok(dsn_parse_message(&d, m, strlen(m)) == 0, "message parsed");
	is_int(d.nparts, 1, "the attached bounce's part is not entered");
	is_int(d.nrcpt, 1, "one recipient from the base64 part");
	is_str(d.rcpt[0].final_rcpt, "a@x", "decoded recipient");
	is_str(d.reporting_mta, "dns; mx", "decoded Reporting-MTA");
	dsn_free(&d);

	dsn_init(&d);
	ok(dsn_parse_body(&d, "multipart/report; report-type=global-delivery-status;"
	    " boundary=g", "", g, strlen(g)) == 0, "body parsed");
	ok(d.global, "RFC 6533 part noted");
	is_str(d.rcpt[0].final_rcpt, "\xe7\x94\xa8@x", "UTF-8 address");
	dsn_free(&d);
}

int
main(void)
{
	struct esc_err err;

	if ((reg = registry_new_builtin(&err)) == NULL)
		return 1;
	test_fields();
	test_fields_hostile();
	test_classify();
	test_header_value();
	test_is_report();
	test_messages();
	registry_free(reg);
	return done_testing();
}

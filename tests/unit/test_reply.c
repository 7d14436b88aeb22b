/* test_reply.c - SMTP reply parsing: one-line, multi-line and edge cases. */
#include "config.h"

#include "reply.h"
#include "tap.h"

static const struct {
	const char	*name;
	const char	*in;
	int		 rc;		/* reply_parse() result */
	unsigned	 code;
	const char	*xcode;		/* NULL: none */
	const char	*text;		/* text of line 1 */
	unsigned	 lines;
	const char	*syntax_id;	/* expected syntax finding, NULL: none */
} cases[] = {
	{ "one line", "550 5.7.1 Go away", 0, 550, "5.7.1", "Go away", 1, NULL },
	{ "no text", "550 5.7.1", 0, 550, "5.7.1", "", 1, NULL },
	{ "code only", "550", 0, 550, NULL, "", 1, NULL },
	{ "no enhanced code", "550 no xcode", 0, 550, NULL, "no xcode", 1, NULL },
	{ "trailing space", "550 5.7.1 ", 0, 550, "5.7.1", "", 1, NULL },
	{ "trailing CRLF ignored", "550 5.7.1 x\r\n", 0, 550, "5.7.1", "x", 1, NULL },
	{ "tab in text", "550 5.7.1 a\tb", 0, 550, "5.7.1", "a\tb", 1, NULL },
	{ "tab before text", "550 5.7.1\tb", 0, 550, "5.7.1", "b", 1, NULL },
	{ "tab after code", "550\t5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "two spaces", "550  5.7.1 x", 0, 550, "5.7.1", "x", 1, NULL },
	{ "empty", "", -1, 0, NULL, NULL, 0, "reply-syntax" },
	{ "only a newline", "\n", -1, 0, NULL, NULL, 0, "reply-syntax" },
	{ "two digits", "55 5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "four digits", "5500 5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "letter in code", "5a0 5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "second digit 7", "571 5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "first digit 6", "650 5.7.1 x", -1, 0, NULL, NULL, 1, "reply-syntax" },
	{ "5.7.1000", "550 5.7.1000 x", 0, 550, NULL, "x", 1, "xcode-syntax" },
	{ "05.7.1", "550 05.7.1 x", 0, 550, NULL, "x", 1, "xcode-syntax" },
	{ "5.07.1", "550 5.07.1 x", 0, 550, NULL, "x", 1, "xcode-syntax" },
	{ "6.0.0", "550 6.0.0 x", 0, 550, NULL, "x", 1, "xcode-syntax" },
	{ "5.7", "550 5.7 x", 0, 550, NULL, "x", 1, "xcode-syntax" },
	{ "multi-line", "550-5.7.1 a\n550 5.7.1 b", 0, 550, "5.7.1", "a", 2, NULL },
	{ "multi-line CRLF", "550-5.7.1 a\r\n550-5.7.1 b\r\n550 5.7.1 c\r\n", 0, 550,
	  "5.7.1", "a", 3, NULL },
	{ "multi-line, one bad code", "550-5.7.1 a\n551 5.7.1 b", 0, 550, "5.7.1",
	  "a", 2, "multiline-mismatch" },
	{ "multi-line, one bad xcode", "550-5.7.1 a\n550 5.7.2 b", 0, 550, "5.7.1",
	  "a", 2, "multiline-mismatch" },
	{ "multi-line, xcode missing on one", "550-5.7.1 a\n550 b", 0, 550, "5.7.1",
	  "a", 2, "multiline-mismatch" },
	{ "multi-line, bad line syntax", "550-5.7.1 a\n55 5.7.1 b", 0, 550, "5.7.1",
	  "a", 2, "reply-syntax" },
	{ "last line continues", "550-5.7.1 a\n550-5.7.1 b", 0, 550, "5.7.1", "a",
	  2, "reply-syntax" },
	{ "only a continuation", "550-5.7.1", 0, 550, "5.7.1", "", 1, "reply-syntax" },
	{ "middle line ends", "550-5.7.1 a\n550 5.7.1 b\n550 5.7.1 c", 0, 550,
	  "5.7.1", "a", 3, "reply-syntax" },
	{ "bare CR stays in the line", "550 5.7.1 a\rb", 0, 550, "5.7.1", "a\rb",
	  1, NULL },
};

int
main(void)
{
	struct reply r;
	struct findings fs;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char xc[XCODE_STRLEN], text[256];
		const char *t;
		size_t tl;
		int rc;
		bool any_syntax;

		findings_init(&fs);
		rc = reply_parse(cases[i].in, strlen(cases[i].in), &r, &fs);
		is_int(rc, cases[i].rc, "%s: result", cases[i].name);
		is_int(r.total_lines, cases[i].lines, "%s: lines", cases[i].name);
		if (rc == 0) {
			is_int(r.code, cases[i].code, "%s: code", cases[i].name);
			is_str(r.has_xcode ? xcode_format(&r.x, xc, sizeof xc) : NULL,
			    cases[i].xcode, "%s: enhanced code", cases[i].name);
			t = reply_text(&r, 0, &tl);
			snprintf(text, sizeof text, "%.*s", (int)tl, t);
			is_str(text, cases[i].text, "%s: text", cases[i].name);
		}
		any_syntax = fs.n > 0;
		if (cases[i].syntax_id != NULL) {
			enum finding_id id;

			finding_from_name(cases[i].syntax_id, &id);
			ok(findings_has(&fs, id), "%s: %s", cases[i].name,
			    cases[i].syntax_id);
		} else {
			ok(!any_syntax, "%s: no syntax finding%s%s", cases[i].name,
			    fs.n ? ", got " : "", fs.n ? finding_name(fs.v[0].id) : "");
		}
	}

	/* 33 lines: too many for libmilter; 32 is fine. */
	{
		char big[33 * 16 + 1] = "";
		for (int k = 0; k < 33; k++)
			strcat(big, k < 32 ? "550-5.7.1 line\n" : "550 5.7.1 end");
		findings_init(&fs);
		reply_parse(big, strlen(big), &r, &fs);
		ok(findings_has(&fs, FID_TOO_MANY_LINES), "33 lines: too-many-lines");
		findings_init(&fs);
		reply_parse(strchr(big, '\n') + 1, strlen(strchr(big, '\n') + 1), &r, &fs);
		ok(!findings_has(&fs, FID_TOO_MANY_LINES), "32 lines: fine");
	}
	/* More lines than REPLY_MAX_LINES are counted, not kept. */
	{
		static char huge[100 * 16 + 1];
		huge[0] = '\0';
		for (int k = 0; k < 100; k++)
			strcat(huge, k < 99 ? "550-5.7.1 line\n" : "550 5.7.1 end");
		findings_init(&fs);
		reply_parse(huge, strlen(huge), &r, &fs);
		is_int(r.total_lines, 100, "100 lines counted");
		is_int(r.nlines, REPLY_MAX_LINES, "first 64 kept");
	}
	/* Explicit length: a NUL inside is data, not the end. */
	findings_init(&fs);
	is_int(reply_parse("550 5.7.1 a\0b", 13, &r, &fs), 0, "NUL inside parses");
	is_int(r.line[0].text_len, 3, "text keeps the NUL");
	/* Columns point at the enhanced code. */
	findings_init(&fs);
	reply_parse("550 5.07.1 x", 12, &r, &fs);
	ok(fs.n == 1 && fs.v[0].col == 5, "xcode-syntax at column 5");
	is_str(fs.v[0].suggestion, "550 5.7.1", "suggestion drops the zero");
	return done_testing();
}

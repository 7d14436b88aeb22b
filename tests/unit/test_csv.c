/* test_csv.c - RFC 4180 reader: quoting, line breaks, sloppy input. */
#include "config.h"

#include "csv.h"
#include "tap.h"

/* read_all - records of buf as "f1|f2|...;" with the line of each */
static int
read_all(const char *buf, char *out, size_t cap, int *lines, struct esc_err *err)
{
	struct csv_reader r;
	struct csv_record rec = {0};
	size_t used = 0;
	int n = 0, rc;

	out[0] = '\0';
	csv_init(&r, buf, strlen(buf), "t.csv");
	while ((rc = csv_next(&r, &rec, err)) == 1) {
		for (unsigned i = 0; i < rec.nfields; i++)
			used += (size_t)snprintf(out + used, cap - used, "%s%s",
			    i ? "|" : "", rec.field[i]);
		used += (size_t)snprintf(out + used, cap - used, ";");
		lines[n++] = rec.line;
	}
	csv_record_free(&rec);
	return rc < 0 ? -1 : n;
}

static const struct {
	const char	*name, *in, *want;
	int		 nrec;
	int		 line2;		/* line of the 2nd record, 0 = skip */
} cases[] = {
	{ "simple", "a,b,c\n1,2,3\n", "a|b|c;1|2|3;", 2, 2 },
	{ "crlf", "a,b\r\n1,2\r\n", "a|b;1|2;", 2, 2 },
	{ "no final newline", "a,b\n1,2", "a|b;1|2;", 2, 2 },
	{ "quoted comma", "\"a,b\",c\n", "a,b|c;", 1, 0 },
	{ "escaped quote", "\"say \"\"hi\"\"\",x\n", "say \"hi\"|x;", 1, 0 },
	{ "line break in quotes", "\"l1\nl2\",x\ny,z\n", "l1\nl2|x;y|z;", 2, 3 },
	{ "crlf record, lf inside", "\"a\nb\",c\r\nd,e\r\n", "a\nb|c;d|e;", 2, 3 },
	{ "empty fields", ",,\n", "||;", 1, 0 },
	{ "blank lines skipped", "a\n\n\r\nb\n", "a;b;", 2, 4 },
	{ "junk after quote kept", "\"a\"b,c\n", "ab|c;", 1, 0 },
	{ "bare CR inside a field", "a\rb,c\n", "a\rb|c;", 1, 0 },
	{ "empty input", "", "", 0, 0 },
};

int
main(void)
{
	char out[512];
	int lines[16];
	struct esc_err err;
	size_t i;
	int n;
	char big[64];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err_clear(&err);
		n = read_all(cases[i].in, out, sizeof out, lines, &err);
		is_int(n, cases[i].nrec, "%s: records", cases[i].name);
		is_str(out, cases[i].want, "%s: fields", cases[i].name);
		if (cases[i].line2)
			is_int(lines[1], cases[i].line2, "%s: line of record 2",
			    cases[i].name);
	}

	err_clear(&err);
	n = read_all("a,b\nx,\"open\nand never\nclosed\n", out, sizeof out, lines,
	    &err);
	is_int(n, -1, "unterminated quote is an error");
	is_int(err.line, 2, "error names the line where the quote opened");
	ok(strstr(err.text, "never closed") != NULL, "error says what is wrong");

	/* More fields than CSV_MAX_FIELDS: counted, not kept. */
	{
		struct csv_reader r;
		struct csv_record rec = {0};
		char wide[200] = "";

		for (int k = 0; k < CSV_MAX_FIELDS + 3; k++)
			strcat(wide, k ? ",f" : "f");
		csv_init(&r, wide, strlen(wide), "w.csv");
		is_int(csv_next(&r, &rec, &err), 1, "wide record read");
		is_int(rec.nfields, CSV_MAX_FIELDS, "fields capped");
		is_int(rec.extra, 3, "extra fields counted");
		csv_record_free(&rec);
	}

	/* A record longer than CSV_MAX_RECORD fails cleanly. */
	{
		size_t len = CSV_MAX_RECORD + 100;
		char *huge = malloc(len + 1);
		struct csv_reader r;
		struct csv_record rec = {0};

		memset(huge, 'x', len);
		huge[len] = '\0';
		csv_init(&r, huge, len, "huge.csv");
		is_int(csv_next(&r, &rec, &err), -1, "oversized record refused");
		is_int(csv_next(&r, &rec, &err), 0, "reader at end after error");
		csv_record_free(&rec);
		free(huge);
	}
	snprintf(big, sizeof big, "%d", CSV_MAX_FIELDS);
	ok(big[0] != '\0', "constants sane");
	return done_testing();
}

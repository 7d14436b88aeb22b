/*
 * cmd_reasons.c - `esc reasons [--format text|json|tsv]`: the reason
 * vocabulary (name, whose problem, category, what a suppression list
 * does, meaning), the mailbox providers known, and the table in force,
 * row by row; --format tsv writes the table in its own format, the place
 * to start a replacement from.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "reason.h"
#include "registry.h"

static const char usage[] =
    "usage: esc reasons [--format text|json|tsv] [--reasons FILE]\n"
    "\n"
    "List the reason vocabulary (why a reply refused a message: userunknown,\n"
    "blocked, authfailure, ...) and the table that gives every reply one.\n"
    "  --format tsv   the table in its own format: edit it and use it with\n"
    "                 --reasons FILE or the daemon's reasons = FILE\n";

static void
print_tsv(const struct reasons *t)
{
	struct reason_row r;
	size_t i;

	printf("# reason table: %s (esc reasons --format tsv)\n"
	    "# code\twhere\ttext\treason\tdetail\texample\tsource\n",
	    reasons_name(t));
	for (i = 0; i < reasons_rows(t); i++) {
		reasons_row(t, i, &r);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.code, r.where, r.text,
		    reason_name(r.reason), r.detail[0] ? r.detail : "-",
		    r.example, r.source);
	}
}

static json_t *
vocabulary_json(void)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < R_COUNT; i++) {
		const struct reason_info *ri = reason_info((enum reason)i);

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:i, s:s, "
		    "s:s}", "name", ri->name, "meaning", ri->meaning, "side",
		    reason_side_name(ri->side), "subject", ri->subject,
		    "category", category_name(category_of((unsigned)ri->subject)),
		    "suppress", reason_suppress_name(ri->suppress)));
	}
	return a;
}

static json_t *
rows_json(const struct reasons *t)
{
	json_t *a = json_array();
	struct reason_row r;
	size_t i;

	for (i = 0; i < reasons_rows(t); i++) {
		reasons_row(t, i, &r);
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:o, s:s, "
		    "s:o, s:s, s:s}", "line", (int)r.line, "code", r.code,
		    "where", r.where, "text", strcmp(r.text, "-") == 0 ?
		    json_null() : json_string(r.text), "reason",
		    reason_name(r.reason), "detail", r.detail[0] ?
		    json_string(r.detail) : json_null(), "example", r.example,
		    "source", r.source));
	}
	return a;
}

static json_t *
providers_json(const struct providers *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; p != NULL && i < providers_count(p); i++)
		json_array_append_new(a, json_string(providers_name(p, i)));
	return a;
}

static void
print_text(const struct reasons *t, const struct providers *p)
{
	struct reason_row r;
	unsigned i;
	size_t k;

	printf("%-16s %-9s %-12s %-9s %s\n", "reason", "side", "category",
	    "suppress", "meaning");
	for (i = 0; i < R_COUNT; i++) {
		const struct reason_info *ri = reason_info((enum reason)i);

		printf("%-16s %-9s %-12s %-9s %s\n", ri->name,
		    reason_side_name(ri->side),
		    category_name(category_of((unsigned)ri->subject)),
		    reason_suppress_name(ri->suppress), ri->meaning);
	}
	printf("\nproviders (the provider= of the table, the provider label "
	    "of the metrics):");
	for (i = 0; p != NULL && i < providers_count(p); i++)
		printf(" %s", providers_name(p, i));
	printf("\n\ntable: %s, %zu rows; the first that matches decides\n",
	    reasons_name(t), reasons_rows(t));
	for (k = 0; k < reasons_rows(t); k++) {
		reasons_row(t, k, &r);
		printf("%4u  %-15s %-22s %-12s %s%s%s\n", r.line,
		    reason_name(r.reason), r.code, r.where,
		    strcmp(r.text, "-") == 0 ? "(the code alone)" : r.text,
		    r.detail[0] ? "  => " : "", r.detail);
	}
}

int
cmd_reasons(struct cli *c, int argc, char **argv)
{
	const struct reasons *t;
	const struct tables *tab;
	int n;

	if ((n = cli_parse(c, argc, argv, NULL, NULL, NULL, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n > 0)
		return cli_usage_error(c, "esc reasons takes no operands");
	if ((t = cli_reasons(c)) == NULL || (tab = cli_tables(c)) == NULL)
		return EXIT_USAGE;
	if (c->format == FMT_TSV)
		print_tsv(t);
	else if (c->format == FMT_JSON)
		cli_json_print(json_pack("{s:s, s:o, s:o, s:o}", "table",
		    reasons_name(t), "vocabulary", vocabulary_json(), "rows",
		    rows_json(t), "providers", providers_json(tab->providers)));
	else
		print_text(t, tab->providers);
	return 0;
}

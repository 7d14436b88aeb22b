/*
 * cmd_registry.c - `esc registry [--diff FILE]`: print the active table,
 * or show what an IANA CSV file adds, changes or removes compared with it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: esc registry [--registry FILE] [--format text|json] [--diff FILE]\n"
    "\n"
    "Print the active registry (built in, or --registry FILE).  With --diff,\n"
    "compare an IANA smtp-enhanced-status-codes CSV export with it.\n"
    "\n"
    "exit status: 0 (with --diff: no differences), 1 differences found,\n"
    "2 usage or input error\n";

enum { K_DIFF = 1 };

static const struct cli_opt opts[] = {
	{ "diff", 'd', true, K_DIFF },
	{ NULL, 0, false, 0 },
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	(void)key;
	*(const char **)ctx = arg;
	return 0;
}

static json_t *
entry_json(const struct reg_entry *e)
{
	json_t *codes = json_array();
	char code[16], repl[16];
	unsigned i;

	for (i = 0; i < e->basic.n; i++)
		json_array_append_new(codes, json_integer(e->basic.code[i]));
	snprintf(code, sizeof code, "X.%u.%u", e->subject, e->detail);
	snprintf(repl, sizeof repl, "X.%u.%u", e->repl_subject, e->repl_detail);
	return json_pack("{s:s, s:i, s:i, s:s, s:s, s:o, s:s, s:b, s:s?}",
	    "code", code, "subject", (int)e->subject, "detail", (int)e->detail,
	    "sample_text", e->sample, "basic_text", e->basic_text,
	    "basic_codes", codes, "reference", e->reference,
	    "deprecated", e->deprecated,
	    "replacement", e->has_replacement ? repl : NULL);
}

/* print_table - the whole registry */
static int
print_table(struct cli *c, const struct registry *reg)
{
	const struct reg_entry *const *all;
	size_t n, i;
	char desc[600];

	all = registry_entries(reg, &n);
	registry_describe(reg, desc, sizeof desc);
	if (c->format == FMT_JSON) {
		json_t *codes = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(codes, entry_json(all[i]));
		cli_json_print(json_pack("{s:s, s:s, s:i, s:o}",
		    "source", registry_source(reg), "date", registry_date(reg),
		    "count", (int)n, "codes", codes));
		return 0;
	}
	printf("# registry: %s\n", desc);
	printf("%-8s %-26s %-16s %s\n", "code", "basic codes", "reference",
	    "sample text");
	for (i = 0; i < n; i++) {
		const struct reg_entry *e = all[i];
		char code[16], basic[64];

		snprintf(code, sizeof code, "X.%u.%u", e->subject, e->detail);
		printf("%-8s %-26s %-16.16s %s%s", code,
		    basic_format(&e->basic, basic, sizeof basic),
		    e->reference, e->sample[0] ? e->sample : "-",
		    e->deprecated ? "  [deprecated" : "");
		if (e->deprecated && e->has_replacement)
			printf(": use X.%u.%u", e->repl_subject, e->repl_detail);
		printf("%s\n", e->deprecated ? "]" : "");
	}
	return 0;
}

static void
diff_field(json_t *changes, const char *field, const char *was,
    const char *now)
{
	json_array_append_new(changes, json_pack("{s:s, s:s, s:s}",
	    "field", field, "builtin", was, "file", now));
}

static const char *
status_str(const struct reg_entry *e, char *buf, size_t size)
{
	if (!e->deprecated)
		return "current";
	if (e->has_replacement)
		snprintf(buf, size, "deprecated, use X.%u.%u", e->repl_subject,
		    e->repl_detail);
	else
		snprintf(buf, size, "deprecated");
	return buf;
}

/* print_diff - what FILE adds, changes, removes */
static int
print_diff(struct cli *c, const struct registry *base, const char *path)
{
	const struct reg_entry *const *a, *const *b;
	struct diag_list diags;
	struct esc_err err;
	struct registry *other;
	size_t na, nb, i;
	json_t *added = json_array(), *changed = json_array(),
	    *removed = json_array();
	char desc1[600], desc2[600];

	diag_list_init(&diags);
	err_clear(&err);
	if ((other = registry_load_csv(path, &diags, &err)) == NULL) {
		char buf[1024];

		diag_print(&diags, stderr);
		diag_list_free(&diags);
		cli_error(c, "%s", err_format(&err, buf, sizeof buf));
		json_decref(added);
		json_decref(changed);
		json_decref(removed);
		return EXIT_USAGE;
	}
	a = registry_entries(base, &na);
	b = registry_entries(other, &nb);
	for (i = 0; i < nb; i++) {
		const struct reg_entry *o = b[i];
		const struct reg_entry *m = registry_lookup(base, o->subject,
		    o->detail);
		unsigned d;
		json_t *ch;
		char code[16], s1[64], s2[64], b1[64], b2[64];

		snprintf(code, sizeof code, "X.%u.%u", o->subject, o->detail);
		if (m == NULL) {
			json_array_append_new(added, entry_json(o));
			continue;
		}
		if ((d = registry_entry_diff(m, o)) == 0)
			continue;
		ch = json_array();
		if (d & REG_DIFF_SAMPLE)
			diff_field(ch, "sample_text", m->sample, o->sample);
		if (d & REG_DIFF_BASIC)
			diff_field(ch, "basic_codes", basic_format(&m->basic, b1,
			    sizeof b1), basic_format(&o->basic, b2, sizeof b2));
		if (d & REG_DIFF_REFERENCE)
			diff_field(ch, "reference", m->reference, o->reference);
		if (d & REG_DIFF_STATUS)
			diff_field(ch, "status", status_str(m, s1, sizeof s1),
			    status_str(o, s2, sizeof s2));
		json_array_append_new(changed, json_pack("{s:s, s:i, s:o}",
		    "code", code, "line", o->line, "changes", ch));
	}
	for (i = 0; i < na; i++)
		if (registry_lookup(other, a[i]->subject, a[i]->detail) == NULL)
			json_array_append_new(removed, entry_json(a[i]));

	registry_describe(base, desc1, sizeof desc1);
	registry_describe(other, desc2, sizeof desc2);
	if (c->format == FMT_JSON) {
		json_t *w = json_array();

		for (i = 0; i < diags.n; i++)
			json_array_append_new(w, json_pack("{s:i, s:s}", "line",
			    diags.v[i].line, "message", diags.v[i].msg));
		cli_json_print(json_pack("{s:s, s:s, s:O, s:O, s:O, s:o}",
		    "base", desc1, "file", desc2, "added", added,
		    "changed", changed, "removed", removed, "warnings", w));
	} else {
		diag_print(&diags, stderr);
		printf("# comparing %s\n#      with %s\n", desc2, desc1);
		for (i = 0; i < json_array_size(added); i++) {
			json_t *e = json_array_get(added, i);

			printf("+ %-8s %s [%s] %s\n",
			    json_string_value(json_object_get(e, "code")),
			    json_string_value(json_object_get(e, "sample_text")),
			    json_string_value(json_object_get(e, "basic_text")),
			    json_string_value(json_object_get(e, "reference")));
		}
		for (i = 0; i < json_array_size(changed); i++) {
			json_t *e = json_array_get(changed, i);
			json_t *ch = json_object_get(e, "changes");
			size_t k;

			for (k = 0; k < json_array_size(ch); k++) {
				json_t *f = json_array_get(ch, k);

				printf("~ %-8s %s: \"%s\" -> \"%s\"\n",
				    json_string_value(json_object_get(e, "code")),
				    json_string_value(json_object_get(f, "field")),
				    json_string_value(json_object_get(f, "builtin")),
				    json_string_value(json_object_get(f, "file")));
			}
		}
		for (i = 0; i < json_array_size(removed); i++) {
			json_t *e = json_array_get(removed, i);

			printf("- %-8s %s (not in the file)\n",
			    json_string_value(json_object_get(e, "code")),
			    json_string_value(json_object_get(e, "sample_text")));
		}
		printf("%zu added, %zu changed, %zu removed\n",
		    json_array_size(added), json_array_size(changed),
		    json_array_size(removed));
	}
	i = json_array_size(added) + json_array_size(changed) +
	    json_array_size(removed);
	json_decref(added);
	json_decref(changed);
	json_decref(removed);
	diag_list_free(&diags);
	registry_free(other);
	return i > 0 ? EXIT_FINDINGS : 0;
}

/* cmd_registry - entry point */
int
cmd_registry(struct cli *c, int argc, char **argv)
{
	const struct registry *reg;
	const char *diff = NULL;
	int n;

	if ((n = cli_parse(c, argc, argv, opts, on_opt, &diff, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n > 0)
		return cli_usage_error(c, "unexpected argument \"%s\"", argv[0]);
	if ((reg = cli_registry(c)) == NULL)
		return EXIT_USAGE;
	return diff ? print_diff(c, reg, diff) : print_table(c, reg);
}

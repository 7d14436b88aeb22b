/*
 * cmd_lint.c - `esc lint [--type T] FILE...`: the reply codes of
 * esc-milter.conf (the daemon's own parser), Postfix main.cf/master.cf and
 * lookup tables, and Sendmail access files, as
 * FILE:LINE:COL: severity: id: message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "lint.h"
#include "strutil.h"

static const char usage[] =
    "usage: esc lint [--type TYPE] [--table-kind KIND] [--stage STAGE]\n"
    "                [--registry FILE] [--format text|json] [--strict] FILE...\n"
    "\n"
    "Check the reply codes of configuration files.  TYPE is esc,\n"
    "postfix-main, postfix-master, postfix-table or sendmail-access\n"
    "(detected from the content when omitted).  For Postfix tables, KIND is\n"
    "access, checks (header/body checks), dsn-filter or rbl-reply, and STAGE\n"
    "(helo, mail, rcpt) says where an access map is used; both are guessed\n"
    "from the file name (sender_access, header_checks, ...).\n"
    "\n"
    "Diagnostics: FILE:LINE:COL: severity: id: message\n"
    "exit status: 0 no errors, 1 errors found, 2 a file could not be read\n";

enum { K_TYPE = 1, K_KIND, K_STAGE };

static const struct cli_opt opts[] = {
	{ "type", 't', true, K_TYPE },
	{ "table-kind", 'k', true, K_KIND },
	{ "stage", 's', true, K_STAGE },
	{ NULL, 0, false, 0 },
};

struct lint_opts {
	struct cli	*c;
	enum lint_type	 type;
	int		 kind;		/* -1: guess */
	enum stage	 stage;		/* STAGE_NONE: guess */
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct lint_opts *o = ctx;

	switch (key) {
	case K_TYPE:
		if (!lint_type_parse(arg, &o->type) || o->type == LT_AUTO) {
			cli_usage_error(o->c, "--type must be esc, postfix-main, "
			    "postfix-master, postfix-table or sendmail-access");
			return -1;
		}
		return 0;
	case K_KIND:
		if (strcmp(arg, "access") == 0)
			o->kind = TK_ACCESS;
		else if (strcmp(arg, "checks") == 0)
			o->kind = TK_CHECKS;
		else if (strcmp(arg, "dsn-filter") == 0)
			o->kind = TK_DSN_FILTER;
		else if (strcmp(arg, "rbl-reply") == 0)
			o->kind = TK_RBL_REPLY;
		else {
			cli_usage_error(o->c, "--table-kind must be access, checks, "
			    "dsn-filter or rbl-reply");
			return -1;
		}
		return 0;
	case K_STAGE:
		if (!stage_parse(arg, &o->stage)) {
			cli_usage_error(o->c, "unknown stage \"%s\"", arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

static const char *const kind_names[] = { "access", "checks", "dsn-filter",
    "rbl-reply" };

/* lint_file - one file into diags; returns -1 if it cannot be read */
static int
lint_file(struct lint_opts *o, const char *path, struct diag_list *diags,
    enum lint_type *type, int *kind, unsigned *ncodes)
{
	FILE *fp = fopen(path, "rb");
	struct lint_ctx lc;
	size_t len;
	char *buf;

	if (fp == NULL) {
		cli_error(o->c, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = cli_read_stream(fp, 64 * 1024 * 1024, &len);
	fclose(fp);
	if (buf == NULL) {
		cli_error(o->c, "%s: cannot read (larger than 64 MB?)", path);
		return -1;
	}
	*type = o->type != LT_AUTO ? o->type : lint_detect(buf, len, path);
	*kind = -1;
	*ncodes = 0;
	lc.reg = cli_registry(o->c);
	lc.diags = diags;
	lc.file = path;
	lc.stage = o->stage != STAGE_NONE ? o->stage : lint_stage_hint(path);
	lc.sendmail = false;
	switch (*type) {
	case LT_ESC: {
		/* The daemon's own parser: the two never disagree. */
		struct config *cfg = conf_load(path, diags);

		if (cfg != NULL)
			*ncodes = cfg->nrules;
		conf_free(cfg);
		break;
	}
	case LT_POSTFIX_MAIN:
		*ncodes = lint_postfix_main(&lc, buf, len, false);
		break;
	case LT_POSTFIX_MASTER:
		*ncodes = lint_postfix_main(&lc, buf, len, true);
		break;
	case LT_SENDMAIL_ACCESS:
		*ncodes = lint_sendmail_access(&lc, buf, len);
		break;
	case LT_POSTFIX_TABLE:
	case LT_AUTO:
		*kind = o->kind >= 0 ? o->kind : (int)lint_table_kind(buf, len, path);
		*ncodes = lint_postfix_table(&lc, buf, len, (enum table_kind)*kind);
		break;
	}
	free(buf);
	return 0;
}

/* cmd_lint - entry point */
int
cmd_lint(struct cli *c, int argc, char **argv)
{
	struct lint_opts o = { c, LT_AUTO, -1, STAGE_NONE };
	json_t *files = NULL;
	unsigned count[3] = { 0, 0, 0 };
	bool unreadable = false;
	int n, i;

	if ((n = cli_parse(c, argc, argv, opts, on_opt, &o, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the files to check");
	if (cli_registry(c) == NULL)
		return EXIT_USAGE;
	if (c->format == FMT_JSON)
		files = json_array();
	for (i = 0; i < n; i++) {
		struct diag_list diags;
		enum lint_type type;
		unsigned ncodes;
		int kind;
		size_t k;

		diag_list_init(&diags);
		if (lint_file(&o, argv[i], &diags, &type, &kind, &ncodes) < 0) {
			unreadable = true;
			continue;
		}
		diag_sort(&diags);
		for (k = 0; k < diags.n; k++) {
			diags.v[k].sev = cli_effective(c, diags.v[k].sev);
			if (diags.v[k].col == 0)
				diags.v[k].col = 1;
			count[diags.v[k].sev]++;
		}
		if (files != NULL) {
			json_t *dl = json_array();

			for (k = 0; k < diags.n; k++) {
				const struct diag *d = &diags.v[k];

				json_array_append_new(dl, json_pack(
				    "{s:o, s:i, s:i, s:s, s:s, s:o, s:s?, s:s?}",
				    "file", cli_json_string(d->file, strlen(d->file)),
				    "line", d->line, "column", d->col,
				    "severity", severity_name(d->sev), "id", d->id,
				    "message", cli_json_string(d->msg, strlen(d->msg)),
				    "suggestion", d->suggestion[0] ? d->suggestion : NULL,
				    "effective", d->effective[0] ? d->effective : NULL));
			}
			json_array_append_new(files, json_pack(
			    "{s:o, s:s, s:s?, s:i, s:o}",
			    "file", cli_json_string(argv[i], strlen(argv[i])),
			    "type", lint_type_name(type),
			    "table_kind", kind >= 0 ? kind_names[kind] : NULL,
			    "lines_with_codes", (int)ncodes, "diagnostics", dl));
		} else {
			diag_print_cols(&diags, stdout);
		}
		diag_list_free(&diags);
	}
	if (files != NULL)
		cli_json_print(json_pack("{s:o, s:i, s:i, s:i}", "files", files,
		    "errors", (int)count[SEV_ERROR],
		    "warnings", (int)count[SEV_WARNING],
		    "notes", (int)count[SEV_NOTE]));
	else if (n > 1 || count[0] + count[1] + count[2] > 0)
		fprintf(stderr, "esc lint: %d file%s, %u error%s, %u warning%s, "
		    "%u note%s\n", n, n == 1 ? "" : "s",
		    count[SEV_ERROR], count[SEV_ERROR] == 1 ? "" : "s",
		    count[SEV_WARNING], count[SEV_WARNING] == 1 ? "" : "s",
		    count[SEV_NOTE], count[SEV_NOTE] == 1 ? "" : "s");
	if (unreadable)
		return EXIT_USAGE;
	return count[SEV_ERROR] > 0 ? EXIT_FINDINGS : 0;
}

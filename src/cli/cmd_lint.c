/*
 * cmd_lint.c - `esc lint [options] FILE|DIR...`: the reply codes of
 * esc-milter.conf (the daemon's own parser), Postfix main.cf/master.cf and
 * lookup tables, and Sendmail access files, as
 * FILE:LINE:COL: severity: id: message, JSON or SARIF.
 *
 * A Postfix configuration (main.cf, its directory, or -c DIR) is followed:
 * every table it names is linted for how it is used (lint_follow.c).  A
 * table given alone is typed from its content, and the guess is shown.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "conf.h"
#include "file.h"
#include "lint.h"
#include "sarif.h"
#include "strutil.h"

static const char usage[] =
    "usage: esc lint [-c DIR] [--root DIR] [--type TYPE] [--table-kind KIND]\n"
    "                [--stage STAGE] [--registry FILE]\n"
    "                [--format text|json|sarif] [--strict] [FILE|DIR...]\n"
    "\n"
    "Check the reply codes of configuration files.\n"
    "\n"
    "A Postfix main.cf, the directory that holds it, or -c DIR is followed\n"
    "as Postfix reads it: main.cf, master.cf (with each service's -o\n"
    "overrides) and every lookup table a restriction or a parameter names,\n"
    "each linted for where it is used.  --root DIR looks the configuration's\n"
    "absolute paths up under DIR (a configuration kept in a repository).\n"
    "\n"
    "A Sendmail sendmail.mc or sendmail.cf is followed too: its $#error\n"
    "rules, its reply messages and the access database it names.\n"
    "\n"
    "Any other file is linted alone.  TYPE is esc, postfix-main,\n"
    "postfix-master, postfix-table, sendmail-access, sendmail-mc or\n"
    "sendmail-cf (detected from the content when omitted; --type\n"
    "postfix-main lints a main.cf without following it).  A table alone is typed from its content, its name\n"
    "only breaking a tie, and the guess is printed: KIND is access, checks\n"
    "(header/body checks), dsn-filter, rbl-reply or reply-filter, and STAGE\n"
    "(connect, helo, mail, rcpt) says what an access map is checked for.\n"
    "\n"
    "Diagnostics: FILE:LINE:COL: severity: id: message\n"
    "exit status: 0 no errors, 1 errors found, 2 a file could not be read\n";

enum { K_TYPE = 1, K_KIND, K_STAGE, K_ROOT, K_CONFDIR };

static const struct cli_opt opts[] = {
	{ "type", 't', true, K_TYPE },
	{ "table-kind", 'k', true, K_KIND },
	{ "stage", 's', true, K_STAGE },
	{ "root", 0, true, K_ROOT },
	{ "config-directory", 'c', true, K_CONFDIR },
	{ NULL, 0, false, 0 },
};

static const char *const kind_names[] = { "access", "checks", "dsn-filter",
    "rbl-reply", "reply-filter" };
#define NKINDS	(sizeof kind_names / sizeof kind_names[0])

struct lint_opts {
	struct cli	*c;
	enum lint_type	 type;
	int		 kind;		/* -1: guess */
	enum stage	 stage;		/* STAGE_NONE: guess */
	const char	*root;		/* --root */
	const char	*confdir;	/* -c */
};

/* What one operand gave. */
struct target {
	char		 name[4096];	/* the file, or DIR/main.cf */
	bool		 follow;	/* a Postfix configuration */
	enum lint_type	 type;
	int		 kind;		/* -1: not a table */
	bool		 guessed;
	struct lint_guess guess;
	unsigned	 ncodes;
	struct diag_list diags;
	struct lint_follow fl;
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct lint_opts *o = ctx;
	size_t i;

	switch (key) {
	case K_TYPE:
		if (!lint_type_parse(arg, &o->type) || o->type == LT_AUTO) {
			cli_usage_error(o->c, "--type must be esc, postfix-main, "
			    "postfix-master, postfix-table, sendmail-access, "
			    "sendmail-mc or sendmail-cf");
			return -1;
		}
		return 0;
	case K_KIND:
		for (i = 0; i < NKINDS; i++)
			if (strcmp(arg, kind_names[i]) == 0)
				o->kind = (int)i;
		if (o->kind < 0) {
			cli_usage_error(o->c, "--table-kind must be access, checks, "
			    "dsn-filter, rbl-reply or reply-filter");
			return -1;
		}
		return 0;
	case K_STAGE:
		if (!stage_parse(arg, &o->stage)) {
			cli_usage_error(o->c, "unknown stage \"%s\" (connect, helo, "
			    "mail or rcpt)", arg);
			return -1;
		}
		return 0;
	case K_ROOT:
		o->root = arg;
		return 0;
	case K_CONFDIR:
		o->confdir = arg;
		return 0;
	}
	return -1;
}

/* base_ctx - a lint context with nothing known yet */
static void
base_ctx(struct lint_opts *o, struct target *t, struct lint_ctx *lc)
{
	memset(lc, 0, sizeof *lc);
	lc->reg = cli_registry(o->c);
	lc->diags = &t->diags;
	lc->file = t->name;
}

/* lint_config - a Postfix configuration directory, followed */
static int
lint_config(struct lint_opts *o, const char *dir, struct target *t)
{
	struct lint_ctx lc;

	t->follow = true;
	t->type = LT_AUTO;	/* "postfix-config" */
	t->kind = -1;
	if (str_path_join(t->name, sizeof t->name, dir, "main.cf") < 0) {
		cli_error(o->c, "%s: path too long", dir);
		return -1;
	}
	base_ctx(o, t, &lc);
	t->fl.root = o->root;
	if (lint_postfix_config(&lc, dir, &t->fl) < 0) {
		cli_error(o->c, "%s: %s%s", t->name, strerror(errno),
		    errno == ENOENT ? " (a Postfix configuration directory "
		    "holds main.cf)" : "");
		return -1;
	}
	t->ncodes = t->fl.ncodes;
	return 0;
}

/* lint_alone - one file, not followed */
static int
lint_alone(struct lint_opts *o, const char *path, struct target *t)
{
	struct lint_ctx lc;
	size_t len;
	char *buf;

	str_copy(t->name, sizeof t->name, path);
	t->kind = -1;
	if ((buf = file_read(path, 64 * 1024 * 1024, &len)) == NULL) {
		cli_error(o->c, "%s: %s", path, errno == EFBIG ? "not a regular "
		    "file, or larger than 64 MB" : strerror(errno));
		return -1;
	}
	base_ctx(o, t, &lc);
	t->type = o->type != LT_AUTO ? o->type : lint_detect(buf, len, path);
	lc.stage = o->stage != STAGE_NONE ? o->stage : lint_stage_hint(path);
	switch (t->type) {
	case LT_ESC: {
		/* The daemon's own parser: the two never disagree. */
		struct config *cfg = conf_load(path, &t->diags);

		if (cfg != NULL)
			t->ncodes = cfg->nrules;
		conf_free(cfg);
		break;
	}
	case LT_POSTFIX_MAIN:
		t->ncodes = lint_postfix_main(&lc, buf, len, false);
		break;
	case LT_POSTFIX_MASTER:
		t->ncodes = lint_postfix_main(&lc, buf, len, true);
		break;
	case LT_SENDMAIL_ACCESS:
		t->ncodes = lint_sendmail_access(&lc, buf, len);
		break;
	case LT_SENDMAIL_MC:
	case LT_SENDMAIL_CF:
		/* Followed: the access database it names is read too. */
		t->follow = true;
		t->fl.root = o->root;
		lint_sendmail_config(&lc, buf, len, t->type == LT_SENDMAIL_MC,
		    &t->fl);
		t->ncodes = t->fl.ncodes;
		break;
	case LT_POSTFIX_TABLE:
	case LT_AUTO:
		lint_guess_table(buf, len, path, &t->guess);
		t->guessed = o->kind < 0;
		t->kind = o->kind >= 0 ? o->kind : (int)t->guess.kind;
		if (o->stage != STAGE_NONE)
			lc.stage = o->stage;
		else if (t->guessed || t->kind == (int)t->guess.kind)
			lc.stage = t->guess.stage;
		t->guess.stage = lc.stage;
		t->ncodes = lint_postfix_table(&lc, buf, len,
		    (enum table_kind)t->kind);
		break;
	}
	free(buf);
	return 0;
}

/* lint_operand - a file, a main.cf or a directory */
static int
lint_operand(struct lint_opts *o, const char *arg, struct target *t)
{
	const char *base = strrchr(arg, '/');
	struct stat st;
	char dir[4096];

	base = base ? base + 1 : arg;
	if (o->type == LT_AUTO && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return lint_config(o, arg, t);
	if (o->type == LT_AUTO && strcmp(base, "main.cf") == 0) {
		size_t n = (size_t)(base - arg);

		while (n > 1 && arg[n - 1] == '/')
			n--;
		if (str_copyn(dir, sizeof dir, arg, n) < 0)
			return lint_alone(o, arg, t);
		return lint_config(o, dir[0] ? dir : ".", t);
	}
	return lint_alone(o, arg, t);
}

/* tables_json - what a followed configuration read */
static json_t *
tables_json(const struct lint_follow *fl)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < fl->nuse; i++) {
		const struct lint_table_use *u = &fl->use[i];

		json_array_append_new(a, json_pack("{s:o, s:o?, s:s, s:s?, s:o, "
		    "s:s}", "spec", cli_json_string(u->spec, strlen(u->spec)),
		    "path", u->path ? cli_json_string(u->path, strlen(u->path)) :
		    NULL, "kind", u->kind >= 0 ? kind_names[u->kind] :
		    "sendmail-access",
		    "stage", u->stage != STAGE_NONE ? stage_name(u->stage) : NULL,
		    "used_as", cli_json_string(u->used_as, strlen(u->used_as)),
		    "status", u->status));
	}
	return a;
}

/* target_json - one operand's result */
static json_t *
target_json(const struct target *t)
{
	json_t *dl = json_array(), *o;
	size_t k;

	for (k = 0; k < t->diags.n; k++) {
		const struct diag *d = &t->diags.v[k];

		json_array_append_new(dl, json_pack(
		    "{s:o, s:i, s:i, s:s, s:s, s:o, s:s?, s:s?}",
		    "file", cli_json_string(d->file, strlen(d->file)),
		    "line", d->line, "column", d->col,
		    "severity", severity_name(d->sev), "id", d->id,
		    "message", cli_json_string(d->msg, strlen(d->msg)),
		    "suggestion", d->suggestion[0] ? d->suggestion : NULL,
		    "effective", d->effective[0] ? d->effective : NULL));
	}
	o = json_pack("{s:o, s:s, s:s?, s:i, s:o}",
	    "file", cli_json_string(t->name, strlen(t->name)),
	    "type", t->follow && t->type == LT_AUTO ? "postfix-config" :
	    lint_type_name(t->type),
	    "table_kind", t->kind >= 0 ? kind_names[t->kind] : NULL,
	    "lines_with_codes", (int)t->ncodes, "diagnostics", dl);
	if (o != NULL && t->kind >= 0 && t->guess.stage != STAGE_NONE)
		json_object_set_new(o, "stage",
		    json_string(stage_name(t->guess.stage)));
	if (o != NULL && t->guessed)
		json_object_set_new(o, "guessed", json_pack("{s:s, s:s?, s:s}",
		    "table_kind", kind_names[t->guess.kind], "stage",
		    t->guess.stage != STAGE_NONE ? stage_name(t->guess.stage) :
		    NULL, "why", t->guess.why));
	if (o != NULL && t->follow)
		json_object_set_new(o, "tables", tables_json(&t->fl));
	return o;
}

/* target_text - what text output says beyond the diagnostics (stderr) */
static void
target_text(const struct target *t)
{
	unsigned i, missing = 0, other = 0;

	diag_print_cols(&t->diags, stdout);
	if (t->guessed)
		fprintf(stderr, "esc lint: %s: read as %s %s table%s%s, because "
		    "%s; if it is used otherwise, say so with --table-kind and "
		    "--stage, or lint the main.cf that names it\n", t->name,
		    t->guess.kind == TK_ACCESS ? "an" : "a",
		    kind_names[t->guess.kind], t->guess.stage != STAGE_NONE ?
		    " checked at " : "", t->guess.stage != STAGE_NONE ?
		    stage_name(t->guess.stage) : "", t->guess.why);
	if (!t->follow)
		return;
	for (i = 0; i < t->fl.nuse; i++) {
		if (strcmp(t->fl.use[i].status, "missing") == 0)
			missing++;
		else if (strcmp(t->fl.use[i].status, "not-checkable") == 0)
			other++;
	}
	fprintf(stderr, "esc lint: %s: %s%u table%s followed "
	    "(%u use%s; %u missing, %u not checkable)\n", t->name,
	    t->type != LT_AUTO ? "" : t->fl.master ? "main.cf, master.cf and " :
	    "main.cf and ", t->fl.ntables,
	    t->fl.ntables == 1 ? "" : "s", t->fl.nuse,
	    t->fl.nuse == 1 ? "" : "s", missing, other);
}

/* finish - sort, apply --strict, count */
static void
finish(struct cli *c, struct target *t, unsigned count[3])
{
	size_t k;

	diag_sort(&t->diags);
	for (k = 0; k < t->diags.n; k++) {
		t->diags.v[k].sev = cli_effective(c, t->diags.v[k].sev);
		if (t->diags.v[k].col == 0)
			t->diags.v[k].col = 1;
		count[t->diags.v[k].sev]++;
	}
}

/* cmd_lint - entry point */
int
cmd_lint(struct cli *c, int argc, char **argv)
{
	struct lint_opts o = { c, LT_AUTO, -1, STAGE_NONE, NULL, NULL };
	json_t *files = NULL;
	struct sarif *sarif = NULL;
	unsigned count[3] = { 0, 0, 0 };
	bool unreadable = false;
	int n, i, ntargets;

	if ((n = cli_parse(c, argc, argv, opts, on_opt, &o, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0 && o.confdir == NULL)
		return cli_usage_error(c, "give the files to check, or -c DIR");
	if (cli_registry(c) == NULL)
		return EXIT_USAGE;
	if (c->format == FMT_JSON)
		files = json_array();
	else if (c->format == FMT_SARIF &&
	    (sarif = sarif_new(PACKAGE_VERSION)) == NULL)
		return cli_usage_error(c, "out of memory");
	ntargets = n + (o.confdir != NULL);
	for (i = 0; i < ntargets; i++) {
		struct target *t = calloc(1, sizeof *t);
		int rc;

		if (t == NULL)
			return cli_usage_error(c, "out of memory");
		diag_list_init(&t->diags);
		rc = i < n ? lint_operand(&o, argv[i], t) :
		    lint_config(&o, o.confdir, t);
		if (rc < 0)
			unreadable = true;
		else {
			finish(c, t, count);
			if (files != NULL)
				json_array_append_new(files, target_json(t));
			else if (sarif != NULL)
				sarif_add(sarif, &t->diags);
			else
				target_text(t);
		}
		diag_list_free(&t->diags);
		lint_follow_free(&t->fl);
		free(t);
	}
	if (files != NULL)
		cli_json_print(json_pack("{s:o, s:i, s:i, s:i}", "files", files,
		    "errors", (int)count[SEV_ERROR],
		    "warnings", (int)count[SEV_WARNING],
		    "notes", (int)count[SEV_NOTE]));
	else if (sarif != NULL)
		sarif_print(sarif);
	else if (ntargets > 1 || count[0] + count[1] + count[2] > 0)
		fprintf(stderr, "esc lint: %d file%s, %u error%s, %u warning%s, "
		    "%u note%s\n", ntargets, ntargets == 1 ? "" : "s",
		    count[SEV_ERROR], count[SEV_ERROR] == 1 ? "" : "s",
		    count[SEV_WARNING], count[SEV_WARNING] == 1 ? "" : "s",
		    count[SEV_NOTE], count[SEV_NOTE] == 1 ? "" : "s");
	if (unreadable)
		return EXIT_USAGE;
	return count[SEV_ERROR] > 0 ? EXIT_FINDINGS : 0;
}

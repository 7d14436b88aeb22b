/*
 * cli.c - option parsing and output helpers shared by the subcommands.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "when.h"
#include "strutil.h"
#include "utf8.h"

enum {
	K_REGISTRY = -100,
	K_REASONS,
	K_PROVIDERS,
	K_FORMAT,
	K_STRICT,
	K_NOCOLOR,
	K_HELP,
	K_VERSION,
};

static const struct cli_opt common_opts[] = {
	{ "registry", 0, true, K_REGISTRY },
	{ "reasons", 0, true, K_REASONS },
	{ "providers", 0, true, K_PROVIDERS },
	{ "format", 0, true, K_FORMAT },
	{ "strict", 0, false, K_STRICT },
	{ "no-color", 0, false, K_NOCOLOR },
	{ "no-colour", 0, false, K_NOCOLOR },
	{ "help", 'h', false, K_HELP },
	{ "version", 'V', false, K_VERSION },
	{ NULL, 0, false, 0 },
};

/* cli_error - message on stderr */
void
cli_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "esc%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* cli_usage_error - message plus hint, exit status 2 */
int
cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "esc%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'esc %s%s--help'.\n", c->cmd ? c->cmd : "",
	    c->cmd ? " " : "");
	return EXIT_USAGE;
}

static const struct cli_opt *
find_opt(const struct cli_opt *tab, const char *name, size_t len, char sh)
{
	for (; tab != NULL && tab->name != NULL; tab++) {
		if (sh != 0 && tab->short_name == sh)
			return tab;
		if (sh == 0 && strlen(tab->name) == len &&
		    strncmp(tab->name, name, len) == 0)
			return tab;
	}
	return NULL;
}

/* common - apply a common option */

/* The output formats beyond text and json, and the commands that have them. */
static const struct {
	const char	*name;
	enum out_format	 fmt;
	const char	*cmds;		/* " cmd cmd " */
} formats[] = {
	{ "text", FMT_TEXT, NULL },
	{ "json", FMT_JSON, NULL },
	{ "csv", FMT_CSV, " report suppress " },
	{ "sarif", FMT_SARIF, " lint " },
	{ "tsv", FMT_TSV, " reasons " },
	{ "html", FMT_HTML, " report " },
	{ "postfix", FMT_POSTFIX, " suppress " },
};

/* has_format - does this command write format i? */
static bool
has_format(const struct cli *c, unsigned i)
{
	char word[64];

	if (formats[i].cmds == NULL)
		return true;
	if (c->cmd == NULL)
		return false;
	snprintf(word, sizeof word, " %s ", c->cmd);
	return strstr(formats[i].cmds, word) != NULL;
}

/* set_format - --format NAME, or a usage error naming the choices */
static int
set_format(struct cli *c, const char *arg)
{
	char choices[128] = "";
	unsigned i, n = 0, k = 0;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (!has_format(c, i))
			continue;
		if (strcmp(arg, formats[i].name) == 0) {
			c->format = formats[i].fmt;
			return 0;
		}
		n++;
	}
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (!has_format(c, i))
			continue;
		k++;
		snprintf(choices + strlen(choices), sizeof choices -
		    strlen(choices), "%s%s", k == 1 ? "" : k == n ? " or " :
		    ", ", formats[i].name);
	}
	cli_usage_error(c, "--format must be %s, not \"%s\"", choices, arg);
	return -1;
}

static int
common(struct cli *c, int key, const char *arg, const char *usage)
{
	switch (key) {
	case K_REGISTRY:
		c->registry_path = str_caseeq(arg, "builtin") ? NULL : arg;
		return 0;
	case K_REASONS:
		c->reasons_path = str_caseeq(arg, "builtin") ? NULL : arg;
		return 0;
	case K_PROVIDERS:
		c->providers_path = str_caseeq(arg, "builtin") ? NULL : arg;
		return 0;
	case K_FORMAT:
		return set_format(c, arg);
	case K_STRICT:
		c->strict = true;
		return 0;
	case K_NOCOLOR:
		c->color = false;
		return 0;
	case K_HELP:
		fputs(usage, stdout);
		return -2;
	case K_VERSION:
		cli_version(c);
		return -2;
	}
	return -1;
}

/* USAGE - print a usage error and make cli_parse() fail */
#define USAGE(...) do {				\
	cli_usage_error(c, __VA_ARGS__);	\
	return -1;				\
} while (0)

/* cli_parse - GNU-style long options anywhere among the operands */
int
cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *own,
    cli_opt_fn fn, void *ctx, const char *usage)
{
	int i, nops = 0, rc;
	bool opts_done = false;

	for (i = 0; i < argc; i++) {
		char *a = argv[i];
		const struct cli_opt *o;
		const char *val = NULL, *eq;
		size_t nlen;
		bool is_common;

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			argv[nops++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			nlen = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			o = find_opt(own, a + 2, nlen, 0);
			is_common = o == NULL;
			if (o == NULL)
				o = find_opt(common_opts, a + 2, nlen, 0);
			if (o == NULL)
				USAGE("unknown option \"%s\"",
				    a);
			if (o->has_arg) {
				if (eq != NULL)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					USAGE("option --%s needs "
					    "a value", o->name);
			} else if (eq != NULL) {
				USAGE("option --%s takes no "
				    "value", o->name);
			}
		} else {
			if (a[2] != '\0')
				USAGE("unknown option \"%s\" "
				    "(write long options with two dashes)", a);
			o = find_opt(own, NULL, 0, a[1]);
			is_common = o == NULL;
			if (o == NULL)
				o = find_opt(common_opts, NULL, 0, a[1]);
			if (o == NULL)
				USAGE("unknown option \"%s\"",
				    a);
			if (o->has_arg) {
				if (i + 1 >= argc)
					USAGE("option -%c needs "
					    "a value", a[1]);
				val = argv[++i];
			}
		}
		rc = is_common ? common(c, o->key, val, usage) :
		    fn(ctx, o->key, val);
		if (rc < 0)
			return rc;
	}
	return nops;
}

/* cli_registry - load once */
const struct registry *
cli_registry(struct cli *c)
{
	struct esc_err err;
	struct diag_list diags;

	if (c->reg != NULL)
		return c->reg;
	err_clear(&err);
	if (c->registry_path == NULL) {
		c->reg = registry_new_builtin(&err);
	} else {
		diag_list_init(&diags);
		c->reg = registry_load_csv(c->registry_path, &diags, &err);
		diag_print(&diags, stderr);
		diag_list_free(&diags);
	}
	if (c->reg == NULL) {
		char buf[1024];

		cli_error(c, "cannot load the registry: %s",
		    err_format(&err, buf, sizeof buf));
	}
	return c->reg;
}

/* cli_reasons - load once */
const struct reasons *
cli_reasons(struct cli *c)
{
	struct diag_list diags;

	if (c->reasons != NULL || c->reasons_failed)
		return c->reasons;
	if (c->reasons_path == NULL) {
		if ((c->reasons = reasons_builtin()) == NULL)
			cli_error(c, "out of memory loading the reason table");
	} else {
		diag_list_init(&diags);
		c->reasons = c->own_reasons = reasons_load_file(c->reasons_path,
		    &diags);
		diag_print(&diags, stderr);
		diag_list_free(&diags);
		if (c->reasons == NULL)
			cli_error(c, "cannot use the reason table %s (see above)",
			    c->reasons_path);
	}
	c->reasons_failed = c->reasons == NULL;
	return c->reasons;
}

/* cli_tables - load once */
const struct tables *
cli_tables(struct cli *c)
{
	struct diag_list diags;

	if (c->tab_ok)
		return &c->tab;
	if ((c->tab.reg = cli_registry(c)) == NULL ||
	    (c->tab.reasons = cli_reasons(c)) == NULL)
		return NULL;
	if (c->providers_path == NULL) {
		c->tab.providers = providers_builtin();
	} else {
		diag_list_init(&diags);
		c->tab.providers = c->own_providers =
		    providers_load_file(c->providers_path, &diags);
		diag_print(&diags, stderr);
		diag_list_free(&diags);
	}
	if (c->tab.providers == NULL) {
		cli_error(c, "cannot use the provider table %s",
		    c->providers_path ? c->providers_path : "built-in");
		return NULL;
	}
	c->tab_ok = true;
	return &c->tab;
}

/* cli_effective - apply --strict */
enum severity
cli_effective(const struct cli *c, enum severity s)
{
	return c->strict && s == SEV_WARNING ? SEV_ERROR : s;
}

/* cli_sev - severity word, maybe coloured */
const char *
cli_sev(const struct cli *c, enum severity s)
{
	if (!c->color)
		return severity_name(s);
	switch (s) {
	case SEV_ERROR:
		return "\033[1;31merror\033[0m";
	case SEV_WARNING:
		return "\033[1;35mwarning\033[0m";
	case SEV_NOTE:
		return "\033[1;36mnote\033[0m";
	}
	return severity_name(s);
}

/* cli_json_findings - JSON array of findings */
json_t *
cli_json_findings(const struct cli *c, const struct findings *fs)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s?}",
		    "id", finding_name(f->id),
		    "severity", severity_name(cli_effective(c, f->sev)),
		    "line", (int)f->line, "column", (int)f->col,
		    "message", f->msg,
		    "suggestion", f->suggestion[0] ? f->suggestion : NULL));
	}
	return a;
}

/* cli_print_findings - one line per finding */
void
cli_print_findings(const struct cli *c, const struct findings *fs, FILE *fp,
    const char *indent)
{
	unsigned i;

	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];

		fputs(indent, fp);
		if (f->line > 0 && f->col > 0)
			fprintf(fp, "%u:%u: ", f->line, f->col);
		else if (f->line > 0)
			fprintf(fp, "%u: ", f->line);
		fprintf(fp, "%s: %s: %s", cli_sev(c, cli_effective(c, f->sev)),
		    finding_name(f->id), f->msg);
		if (f->suggestion[0] != '\0')
			fprintf(fp, " (did you mean %s?)", f->suggestion);
		fputc('\n', fp);
	}
	if (fs->dropped > 0)
		fprintf(fp, "%s(%u more findings not shown)\n", indent,
		    fs->dropped);
}

/* cli_json_string - safe JSON string */
json_t *
cli_json_string(const char *s, size_t len)
{
	size_t n;
	char *e = utf8_escape_dup(s, len, &n);
	json_t *j;

	if (e == NULL)
		return NULL;
	j = json_stringn(e, n);
	free(e);
	return j;
}

/* cli_json_print - dump and release */
int
cli_json_print(json_t *doc)
{
	int rc;

	if (doc == NULL) {
		fprintf(stderr, "esc: out of memory building JSON output\n");
		return -1;
	}
	rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(doc);
	return rc;
}

/* cli_read_stream - slurp a stream, at most max bytes */
char *
cli_read_stream(FILE *fp, size_t max, size_t *len)
{
	size_t cap = 8192, used = 0, n;
	char *buf = malloc(cap + 1), *nb;

	if (buf == NULL)
		return NULL;
	while ((n = fread(buf + used, 1, cap - used, fp)) > 0) {
		used += n;
		if (used == cap) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* cli_version - program and registry versions */
void
cli_version(struct cli *c)
{
	const struct registry *r = cli_registry(c);
	char buf[600];

	printf("esc %s (registry %s)\n", PACKAGE_VERSION,
	    r ? registry_describe(r, buf, sizeof buf) : "unavailable");
}

/* cli_now - see cli.h */
long long
cli_now(void)
{
	const char *e = getenv("ESC_NOW");
	long long ms;

	if (e != NULL && (ms = when_iso8601(e, strlen(e))) >= 0)
		return ms;
	return (long long)time(NULL) * 1000;
}

/* cli_time - see cli.h */
int
cli_time(const char *t, long long *ms)
{
	long long now = cli_now();
	time_t day;
	struct tm tm;
	char *end;
	long v;

	if (strcmp(t, "today") == 0 || strcmp(t, "yesterday") == 0) {
		/* the local day, as the operator says it */
		day = (time_t)(now / 1000);
		localtime_r(&day, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (t[0] == 'y')
			tm.tm_mday--;
		*ms = (long long)mktime(&tm) * 1000;
		return 0;
	}
	if (t[0] >= '0' && t[0] <= '9' && (v = strtol(t, &end, 10)) >= 0 &&
	    end[0] != '\0' && strchr("smhd", end[0]) != NULL && end[1] == '\0' &&
	    end - t <= 8) {
		*ms = now - (long long)v * 1000 * (end[0] == 's' ? 1 :
		    end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : 86400);
		return 0;
	}
	return (*ms = when_iso8601(t, strlen(t))) >= 0 ? 0 : -1;
}


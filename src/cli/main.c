/*
 * main.c - `esc`: explain, check, lint and report SMTP enhanced status
 * codes.  A table of subcommands; each one parses its own options.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

static const struct {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	const char	*summary;
} commands[] = {
	{ "explain", cmd_explain, "explain an enhanced code, a reply code or a reply" },
	{ "check", cmd_check, "validate SMTP replies; predict what Postfix/Sendmail show" },
	{ "lint", cmd_lint, "check the reply codes of esc-milter, Postfix and Sendmail files" },
	{ "report", cmd_report, "count the rejections in JSON event logs, by category and more" },
	{ "dsn", cmd_dsn, "classify the recipients of delivery status notifications" },
	{ "maillog", cmd_maillog, "Postfix and Sendmail log lines as reply events" },
	{ "suppress", cmd_suppress, "the recipients to stop sending to, and why" },
	{ "trace", cmd_trace, "what happened to a message: its log lines, queue ids and outcomes" },
	{ "reasons", cmd_reasons, "the reason vocabulary and the table that gives each reply one" },
	{ "registry", cmd_registry, "print the active registry, or diff an IANA file with it" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *fp)
{
	unsigned i;

	fprintf(fp, "usage: esc COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp,
	    "\ncommon options:\n"
	    "  --registry FILE      use an IANA CSV export instead of the built-in table\n"
	    "  --reasons FILE       use this reason table instead of the built-in one\n"
	    "  --providers FILE     use this provider table instead of the built-in one\n"
	    "  --format text|json   output format (json: one document on stdout)\n"
	    "  --strict             warnings count as errors\n"
	    "  --no-color           no colours in text output\n"
	    "  -h, --help           help for a command: esc COMMAND --help\n"
	    "  -V, --version        version and registry snapshot\n"
	    "\nexit status: 0 no errors, 1 errors found, 2 usage or input error\n"
	    "see esc(1)\n");
}

int
main(int argc, char **argv)
{
	struct cli c;
	int i, rc;

	memset(&c, 0, sizeof c);
	c.format = FMT_TEXT;
	c.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	json_object_seed(0);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		cli_version(&c);
		registry_free(c.reg);
		return c.reg ? 0 : 1;
	}
	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			break;
	if (commands[i].name == NULL) {
		fprintf(stderr, "esc: unknown command \"%s\"\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	c.cmd = commands[i].name;
	rc = commands[i].run(&c, argc - 2, argv + 2);
	registry_free(c.reg);
	reasons_free(c.own_reasons);
	providers_free(c.own_providers);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("esc: write error");
		return EXIT_USAGE;
	}
	return rc;
}

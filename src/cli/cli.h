/*
 * cli.h - shared state and helpers of the `esc` subcommands.
 *
 * Each subcommand lives in its own cmd_*.c and is listed in main.c's
 * table.  Subcommands print results to stdout and problems to stderr, and
 * return the process exit status: 0 fine, 1 findings at error level (or
 * warnings with --strict), 2 usage or input error.
 */
#ifndef ESC_CLI_H
#define ESC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "finding.h"
#include "provider.h"
#include "reason.h"
#include "registry.h"
#include "replyclass.h"

#define EXIT_FINDINGS	1
#define EXIT_USAGE	2

enum out_format {
	FMT_TEXT,
	FMT_JSON,
	FMT_CSV,	/* esc report only */
	FMT_SARIF,	/* esc lint only */
	FMT_TSV,	/* esc reasons only */
	FMT_HTML,	/* esc report only */
	FMT_POSTFIX,	/* esc suppress only: an access table */
};

struct cli {
	const char	*cmd;		/* subcommand name */
	enum out_format	 format;
	bool		 strict;	/* warnings count as errors */
	bool		 color;		/* ANSI colours in text output */
	const char	*registry_path;	/* --registry FILE, NULL = builtin */
	struct registry	*reg;		/* loaded by cli_registry() */
	const char	*reasons_path;	/* --reasons FILE, NULL = builtin */
	const struct reasons *reasons;	/* loaded by cli_reasons() */
	struct reasons	*own_reasons;	/* the loaded file, freed at exit */
	bool		 reasons_failed;
	const char	*providers_path;	/* --providers FILE */
	struct providers *own_providers;
	struct tables	 tab;		/* filled by cli_tables() */
	bool		 tab_ok;
};

/* One subcommand-specific option. */
struct cli_opt {
	const char	*name;		/* long name without "--" */
	char		 short_name;	/* 0 if none */
	bool		 has_arg;
	int		 key;		/* passed to the handler */
};

/* Handler for subcommand options: 0 ok, -1 bad value (message printed). */
typedef int (*cli_opt_fn)(void *ctx, int key, const char *arg);

/*
 * cli_parse - parse common and subcommand options.  Operands (including a
 * lone "-") are moved to the front of argv; their count is returned, or -1
 * after a usage message, or -2 when help was printed.
 */
int	cli_parse(struct cli *, int argc, char **argv, const struct cli_opt *,
	    cli_opt_fn, void *ctx, const char *usage);

/* cli_registry - the active registry (builtin or --registry); NULL on error */
const struct registry *cli_registry(struct cli *);

/* cli_reasons - the reason table in force (built-in or --reasons); NULL
   after printing why it cannot be read */
const struct reasons *cli_reasons(struct cli *);

/* cli_tables - the registry, reason table and provider table in force;
   NULL after printing why one cannot be read */
const struct tables *cli_tables(struct cli *);

/* cli_usage_error - "esc CMD: message" + hint; returns EXIT_USAGE */
int	cli_usage_error(struct cli *, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/* cli_error - "esc CMD: message" on stderr */
void	cli_error(struct cli *, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/* cli_sev - severity word, coloured when enabled */
const char *cli_sev(const struct cli *, enum severity);

/* cli_effective - severity after --strict (warnings become errors) */
enum severity cli_effective(const struct cli *, enum severity);

/* cli_json_findings - findings as a JSON array (new reference) */
json_t	*cli_json_findings(const struct cli *, const struct findings *);

/* cli_print_findings - text lines "  LINE:COL: severity: id: message" */
void	cli_print_findings(const struct cli *, const struct findings *,
	    FILE *, const char *indent);

/* cli_json_string - JSON string of untrusted bytes (invalid UTF-8 escaped) */
json_t	*cli_json_string(const char *s, size_t len);

/* cli_json_print - dump a document to stdout and release it (steals) */
int	cli_json_print(json_t *);

/* cli_read_stream - read all of fp (NUL bytes kept); caller frees; NULL on error */
char	*cli_read_stream(FILE *fp, size_t max, size_t *len);

/* cli_version - "esc 0.1.0 (registry builtin 2024-12-06, 81 codes)" */
void	cli_version(struct cli *);

/* Subcommands. */
int	cmd_explain(struct cli *, int argc, char **argv);
int	cmd_check(struct cli *, int argc, char **argv);
int	cmd_registry(struct cli *, int argc, char **argv);
int	cmd_lint(struct cli *, int argc, char **argv);
int	cmd_report(struct cli *, int argc, char **argv);
int	cmd_dsn(struct cli *, int argc, char **argv);
int	cmd_maillog(struct cli *, int argc, char **argv);
int	cmd_reasons(struct cli *, int argc, char **argv);
int	cmd_suppress(struct cli *, int argc, char **argv);
int	cmd_trace(struct cli *, int argc, char **argv);

/* cli_now - now, in ms since the epoch: ESC_NOW (an ISO 8601 time) when
   set, for reproducible reports and tests; else the clock */
long long cli_now(void);

/* cli_time - a time as operators say it, into ms since the epoch: today,
   yesterday (local midnight), 90m, 24h, 7d (back from now), 2026-11-29,
   2026-11-29T07:00:00Z, 2026-11-29T08:00:00+01:00; -1 if it is none */
int	cli_time(const char *t, long long *ms);

#endif

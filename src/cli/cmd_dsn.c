/*
 * cmd_dsn.c - `esc dsn [--failed] FILE... | -`: the recipients of delivery
 * status notifications with their status classified against the registry,
 * the classification the daemon's annotate_dsn uses (dsn.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dsn.h"
#include "event.h"
#include "strutil.h"
#include "utf8.h"

#define DSN_FILE_MAX	(64 * 1024 * 1024)

static const char usage[] =
    "usage: esc dsn [--failed] [--registry FILE] [--reasons FILE]\n"
    "               [--format text|json] [--strict]\n"
    "               FILE... | -\n"
    "\n"
    "Classify the recipients of delivery status notifications (RFC 3464\n"
    "message/delivery-status and RFC 6533 message/global-delivery-status\n"
    "parts): one line per recipient with action, status, class, category,\n"
    "registration, reason and findings.  --failed shows only the failed and delayed\n"
    "recipients (those the daemon's annotate_dsn marks).\n"
    "\n"
    "exit status: 0 every message read (findings describe the codes others\n"
    "wrote: they do not change it), 1 with --strict: a finding of error or\n"
    "warning severity, 2 a file could not be read\n";

enum { K_FAILED = 1 };

static const struct cli_opt opts[] = {
	{ "failed", 0, false, K_FAILED },
	{ NULL, 0, false, 0 },
};

struct dsn_opts {
	bool	 failed_only;
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct dsn_opts *o = ctx;

	(void)arg;
	if (key == K_FAILED)
		o->failed_only = true;
	return 0;
}

/* shown - a field for a text line: invalid bytes escaped */
static const char *
shown(const char *s, char *buf, size_t size)
{
	utf8_escape(s, strlen(s), buf, size, true);
	return buf[0] ? buf : "-";
}

/* rcpt_json - one recipient: the daemon's event fields and more */
static json_t *
rcpt_json(const struct cli *c, const struct dsn_rcpt *r,
    const struct dsn_class *k)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	event_dsn_fields(o, r, k);
	json_object_set_new(o, "status_field", r->has_status ?
	    cli_json_string(r->status, strlen(r->status)) : json_null());
	json_object_set_new(o, "diagnostic_code", k->diag_code ?
	    json_integer(k->diag_code) : json_null());
	json_object_set_new(o, "last_attempt", r->last_attempt[0] ?
	    cli_json_string(r->last_attempt, strlen(r->last_attempt)) :
	    json_null());
	json_object_set_new(o, "part", json_integer(r->part));
	json_object_set_new(o, "failed", json_boolean(k->failed));
	json_object_set_new(o, "findings", cli_json_findings(c, &k->fs));
	return o;
}

/* rcpt_text - one line per recipient, then its findings */
static void
rcpt_text(const struct cli *c, const char *file, const struct dsn_rcpt *r,
    const struct dsn_class *k)
{
	char a[DSN_ADDR_MAX * 4], act[DSN_WORD_MAX * 4], ids[256] = "";
	char det[REASON_DETAIL_MAX * 4];
	unsigned i;

	for (i = 0; i < k->fs.n; i++) {
		if (i > 0)
			strncat(ids, ",", sizeof ids - strlen(ids) - 1);
		strncat(ids, finding_name(k->fs.v[i].id),
		    sizeof ids - strlen(ids) - 1);
	}
	printf("%s: %s action=%s status=%s class=%s category=%s "
	    "registered=%s reason=%s%s%s findings=%s\n", file,
	    shown(k->recipient, a, sizeof a), shown(r->action, act, sizeof act),
	    k->has_code ? k->status : "unknown",
	    k->cls == 5 ? "5" : k->cls == 4 ? "4" : k->cls == 2 ? "2" : "unknown",
	    category_name(k->category), k->registered ? "yes" : "no",
	    reason_name(k->reason), k->reason_detail[0] ? " detail=" : "",
	    k->reason_detail[0] ? shown(k->reason_detail, det, sizeof det) : "",
	    ids[0] ? ids : "none");
	cli_print_findings(c, &k->fs, stdout, "    ");
}

/* read_input - a file or stdin; NULL (message printed) on failure */
static char *
read_input(struct cli *c, const char *path, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;

	if (fp == NULL) {
		cli_error(c, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = cli_read_stream(fp, DSN_FILE_MAX, len);
	if (fp != stdin)
		fclose(fp);
	if (buf == NULL)
		cli_error(c, "%s: cannot read (larger than 64 MB?)", path);
	return buf;
}

/* leading_blank - how many blank (or white space) lines come before the
   header; *skip is where the header starts.  Such a message has, to the
   letter of RFC 5322, no header at all: it is read from its first line
   of text, and the reader is told. */
static unsigned
leading_blank(const char *buf, size_t len, size_t *skip)
{
	unsigned n = 0;
	size_t i = 0, k;

	*skip = 0;
	while (i < len) {
		for (k = i; k < len && (buf[k] == ' ' || buf[k] == '\t' ||
		    buf[k] == '\r'); k++)
			;
		if (k >= len || buf[k] != '\n')
			break;
		i = k + 1;
		n++;
	}
	if (i < len)
		*skip = i;
	return *skip > 0 ? n : 0;
}

/* one_file - parse, classify and print; adds to the counters */
static int
one_file(struct cli *c, const struct dsn_opts *o, const char *path,
    json_t *files, unsigned count[3], size_t *total)
{
	struct dsn d;
	struct dsn_class *k;
	json_t *list = NULL;
	char *buf;
	size_t len, i, skip;
	unsigned lead;
	int rc;

	if ((buf = read_input(c, path, &len)) == NULL)
		return -1;
	if ((k = malloc(sizeof *k)) == NULL) {
		free(buf);
		cli_error(c, "out of memory");
		return -1;
	}
	dsn_init(&d);
	lead = leading_blank(buf, len, &skip);
	rc = dsn_parse_message(&d, buf + skip, len - skip);
	free(buf);
	if (rc != 0)
		cli_error(c, "%s: out of memory; results are incomplete", path);
	if (files != NULL)
		list = json_array();
	else if (lead > 0)
		printf("%s: note: %u blank line%s before the header (a saved or "
		    "pasted message?): read from line %u\n", path, lead,
		    lead == 1 ? "" : "s", lead + 1);
	if (files == NULL && d.nparts == 0)
		printf("%s: no delivery status part\n", path);
	for (i = 0; i < d.nrcpt; i++) {
		unsigned j;

		dsn_classify(cli_tables(c), &d, &d.rcpt[i], k);
		if (o->failed_only && !k->failed)
			continue;
		(*total)++;
		for (j = 0; j < k->fs.n; j++)
			count[cli_effective(c, k->fs.v[j].sev)]++;
		if (list != NULL)
			json_array_append_new(list, rcpt_json(c, &d.rcpt[i], k));
		else
			rcpt_text(c, path, &d.rcpt[i], k);
	}
	if (list == NULL && d.nparts > 0 && d.nrcpt == 0)
		printf("%s: a delivery status part without recipients\n", path);
	if (list == NULL && d.dropped > 0)
		printf("%s: %zu more recipients not read (limit %d)\n", path,
		    d.dropped, DSN_MAX_RCPTS);
	if (list != NULL)
		json_array_append_new(files, json_pack(
		    "{s:o, s:i, s:i, s:b, s:o?, s:o, s:I, s:i}",
		    "file", cli_json_string(path, strlen(path)),
		    "leading_blank_lines", (int)lead,
		    "parts", (int)d.nparts, "global", d.global,
		    "reporting_mta", d.reporting_mta[0] ?
		    cli_json_string(d.reporting_mta, strlen(d.reporting_mta)) : NULL,
		    "recipients", list, "dropped", (json_int_t)d.dropped,
		    "orphan_groups", (int)d.orphans));
	dsn_free(&d);
	free(k);
	return 0;
}

/* cmd_dsn - entry point */
int
cmd_dsn(struct cli *c, int argc, char **argv)
{
	struct dsn_opts o = { false };
	unsigned count[3] = { 0, 0, 0 };
	json_t *files = NULL;
	bool unreadable = false;
	size_t total = 0;
	int n, i;

	if ((n = cli_parse(c, argc, argv, opts, on_opt, &o, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give the DSN messages to read "
		    "(\"-\" for stdin)");
	if (cli_tables(c) == NULL)
		return EXIT_USAGE;
	if (c->format == FMT_CSV)
		return cli_usage_error(c, "--format must be text or json");
	if (c->format == FMT_JSON)
		files = json_array();
	for (i = 0; i < n; i++)
		if (one_file(c, &o, argv[i], files, count, &total) != 0)
			unreadable = true;
	if (files != NULL)
		cli_json_print(json_pack("{s:o, s:I, s:i, s:i, s:i}",
		    "files", files, "recipients", (json_int_t)total,
		    "errors", (int)count[SEV_ERROR],
		    "warnings", (int)count[SEV_WARNING],
		    "notes", (int)count[SEV_NOTE]));
	fflush(stdout);
	if (unreadable)
		return EXIT_USAGE;
	/* The findings are about codes a remote server or the reporting MTA
	   wrote, which the reader cannot fix: they change the exit status
	   only with --strict (checking the DSNs of one's own server). */
	return c->strict && count[SEV_ERROR] > 0 ? EXIT_FINDINGS : 0;
}

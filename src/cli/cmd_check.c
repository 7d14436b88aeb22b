/*
 * cmd_check.c - `esc check [--stage S] [--mta postfix|sendmail] REPLY... | -`
 *
 * Validates each reply with the same validator the daemon uses and, with
 * --mta, shows exactly what an SMTP client would see if a milter sent it.
 * From standard input, "NNN-" lines continue a multi-line reply and the
 * first "NNN " line ends it (the SMTP wire format); blank lines separate
 * nothing and are skipped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mta.h"
#include "reply.h"
#include "strutil.h"

static const char usage[] =
    "usage: esc check [--stage STAGE] [--mta postfix|sendmail|all]\n"
    "                 [--registry FILE] [--format text|json] [--strict] REPLY... | -\n"
    "\n"
    "Validate SMTP replies (\"550 5.7.23 SPF validation failed\").  A reply may\n"
    "span lines (\"550-5.7.1 a\\n550 5.7.1 b\").  With -, read replies from\n"
    "standard input, one per line; \"NNN-\" lines continue a reply.\n"
    "\n"
    "  --stage STAGE   connect, helo, mail, rcpt, data, header or eom: also\n"
    "                  check that the code fits the SMTP stage\n"
    "  --mta MTA       show what a client sees when a milter sends the reply\n"
    "                  through Postfix or Sendmail (implies milter rules:\n"
    "                  only 4xx and 5xx replies)\n"
    "\n"
    "exit status: 0 no errors, 1 errors found, 2 usage or input error\n";

enum { K_STAGE = 1, K_MTA };

static const struct cli_opt opts[] = {
	{ "stage", 's', true, K_STAGE },
	{ "mta", 'm', true, K_MTA },
	{ NULL, 0, false, 0 },
};

struct check {
	struct cli	*c;
	enum stage	 stage;
	bool		 mta[2];	/* indexed by enum mta */
	unsigned	 nreplies;
	unsigned	 count[3];	/* by effective severity */
	json_t		*items;		/* JSON output, or NULL */
	struct reply	 r;
};

static int
on_opt(void *ctx, int key, const char *arg)
{
	struct check *k = ctx;

	if (key == K_STAGE) {
		if (!stage_parse(arg, &k->stage)) {
			cli_usage_error(k->c, "unknown stage \"%s\" (use connect, "
			    "helo, mail, rcpt, data, header or eom)", arg);
			return -1;
		}
		return 0;
	}
	if (str_caseeq(arg, "all") || str_caseeq(arg, "both")) {
		k->mta[MTA_POSTFIX] = k->mta[MTA_SENDMAIL] = true;
		return 0;
	}
	{
		enum mta m;

		if (!mta_parse(arg, &m)) {
			cli_usage_error(k->c, "--mta must be postfix, sendmail or "
			    "all, not \"%s\"", arg);
			return -1;
		}
		k->mta[m] = true;
	}
	return 0;
}

/* mta_json - a prediction as JSON */
static json_t *
mta_json(const struct mta_view *v, int rc)
{
	json_t *lines = json_array(), *notes = json_array();
	const char *p = v->reply;
	unsigned i;

	while (rc == 0 && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		json_array_append_new(lines, json_stringn(p, n));
		p += n + (nl != NULL);
	}
	for (i = 0; i < v->nnotes; i++)
		json_array_append_new(notes, json_string(v->note[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b}",
	    "name", mta_name(v->mta), "stage", stage_name(v->stage),
	    "reply", lines, "notes", notes,
	    "setreply_failed", v->setreply_failed,
	    "text_replaced", v->text_replaced,
	    "text_altered", v->text_altered,
	    "milter_disabled", v->milter_disabled,
	    "closes_connection", v->closes,
	    "shown_at_next_command", v->deferred_to_next);
}

/* mta_text - a prediction as text */
static void
mta_text(const struct mta_view *v, int rc)
{
	const char *p = v->reply;
	unsigned i;

	printf("  %s at %s", mta_name(v->mta), stage_name(v->stage));
	if (rc != 0) {
		printf(": nothing can be sent\n");
	} else {
		printf("%s:", v->deferred_to_next ? " (shown at MAIL FROM)" : "");
		if (strchr(p, '\n') == NULL) {
			printf(" %s\n", p);
		} else {
			putchar('\n');
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);

				printf("    %.*s\n", (int)n, p);
				p += n + (nl != NULL);
			}
		}
	}
	for (i = 0; i < v->nnotes; i++)
		printf("    - %s\n", v->note[i]);
}

/* check_one - validate and report one reply */
static void
check_one(struct check *k, const char *s, size_t len)
{
	struct validate_opts vo = { k->stage, false, false, false };
	struct findings fs;
	struct mta_view v;
	json_t *item = NULL, *mtas = NULL;
	unsigned i;
	int m;

	vo.milter = k->mta[MTA_POSTFIX] || k->mta[MTA_SENDMAIL];
	findings_init(&fs);
	reply_check(cli_registry(k->c), s, len, &vo, &k->r, &fs);
	k->nreplies++;
	for (i = 0; i < fs.n; i++)
		k->count[cli_effective(k->c, fs.v[i].sev)]++;

	if (k->items != NULL) {
		char xc[XCODE_STRLEN];

		item = json_pack("{s:o, s:s?, s:b, s:i, s:s?, s:i, s:o}",
		    "input", cli_json_string(s, len),
		    "stage", k->stage == STAGE_NONE ? NULL : stage_name(k->stage),
		    "valid", findings_count(&fs, SEV_ERROR) == 0 &&
		    !(k->c->strict && findings_count(&fs, SEV_WARNING) > 0),
		    "code", (int)k->r.code,
		    "xcode", k->r.has_xcode ? xcode_format(&k->r.x, xc,
		    sizeof xc) : NULL,
		    "lines", (int)k->r.total_lines,
		    "findings", cli_json_findings(k->c, &fs));
		mtas = json_array();
	} else {
		const char *p = s;

		/* Show the reply itself, one physical line at a time. */
		while (p < s + len) {
			const char *nl = memchr(p, '\n', (size_t)(s + len - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(s + len - p);

			printf("%s%.*s", p == s ? "" : "\n", (int)n, p);
			p += n + 1;
		}
		printf("%s\n", fs.n == 0 ? ": ok" : "");
		cli_print_findings(k->c, &fs, stdout, "  ");
	}
	for (m = 0; m < 2; m++) {
		int rc;

		if (!k->mta[m])
			continue;
		rc = mta_predict((enum mta)m, s, len, k->stage, &v);
		if (mtas != NULL)
			json_array_append_new(mtas, mta_json(&v, rc));
		else
			mta_text(&v, rc);
	}
	if (item != NULL) {
		if (json_array_size(mtas) > 0)
			json_object_set_new(item, "mta", mtas);
		else
			json_decref(mtas);
		json_array_append_new(k->items, item);
	}
}

/* check_stream - group "NNN-" continuation lines into replies */
static int
check_stream(struct check *k, FILE *fp)
{
	char *line = NULL, *acc = NULL;
	size_t cap = 0, acclen = 0, acccap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, fp)) > 0) {
		size_t len = (size_t)n;
		bool cont;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0 || str_is_blank(line))
			continue;
		cont = len >= 4 && line[3] == '-' && line[0] >= '0' &&
		    line[0] <= '9' && line[1] >= '0' && line[1] <= '9' &&
		    line[2] >= '0' && line[2] <= '9';
		if (acclen + len + 2 > acccap) {
			size_t ncap = (acclen + len + 2) * 2;
			char *nb = realloc(acc, ncap);

			if (nb == NULL) {
				cli_error(k->c, "out of memory");
				free(line);
				free(acc);
				return EXIT_USAGE;
			}
			acc = nb;
			acccap = ncap;
		}
		if (acclen > 0)
			acc[acclen++] = '\n';
		memcpy(acc + acclen, line, len);
		acclen += len;
		if (!cont) {
			check_one(k, acc, acclen);
			acclen = 0;
		}
	}
	if (acclen > 0)		/* a continued reply cut short by EOF */
		check_one(k, acc, acclen);
	free(line);
	free(acc);
	if (ferror(fp)) {
		cli_error(k->c, "error reading standard input");
		return EXIT_USAGE;
	}
	return 0;
}

/* cmd_check - entry point */
int
cmd_check(struct cli *c, int argc, char **argv)
{
	struct check *k = calloc(1, sizeof *k);
	int n, i, rc = 0;

	if (k == NULL)
		return EXIT_USAGE;
	k->c = c;
	if ((n = cli_parse(c, argc, argv, opts, on_opt, k, usage)) < 0) {
		free(k);
		return n == -2 ? 0 : EXIT_USAGE;
	}
	if (n == 0) {
		free(k);
		return cli_usage_error(c, "give a reply to check, or - to read "
		    "replies from standard input");
	}
	if (cli_registry(c) == NULL) {
		free(k);
		return EXIT_USAGE;
	}
	if (c->format == FMT_JSON)
		k->items = json_array();
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(argv[i], "-") == 0)
			rc = check_stream(k, stdin);
		else
			check_one(k, argv[i], strlen(argv[i]));
	}
	if (rc == 0 && k->count[SEV_ERROR] > 0)
		rc = EXIT_FINDINGS;
	if (k->items != NULL) {
		cli_json_print(json_pack("{s:o, s:i, s:i, s:i, s:i}",
		    "replies", k->items, "count", (int)k->nreplies,
		    "errors", (int)k->count[SEV_ERROR],
		    "warnings", (int)k->count[SEV_WARNING],
		    "notes", (int)k->count[SEV_NOTE]));
	} else if (k->nreplies > 1) {
		printf("%u replies: %u errors, %u warnings, %u notes\n",
		    k->nreplies, k->count[SEV_ERROR], k->count[SEV_WARNING],
		    k->count[SEV_NOTE]);
	}
	free(k);
	return rc;
}

/*
 * test_validate.c - every finding id of SPEC section 2, each with a case
 * that raises it and a near miss that does not.
 */
#include "config.h"

#include "reply.h"
#include "tap.h"

#define NONE	STAGE_NONE

static const struct {
	const char	*in;
	enum stage	 stage;
	bool		 milter, own, allow;
	const char	*id;		/* the finding under test */
	bool		 raised;	/* must it be present? */
	const char	*sev;		/* expected severity when raised, or NULL */
	const char	*suggestion;	/* expected suggestion, or NULL */
} cases[] = {
	{ "5500 5.7.1 x", NONE, 0, 0, 0, "reply-syntax", 1, "error", NULL },
	{ "550 5.7.1 x", NONE, 0, 0, 0, "reply-syntax", 0, NULL, NULL },

	{ "550 5.07.1 x", NONE, 0, 0, 0, "xcode-syntax", 1, "error", "550 5.7.1" },
	{ "550 5.7.1000 x", NONE, 0, 0, 0, "xcode-syntax", 1, "error", NULL },
	{ "550 5.7.1 x", NONE, 0, 0, 0, "xcode-syntax", 0, NULL, NULL },

	{ "550 Go away", NONE, 0, 0, 0, "xcode-missing", 1, "warning", "550 5.0.0" },
	{ "550 5.7.1 Go away", NONE, 0, 0, 0, "xcode-missing", 0, NULL, NULL },
	{ "354 Start mail input", NONE, 0, 0, 0, "xcode-missing", 0, NULL, NULL },

	{ "550 4.7.1 x", NONE, 0, 0, 0, "class-mismatch", 1, "error",
	  "451 4.7.1 or 550 5.7.1" },
	{ "450 5.2.2 full", NONE, 0, 0, 0, "class-mismatch", 1, "error",
	  "552 5.2.2 or 450 4.2.2" },
	{ "450 4.7.1 x", NONE, 0, 0, 0, "class-mismatch", 0, NULL, NULL },

	{ "250 2.0.0 ok", NONE, 1, 0, 0, "not-failure", 1, "error", NULL },
	{ "250 2.0.0 ok", NONE, 0, 0, 0, "not-failure", 0, NULL, NULL },
	{ "450 4.7.1 later", NONE, 1, 0, 0, "not-failure", 0, NULL, NULL },

	{ "550 5.9.1 x", NONE, 0, 0, 0, "unknown-subject", 1, "error", NULL },
	{ "550 5.7.1 x", NONE, 0, 0, 0, "unknown-subject", 0, NULL, NULL },

	{ "550 5.7.99 x", NONE, 0, 0, 0, "unregistered", 1, "warning", "550 5.7.0" },
	{ "550 5.7.99 x", NONE, 1, 1, 0, "unregistered", 1, "error", NULL },
	{ "550 5.7.99 x", NONE, 1, 1, 1, "unregistered", 1, "warning", NULL },
	{ "550 5.7.30 x", NONE, 1, 1, 0, "unregistered", 0, NULL, NULL },
	{ "550 5.9.1 x", NONE, 0, 0, 0, "unregistered", 0, NULL, NULL },

	{ "550 5.6.10 x", NONE, 0, 0, 0, "deprecated", 1, "warning", "550 5.6.8" },
	{ "550 5.6.8 x", NONE, 0, 0, 0, "deprecated", 0, NULL, NULL },

	{ "554 5.7.23 x", NONE, 0, 0, 0, "basic-not-associated", 1, "note", "550 5.7.23" },
	{ "550 5.2.2 full", NONE, 0, 0, 0, "basic-not-associated", 1, "note", "552 5.2.2" },
	{ "452 4.2.2 full", NONE, 0, 0, 0, "basic-not-associated", 0, NULL, NULL },
	{ "552 5.2.2 full", NONE, 0, 0, 0, "basic-not-associated", 0, NULL, NULL },
	{ "550 5.1.2 x", NONE, 0, 0, 0, "basic-not-associated", 0, NULL, NULL },

	{ "550 5.1.1 x", STAGE_MAIL, 0, 0, 0, "stage-subject", 1, "warning", NULL },
	{ "550 5.1.1 x", STAGE_RCPT, 0, 0, 0, "stage-subject", 0, NULL, NULL },
	{ "550 5.1.1 x", NONE, 0, 0, 0, "stage-subject", 0, NULL, NULL },
	{ "556 5.1.10 x", STAGE_EOM, 0, 0, 0, "stage-subject", 1, "warning", NULL },
	{ "556 5.1.10 x", STAGE_RCPT, 0, 0, 0, "stage-subject", 0, NULL, NULL },
	{ "553 5.1.7 x", STAGE_RCPT, 0, 0, 0, "stage-subject", 1, "warning", NULL },
	{ "553 5.1.7 x", STAGE_MAIL, 0, 0, 0, "stage-subject", 0, NULL, NULL },
	{ "550 5.7.1 x", STAGE_CONNECT, 0, 0, 0, "stage-subject", 1, "warning", NULL },
	{ "550 5.7.1 x", STAGE_HELO, 0, 0, 0, "stage-subject", 0, NULL, NULL },
	{ "550 5.1.9 x", STAGE_EOM, 0, 0, 0, "stage-subject", 0, NULL, NULL },

	{ "550 5.7.1 a\rb", NONE, 0, 0, 0, "text-crlf", 1, "error", NULL },
	{ "550 5.7.1 ab", NONE, 0, 0, 0, "text-crlf", 0, NULL, NULL },

	{ "550 5.7.1 a\001b", NONE, 0, 0, 0, "text-control", 1, "error", NULL },
	{ "550 5.7.1 a\177b", NONE, 0, 0, 0, "text-control", 1, "error", NULL },
	{ "550 5.7.1 a\tb", NONE, 0, 0, 0, "text-control", 0, NULL, NULL },

	{ "550 5.7.1 100% sure", NONE, 0, 0, 0, "text-percent", 1, "warning", NULL },
	{ "550 5.7.1 100%", NONE, 0, 0, 0, "text-percent", 1, "warning", NULL },
	{ "550 5.7.1 %%%", NONE, 0, 0, 0, "text-percent", 1, "warning", NULL },
	{ "550 5.7.1 100%% sure", NONE, 0, 0, 0, "text-percent", 0, NULL, NULL },

	{ "550-5.7.1 a\n551 5.7.1 b", NONE, 0, 0, 0, "multiline-mismatch", 1, "error", NULL },
	{ "550-5.7.1 a\n550 5.7.1 b", NONE, 0, 0, 0, "multiline-mismatch", 0, NULL, NULL },

	{ "550 5.7.1 SPF check failed", NONE, 0, 0, 0, "generic-code", 1, "note",
	  "550 5.7.23" },
	{ "451 4.7.1 SPF temperror", NONE, 0, 0, 0, "generic-code", 1, "note",
	  "451 4.7.24" },
	{ "550 5.7.1 Rejected per DMARC policy", NONE, 0, 0, 0, "generic-code", 1,
	  "note", "550 5.7.26" },
	{ "550 5.7.0 no DKIM signature", NONE, 0, 0, 0, "generic-code", 1, "note",
	  "550 5.7.20" },
	{ "550 5.7.1 no reverse DNS", NONE, 0, 0, 0, "generic-code", 1, "note",
	  "550 5.7.25" },
	{ "550 5.7.1 domain has a null MX", STAGE_RCPT, 0, 0, 0, "generic-code", 1,
	  "note", "556 5.1.10" },
	{ "550 5.7.1 sender domain has a null MX", STAGE_MAIL, 0, 0, 0,
	  "generic-code", 1, "note", "550 5.7.27" },
	{ "550 5.7.1 ARC validation failed", NONE, 0, 0, 0, "generic-code", 1,
	  "note", "550 5.7.29" },
	{ "550 5.7.1 REQUIRETLS needed", NONE, 0, 0, 0, "generic-code", 1, "note",
	  "550 5.7.30" },
	{ "550 5.7.23 SPF check failed", NONE, 0, 0, 0, "generic-code", 0, NULL, NULL },
	{ "550 5.7.1 Relay access denied", NONE, 0, 0, 0, "generic-code", 0, NULL, NULL },
	{ "550 5.7.1 research archive", NONE, 0, 0, 0, "generic-code", 0, NULL, NULL },
};

static const struct finding *
find(const struct findings *fs, enum finding_id id)
{
	for (unsigned i = 0; i < fs->n; i++)
		if (fs->v[i].id == id)
			return &fs->v[i];
	return NULL;
}

static struct registry *reg;

static void
run(const char *in, size_t len, enum stage st, bool milter, bool own,
    bool allow, struct findings *fs, struct reply *r)
{
	struct validate_opts o = { st, milter, own, allow };
	struct esc_err err;

	if (reg == NULL)
		reg = registry_new_builtin(&err);
	findings_init(fs);
	reply_check(reg, in, len, &o, r, fs);
}

int
main(void)
{
	static struct reply r;
	struct findings fs;
	bool seen[FID_REPLY_COUNT][2] = {{0}};
	size_t i;
	unsigned k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum finding_id id;
		const struct finding *f;

		ok(finding_from_name(cases[i].id, &id), "id %s exists", cases[i].id);
		run(cases[i].in, strlen(cases[i].in), cases[i].stage,
		    cases[i].milter, cases[i].own, cases[i].allow, &fs, &r);
		f = find(&fs, id);
		ok((f != NULL) == cases[i].raised, "\"%s\": %s %s", cases[i].in,
		    cases[i].id, cases[i].raised ? "raised" : "not raised");
		seen[id][cases[i].raised] = true;
		if (f == NULL || !cases[i].raised)
			continue;
		if (cases[i].sev != NULL)
			is_str(severity_name(f->sev), cases[i].sev,
			    "\"%s\": severity", cases[i].in);
		if (cases[i].suggestion != NULL)
			is_str(f->suggestion, cases[i].suggestion,
			    "\"%s\": suggestion", cases[i].in);
		ok(strlen(f->msg) > 20, "\"%s\": message says something", cases[i].in);
	}

	/* NUL is a control character (length given explicitly). */
	run("550 5.7.1 a\0b", 13, NONE, 0, 0, 0, &fs, &r);
	ok(find(&fs, FID_TEXT_CONTROL) != NULL, "NUL: text-control");

	/* text-too-long: 510 octets + CRLF = 512 is the limit. */
	{
		char line[600];

		memset(line, 'x', sizeof line);
		memcpy(line, "550 5.7.1 ", 10);
		run(line, 510, NONE, 0, 0, 0, &fs, &r);
		ok(find(&fs, FID_TEXT_TOO_LONG) == NULL, "510 octets: fine");
		seen[FID_TEXT_TOO_LONG][0] = true;
		run(line, 511, NONE, 0, 0, 0, &fs, &r);
		ok(find(&fs, FID_TEXT_TOO_LONG) != NULL, "511 octets: text-too-long");
		seen[FID_TEXT_TOO_LONG][1] = true;
	}
	/* too-many-lines: 33 lines raise it, 32 do not. */
	{
		char big[40 * 16] = "";

		for (int n = 0; n < 32; n++)
			strcat(big, "550-5.7.1 line\n");
		strcat(big, "550 5.7.1 end");
		run(big, strlen(big), NONE, 0, 0, 0, &fs, &r);
		ok(find(&fs, FID_TOO_MANY_LINES) != NULL, "33 lines: too-many-lines");
		seen[FID_TOO_MANY_LINES][1] = true;
		run(big + 15, strlen(big + 15), NONE, 0, 0, 0, &fs, &r);
		ok(find(&fs, FID_TOO_MANY_LINES) == NULL, "32 lines: fine");
		seen[FID_TOO_MANY_LINES][0] = true;
	}
	/* A clean reply has no findings at all. */
	run("550 5.7.23 SPF validation failed", 32, STAGE_MAIL, 1, 1, 0, &fs, &r);
	is_int(fs.n, 0, "a clean reply has no findings");

	for (k = 0; k < FID_REPLY_COUNT; k++)
		ok(seen[k][0] && seen[k][1], "%s tested both ways",
		    finding_name((enum finding_id)k));
	registry_free(reg);
	return done_testing();
}

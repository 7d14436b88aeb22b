/*
 * fuzz_config.c - the configuration parser (esc-milter.conf through
 * conf_load, as the daemon and `esc lint` read it) and the readers of
 * Postfix main.cf/master.cf (pfconf: parameters, services, expansion),
 * lookup tables, the guess of a table's kind, and Sendmail access files.
 * Inputs with "include" are skipped: an include may name any file on the
 * machine (/dev/zero), which is the operator's choice, not an attack.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "lint.h"
#include "pfconf.h"

static struct registry *reg;
static char path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	reg = fuzz_registry();
	snprintf(path, sizeof path, "/tmp/esc-fuzz-conf.%ld", (long)getpid());
	return 0;
}

/* postfix_config - the input as main.cf and as master.cf, every
   parameter expanded in every context */
static void
postfix_config(const char *s, size_t size)
{
	struct pfconf pf;
	unsigned i, k;

	pfconf_init(&pf);
	if (pfconf_read_main(&pf, "main.cf", s, size) == 0 &&
	    pfconf_read_master(&pf, "master.cf", s, size) == 0) {
		/* main.cf's context and the first services' (bounded: the
		   cost is parameters x contexts) */
		for (i = 0; i < pf.nparam && i < 256; i++)
			for (k = 0; k <= pf.nsvc && k < 4; k++) {
				char *e = pfconf_expand(&pf, k > 0 ?
				    &pf.svc[k - 1] : NULL, pf.param[i].value);

				FUZZ_CHECK(e != NULL);
				free(e);
			}
	}
	pfconf_free(&pf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	struct lint_ctx lc;
	struct config *cfg;
	struct lint_guess guess;
	const char *s = (const char *)data;
	FILE *fp;
	int k;

	diag_list_init(&diags);
	memset(&lc, 0, sizeof lc);
	lc.reg = reg;
	lc.diags = &diags;
	lc.file = "fuzz";
	lc.stage = (enum stage)(size % STAGE_COUNT);
	lc.reject_code = size % 3 == 0 ? 550 : 0;
	lc.used_as = size % 2 ? "check_client_access in fuzz, main.cf:1" : NULL;
	lint_postfix_main(&lc, s, size, false);
	lint_postfix_main(&lc, s, size, true);
	for (k = TK_ACCESS; k <= TK_REPLY_FILTER; k++)
		lint_postfix_table(&lc, s, size, (enum table_kind)k);
	lint_sendmail_access(&lc, s, size);
	(void)lint_detect(s, size, "fuzz");
	lint_guess_table(s, size, "fuzz_access", &guess);
	FUZZ_CHECK(guess.kind <= TK_REPLY_FILTER);
	{
		/* Tables it names are looked up under a root that is not
		   there: the fuzzer reads no file of the machine. */
		struct lint_follow fl = { .root = "/nonexistent-esc-fuzz" };

		lint_sendmail_config(&lc, s, size, size % 2 == 0, &fl);
		lint_follow_free(&fl);
	}
	diag_list_free(&diags);
	postfix_config(s, size);

	if (memmem(s, size, "include", 7) != NULL)
		return 0;
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	diag_list_init(&diags);
	cfg = conf_load(path, &diags);
	if (cfg != NULL) {
		/* Loaded: no error-level diagnostic. */
		size_t i;

		for (i = 0; i < diags.n; i++)
			FUZZ_CHECK(diags.v[i].sev != SEV_ERROR);
		conf_free(cfg);
	} else {
		size_t i, errors = 0;

		for (i = 0; i < diags.n; i++)
			errors += diags.v[i].sev == SEV_ERROR;
		FUZZ_CHECK(errors > 0);
	}
	diag_list_free(&diags);
	unlink(path);
	return 0;
}

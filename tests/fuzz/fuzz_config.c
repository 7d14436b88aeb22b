/*
 * fuzz_config.c - the configuration parser (esc-milter.conf through
 * conf_load, as the daemon and `esc lint` read it) and the readers of
 * Postfix main.cf/master.cf, lookup tables and Sendmail access files.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	struct lint_ctx lc;
	struct config *cfg;
	const char *s = (const char *)data;
	FILE *fp;
	int k;

	diag_list_init(&diags);
	lc.reg = reg;
	lc.diags = &diags;
	lc.file = "fuzz";
	lc.stage = (enum stage)(size % STAGE_COUNT);
	lc.sendmail = false;
	lint_postfix_main(&lc, s, size, false);
	lint_postfix_main(&lc, s, size, true);
	for (k = TK_ACCESS; k <= TK_RBL_REPLY; k++)
		lint_postfix_table(&lc, s, size, (enum table_kind)k);
	lint_sendmail_access(&lc, s, size);
	(void)lint_detect(s, size, "fuzz");
	(void)lint_table_kind(s, size, "fuzz");
	diag_list_free(&diags);

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

/*
 * fuzz_csv.c - the loader for IANA's CSV export of the registry.
 * Invariant: a registry that loads answers lookups for every entry it
 * lists, and every entry's code is a valid X.subject.detail.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "registry.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags;
	struct esc_err err;
	struct registry *reg;
	const struct reg_entry *const *v;
	size_t n, i;

	diag_list_init(&diags);
	err_clear(&err);
	reg = registry_parse_csv((const char *)data, size, "fuzz.csv", &diags, &err);
	if (reg != NULL) {
		v = registry_entries(reg, &n);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(v[i]->subject <= 999 && v[i]->detail <= 999);
			FUZZ_CHECK(registry_lookup(reg, v[i]->subject,
			    v[i]->detail) == v[i]);
			FUZZ_CHECK(v[i]->sample != NULL && v[i]->reference != NULL);
		}
		(void)registry_lookup(reg, 999, 999);
		registry_free(reg);
	}
	diag_list_free(&diags);
	return 0;
}

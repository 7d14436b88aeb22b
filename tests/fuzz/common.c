/*
 * common.c - helpers shared by the fuzz targets (see fuzz.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "registry.h"

struct registry *
fuzz_registry(void)
{
	static struct registry *reg;
	struct esc_err err;

	if (reg == NULL && (reg = registry_new_builtin(&err)) == NULL)
		abort();
	return reg;
}

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void
fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

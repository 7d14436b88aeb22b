/*
 * fuzz.h - the libFuzzer entry point every target defines.  Built two ways:
 * with clang -fsanitize=fuzzer (configure --enable-fuzzing) to fuzz, and
 * with standalone.c as a plain program that `make check` runs over the
 * seeds and the regression inputs (tests/fuzz/t-fuzz-regress.sh).
 */
#ifndef ESC_FUZZ_H
#define ESC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* called once before the first input, by libFuzzer and by standalone.c */
int	LLVMFuzzerInitialize(int *argc, char ***argv);

struct registry;

/* fuzz_registry - the built-in registry, built once (abort() on failure);
   never freed */
struct registry *fuzz_registry(void);

/* fuzz_cstr - a NUL-terminated copy of (data, size); caller frees */
char	*fuzz_cstr(const uint8_t *data, size_t size);

/* FUZZ_CHECK - an invariant the code promises; abort() shows the input */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fuzz_fail(#cond, __FILE__, __LINE__);			\
	}								\
} while (0)

void	fuzz_fail(const char *what, const char *file, int line)
	    __attribute__((__noreturn__));

#endif

/*
 * fnv.h - FNV-1a, the hash of every table of the project (the milter's
 * seen and header sets, the report's and suppress's counts, the hash map
 * of esc trace): a byte at a time, 32 or 64 bits.  Header only.
 */
#ifndef ESC_FNV_H
#define ESC_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV32_BASIS	2166136261u
#define FNV64_BASIS	0xcbf29ce484222325ULL

/* fnv32_add, fnv64_add - h with one more byte */
static inline uint32_t
fnv32_add(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static inline uint64_t
fnv64_add(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

/* fnv1a32, fnv1a64 - the hash of (p, n) */
static inline uint32_t
fnv1a32(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = FNV32_BASIS;

	while (n-- > 0)
		h = fnv32_add(h, *s++);
	return h;
}

static inline uint64_t
fnv1a64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = FNV64_BASIS;

	while (n-- > 0)
		h = fnv64_add(h, *s++);
	return h;
}

#endif

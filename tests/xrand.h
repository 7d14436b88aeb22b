/*
 * xrand.h - a small deterministic generator (xorshift64) for tests and
 * benchmarks: the same seed gives the same input on every machine.
 * The caller owns the state (any non-zero start value).
 */
#ifndef ESC_XRAND_H
#define ESC_XRAND_H

/* xrand - the next number in [0, n) */
static inline unsigned
xrand(unsigned long long *state, unsigned n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (unsigned)(*state % n);
}

#endif

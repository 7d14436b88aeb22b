/*
 * bench_registry.c - how fast are registry lookups and reply checks?
 *
 *	bench_registry [PATH-TO-esc] [LINES]
 *
 * Prints three figures (nothing is asserted):
 *   1. registry lookups per second (hits and misses, constant-time index);
 *   2. replies per second through reply_check() in process;
 *   3. replies per second through `esc check -` on a generated file of
 *      LINES reply lines (default 1,000,000), output to /dev/null.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reply.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const samples[] = {
	"550 5.7.23 SPF validation failed",
	"550 4.7.1 class mismatch",
	"450 4.2.2 Mailbox full",
	"550 5.7.99 unregistered detail",
	"554 5.7.1 Rejected: SPF fail",
	"550-5.7.1 first line\n550 5.7.1 second line",
	"550 5.1.1 <user@example.org>: Recipient address rejected",
	"421 4.7.0 Too many connections, 100% busy",
	"550 5.07.1 leading zero",
	"556 5.1.10 Recipient address has null MX",
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

int
main(int argc, char **argv)
{
	const char *esc = argc > 1 ? argv[1] : "./src/cli/esc";
	long lines = argc > 2 ? atol(argv[2]) : 1000000;
	struct esc_err err;
	struct registry *reg = registry_new_builtin(&err);
	struct validate_opts vo = { STAGE_NONE, true, false, false };
	static struct reply r;
	struct findings fs;
	volatile unsigned hits = 0;
	unsigned long n, replies, iters = 50000000UL;
	double t0, t;
	char path[] = "/tmp/esc-bench-XXXXXX";
	FILE *fp;
	int fd, status;
	pid_t pid;

	if (reg == NULL) {
		fprintf(stderr, "bench: %s\n", err.text);
		return 1;
	}

	/* 1. Lookups: subjects 0-9, details 0-40, so about a quarter miss. */
	t0 = now();
	for (n = 0; n < iters; n++)
		if (registry_lookup(reg, (unsigned)(n % 10),
		    (unsigned)((n * 7) % 41)) != NULL)
			hits++;
	t = now() - t0;
	printf("registry lookups:        %12.0f per second (%lu lookups, %u hits, %.2f ns each)\n",
	    (double)iters / t, iters, hits, t / (double)iters * 1e9);

	/* 2. reply_check() in process. */
	iters = 2000000UL;
	t0 = now();
	for (n = 0; n < iters; n++) {
		const char *s = samples[n % NSAMPLES];

		findings_init(&fs);
		reply_check(reg, s, strlen(s), &vo, &r, &fs);
	}
	t = now() - t0;
	printf("reply_check in process:  %12.0f replies per second (%.0f ns each)\n",
	    (double)iters / t, t / (double)iters * 1e9);

	/* 3. `esc check -` on generated input. */
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		perror("bench: temporary file");
		return 1;
	}
	{
		long written = 0;

		for (n = 0, replies = 0; written < lines; n++, replies++) {
			const char *s = samples[n % NSAMPLES];

			fprintf(fp, "%s\n", s);
			written += 1 + (strchr(s, '\n') != NULL);
		}
	}
	fclose(fp);
	t0 = now();
	if ((pid = fork()) == 0) {
		int in = open(path, O_RDONLY), out = open("/dev/null", O_WRONLY);

		dup2(in, 0);
		dup2(out, 1);
		execl(esc, esc, "check", "-", (char *)NULL);
		perror(esc);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	t = now() - t0;
	unlink(path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		fprintf(stderr, "bench: %s check failed (status %d)\n", esc, status);
		return 1;
	}
	printf("esc check - (%ld lines, %lu replies): %.0f replies per second (%.2f s)\n",
	    lines, replies, (double)replies / t, t);
	registry_free(reg);
	return 0;
}

/*
 * null-milter.c - the floor any milter pays: a libmilter filter that asks
 * for every protocol step (connect, helo, mail, rcpt, data, headers, end
 * of headers, body, end of message) and answers "continue" to each, with
 * no state and no work.  The benchmarks compare esc-milter with it.
 *
 *	null-milter inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

static sfsistat
cont_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx; (void)host; (void)sa;
	return SMFIS_CONTINUE;
}

static sfsistat
cont_str(SMFICTX *ctx, char *s)
{
	(void)ctx; (void)s;
	return SMFIS_CONTINUE;
}

static sfsistat
cont_argv(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat
cont_header(SMFICTX *ctx, char *n, char *v)
{
	(void)ctx; (void)n; (void)v;
	return SMFIS_CONTINUE;
}

static sfsistat
cont_ctx(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat
cont_body(SMFICTX *ctx, unsigned char *b, size_t n)
{
	(void)ctx; (void)b; (void)n;
	return SMFIS_CONTINUE;
}

static char name[] = "null-milter";

static struct smfiDesc desc = {
	.xxfi_name = name,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = 0,
	.xxfi_connect = cont_connect,
	.xxfi_helo = cont_str,
	.xxfi_envfrom = cont_argv,
	.xxfi_envrcpt = cont_argv,
	.xxfi_header = cont_header,
	.xxfi_eoh = cont_ctx,
	.xxfi_body = cont_body,
	.xxfi_eom = cont_ctx,
	.xxfi_abort = cont_ctx,
	.xxfi_close = cont_ctx,
	.xxfi_data = cont_ctx,
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: null-milter SOCKET\n");
		return 2;
	}
	if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_register(desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}

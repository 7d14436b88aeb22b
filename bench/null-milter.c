/*
 * null-milter.c - the floor any milter pays: a libmilter filter that does
 * no work and answers "continue".  The benchmarks compare esc-milter with
 * it, in three shapes (-m):
 *
 *	full      every protocol step (connect, helo, mail, rcpt, data,
 *	          headers, end of headers, body, end of message), a reply to
 *	          each: "the null milter" (default)
 *	envelope  only MAIL and RCPT (and the end of message, which an MTA
 *	          always sends), with replies: the leanest useful milter
 *	headers   MAIL and RCPT, the headers without replies, the end of
 *	          headers and of the message with replies, no body: a lean
 *	          milter with header rules
 *	envelope-data, headers-data
 *	          the same, with DATA sent and answered: through Postfix,
 *	          a skipped DATA costs 40 ms a message (docs/milter-protocol.md)
 *	0xFLAGS   any SMFIP_* set, for experiments
 *
 *	null-milter [-m MODE] inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <libmilter/mfapi.h>

static unsigned long skip;	/* SMFIP_* flags of the shape */

/* answer - "continue", or nothing where the shape asked for no reply */
static sfsistat
answer(unsigned long nr)
{
	return (skip & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat
cont_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx; (void)host; (void)sa;
	return answer(SMFIP_NR_CONN);
}

static sfsistat
cont_helo(SMFICTX *ctx, char *s)
{
	(void)ctx; (void)s;
	return answer(SMFIP_NR_HELO);
}

static sfsistat
cont_mail(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return answer(SMFIP_NR_MAIL);
}

static sfsistat
cont_rcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return answer(SMFIP_NR_RCPT);
}

static sfsistat
cont_data(SMFICTX *ctx)
{
	(void)ctx;
	return answer(SMFIP_NR_DATA);
}

static sfsistat
cont_header(SMFICTX *ctx, char *n, char *v)
{
	(void)ctx; (void)n; (void)v;
	return answer(SMFIP_NR_HDR);
}

static sfsistat
cont_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return answer(SMFIP_NR_EOH);
}

static sfsistat
cont_body(SMFICTX *ctx, unsigned char *b, size_t n)
{
	(void)ctx; (void)b; (void)n;
	return answer(SMFIP_NR_BODY);
}

static sfsistat
cont_ctx(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat
negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1,
    unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx; (void)f0; (void)f2; (void)f3;
	*pf0 = 0;
	*pf1 = f1 & skip;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static char name[] = "null-milter";

static struct smfiDesc desc = {
	.xxfi_name = name,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = 0,
	.xxfi_connect = cont_connect,
	.xxfi_helo = cont_helo,
	.xxfi_envfrom = cont_mail,
	.xxfi_envrcpt = cont_rcpt,
	.xxfi_header = cont_header,
	.xxfi_eoh = cont_eoh,
	.xxfi_body = cont_body,
	.xxfi_eom = cont_ctx,
	.xxfi_abort = cont_ctx,
	.xxfi_close = cont_ctx,
	.xxfi_data = cont_data,
	.xxfi_negotiate = negotiate,
};

#define LEAN_ENVELOPE	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOHDRS | \
			 SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN)
#define LEAN_HEADERS	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NR_HDR | \
			 SMFIP_NOBODY | SMFIP_NOUNKNOWN)

static const struct {
	const char	*name;
	unsigned long	 skip;
} modes[] = {
	{ "full", 0 },
	{ "envelope", LEAN_ENVELOPE | SMFIP_NODATA },
	{ "headers", LEAN_HEADERS | SMFIP_NODATA },
	{ "envelope-data", LEAN_ENVELOPE },
	{ "headers-data", LEAN_HEADERS },
};

int
main(int argc, char **argv)
{
	const char *mode = "full";
	char *end;
	size_t i;
	int ch;

	while ((ch = getopt(argc, argv, "m:")) != -1) {
		if (ch != 'm')
			goto usage;
		mode = optarg;
	}
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(mode, modes[i].name) == 0)
			break;
	if (i < sizeof modes / sizeof modes[0])
		skip = modes[i].skip;
	else if (strncmp(mode, "0x", 2) == 0 &&
	    (skip = strtoul(mode, &end, 16), *end == '\0'))
		;
	else
		goto usage;
	if (optind + 1 != argc)
		goto usage;
	if (smfi_setconn(argv[optind]) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot listen on %s\n", argv[optind]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
usage:
	fprintf(stderr, "usage: null-milter [-m full|envelope|headers|"
	    "envelope-data|headers-data|0xFLAGS] SOCKET\n");
	return 2;
}

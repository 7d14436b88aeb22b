/*
 * fuzz_milter.c - the daemon's handling of milter protocol input: the
 * callbacks of esc-milter (rules of every kind, monitor mode, DSN
 * annotation, MTA-rejected recipients) driven by arbitrary sequences of
 * protocol events through fake_milter.c.  Every reply and header the
 * callbacks hand to "libmilter" is checked there.
 *
 * Input: records of [op][len][len bytes]; op picks the callback (connect,
 * helo, mail, rcpt, header, eoh, body, eom, abort, a macro, close).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callbacks.h"
#include "fake_milter.h"
#include "fuzz.h"
#include "log.h"
#include "runtime.h"

static const char conf_text[] =
    "socket = inet:1@127.0.0.1\n"
    "log = file:/dev/null\n"
    "stats_interval = 0\n"
    "annotate_dsn = yes\n"
    "header_prefix = X-F-\n"
    "body_scan_limit = 64K\n"
    "header_scan_limit = 4K\n"
    "rule conn\n    if = client-ip in 10.0.0.0/8\n"
    "    reply = 554 5.7.1 No ${client_ip} ${client_name}\n"
    "rule helo\n    if = helo ~ /^bad/\n    reply = 550 5.7.1 Bad HELO ${helo}\n"
    "rule sender\n    if = sender-domain = spam.test\n"
    "    reply = 550 5.7.1 Sender ${sender} refused 100%\n"
    "rule trusted\n    if = sender-domain = ok.test\n    action = accept\n"
    "rule rcpt\n    if = recipient ~ /^x/i\n    reply = 450 4.2.1 Box ${recipient} busy\n"
    "rule multi\n    if = recipient-domain = multi.test\n"
    "    reply = 550 5.1.1 first ${recipient}\\nsecond ${sender}\\nthird ${queue_id}\n"
    "rule many\n    if = recipients > 3\n    reply = 452 4.5.3 Too many\n"
    "rule watch\n    if = header Subject ~ /watch/\n"
    "    reply = 550 5.7.1 would refuse ${helo}\n    mode = monitor\n"
    "rule spf\n    if = header Received-SPF ~ /^\\s*fail/i\n"
    "    reply = 550 5.7.23 SPF failed for ${sender_domain}\n"
    "rule body\n    if = body ~ /(a+)+b/\n    reply = 554 5.7.1 Spam ${rule}\n"
    "rule big\n    if = size > 1K\n    reply = 552 5.3.4\n"
    "rule drop\n    if = sender = drop@x.test\n    action = discard\n"
    "rule auth\n    if = authenticated\n    if = recipient = y@z\n"
    "    reply = 550 5.7.1 no\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char path[64];
	struct diag_list diags;
	struct config *cfg;
	FILE *fp;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof path, "/tmp/esc-fuzz-milter.%ld.conf", (long)getpid());
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(conf_text, fp);
	fclose(fp);
	json_object_seed(1);
	log_init("esc-milter-fuzz", true);
	diag_list_init(&diags);
	if ((cfg = conf_load(path, &diags)) == NULL) {
		diag_print(&diags, stderr);
		abort();
	}
	if (rt_start(path, cfg, &diags) < 0)
		abort();
	diag_list_free(&diags);
	unlink(path);
	return 0;
}

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static int
take(struct in *in, size_t want, const uint8_t **out, size_t *got)
{
	*got = want < in->n ? want : in->n;
	*out = in->p;
	in->p += *got;
	in->n -= *got;
	return *got > 0 || want == 0 ? 0 : -1;
}

static char client_name[] = "client.test", size_arg[] = "SIZE=1000",
    empty[] = "";

static const char *const macro_names[] = { "i", "j", "_", "{auth_authen}",
    "{rcpt_mailer}", "{rcpt_host}", "{rcpt_addr}", "{daemon_name}",
    "{mail_addr}", "{client_addr}" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct smfi_str ctx;
	const struct smfiDesc *f = &esc_filter;
	bool open = false;
	unsigned long p0, p1, p2, p3;

	memset(&ctx, 0, sizeof ctx);
	while (in.n >= 2) {
		uint8_t op = in.p[0] % 12, len = in.p[1];
		const uint8_t *d;
		size_t n;
		char *s;
		sfsistat rc = SMFIS_CONTINUE;

		in.p += 2;
		in.n -= 2;
		take(&in, len, &d, &n);
		s = fuzz_cstr(d, n);
		if (!open && op != 0 && op != 10) {
			/* libmilter always starts with negotiation and connect */
			f->xxfi_negotiate(&ctx, 0x1ff, 0x1fffff, 0, 0, &p0, &p1, &p2, &p3);
			rc = f->xxfi_connect(&ctx, client_name, NULL);
			fake_check_return(&ctx, rc);
			open = true;
		}
		switch (op) {
		case 0:
			rc = f->xxfi_negotiate(&ctx, n > 0 ? d[0] : 0x1ff,
			    n > 1 ? (unsigned long)d[1] << 12 | 0x3ff : 0x1fffff,
			    0, 0, &p0, &p1, &p2, &p3);
			FUZZ_CHECK(rc == SMFIS_CONTINUE || rc == SMFIS_ALL_OPTS);
			open = true;
			break;
		case 1: {
			struct sockaddr_in sin;

			memset(&sin, 0, sizeof sin);
			sin.sin_family = AF_INET;
			if (n >= 4)
				memcpy(&sin.sin_addr, d, 4);
			rc = f->xxfi_connect(&ctx, s, n >= 4 ?
			    (struct sockaddr *)&sin : NULL);
			break;
		}
		case 2:
			rc = f->xxfi_helo(&ctx, s);
			break;
		case 3: {
			char *argv[3] = { s, n % 2 ? size_arg : NULL, NULL };

			rc = f->xxfi_envfrom(&ctx, argv);
			break;
		}
		case 4: {
			char *argv[2] = { s, NULL };

			rc = f->xxfi_envrcpt(&ctx, argv);
			break;
		}
		case 5: {
			char *colon = strchr(s, ':');

			if (colon != NULL)
				*colon++ = '\0';
			rc = f->xxfi_header(&ctx, s, colon ? colon : empty);
			break;
		}
		case 6:
			rc = f->xxfi_eoh(&ctx);
			break;
		case 7: {
			/* exactly n bytes, so a read past the chunk is caught */
			unsigned char *chunk = malloc(n ? n : 1);

			if (chunk == NULL)
				abort();
			memcpy(chunk, d, n);
			rc = f->xxfi_body(&ctx, chunk, n);
			free(chunk);
			break;
		}
		case 8:
			rc = f->xxfi_eom(&ctx);
			break;
		case 9:
			rc = f->xxfi_abort(&ctx);
			break;
		case 10:
			fake_macro(&ctx, macro_names[n % (sizeof macro_names /
			    sizeof macro_names[0])], s);
			break;
		case 11:
			f->xxfi_close(&ctx);
			fake_reset(&ctx);
			open = false;
			break;
		}
		fake_check_return(&ctx, rc);
		free(s);
	}
	f->xxfi_close(&ctx);
	fake_reset(&ctx);
	return 0;
}

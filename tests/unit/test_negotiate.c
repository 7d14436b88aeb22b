/*
 * test_negotiate.c - what esc-milter asks the MTA for, from what the
 * configuration needs: a table of configurations and the protocol
 * options negotiated with a Postfix 3.7 at milter_protocol = 6 (it offers
 * everything), and at milter_protocol = 2 (no "no reply" options and no
 * rejected recipients: libmilter then answers "continue" itself).
 */
#include "config.h"

#include <libmilter/mfapi.h>
#include <unistd.h>

#include "conf.h"
#include "footprint.h"
#include "negotiate.h"
#include "tap.h"

#define OFFER6	0x1fffffUL	/* Postfix 3.7, milter_protocol = 6 */
#define OFFER2	0x7fUL		/* milter_protocol = 2 */
/* what libmilter adds to any offer: the options it can fake */
#define FAKE	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | \
		 SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_HDR | SMFIP_NR_EOH | \
		 SMFIP_NR_BODY)

static const struct {
	const char	*name, *conf;
	const char	*v6, *v2;
} t[] = {
	{ "defaults: nothing to decide, rejected recipients observed", "",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a recipient rule: RCPT answers",
	  "rule r\n if = recipient = x@y\n reply = 550 5.1.1 no\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a sender rule: MAIL answers",
	  "rule r\n if = sender ~ /^x/\n reply = 550 5.7.1 no\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a connect reply: answered at HELO and MAIL",
	  "rule r\n if = client-ip in 10.0.0.0/8\n reply = 554 5.7.1 no\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_RCPT "
	  "NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a connect accept: nothing to answer",
	  "rule r\n if = client-ip in 10.0.0.0/8\n action = accept\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a connect discard: applied at MAIL",
	  "rule r\n if = client-ip in 10.0.0.0/8\n action = discard\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a HELO rule in monitor mode: no answer",
	  "rule r\n if = helo = x\n reply = 550 5.7.1 no\n mode = monitor\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "a header rule: headers without replies, decided at the end",
	  "rule r\n if = header Received-SPF ~ /fail/\n reply = 550 5.7.23\n",
	  "NOBODY NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOEOH" },
	{ "a body rule: body without replies, no header values",
	  "rule r\n if = body ~ /x/\n reply = 554 5.7.1 no\n",
	  "NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOHDRS NOEOH" },
	{ "a size rule: headers and body (their bytes count)",
	  "rule r\n if = size > 1M\n reply = 552 5.3.4\n",
	  "NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOEOH" },
	{ "a recipients count: decided at the end, needs nothing more",
	  "rule r\n if = recipients > 50\n reply = 452 4.5.3\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
	{ "annotate_dsn: headers and body",
	  "annotate_dsn = yes\n",
	  "NOEOH NR_HDR NOUNKNOWN RCPT_REJ NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOEOH" },
	{ "not observing the MTA's rejections",
	  "observe_mta_rejects = no\n",
	  "NOBODY NOHDRS NOEOH NR_HDR NOUNKNOWN NR_CONN NR_HELO "
	  "NR_MAIL NR_RCPT NR_EOH NR_BODY",
	  "NOBODY NOHDRS NOEOH" },
};

int
main(void)
{
	char path[] = "/tmp/test_negotiate.XXXXXX", names[512];
	struct diag_list d;
	struct footprint fp;
	struct config *c;
	size_t i;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		skip_all("cannot create a temporary file");
	close(fd);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		FILE *f = fopen(path, "w");

		fputs(t[i].conf, f);
		fclose(f);
		diag_list_init(&d);
		if ((c = conf_load(path, &d)) == NULL) {
			ok(0, "%s: loads", t[i].name);
			diag_list_free(&d);
			continue;
		}
		footprint_of(c, &fp);
		negotiate_names(negotiate_protocol(&fp,
		    c->set.observe_mta_rejects, OFFER6 | FAKE), names, sizeof names);
		is_str(names, t[i].v6, "protocol 6: %s", t[i].name);
		negotiate_names(negotiate_protocol(&fp,
		    c->set.observe_mta_rejects, OFFER2) & OFFER2, names, sizeof names);
		is_str(names, t[i].v2, "protocol 2: %s", t[i].name);
		conf_free(c);
		diag_list_free(&d);
	}
	is_int(negotiate_noreply(STAGE_EOM), 0, "the end of the message always has a reply");
	is_int(negotiate_noreply(STAGE_RCPT), SMFIP_NR_RCPT, "RCPT: NR_RCPT");
	is_str(negotiate_describe(0, names, sizeof names),
	    "CONNECT, HELO, MAIL, RCPT, DATA, headers, end of headers, body, "
	    "end of message, unknown commands", "describe: the full protocol");
	is_str(negotiate_describe(SMFIP_NOHDRS | SMFIP_NOUNKNOWN | SMFIP_NR_CONN |
	    SMFIP_RCPT_REJ | SMFIP_NR_RCPT, names, sizeof names),
	    "CONNECT (no reply), HELO, MAIL, RCPT (and the rejected ones, no "
	    "reply), DATA, end of headers, body, end of message; skipped: "
	    "headers, unknown commands", "describe: skipped steps and no replies");
	is_str(negotiate_describe(0, names, 12), "CONNECT",
	    "describe: a short buffer ends at a whole step");
	unlink(path);
	return done_testing();
}

/*
 * test_maillog.c - Postfix and Sendmail log messages: each kind of
 * rejection, tempfail, discard, hold, bounce and deferral, what the
 * record says (action, source, direction, stage, codes, recipients,
 * client, remote, dsn, text), the look-alikes that are not rejections,
 * damaged lines; the dedupe keys; the remote domain.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "maillog.h"
#include "maillog_event.h"
#include "tap.h"

/* summary - a record in one line */
static void
summary(const struct maillog_rec *r, char *buf, size_t size)
{
	size_t o = 0;
	unsigned i;

#define SP(v) (int)((v).p ? (v).n : 1), (v).p ? (v).p : "-"
	o += (size_t)snprintf(buf + o, size - o, "%s%s %s %s %s %s %s",
	    r->monitor ? "monitor " : "",
	    maillog_action_name(r->action), maillog_source_name(r->source),
	    maillog_direction_name(r->direction), r->stage ? r->stage : "-",
	    r->code[0] ? r->code : "-", r->xcode[0] ? r->xcode : "-");
	for (i = 0; i < r->nrcpt && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, " to=%.*s", SP(r->rcpt[i]));
	if (r->sender.p && o < size)
		o += (size_t)snprintf(buf + o, size - o, " from=%.*s", SP(r->sender));
	if ((r->client_ip.p || r->client_name.p) && o < size)
		o += (size_t)snprintf(buf + o, size - o, " client=%.*s[%.*s]",
		    SP(r->client_name), SP(r->client_ip));
	if (r->helo.p && o < size)
		o += (size_t)snprintf(buf + o, size - o, " helo=%.*s", SP(r->helo));
	if ((r->remote_ip.p || r->remote_name.p) && o < size)
		o += (size_t)snprintf(buf + o, size - o, " remote=%.*s[%.*s]",
		    SP(r->remote_name), SP(r->remote_ip));
	if (r->dsn.p && o < size)
		o += (size_t)snprintf(buf + o, size - o, " dsn=%.*s", SP(r->dsn));
	if (r->queue_id.p && o < size)
		o += (size_t)snprintf(buf + o, size - o, " qid=%.*s", SP(r->queue_id));
	if (o < size)
		snprintf(buf + o, size - o, " | %s", r->text);
#undef SP
}

static const struct {
	const char	*prog, *msg;
	enum ml_result	 res;
	const char	*want;		/* summary() for ML_EVENT */
} t[] = {
	/* smtpd */
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 "
	    "<x@example.com>: Relay access denied; from=<a@b.example> to=<x@example.com> "
	    "proto=ESMTP helo=<h.example>", ML_EVENT,
	    "reject mta inbound rcpt 554 5.7.1 to=x@example.com from=a@b.example "
	    "client=unknown[192.0.2.1] helo=h.example | <x@example.com>: Relay access denied" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT from mail.example[192.0.2.1]: 450 4.7.1 "
	    "Client host rejected: cannot find your reverse hostname, [192.0.2.1]; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "tempfail mta inbound rcpt 450 4.7.1 to=c@d from=a@b client=mail.example[192.0.2.1] "
	    "helo=h | Client host rejected: cannot find your reverse hostname, [192.0.2.1]" },
	{ "postfix/smtpd", "NOQUEUE: reject: MAIL from x[192.0.2.1]: 553 5.7.1 <s@x>: Sender "
	    "address rejected: not logged in; from=<s@x> proto=ESMTP helo=<h>", ML_EVENT,
	    "reject mta inbound mail 553 5.7.1 from=s@x client=x[192.0.2.1] helo=h | "
	    "<s@x>: Sender address rejected: not logged in" },
	{ "postfix/smtpd", "NOQUEUE: reject: CONNECT from unknown[192.0.2.1]: 421 4.7.1 "
	    "Client host rejected: cannot find your reverse hostname, [192.0.2.1]; proto=SMTP",
	    ML_EVENT, "tempfail mta inbound connect 421 4.7.1 client=unknown[192.0.2.1] | "
	    "Client host rejected: cannot find your reverse hostname, [192.0.2.1]" },
	{ "postfix/smtpd", "NOQUEUE: reject: EHLO from x[2001:db8::1]: 504 5.5.2 <h>: Helo "
	    "command rejected: need fully-qualified hostname; proto=ESMTP helo=<h>", ML_EVENT,
	    "reject mta inbound helo 504 5.5.2 client=x[2001:db8::1] helo=h | <h>: Helo "
	    "command rejected: need fully-qualified hostname" },
	{ "postfix/smtpd", "QID1: reject: DATA from x[192.0.2.1]: 550 5.5.3 <DATA>: Data "
	    "command rejected: Multi-recipient bounce; from=<> proto=ESMTP helo=<h>", ML_EVENT,
	    "reject mta inbound data 550 5.5.3 from= client=x[192.0.2.1] helo=h qid=QID1 | "
	    "<DATA>: Data command rejected: Multi-recipient bounce" },
	{ "postfix/smtpd", "NOQUEUE: reject: VRFY from x[192.0.2.1]: 550 5.1.1 <u>: Recipient "
	    "address rejected: User unknown; to=<u> proto=SMTP", ML_EVENT,
	    "reject mta inbound vrfy 550 5.1.1 to=u client=x[192.0.2.1] | <u>: Recipient "
	    "address rejected: User unknown" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT from host[10.0.0.1]: 554 <to@example.net>: "
	    "Relay access denied; from=<f@example.com> to=<to@example.net> proto=SMTP",
	    ML_EVENT, "reject mta inbound rcpt 554 - to=to@example.net from=f@example.com "
	    "client=host[10.0.0.1] | <to@example.net>: Relay access denied" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT from x[1.2.3.4]: 550 5.1.1 <u@d>: Recipient "
	    "address rejected: User unknown in local recipient tab", ML_EVENT,
	    "reject mta inbound rcpt 550 5.1.1 client=x[1.2.3.4] | <u@d>: Recipient "
	    "address rejected: User unknown in local recipient tab" },
	{ "postfix/smtpd", "NOQUEUE: discard: RCPT from x[1.2.3.4]: <u@d>: Recipient address "
	    "triggers DISCARD action; from=<a@b> to=<u@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "discard mta inbound rcpt - - to=u@d from=a@b client=x[1.2.3.4] helo=h | " },
	{ "postfix/smtpd", "NOQUEUE: hold: MAIL from x[1.2.3.4]: <a@b>: Sender address "
	    "triggers HOLD action; from=<a@b> proto=ESMTP helo=<h>", ML_EVENT,
	    "hold mta inbound mail - - from=a@b client=x[1.2.3.4] helo=h | " },
	{ "postfix/smtpd", "NOQUEUE: milter-reject: CONNECT from m[10.0.0.2]: 451 4.7.1 "
	    "Service unavailable - try again later; proto=SMTP", ML_EVENT,
	    "tempfail other-milter inbound connect 451 4.7.1 client=m[10.0.0.2] | Service "
	    "unavailable - try again later" },
	{ "postfix/smtpd", "NOQUEUE: milter-reject: RCPT from m[10.0.0.2]: 550 5.1.1 No such "
	    "user; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "reject other-milter inbound rcpt 550 5.1.1 to=c@d from=a@b client=m[10.0.0.2] "
	    "helo=h | No such user" },
	/* warn_if_reject: what would have been refused, in monitor mode */
	{ "postfix/smtpd", "NOQUEUE: reject_warning: RCPT from x[1.2.3.4]: 450 4.7.1 Client "
	    "host rejected; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "monitor tempfail mta inbound rcpt 450 4.7.1 to=c@d from=a@b "
	    "client=x[1.2.3.4] helo=h | Client host rejected" },
	{ "postfix/smtpd", "NOQUEUE: reject_warning: RCPT from host[10.0.0.1]: 554 5.7.1 "
	    "Service unavailable; Client host [10.0.0.1] blocked using sbl-xbl.spamhaus.org;"
	    " http://www.spamhaus.org/query/bl?ip=10.0.0.1; from=<from@example.com> "
	    "to=<to@sample.net> proto=ESMTP helo=<friend>", ML_EVENT,
	    "monitor reject mta inbound rcpt 554 5.7.1 to=to@sample.net "
	    "from=from@example.com client=host[10.0.0.1] helo=friend | Service unavailable;"
	    " Client host [10.0.0.1] blocked using sbl-xbl.spamhaus.org; "
	    "http://www.spamhaus.org/query/bl?ip=10.0.0.1" },
	/* a before-queue content filter (smtpd_proxy_filter) refused it */
	{ "postfix/smtpd", "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=12345-01 - "
	    "spam; from=<> to=<u@example.net> proto=SMTP helo=<x.example>", ML_EVENT,
	    "reject mta inbound eom 554 5.7.0 to=u@example.net from= helo=x.example | "
	    "Reject, id=12345-01 - spam" },
	{ "postfix/smtpd", "4ABC: proxy-reject: END-OF-MESSAGE: 451 4.3.0 Error: queue file "
	    "write error; from=<n@exemple.org> to=<d@exemple.fr>", ML_EVENT,
	    "tempfail mta inbound eom 451 4.3.0 to=d@exemple.fr from=n@exemple.org "
	    "qid=4ABC | Error: queue file write error" },
	{ "postfix/smtpd", "proxy-reject: END-OF-MESSAGE; from=<a@b>", ML_DAMAGED, "" },
	{ "postfix/smtpd", "proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: queued as "
	    "DF66E940333; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_NOTHING, "" },
	/* the look-alikes */
	{ "postfix/smtpd", "NOQUEUE: warn: RCPT from x[1.2.3.4]: x; from=<a@b> to=<c@d>",
	    ML_NOTHING, "" },
	{ "postfix/smtpd", "NOQUEUE: filter: RCPT from x[1.2.3.4]: <c@d>: Recipient address "
	    "triggers FILTER smtp:[1.2.3.4]; from=<a@b> to=<c@d>", ML_NOTHING, "" },
	{ "postfix/smtpd", "NOQUEUE: redirect: RCPT from x[1.2.3.4]: <c@d>: x; from=<a@b>",
	    ML_NOTHING, "" },
	{ "postfix/smtpd", "connect from unknown[192.0.2.1]", ML_NOTHING, "" },
	{ "postfix/smtpd", "warning: hostname x does not resolve", ML_NOTHING, "" },
	/* postscreen */
	{ "postfix/postscreen", "NOQUEUE: reject: RCPT from [102.32.170.102]:64041: 550 5.7.1 "
	    "Service unavailable; client [102.32.170.102] blocked using zen.spamhaus.org; "
	    "from=<s@a.example>, to=<u@d.example>, proto=ESMTP, helo=<h>", ML_EVENT,
	    "reject mta inbound rcpt 550 5.7.1 to=u@d.example from=s@a.example "
	    "client=-[102.32.170.102] helo=h | Service unavailable; client [102.32.170.102] "
	    "blocked using zen.spamhaus.org" },
	{ "postfix/postscreen", "NOQUEUE: reject: CONNECT from [1.2.3.4]:1337: too many "
	    "connections", ML_EVENT, "reject mta inbound connect - - client=-[1.2.3.4] | too "
	    "many connections" },
	{ "postfix/postscreen", "PREGREET 11 after 0.1 from [1.2.3.4]:5: EHLO x\\r\\n",
	    ML_NOTHING, "" },
	/* cleanup */
	{ "postfix/cleanup", "QID2: reject: header Subject: buy now from x[1.2.3.4]; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 Spam subject", ML_EVENT,
	    "reject mta inbound header - 5.7.1 to=c@d from=a@b client=x[1.2.3.4] helo=h "
	    "qid=QID2 | Spam subject" },
	{ "postfix/cleanup", "QID2: reject: body Quality replica watches!!! from x[1.2.3.4]; "
	    "from=<a@b> to=<c@d> proto=SMTP helo=<h>: 5.7.1 No watches", ML_EVENT,
	    "reject mta inbound eom - 5.7.1 to=c@d from=a@b client=x[1.2.3.4] helo=h "
	    "qid=QID2 | No watches" },
	{ "postfix/cleanup", "QID2: reject: header Date: Mon, 18 Jan 2038 from unknown[1.2.3.4]; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>: Message content rejected", ML_EVENT,
	    "reject mta inbound header - - to=c@d from=a@b client=unknown[1.2.3.4] helo=h "
	    "qid=QID2 | Message content rejected" },
	{ "postfix/cleanup", "QID2: hold: header Subject: x from local; from=<a@b> to=<c@d>: "
	    "optional text", ML_EVENT, "hold mta inbound header - - to=c@d from=a@b qid=QID2 | " },
	{ "postfix/cleanup", "QID2: discard: header Subject: **SPAM** from x[1.2.3.4]; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "discard mta inbound header - - to=c@d from=a@b client=x[1.2.3.4] helo=h qid=QID2 | " },
	{ "postfix/cleanup", "QID2: milter-reject: END-OF-MESSAGE from m[10.0.0.3]: 5.7.1 "
	    "black listed URL; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "reject other-milter inbound eom - 5.7.1 to=c@d from=a@b client=m[10.0.0.3] "
	    "helo=h qid=QID2 | black listed URL" },
	{ "postfix/cleanup", "QID2: milter-hold: END-OF-MESSAGE from m[10.0.0.4]: milter "
	    "triggers HOLD action; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "hold other-milter inbound eom - - to=c@d from=a@b client=m[10.0.0.4] helo=h "
	    "qid=QID2 | " },
	{ "postfix/cleanup", "QID2: milter-discard: END-OF-MESSAGE from m[10.0.0.4]: milter "
	    "triggers DISCARD action; from=<a@b> to=<c@d> proto=ESMTP helo=<h>", ML_EVENT,
	    "discard other-milter inbound eom - - to=c@d from=a@b client=m[10.0.0.4] "
	    "helo=h qid=QID2 | " },
	{ "postfix/cleanup", "NOQUEUE: milter-header-reject: header X-SPAM-FLAG: YES from "
	    "c[1.2.3.4]; from=<a@b> to=<c@d>: 5.7.1 message content rejected", ML_EVENT,
	    "reject mta inbound header - 5.7.1 to=c@d from=a@b client=c[1.2.3.4] | message "
	    "content rejected" },
	{ "postfix/cleanup", "NOQUEUE: milter-header-redirect: header X: Y from c[1.2.3.4]; "
	    "from=<a@b> to=<c@d>: x@y.z", ML_NOTHING, "" },
	{ "postfix/cleanup", "QID2: warning: header Subject: x from c[1.2.3.4]; from=<a@b>",
	    ML_NOTHING, "" },
	{ "postfix/cleanup", "QID2: message-id=<x@y>", ML_NOTHING, "" },
	/* deliveries */
	{ "postfix/smtp", "QID3: to=<u@gmail.com>, relay=gmail-smtp-in.l.google.com"
	    "[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.26, "
	    "status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: "
	    "550-5.7.26 Unauthenticated email is not accepted. 550-5.7.26 Please set up "
	    "SPF. 550 5.7.26 https://support.google.com x - gsmtp (in reply to end of DATA "
	    "command))", ML_EVENT,
	    "reject remote outbound eom 550 5.7.26 to=u@gmail.com "
	    "remote=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] dsn=5.7.26 qid=QID3 | "
	    "Unauthenticated email is not accepted. Please set up SPF. "
	    "https://support.google.com x - gsmtp" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=mx.example.com[192.0.2.1]:25, "
	    "delay=1, delays=0/0/0/1, dsn=4.7.28, status=deferred (host mx.example.com"
	    "[192.0.2.1] said: 421-4.7.28 Our system has detected an unusual rate 421 4.7.28 "
	    "of mail. (in reply to end of DATA command))", ML_EVENT,
	    "tempfail remote outbound eom 421 4.7.28 to=u@example.com "
	    "remote=mx.example.com[192.0.2.1] dsn=4.7.28 qid=QID3 | Our system has detected "
	    "an unusual rate of mail." },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=none, delay=1, delays=0/0/1/0, "
	    "dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.1]:25: Connection "
	    "refused)", ML_EVENT,
	    "tempfail mta outbound connect - - to=u@example.com remote=mx.example.com"
	    "[192.0.2.1] dsn=4.4.1 qid=QID3 | connect to mx.example.com[192.0.2.1]:25: "
	    "Connection refused" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=x[1.2.3.4]:25, dsn=4.4.2, "
	    "status=deferred (delivery temporarily suspended: lost connection with "
	    "x[1.2.3.4] while sending RCPT TO)", ML_EVENT,
	    "tempfail mta outbound rcpt - - to=u@example.com remote=x[1.2.3.4] dsn=4.4.2 "
	    "qid=QID3 | lost connection with x[1.2.3.4] while sending RCPT TO" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=x[1.2.3.4]:25, dsn=5.0.0, "
	    "status=bounced (host x[1.2.3.4] refused to talk to me: 554 Go away)", ML_EVENT,
	    "reject remote outbound connect 554 - to=u@example.com remote=x[1.2.3.4] "
	    "dsn=5.0.0 qid=QID3 | Go away" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, orig_to=<v@example.com>, relay=x[1.2.3.4]"
	    ":25, dsn=5.1.1, status=bounced (host x[1.2.3.4] said: 550 5.1.1 <u@example.com>: "
	    "User unknown (in reply to RCPT TO command))", ML_EVENT,
	    "reject remote outbound rcpt 550 5.1.1 to=u@example.com remote=x[1.2.3.4] "
	    "dsn=5.1.1 qid=QID3 | <u@example.com>: User unknown" },
	{ "postfix/local", "QID4: to=<nobody@localhost>, relay=local, delay=0.1, "
	    "delays=0/0/0/0, dsn=5.1.1, status=bounced (unknown user: \"nobody\")", ML_EVENT,
	    "reject mta outbound - - - to=nobody@localhost dsn=5.1.1 qid=QID4 | unknown "
	    "user: \"nobody\"" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=x[1.2.3.4]:25, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok)", ML_NOTHING, "" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=x[1.2.3.4]:25, dsn=5.1.1, "
	    "status=undeliverable (host x said: 550 5.1.1 nope)", ML_NOTHING, "" },
	{ "postfix/smtp", "QID3: to=<u@example.com>, relay=x[1.2.3.4]:25, status=SOFTBOUNCE "
	    "(host x said: 550 nope)", ML_NOTHING, "" },
	{ "postfix/qmgr", "QID3: from=<a@b>, status=expired, returned to sender",
	    ML_NOTHING, "" },
	{ "postfix/smtp", "QID3: host x[1.2.3.4] said: 450 4.2.0 try later (in reply to RCPT "
	    "TO command)", ML_NOTHING, "" },
	/* Sendmail */
	{ "sm-mta", "k4PJeY7S014582: ruleset=check_rcpt, arg1=<a@gerdau.com.br>, "
	    "relay=200-207-91-189.speedycti.com.br [200.207.91.189] (may be forged), "
	    "reject=550 5.7.1 <a@gerdau.com.br>... Relaying denied", ML_EVENT,
	    "reject mta inbound rcpt 550 5.7.1 to=a@gerdau.com.br "
	    "client=200-207-91-189.speedycti.com.br[200.207.91.189] qid=k4PJeY7S014582 | "
	    "<a@gerdau.com.br>... Relaying denied" },
	{ "sm-mta", "ruleset=check_relay, arg1=[192.0.2.123], arg2=192.0.2.123, "
	    "relay=host.example.com [192.0.2.123] (may be forged), reject=421 4.3.2 "
	    "Connection rate limit exceeded.", ML_EVENT,
	    "tempfail mta inbound connect 421 4.3.2 client=host.example.com[192.0.2.123] | "
	    "Connection rate limit exceeded." },
	{ "sendmail", "k1SN9pkK15806618: ruleset=check_mail, arg1=<r@q.com>, relay=d.tr "
	    "[81.215.198.185] (may be forged), reject=553 5.1.8 <r@q.com>... Domain of "
	    "sender address r@q.com does not exist", ML_EVENT,
	    "reject mta inbound mail 553 5.1.8 from=r@q.com client=d.tr[81.215.198.185] "
	    "qid=k1SN9pkK15806618 | <r@q.com>... Domain of sender address r@q.com does not exist" },
	{ "sm-mta", "s1R9r60D044307: Milter: to=<c@d>, reject=550 5.7.1 Go away", ML_EVENT,
	    "reject other-milter inbound rcpt 550 5.7.1 to=c@d qid=s1R9r60D044307 | Go away" },
	{ "sm-mta", "s1R9r60D044307: Milter: data, reject=554 5.7.1 Spam", ML_EVENT,
	    "reject other-milter inbound eom 554 5.7.1 qid=s1R9r60D044307 | Spam" },
	{ "sm-mta", "s1R9r60D044307: Milter: from=<a@b>, reject=451 4.7.1 later", ML_EVENT,
	    "tempfail other-milter inbound mail 451 4.7.1 from=a@b qid=s1R9r60D044307 | later" },
	{ "sm-mta", "u31FFPtp032300: to=<d1@example.com>,<d2@example.com>, delay=00:00:15, "
	    "xdelay=00:00:15, mailer=esmtp, pri=34527, relay=mx.example.com. [93.184.216.34], "
	    "dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem", ML_EVENT,
	    "tempfail remote outbound - 451 4.3.5 to=d1@example.com to=d2@example.com "
	    "remote=mx.example.com[93.184.216.34] dsn=4.3.5 qid=u31FFPtp032300 | Server "
	    "configuration problem" },
	{ "sm-msp-queue", "k5TKj6L5012934: to=root, ctladdr=root (0/0), delay=00:04:00, "
	    "xdelay=00:00:00, mailer=relay, pri=120112, relay=[127.0.0.1], dsn=4.0.0, "
	    "stat=Deferred: Connection refused by [127.0.0.1]", ML_EVENT,
	    "tempfail mta outbound - - - to=root remote=-[127.0.0.1] dsn=4.0.0 "
	    "qid=k5TKj6L5012934 | Connection refused by [127.0.0.1]" },
	{ "sm-mta", "j78ASk4e013165: to=<u@x>, delay=00:00:01, mailer=local, pri=31046, "
	    "relay=local, dsn=5.1.1, stat=User unknown", ML_EVENT,
	    "reject mta outbound - - - to=u@x dsn=5.1.1 qid=j78ASk4e013165 | "
	    "User unknown" },
	{ "sendmail", "6B25TGue003904: to=<ok@dest.example>, delay=00:00:00, pri=60026, "
	    "stat=SPF validation failed", ML_NOTHING, "" },
	{ "sendmail", "6B25TGuf003904: to=<auth-fail@remote.example>, delay=00:00:00, "
	    "xdelay=00:00:00, mailer=esmtp, pri=30026, relay=[127.0.0.1] [127.0.0.1], "
	    "dsn=5.2.0, reply=550 5.7.26 This mail has been blocked, because, stat=Service "
	    "unavailable", ML_EVENT,
	    "reject remote outbound - 550 5.7.26 to=auth-fail@remote.example "
	    "remote=-[127.0.0.1] dsn=5.2.0 qid=6B25TGuf003904 | This mail has been blocked, "
	    "because" },
	{ "sm-mta", "j78ASk4e013165: to=<u@x>, delay=00:00:01, mailer=esmtp, pri=1, "
	    "relay=mx. [1.2.3.4], dsn=2.0.0, stat=Sent (ok)", ML_NOTHING, "" },
	{ "sm-mta", "j6KKHo2d007818: rejecting commands from sv.e103gng.com [66.62.19.10] due "
	    "to pre-greeting traffic", ML_NOTHING, "" },
	{ "sm-mta", "s1MD2hsd004030: rrcs.example [24.73.201.194]: VRFY root [rejected]",
	    ML_NOTHING, "" },
	/* not the MTA's, and damaged */
	{ "opendkim", "QID: DKIM-Signature field added", ML_NOT_MTA, "" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT", ML_DAMAGED, "" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT from unknown[1.2.3.", ML_DAMAGED, "" },
	{ "postfix/smtpd", "NOQUEUE: reject: RCPT frm x[1.2.3.4]: 550 x", ML_DAMAGED, "" },
};

/* set - a logline of prog and msg, nothing else */
static void
set(struct logline *ll, const char *prog, const char *msg)
{
	memset(ll, 0, sizeof *ll);
	ll->prog = prog;
	ll->proglen = strlen(prog);
	ll->msg = msg;
	ll->msglen = strlen(msg);
}

int
main(void)
{
	struct maillog_rec r;
	struct logline ll;
	char got[8192], key[MAILLOG_KEY_MAX], dom[256];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		enum ml_result res;

		set(&ll, t[i].prog, t[i].msg);
		res = maillog_parse(&ll, MLM_AUTO, &r);
		is_int(res, t[i].res, "result: %s: %.60s", t[i].prog, t[i].msg);
		if (res != ML_EVENT || t[i].res != ML_EVENT)
			continue;
		summary(&r, got, sizeof got);
		is_str(got, t[i].want, "record: %s: %.60s", t[i].prog, t[i].msg);
	}

	/* --mta keeps one MTA's lines */
	set(&ll, "sm-mta", t[0].msg);
	is_int(maillog_parse(&ll, MLM_POSTFIX, &r), ML_NOT_MTA, "--mta postfix: Sendmail's lines are another program's");
	set(&ll, "postfix/smtpd", t[0].msg);
	is_int(maillog_parse(&ll, MLM_SENDMAIL, &r), ML_NOT_MTA, "--mta sendmail: Postfix's lines are another program's");
	set(&ll, "postfixx", t[0].msg);
	is_int(maillog_parse(&ll, MLM_AUTO, &r), ML_NOT_MTA, "postfixx is not Postfix");

	/* the keys the daemon matches its own events with */
	set(&ll, "postfix/smtpd", t[0].msg);
	maillog_parse(&ll, MLM_AUTO, &r);
	maillog_key(&r, 0, key, sizeof key);
	is_str(key, "mta|rcpt|5.7.1|x@example.com", "key: smtpd's RCPT reject");
	maillog_key_make("mta", "rcpt", "5.7.1", "X@Example.COM", 13, got, sizeof got);
	is_str(got, key, "the daemon's key for the same rejection (case folded)");
	set(&ll, "postfix/cleanup", "QID2: milter-reject: END-OF-MESSAGE from m[10.0.0.3]: 5.7.1 x; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>");
	maillog_parse(&ll, MLM_AUTO, &r);
	maillog_key(&r, 0, key, sizeof key);
	is_str(key, "milter|msg|5.7.1|", "key: a milter's reject at the end of the message");
	maillog_key_make("milter", "header", "5.7.1", NULL, 0, got, sizeof got);
	is_str(got, key, "the daemon's key for a header rule's reply");
	for (i = 0; i < sizeof t / sizeof t[0] &&
	    strcmp(t[i].prog, "postfix/postscreen") != 0; i++)
		;
	set(&ll, "postfix/postscreen", t[i].msg);
	maillog_parse(&ll, MLM_AUTO, &r);
	is_int(maillog_key(&r, 0, key, sizeof key), 0, "postscreen: no key (no milter sees it)");
	set(&ll, "postfix/smtpd", "NOQUEUE: reject_warning: RCPT from x[1.2.3.4]: 550 5.1.1 "
	    "<c@d>: Recipient address rejected: User unknown; from=<a@b> to=<c@d> proto=ESMTP");
	maillog_parse(&ll, MLM_AUTO, &r);
	is_int(maillog_key(&r, 0, key, sizeof key), 0, "reject_warning: no key (nothing was refused)");

	/* successful deliveries, when asked for */
	{
		static const struct {
			const char *prog, *msg, *rcpt, *remote, *dsn;
		} d[] = {
			{ "postfix/smtp", "4AB12: to=<u@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.27]:25, "
			    "delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK 1700000000 x - gsmtp)",
			    "u@gmail.com", "gmail-smtp-in.l.google.com", "2.0.0" },
			{ "postfix/local", "4AB13: to=<v@local.example>, orig_to=<w@local.example>, relay=local, delay=0.1, "
			    "dsn=2.0.0, status=sent (delivered to mailbox)", "v@local.example", "", "2.0.0" },
			{ "sm-mta", "s1R9r60D044307: to=<d1@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, "
			    "pri=120000, relay=mx.example.com. [192.0.2.5], dsn=2.0.0, stat=Sent (OK id=1)",
			    "d1@example.com", "mx.example.com", "2.0.0" },
			{ "sendmail", "s1R9r60D044308: to=<d2@example.com>, delay=00:00:01, mailer=esmtp, pri=1, "
			    "relay=mx.example.com. [192.0.2.5], stat=Sent (OK)", "d2@example.com", "mx.example.com", "" },
		};

		for (i = 0; i < sizeof d / sizeof d[0]; i++) {
			char rc[256], rm[256], ds[16];

			set(&ll, d[i].prog, d[i].msg);
			is_int(maillog_parse(&ll, MLM_AUTO, &r), ML_NOTHING,
			    "a delivery is nothing to the rejection readers: %s", d[i].rcpt);
			is_int(maillog_parse_ex(&ll, MLM_AUTO, MLF_DELIVERED, &r),
			    ML_DELIVERED, "delivered when asked for: %s", d[i].rcpt);
			snprintf(rc, sizeof rc, "%.*s", (int)r.rcpt[0].n, r.rcpt[0].p);
			snprintf(rm, sizeof rm, "%.*s", (int)r.remote_name.n,
			    r.remote_name.p ? r.remote_name.p : "");
			snprintf(ds, sizeof ds, "%.*s", (int)r.dsn.n,
			    r.dsn.p ? r.dsn.p : "");
			ok(r.nrcpt == 1 && strcmp(rc, d[i].rcpt) == 0 &&
			    strcmp(rm, d[i].remote) == 0 && strcmp(ds, d[i].dsn) == 0 &&
			    r.direction == MLD_OUTBOUND,
			    "delivery: recipient %s, remote %s, dsn %s", rc, rm, ds);
		}
		set(&ll, "postfix/smtp", "4AB12: to=<u@x>, relay=none, delay=1, dsn=5.4.4, "
		    "status=bounced (Host or domain name not found)");
		is_int(maillog_parse_ex(&ll, MLM_AUTO, MLF_DELIVERED, &r), ML_EVENT,
		    "a bounce is still a bounce when deliveries are asked for");
	}

	/* the remote domain */
	set(&ll, "postfix/smtp", "Q: to=<u@x.example>, relay=mx1.mail.example.co.uk[1.2.3.4]:25, dsn=5.0.0, "
	    "status=bounced (host mx1.mail.example.co.uk[1.2.3.4] said: 550 no)");
	maillog_parse(&ll, MLM_AUTO, &r);
	maillog_remote_domain(&r, 0, dom, sizeof dom);
	is_str(dom, "example.co.uk", "remote domain: a country's second level kept");
	set(&ll, ll.prog, "Q: to=<u@x.example>, relay=127.0.0.1[127.0.0.1]:25, dsn=5.0.0, "
	    "status=bounced (host 127.0.0.1[127.0.0.1] said: 550 no)");
	maillog_parse(&ll, MLM_AUTO, &r);
	maillog_remote_domain(&r, 0, dom, sizeof dom);
	is_str(dom, "127.0.0.1", "remote domain: an address is kept whole");
	set(&ll, ll.prog, "Q: to=<u@X.Example>, relay=local, dsn=5.1.1, status=bounced (unknown user)");
	maillog_parse(&ll, MLM_AUTO, &r);
	maillog_remote_domain(&r, 0, dom, sizeof dom);
	is_str(dom, "x.example", "remote domain: no remote host, the recipient's domain");
	return done_testing();
}

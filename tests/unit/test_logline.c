/*
 * test_logline.c - syslog line headers: the timestamps MTAs' logs carry
 * (traditional with the year from a reference time, RFC 3339 with
 * offsets, journalctl's short-iso), hosts, FreeBSD and Solaris tags,
 * programs with and without pids; and what is not a syslog line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "logline.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*line;
		bool		 ok;
		const char	*ts;	/* "" no time */
		const char	*host, *prog;	/* "" none */
		long		 pid;
		const char	*msg;
	} t[] = {
		{ "Mar  7 12:00:01 mx1 postfix/smtpd[123]: NOQUEUE: reject: x", true,
		    "2026-03-07T12:00:01.000Z", "mx1", "postfix/smtpd", 123,
		    "NOQUEUE: reject: x" },
		{ "Mar 7 12:00:01 mx1 postfix/smtpd[1]: m", true,
		    "2026-03-07T12:00:01.000Z", "mx1", "postfix/smtpd", 1, "m" },
		{ "Jun 04 22:24:28 machine postfix/smtpd[3967801]: m", true,
		    "2026-06-04T22:24:28.000Z", "machine", "postfix/smtpd", 3967801, "m" },
		{ "Dec 31 23:59:59 mx1 postfix/qmgr[9]: m", true,
		    "2025-12-31T23:59:59.000Z", "mx1", "postfix/qmgr", 9, "m" },
		{ "2023-03-14T00:00:31.185246+01:00 helga postfix/postscreen[3163107]: m",
		    true, "2023-03-13T23:00:31.185Z", "helga", "postfix/postscreen",
		    3163107, "m" },
		{ "2024-08-26T01:33:38.572449+00:00 machine postfix/smtpd[60203]: m",
		    true, "2024-08-26T01:33:38.572Z", "machine", "postfix/smtpd", 60203, "m" },
		{ "2023-03-14T00:00:31+0100 mx postfix/smtp[1]: m", true,
		    "2023-03-13T23:00:31.000Z", "mx", "postfix/smtp", 1, "m" },
		{ "2023-03-14T09:00:00Z mx sm-mta[1]: m", true,
		    "2023-03-14T09:00:00.000Z", "mx", "sm-mta", 1, "m" },
		{ "2023-03-14T09:00:00.5-05:30 mx sm-mta[1]: m", true,
		    "2023-03-14T14:30:00.500Z", "mx", "sm-mta", 1, "m" },
		{ "Mar  1 10:00:00 <mail.info> host sm-mta[5]: m", true,
		    "2026-03-01T10:00:00.000Z", "host", "sm-mta", 5, "m" },
		{ "Mar  1 10:00:00 host sm-mta[5]: [ID 801593 mail.notice] k8: m", true,
		    "2026-03-01T10:00:00.000Z", "host", "sm-mta", 5, "k8: m" },
		{ "<22>Mar  1 10:00:00 sendmail[5]: k8: m", true,
		    "2026-03-01T10:00:00.000Z", "", "sendmail", 5, "k8: m" },
		{ "postfix/smtp[30582]: QID: to=<a@b>", true, "", "", "postfix/smtp",
		    30582, "QID: to=<a@b>" },
		{ " postfix/smtp[1]: m", true, "", "", "postfix/smtp", 1, "m" },
		{ "host postfix/postfix-script: starting", true, "", "host",
		    "postfix/postfix-script", -1, "starting" },
		{ "Mar  7 12:00:01 mx1 postfix-incoming/submission/smtpd[7]: m", true,
		    "2026-03-07T12:00:01.000Z", "mx1", "postfix-incoming/submission/smtpd",
		    7, "m" },
		{ "Mar  7 12:00:01 mx1 postfix/smtpd[7]:", true,
		    "2026-03-07T12:00:01.000Z", "mx1", "postfix/smtpd", 7, "" },
		{ "", false, "", "", "", -1, "" },
		{ "just some words", false, "", "", "", -1, "" },
		{ "Mar  7 12:00:01 mx1", false, "", "", "", -1, "" },
		{ "Mar  7 12:00:01 mx1 postfix/smtpd[12x]: m", false, "", "", "", -1, "" },
		{ "\x01\x02\xff\xfe binary", false, "", "", "", -1, "" },
		{ "Mar 99 12:00:01 mx1 prog[1]: m", false, "", "", "", -1, "" },
	};
	struct logyear y;
	struct logline ll;
	struct tm ref;
	char buf[64], s[256];
	size_t i;

	setenv("TZ", "UTC", 1);
	/* the reference: 2026-06-30 12:00 UTC */
	memset(&ref, 0, sizeof ref);
	ref.tm_year = 126;
	ref.tm_mon = 5;
	ref.tm_mday = 30;
	ref.tm_hour = 12;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool got;

		logyear_init(&y, timegm(&ref));
		got = logline_parse(t[i].line, strlen(t[i].line), &y, &ll);
		is_int(got, t[i].ok, "parses or not: %s", t[i].line);
		if (!got || !t[i].ok)
			continue;
		is_str(ll.has_time ? logline_ts(ll.ms, buf, sizeof buf) : "",
		    t[i].ts, "time: %s", t[i].line);
		snprintf(s, sizeof s, "%.*s", (int)ll.hostlen, ll.host ? ll.host : "");
		is_str(s, t[i].host, "host: %s", t[i].line);
		snprintf(s, sizeof s, "%.*s", (int)ll.proglen, ll.prog ? ll.prog : "");
		is_str(s, t[i].prog, "program: %s", t[i].line);
		if (t[i].prog[0] != '\0') {
			is_int(ll.pid, t[i].pid, "pid: %s", t[i].line);
			snprintf(s, sizeof s, "%.*s", (int)ll.msglen, ll.msg);
			is_str(s, t[i].msg, "message: %s", t[i].line);
		}
	}
	/* New Year: a December line in a file written in January */
	ref.tm_year = 127;
	ref.tm_mon = 0;
	ref.tm_mday = 2;
	logyear_init(&y, timegm(&ref));
	logline_parse("Dec 31 23:00:00 h p[1]: m", 25, &y, &ll);
	is_str(logline_ts(ll.ms, buf, sizeof buf), "2026-12-31T23:00:00.000Z",
	    "December in a file of 2 January: last year");
	logline_parse("Jan  1 00:30:00 h p[1]: m", 25, &y, &ll);
	is_str(logline_ts(ll.ms, buf, sizeof buf), "2027-01-01T00:30:00.000Z",
	    "and January this year");
	/* local time: the zone of the machine that wrote it */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ref.tm_year = 126;
	ref.tm_mon = 6;
	logyear_init(&y, timegm(&ref));
	logline_parse("Jul  1 12:00:00 h p[1]: m", 25, &y, &ll);
	is_str(logline_ts(ll.ms, buf, sizeof buf), "2026-07-01T10:00:00.000Z",
	    "a traditional timestamp is local time (CEST)");
	return done_testing();
}

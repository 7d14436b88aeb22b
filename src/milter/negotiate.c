/*
 * negotiate.c - protocol options from the configuration (see negotiate.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "negotiate.h"

/* The steps that may go without a reply, and their flag. */
static const struct {
	enum stage	 st;
	unsigned long	 nr;
} noreply[] = {
	{ STAGE_CONNECT, SMFIP_NR_CONN },
	{ STAGE_HELO, SMFIP_NR_HELO },
	{ STAGE_MAIL, SMFIP_NR_MAIL },
	{ STAGE_RCPT, SMFIP_NR_RCPT },
	{ STAGE_HEADER, SMFIP_NR_EOH },		/* the end of headers */
};

/* negotiate_noreply - a stage's no-reply flag */
unsigned long
negotiate_noreply(enum stage st)
{
	size_t i;

	for (i = 0; i < sizeof noreply / sizeof noreply[0]; i++)
		if (noreply[i].st == st)
			return noreply[i].nr;
	return 0;
}

/* negotiate_protocol - what to ask for */
unsigned long
negotiate_protocol(const struct footprint *fp, bool observe,
    unsigned long offered)
{
	/*
	 * Not SMFIP_NODATA (nor NR_DATA): Postfix's smtpd sends the DATA
	 * macros anyway, then hands the milter socket to cleanup, whose
	 * first write waits behind that unanswered packet (Nagle) until
	 * our kernel's delayed ACK, 40 ms, on every message.  Answering
	 * DATA costs a round trip of some microseconds instead.
	 */
	unsigned long want = SMFIP_NOUNKNOWN | SMFIP_NOEOH |
	    SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_NR_EOH;
	size_t i;

	if (observe)
		want |= SMFIP_RCPT_REJ;
	if (!fp->headers)
		want |= SMFIP_NOHDRS;
	if (!fp->body)
		want |= SMFIP_NOBODY;
	for (i = 0; i < sizeof noreply / sizeof noreply[0]; i++)
		if (!fp->reply[noreply[i].st])
			want |= noreply[i].nr;
	return offered & want;
}

/* append - "s" to buf at *used, with a separator; false when full */
static bool
append(char *buf, size_t size, size_t *used, const char *sep, const char *s)
{
	int n = snprintf(buf + *used, size - *used, "%s%s", *used ? sep : "", s);

	if (n < 0 || (size_t)n >= size - *used) {
		buf[*used] = '\0';	/* whole steps only */
		return false;
	}
	*used += (size_t)n;
	return true;
}

/* negotiate_names - printable */
char *
negotiate_names(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long	 f;
		const char	*name;
	} names[] = {
		{ SMFIP_NOCONNECT, "NOCONNECT" }, { SMFIP_NOHELO, "NOHELO" },
		{ SMFIP_NOMAIL, "NOMAIL" }, { SMFIP_NORCPT, "NORCPT" },
		{ SMFIP_NOBODY, "NOBODY" }, { SMFIP_NOHDRS, "NOHDRS" },
		{ SMFIP_NOEOH, "NOEOH" }, { SMFIP_NR_HDR, "NR_HDR" },
		{ SMFIP_NOUNKNOWN, "NOUNKNOWN" }, { SMFIP_NODATA, "NODATA" },
		{ SMFIP_RCPT_REJ, "RCPT_REJ" }, { SMFIP_NR_CONN, "NR_CONN" },
		{ SMFIP_NR_HELO, "NR_HELO" }, { SMFIP_NR_MAIL, "NR_MAIL" },
		{ SMFIP_NR_RCPT, "NR_RCPT" }, { SMFIP_NR_EOH, "NR_EOH" },
		{ SMFIP_NR_BODY, "NR_BODY" },
	};
	size_t i, used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((flags & names[i].f) &&
		    !append(buf, size, &used, " ", names[i].name))
			break;
	return buf;
}

/* The steps, in SMTP order, with their skip and no-reply flags. */
static const struct {
	const char	*name;
	unsigned long	 no, nr;
} steps[] = {
	{ "CONNECT", SMFIP_NOCONNECT, SMFIP_NR_CONN },
	{ "HELO", SMFIP_NOHELO, SMFIP_NR_HELO },
	{ "MAIL", SMFIP_NOMAIL, SMFIP_NR_MAIL },
	{ "RCPT", SMFIP_NORCPT, SMFIP_NR_RCPT },
	{ "DATA", SMFIP_NODATA, SMFIP_NR_DATA },
	{ "headers", SMFIP_NOHDRS, SMFIP_NR_HDR },
	{ "end of headers", SMFIP_NOEOH, SMFIP_NR_EOH },
	{ "body", SMFIP_NOBODY, SMFIP_NR_BODY },
	{ "end of message", 0, 0 },
	{ "unknown commands", SMFIP_NOUNKNOWN, SMFIP_NR_UNKN },
};

/* negotiate_describe - in words */
char *
negotiate_describe(unsigned long flags, char *buf, size_t size)
{
	size_t i, used = 0;
	bool skipped = false;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const char *rej = NULL, *nr = NULL;
		char one[64];

		if (flags & steps[i].no)
			continue;
		if (steps[i].no == SMFIP_NORCPT && (flags & SMFIP_RCPT_REJ))
			rej = "and the rejected ones";
		if (steps[i].nr && (flags & steps[i].nr))
			nr = "no reply";
		if (rej || nr)
			snprintf(one, sizeof one, "%s (%s%s%s)", steps[i].name,
			    rej ? rej : "", rej && nr ? ", " : "", nr ? nr : "");
		else
			snprintf(one, sizeof one, "%s", steps[i].name);
		if (!append(buf, size, &used, ", ", one))
			return buf;
	}
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (!(flags & steps[i].no))
			continue;
		if (!append(buf, size, &used, skipped ? ", " : "; skipped: ",
		    steps[i].name))
			return buf;
		skipped = true;
	}
	return buf;
}

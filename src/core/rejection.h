/*
 * rejection.h - what the MTA says when it refused a recipient itself
 * (SMFIP_RCPT_REJ), read from the macros it passes with the RCPT:
 *
 *	Postfix   {rcpt_host} = "5.1.1"
 *	          {rcpt_addr} = "Recipient address rejected: User unknown"
 *	Sendmail  {rcpt_host} = "5.7.1"
 *	          {rcpt_addr} = "550 5.7.1 Relaying denied" (or just the text)
 *
 * Postfix does not pass the basic code.  rejection_parse() reads both
 * forms with reply_head(); rejection_findings() judges the codes the way
 * the validator judges a reply, leaving out what needs the basic code
 * when there is none.  A struct rejection borrows the text from the
 * macro value.  Pure, thread-safe.
 */
#ifndef ESC_REJECTION_H
#define ESC_REJECTION_H

#include <stdbool.h>

#include "finding.h"
#include "registry.h"
#include "xcode.h"

struct rejection {
	char		 code[4];	/* "550", "" when not given */
	char		 xcode[XCODE_STRLEN];	/* as given, "" when none */
	bool		 xcode_valid;	/* x is valid */
	struct xcode	 x;
	unsigned	 cls;		/* 4 or 5 */
	const char	*text;		/* borrowed; "" when none */
};

/* rejection_parse - the two macros (either may be NULL) */
void	rejection_parse(const char *rcpt_host, const char *rcpt_addr,
	    struct rejection *);

/* rejection_findings - registry findings about the MTA's codes into fs */
void	rejection_findings(const struct registry *, const struct rejection *,
	    struct findings *fs);

#endif

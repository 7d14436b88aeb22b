/*
 * reason_vocab.c - the reason vocabulary (see reason.h, docs/reasons.md).
 *
 * Names are Sisimai's wherever the meaning is the same, so that results
 * compare with the bounce processors operators already run; greylisted
 * is ours (nothing in Sisimai's list means "try again, you will pass").
 * The meanings are our own words.
 */
#include "config.h"

#include <string.h>

#include "reason.h"
#include "strutil.h"

static const struct reason_info vocab[R_COUNT] = {
	[R_UNDEFINED] = { "undefined",
	    "nothing in the code or the text says why", RS_NONE, 0, RSUP_NEVER },
	[R_DELIVERED] = { "delivered",
	    "delivered: a success status in a DSN", RS_NONE, 0, RSUP_NEVER },
	[R_USERUNKNOWN] = { "userunknown",
	    "the mailbox does not exist at the destination", RS_ADDRESS, 1,
	    RSUP_HARD },
	[R_HOSTUNKNOWN] = { "hostunknown",
	    "the recipient's domain does not exist or cannot receive mail",
	    RS_ADDRESS, 1, RSUP_HARD },
	[R_HASMOVED] = { "hasmoved",
	    "the mailbox has moved and left no forwarding address", RS_ADDRESS,
	    1, RSUP_HARD },
	[R_NOTACCEPT] = { "notaccept",
	    "the destination accepts no mail at all (a null MX, 556)",
	    RS_ADDRESS, 1, RSUP_HARD },
	[R_SUPPRESSED] = { "suppressed",
	    "the sending service refused: the address is on its suppression "
	    "list", RS_ADDRESS, 1, RSUP_HARD },
	[R_MAILBOXFULL] = { "mailboxfull",
	    "the mailbox is over its quota", RS_ADDRESS, 2, RSUP_SOFT },
	[R_SUSPEND] = { "suspend",
	    "the mailbox is disabled, suspended or inactive", RS_ADDRESS, 2,
	    RSUP_HARD },
	[R_FILTERED] = { "filtered",
	    "the recipient's mailbox or its own filter refuses this mail",
	    RS_RECEIVER, 2, RSUP_NEVER },
	[R_EXCEEDLIMIT] = { "exceedlimit",
	    "the message is larger than this recipient accepts", RS_SENDER, 2,
	    RSUP_NEVER },
	[R_REJECTED] = { "rejected",
	    "refused because of the envelope sender: its address or domain",
	    RS_SENDER, 1, RSUP_NEVER },
	[R_BLOCKED] = { "blocked",
	    "refused because of the sending host: a blocklist (DNSBL), its "
	    "name or its HELO", RS_SENDER, 7, RSUP_NEVER },
	[R_NORELAYING] = { "norelaying",
	    "the server does not relay for this client to this destination",
	    RS_SENDER, 7, RSUP_NEVER },
	[R_AUTHFAILURE] = { "authfailure",
	    "SPF, DKIM, DMARC or ARC authentication failed", RS_SENDER, 7,
	    RSUP_NEVER },
	[R_REQUIREPTR] = { "requireptr",
	    "the sending IP address has no reverse DNS name, or one that does "
	    "not match", RS_SENDER, 7, RSUP_NEVER },
	[R_BADREPUTATION] = { "badreputation",
	    "the sending IP address or domain has a poor reputation",
	    RS_SENDER, 7, RSUP_NEVER },
	[R_SECURITYERROR] = { "securityerror",
	    "refused on security grounds without a more specific reason: "
	    "not authorized (X.7.1 alone), authentication required, "
	    "credentials, encryption", RS_SENDER, 7, RSUP_NEVER },
	[R_SPAMDETECTED] = { "spamdetected",
	    "the message was judged to be spam", RS_SENDER, 7, RSUP_NEVER },
	[R_VIRUSDETECTED] = { "virusdetected",
	    "the message carries malware", RS_SENDER, 7, RSUP_NEVER },
	[R_POLICYVIOLATION] = { "policyviolation",
	    "the message breaks the receiving site's policy", RS_SENDER, 7,
	    RSUP_NEVER },
	[R_GREYLISTED] = { "greylisted",
	    "greylisting: a temporary refusal that a later retry passes",
	    RS_NONE, 7, RSUP_NEVER },
	[R_SPEEDING] = { "speeding",
	    "rate limited: the sender sends too much, too fast", RS_SENDER, 7,
	    RSUP_NEVER },
	[R_TOOMANYCONN] = { "toomanyconn",
	    "too many connections, or recipients, at once", RS_SENDER, 4,
	    RSUP_NEVER },
	[R_NOTCOMPLIANTRFC] = { "notcompliantrfc",
	    "the message's header breaks RFC 5322 (duplicate or malformed "
	    "fields)", RS_SENDER, 6, RSUP_NEVER },
	[R_CONTENTERROR] = { "contenterror",
	    "the message's format or encoding is refused", RS_SENDER, 6,
	    RSUP_NEVER },
	[R_MESGTOOBIG] = { "mesgtoobig",
	    "the message is larger than the receiving system accepts",
	    RS_SENDER, 3, RSUP_NEVER },
	[R_SYNTAXERROR] = { "syntaxerror",
	    "an SMTP command was refused as malformed or out of sequence",
	    RS_SENDER, 5, RSUP_NEVER },
	[R_FAILEDSTARTTLS] = { "failedstarttls",
	    "STARTTLS was required, or failed", RS_PATH, 7, RSUP_NEVER },
	[R_SYSTEMERROR] = { "systemerror",
	    "the receiving system failed or is misconfigured", RS_RECEIVER, 3,
	    RSUP_NEVER },
	[R_SYSTEMFULL] = { "systemfull",
	    "the receiving system is out of disk or other resources",
	    RS_RECEIVER, 3, RSUP_NEVER },
	[R_MAILERERROR] = { "mailererror",
	    "the delivery program (procmail, a pipe) failed", RS_RECEIVER, 3,
	    RSUP_NEVER },
	[R_NETWORKERROR] = { "networkerror",
	    "DNS, routing or connection failure, or a mail loop", RS_PATH, 4,
	    RSUP_NEVER },
	[R_EXPIRED] = { "expired",
	    "the retries ran out before the message could be delivered",
	    RS_PATH, 4, RSUP_NEVER },
	[R_ONHOLD] = { "onhold",
	    "undecided: the text is not enough to tell", RS_NONE, 0,
	    RSUP_NEVER },
};

static const char *const side_names[] = { "none", "address", "sender",
    "receiver", "path" };
static const char *const suppress_names[] = { "never", "hard", "soft" };

const struct reason_info *
reason_info(enum reason r)
{
	return &vocab[(unsigned)r < R_COUNT ? r : R_UNDEFINED];
}

const char *
reason_name(enum reason r)
{
	return reason_info(r)->name;
}

bool
reason_parse(const char *name, size_t len, enum reason *r)
{
	unsigned i;

	for (i = 0; i < R_COUNT; i++)
		if (str_eqn(name, len, vocab[i].name)) {
			*r = (enum reason)i;
			return true;
		}
	return false;
}

const char *
reason_side_name(enum reason_side s)
{
	return side_names[s];
}

const char *
reason_suppress_name(enum reason_suppress s)
{
	return suppress_names[s];
}

/*
 * reason_fallback - by subject, as the registry's "other" code of each
 * subject reads; a success is delivered whatever its subject
 */
enum reason
reason_fallback(unsigned cls, int subject)
{
	static const enum reason by_subject[8] = {
		R_UNDEFINED, R_USERUNKNOWN, R_FILTERED, R_SYSTEMERROR,
		R_NETWORKERROR, R_SYNTAXERROR, R_CONTENTERROR, R_SECURITYERROR,
	};

	if (cls == 2)
		return R_DELIVERED;
	if (subject < 0 || subject > 7)
		return R_UNDEFINED;
	return by_subject[subject];
}

/*
 * rejection.c - the MTA's own recipient rejections (see rejection.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rejection.h"
#include "reply.h"
#include "strutil.h"

/* rejection_parse - {rcpt_host} and {rcpt_addr} */
void
rejection_parse(const char *host, const char *addr, struct rejection *r)
{
	struct reply_head h;
	const char *text = addr != NULL ? addr : "";

	memset(r, 0, sizeof *r);
	if (host != NULL && xcode_looks_like(host, strlen(host)) &&
	    str_copy(r->xcode, sizeof r->xcode, host) == 0)
		r->xcode_valid = xcode_parse(host, strlen(host), 0, &r->x,
		    NULL) != 0;
	/* Sendmail may pass "550 5.7.1 text" as {rcpt_addr}. */
	if (reply_head(text, strlen(text), 0, &h) && h.sep == ' ') {
		memcpy(r->code, text, 3);
		if (h.has_xcode) {
			if (r->xcode[0] == '\0') {
				str_copyn(r->xcode, sizeof r->xcode,
				    text + h.xcode_off, h.xcode_len);
				r->xcode_valid = true;
				r->x = h.x;
			}
			text += h.xcode_off + h.xcode_len;
		} else {
			text += 4;
		}
		while (*text == ' ')
			text++;
	}
	r->text = text;
	r->cls = r->xcode_valid ? r->x.cls : r->code[0] != '\0' ?
	    (unsigned)(r->code[0] - '0') : 5;
}

/* rejection_findings - what the registry says about the MTA's codes */
void
rejection_findings(const struct registry *reg, const struct rejection *r,
    struct findings *fs)
{
	struct validate_opts vo = { STAGE_RCPT, false, false, false };
	struct reply rep;
	char buf[64];
	unsigned i, k;

	findings_init(fs);
	if (r->xcode[0] == '\0')
		return;
	if (!r->xcode_valid) {
		findings_add(fs, FID_XCODE_SYNTAX, SEV_ERROR, 1, 0, "the MTA's "
		    "enhanced status code is not valid");
		return;
	}
	/* Without the basic code (Postfix does not pass it), judge the
	   enhanced code alone. */
	snprintf(buf, sizeof buf, "%s %s x", r->code[0] ? r->code :
	    r->xcode[0] == '4' ? "450" : "550", r->xcode);
	reply_check(reg, buf, strlen(buf), &vo, &rep, fs);
	for (i = k = 0; i < fs->n; i++) {
		enum finding_id id = fs->v[i].id;

		if (r->code[0] == '\0' && id != FID_UNKNOWN_SUBJECT &&
		    id != FID_UNREGISTERED && id != FID_DEPRECATED)
			continue;
		if (id == FID_GENERIC_CODE)
			continue;
		fs->v[k++] = fs->v[i];
	}
	fs->n = k;
}

/*
 * replyclass.c - one reply classified (see replyclass.h).
 */
#include "config.h"

#include <string.h>

#include "replyclass.h"
#include "strutil.h"
#include "xcode.h"

void
reply_classify(const struct tables *t, const struct reason_in *in,
    struct reply_class *rc)
{
	const struct registry *reg = t->reg;
	struct reason_out out;
	struct xcode x;

	memset(rc, 0, sizeof *rc);
	rc->subject = rc->detail = -1;
	if (in->xcode != NULL && in->xcode[0] != '\0' &&
	    xcode_parse(in->xcode, strlen(in->xcode), 0, &x, NULL) ==
	    strlen(in->xcode)) {
		rc->has_x = true;
		rc->cls = x.cls;
		rc->subject = (int)x.subject;
		rc->detail = (int)x.detail;
		rc->entry = registry_lookup(reg, x.subject, x.detail);
		rc->registered = rc->entry != NULL;
	} else if (in->code != NULL && in->code[0] >= '2' && in->code[0] <= '5') {
		rc->cls = (unsigned)(in->code[0] - '0');
	}
	reasons_classify(t->reasons, reg, in, &out);
	rc->provider = in->provider;
	rc->reason = out.reason;
	str_copy(rc->reason_detail, sizeof rc->reason_detail, out.detail);
	if (!rc->has_x && out.inferred) {
		rc->inferred = true;
		rc->subject = out.subject;
	}
}

const char *
provider_of_host(const struct tables *t, const char *host, size_t len)
{
	const char *semi;

	if (host == NULL)
		return NULL;
	/* "dns; mx.example.com" */
	if ((semi = memchr(host, ';', len)) != NULL) {
		len -= (size_t)(semi + 1 - host);
		host = semi + 1;
	}
	while (len > 0 && (*host == ' ' || *host == '\t'))
		host++, len--;
	return provider_of(t->providers, host, len);
}

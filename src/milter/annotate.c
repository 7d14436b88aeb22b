/*
 * annotate.c - monitor and DSN headers, "dsn" events (see annotate.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annotate.h"
#include "bounce_event.h"
#include "dsn.h"
#include "event.h"
#include "lm.h"
#include "log.h"
#include "mime.h"
#include "stats.h"
#include "strutil.h"
#include "track.h"

#define CTYPE_MAX	1024	/* a Content-Type value we keep */

/* header_name - "<prefix>DSN", "<prefix>Monitor" */
static void
header_name(const struct session *s, const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", s->cfg->set.header_prefix, what);
}

/* annotate_monitor - one header per hit (connection, message) */
int
annotate_monitor(struct session *s, SMFICTX *ctx)
{
	char name[128];
	unsigned i;
	int rc = 0;

	header_name(s, "Monitor", name, sizeof name);
	for (i = 0; i < s->nconn_mon; i++)
		if (lm_addheader(ctx, name, s->conn_mon[i].value) != MI_SUCCESS)
			rc = -1;
	for (i = 0; i < s->msg.nmon; i++)
		if (lm_addheader(ctx, name, s->msg.mon[i].value) != MI_SUCCESS)
			rc = -1;
	return rc;
}

/* keep_value - a copy of at most CTYPE_MAX bytes of a header value */
static int
keep_value(char **dst, const char *v)
{
	char *n = xstrndup(v, strnlen(v, CTYPE_MAX));

	if (n == NULL)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

/* annotate_header - what annotate_dsn needs of a header */
int
annotate_header(struct session *s, const char *name, const char *value)
{
	char own[128];

	if (value == NULL)
		value = "";
	if (strcasecmp(name, "Content-Type") == 0 && s->msg.ctype == NULL)
		return keep_value(&s->msg.ctype, value);
	if (strcasecmp(name, "Content-Transfer-Encoding") == 0 &&
	    s->msg.cte == NULL)
		return keep_value(&s->msg.cte, value);
	header_name(s, "DSN", own, sizeof own);
	if (strcasecmp(name, own) == 0)
		s->msg.forged_dsn++;
	return 0;
}

/* annotate_dsn_candidate - a report, or multipart from the null sender */
bool
annotate_dsn_candidate(const struct session *s)
{
	char type[64];

	if (s->msg.ctype == NULL)
		return false;
	if (dsn_is_report(s->msg.ctype))
		return true;
	mime_ctype(s->msg.ctype, type, sizeof type, NULL, NULL, 0);
	return s->msg.sender != NULL && s->msg.sender[0] == '\0' &&
	    strncmp(type, "multipart/", 10) == 0;
}

/* remove_forged - delete X-ESC-DSN headers the message came with */
static int
remove_forged(struct session *s, SMFICTX *ctx, const char *name)
{
	unsigned i;
	int rc = 0;

	/* Indexes are 1-based among headers of that name; from the last so
	   the others keep their numbers. */
	for (i = s->msg.forged_dsn; i > 0; i--)
		if (lm_delheader(ctx, name, (int)i) != MI_SUCCESS)
			rc = -1;
	if (s->msg.forged_dsn > 0)
		log_info("%s: removed %u %s header%s that came with the message",
		    s->id, s->msg.forged_dsn, name,
		    s->msg.forged_dsn == 1 ? "" : "s");
	return rc;
}

/*
 * tie - the "dsn" event of recipient r, tied to the delivery it reports
 * when the log follower knows it (with annotate_dsn and maillog =); a
 * permanent failure of a delivery the log recorded as sent is an
 * asynchronous bounce: counted once as an outbound rejection, with a
 * "reply" event.  A bounce our MTA wrote is never counted here: the log
 * counted the failure.
 */
/*
 * ours - our MTA wrote the bounce (its Reporting-MTA is the MTA's own
 * name, macro j) though the follower has not read the failure's line yet
 * (Postfix writes the bounce right after it): the delivery from the
 * bounce itself
 */
static bool
ours_now(const char *mta, const struct dsn *d, const struct dsn_rcpt *r,
    const struct dsn_class *c, struct ob_delivery *dl)
{
	const char *rep = d->reporting_mta, *semi = strchr(rep, ';');

	if (mta == NULL || mta[0] == '\0' || d->queue_id[0] == '\0')
		return false;
	if (semi != NULL)
		for (rep = semi + 1; *rep == ' '; rep++)
			;
	if (strcasecmp(rep, mta) != 0)
		return false;
	memset(dl, 0, sizeof *dl);
	str_copy(dl->qid, sizeof dl->qid, d->queue_id);
	str_copy(dl->msgid, sizeof dl->msgid, d->orig_msgid);
	str_copy(dl->remote, sizeof dl->remote, r->remote_mta);
	dl->status = c->cls == 5 ? OB_BOUNCED : OB_DEFERRED;
	dl->ms = -1;
	return true;
}

static json_t *
tie(struct session *s, SMFICTX *ctx, const struct event_common *ec,
    const struct dsn *d, const struct dsn_rcpt *r, const struct dsn_class *c)
{
	struct outbound *ob = track_table();
	struct ob_delivery *dl = NULL;
	struct reply_class rc;
	bool ours = false, async = false, found = false;
	json_t *ev = event_dsn(ec, d, r, c);

	if (ev == NULL)
		return NULL;
	if (ob != NULL && (dl = malloc(sizeof *dl)) != NULL)
		found = outbound_find(ob, d->queue_id, d->envid, d->orig_msgid,
		    dsn_recipient(r), dl, &ours) || (r->orig_rcpt[0] &&
		    outbound_find(ob, d->queue_id, d->envid, d->orig_msgid,
		    r->orig_rcpt, dl, &ours));
	if (!found && dl != NULL && ours_now(lm_macro(ctx, "j"), d, r, c, dl))
		found = ours = true;
	if (found && !ours && dl->status == OB_SENT && c->cls == 5 &&
	    outbound_take_async(ob, dl->qid, dsn_recipient(r))) {
		async = true;
		bounce_class(&s->cfg->tab, c, dl, &rc);
		rt_event(bounce_reply(ec, d, r, c, dl, &rc));
		stats_reply(rt_stats(), SRC_REMOTE, SDIR_OUTBOUND, SACT_REJECT,
		    MODE_ENFORCE, &rc, STAGE_NONE);
		log_info("%s: an asynchronous bounce: the server that took %s "
		    "(%s, line %lu) reports %s now", s->id, dl->qid, dl->file,
		    dl->line, c->has_code ? c->status : "a failure");
	}
	bounce_delivery(ev, found ? dl : NULL, ours, async);
	free(dl);
	return ev;
}

int
annotate_dsn(struct session *s, SMFICTX *ctx)
{
	struct event_common ec = session_event_common(s);
	char name[128], value[1024];
	struct dsn_class *c;
	struct dsn d;
	unsigned added = 0;
	size_t i;
	int rc;

	header_name(s, "DSN", name, sizeof name);
	rc = remove_forged(s, ctx, name);
	if (!s->msg.dsn || s->msg.body == NULL)
		return rc;
	if ((c = malloc(sizeof *c)) == NULL) {
		log_warnx("%s: out of memory reading a DSN", s->id);
		return -1;
	}
	dsn_init(&d);
	if (dsn_parse_body(&d, s->msg.ctype, s->msg.cte, s->msg.body,
	    s->msg.bodylen) != 0)
		log_warnx("%s: out of memory reading a DSN; annotating what was "
		    "read", s->id);
	for (i = 0; i < d.nrcpt; i++) {
		dsn_classify(&s->cfg->tab, &d, &d.rcpt[i], c);
		if (!c->failed)
			continue;
		if (added < ANNOTATE_MAX_HEADERS) {
			dsn_header(&d.rcpt[i], c, value, sizeof value);
			if (lm_addheader(ctx, name, value) != MI_SUCCESS)
				rc = -1;
			added++;
		}
		rt_event(tie(s, ctx, &ec, &d, &d.rcpt[i], c));
		stats_dsn(rt_stats(), c->cls, c->has_code ? (int)c->code.subject :
		    c->inferred ? (int)reason_info(c->reason)->subject : -1,
		    c->reason);
	}
	if (d.dropped > 0)
		log_info("%s: DSN with more than %d recipients; %zu not read",
		    s->id, DSN_MAX_RCPTS, d.dropped);
	dsn_free(&d);
	free(c);
	return rc;
}

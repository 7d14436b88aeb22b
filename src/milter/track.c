/*
 * track.c - our outbound deliveries, as the follower reads them (track.h).
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "strutil.h"
#include "trace_line.h"
#include "track.h"

static _Atomic(struct outbound *) table;

struct outbound *
track_table(void)
{
	return atomic_load(&table);
}

static void
spancpy(char *dst, size_t size, struct ml_span s)
{
	str_copyn(dst, size, s.p ? s.p : "", s.p ? s.n : 0);
}

/* delivery - each recipient of a delivery line of ours */
static void
delivery(struct outbound *o, enum ml_result res, const struct maillog_rec *r,
    const struct tline *tl, const struct logline *ll, const char *file,
    unsigned long line)
{
	struct ob_delivery d;
	char rcpt[400];
	unsigned i, k;

	memset(&d, 0, sizeof d);
	spancpy(d.qid, sizeof d.qid, r->queue_id);
	spancpy(d.program, sizeof d.program, r->program);
	spancpy(d.xcode, sizeof d.xcode, r->dsn);
	if (r->remote_name.p != NULL || r->remote_ip.p != NULL)
		snprintf(d.remote, sizeof d.remote, "%.*s[%.*s]",
		    r->remote_name.p ? (int)r->remote_name.n : 0,
		    r->remote_name.p ? r->remote_name.p : "",
		    r->remote_ip.p ? (int)r->remote_ip.n : 0,
		    r->remote_ip.p ? r->remote_ip.p : "");
	for (k = 0; k < tl->nlinks; k++)
		if (tl->link[k].how == TLH_QUEUED_AS && !tl->link[k].back)
			spancpy(d.remote_id, sizeof d.remote_id,
			    tl->link[k].id);
	str_copy(d.file, sizeof d.file, file);
	d.line = line;
	d.ms = ll->has_time ? ll->ms : -1;
	d.status = res == ML_DELIVERED ? OB_SENT : r->action == MLA_TEMPFAIL ?
	    OB_DEFERRED : OB_BOUNCED;
	for (i = 0; i < (r->nrcpt > 0 ? r->nrcpt : 1); i++) {
		if (i >= r->nrcpt || r->rcpt[i].p == NULL)
			break;
		spancpy(rcpt, sizeof rcpt, r->rcpt[i]);
		outbound_delivery(o, rcpt, &d, time(NULL));
	}
}

/* track_line - see track.h */
void
track_line(const struct logline *ll, enum ml_result res,
    const struct maillog_rec *r, const char *file, unsigned long line)
{
	struct outbound *o = atomic_load(&table);
	struct tline tl;
	char qid[32], msgid[256];

	if (o == NULL) {	/* the follower's thread only: no race */
		if ((o = outbound_new()) == NULL) {
			log_warnx("maillog: out of memory: bounces are not "
			    "tied to deliveries");
			return;
		}
		atomic_store(&table, o);
	}
	if (res == ML_NOTHING || res == ML_NOT_MTA) {
		/* cleanup's "QID: message-id=<...>", Sendmail's msgid= */
		if (ll->msglen < 12 || memchr(ll->msg, '=', ll->msglen) == NULL ||
		    !tline_parse(ll, &tl) || tl.kind != TL_QID ||
		    tl.msgid.p == NULL || tl.amavis)
			return;
		spancpy(qid, sizeof qid, tl.qid);
		spancpy(msgid, sizeof msgid, tl.msgid);
		outbound_message_id(o, qid, msgid, time(NULL));
		return;
	}
	/*
	 * A delivery to another server (a content filter's hand-off too: the
	 * message's Message-ID then leads to the re-injected id's delivery,
	 * the latest); a bounce or deferral of ours.
	 */
	if (r->queue_id.p == NULL || (res == ML_DELIVERED ?
	    r->remote_ip.p == NULL : res != ML_EVENT ||
	    r->direction != MLD_OUTBOUND))
		return;
	if (!tline_parse(ll, &tl))
		memset(&tl, 0, sizeof tl);
	delivery(o, res, r, &tl, ll, file, line);
}

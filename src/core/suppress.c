/*
 * suppress.c - the suppression rules (see suppress.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suppress.h"

/* sup_kind_of - see suppress.h */
enum sup_kind
sup_kind_of(const struct sup_obs *o)
{
	const struct reason_info *ri;

	if (o->ok || (unsigned)o->reason >= R_COUNT)
		return SUP_NEVER;
	ri = reason_info(o->reason);
	if (ri->suppress == RSUP_HARD)
		return o->cls == 5 ? SUP_HARD : SUP_NEVER;
	return ri->suppress == RSUP_SOFT ? SUP_SOFT : SUP_NEVER;
}

/* by_time - earlier first; at the same time a delivery last (it clears) */
static int
by_time(const void *a, const void *b)
{
	const struct sup_obs *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return (int)x->ok - (int)y->ok;
}

/* by_message - failures of one kind and message together, earliest
   first: a message's retries after its first failure are not counted */
static int
by_message(const void *a, const void *b)
{
	const struct sup_obs *x = a, *y = b;
	enum sup_kind kx = sup_kind_of(x), ky = sup_kind_of(y);

	if (kx != ky)
		return (int)kx - (int)ky;
	if (x->msg != y->msg)
		return x->msg < y->msg ? -1 : 1;
	return by_time(a, b);
}

/* take - obs counted for the verdict: the latest decides its reason */
static void
take(struct sup_verdict *v, const struct sup_obs *o, bool first)
{
	if (first)
		v->first = o->ms;
	v->last = o->ms;
	v->reason = o->reason;
	memcpy(v->code, o->code, sizeof v->code);
	memcpy(v->xcode, o->xcode, sizeof v->xcode);
}

/* suppress_judge - see suppress.h */
void
suppress_judge(struct sup_obs *obs, unsigned n, const struct sup_rules *r,
    struct sup_verdict *v)
{
	unsigned i, j, start = 0, m, nhard = 0, nsoft = 0, hard0 = 0;

	memset(v, 0, sizeof *v);
	v->reason = R_UNDEFINED;
	if (n == 0)
		return;
	qsort(obs, n, sizeof *obs, by_time);
	for (i = 0; i < n; i++)
		if (obs[i].ok) {
			start = i + 1;
			v->cleared = obs[i].ms;
		}
	/* what is left after the last delivery, without repeats: the first
	   failure of each message and kind, then the ones that count */
	m = n - start;
	obs += start;
	qsort(obs, m, sizeof *obs, by_message);
	for (i = 0, j = 0; i < m; i++) {
		enum sup_kind k = sup_kind_of(&obs[i]);

		if (k == SUP_NEVER || (j > 0 && obs[i].msg != 0 &&
		    obs[i].msg == obs[j - 1].msg &&
		    sup_kind_of(&obs[j - 1]) == k))
			continue;
		obs[j++] = obs[i];
	}
	m = j;
	qsort(obs, m, sizeof *obs, by_time);
	for (i = 0; i < m; i++) {
		if (sup_kind_of(&obs[i]) == SUP_HARD) {
			if (nhard == 0)
				hard0 = i;
			nhard++;
		}
	}
	if (nhard >= r->hard && nhard > 0) {
		v->suppress = true;
		v->kind = SUP_HARD;
		v->count = nhard;
		for (i = hard0; i < m; i++)
			if (sup_kind_of(&obs[i]) == SUP_HARD)
				take(v, &obs[i], i == hard0);
		return;
	}
	/* soft: N of them within the window; the latest such window */
	for (i = 0, j = 0; j < m; j++) {
		if (sup_kind_of(&obs[j]) != SUP_SOFT)
			continue;
		nsoft++;
		while (sup_kind_of(&obs[i]) != SUP_SOFT ||
		    obs[j].ms - obs[i].ms > r->within_ms) {
			if (sup_kind_of(&obs[i]) == SUP_SOFT)
				nsoft--;
			i++;
		}
		if (nsoft >= r->soft) {
			unsigned k;

			v->suppress = true;
			v->kind = SUP_SOFT;
			v->count = nsoft;
			for (k = i; k <= j; k++)
				if (sup_kind_of(&obs[k]) == SUP_SOFT)
					take(v, &obs[k], k == i);
		}
	}
}

/* suppress_reply - see suppress.h */
size_t
suppress_reply(const struct sup_verdict *v, char *buf, size_t size)
{
	static const struct {
		enum reason	 r;
		const char	*reply, *what;
	} map[] = {
		{ R_USERUNKNOWN, "550 5.1.1", "the mailbox does not exist" },
		{ R_HOSTUNKNOWN, "550 5.1.2", "the domain does not exist" },
		{ R_HASMOVED, "550 5.1.6", "the mailbox has moved" },
		{ R_NOTACCEPT, "556 5.1.10", "the domain accepts no mail" },
		{ R_SUSPEND, "550 5.2.1", "the mailbox is disabled" },
		{ R_MAILBOXFULL, "550 5.2.2", "the mailbox is full" },
	};
	const char *reply = "550 5.1.1", *what = "it refuses mail";
	char day[16];
	time_t t = (time_t)(v->last / 1000);
	struct tm tm;
	unsigned i;
	int n;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].r == v->reason) {
			reply = map[i].reply;
			what = map[i].what;
		}
	if (v->last > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	else
		snprintf(day, sizeof day, "unknown");
	n = snprintf(buf, size, "%s Suppressed, %s (%u %s "
	    "failure%s, the last on %s)", reply, what, v->count,
	    v->kind == SUP_SOFT ? "temporary" : "permanent",
	    v->count == 1 ? "" : "s", day);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/*
 * trace_out.c - a story's recipients and how each fared at each queue
 * id, and the story as text and as JSON (trace_cli.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "maillog.h"
#include "maillog_event.h"
#include "strutil.h"
#include "trace_cli.h"
#include "utf8.h"

static const char *
status_of(const struct maillog_rec *m, enum ml_result res)
{
	bool out = m->direction == MLD_OUTBOUND;

	if (res == ML_DELIVERED)
		return "sent";
	if (m->monitor)
		return "warned";
	switch (m->action) {
	case MLA_REJECT:
		return out ? "bounced" : "rejected";
	case MLA_TEMPFAIL:
		return out ? "deferred" : "tempfailed";
	case MLA_DISCARD:
		return "discarded";
	case MLA_HOLD:
		return "held";
	}
	return "unknown";
}

/* sent_text - the reply of a delivery: "status=sent (...)" */
static char *
sent_text(const char *s, size_t n)
{
	const char *p = NULL, *e;
	size_t i;

	for (i = 0; i + 6 < n; i++)
		if ((memcmp(s + i, "status=", 7) == 0 ||
		    memcmp(s + i, "stat=", 5) == 0) &&
		    (p = memchr(s + i, '(', n - i)) != NULL)
			break;
	if (p == NULL)
		return NULL;
	for (e = s + n; e > p && e[-1] != ')'; e--)
		;
	return e > p + 1 ? xstrndup(p + 1, (size_t)(e - p - 2)) : NULL;
}

static void
tout_clear(struct tout *o)
{
	free(o->rcpt);
	free(o->orig);
	free(o->text);
	free(o->remote);
	free(o->queued_as);
}

void
trace_outcomes_free(struct touts *os)
{
	size_t i;

	for (i = 0; i < os->n; i++)
		tout_clear(&os->v[i]);
	free(os->v);
	memset(os, 0, sizeof *os);
}

/* grow - room for one more outcome */
static int
grow(struct touts *os)
{
	size_t ncap = os->cap ? os->cap * 2 : 8;
	struct tout *nv;

	if (os->n < os->cap)
		return 0;
	if ((nv = realloc(os->v, ncap * sizeof *nv)) == NULL)
		return -1;
	os->v = nv;
	os->cap = ncap;
	return 0;
}

/* slot - the outcome of (qid, rcpt), new when there is none */
static struct tout *
slot(struct touts *os, const struct maillog_rec *m, struct ml_span rc)
{
	char qid[32];
	size_t i;
	struct tout *o;

	str_copyn(qid, sizeof qid, m->queue_id.p ? m->queue_id.p : "",
	    m->queue_id.p ? m->queue_id.n : 0);
	for (i = 0; i < os->n; i++) {
		o = &os->v[i];
		if (strcmp(o->qid, qid) == 0 &&
		    str_caseeqn(rc.p, rc.n, o->rcpt))
			return o;
	}
	if (grow(os) < 0)
		return NULL;
	o = &os->v[os->n];
	memset(o, 0, sizeof *o);
	if ((o->rcpt = xstrndup(rc.p ? rc.p : "", rc.n)) == NULL)
		return NULL;
	memcpy(o->qid, qid, sizeof qid);
	os->n++;
	return o;
}

/* remote - "name[ip]" of the other side */
static char *
remote(const struct maillog_rec *m)
{
	const struct ml_span *n = m->direction == MLD_OUTBOUND ?
	    &m->remote_name : &m->client_name;
	const struct ml_span *ip = m->direction == MLD_OUTBOUND ?
	    &m->remote_ip : &m->client_ip;
	char buf[600];

	if (n->p == NULL && ip->p == NULL)
		return NULL;
	snprintf(buf, sizeof buf, "%.*s%s%.*s%s", n->p ? (int)n->n : 0,
	    n->p ? n->p : "", ip->p ? "[" : "", ip->p ? (int)ip->n : 0,
	    ip->p ? ip->p : "", ip->p ? "]" : "");
	return strdup(buf);
}

/* one - the outcome a line gives recipient i */
static int
one(const struct tview *v, struct touts *os, const struct maillog_rec *m,
    enum ml_result res, unsigned i, const struct tline *tl,
    const struct trace_rec *r)
{
	struct ml_span rc = i < m->nrcpt ? m->rcpt[i] : tl->rcpt;
	struct tout *o = slot(os, m, rc);
	char cx[XCODE_STRLEN];
	unsigned k;

	if (o == NULL)
		return -1;
	o->attempts++;
	free(o->text);
	free(o->remote);
	free(o->queued_as);
	o->text = o->remote = o->queued_as = NULL;
	if (o->orig == NULL && tl->orig_rcpt.p != NULL &&
	    (o->orig = xstrndup(tl->orig_rcpt.p, tl->orig_rcpt.n)) == NULL)
		return -1;
	o->status = status_of(m, res);
	str_copy(o->code, sizeof o->code, m->code);
	str_copy(o->xcode, sizeof o->xcode, maillog_class_xcode(m, cx,
	    sizeof cx));
	o->classified = res == ML_EVENT;
	if (o->classified)
		maillog_classify(v->tab, m, &o->rc);
	if (res == ML_EVENT && m->textlen > 0)
		o->text = xstrndup(m->text, m->textlen);
	else if (res == ML_DELIVERED)
		o->text = sent_text(r->text, r->len);
	if (o->code[0] == '\0' && o->text != NULL && o->text[0] >= '2' &&
	    o->text[0] <= '5' && isdigit((unsigned char)o->text[1]) &&
	    isdigit((unsigned char)o->text[2]) && (o->text[3] == ' ' ||
	    o->text[3] == '-' || o->text[3] == '\0'))
		str_copyn(o->code, sizeof o->code, o->text, 3);
	o->remote = remote(m);
	for (k = 0; k < tl->nlinks; k++)
		if (tl->link[k].how == TLH_QUEUED_AS && !tl->link[k].back) {
			o->queued_as = xstrndup(tl->link[k].id.p,
			    tl->link[k].id.n);
			break;
		}
	o->file = r->file;
	o->line = r->line;
	o->ms = r->ms;
	return 0;
}

/* trace_outcomes - see trace_cli.h */
int
trace_outcomes(const struct tview *v, const struct trace_story *s,
    struct touts *os)
{
	struct maillog_rec *m = malloc(sizeof *m);
	size_t i;
	unsigned k;
	int rc = 0;

	memset(os, 0, sizeof *os);
	if (m == NULL)
		return -1;
	for (i = 0; i < s->nrecs && rc == 0; i++) {
		const struct trace_rec *r = s->recs[i];
		struct logline ll;
		struct tline tl;
		enum ml_result res;

		if (!logline_parse(r->text, r->len, &v->years[r->file], &ll))
			continue;
		res = maillog_parse_ex(&ll, MLM_AUTO, MLF_DELIVERED, m);
		if (res != ML_EVENT && res != ML_DELIVERED)
			continue;
		(void)tline_parse(&ll, &tl);
		for (k = 0; k < (m->nrcpt > 0 ? m->nrcpt : 1) && rc == 0; k++)
			rc = one(v, os, m, res, k, &tl, r);
	}
	free(m);
	return rc;
}

/* ts - a time as the events write it; "-" when none */
static const char *
ts(long long ms, char *buf, size_t size)
{
	return ms >= 0 ? logline_ts(ms, buf, size) : "-";
}

static void put(const char *, FILE *);

/* trace_put - see trace_cli.h */
void
trace_put(const char *s, FILE *fp)
{
	put(s, fp);
}

/* put - a log's bytes for a terminal: controls and invalid UTF-8 as ? */
static void
put(const char *s, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	while (n > 0) {
		if (*p < 0x80) {
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, fp);
			k = 1;
		} else if ((k = utf8_seq(p, n)) > 0) {
			fwrite(p, 1, k, fp);
		} else {
			fputc('?', fp);
			k = 1;
		}
		p += k;
		n -= k;
	}
}

static void
text_outcome(const struct tview *v, const struct tout *o, FILE *fp)
{
	fprintf(fp, "      %-16s %-10s %-3s %-9s", o->qid[0] ? o->qid :
	    "NOQUEUE", o->status, o->code[0] ? o->code : "-",
	    o->xcode[0] ? o->xcode : "-");
	if (o->classified) {
		fprintf(fp, " %s%s%s", reason_name(o->rc.reason),
		    o->rc.reason_detail[0] ? ":" : "", o->rc.reason_detail);
		if (o->rc.entry != NULL && o->rc.entry->sample[0])
			fprintf(fp, " (%s)", o->rc.entry->sample);
	}
	if (o->remote != NULL) {
		fprintf(fp, " %s ", strcmp(o->status, "sent") == 0 ||
		    strcmp(o->status, "bounced") == 0 ||
		    strcmp(o->status, "deferred") == 0 ? "to" : "from");
		put(o->remote, fp);
	}
	if (o->queued_as != NULL)
		fprintf(fp, ", queued as %s", o->queued_as);
	if (o->attempts > 1)
		fprintf(fp, ", after %u lines", o->attempts);
	fprintf(fp, "  %s:%lu\n", v->files[o->file], o->line);
	if (o->text != NULL) {
		fprintf(fp, "%23s\"", "");
		put(o->text, fp);
		fputs("\"\n", fp);
	}
}

static void
text_list(const char *label, const struct trace_strs *ss, FILE *fp)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		bool null = strcmp(ss->v[i], "<>") == 0;

		fprintf(fp, "  %-11s%s", i == 0 ? label : "", null ? "" : "<");
		put(ss->v[i], fp);
		fputs(null ? "\n" : ">\n", fp);
	}
}

/* text_recipients - each recipient once, with its outcomes */
static void
text_recipients(const struct tview *v, const struct touts *os, FILE *fp)
{
	size_t i, j;

	for (i = 0; i < os->n; i++) {
		for (j = 0; j < i; j++)
			if (str_caseeq(os->v[j].rcpt, os->v[i].rcpt))
				break;
		if (j < i)
			continue;
		fprintf(fp, "  %-11s<", i == 0 ? "recipient" : "");
		put(os->v[i].rcpt, fp);
		fputc('>', fp);
		for (j = i; j < os->n; j++)
			if (str_caseeq(os->v[j].rcpt, os->v[i].rcpt) &&
			    os->v[j].orig != NULL) {
				fputs(" (was <", fp);
				put(os->v[j].orig, fp);
				fputs(">)", fp);
				break;
			}
		fputc('\n', fp);
		for (j = i; j < os->n; j++)
			if (str_caseeq(os->v[j].rcpt, os->v[i].rcpt))
				text_outcome(v, &os->v[j], fp);
	}
}

/* trace_text - see trace_cli.h */
void
trace_text(const struct tview *v, const struct trace_story *s,
    const struct touts *os, FILE *fp)
{
	char t1[40], t2[40];
	size_t i, k;

	fputs(s->noqueue ? "refused before the queue" : "message", fp);
	for (i = 0; i < s->nqids; i++)
		fprintf(fp, "%s%s", i == 0 ? " " : " > ", s->qids[i]->id);
	fprintf(fp, "\n  %-11s%s .. %s, %zu line%s%s\n", "time",
	    ts(s->first_ms, t1, sizeof t1), ts(s->last_ms, t2, sizeof t2),
	    s->nrecs, s->nrecs == 1 ? "" : "s", s->complete ? "" :
	    "; not over at the end of the log");
	for (i = k = 0; i < s->nqids; i++)	/* who sent it in */
		if (s->qids[i]->client != NULL && s->qids[i]->how ==
		    TLH_RECEIVED) {
			fprintf(fp, "  %-11s", k++ == 0 ? "client" : "");
			put(s->qids[i]->client, fp);
			fputc('\n', fp);
		}
	for (i = 0; s->noqueue && i < s->client_ips.n; i++) {
		fprintf(fp, "  %-11s", i == 0 ? "client" : "");
		if (s->client_names.n == 1 && s->client_ips.n == 1) {
			put(s->client_names.v[0], fp);
			fputc('[', fp);
			put(s->client_ips.v[i], fp);
			fputc(']', fp);
		} else {
			put(s->client_ips.v[i], fp);
		}
		fputc('\n', fp);
	}
	text_list("sender", &s->senders, fp);
	text_list("message-id", &s->msgids, fp);
	for (i = 0; i < s->nqids; i++) {
		const struct trace_qid *q = s->qids[i];

		fprintf(fp, "  %-11s%-16s %s%s%s, ", i == 0 ? "queue" : "",
		    q->id, tline_how_name(q->how), q->from ? ", from " : "",
		    q->from ? q->from : "");
		if (q->host == NULL) {
			fputs("on a host whose log is not here\n", fp);
			continue;
		}
		fputs("on ", fp);
		put(q->host[0] ? q->host : "-", fp);
		if (q->client != NULL && q->how != TLH_RECEIVED) {
			fputs(", sent in by ", fp);
			put(q->client, fp);
		}
		fputs(q->sendmail ? (q->final ? ", done\n" : ", not done\n") :
		    q->removed ? ", removed\n" : ", still queued\n", fp);
	}
	text_recipients(v, os, fp);
}

/* trace_text_lines - see trace_cli.h */
void
trace_text_lines(const struct tview *v, const struct trace_story *s,
    FILE *fp)
{
	size_t i;

	fprintf(fp, "  lines\n");
	for (i = 0; i < s->nrecs; i++) {
		fprintf(fp, "    %s:%lu  ", v->files[s->recs[i]->file],
		    s->recs[i]->line);
		put(s->recs[i]->text, fp);
		fputc('\n', fp);
	}
}

static json_t *
jstrs(const struct trace_strs *ss)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < ss->n; i++)
		json_array_append_new(a, event_str(ss->v[i]));
	return a;
}

static json_t *
jtime(long long ms)
{
	char b[40];

	return ms >= 0 ? json_string(logline_ts(ms, b, sizeof b)) : json_null();
}

static json_t *
jlog(const struct tview *v, unsigned file, unsigned long line)
{
	return json_pack("{s:s, s:I}", "file", v->files[file], "line",
	    (json_int_t)line);
}

static json_t *
joutcome(const struct tview *v, const struct tout *o)
{
	json_t *j = json_object();

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "queue_id", o->qid[0] ? json_string(o->qid) :
	    json_null());
	json_object_set_new(j, "status", json_string(o->status));
	json_object_set_new(j, "code", o->code[0] ? json_string(o->code) :
	    json_null());
	json_object_set_new(j, "xcode", o->xcode[0] ? json_string(o->xcode) :
	    json_null());
	json_object_set_new(j, "text", event_str(o->text));
	json_object_set_new(j, "remote", event_str(o->remote));
	json_object_set_new(j, "queued_as", event_str(o->queued_as));
	if (o->classified) {
		json_object_set_new(j, "reason", json_string(reason_name(
		    o->rc.reason)));
		json_object_set_new(j, "reason_detail", o->rc.reason_detail[0] ?
		    json_string(o->rc.reason_detail) : json_null());
		json_object_set_new(j, "category", json_string(category_name(
		    o->rc.subject >= 0 ? category_of((unsigned)o->rc.subject) :
		    CAT_UNKNOWN)));
		json_object_set_new(j, "registered", json_boolean(
		    o->rc.registered));
		json_object_set_new(j, "meaning", o->rc.entry != NULL &&
		    o->rc.entry->sample[0] ? json_string(o->rc.entry->sample) :
		    json_null());
	}
	json_object_set_new(j, "attempts", json_integer(o->attempts));
	json_object_set_new(j, "time", jtime(o->ms));
	json_object_set_new(j, "log", jlog(v, o->file, o->line));
	return j;
}

/* jrecipients - [{address, orig, outcomes: [...]}] */
static json_t *
jrecipients(const struct tview *v, const struct touts *os)
{
	json_t *a = json_array(), *r, *outs;
	size_t i, j;

	for (i = 0; a != NULL && i < os->n; i++) {
		for (j = 0; j < i; j++)
			if (str_caseeq(os->v[j].rcpt, os->v[i].rcpt))
				break;
		if (j < i)
			continue;
		outs = json_array();
		r = json_pack("{s:o, s:o, s:o}", "address",
		    event_str(os->v[i].rcpt), "orig", event_str(os->v[i].orig),
		    "outcomes", outs);
		for (j = i; r != NULL && j < os->n; j++)
			if (str_caseeq(os->v[j].rcpt, os->v[i].rcpt))
				json_array_append_new(outs, joutcome(v,
				    &os->v[j]));
		json_array_append_new(a, r);
	}
	return a;
}

/* trace_json - see trace_cli.h */
json_t *
trace_json(const struct tview *v, const struct trace_story *s,
    const struct touts *os)
{
	json_t *j = json_object(), *qs = json_array(), *ls = json_array();
	size_t i;

	if (j == NULL || qs == NULL || ls == NULL) {
		json_decref(j);
		json_decref(qs);
		json_decref(ls);
		return NULL;
	}
	for (i = 0; i < s->nqids; i++) {
		const struct trace_qid *q = s->qids[i];

		json_array_append_new(qs, json_pack("{s:s, s:o, s:s, s:o, s:o,"
		    " s:b, s:o, s:o}", "id", q->id, "host", event_str(q->host),
		    "how", tline_how_name(q->how), "from", event_str(q->from),
		    "client", event_str(q->client),
		    "done", q->sendmail ? q->final : q->removed,
		    "first", jtime(q->first_ms), "last", jtime(q->last_ms)));
	}
	for (i = 0; i < s->nrecs; i++) {
		const struct trace_rec *r = s->recs[i];
		json_t *l = jlog(v, r->file, r->line);

		json_object_set_new(l, "time", jtime(r->ms));
		json_object_set_new(l, "text", event_strn(r->text, r->len));
		json_array_append_new(ls, l);
	}
	json_object_set_new(j, "queue_ids", qs);
	json_object_set_new(j, "noqueue", json_boolean(s->noqueue));
	json_object_set_new(j, "complete", json_boolean(s->complete));
	json_object_set_new(j, "first", jtime(s->first_ms));
	json_object_set_new(j, "last", jtime(s->last_ms));
	json_object_set_new(j, "client_ips", jstrs(&s->client_ips));
	json_object_set_new(j, "client_names", jstrs(&s->client_names));
	json_object_set_new(j, "senders", jstrs(&s->senders));
	json_object_set_new(j, "message_ids", jstrs(&s->msgids));
	json_object_set_new(j, "recipients", jrecipients(v, os));
	json_object_set_new(j, "lines", ls);
	return j;
}

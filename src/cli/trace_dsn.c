/*
 * trace_dsn.c - esc trace --dsn FILE: the message a bounce reports, found
 * by the bounce's X-Postfix-Queue-ID (our queue id, or the remote's that
 * our log names in "queued as"), Original-Envelope-Id, the returned
 * message's Message-ID and its recipients; the bounce's status next to
 * the log's, with a finding where they disagree (trace_cli.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "strutil.h"
#include "trace_cli.h"

#define DSN_FILE_MAX	(64 * 1024 * 1024)

/* tdsn_load - see trace_cli.h */
int
tdsn_load(struct cli *c, const char *path, struct tdsn *t)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t len, n;

	memset(t, 0, sizeof *t);
	dsn_init(&t->d);
	if (fp == NULL) {
		cli_error(c, "--dsn %s: %s", path, strerror(errno));
		return -1;
	}
	buf = cli_read_stream(fp, DSN_FILE_MAX, &len);
	if (fp != stdin)
		fclose(fp);
	if (buf == NULL) {
		cli_error(c, "--dsn %s: cannot read (larger than 64 MB?)",
		    path);
		return -1;
	}
	if (dsn_parse_message(&t->d, buf, len) < 0) {
		free(buf);
		cli_error(c, "--dsn %s: out of memory", path);
		return -1;
	}
	free(buf);
	if (t->d.nparts == 0) {
		cli_error(c, "--dsn %s: not a delivery status notification "
		    "(no message/delivery-status part); esc dsn %s says more",
		    path, path);
		dsn_free(&t->d);
		return -1;
	}
	str_copy(t->msgid, sizeof t->msgid, t->d.orig_msgid);
	n = strlen(t->d.envid);
	if (t->d.queue_id[0] == '\0' && n == 0 && t->msgid[0] == '\0' &&
	    t->d.nrcpt == 0) {
		cli_error(c, "--dsn %s: the bounce names no queue id, envelope "
		    "id, Message-ID or recipient to look for", path);
		dsn_free(&t->d);
		return -1;
	}
	if ((t->path = strdup(path)) == NULL) {
		dsn_free(&t->d);
		return -1;
	}
	return 0;
}

void
tdsn_free(struct tdsn *t)
{
	dsn_free(&t->d);
	free(t->path);
}

static bool
has_qid(const struct trace_story *s, const char *id)
{
	size_t i;

	for (i = 0; id[0] && i < s->nqids; i++)
		if (strcmp(s->qids[i]->id, id) == 0)
			return true;
	return false;
}

/* tdsn_match - see trace_cli.h */
bool
tdsn_match(const struct tdsn *t, const struct trace_story *s)
{
	const struct dsn *d = &t->d;
	bool ids = d->queue_id[0] || d->envid[0] || t->msgid[0], hit, rcpt =
	    false;
	size_t i;

	hit = has_qid(s, d->queue_id) || has_qid(s, d->envid) ||
	    (t->msgid[0] && trace_strs_has(&s->msgids, t->msgid)) ||
	    (d->envid[0] && trace_strs_has(&s->msgids, d->envid));
	for (i = 0; i < d->nrcpt && !rcpt; i++)
		rcpt = (d->rcpt[i].final_rcpt[0] && trace_strs_has(&s->rcpts,
		    d->rcpt[i].final_rcpt)) || (d->rcpt[i].orig_rcpt[0] &&
		    trace_strs_has(&s->rcpts, d->rcpt[i].orig_rcpt));
	if (ids)
		return hit && (d->nrcpt == 0 || s->rcpts.n == 0 || rcpt);
	return rcpt && !s->noqueue;
}

/* logged - what the log says of the address: the last refusal, else the
   last delivery; NULL when nothing */
static const struct tout *
logged(const struct touts *os, const struct dsn_rcpt *r)
{
	const struct tout *sent = NULL, *bad = NULL;
	size_t i;

	for (i = 0; i < os->n; i++) {
		const struct tout *o = &os->v[i];
		bool me = (r->final_rcpt[0] && (str_caseeq(o->rcpt,
		    r->final_rcpt) || (o->orig && str_caseeq(o->orig,
		    r->final_rcpt)))) || (r->orig_rcpt[0] && (str_caseeq(
		    o->rcpt, r->orig_rcpt) || (o->orig && str_caseeq(o->orig,
		    r->orig_rcpt))));

		if (!me)
			continue;
		if (strcmp(o->status, "sent") == 0)
			sent = o;
		else
			bad = o;
	}
	return bad != NULL ? bad : sent;
}

/* judge - the findings on one recipient */
static void
judge(struct tdsn *t, const struct dsn_class *k, const struct tout *o,
    struct findings *fs)
{
	unsigned i;

	findings_init(fs);
	if (o == NULL) {
		findings_add(fs, FID_NOT_IN_LOG, SEV_WARNING, 0, 0, "the log "
		    "has no delivery to this address in this message: the "
		    "bounce may belong to another message, or the log to "
		    "another host");
	} else if (strcmp(o->status, "sent") == 0 && k->failed) {
		findings_add(fs, FID_ASYNC_BOUNCE, SEV_NOTE, 0, 0, "%s took "
		    "the message (%s%s%s) and sent this bounce afterwards: an "
		    "asynchronous bounce, the only record of the refusal",
		    o->remote ? o->remote : "the next server",
		    o->code[0] ? o->code : "sent", o->xcode[0] ? " " : "",
		    o->xcode);
	} else if (k->has_code && o->xcode[0] && strcmp(k->status,
	    o->xcode) != 0) {
		findings_add(fs, FID_LOG_MISMATCH, SEV_WARNING, 0, 0, "the "
		    "bounce says %s, the log %s%s%s for the same recipient",
		    k->status, o->xcode, o->remote ? " from " : "",
		    o->remote ? o->remote : "");
	}
	for (i = 0; i < fs->n; i++) {
		t->any_finding = true;
		if ((unsigned)fs->v[i].sev > t->worst)
			t->worst = fs->v[i].sev;
	}
}

/* tdsn_text - see trace_cli.h */
void
tdsn_text(const struct tview *v, struct tdsn *t, const struct touts *os,
    FILE *fp)
{
	const struct dsn *d = &t->d;
	struct dsn_class k;
	struct findings fs;
	size_t i;

	fprintf(fp, "  bounce     ");
	trace_put(t->path, fp);
	if (d->reporting_mta[0]) {
		const char *m = d->reporting_mta, *semi = strchr(m, ';');

		if (semi != NULL)	/* "dns; mx.example.com" */
			for (m = semi + 1; *m == ' '; m++)
				;
		fputs(", from ", fp);
		trace_put(m, fp);
	}
	if (d->queue_id[0]) {
		fputs(", queue id ", fp);
		trace_put(d->queue_id, fp);
	}
	if (t->msgid[0]) {
		fputs(", about <", fp);
		trace_put(t->msgid, fp);
		fputc('>', fp);
	}
	fputc('\n', fp);
	for (i = 0; i < d->nrcpt; i++) {
		const struct dsn_rcpt *r = &d->rcpt[i];
		const struct tout *o = logged(os, r);
		const char *act;

		dsn_classify(v->tab, d, r, &k);
		judge(t, &k, o, &fs);
		fputs("    <", fp);
		trace_put(dsn_recipient(r), fp);
		fputs(">\n      bounce   ", fp);
		act = r->action[0] ? r->action : "-";
		trace_put(act, fp);
		fprintf(fp, "%*s %-9s %s", strlen(act) < 8 ? (int)(8 -
		    strlen(act)) : 0, "", k.has_code ? k.status : "-",
		    reason_name(k.reason));
		if (r->diagnostic[0]) {
			fputs("  ", fp);
			trace_put(r->diagnostic, fp);
		}
		fputc('\n', fp);
		if (o != NULL) {
			fprintf(fp, "      log      %-8s %-9s %s%s", o->status,
			    o->xcode[0] ? o->xcode : "-", o->code,
			    o->code[0] ? " " : "");
			trace_put(o->text ? o->text : "", fp);
			fprintf(fp, "  %s:%lu\n", v->files[o->file], o->line);
		} else {
			fputs("      log      nothing\n", fp);
		}
		cli_print_findings(v->c, &fs, fp, "      ");
	}
}

/* tdsn_json - see trace_cli.h */
json_t *
tdsn_json(const struct tview *v, struct tdsn *t, const struct touts *os)
{
	const struct dsn *d = &t->d;
	json_t *rs = json_array();
	struct dsn_class k;
	struct findings fs;
	size_t i;

	for (i = 0; rs != NULL && i < d->nrcpt; i++) {
		const struct dsn_rcpt *r = &d->rcpt[i];
		const struct tout *o = logged(os, r);

		dsn_classify(v->tab, d, r, &k);
		judge(t, &k, o, &fs);
		json_array_append_new(rs, json_pack("{s:o, s:o, s:o, s:o, s:s,"
		    " s:o, s:o, s:o}",
		    "address", event_str(dsn_recipient(r)),
		    "action", event_str(r->action[0] ? r->action : NULL),
		    "status", k.has_code ? json_string(k.status) : json_null(),
		    "diagnostic", event_str(r->diagnostic[0] ? r->diagnostic :
		    NULL), "reason", reason_name(k.reason),
		    "log_status", o ? json_string(o->status) : json_null(),
		    "log", o ? json_pack("{s:s, s:I}", "file",
		    v->files[o->file], "line", (json_int_t)o->line) :
		    json_null(),
		    "findings", cli_json_findings(v->c, &fs)));
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
	    "file", event_str(t->path),
	    "reporting_mta", event_str(d->reporting_mta[0] ? d->reporting_mta :
	    NULL),
	    "queue_id", event_str(d->queue_id[0] ? d->queue_id : NULL),
	    "envelope_id", event_str(d->envid[0] ? d->envid : NULL),
	    "message_id", event_str(t->msgid[0] ? t->msgid : NULL),
	    "recipients", rs);
}

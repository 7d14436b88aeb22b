/*
 * follow_state.c - the follower's state file and the event log read back
 * (see follow_state.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "follow_state.h"
#include "log.h"
#include "maillog_event.h"
#include "stage.h"

#define MAGIC1		"esc-milter maillog 1"
#define MAGIC2		"esc-milter maillog 2"
#define LINE_MAX_	(1024 * 1024 + 4096)

/* fstate_text - see follow_state.h */
char *
fstate_text(const char *path, unsigned long long dev, unsigned long long ino,
    long long offset, unsigned long line, bool clean, const struct fheld *held,
    size_t nheld, struct seen *seen)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);
	int rc = 0;

	if (fp == NULL)
		return NULL;
	if (fprintf(fp, "%s\t%s\t%llu\t%llu\t%lld\t%lu\t%d\n", MAGIC2, path,
	    dev, ino, offset, line, clean ? 1 : 0) < 0)
		rc = -1;
	for (i = 0; rc == 0 && i < nheld; i++) {
		json_t *s = json_string(held[i].text);
		char *q = s ? json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT |
		    JSON_ENSURE_ASCII) : NULL;

		if (q == NULL || fprintf(fp, "held\t%s\t%lu\t%u\t%s\n",
		    held[i].file, held[i].line, held[i].rcpt, q) < 0)
			rc = -1;
		free(q);
		json_decref(s);
	}
	if (rc == 0 && seen_save(seen, fp) < 0)
		rc = -1;
	if (fclose(fp) != 0 || rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* fstate_write - see follow_state.h */
int
fstate_write(const char *path, const char *text, const struct fevents *ev)
{
	char tmp[4200];
	const char *nl = strchr(text, '\n');
	FILE *fp;
	int rc = 0, e;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	/* the first line, then where the event log ended, then the rest */
	if (nl == NULL || fwrite(text, 1, (size_t)(nl + 1 - text), fp) !=
	    (size_t)(nl + 1 - text))
		rc = -1;
	if (rc == 0 && ev != NULL && ev->known &&
	    fprintf(fp, "events\t%s\t%llu\t%llu\t%lld\n", ev->path, ev->dev,
	    ev->ino, ev->size) < 0)
		rc = -1;
	if (rc == 0 && fputs(nl + 1, fp) == EOF && nl[1] != '\0')
		rc = -1;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = -1;
	e = errno;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	errno = e ? e : EIO;
	return -1;
}

/* fckpt_write - see follow_state.h */
void
fckpt_write(void *arg, const struct sink_pos *pos)
{
	struct fckpt *c = arg;
	struct fevents ev;

	memset(&ev, 0, sizeof ev);
	if (pos->file) {
		ev.known = true;
		snprintf(ev.path, sizeof ev.path, "%s", pos->path);
		ev.dev = pos->dev;
		ev.ino = pos->ino;
		ev.size = pos->size;
	}
	if (fstate_write(c->path, c->text, &ev) < 0)
		log_warn("maillog: cannot write the state %s", c->path);
	free(c->text);
	free(c);
}

/* split - at most n TAB-separated fields of s (cut in place) */
static int
split(char *s, char **f, int n)
{
	int i = 0;

	f[i++] = s;
	while (i < n && (f[i] = strchr(f[i - 1], '\t')) != NULL)
		*f[i++]++ = '\0';
	return i;
}

static bool
number(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* held_line - "held\tFILE\tLINE\tRCPT\tJSON" into st */
static bool
held_line(struct fstate *st, char *s)
{
	char *fld[5];
	unsigned long long line, rcpt;
	json_t *j;
	struct fheld *h;

	if (split(s, fld, 5) != 5 || !number(fld[2], &line) ||
	    !number(fld[3], &rcpt) || rcpt > 1000 ||
	    (j = json_loads(fld[4], JSON_DECODE_ANY, NULL)) == NULL)
		return false;
	if (!json_is_string(j) || (h = reallocarray(st->held, st->nheld + 1,
	    sizeof *h)) == NULL) {
		json_decref(j);
		return false;
	}
	st->held = h;
	h = &st->held[st->nheld];
	h->file = strdup(fld[1]);
	h->text = strdup(json_string_value(j));
	h->line = (unsigned long)line;
	h->rcpt = (unsigned)rcpt;
	json_decref(j);
	if (h->file == NULL || h->text == NULL) {
		free(h->file);
		free(h->text);
		return false;
	}
	st->nheld++;
	return true;
}

/* fstate_read - see follow_state.h */
int
fstate_read(const char *path, const char *logpath, struct fstate *st,
    struct seen *seen, char *why, size_t whysize)
{
	char *buf = malloc(LINE_MAX_), *fld[7];
	unsigned long long v[4];
	unsigned long lineno = 1;
	FILE *fp;
	int n, rc = 1;

	memset(st, 0, sizeof *st);
	why[0] = '\0';
	if (buf == NULL) {
		snprintf(why, whysize, "%s", strerror(ENOMEM));
		return -1;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		free(buf);
		if (errno == ENOENT)
			return 0;
		snprintf(why, whysize, "%s", strerror(errno));
		return -1;
	}
	if (fgets(buf, LINE_MAX_, fp) == NULL || strchr(buf, '\n') == NULL) {
		snprintf(why, whysize, "its first line is %s", feof(fp) ?
		    "missing or cut" : "too long");
		rc = -1;
		goto out;
	}
	buf[strcspn(buf, "\n")] = '\0';
	n = split(buf, fld, 7);
	st->version = strcmp(fld[0], MAGIC2) == 0 ? 2 :
	    strcmp(fld[0], MAGIC1) == 0 ? 1 : 0;
	if (st->version == 0 || n < 6 || (st->version == 2 && n < 7) ||
	    !number(fld[2], &v[0]) || !number(fld[3], &v[1]) ||
	    !number(fld[4], &v[2]) || !number(fld[5], &v[3])) {
		snprintf(why, whysize, "it is not an esc-milter maillog state "
		    "(line 1)");
		rc = -1;
		goto out;
	}
	if (strcmp(fld[1], logpath) != 0) {
		snprintf(why, whysize, "it is the state of another log, %.100s",
		    fld[1]);
		rc = -1;
		goto out;
	}
	snprintf(st->path, sizeof st->path, "%s", fld[1]);
	st->dev = v[0];
	st->ino = v[1];
	st->offset = (long long)v[2];
	st->line = (unsigned long)v[3];
	st->clean = st->version == 1 || strcmp(fld[6], "1") == 0;
	while (fgets(buf, LINE_MAX_, fp) != NULL) {
		lineno++;
		if (strchr(buf, '\n') == NULL) {
			snprintf(why, whysize, "line %lu is cut (a crash while "
			    "it was written?)", lineno);
			rc = -1;
			break;
		}
		buf[strcspn(buf, "\n")] = '\0';
		if (strncmp(buf, "events\t", 7) == 0) {
			n = split(buf, fld, 5);
			if (n != 5 || !number(fld[2], &v[0]) ||
			    !number(fld[3], &v[1]) || !number(fld[4], &v[2])) {
				snprintf(why, whysize, "line %lu: a bad events "
				    "line", lineno);
				rc = -1;
				break;
			}
			st->ev.known = true;
			snprintf(st->ev.path, sizeof st->ev.path, "%s", fld[1]);
			st->ev.dev = v[0];
			st->ev.ino = v[1];
			st->ev.size = (long long)v[2];
		} else if (strncmp(buf, "held\t", 5) == 0) {
			if (!held_line(st, buf)) {
				snprintf(why, whysize, "line %lu: a bad held "
				    "line", lineno);
				rc = -1;
				break;
			}
		} else if (!seen_load_line(seen, buf)) {
			snprintf(why, whysize, "line %lu is not a seen entry",
			    lineno);
			rc = -1;
			break;
		}
	}
out:
	fclose(fp);
	free(buf);
	if (rc < 0)
		fstate_free(st);
	return rc;
}

/* fstate_free - see follow_state.h */
void
fstate_free(struct fstate *st)
{
	size_t i;

	for (i = 0; i < st->nheld; i++) {
		free(st->held[i].file);
		free(st->held[i].text);
	}
	free(st->held);
	memset(st, 0, sizeof *st);
}

static int
cmp_line(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void
add_line(struct flines *l, unsigned long line)
{
	unsigned long *nv;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		if ((nv = reallocarray(l->v, cap, sizeof *nv)) == NULL)
			return;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = line;
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* milter_event - a rejection the milter counted itself: back into seen */
static void
milter_event(json_t *ev, struct seen *seen)
{
	const char *src = jstr(ev, "source"), *act = jstr(ev, "action"),
	    *mode = jstr(ev, "mode"), *stage = jstr(ev, "stage"),
	    *rcpt = jstr(ev, "recipient"), *qid = jstr(ev, "queue_id"),
	    *ip = jstr(json_object_get(ev, "client"), "ip");
	const char *xcode = jstr(json_object_get(ev, "reply"), "xcode");
	bool discard = act != NULL && strcmp(act, "discard") == 0;
	char key[MAILLOG_KEY_MAX];

	if (src == NULL || act == NULL || (mode != NULL &&
	    strcmp(mode, "monitor") == 0) || (strcmp(src, "milter") != 0 &&
	    strcmp(src, "mta") != 0))
		return;
	if (maillog_key_make(strcmp(src, "mta") == 0 ? "mta" : "milter",
	    discard ? NULL : stage, discard ? NULL : xcode, rcpt,
	    rcpt ? strlen(rcpt) : 0, key, sizeof key) > 0)
		seen_add(seen, key, ip ? ip : "", qid ? qid : "", time(NULL));
}

/* fstate_scan - see follow_state.h */
long
fstate_scan(const struct fevents *ev, const char *logfile,
    struct flines *lines, struct seen *seen, char *why, size_t whysize)
{
	struct stat st;
	char *buf;
	FILE *fp;
	long n = 0;

	snprintf(lines->file, sizeof lines->file, "%s", logfile);
	if (!ev->known)
		return 0;
	if ((fp = fopen(ev->path, "r")) == NULL || fstat(fileno(fp), &st) < 0 ||
	    (unsigned long long)st.st_dev != ev->dev ||
	    (unsigned long long)st.st_ino != ev->ino || st.st_size < ev->size ||
	    fseeko(fp, (off_t)ev->size, SEEK_SET) < 0) {
		snprintf(why, whysize, "the event log %.200s is not the one "
		    "the state was written with (rotated or removed)",
		    ev->path);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	if ((buf = malloc(LINE_MAX_)) == NULL) {
		fclose(fp);
		return -1;
	}
	while (fgets(buf, LINE_MAX_, fp) != NULL) {
		json_t *e = json_loads(buf, 0, NULL), *lg;
		const char *type;

		if (e == NULL)
			continue;
		n++;
		type = jstr(e, "event");
		lg = json_object_get(e, "log");
		if (type != NULL && strcmp(type, "reply") == 0) {
			const char *file = jstr(lg, "file");

			if (lg == NULL)
				milter_event(e, seen);
			else if (file != NULL && strcmp(file, logfile) == 0 &&
			    json_is_integer(json_object_get(lg, "line")))
				add_line(lines, (unsigned long)json_integer_value(
				    json_object_get(lg, "line")));
		}
		json_decref(e);
	}
	free(buf);
	fclose(fp);
	if (lines->n > 1)
		qsort(lines->v, lines->n, sizeof *lines->v, cmp_line);
	return n;
}

/* flines_has - see follow_state.h */
bool
flines_has(const struct flines *l, unsigned long line)
{
	return l->n > 0 && bsearch(&line, l->v, l->n, sizeof *l->v,
	    cmp_line) != NULL;
}

/* flines_free - see follow_state.h */
void
flines_free(struct flines *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

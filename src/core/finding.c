/*
 * finding.c - finding ids and the findings list (see finding.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding.h"

static const char *const names[FID_COUNT] = {
	"reply-syntax",
	"xcode-syntax",
	"xcode-missing",
	"class-mismatch",
	"not-failure",
	"unknown-subject",
	"unregistered",
	"deprecated",
	"basic-not-associated",
	"stage-subject",
	"text-crlf",
	"text-control",
	"text-percent",
	"text-too-long",
	"multiline-mismatch",
	"too-many-lines",
	"generic-code",
	"status-mismatch",
	"action-unknown",
	"async-bounce",
	"log-mismatch",
	"not-in-log",
};

/* finding_name - stable id */
const char *
finding_name(enum finding_id id)
{
	return (unsigned)id < FID_COUNT ? names[id] : "unknown";
}

/* finding_from_name - id by name */
bool
finding_from_name(const char *s, enum finding_id *out)
{
	unsigned i;

	for (i = 0; i < FID_COUNT; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum finding_id)i;
			return true;
		}
	}
	return false;
}

/* findings_init - empty */
void
findings_init(struct findings *fs)
{
	fs->n = 0;
	fs->dropped = 0;
}

/* findings_add - append one finding */
struct finding *
findings_add(struct findings *fs, enum finding_id id, enum severity sev,
    unsigned line, unsigned col, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (fs->n >= FINDINGS_MAX) {
		fs->dropped++;
		return NULL;
	}
	f = &fs->v[fs->n++];
	f->id = id;
	f->sev = sev;
	f->line = line;
	f->col = col;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
	f->suggestion[0] = '\0';
	return f;
}

/* findings_has - presence test */
bool
findings_has(const struct findings *fs, enum finding_id id)
{
	unsigned i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].id == id)
			return true;
	return false;
}

/* findings_count - count by minimum severity */
unsigned
findings_count(const struct findings *fs, enum severity min)
{
	unsigned i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].sev >= min)
			n++;
	return n;
}

/*
 * template.c - reply templates: compile once, render per session (see
 * template.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "template.h"

/* smfi_setmlreply() takes at most 32 lines; lm.c passes that many. */
_Static_assert(TEMPLATE_MAX_LINES == 32, "lm_setreply passes 32 lines");

const char *const template_placeholders[VAR_COUNT] = {
	"user@example.org", "example.org", "user@example.net", "example.net",
	"192.0.2.1", "client.example.org", "client.example.org", "ABCDEF123",
	"rule",
};

/* template_default_text - the registry's sample text, else a generic one */
const char *
template_default_text(const struct registry *reg, const char *code,
    const struct xcode *x)
{
	const struct reg_entry *e = x != NULL ? registry_lookup(reg, x->subject,
	    x->detail) : NULL;

	if (e != NULL && e->sample[0] != '\0')
		return e->sample;
	return code[0] == '4' ? "Try again later" : "Message refused";
}

/* split - the text at "\n" (backslash n) into escaped lines */
static int
split(struct template *t, const char *text, const char **id,
    struct esc_err *err)
{
	char esc[TEMPLATE_TEXT_MAX * 2];
	const char *p = text;

	for (;;) {
		const char *e = strstr(p, "\\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *raw;

		if (t->nlines == TEMPLATE_MAX_LINES) {
			*id = "too-many-lines";
			return err_set(err, NULL, 0, "more than %d lines "
			    "(libmilter's limit)", TEMPLATE_MAX_LINES);
		}
		if ((raw = xstrndup(p, n)) == NULL)
			goto nomem;
		t->lone_percent += percent_escape(raw, esc, sizeof esc);
		free(raw);
		if ((t->line[t->nlines] = strdup(esc)) == NULL)
			goto nomem;
		t->nlines++;
		if (e == NULL)
			return 0;
		p = e + 2;
	}
nomem:
	*id = "memory";
	return err_set(err, NULL, 0, "out of memory");
}

/* template_compile - "CODE [XCODE] [TEXT]" */
int
template_compile(struct template *t, const char *spec,
    const struct registry *reg, const char **id, struct esc_err *err)
{
	struct reply_head h;
	const char *text;
	size_t len = strlen(spec);

	memset(t, 0, sizeof *t);
	reply_head(spec, len, REPLY_HEAD_TAB, &h);
	if (h.status == RH_NO_CODE || h.status == RH_BAD_SEP) {
		*id = "reply-syntax";
		return err_set(err, NULL, 0, "reply must start with a 3-digit "
		    "code, as in \"reply = 550 5.7.1 text\"");
	}
	/* A code outside [2-5][0-5][0-9] is the validator's to report. */
	memcpy(t->code, spec, 3);
	if (h.xcode_len > 0) {
		if (str_copyn(t->xcode, sizeof t->xcode, spec + h.xcode_off,
		    h.xcode_len) < 0) {
			*id = "xcode-syntax";
			return err_set(err, NULL, 0, "\"%.*s\" is not a valid "
			    "enhanced status code", (int)(h.xcode_len > 20 ? 20 :
			    h.xcode_len), spec + h.xcode_off);
		}
		t->has_xcode = h.has_xcode;
		t->x = h.x;
	}
	text = spec + h.text_off;
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '\0') {
		text = template_default_text(reg, t->code,
		    t->has_xcode ? &t->x : NULL);
		t->text_default = true;
	}
	if (strlen(text) >= TEMPLATE_TEXT_MAX) {
		*id = "text-too-long";
		return err_set(err, NULL, 0, "the reply text is longer than %d "
		    "bytes", TEMPLATE_TEXT_MAX);
	}
	if (expand_check(text, err) < 0) {
		*id = "reply-syntax";
		return -1;
	}
	if (split(t, text, id, err) < 0) {
		template_free(t);
		return -1;
	}
	return 0;
}

/* template_free - the lines */
void
template_free(struct template *t)
{
	unsigned i;

	for (i = 0; i < t->nlines; i++)
		free(t->line[i]);
	t->nlines = 0;
}

/* codes - the template's codes into r */
static void
codes(const struct template *t, struct rendered *r)
{
	memcpy(r->code, t->code, sizeof r->code);
	memcpy(r->xcode, t->xcode, sizeof r->xcode);
}

/* template_render - ${...} filled in */
void
template_render(const struct template *t, const char *const vals[VAR_COUNT],
    struct rendered *r)
{
	unsigned i;

	codes(t, r);
	r->nlines = t->nlines;
	for (i = 0; i < t->nlines; i++)
		expand(t->line[i], vals, r->line[i], sizeof r->line[i]);
}

/* rendered_safe - a reply that validates whatever the session sent */
void
rendered_safe(const struct template *t, const struct registry *reg,
    bool generic, struct rendered *r)
{
	bool temp = t->code[0] == '4';

	r->nlines = 1;
	if (!generic) {
		codes(t, r);
		str_copy(r->line[0], sizeof r->line[0], template_default_text(reg,
		    t->code, t->has_xcode ? &t->x : NULL));
		return;
	}
	str_copy(r->code, sizeof r->code, temp ? "451" : "550");
	str_copy(r->xcode, sizeof r->xcode, temp ? "4.3.0" : "5.7.1");
	str_copy(r->line[0], sizeof r->line[0], temp ?
	    "Temporary failure, try again later" : "Message refused");
}

/* rendered_wire - the reply as one string, lines joined by "\n" */
size_t
rendered_wire(const struct rendered *r, char *buf, size_t size)
{
	size_t used = 0;
	unsigned i;
	int n;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < r->nlines && used + 1 < size; i++) {
		n = snprintf(buf + used, size - used, "%s%s%c%s%s%s",
		    i ? "\n" : "", r->code, i + 1 < r->nlines ? '-' : ' ',
		    r->xcode, r->xcode[0] ? " " : "", r->line[i]);
		if (n < 0)
			break;
		used += (size_t)n < size - used ? (size_t)n : size - used - 1;
	}
	return used;
}

/* rendered_client_text - '%%' -> '%', lines joined by "\n" */
void
rendered_client_text(const struct rendered *r, char *out, size_t size)
{
	size_t used = 0;
	unsigned i;

	if (size == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < r->nlines && used + 1 < size; i++) {
		if (i > 0)
			out[used++] = '\n';
		percent_unescape(r->line[i], out + used, size - used);
		used += strlen(out + used);
	}
}

/* rendered_is_temp - 4xx */
bool
rendered_is_temp(const struct rendered *r)
{
	return r->code[0] == '4';
}

/*
 * reply.c - SMTP reply parsing (see reply.h); the checks that need the
 * registry live in validate.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "basic.h"
#include "reply.h"

static bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* next_line - the next LF/CRLF-terminated line of (s, len) from *pos */
static bool
next_line(const char *s, size_t len, size_t *pos, const char **line,
    size_t *llen)
{
	const char *nl;
	size_t rest;

	if (*pos >= len)
		return false;
	rest = len - *pos;
	*line = s + *pos;
	nl = memchr(*line, '\n', rest);
	if (nl == NULL) {
		*llen = rest;
		*pos = len;
	} else {
		*llen = (size_t)(nl - *line);
		*pos += *llen + 1;
		if (*llen > 0 && (*line)[*llen - 1] == '\r')
			(*llen)--;
	}
	return true;
}

static bool
is_blank(char c, unsigned flags)
{
	return c == ' ' || (c == '\t' && (flags & REPLY_HEAD_TAB));
}

/* reply_head - the codes at the start of a line */
bool
reply_head(const char *s, size_t len, unsigned flags, struct reply_head *h)
{
	size_t p = 0, tok;

	memset(h, 0, sizeof *h);
	while (p < len && isdig(s[p]) && p < 4)
		p++;
	if (p != 3) {
		h->status = RH_NO_CODE;
		return false;
	}
	h->code = (unsigned)((s[0] - '0') * 100 + (s[1] - '0') * 10 +
	    (s[2] - '0'));
	h->status = basic_syntax_ok(s, 3) ? RH_OK : RH_BAD_CODE;
	h->text_off = len;
	if (p == len)
		return h->status == RH_OK;
	if (s[p] != '-' && !is_blank(s[p], flags)) {
		h->status = RH_BAD_SEP;
		h->text_off = p;
		return false;
	}
	h->sep = s[p++];
	/* An enhanced status code, if the next token tries to be one. */
	while (p < len && is_blank(s[p], flags))
		p++;
	tok = p;
	while (p < len && s[p] != ' ' && s[p] != '\t' &&
	    !((flags & REPLY_HEAD_PUNCT) && (s[p] == ';' || s[p] == ',')))
		p++;
	if (xcode_looks_like(s + tok, p - tok)) {
		h->xcode_off = tok;
		h->xcode_len = p - tok;
		h->has_xcode = xcode_parse(s + tok, p - tok, 0, &h->x,
		    &h->why) != 0;
		if (p < len && is_blank(s[p], flags | REPLY_HEAD_TAB))
			p++;	/* one blank separates the code from the text */
	} else {
		p = tok;
	}
	h->text_off = p;
	return h->status == RH_OK;
}

/* parse_line - one reply line; syntax findings tagged with line number n */
static void
parse_line(const char *s, size_t len, unsigned n, struct reply_line *rl,
    struct findings *fs)
{
	struct reply_head h;
	struct finding *f;

	memset(rl, 0, sizeof *rl);
	rl->raw = s;
	rl->rawlen = len;
	reply_head(s, len, 0, &h);
	switch (h.status) {
	case RH_OK:
		break;
	case RH_NO_CODE:
	case RH_BAD_CODE:
		if (len == 0)
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, 1,
			    "empty reply line; a reply starts with a 3-digit code");
		else if (h.status == RH_BAD_CODE)
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, 1,
			    "\"%.3s\" is not a reply code: the first digit must be "
			    "2-5 and the second 0-5 (RFC 5321 section 4.2)", s);
		else
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, 1,
			    "a reply must start with exactly 3 digits, as in "
			    "\"550 5.7.1 text\"");
		rl->text_off = 0;
		rl->text_len = len;
		return;
	case RH_BAD_SEP:
		findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, 4,
		    "the reply code must be followed by a space (last line) or "
		    "a hyphen (continued reply), not %s",
		    s[3] == '\t' ? "a tab" : "this character");
		rl->text_off = 3;
		rl->text_len = len - 3;
		return;
	}
	rl->code = h.code;
	rl->sep = h.sep;
	rl->has_xcode = h.has_xcode;
	rl->x = h.x;
	rl->xcode_off = h.xcode_off;
	rl->xcode_len = h.xcode_len;
	rl->text_off = h.text_off;
	rl->text_len = len - h.text_off;
	if (h.xcode_len > 0 && !h.has_xcode) {
		const char *t = s + h.xcode_off;
		size_t tl = h.xcode_len;
		struct xcode fix;
		char buf[XCODE_STRLEN];

		f = findings_add(fs, FID_XCODE_SYNTAX, SEV_ERROR, n,
		    (unsigned)h.xcode_off + 1, "\"%.*s\" is not a valid enhanced "
		    "status code: %s", (int)(tl > 20 ? 20 : tl), t,
		    xcode_error_str(h.why));
		if (f != NULL && xcode_repair(t, tl, &fix))
			snprintf(f->suggestion, sizeof f->suggestion, "%03u %s",
			    rl->code, xcode_format(&fix, buf, sizeof buf));
	}
}

/* reply_parse - all lines plus cross-line consistency */
int
reply_parse(const char *s, size_t len, struct reply *r, struct findings *fs)
{
	const char *line;
	size_t pos = 0, llen;
	unsigned i;

	r->nlines = 0;
	r->total_lines = 0;
	r->code = 0;
	r->has_xcode = false;

	/* One trailing line break ends the last line; it is not a new line. */
	if (len > 0 && s[len - 1] == '\n') {
		len--;
		if (len > 0 && s[len - 1] == '\r')
			len--;
	}
	if (len == 0) {
		findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, 0, 0,
		    "empty reply; write a 3-digit code, an enhanced code and "
		    "text, as in \"550 5.7.1 Message refused\"");
		return -1;
	}
	while (next_line(s, len, &pos, &line, &llen)) {
		r->total_lines++;
		if (r->nlines < REPLY_MAX_LINES)
			parse_line(line, llen, r->total_lines,
			    &r->line[r->nlines++], fs);
	}
	if (r->total_lines > REPLY_LIBMILTER_LINES)
		findings_add(fs, FID_TOO_MANY_LINES, SEV_ERROR, 0, 0,
		    "the reply has %u lines; libmilter sends at most %d "
		    "(smfi_setmlreply fails beyond that)", r->total_lines,
		    REPLY_LIBMILTER_LINES);

	r->code = r->line[0].code;
	r->has_xcode = r->line[0].has_xcode;
	r->x = r->line[0].x;

	/* Separators: '-' on every line but the last, ' ' on the last. */
	for (i = 0; i < r->nlines; i++) {
		const struct reply_line *rl = &r->line[i];
		bool last = i + 1 == r->total_lines;

		if (rl->code == 0)
			continue;
		if (!last && rl->sep != '-')
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, i + 1, 4,
			    "line %u ends the reply (no hyphen after the code) "
			    "but more lines follow; write \"%03u-\" on every line "
			    "but the last", i + 1, rl->code);
		if (last && rl->sep == '-')
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, i + 1, 4,
			    "the last line continues the reply (\"%03u-\"), so the "
			    "client waits for a line that never comes; write "
			    "\"%03u \" on the last line", rl->code, rl->code);
	}

	/* Every line carries the same codes (RFC 5321 4.2.1, RFC 2034 4). */
	for (i = 1; i < r->nlines; i++) {
		const struct reply_line *a = &r->line[0], *b = &r->line[i];

		if (a->code == 0 || b->code == 0)
			continue;
		if (a->code != b->code)
			findings_add(fs, FID_MULTILINE_MISMATCH, SEV_ERROR, i + 1, 1,
			    "line %u has reply code %03u but line 1 has %03u; "
			    "every line of a reply must carry the same code",
			    i + 1, b->code, a->code);
		else if (a->has_xcode != b->has_xcode ||
		    (a->has_xcode && (a->x.cls != b->x.cls ||
		    a->x.subject != b->x.subject || a->x.detail != b->x.detail)))
			findings_add(fs, FID_MULTILINE_MISMATCH, SEV_ERROR, i + 1,
			    (unsigned)(b->xcode_len ? b->xcode_off + 1 : 5),
			    "line %u does not carry the same enhanced status code "
			    "as line 1; RFC 2034 requires the same code on every "
			    "line", i + 1);
	}
	return r->code != 0 ? 0 : -1;
}

/* reply_text - text of line i */
const char *
reply_text(const struct reply *r, unsigned i, size_t *len)
{
	*len = r->line[i].text_len;
	return r->line[i].raw + r->line[i].text_off;
}

/* reply_check - parse then validate */
int
reply_check(const struct registry *reg, const char *s, size_t len,
    const struct validate_opts *o, struct reply *r, struct findings *fs)
{
	int rc = reply_parse(s, len, r, fs);

	reply_validate(reg, r, o, fs);
	return rc;
}

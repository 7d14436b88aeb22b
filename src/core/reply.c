/*
 * reply.c - SMTP reply parsing (see reply.h); the checks that need the
 * registry live in validate.c.
 */
#include "config.h"

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

/* parse_line - one reply line; syntax findings tagged with line number n */
static void
parse_line(const char *s, size_t len, unsigned n, struct reply_line *rl,
    struct findings *fs)
{
	size_t p = 0, tok;
	struct finding *f;
	enum xcode_error why;

	memset(rl, 0, sizeof *rl);
	rl->raw = s;
	rl->rawlen = len;

	/* The 3-digit code. */
	while (p < len && isdig(s[p]) && p < 4)
		p++;
	if (p != 3 || !basic_syntax_ok(s, 3)) {
		if (len == 0)
			findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, 1,
			    "empty reply line; a reply starts with a 3-digit code");
		else if (p == 3)
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
	}
	rl->code = (unsigned)((s[0] - '0') * 100 + (s[1] - '0') * 10 +
	    (s[2] - '0'));
	if (p == len) {
		rl->sep = '\0';
		rl->text_off = len;
		rl->text_len = 0;
		return;
	}
	if (s[p] != ' ' && s[p] != '-') {
		findings_add(fs, FID_REPLY_SYNTAX, SEV_ERROR, n, (unsigned)p + 1,
		    "the reply code must be followed by a space (last line) or "
		    "a hyphen (continued reply), not %s",
		    s[p] == '\t' ? "a tab" : "this character");
		rl->code = 0;
		rl->text_off = p;
		rl->text_len = len - p;
		return;
	}
	rl->sep = s[p++];

	/* An enhanced status code, if the next token tries to be one. */
	while (p < len && s[p] == ' ')
		p++;
	tok = p;
	while (p < len && s[p] != ' ' && s[p] != '\t')
		p++;
	if (xcode_looks_like(s + tok, p - tok)) {
		rl->xcode_off = tok;
		rl->xcode_len = p - tok;
		if (xcode_parse(s + tok, p - tok, 0, &rl->x, &why) != 0) {
			rl->has_xcode = true;
		} else {
			struct xcode fix;
			char buf[XCODE_STRLEN];

			f = findings_add(fs, FID_XCODE_SYNTAX, SEV_ERROR, n,
			    (unsigned)tok + 1, "\"%.*s\" is not a valid enhanced "
			    "status code: %s", (int)(p - tok > 20 ? 20 : p - tok),
			    s + tok, xcode_error_str(why));
			if (f != NULL && xcode_repair(s + tok, p - tok, &fix))
				snprintf(f->suggestion, sizeof f->suggestion,
				    "%03u %s", rl->code, xcode_format(&fix, buf,
				    sizeof buf));
		}
		if (p < len)
			p++;	/* one blank separates the code from the text */
	} else {
		p = tok;
	}
	rl->text_off = p;
	rl->text_len = len - p;
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

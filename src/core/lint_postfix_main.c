/*
 * lint_postfix_main.c - Postfix main.cf and master.cf (-o overrides): the
 * parameters that carry reply codes, and the inline tables written in
 * parameter values (see lint.h).  Semantics follow Postfix 3.7.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "strutil.h"
#include "xcode.h"

/* param_stage - the stage a restriction list is checked at */
static enum stage
param_stage(const char *name)
{
	if (strstr(name, "sender"))
		return STAGE_MAIL;
	if (strstr(name, "recipient") || strstr(name, "relay"))
		return STAGE_RCPT;
	if (strstr(name, "helo") || strstr(name, "client"))
		return STAGE_HELO;
	return STAGE_NONE;
}

/* inline_tables - lint "inline:{ k = v }", "pcre:{ {/re/ v} }" values;
   true when an entry carries a code */
static bool
inline_tables(struct lint_ctx *c, const struct lline *l, size_t off,
    const char *pname)
{
	const char *t = l->text;
	size_t i = off;
	enum stage saved = c->stage;
	bool any = false;

	c->stage = param_stage(pname);
	while (i < l->len) {
		const char *p = strchr(t + i, '{');
		size_t start, depth = 0, k, e;
		bool is_inline;

		if (p == NULL)
			break;
		start = (size_t)(p - t);
		/* The table type written before '{'. */
		for (k = start; k > off && (isalnum((unsigned char)t[k - 1]) ||
		    t[k - 1] == ':'); k--)
			;
		is_inline = strncmp(t + k, "inline:", 7) == 0;
		if (!is_inline && strncmp(t + k, "pcre:", 5) != 0 &&
		    strncmp(t + k, "regexp:", 7) != 0 &&
		    strncmp(t + k, "cidr:", 5) != 0) {
			i = start + 1;
			continue;
		}
		for (e = start; e < l->len; e++) {
			if (t[e] == '{')
				depth++;
			else if (t[e] == '}' && --depth == 0)
				break;
		}
		/* Entries: "{ ... }" groups or comma-separated items. */
		for (k = start + 1; k < e;) {
			size_t a, b;

			while (k < e && (isspace((unsigned char)t[k]) || t[k] == ','))
				k++;
			if (k >= e)
				break;
			if (t[k] == '{') {
				a = k + 1;
				for (b = a; b < e && t[b] != '}'; b++)
					;
				k = b + 1;
			} else {
				a = k;
				for (b = a; b < e && t[b] != ','; b++)
					;
				k = b;
			}
			while (a < b && isspace((unsigned char)t[a]))
				a++;
			while (b > a && isspace((unsigned char)t[b - 1]))
				b--;
			if (a >= b)
				continue;
			{
				/* The value: after '=' (inline) or the pattern/key. */
				struct lline sub = *l;
				size_t v;
				char *copy = xstrndup(t, b);

				if (copy == NULL)
					break;
				sub.text = copy;
				sub.len = b;
				if (is_inline) {
					const char *eq = memchr(t + a, '=', b - a);

					if (eq == NULL) {
						free(copy);
						continue;
					}
					v = (size_t)(eq - t) + 1;
				} else if (t[a] == '/' || t[a] == '!') {
					v = lint_pattern_end(t, b, a);
				} else {
					for (v = a; v < b && !isspace((unsigned char)t[v]); v++)
						;
				}
				while (v > 0 && v < b && isspace((unsigned char)t[v]))
					v++;
				if (v > 0 && v < b && lint_table_value(c, &sub, v,
				    TK_ACCESS))
					any = true;
				free(copy);
			}
		}
		i = e + 1;
	}
	c->stage = saved;
	return any;
}

/* code_param - *_reject_code / *_defer_code values */
static void
code_param(struct lint_ctx *c, const struct lline *l, size_t off,
    const char *name)
{
	const char *v = l->text + off;
	size_t n = l->len - off;
	bool defer = strstr(name, "defer_code") != NULL;

	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n == 0 || lint_is_template(v, n) || v[0] == '$')
		return;
	if (n != 3 || !basic_syntax_ok(v, 3)) {
		lint_add(c, l, off, SEV_ERROR, "reply-syntax", "%s must be a "
		    "3-digit reply code such as %s, not \"%.*s\"", name,
		    defer ? "450" : "550", (int)(n > 20 ? 20 : n), v);
		return;
	}
	if (v[0] != '4' && v[0] != '5') {
		lint_add(c, l, off, SEV_ERROR, "not-failure", "%s = %.3s: a "
		    "rejection needs a 4xx or 5xx code", name, v);
		return;
	}
	if (defer && v[0] == '5')
		lint_add(c, l, off, SEV_WARNING, "not-temporary", "%s = %.3s: a "
		    "defer code is for temporary failures; a 5xx code makes the "
		    "client give up (use 450 or 451)", name, v);
}

/* lint_postfix_main - parameters of main.cf, or -o overrides of master.cf */
unsigned
lint_postfix_main(struct lint_ctx *c, const char *buf, size_t len, bool master)
{
	struct lline l = { 0 };
	size_t pos = 0;
	int lineno = 0;
	unsigned n = 0;

	while (lline_next(buf, len, &pos, &lineno, &l)) {
		size_t i = 0;

		do {
			char name[128];
			size_t a, b, v;
			const char *eq;

			if (master) {
				/* "-o name=value" tokens anywhere in the entry */
				const char *o = strstr(l.text + i, "-o");

				if (o == NULL)
					break;
				i = (size_t)(o - l.text) + 2;
				if (o != l.text && !isspace((unsigned char)o[-1]))
					continue;
				while (i < l.len && isspace((unsigned char)l.text[i]))
					i++;
				a = i;
				while (i < l.len && !isspace((unsigned char)l.text[i]))
					i++;
				eq = memchr(l.text + a, '=', i - a);
				if (eq == NULL)
					continue;
				b = (size_t)(eq - l.text);
				v = b + 1;
			} else {
				eq = strchr(l.text, '=');
				if (eq == NULL)
					break;
				a = 0;
				b = (size_t)(eq - l.text);
				v = b + 1;
				while (v < l.len && isspace((unsigned char)l.text[v]))
					v++;
				i = l.len;
			}
			while (b > a && isspace((unsigned char)l.text[b - 1]))
				b--;
			if (b - a >= sizeof name)
				continue;
			memcpy(name, l.text + a, b - a);
			name[b - a] = '\0';
			{
				/* master.cf: the value ends at the token's end */
				struct lline sub = l;
				char *copy = NULL;

				if (master) {
					copy = xstrndup(l.text, i);
					if (copy == NULL)
						break;
					sub.text = copy;
					sub.len = i;
				}
				if (strcmp(name, "fault_injection_code") != 0 &&
				    ((strlen(name) > 12 &&
				    strcmp(name + strlen(name) - 12, "_reject_code") == 0) ||
				    (strlen(name) > 11 &&
				    strcmp(name + strlen(name) - 11, "_defer_code") == 0) ||
				    strcmp(name, "reject_code") == 0 ||
				    strcmp(name, "defer_code") == 0)) {
					n++;
					code_param(c, &sub, v, name);
				} else if (strcmp(name, "default_rbl_reply") == 0 ||
				    (strlen(name) > 10 &&
				    strcmp(name + strlen(name) - 10, "_rbl_reply") == 0)) {
					n++;
					if (v < sub.len && !lint_is_template(sub.text + v,
					    sub.len - v))
						lint_rbl_template(c, &sub, v, sub.text + v,
						    sub.len - v);
				} else if (strcmp(name, "smtpd_reject_footer") == 0 ||
				    strcmp(name, "postscreen_reject_footer") == 0 ||
				    (strlen(name) > 14 &&
				    strcmp(name + strlen(name) - 14, "_reject_reason") == 0)) {
					n++;	/* reply text, nothing to check */
				} else if (strstr(sub.text + v, ":{") != NULL) {
					if (inline_tables(c, &sub, v, name))
						n++;
				}
				free(copy);
			}
		} while (master && i < l.len);
	}
	lline_free(&l);
	return n;
}

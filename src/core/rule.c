/*
 * rule.c - condition parsing and rule evaluation (see rule.h).
 *
 *	condition = [ "not" ] subject
 *	subject   = "client-ip" "in" ( cidr *( "," cidr ) / FILE )
 *	          / ( "client-name" / "helo" / "sender" / "sender-domain"
 *	            / "recipient" / "recipient-domain" ) MATCH
 *	          / ( "sender-domain" / "recipient-domain" ) "null-mx"
 *	          / "header" NAME MATCH / "body" MATCH
 *	          / "size" OP NUMBER [ "K" / "M" / "G" ]
 *	          / "recipients" OP NUMBER / "authenticated"
 *	MATCH     = "=" literal / "~" "/" regex "/" flags / "in" FILE
 *	OP        = "<" / "<=" / ">" / ">=" / "=" / "==" / "!="
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "strutil.h"

/* How the rest of a condition is read. */
enum parse_kind {
	PK_CIDRS,		/* in CIDR[, CIDR...] | in FILE */
	PK_MATCH,		/* MATCH (style below) */
	PK_HEADER,		/* NAME MATCH */
	PK_SIZE,		/* OP N[K|M|G] */
	PK_COUNT,		/* OP N */
	PK_FLAG,		/* nothing more */
};

/* The condition subjects; a second word makes a subject of its own. */
static const struct {
	const char	*name;
	const char	*word2;		/* "null-mx", or NULL */
	enum cond_type	 type;
	enum stage	 stage;		/* earliest stage where it is known */
	enum parse_kind	 kind;
	enum match_subject style;
} subjects[] = {
	{ "client-ip", NULL, C_CLIENT_IP, STAGE_CONNECT, PK_CIDRS, MS_NAME },
	{ "client-name", NULL, C_CLIENT_NAME, STAGE_CONNECT, PK_MATCH, MS_NAME },
	{ "helo", NULL, C_HELO, STAGE_HELO, PK_MATCH, MS_NAME },
	{ "sender", NULL, C_SENDER, STAGE_MAIL, PK_MATCH, MS_ADDRESS },
	{ "sender-domain", "null-mx", C_SENDER_NULLMX, STAGE_MAIL, PK_FLAG,
	    MS_NAME },
	{ "sender-domain", NULL, C_SENDER_DOMAIN, STAGE_MAIL, PK_MATCH, MS_NAME },
	{ "recipient", NULL, C_RECIPIENT, STAGE_RCPT, PK_MATCH, MS_ADDRESS },
	{ "recipient-domain", "null-mx", C_RECIPIENT_NULLMX, STAGE_RCPT, PK_FLAG,
	    MS_NAME },
	{ "recipient-domain", NULL, C_RECIPIENT_DOMAIN, STAGE_RCPT, PK_MATCH,
	    MS_NAME },
	{ "header", NULL, C_HEADER, STAGE_HEADER, PK_HEADER, MS_VALUE },
	{ "body", NULL, C_BODY, STAGE_EOM, PK_MATCH, MS_TEXT },
	{ "size", NULL, C_SIZE, STAGE_EOM, PK_SIZE, MS_NAME },
	{ "recipients", NULL, C_RECIPIENTS, STAGE_HEADER, PK_COUNT, MS_NAME },
	{ "authenticated", NULL, C_AUTH, STAGE_MAIL, PK_FLAG, MS_NAME },
};
#define NSUBJECTS (sizeof subjects / sizeof subjects[0])

/* cond_stage - earliest stage */
enum stage
cond_stage(enum cond_type t)
{
	size_t i;

	for (i = 0; i < NSUBJECTS; i++)
		if (subjects[i].type == t)
			return subjects[i].stage;
	return STAGE_EOM;
}

/* cond_type_name - printable ("sender-domain null-mx") */
const char *
cond_type_name(enum cond_type t)
{
	switch (t) {
	case C_SENDER_NULLMX:
		return "sender-domain null-mx";
	case C_RECIPIENT_NULLMX:
		return "recipient-domain null-mx";
	default:
		break;
	}
	for (size_t i = 0; i < NSUBJECTS; i++)
		if (subjects[i].type == t)
			return subjects[i].name;
	return "?";
}

/* mode_name - printable */
const char *
mode_name(enum mode m)
{
	return m == MODE_MONITOR ? "monitor" : "enforce";
}

/* action_name - printable */
const char *
action_name(enum action a)
{
	switch (a) {
	case ACT_ACCEPT:
		return "accept";
	case ACT_DISCARD:
		return "discard";
	default:
		return "reply";
	}
}

/* skip_ws - advance over blanks */
static const char *
skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* word - copy the next blank-delimited word into buf; returns after it,
   or NULL when it does not fit */
static const char *
word(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	p = skip_ws(p);
	while (*p && !isspace((unsigned char)*p)) {
		if (n + 1 >= size)
			return NULL;
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	return p;
}

/* parse_number - OP NUMBER[K|M|G] */
static int
parse_number(struct cond *c, const char *p, bool units, struct esc_err *err)
{
	static const struct {
		const char	*op;
		enum cmp_op	 v;
	} ops[] = {
		{ "<=", OP_LE }, { ">=", OP_GE }, { "!=", OP_NE }, { "==", OP_EQ },
		{ "<", OP_LT }, { ">", OP_GT }, { "=", OP_EQ },
	};
	char num[64];
	const char *bad;
	size_t i, n;

	p = skip_ws(p);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strncmp(p, ops[i].op, strlen(ops[i].op)) == 0)
			break;
	if (i == sizeof ops / sizeof ops[0])
		return err_set(err, NULL, 0, "expected a comparison (<, <=, >, "
		    ">=, =, !=) before the number");
	c->op = ops[i].v;
	p = skip_ws(p + strlen(ops[i].op));
	if (!isdigit((unsigned char)*p))
		return err_set(err, NULL, 0, "expected a number after the "
		    "comparison");
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (str_copyn(num, sizeof num, p, n) < 0)
		return err_set(err, NULL, 0, "number out of range");
	if (str_parse_scaled(num, units ? STR_UNITS_SIZE : STR_UNITS_NONE,
	    &c->num, &bad) < 0) {
		if (bad == num || *bad == '\0' || isdigit((unsigned char)*bad))
			return err_set(err, NULL, 0, "number out of range");
		return err_set(err, NULL, 0, "unexpected \"%s\" after the number%s",
		    skip_ws(p + (bad - num)), units ? " (units are K, M and G)" : "");
	}
	return 0;
}

/* read_cidr_file - one network per line, '#' comments */
static int
read_cidr_file(struct cond *c, const char *p, const char *basedir,
    struct esc_err *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	struct cidr net;
	FILE *fp;

	if (str_path_join(path, sizeof path, basedir, p) < 0)
		return err_set(err, NULL, 0, "the file name is too long");
	if ((fp = fopen(path, "r")) == NULL)
		return err_set(err, NULL, 0, "\"%s\" is neither an address or "
		    "network nor a readable file: %s", p, strerror(errno));
	while (getline(&line, &cap, fp) >= 0) {
		char *s = str_trim(line);

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		if (!cidr_parse(s, &net)) {
			err_set(err, path, lineno, "\"%s\" is not an address or "
			    "network", s);
			free(line);
			fclose(fp);
			return -1;
		}
		if (cidr_list_add(&c->nets, &net) < 0)
			break;
	}
	free(line);
	fclose(fp);
	return 0;
}

/* parse_cidrs - "192.0.2.0/24, 2001:db8::/32", or a file of networks
   when the value is a single word that is not a network */
static int
parse_cidrs(struct cond *c, const char *p, const char *basedir,
    struct esc_err *err)
{
	struct cidr net;
	char tok[128];

	p = skip_ws(p);
	if (*p != '\0' && strpbrk(p, ", \t") == NULL && !cidr_parse(p, &net))
		return read_cidr_file(c, p, basedir, err);
	while (*p) {
		size_t n = 0;

		while (*p && *p != ',' && !isspace((unsigned char)*p)) {
			if (n + 1 < sizeof tok)
				tok[n++] = *p;
			p++;
		}
		tok[n] = '\0';
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		if (n == 0)
			continue;
		if (!cidr_parse(tok, &net))
			return err_set(err, NULL, 0, "\"%s\" is not an IP address "
			    "or network (write 192.0.2.0/24 or 2001:db8::/32)", tok);
		if (cidr_list_add(&c->nets, &net) < 0)
			return err_set(err, NULL, 0, "out of memory");
	}
	if (c->nets.n == 0)
		return err_set(err, NULL, 0, "client-ip in needs at least one "
		    "network");
	return 0;
}

static int parse_cond(struct cond *, const char *, const char *,
	    struct esc_err *);

/* cond_parse - one "if =" value; on failure nothing is kept */
int
cond_parse(struct cond *c, const char *text, const char *basedir,
    struct esc_err *err)
{
	int rc = parse_cond(c, text, basedir, err);

	if (rc < 0)
		cond_free(c);
	return rc;
}

static int
parse_cond(struct cond *c, const char *text, const char *basedir,
    struct esc_err *err)
{
	char subj[64], tmp[256];
	const char *p = skip_ws(text), *rest;
	size_t i;

	memset(c, 0, sizeof *c);
	if ((rest = word(p, subj, sizeof subj)) != NULL &&
	    strcmp(subj, "not") == 0) {
		c->negate = true;
		p = rest;
		rest = word(p, subj, sizeof subj);
	}
	if (rest == NULL)
		return err_set(err, NULL, 0, "unknown condition \"%.20s...\"", p);
	if (subj[0] == '\0')
		return err_set(err, NULL, 0, "empty condition");
	rest = skip_ws(rest);
	for (i = 0; i < NSUBJECTS; i++) {
		if (strcmp(subj, subjects[i].name) != 0 ||
		    (subjects[i].word2 != NULL &&
		    strcmp(rest, subjects[i].word2) != 0))
			continue;
		c->type = subjects[i].type;
		break;
	}
	if (i == NSUBJECTS)
		return err_set(err, NULL, 0, "unknown condition \"%s\"; use "
		    "client-ip, client-name, helo, sender, sender-domain, "
		    "recipient, recipient-domain, header, body, size, recipients "
		    "or authenticated", subj);
	switch (subjects[i].kind) {
	case PK_CIDRS:
		rest = word(rest, tmp, sizeof tmp);
		if (rest == NULL || strcmp(tmp, "in") != 0)
			return err_set(err, NULL, 0, "write \"client-ip in "
			    "192.0.2.0/24, 2001:db8::/32\"");
		return parse_cidrs(c, rest, basedir, err);
	case PK_MATCH:
		return matcher_parse(&c->m, rest, subjects[i].style, basedir, err);
	case PK_HEADER:
		if ((rest = word(rest, tmp, sizeof tmp)) == NULL)
			return err_set(err, NULL, 0, "the header name is longer "
			    "than %zu characters", sizeof tmp - 1);
		if (tmp[0] == '\0' || strpbrk(tmp, ":=~") != NULL)
			return err_set(err, NULL, 0, "write \"header NAME ~ "
			    "/regex/\" (the header name without a colon)");
		if ((c->header = strdup(tmp)) == NULL)
			return err_set(err, NULL, 0, "out of memory");
		return matcher_parse(&c->m, rest, subjects[i].style, basedir, err);
	case PK_SIZE:
	case PK_COUNT:
		return parse_number(c, rest, subjects[i].kind == PK_SIZE, err);
	case PK_FLAG:
		if (subjects[i].word2 == NULL && *rest != '\0')
			return err_set(err, NULL, 0, "\"%s\" takes no argument",
			    subj);
		return 0;
	}
	return 0;
}

/* cond_free - release */
void
cond_free(struct cond *c)
{
	matcher_free(&c->m);
	cidr_list_free(&c->nets);
	free(c->header);
	c->header = NULL;
}

static bool
compare(enum cmp_op op, unsigned long long a, unsigned long long b)
{
	switch (op) {
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	}
	return false;
}

static int
match_str(const struct cond *c, const char *s, struct eval_ctx *ctx)
{
	if (s == NULL)
		s = "";
	return matcher_match(&c->m, s, strlen(s), ctx->scratch);
}

/* cond_value - 1, 0, or -1 when the answer is unknown */
static int
cond_value(const struct cond *c, const struct facts *f, struct eval_ctx *ctx)
{
	switch (c->type) {
	case C_CLIENT_IP:
		return f->ip != NULL && cidr_list_match(&c->nets, f->ip);
	case C_CLIENT_NAME:
		return match_str(c, f->client_name, ctx);
	case C_HELO:
		return match_str(c, f->helo, ctx);
	case C_SENDER:
		return match_str(c, f->sender, ctx);
	case C_SENDER_DOMAIN:
		return match_str(c, f->sender_domain, ctx);
	case C_RECIPIENT:
		return match_str(c, f->recipient, ctx);
	case C_RECIPIENT_DOMAIN:
		return match_str(c, f->recipient_domain, ctx);
	case C_SENDER_NULLMX:
		return f->sender_domain != NULL && *f->sender_domain != '\0' &&
		    ctx->nullmx != NULL &&
		    ctx->nullmx(ctx->nullmx_ctx, f->sender_domain) == 1;
	case C_RECIPIENT_NULLMX:
		return f->recipient_domain != NULL &&
		    *f->recipient_domain != '\0' && ctx->nullmx != NULL &&
		    ctx->nullmx(ctx->nullmx_ctx, f->recipient_domain) == 1;
	case C_HEADER:
		return f->hdr_bits != NULL &&
		    (f->hdr_bits[c->hdr_bit / 8] & (1u << (c->hdr_bit % 8))) != 0;
	case C_BODY:
		return matcher_match(&c->m, f->body ? f->body : "",
		    f->body ? f->bodylen : 0, ctx->scratch);
	case C_SIZE:
		return compare(c->op, f->size, c->num);
	case C_RECIPIENTS:
		return compare(c->op, f->nrcpt, c->num);
	case C_AUTH:
		return f->authenticated;
	}
	return 0;
}

static bool
is_dns(const struct cond *c)
{
	return c->type == C_SENDER_NULLMX || c->type == C_RECIPIENT_NULLMX;
}

/* rule_eval - all conditions must hold; DNS lookups are done last */
int
rule_eval(const struct rule *r, const struct facts *f, struct eval_ctx *ctx)
{
	int pass, v;
	unsigned i;
	bool dns = false;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < r->ncond; i++) {
			const struct cond *c = &r->cond[i];

			if (is_dns(c) != (pass == 1)) {
				dns = true;
				continue;
			}
			if ((v = cond_value(c, f, ctx)) < 0)
				return -1;
			if ((v != 0) == c->negate)
				return 0;
		}
		if (!dns)
			break;		/* no lookup to do */
	}
	return 1;
}

/* rule_free - release the rule's contents */
void
rule_free(struct rule *r)
{
	unsigned i;

	for (i = 0; i < r->ncond; i++)
		cond_free(&r->cond[i]);
	free(r->cond);
	template_free(&r->reply);
	free(r->name);
	free(r->file);
	memset(r, 0, sizeof *r);
}

/*
 * conf_rule.c - rule blocks: keys, stage inference, replies and their
 * load-time validation with the shared validator (reply_check).
 *
 * Rule keys: if (repeatable), reply = CODE XCODE [TEXT], action, mode,
 * stage, allow-unregistered, reason (a name of the reason vocabulary, for
 * the events and statistics; without it the reply's code and text say).  The reply text is a template: "${var}" is
 * expanded when the reply is sent, "\n" starts a new line (a multi-line
 * reply), a lone '%' is escaped as "%%" (with a warning).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "expand.h"
#include "reply.h"
#include "strutil.h"

/* A rule key: its name and the handler of its value. */
typedef int (*key_fn)(struct builder *, struct rule *, struct rule_src *,
    const char *file, int line, const char *value);

static int key_if(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_reply(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_action(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_mode(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_stage(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_allow(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);
static int key_reason(struct builder *, struct rule *, struct rule_src *,
    const char *, int, const char *);

static const struct {
	const char	*name;
	key_fn		 fn;
} rule_keys[] = {
	{ "if", key_if },
	{ "reply", key_reply },
	{ "action", key_action },
	{ "mode", key_mode },
	{ "stage", key_stage },
	{ "allow-unregistered", key_allow },
	{ "reason", key_reason },
};
#define NKEYS	(sizeof rule_keys / sizeof rule_keys[0])

static const char *key_names[NKEYS + 1];

/* conf_rule_key_names - for suggestions and docs tests */
const char *const *
conf_rule_key_names(void)
{
	size_t i;

	if (key_names[0] == NULL)
		for (i = 0; i < NKEYS; i++)
			key_names[i] = rule_keys[i].name;
	return key_names;
}

/* conf_rule_begin - "rule NAME" */
int
conf_rule_begin(struct builder *b, const char *file, int line, const char *name)
{
	struct config *c = b->cfg;
	struct rule *r;
	unsigned i;

	for (i = 0; i < c->nrules; i++) {
		if (strcmp(c->rules[i].name, name) == 0) {
			b->cur = -1;
			return conf_error(b, file, line, "duplicate", "rule \"%s\" is "
			    "already defined at %s:%d; rule names must be unique",
			    name, c->rules[i].file, c->rules[i].line);
		}
	}
	if (c->nrules >= CONF_MAX_RULES) {
		b->cur = -1;
		return conf_error(b, file, line, "rule", "more than %d rules",
		    CONF_MAX_RULES);
	}
	if (c->nrules == b->cap) {
		unsigned ncap = b->cap ? b->cap * 2 : 16;
		struct rule *nr = realloc(c->rules, ncap * sizeof *nr);
		struct rule_src *ns;

		if (nr == NULL)
			return conf_error(b, file, line, "memory", "out of memory");
		c->rules = nr;
		if ((ns = realloc(b->src, ncap * sizeof *ns)) == NULL)
			return conf_error(b, file, line, "memory", "out of memory");
		b->src = ns;
		b->cap = ncap;
	}
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof *r);
	memset(&b->src[c->nrules], 0, sizeof b->src[0]);
	r->name = strdup(name);
	r->file = strdup(file);
	r->line = line;
	r->index = c->nrules;
	if (r->name == NULL || r->file == NULL) {
		free(r->name);
		free(r->file);
		return conf_error(b, file, line, "memory", "out of memory");
	}
	b->cur = (int)c->nrules++;
	return 0;
}

/* dup_key - a key that may appear once */
static int
dup_key(struct builder *b, const char *file, int line, int *seen,
    const char *name)
{
	if (*seen != 0) {
		conf_error(b, file, line, "duplicate", "%s is already given on line "
		    "%d of this rule", name, *seen);
		return -1;
	}
	*seen = line;
	return 0;
}

static int
key_if(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	struct esc_err err;
	struct cond *nc;
	char dir[4096];

	src->nif++;
	if ((nc = realloc(r->cond, (r->ncond + 1) * sizeof *nc)) == NULL)
		return conf_error(b, file, line, "memory", "out of memory");
	r->cond = nc;
	err_clear(&err);
	if (str_copy(dir, sizeof dir, file) < 0)
		return conf_error(b, file, line, "condition", "the file name is "
		    "too long");
	if (cond_parse(&r->cond[r->ncond], value, dirname(dir), &err) < 0) {
		if (err.file[0] != '\0')
			return conf_error(b, err.file, err.line, "condition",
			    "%s (in the list of rule %s, %s:%d)", err.text,
			    r->name, file, line);
		return conf_error(b, file, line, "condition", "%s", err.text);
	}
	r->cond[r->ncond].line = line;
	if (r->cond[r->ncond].type == C_HEADER)
		r->cond[r->ncond].hdr_bit = b->hdr_bits++;
	r->ncond++;
	return 0;
}

static int
key_reply(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->reply_line, "reply") < 0)
		return -1;
	if ((src->reply = strdup(value)) == NULL ||
	    (src->file = strdup(file)) == NULL)
		return conf_error(b, file, line, "memory", "out of memory");
	r->reply_line = line;
	return 0;
}

static int
key_action(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->action_line, "action") < 0)
		return -1;
	if (strcmp(value, "reply") == 0)
		r->action = ACT_REPLY;
	else if (strcmp(value, "accept") == 0)
		r->action = ACT_ACCEPT;
	else if (strcmp(value, "discard") == 0)
		r->action = ACT_DISCARD;
	else
		return conf_error(b, file, line, "bad-value", "action = %s: "
		    "expected reply, accept or discard", value);
	return 0;
}

static int
key_mode(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->mode_line, "mode") < 0)
		return -1;
	if (strcmp(value, "enforce") == 0)
		r->mode = MODE_ENFORCE;
	else if (strcmp(value, "monitor") == 0)
		r->mode = MODE_MONITOR;
	else
		return conf_error(b, file, line, "bad-value", "mode = %s: "
		    "expected enforce or monitor", value);
	r->mode_set = true;
	return 0;
}

static int
key_stage(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->stage_line, "stage") < 0)
		return -1;
	if (!stage_parse(value, &r->stage) || r->stage == STAGE_DATA)
		return conf_error(b, file, line, "bad-value", "stage = %s: "
		    "expected connect, helo, mail, rcpt, header or eom", value);
	r->stage_set = true;
	return 0;
}

static int
key_allow(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->allow_line, "allow-unregistered") < 0)
		return -1;
	if (str_parse_bool(value, &r->allow_unregistered) < 0)
		return conf_error(b, file, line, "bad-value",
		    "allow-unregistered = %s: expected yes or no", value);
	return 0;
}

static int
key_reason(struct builder *b, struct rule *r, struct rule_src *src,
    const char *file, int line, const char *value)
{
	if (dup_key(b, file, line, &src->reason_line, "reason") < 0)
		return -1;
	if (!reason_parse(value, strlen(value), &r->reason))
		return conf_error(b, file, line, "bad-value", "reason = %s: not "
		    "a name of the reason vocabulary (esc reasons lists them: "
		    "blocked, authfailure, policyviolation, ...)", value);
	r->reason_set = true;
	return 0;
}

/* conf_rule_key - one key of the current rule */
int
conf_rule_key(struct builder *b, const char *file, int line, const char *name,
    const char *value)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(name, rule_keys[i].name) == 0)
			return rule_keys[i].fn(b, &b->cfg->rules[b->cur],
			    &b->src[b->cur], file, line, value);
	return 1;
}

/* validate_reply - the shared validator on the reply as it would be sent */
static void
validate_reply(struct builder *b, struct rule *r, const char *file)
{
	struct validate_opts vo;
	struct findings fs;
	struct rendered *rd = malloc(sizeof *rd);
	struct reply *rep = malloc(sizeof *rep);
	char *wire = malloc(RENDERED_WIRE_MAX);
	size_t len;
	unsigned i;

	if (rd == NULL || rep == NULL || wire == NULL) {
		conf_error(b, file, r->reply_line, "memory", "out of memory");
		goto out;
	}
	template_render(&r->reply, template_placeholders, rd);
	len = rendered_wire(rd, wire, RENDERED_WIRE_MAX);
	vo.stage = r->stage == STAGE_CONNECT ? STAGE_MAIL : r->stage;
	vo.milter = true;
	vo.own_rule = true;
	vo.allow_unregistered = r->allow_unregistered;
	findings_init(&fs);
	reply_check(b->cfg->reg, wire, len, &vo, rep, &fs);
	for (i = 0; i < fs.n; i++) {
		const struct finding *f = &fs.v[i];
		char sugg[FINDING_SUGG + 24];

		/* The daemon escapes a lone '%' itself: already reported. */
		if (f->id == FID_TEXT_PERCENT)
			continue;
		snprintf(sugg, sizeof sugg, f->suggestion[0] ?
		    " (did you mean %s?)" : "%s", f->suggestion);
		conf_diag(b, f->sev, file, r->reply_line, finding_name(f->id),
		    "rule %s: %s%s", r->name, f->msg, sugg);
	}
out:
	free(rd);
	free(rep);
	free(wire);
}

/* compile_reply - the rule's reply template, then its validation */
static void
compile_reply(struct builder *b, struct rule *r, const struct rule_src *src)
{
	struct esc_err err;
	const char *id = "reply-syntax";

	err_clear(&err);
	if (template_compile(&r->reply, src->reply, b->cfg->reg, &id, &err) < 0) {
		conf_error(b, src->file, r->reply_line, id, "rule %s: %s",
		    r->name, err.text);
		return;
	}
	if (r->reply.lone_percent > 0)
		conf_warn(b, src->file, r->reply_line, "text-percent", "rule %s: "
		    "lone '%%' in the reply text: Postfix would delete it and "
		    "Sendmail would drop the whole text; esc-milter sends it as "
		    "'%%%%' (write '%%%%' to silence this warning)", r->name);
	validate_reply(b, r, src->file);
}

/* infer_stage - earliest stage where every condition is known */
static void
infer_stage(struct builder *b, struct rule *r)
{
	enum stage earliest = STAGE_CONNECT;
	unsigned i;

	for (i = 0; i < r->ncond; i++) {
		enum stage s = cond_stage(r->cond[i].type);

		if (s > earliest)
			earliest = s;
		if (r->cond[i].type == C_RECIPIENT ||
		    r->cond[i].type == C_RECIPIENT_DOMAIN ||
		    r->cond[i].type == C_RECIPIENT_NULLMX)
			r->per_recipient = true;
	}
	r->earliest = earliest;
	if (!r->stage_set) {
		r->stage = earliest;
		return;
	}
	if (r->stage < earliest)
		conf_error(b, r->file, r->line, "stage", "rule %s: stage = %s, but "
		    "its conditions are known only at %s (a rule may be delayed, "
		    "never advanced)", r->name, stage_name(r->stage),
		    stage_name(earliest));
	else if (r->per_recipient && r->stage != STAGE_RCPT)
		conf_error(b, r->file, r->line, "stage", "rule %s: recipient "
		    "conditions are evaluated per recipient, at stage rcpt; "
		    "stage = %s is not possible", r->name, stage_name(r->stage));
}

/* conf_rules_finish - per-rule checks, then the indexes */
int
conf_rules_finish(struct builder *b)
{
	struct config *c = b->cfg;
	unsigned i, k;

	for (i = 0; i < c->nrules; i++) {
		struct rule *r = &c->rules[i];
		const struct rule_src *src = &b->src[i];

		infer_stage(b, r);
		if (!r->mode_set)
			r->mode = c->set.mode;
		else if (c->set.mode == MODE_MONITOR && r->mode == MODE_ENFORCE)
			conf_warn(b, r->file, src->mode_line, "mode", "rule %s: "
			    "mode = enforce, but the global mode = monitor wins: "
			    "no rule rejects", r->name);
		if (c->set.mode == MODE_MONITOR)
			r->mode = MODE_MONITOR;
		if (src->nif == 0)
			conf_warn(b, r->file, r->line, "rule", "rule %s has no "
			    "condition: it matches every %s", r->name,
			    r->stage == STAGE_CONNECT ? "connection" : "message");
		switch (r->action) {
		case ACT_REPLY:
			if (src->reply == NULL) {
				conf_error(b, r->file, r->line, "rule", "rule %s needs "
				    "a reply (reply = 550 5.7.1 text) or an action "
				    "(action = accept | discard)", r->name);
				break;
			}
			compile_reply(b, r, src);
			break;
		case ACT_ACCEPT:
		case ACT_DISCARD:
			if (src->reply != NULL)
				conf_error(b, r->file, src->reply_line, "rule", "rule "
				    "%s: action = %s sends no reply; remove the "
				    "reply line", r->name, action_name(r->action));
			if (r->action == ACT_ACCEPT && r->mode == MODE_MONITOR &&
			    r->mode_set)
				conf_warn(b, r->file, src->mode_line, "mode", "rule %s: "
				    "mode = monitor has no effect on action = "
				    "accept", r->name);
			break;
		}
	}
	if (b->errors > 0)
		return -1;

	/* Rules per stage, in file order. */
	for (k = 0; k < STAGE_COUNT; k++) {
		if ((c->by_stage[k] = calloc(c->nrules + 1,
		    sizeof *c->by_stage[k])) == NULL)
			return conf_error(b, c->path, 0, "memory", "out of memory");
		for (i = 0; i < c->nrules; i++)
			if (c->rules[i].stage == (enum stage)k)
				c->by_stage[k][c->nby_stage[k]++] = i;
	}
	/* Header conditions, for the header callback. */
	if (b->hdr_bits > 0 &&
	    (c->hdr = calloc(b->hdr_bits, sizeof *c->hdr)) == NULL)
		return conf_error(b, c->path, 0, "memory", "out of memory");
	for (i = 0; i < c->nrules; i++) {
		for (k = 0; k < c->rules[i].ncond; k++) {
			struct cond *cd = &c->rules[i].cond[k];

			if (cd->type == C_HEADER) {
				c->hdr[cd->hdr_bit].name = cd->header;
				c->hdr[cd->hdr_bit].rule = i;
				c->hdr[cd->hdr_bit].cond = k;
				c->need_headers = true;
			}
			if (cd->type == C_BODY || cd->type == C_SIZE)
				c->need_body = true;
			if (c->set.regex_jit)
				matcher_jit(&cd->m);
		}
	}
	c->nhdr = b->hdr_bits;
	/* The hash index of header names, for conf_header_match(). */
	if (c->nhdr > 0) {
		unsigned nb = 16, n;

		while (nb < 2 * c->nhdr)
			nb *= 2;
		if ((c->hdr_bucket = malloc(nb * sizeof *c->hdr_bucket)) == NULL ||
		    (c->hdr_next = malloc(c->nhdr * sizeof *c->hdr_next)) == NULL)
			return conf_error(b, c->path, 0, "memory", "out of memory");
		for (n = 0; n < nb; n++)
			c->hdr_bucket[n] = UINT_MAX;
		c->hdr_mask = nb - 1;
		for (n = c->nhdr; n-- > 0;) {
			unsigned h = conf_header_hash(c->hdr[n].name) & c->hdr_mask;

			c->hdr_next[n] = c->hdr_bucket[h];
			c->hdr_bucket[h] = n;
		}
		/* A name's id is the index of its first watch (same bucket). */
		for (n = 0; n < c->nhdr; n++) {
			unsigned j = c->hdr_bucket[conf_header_hash(c->hdr[n].name) &
			    c->hdr_mask];

			while (!str_caseeq(c->hdr[j].name, c->hdr[n].name))
				j = c->hdr_next[j];
			c->hdr[n].name_id = j;
		}
	}
	return 0;
}

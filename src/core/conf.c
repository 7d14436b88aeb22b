/*
 * conf.c - loading a configuration: the builder and its diagnostics,
 * defaults, the registry, the header-condition index and freeing (see
 * conf.h).  The settings are in conf_settings.c, the files in
 * conf_parse.c, the rules in conf_rule.c.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "fnv.h"
#include "strutil.h"

/* conf_diag - record a diagnostic of any severity; -1 for tail calls */
int
conf_diag(struct builder *b, enum severity sev, const char *file, int line,
    const char *id, const char *fmt, ...)
{
	va_list ap;
	char msg[DIAG_MSG_LEN];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sev == SEV_ERROR)
		b->errors++;
	else
		b->cfg->nwarnings++;
	diag_add(b->diags, file, line, 0, sev, id, "%s", msg);
	return -1;
}

/* distance - Levenshtein distance, small strings only */
static unsigned
distance(const char *a, const char *b)
{
	unsigned row[64], i, j, la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

/* conf_suggest - closest name within a small distance */
const char *
conf_suggest(const char *s, const char *const *names)
{
	const char *best = NULL;
	unsigned bd = 4, d;

	for (; *names != NULL; names++) {
		char a[64], b[64];
		size_t i;

		/* "stats-interval" vs "stats_interval" are the same key */
		snprintf(a, sizeof a, "%s", s);
		snprintf(b, sizeof b, "%s", *names);
		for (i = 0; a[i]; i++)
			if (a[i] == '-')
				a[i] = '_';
		for (i = 0; b[i]; i++)
			if (b[i] == '-')
				b[i] = '_';
		if ((d = distance(a, b)) < bd) {
			bd = d;
			best = *names;
		}
	}
	return best;
}

/* conf_default_path - compile-time default */
const char *
conf_default_path(void)
{
	return SYSCONFDIR "/esc-milter/esc-milter.conf";
}

/* conf_free - everything the configuration owns (NULL is fine) */
void
conf_free(struct config *c)
{
	unsigned i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrules; i++)
		rule_free(&c->rules[i]);
	free(c->rules);
	for (i = 0; i < STAGE_COUNT; i++)
		free(c->by_stage[i]);
	free(c->hdr);
	free(c->hdr_bucket);
	free(c->hdr_next);
	pcre2_match_context_free(c->mctx);
	registry_free(c->reg);
	reasons_free(c->own_reasons);
	providers_free(c->own_providers);
	conf_settings_free(&c->set);
	free(c->path);
	free(c);
}

/* builder_end - what only loading needed */
static void
builder_end(struct builder *b)
{
	unsigned i;

	for (i = 0; i < b->cfg->nrules && b->src != NULL; i++) {
		free(b->src[i].reply);
		free(b->src[i].file);
	}
	free(b->src);
	for (i = 0; i < sizeof b->set_file / sizeof b->set_file[0]; i++)
		free(b->set_file[i]);
}

/* builder_start - a config holding the defaults */
static struct config *
builder_start(struct builder *b, struct diag_list *diags)
{
	memset(b, 0, sizeof *b);
	b->diags = diags;
	b->cur = -1;
	if ((b->cfg = calloc(1, sizeof *b->cfg)) == NULL)
		return NULL;
	if (conf_settings_defaults(b) < 0) {
		builder_end(b);
		conf_free(b->cfg);
		return b->cfg = NULL;
	}
	return b->cfg;
}

/* table_errors - a table's problems, as errors of the configuration that
   names it (the table is refused, and the configuration with it) */
static void
table_errors(struct builder *b, struct diag_list *td, const char *setting)
{
	const char *file;
	int line;
	size_t i;

	conf_setting_where(b, setting, &file, &line);
	for (i = 0; i < td->n; i++)
		conf_error(b, td->v[i].file, td->v[i].line, setting,
		    "%s (the table named at %s:%d)", td->v[i].msg,
		    file ? file : b->cfg->path, line);
	diag_list_free(td);
}

/* finish - everything that needs the whole file: registry, rules */
static struct config *
finish(struct builder *b)
{
	struct config *c = b->cfg;
	struct diag_list td;
	struct esc_err err;

	err_clear(&err);
	if (c->set.registry == NULL) {
		c->reg = registry_new_builtin(&err);
	} else {
		struct diag_list rd;

		diag_list_init(&rd);
		c->reg = registry_load_csv(c->set.registry, &rd, &err);
		for (size_t i = 0; i < rd.n; i++)
			conf_warn(b, rd.v[i].file, rd.v[i].line, rd.v[i].id, "%s",
			    rd.v[i].msg);
		diag_list_free(&rd);
	}
	if (c->reg == NULL) {
		const char *file;
		int line;

		conf_setting_where(b, "registry", &file, &line);
		conf_error(b, file ? file : c->path, line, "registry", "cannot load the registry: %s%s%s",
		    err.file[0] ? err.file : "", err.file[0] ? ": " : "", err.text);
	}
	/* the tables' patterns JIT-compiled as the rules' are */
	reasons_jit(c->set.regex_jit);
	if (c->set.reasons == NULL) {
		c->tab.reasons = reasons_builtin();
	} else {
		diag_list_init(&td);
		c->tab.reasons = c->own_reasons = reasons_load_file(c->set.reasons,
		    &td);
		table_errors(b, &td, "reasons");
	}
	if (c->set.providers == NULL) {
		c->tab.providers = providers_builtin();
	} else {
		diag_list_init(&td);
		c->tab.providers = c->own_providers =
		    providers_load_file(c->set.providers, &td);
		table_errors(b, &td, "providers");
	}
	if (c->tab.reasons == NULL || c->tab.providers == NULL)
		conf_error(b, c->path, 0, "memory", "cannot load the reason or "
		    "provider table");
	c->tab.reg = c->reg;
	c->mctx = match_context_new(c->set.regex_match_limit,
	    c->set.regex_depth_limit);
	if (c->mctx == NULL)
		conf_error(b, c->path, 0, "memory", "out of memory");
	if (c->reg != NULL && c->mctx != NULL)
		conf_rules_finish(b);
	if (c->set.maillog != NULL && c->set.maillog_state == NULL) {
		const char *file;
		int line;

		conf_setting_where(b, "maillog", &file, &line);
		conf_warn(b, file ? file : c->path, line, "maillog-state",
		    "maillog without maillog_state: esc-milter starts at the end "
		    "of %s each time and the lines written while it is stopped "
		    "are not counted; set maillog_state = "
		    "/var/lib/esc-milter/maillog.state", c->set.maillog);
	}
	builder_end(b);
	if (b->errors > 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* conf_defaults - no file at all */
struct config *
conf_defaults(struct diag_list *diags)
{
	struct builder b;

	if (builder_start(&b, diags) == NULL)
		return NULL;
	return finish(&b);
}

/* conf_load - read, validate, build */
struct config *
conf_load(const char *path, struct diag_list *diags)
{
	struct builder b;

	if (builder_start(&b, diags) == NULL) {
		diag_add(diags, path, 0, 0, SEV_ERROR, "memory", "out of memory");
		return NULL;
	}
	if ((b.cfg->path = strdup(path)) == NULL) {
		conf_error(&b, path, 0, "memory", "out of memory");
	} else {
		conf_read_file(&b, path, 0, NULL, 0);
	}
	return finish(&b);
}

/* conf_header_hash - FNV-1a over the lower-cased name */
uint32_t
conf_header_hash(const char *name)
{
	uint32_t h = FNV32_BASIS;

	for (; *name; name++)
		h = fnv32_add(h, (unsigned char)tolower((unsigned char)*name));
	return h;
}

/*
 * conf_header_match - mark the header conditions (name, value) satisfies.
 * Only the conditions on this header name are looked at (hash index), so
 * the cost does not grow with the number of header rules.
 */
int
conf_header_match(const struct config *c, const char *name, const char *value,
    size_t len, uint8_t *bits, struct match_scratch *sc)
{
	unsigned i, same = UINT_MAX, other = UINT_MAX;
	int rc = 0, m;

	if (c->nhdr == 0)
		return 0;
	if (len > c->set.header_scan_limit)
		len = c->set.header_scan_limit;
	for (i = c->hdr_bucket[conf_header_hash(name) & c->hdr_mask];
	    i != UINT_MAX; i = c->hdr_next[i]) {
		const struct hdr_watch *w = &c->hdr[i];

		if (bits[i / 8] & (1u << (i % 8)))
			continue;	/* an earlier occurrence matched */
		/* Compare each distinct name once, not once per rule. */
		if (w->name_id == other)
			continue;
		if (w->name_id != same) {
			if (!str_caseeq(w->name, name)) {
				other = w->name_id;
				continue;
			}
			same = w->name_id;
		}
		m = matcher_match(&c->rules[w->rule].cond[w->cond].m, value, len,
		    sc);
		if (m < 0)
			rc = -1;
		else if (m > 0)
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	return rc;
}

/* conf_rule_by_name - linear lookup (configuration time only) */
const struct rule *
conf_rule_by_name(const struct config *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].name, name) == 0)
			return &c->rules[i];
	return NULL;
}

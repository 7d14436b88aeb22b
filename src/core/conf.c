/*
 * conf.c - settings table, defaults, loading and reference counting
 * (see conf.h).  Every setting is one row of `settings[]`: its name, how
 * its value is parsed and its default, so defaults go through the same
 * parser as the file.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf_int.h"
#include "strutil.h"

typedef int (*set_fn)(struct settings *, const char *value, char *why,
    size_t whylen);

struct setting {
	const char	*name;
	set_fn		 parse;
	const char	*def;		/* default, parsed at start */
};

/* ---- value parsers: 0 ok, -1 with a reason in why ---- */

static int
set_str(char **dst, const char *v)
{
	char *n = strdup(v);

	if (n == NULL)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

static int
parse_bool(const char *v, bool *out, char *why, size_t whylen)
{
	if (str_caseeq(v, "yes") || str_caseeq(v, "true") ||
	    str_caseeq(v, "on") || strcmp(v, "1") == 0)
		*out = true;
	else if (str_caseeq(v, "no") || str_caseeq(v, "false") ||
	    str_caseeq(v, "off") || strcmp(v, "0") == 0)
		*out = false;
	else {
		snprintf(why, whylen, "expected yes or no");
		return -1;
	}
	return 0;
}

/* parse_uint_unit - "60", "5m", "1h" (seconds) or "256K", "1M" (bytes) */
static int
parse_uint_unit(const char *v, bool time, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *why, size_t whylen)
{
	char *end;
	unsigned long long n, mult = 1;

	if (!isdigit((unsigned char)*v)) {
		snprintf(why, whylen, "expected a number");
		return -1;
	}
	n = strtoull(v, &end, 10);
	if (*end != '\0') {
		if (time && end[1] == '\0' && strchr("smhd", *end))
			mult = *end == 's' ? 1 : *end == 'm' ? 60 :
			    *end == 'h' ? 3600 : 86400;
		else if (!time && end[1] == '\0' && strchr("kKmMgG", *end))
			mult = (*end == 'k' || *end == 'K') ? 1024ULL :
			    (*end == 'm' || *end == 'M') ? 1048576ULL : 1073741824ULL;
		else {
			snprintf(why, whylen, "unexpected \"%s\" after the number "
			    "(units: %s)", end, time ? "s, m, h, d" : "K, M, G");
			return -1;
		}
	}
	n *= mult;
	if (n < min || n > max) {
		snprintf(why, whylen, "must be between %llu and %llu", min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
p_socket(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		const char *port = v + (v[4] == ':' ? 5 : 6);
		char *end;
		long n = strtol(port, &end, 10);

		if (end == port || n < 1 || n > 65535 ||
		    (*end != '\0' && *end != '@')) {
			snprintf(why, whylen, "write inet:PORT@ADDRESS, as in "
			    "inet:8895@127.0.0.1 (libmilter syntax)");
			return -1;
		}
	} else if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		if (strchr(v, ':')[1] != '/') {
			snprintf(why, whylen, "a unix socket needs an absolute "
			    "path, as in unix:/run/esc-milter/esc-milter.sock");
			return -1;
		}
	} else {
		snprintf(why, whylen, "use inet:PORT@ADDRESS, inet6:PORT@ADDRESS "
		    "or unix:/path");
		return -1;
	}
	return set_str(&s->socket, v);
}

static int
p_socket_mode(struct settings *s, const char *v, char *why, size_t whylen)
{
	char *end;
	long m = strtol(v, &end, 8);

	if (*v == '\0' || *end != '\0' || m < 0 || m > 0777) {
		snprintf(why, whylen, "expected an octal mode such as 0660");
		return -1;
	}
	s->socket_mode = (unsigned)m;
	return 0;
}

static int
p_socket_group(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (*v == '\0') {
		free(s->socket_group);
		s->socket_group = NULL;
		return 0;
	}
	if (strpbrk(v, " \t:") != NULL) {
		snprintf(why, whylen, "a group name");
		return -1;
	}
	return set_str(&s->socket_group, v);
}

static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 },
};

static int
p_log(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "stdout") == 0) {
		s->log_kind = LOGK_STDOUT;
	} else if (strcmp(v, "none") == 0) {
		s->log_kind = LOGK_NONE;
	} else if (strncmp(v, "file:", 5) == 0) {
		if (v[5] != '/') {
			snprintf(why, whylen, "write file:/absolute/path");
			return -1;
		}
		s->log_kind = LOGK_FILE;
		if (set_str(&s->log_path, v + 5) < 0)
			return -1;
	} else if (strncmp(v, "syslog", 6) == 0 &&
	    (v[6] == '\0' || v[6] == ':')) {
		const char *f = v[6] ? v + 7 : "mail";
		int i;

		for (i = 0; facilities[i].name != NULL; i++)
			if (str_caseeq(f, facilities[i].name))
				break;
		if (facilities[i].name == NULL) {
			snprintf(why, whylen, "unknown syslog facility \"%s\" "
			    "(mail, daemon, user, local0 ... local7)", f);
			return -1;
		}
		s->log_kind = LOGK_SYSLOG;
		s->log_facility = facilities[i].value;
	} else {
		snprintf(why, whylen, "use file:/path, syslog:FACILITY, stdout "
		    "or none");
		return -1;
	}
	return set_str(&s->log_spec, v);
}

#define UINT_SETTING(fn, field, time, min, max)				\
static int								\
fn(struct settings *s, const char *v, char *why, size_t whylen)	\
{									\
	unsigned long long n;						\
									\
	if (parse_uint_unit(v, time, min, max, &n, why, whylen) < 0)	\
		return -1;						\
	s->field = (__typeof__(s->field))n;				\
	return 0;							\
}

UINT_SETTING(p_stats_interval, stats_interval, true, 0, 86400)
UINT_SETTING(p_dns_timeout, dns_timeout, true, 1, 60)
UINT_SETTING(p_dns_cache, dns_cache_size, false, 0, 10000000)
UINT_SETTING(p_body_limit, body_scan_limit, false, 0, 64ULL * 1048576)
UINT_SETTING(p_header_limit, header_scan_limit, false, 64, 1048576)
UINT_SETTING(p_match_limit, regex_match_limit, false, 100, 100000000)
UINT_SETTING(p_depth_limit, regex_depth_limit, false, 10, 10000000)
UINT_SETTING(p_event_queue, event_queue, false, 16, 10000000)

#define PATH_SETTING(fn, field)						\
static int								\
fn(struct settings *s, const char *v, char *why, size_t whylen)	\
{									\
	if (*v == '\0' || str_caseeq(v, "none")) {			\
		free(s->field);						\
		s->field = NULL;					\
		return 0;						\
	}								\
	if (*v != '/') {						\
		snprintf(why, whylen, "write an absolute path or none");\
		return -1;						\
	}								\
	return set_str(&s->field, v);					\
}

PATH_SETTING(p_stats_file, stats_file)
PATH_SETTING(p_prometheus_file, prometheus_file)

#define BOOL_SETTING(fn, field)						\
static int								\
fn(struct settings *s, const char *v, char *why, size_t whylen)	\
{									\
	return parse_bool(v, &s->field, why, whylen);			\
}

BOOL_SETTING(p_observe, observe_mta_rejects)
BOOL_SETTING(p_annotate, annotate_dsn)
BOOL_SETTING(p_regex_jit, regex_jit)
BOOL_SETTING(p_allow_root, allow_root)

static int
p_header_prefix(struct settings *s, const char *v, char *why, size_t whylen)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 40) {
		snprintf(why, whylen, "a header name prefix of 1 to 40 "
		    "characters, such as X-ESC-");
		return -1;
	}
	for (p = v; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == ':') {
			snprintf(why, whylen, "header names are printable ASCII "
			    "without blanks or ':'");
			return -1;
		}
	}
	return set_str(&s->header_prefix, v);
}

static int
p_mode(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "enforce") == 0)
		s->mode = MODE_ENFORCE;
	else if (strcmp(v, "monitor") == 0)
		s->mode = MODE_MONITOR;
	else {
		snprintf(why, whylen, "expected enforce or monitor");
		return -1;
	}
	return 0;
}

static int
p_on_error(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "tempfail") == 0)
		s->on_error = ON_ERROR_TEMPFAIL;
	else if (strcmp(v, "continue") == 0)
		s->on_error = ON_ERROR_CONTINUE;
	else {
		snprintf(why, whylen, "expected tempfail or continue");
		return -1;
	}
	return 0;
}

static int
p_registry(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "builtin") == 0) {
		free(s->registry);
		s->registry = NULL;
		return 0;
	}
	if (*v != '/') {
		snprintf(why, whylen, "write builtin or an absolute path to an "
		    "IANA CSV file");
		return -1;
	}
	return set_str(&s->registry, v);
}

/* p_resolver - "system", "IP", "IP:PORT", "[IPv6]:PORT" */
static int
p_resolver(struct settings *s, const char *v, char *why, size_t whylen)
{
	char host[80];
	const char *port = NULL;
	unsigned long pn = 53;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&s->resolver_addr;
	struct in6_addr in6;

	if (strcmp(v, "system") == 0) {
		free(s->resolver);
		s->resolver = NULL;
		return 0;
	}
	if (v[0] == '[') {
		const char *e = strchr(v, ']');

		if (e == NULL || str_copyn(host, sizeof host, v + 1,
		    (size_t)(e - v - 1)) < 0)
			goto bad;
		if (e[1] == ':')
			port = e + 2;
		else if (e[1] != '\0')
			goto bad;
	} else if (strchr(v, ':') != NULL && strchr(v, ':') == strrchr(v, ':')) {
		const char *c = strchr(v, ':');

		if (str_copyn(host, sizeof host, v, (size_t)(c - v)) < 0)
			goto bad;
		port = c + 1;
	} else if (str_copy(host, sizeof host, v) < 0) {
		goto bad;
	}
	if (port != NULL && str_parse_uint(port, 65535, &pn) < 0)
		goto bad;
	memset(&s->resolver_addr, 0, sizeof s->resolver_addr);
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)pn);
	} else if (inet_pton(AF_INET6, host, &in6) == 1) {
		snprintf(why, whylen, "only IPv4 resolver addresses are "
		    "supported (system uses /etc/resolv.conf, IPv6 included)");
		return -1;
	} else {
		goto bad;
	}
	return set_str(&s->resolver, v);
bad:
	snprintf(why, whylen, "write system, an IP address, IP:PORT or "
	    "[IPv6]:PORT");
	return -1;
}

static int
p_host_name(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (*v == '\0') {
		free(s->host_name);
		s->host_name = NULL;
		return 0;
	}
	if (strlen(v) > 255 || strpbrk(v, " \t\"\\") != NULL) {
		snprintf(why, whylen, "a host name without blanks or quotes");
		return -1;
	}
	return set_str(&s->host_name, v);
}

/* The table: names are the contract (SPEC section 3, esc-milter.conf(5)). */
static const struct setting settings[] = {
	{ "socket", p_socket, "inet:8895@127.0.0.1" },
	{ "socket_mode", p_socket_mode, "0660" },
	{ "socket_group", p_socket_group, "" },
	{ "log", p_log, "stdout" },
	{ "stats_interval", p_stats_interval, "60" },
	{ "stats_file", p_stats_file, "none" },
	{ "prometheus_file", p_prometheus_file, "none" },
	{ "observe_mta_rejects", p_observe, "yes" },
	{ "annotate_dsn", p_annotate, "no" },
	{ "header_prefix", p_header_prefix, "X-ESC-" },
	{ "mode", p_mode, "enforce" },
	{ "registry", p_registry, "builtin" },
	{ "on_error", p_on_error, "tempfail" },
	{ "resolver", p_resolver, "system" },
	{ "dns_timeout", p_dns_timeout, "5" },
	{ "dns_cache_size", p_dns_cache, "10000" },
	{ "body_scan_limit", p_body_limit, "1M" },
	{ "header_scan_limit", p_header_limit, "64K" },
	{ "regex_match_limit", p_match_limit, "100000" },
	{ "regex_depth_limit", p_depth_limit, "10000" },
	{ "regex_jit", p_regex_jit, "yes" },
	{ "event_queue", p_event_queue, "65536" },
	{ "host_name", p_host_name, "" },
	{ "allow_root", p_allow_root, "no" },
	{ NULL, NULL, NULL },
};
/* "include" is handled by the reader, not here. */

static const char *setting_names[sizeof settings / sizeof settings[0] + 1];

/* conf_setting_names - for the linter, docs tests and suggestions */
const char *const *
conf_setting_names(void)
{
	size_t i;

	if (setting_names[0] == NULL) {
		for (i = 0; settings[i].name != NULL; i++)
			setting_names[i] = settings[i].name;
		setting_names[i] = "include";
	}
	return setting_names;
}

/* setting_index - row of a setting, -1 if unknown */
static int
setting_index(const char *name)
{
	int i;

	for (i = 0; settings[i].name != NULL; i++)
		if (strcmp(settings[i].name, name) == 0)
			return i;
	return -1;
}

/* conf_is_setting - a global name? */
bool
conf_is_setting(const char *name)
{
	return strcmp(name, "include") == 0 || setting_index(name) >= 0;
}

/* b_error - record an error diagnostic */
int
b_error(struct builder *b, const char *file, int line, const char *id,
    const char *fmt, ...)
{
	struct diag *d;
	va_list ap;
	char msg[DIAG_MSG_LEN];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->errors++;
	d = diag_add(b->diags, file, line, 0, SEV_ERROR, id, "%s", msg);
	(void)d;
	return -1;
}

/* b_warn - record a warning (or note) */
void
b_warn(struct builder *b, const char *file, int line, const char *id,
    const char *fmt, ...)
{
	va_list ap;
	char msg[DIAG_MSG_LEN];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->cfg->nwarnings++;
	diag_add(b->diags, file, line, 0, SEV_WARNING, id, "%s", msg);
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

/* conf_setting - apply one setting */
int
conf_setting(struct builder *b, const char *file, int line, const char *name,
    const char *value)
{
	char why[256] = "";
	int i = setting_index(name);

	if (i < 0)
		return 1;
	if (b->set_line[i] != 0 && file != NULL)
		b_warn(b, file, line, "duplicate", "%s is already set on line %d "
		    "of %s; this later value is used", name, b->set_line[i],
		    b->set_file[i] ? b->set_file[i] : "?");
	if (settings[i].parse(&b->cfg->set, value, why, sizeof why) < 0)
		return b_error(b, file, line, "bad-value", "%s = %s: %s", name,
		    value, why[0] ? why : "out of memory");
	if (file != NULL) {
		free(b->set_file[i]);
		b->set_file[i] = strdup(file);
		b->set_line[i] = line;
	}
	return 0;
}

/* conf_default_path - compile-time default */
const char *
conf_default_path(void)
{
	return SYSCONFDIR "/esc-milter/esc-milter.conf";
}

static void
settings_free(struct settings *s)
{
	free(s->socket);
	free(s->socket_group);
	free(s->log_path);
	free(s->log_spec);
	free(s->stats_file);
	free(s->prometheus_file);
	free(s->header_prefix);
	free(s->registry);
	free(s->resolver);
	free(s->host_name);
}

static void
conf_free(struct config *c)
{
	unsigned i;

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
	settings_free(&c->set);
	free(c->path);
	free(c);
}

/* conf_ref - one more user */
struct config *
conf_ref(struct config *c)
{
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	return c;
}

/* conf_unref - one user less; the last frees */
void
conf_unref(struct config *c)
{
	if (c != NULL &&
	    atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
		conf_free(c);
}

/* builder_start - a config holding the defaults */
static struct config *
builder_start(struct builder *b, struct diag_list *diags)
{
	size_t i;

	memset(b, 0, sizeof *b);
	b->diags = diags;
	b->cur = -1;
	if ((b->cfg = calloc(1, sizeof *b->cfg)) == NULL)
		return NULL;
	atomic_init(&b->cfg->refs, 1);
	for (i = 0; settings[i].name != NULL; i++)
		if (conf_setting(b, NULL, 0, settings[i].name, settings[i].def) != 0) {
			conf_free(b->cfg);
			return b->cfg = NULL;
		}
	return b->cfg;
}

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

/* finish - everything that needs the whole file: registry, rules */
static struct config *
finish(struct builder *b)
{
	struct config *c = b->cfg;
	struct esc_err err;

	err_clear(&err);
	if (c->set.registry == NULL) {
		c->reg = registry_new_builtin(&err);
	} else {
		struct diag_list rd;

		diag_list_init(&rd);
		c->reg = registry_load_csv(c->set.registry, &rd, &err);
		for (size_t i = 0; i < rd.n; i++)
			b_warn(b, rd.v[i].file, rd.v[i].line, rd.v[i].id, "%s",
			    rd.v[i].msg);
		diag_list_free(&rd);
	}
	if (c->reg == NULL) {
		int i = setting_index("registry");

		b_error(b, b->set_file[i] ? b->set_file[i] : c->path,
		    b->set_line[i], "registry", "cannot load the registry: %s%s%s",
		    err.file[0] ? err.file : "", err.file[0] ? ": " : "", err.text);
	}
	c->mctx = match_context_new(c->set.regex_match_limit,
	    c->set.regex_depth_limit);
	if (c->mctx == NULL)
		b_error(b, c->path, 0, "memory", "out of memory");
	if (c->reg != NULL && c->mctx != NULL)
		conf_rules_finish(b);
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
		b_error(&b, path, 0, "memory", "out of memory");
	} else {
		conf_read_file(&b, path, 0, NULL, 0);
	}
	return finish(&b);
}

/* conf_header_hash - FNV-1a over the lower-cased name */
uint32_t
conf_header_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++) {
		h ^= (uint32_t)(unsigned char)tolower((unsigned char)*name);
		h *= 16777619u;
	}
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

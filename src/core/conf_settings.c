/*
 * conf_settings.c - the global settings of esc-milter.conf: one row of
 * `settings[]` per name, with the parser of its value and its default, so
 * the defaults go through the same parser as the file (see conf_int.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
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
parse_bool(const char *v, bool *out, char *why, size_t whylen)
{
	if (str_parse_bool(v, out) == 0)
		return 0;
	snprintf(why, whylen, "expected yes or no");
	return -1;
}

/* parse_uint_unit - "60", "5m", "1h" (seconds) or "256K", "1M" (bytes) */
static int
parse_uint_unit(const char *v, bool time, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *why, size_t whylen)
{
	const char *bad;
	unsigned long long n;

	if (str_parse_scaled(v, time ? STR_UNITS_TIME : STR_UNITS_SIZE, &n,
	    &bad) < 0) {
		if (bad == v)
			snprintf(why, whylen, "expected a number");
		else
			snprintf(why, whylen, "unexpected \"%s\" after the number "
			    "(units: %s)", bad, time ? "s, m, h, d" : "K, M, G");
		return -1;
	}
	if (n < min || n > max) {
		snprintf(why, whylen, "must be between %llu and %llu", min, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* too_long - a path that does not fit where it goes */
static bool
too_long(const char *path, size_t max, char *why, size_t whylen)
{
	if (strlen(path) <= max)
		return false;
	snprintf(why, whylen, "the path is %zu bytes long; at most %zu are "
	    "allowed", strlen(path), max);
	return true;
}

static int
p_socket(struct settings *s, const char *v, char *why, size_t whylen)
{
	struct sockaddr_un sun;

	if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		const char *port = v + (v[4] == ':' ? 5 : 6);
		char *end;
		long n = strtol(port, &end, 10);

		if (end == port || n < 1 || n > 65535 ||
		    (*end != '\0' && *end != '@') || strlen(end) > 256) {
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
		if (too_long(strchr(v, ':') + 1, sizeof sun.sun_path - 1, why,
		    whylen))
			return -1;
	} else {
		snprintf(why, whylen, "use inet:PORT@ADDRESS, inet6:PORT@ADDRESS "
		    "or unix:/path");
		return -1;
	}
	return str_set(&s->socket, v);
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
	return str_set(&s->socket_group, v);
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
		if (too_long(v + 5, CONF_PATH_MAX, why, whylen))
			return -1;
		s->log_kind = LOGK_FILE;
		if (str_set(&s->log_path, v + 5) < 0)
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
	return str_set(&s->log_spec, v);
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
UINT_SETTING(p_shutdown_timeout, shutdown_timeout, true, 0, 3600)

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
	if (too_long(v, CONF_PATH_MAX, why, whylen))			\
		return -1;						\
	return str_set(&s->field, v);					\
}

PATH_SETTING(p_stats_file, stats_file)
PATH_SETTING(p_prometheus_file, prometheus_file)
PATH_SETTING(p_maillog, maillog)
PATH_SETTING(p_maillog_state, maillog_state)

static int
p_maillog_mta(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (str_caseeq(v, "auto"))
		s->maillog_mta = MLM_AUTO;
	else if (str_caseeq(v, "postfix"))
		s->maillog_mta = MLM_POSTFIX;
	else if (str_caseeq(v, "sendmail"))
		s->maillog_mta = MLM_SENDMAIL;
	else {
		snprintf(why, whylen, "expected auto, postfix or sendmail");
		return -1;
	}
	return 0;
}

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
	return str_set(&s->header_prefix, v);
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
	if (too_long(v, CONF_PATH_MAX, why, whylen))
		return -1;
	return str_set(&s->registry, v);
}

static int
p_reasons(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "builtin") == 0) {
		free(s->reasons);
		s->reasons = NULL;
		return 0;
	}
	if (*v != '/') {
		snprintf(why, whylen, "write builtin or an absolute path to a "
		    "reason table (esc reasons --format tsv writes the built-in "
		    "one to start from)");
		return -1;
	}
	if (too_long(v, CONF_PATH_MAX, why, whylen))
		return -1;
	return str_set(&s->reasons, v);
}

static int
p_providers(struct settings *s, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "builtin") == 0) {
		free(s->providers);
		s->providers = NULL;
		return 0;
	}
	if (*v != '/') {
		snprintf(why, whylen, "write builtin or an absolute path to a "
		    "provider table (NAME<TAB>HOST-SUFFIX lines)");
		return -1;
	}
	if (too_long(v, CONF_PATH_MAX, why, whylen))
		return -1;
	return str_set(&s->providers, v);
}

/* p_prometheus_listen - "none", "IPv4:PORT", "[IPv6]:PORT" */
static int
p_prometheus_listen(struct settings *s, const char *v, char *why,
    size_t whylen)
{
	char host[64];
	const char *colon;
	unsigned long port;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&s->prometheus_addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->prometheus_addr;

	if (*v == '\0' || str_caseeq(v, "none")) {
		free(s->prometheus_listen);
		s->prometheus_listen = NULL;
		return 0;
	}
	memset(&s->prometheus_addr, 0, sizeof s->prometheus_addr);
	if (v[0] == '[') {
		const char *e = strchr(v, ']');

		if (e == NULL || e[1] != ':' || (size_t)(e - v - 1) >= sizeof host)
			goto bad;
		memcpy(host, v + 1, (size_t)(e - v - 1));
		host[e - v - 1] = '\0';
		colon = e + 1;
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			goto bad;
		in6->sin6_family = AF_INET6;
		s->prometheus_addrlen = sizeof *in6;
	} else {
		if ((colon = strrchr(v, ':')) == NULL ||
		    (size_t)(colon - v) >= sizeof host)
			goto bad;
		memcpy(host, v, (size_t)(colon - v));
		host[colon - v] = '\0';
		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
			goto bad;
		in4->sin_family = AF_INET;
		s->prometheus_addrlen = sizeof *in4;
	}
	if (str_parse_uint(colon + 1, 65535, &port) < 0 || port == 0)
		goto bad;
	if (s->prometheus_addr.ss_family == AF_INET)
		in4->sin_port = htons((uint16_t)port);
	else
		in6->sin6_port = htons((uint16_t)port);
	return str_set(&s->prometheus_listen, v);
bad:
	snprintf(why, whylen, "write none, ADDRESS:PORT (127.0.0.1:9464) or "
	    "[IPv6]:PORT, with an IP address, not a host name");
	return -1;
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
	return str_set(&s->resolver, v);
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
	return str_set(&s->host_name, v);
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
	{ "reasons", p_reasons, "builtin" },
	{ "providers", p_providers, "builtin" },
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
	{ "shutdown_timeout", p_shutdown_timeout, "10" },
	{ "maillog", p_maillog, "none" },
	{ "maillog_state", p_maillog_state, "none" },
	{ "maillog_mta", p_maillog_mta, "auto" },
	{ "prometheus_listen", p_prometheus_listen, "none" },
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
		conf_warn(b, file, line, "duplicate", "%s is already set on line %d "
		    "of %s; this later value is used", name, b->set_line[i],
		    b->set_file[i] ? b->set_file[i] : "?");
	if (settings[i].parse(&b->cfg->set, value, why, sizeof why) < 0)
		return conf_error(b, file, line, "bad-value", "%s = %s: %s", name,
		    value, why[0] ? why : "out of memory");
	if (file != NULL) {
		free(b->set_file[i]);
		b->set_file[i] = strdup(file);
		b->set_line[i] = line;
	}
	return 0;
}

/* conf_settings_free - what the settings own */
void
conf_settings_free(struct settings *s)
{
	free(s->socket);
	free(s->socket_group);
	free(s->log_path);
	free(s->log_spec);
	free(s->stats_file);
	free(s->prometheus_file);
	free(s->header_prefix);
	free(s->registry);
	free(s->reasons);
	free(s->providers);
	free(s->resolver);
	free(s->host_name);
	free(s->maillog);
	free(s->maillog_state);
	free(s->prometheus_listen);
}

/* conf_settings_defaults - every setting at its default value; -1 on ENOMEM */
int
conf_settings_defaults(struct builder *b)
{
	size_t i;

	for (i = 0; settings[i].name != NULL; i++)
		if (conf_setting(b, NULL, 0, settings[i].name, settings[i].def) != 0)
			return -1;
	return 0;
}

/* conf_setting_where - the file and line that set it (NULL, 0: default) */
void
conf_setting_where(const struct builder *b, const char *name,
    const char **file, int *line)
{
	int i = setting_index(name);

	*file = i >= 0 ? b->set_file[i] : NULL;
	*line = i >= 0 ? b->set_line[i] : 0;
}


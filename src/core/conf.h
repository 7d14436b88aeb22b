/*
 * conf.h - the daemon's configuration (SPEC section 3): settings, rules,
 * load-time validation.
 *
 * conf_load() reads a file (and its includes) and returns a new config
 * owned by the caller, or NULL when any error-level diagnostic was found
 * (all of them are in diags, each with FILE:LINE).  A config is immutable
 * once loaded, so threads may read it without locks; its lifetime is the
 * owner's business (the daemon shares it by reference count, runtime.h).
 *
 * Used by esc-milter (start, reload, -n) and by `esc lint`, so the daemon
 * and the linter can never disagree about a file.
 */
#ifndef ESC_CONF_H
#define ESC_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "maillog.h"
#include "diag.h"
#include "reason.h"
#include "registry.h"
#include "replyclass.h"
#include "rule.h"

enum log_kind { LOGK_STDOUT, LOGK_FILE, LOGK_SYSLOG, LOGK_NONE };

#define CONF_PATH_MAX		1024	/* a path in a setting, bytes */
#define CONF_NAME_MAX		64	/* a rule name */
enum on_error { ON_ERROR_TEMPFAIL, ON_ERROR_CONTINUE };

struct settings {
	char		*socket;		/* libmilter spec, "inet:8895@127.0.0.1" */
	unsigned	 socket_mode;		/* for unix: sockets */
	char		*socket_group;		/* NULL: the -u user's group */
	enum log_kind	 log_kind;
	char		*log_path;		/* LOGK_FILE */
	int		 log_facility;		/* LOGK_SYSLOG */
	char		*log_spec;		/* as written */
	unsigned	 stats_interval;	/* seconds, 0 = only on demand */
	char		*stats_file;		/* NULL = none */
	char		*prometheus_file;	/* NULL = none */
	bool		 observe_mta_rejects;
	bool		 annotate_dsn;
	char		*header_prefix;
	enum mode	 mode;
	char		*registry;		/* NULL = builtin */
	char		*reasons;		/* NULL = builtin */
	char		*providers;		/* NULL = builtin */
	enum on_error	 on_error;
	char		*resolver;		/* NULL = system */
	struct sockaddr_storage resolver_addr;
	unsigned	 dns_timeout;		/* seconds */
	unsigned	 dns_cache_size;
	size_t		 body_scan_limit;	/* bytes of body kept for body rules */
	size_t		 header_scan_limit;	/* bytes of one header value examined */
	uint32_t	 regex_match_limit;
	uint32_t	 regex_depth_limit;
	bool		 regex_jit;		/* JIT-compile regular expressions */
	unsigned	 event_queue;		/* events waiting to be written */
	char		*host_name;		/* "host" in events; NULL = gethostname */
	bool		 allow_root;		/* keep running as root */
	unsigned	 shutdown_timeout;	/* seconds sessions may finish in */
	char		*maillog;		/* the MTA's log to follow; NULL none */
	char		*maillog_state;		/* where the follower keeps its place */
	enum maillog_mta maillog_mta;		/* whose lines it reads */
	char		*prometheus_listen;	/* "127.0.0.1:9464"; NULL none */
	struct sockaddr_storage prometheus_addr;
	socklen_t	 prometheus_addrlen;
};

struct hdr_watch {
	const char	*name;		/* borrowed from the condition */
	unsigned	 name_id;	/* equal for equal names (any case) */
	unsigned	 rule, cond;	/* indexes */
};

struct config {
	char			*path;		/* NULL: built-in defaults */
	struct settings		 set;
	struct registry		*reg;
	struct reasons		*own_reasons;	/* a loaded one, owned */
	struct providers	*own_providers;	/* a loaded one, owned */
	struct tables		 tab;		/* reg, reasons, providers */
	struct rule		*rules;
	unsigned		 nrules;
	unsigned		*by_stage[STAGE_COUNT];	/* rule indexes per stage */
	unsigned		 nby_stage[STAGE_COUNT];
	struct hdr_watch	*hdr;		/* header conditions */
	unsigned		 nhdr;
	unsigned		*hdr_bucket;	/* name hash -> first watch, or */
	unsigned		*hdr_next;	/* UINT_MAX; next watch, same hash */
	unsigned		 hdr_mask;	/* buckets - 1 (a power of two) */
	bool			 need_body;	/* a body or size rule exists */
	bool			 need_headers;	/* a header rule exists */
	pcre2_match_context	*mctx;
	unsigned		 nwarnings;	/* warnings found while loading */
};

/* conf_load - parse and validate; NULL when there are errors */
struct config *conf_load(const char *path, struct diag_list *diags);

/* conf_defaults - the built-in defaults (no file); NULL on ENOMEM */
struct config *conf_defaults(struct diag_list *diags);

/* conf_free - release a configuration and all it owns (NULL is fine) */
void	conf_free(struct config *);

/* conf_setting_names - NULL-terminated list of every setting name */
const char *const *conf_setting_names(void);

/* conf_rule_key_names - NULL-terminated list of every rule key */
const char *const *conf_rule_key_names(void);

/* conf_default_path - $(sysconfdir)/esc-milter/esc-milter.conf */
const char *conf_default_path(void);

/* conf_header_hash - hash of a header name, case-insensitive */
uint32_t conf_header_hash(const char *name);

/*
 * conf_header_match - set in bits (one per header condition, nhdr bits)
 * those that the header (name, value) satisfies.  Values are examined up
 * to header_scan_limit bytes.  Returns -1 when a regex could not decide.
 */
int	conf_header_match(const struct config *, const char *name,
	    const char *value, size_t len, uint8_t *bits, struct match_scratch *);

/* conf_rule_by_name - lookup, NULL if absent */
const struct rule *conf_rule_by_name(const struct config *, const char *);

#endif

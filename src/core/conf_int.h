/*
 * conf_int.h - internals shared by conf.c (settings, lifecycle),
 * conf_parse.c (files, lines, includes) and conf_rule.c (rules).
 * Not part of the core's interface.
 */
#ifndef ESC_CONF_INT_H
#define ESC_CONF_INT_H

#include "conf.h"

#define CONF_MAX_INCLUDE_DEPTH	8
#define CONF_MAX_RULES		100000

/* Per-rule data needed only while loading. */
struct rule_src {
	char		*reply;		/* "550 5.7.23 text", NULL if absent */
	char		*file;
	int		 reply_line;
	int		 action_line, mode_line, stage_line, allow_line;
	int		 reason_line;
	unsigned	 nif;		/* "if" lines, parsed or not */
};

struct builder {
	struct config		*cfg;
	struct diag_list	*diags;
	unsigned		 errors;
	struct rule_src		*src;		/* parallel to cfg->rules */
	unsigned		 cap;
	int			 cur;		/* rule being read, -1 = settings */
	char			*set_file[64];	/* where each setting was set */
	int			 set_line[64];
	unsigned		 hdr_bits;	/* header conditions so far */
};

/* conf_diag - record a diagnostic (errors make the load fail); -1 */
int	conf_diag(struct builder *, enum severity, const char *file, int line,
	    const char *id, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 6, 7)));
#define conf_error(b, ...)	conf_diag((b), SEV_ERROR, __VA_ARGS__)
#define conf_warn(b, ...)	((void)conf_diag((b), SEV_WARNING, __VA_ARGS__))

/* conf_settings_defaults - every setting at its default; -1 on ENOMEM */
int	conf_settings_defaults(struct builder *);

/* conf_settings_free - what struct settings owns */
void	conf_settings_free(struct settings *);

/* conf_setting_where - where a setting was set (NULL, 0: its default) */
void	conf_setting_where(const struct builder *, const char *name,
	    const char **file, int *line);

/* conf_read_file - read one file (and its includes) into the builder */
int	conf_read_file(struct builder *, const char *path, int depth,
	    const char *from_file, int from_line);

/* conf_setting - apply "name = value"; 0, or -1 after a diagnostic.
   Returns 1 when name is not a setting. */
int	conf_setting(struct builder *, const char *file, int line,
	    const char *name, const char *value);

/* conf_rule_begin - "rule NAME" */
int	conf_rule_begin(struct builder *, const char *file, int line,
	    const char *name);

/* conf_rule_key - a key inside a rule block; 1 when name is not a rule key */
int	conf_rule_key(struct builder *, const char *file, int line,
	    const char *name, const char *value);

/* conf_rules_finish - stage inference, replies, validation, indexes */
int	conf_rules_finish(struct builder *);

/* conf_suggest - the known name closest to s (edit distance), or NULL */
const char *conf_suggest(const char *s, const char *const *names);

/* conf_is_setting - a global setting name? */
bool	conf_is_setting(const char *);

#endif

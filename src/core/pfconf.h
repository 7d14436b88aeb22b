/*
 * pfconf.h - a Postfix configuration read the way Postfix reads it:
 * main.cf parameters (logical lines, the last definition wins),
 * master.cf services with their -o overrides, $name / ${name} / $(name)
 * expansion with ${name?text} and ${name:text}, and the defaults of the
 * parameters whose value decides what a table means.
 *
 * Values keep where they were written (file, line, column) so that a
 * diagnostic about a table can say which parameter named it.  A struct
 * pfconf owns its strings.  Pure, no global state.
 */
#ifndef ESC_PFCONF_H
#define ESC_PFCONF_H

#include <stdbool.h>
#include <stddef.h>

struct pf_param {
	char		*name;
	char		*value;		/* as written (not expanded) */
	const char	*file;		/* main.cf or master.cf path (borrowed) */
	int		 line, col;	/* where the value starts */
	struct {
		int	 line, col;
	}		*pos;		/* where each byte of value was
					   written (continuation lines) */
};

struct pf_service {
	char		*name;		/* "smtp", "submission", "127.0.0.1:25" */
	char		*type;		/* "inet", "unix", "pass", ... */
	char		*command;	/* "smtpd", "postscreen", "cleanup" */
	int		 line;
	struct pf_param	*opt;		/* -o overrides */
	unsigned	 nopt;
};

struct pfconf {
	char		*dir;		/* the configuration directory */
	char		*main_path, *master_path;	/* master_path NULL: none */
	struct pf_param	*param;
	unsigned	 nparam;
	struct pf_service *svc;
	unsigned	 nsvc;
};

/* pfconf_init / pfconf_free - empty; release everything */
void	pfconf_init(struct pfconf *);
void	pfconf_free(struct pfconf *);

/*
 * pfconf_read_main / pfconf_read_master - add what the text of main.cf
 * (master.cf) defines; path is what diagnostics name.  -1 on ENOMEM.
 */
int	pfconf_read_main(struct pfconf *, const char *path, const char *buf,
	    size_t len);
int	pfconf_read_master(struct pfconf *, const char *path, const char *buf,
	    size_t len);

/*
 * pfconf_get - a parameter's value for a service (NULL: main.cf alone):
 * the service's -o override, else main.cf, else Postfix's default; NULL
 * when none.  *where (may be NULL) is set to the definition, NULL for a
 * default.
 */
const char *pfconf_get(const struct pfconf *, const struct pf_service *,
	    const char *name, const struct pf_param **where);

/*
 * pfconf_expand - value with its $parameters expanded for a service, into
 * a new string (caller frees); NULL on ENOMEM.  Undefined parameters
 * expand to nothing, as in Postfix; recursion is cut at 16 levels.
 */
char	*pfconf_expand(const struct pfconf *, const struct pf_service *,
	    const char *value);

/*
 * pfconf_next - the next item of s from *i: [*a, *b) a word separated by
 * white space (and commas when comma, as in a restriction list), with
 * "{ ... }" kept whole.  false at the end.
 */
bool	pfconf_next(const char *s, size_t n, size_t *i, size_t *a, size_t *b,
	    bool comma);

/*
 * pfconf_where - where text (a table, "hash:/etc/postfix/x") is written in
 * the parameter's value: its line and column, or the value's start when
 * the text is not there as written ($parameters); a "type:name" whose
 * type came from a parameter is found by its name.
 */
void	pfconf_where(const struct pf_param *, const char *text, int *line,
	    int *col);

/* pfconf_bool - "yes"/"no" of a parameter (Postfix's rules), def if unset */
bool	pfconf_bool(const struct pfconf *, const struct pf_service *,
	    const char *name, bool def);

#endif

/*
 * lint_follow.c - a Postfix configuration followed as Postfix reads it
 * (see lint.h): main.cf and master.cf, then every lookup table that a
 * restriction list or a parameter names, each linted with the kind, the
 * stage and the codes that follow from where it is used.  The tables are
 * found in every context: main.cf alone and each master.cf service with
 * its -o overrides; identical uses are linted once.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "lint.h"
#include "pfconf.h"
#include "strutil.h"

#define TABLE_MAX	(64 * 1024 * 1024)
#define NEST_MAX	8	/* unionmap inside unionmap ... */

/* Restriction lists: check_X_access inside them names an access map. */
static const char *const restriction_lists[] = {
	"smtpd_client_restrictions", "smtpd_helo_restrictions",
	"smtpd_sender_restrictions", "smtpd_relay_restrictions",
	"smtpd_recipient_restrictions", "smtpd_data_restrictions",
	"smtpd_end_of_data_restrictions", "smtpd_etrn_restrictions", NULL,
};

/* Parameters whose value is a list of tables, and what the tables are. */
static const struct {
	const char	*name;		/* exact, or a suffix when it starts '*' */
	int		 kind;		/* enum table_kind, -1: nothing to check */
} map_params[] = {
	{ "header_checks", TK_CHECKS },
	{ "mime_header_checks", TK_CHECKS },
	{ "nested_header_checks", TK_CHECKS },
	{ "body_checks", TK_CHECKS },
	{ "milter_header_checks", TK_CHECKS },
	{ "*_header_checks", TK_CHECKS },	/* smtp_, lmtp_, smtp_mime_ ... */
	{ "*_body_checks", TK_CHECKS },
	{ "rbl_reply_maps", TK_RBL_REPLY },
	{ "*_delivery_status_filter", TK_DSN_FILTER },
	{ "smtp_reply_filter", TK_REPLY_FILTER },
	{ "lmtp_reply_filter", TK_REPLY_FILTER },
	/* Names, not replies: postscreen builds the reply itself. */
	{ "postscreen_dnsbl_reply_map", -1 },
	/* SMTP commands in, SMTP commands out: no reply in it. */
	{ "smtpd_command_filter", -1 },
};

/* The access checks and what they name in the reply. */
static const struct {
	const char	*prefix;
	enum stage	 stage;
} checks[] = {
	{ "check_client_", STAGE_CONNECT },
	{ "check_reverse_client_hostname_", STAGE_CONNECT },
	{ "check_ccert_", STAGE_CONNECT },
	{ "check_sasl_", STAGE_CONNECT },
	{ "check_helo_", STAGE_HELO },
	{ "check_sender_", STAGE_MAIL },
	{ "check_recipient_", STAGE_RCPT },
};

/* Types lint reads from a file, and those served by something else. */
static const char *const file_types[] = {
	"hash", "lmdb", "btree", "cdb", "dbm", "sdbm", "texthash", "regexp",
	"pcre", "cidr", NULL,
};

struct follow {
	struct lint_ctx		*base;
	const struct pfconf	*pf;
	struct lint_follow	*out;
	const struct pf_service	*svc;
};

static int table(struct follow *, const char *spec, size_t n, int kind,
    enum stage, const char *used_as, const struct pf_param *, int nest);

/* ends_with - s ends with suffix */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* unbrace - "{ x }" -> "x" */
static void
unbrace(const char **s, size_t *n)
{
	str_span_trim(s, n);
	if (*n >= 2 && (*s)[0] == '{' && (*s)[*n - 1] == '}') {
		(*s)++;
		*n -= 2;
		str_span_trim(s, n);
	}
}

/* under - path is root or inside it */
static bool
under(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* lint_table_path - see lint.h */
int
lint_table_path(const char *root, const char *name, char *out, size_t size)
{
	int rc;

	/* Absolute paths under --root, unless $config_directory (the
	   directory given) put them there already; relative ones as they
	   are, as Postfix does. */
	if (name[0] == '/' && root != NULL && !under(name, root))
		rc = snprintf(out, size, "%s%s", root, name);
	else
		rc = snprintf(out, size, "%s", name);
	return rc < 0 || (size_t)rc >= size ? -1 : 0;
}

/* lint_use_add - see lint.h */
bool
lint_use_add(struct lint_follow *o, const struct lint_ctx *c, const char *spec,
    const char *path, int kind, enum stage st, const char *used_as,
    const char *status)
{
	struct lint_table_use *u;
	unsigned i;

	for (i = 0; i < o->nuse; i++) {
		u = &o->use[i];
		if (strcmp(u->spec, spec) == 0 && u->kind == kind &&
		    u->stage == st && (kind != TK_ACCESS ||
		    (u->reject_code == c->reject_code &&
		    u->defer_code == c->defer_code)) &&
		    (kind != TK_RBL_REPLY || u->rbl_code == c->rbl_code))
			return false;
	}
	if ((u = reallocarray(o->use, o->nuse + 1, sizeof *u)) == NULL)
		return false;
	o->use = u;
	u += o->nuse;
	memset(u, 0, sizeof *u);
	u->spec = xstrndup(spec, strlen(spec));
	u->path = path ? xstrndup(path, strlen(path)) : NULL;
	u->used_as = xstrndup(used_as, strlen(used_as));
	if (u->spec == NULL || u->used_as == NULL || (path && u->path == NULL)) {
		free(u->spec);
		free(u->path);
		free(u->used_as);
		return false;
	}
	u->kind = kind;
	u->stage = st;
	u->status = status;
	u->reject_code = c->reject_code;
	u->defer_code = c->defer_code;
	u->rbl_code = c->rbl_code;
	o->nuse++;
	return true;
}

/* use_add - record a use in this context */
static bool
use_add(struct follow *f, const char *spec, const char *path, int kind,
    enum stage st, const char *used_as, const char *status)
{
	return lint_use_add(f->out, f->base, spec, path, kind, st, used_as,
	    status);
}

/* at - where a diagnostic about table spec goes: where the spec is
   written in the parameter that names it (file, line, column) */
static void
at(const struct follow *f, const struct pf_param *where, const char *spec,
    const char **file, int *line, int *col)
{
	*file = where ? where->file : f->pf->main_path;
	*line = *col = 0;
	if (where != NULL)
		pfconf_where(where, spec, line, col);
}

/* lint_source - read a table's source file and lint it for one use */
static void
lint_source(struct follow *f, const char *spec, const char *name, int kind,
    enum stage st, const char *used_as, const struct pf_param *where)
{
	char path[4096];
	struct lint_ctx c = *f->base;
	const char *file, *root = f->out->root;
	size_t len;
	char *buf;
	int line, col;

	if (lint_table_path(root, name, path, sizeof path) < 0)
		return;
	if (!use_add(f, spec, path, kind, st, used_as, "read"))
		return;
	if ((buf = file_read(path, TABLE_MAX, &len)) == NULL) {
		int e = errno;

		f->out->use[f->out->nuse - 1].status = "missing";
		at(f, where, spec, &file, &line, &col);
		diag_add(f->base->diags, file, line, col, SEV_ERROR,
		    "table-missing", "%s (%s): cannot read %s: %s; Postfix "
		    "answers \"451 4.3.0 Server configuration error\" when a "
		    "table cannot be opened%s", spec, used_as, path,
		    e == EFBIG ? "not a regular file, or too large" : strerror(e),
		    root == NULL && name[0] == '/' ? " (a configuration kept "
		    "elsewhere: --root DIR looks its absolute paths up under DIR)"
		    : "");
		return;
	}
	c.file = f->out->use[f->out->nuse - 1].path;
	c.stage = st;
	c.used_as = used_as;
	f->out->ncodes += lint_postfix_table(&c, buf, len, (enum table_kind)kind);
	f->out->ntables++;
	free(buf);
}

/* lint_static - static:VALUE is one value, written where it is named */
static void
lint_static(struct follow *f, const char *spec, const char *v, size_t n,
    int kind, enum stage st, const char *used_as, const struct pf_param *where)
{
	struct lint_ctx c = *f->base;
	struct diag_list tmp;
	const char *file;
	char *buf;
	size_t k;
	int line, col;

	unbrace(&v, &n);
	if (!use_add(f, spec, NULL, kind, st, used_as, "static") || n == 0)
		return;
	if ((buf = malloc(n + 4)) == NULL)
		return;
	snprintf(buf, n + 4, "x %.*s\n", (int)n, v);
	diag_list_init(&tmp);
	c.diags = &tmp;
	c.stage = st;
	c.used_as = used_as;
	at(f, where, spec, &file, &line, &col);
	c.file = file;
	f->out->ncodes += lint_postfix_table(&c, buf, n + 3, (enum table_kind)kind);
	for (k = 0; k < tmp.n; k++) {
		struct diag *d = diag_add(f->base->diags, file, line, col,
		    tmp.v[k].sev, tmp.v[k].id, "%s", tmp.v[k].msg);

		if (d != NULL) {
			str_copy(d->suggestion, sizeof d->suggestion,
			    tmp.v[k].suggestion);
			str_copy(d->effective, sizeof d->effective,
			    tmp.v[k].effective);
		}
	}
	diag_list_free(&tmp);
	free(buf);
}

/* table - one "type:name" for one use */
static int
table(struct follow *f, const char *spec, size_t n, int kind, enum stage st,
    const char *used_as, const struct pf_param *where, int nest)
{
	const char *colon = memchr(spec, ':', n), *file;
	char type[32], whole[1024];
	size_t tl;
	int line, col, i;

	if (colon == NULL || n >= sizeof whole || nest > NEST_MAX)
		return 0;
	tl = (size_t)(colon - spec);
	if (str_copyn(type, sizeof type, spec, tl) < 0)
		return 0;
	memcpy(whole, spec, n);
	whole[n] = '\0';
	if (strcmp(type, "inline") == 0)
		return 0;	/* linted where it is written (main.cf) */
	if (strcmp(type, "unionmap") == 0 || strcmp(type, "pipemap") == 0) {
		const char *m = colon + 1;
		size_t mn = n - tl - 1, k = 0, a, b;

		unbrace(&m, &mn);
		while (pfconf_next(m, mn, &k, &a, &b, true))
			table(f, m + a, b - a, kind, st, used_as, where, nest + 1);
		return 0;
	}
	if (strcmp(type, "static") == 0) {
		lint_static(f, whole, colon + 1, n - tl - 1, kind, st, used_as,
		    where);
		return 0;
	}
	/* proxymap serves the same file-backed table: read it. */
	if (strcmp(type, "proxy") == 0 && memchr(colon + 1, ':', n - tl - 1)) {
		const char *inner = colon + 1;
		size_t in = n - tl - 1, il = (size_t)((const char *)memchr(inner,
		    ':', in) - inner);

		for (i = 0; file_types[i] != NULL; i++)
			if (strlen(file_types[i]) == il &&
			    strncmp(inner, file_types[i], il) == 0)
				return table(f, inner, in, kind, st, used_as,
				    where, nest + 1);
	}
	for (i = 0; file_types[i] != NULL; i++)
		if (strcmp(type, file_types[i]) == 0) {
			lint_source(f, whole, whole + tl + 1, kind, st, used_as,
			    where);
			return 0;
		}
	if (!use_add(f, whole, NULL, kind, st, used_as, "not-checkable"))
		return 0;
	if (strcmp(type, "proxy") == 0)		/* proxy:mysql:...: mysql */
		str_copyn(type, sizeof type, colon + 1,
		    strcspn(colon + 1, ":"));
	at(f, where, whole, &file, &line, &col);
	diag_add(f->base->diags, file, line, col, SEV_NOTE, "table-not-checkable",
	    "%s (%s) is served by %s: esc lint cannot read its replies; check "
	    "them where that service keeps them", whole, used_as, type);
	return 0;
}

/* where_text - "check_client_access in smtpd_recipient_restrictions,
   main.cf:12" (", master.cf:20, service submission" for an override) */
static void
where_text(const struct follow *f, char *out, size_t size, const char *what,
    const char *param, const struct pf_param *where)
{
	const char *file = where ? strrchr(where->file, '/') : NULL;
	const char *svc = f->svc ? f->svc->name : NULL;

	/* A use recorded in a service's context differs from main.cf's
	   (identical ones are recorded once): name the service. */
	file = file ? file + 1 : where ? where->file : NULL;
	if (where == NULL)
		snprintf(out, size, "%s%s%s, Postfix's default%s%s", what,
		    *what ? " in " : "", param, svc ? ", service " : "",
		    svc ? svc : "");
	else
		snprintf(out, size, "%s%s%s, %s:%d%s%s", what, *what ? " in " : "",
		    param, file, where->line, svc ? ", service " : "",
		    svc ? svc : "");
}

/* check_stage - check_X_access: the stage X names, STAGE_NONE if not one */
static bool
check_stage(const char *w, size_t n, enum stage *st)
{
	size_t i, k;

	if (n < 7 || strncmp(w + n - 7, "_access", 7) != 0)
		return false;
	for (i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		k = strlen(checks[i].prefix);
		if (n >= k && strncmp(w, checks[i].prefix, k) == 0) {
			*st = checks[i].stage;
			return true;
		}
	}
	return false;
}

static void restrictions(struct follow *, const char *param, int depth);
static bool is_class(const struct follow *, const char *name);

/* restriction_items - walk an expanded restriction list */
static void
restriction_items(struct follow *f, const char *param, const char *v,
    const struct pf_param *where, int depth)
{
	size_t n = strlen(v), i = 0, a, b;
	char used[512], what[64];
	enum stage st;

	while (pfconf_next(v, n, &i, &a, &b, true)) {
		if (!check_stage(v + a, b - a, &st)) {
			/* A restriction class is a list of its own. */
			if (b - a < sizeof what) {
				memcpy(what, v + a, b - a);
				what[b - a] = '\0';
				if (is_class(f, what))
					restrictions(f, what, depth + 1);
			}
			continue;
		}
		str_copyn(what, sizeof what, v + a, b - a);
		if (!pfconf_next(v, n, &i, &a, &b, true))
			break;
		where_text(f, used, sizeof used, what, param, where);
		table(f, v + a, b - a, TK_ACCESS, st, used, where, 0);
	}
}

/* is_class - name is one of smtpd_restriction_classes */
static bool
is_class(const struct follow *f, const char *name)
{
	const char *v = pfconf_get(f->pf, f->svc, "smtpd_restriction_classes",
	    NULL);
	char *e;
	bool yes = false;
	size_t n, i = 0, a, b;

	if (v == NULL || (e = pfconf_expand(f->pf, f->svc, v)) == NULL)
		return false;
	n = strlen(e);
	while (!yes && pfconf_next(e, n, &i, &a, &b, true))
		yes = b - a == strlen(name) && strncmp(e + a, name, b - a) == 0;
	free(e);
	return yes;
}

/* restrictions - one restriction list parameter */
static void
restrictions(struct follow *f, const char *param, int depth)
{
	const struct pf_param *where;
	const char *v = pfconf_get(f->pf, f->svc, param, &where);
	char *e;

	if (v == NULL || depth > NEST_MAX ||
	    (e = pfconf_expand(f->pf, f->svc, v)) == NULL)
		return;
	restriction_items(f, param, e, where, depth);
	free(e);
}

/* map_param - a parameter that lists tables */
static void
map_param(struct follow *f, const char *param, int kind)
{
	const struct pf_param *where;
	const char *v = pfconf_get(f->pf, f->svc, param, &where);
	char used[512], *e;
	size_t n, i = 0, a, b;

	if (v == NULL || kind < 0 || (e = pfconf_expand(f->pf, f->svc, v)) == NULL)
		return;
	/* mime_header_checks = $header_checks by default: the same use */
	if (where == NULL && v[0] == '$') {
		const char *to = v + 1 + (v[1] == '{' || v[1] == '(');
		char name[64];

		str_copyn(name, sizeof name, to, strcspn(to, "})"));
		(void)pfconf_get(f->pf, f->svc, name, &where);
		param = where ? where->name : param;
	}
	where_text(f, used, sizeof used, "", param, where);
	n = strlen(e);
	while (pfconf_next(e, n, &i, &a, &b, true))
		table(f, e + a, b - a, kind, kind == TK_CHECKS ? STAGE_EOM :
		    STAGE_NONE, used, where, 0);
	free(e);
}

/* map_kind - what a parameter's tables are; -2 when it names none */
static int
map_kind(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof map_params / sizeof map_params[0]; i++) {
		const char *m = map_params[i].name;

		if (m[0] == '*' ? ends_with(name, m + 1) : strcmp(name, m) == 0)
			return map_params[i].kind;
	}
	return -2;
}

/* code - a *_code parameter's value, 0 when unset or not a code */
static unsigned
code(const struct follow *f, const char *name)
{
	const char *v = pfconf_get(f->pf, f->svc, name, NULL);
	char *e = v ? pfconf_expand(f->pf, f->svc, v) : NULL;
	unsigned long n = 0;

	if (e == NULL || str_parse_uint(e, 599, &n) < 0)
		n = 0;
	free(e);
	return (unsigned)n;
}

/* context - every table named in one context (main.cf, or a service) */
static void
context(struct follow *f)
{
	const struct pfconf *pf = f->pf;
	unsigned i;

	f->base->reject_code = code(f, "access_map_reject_code");
	f->base->defer_code = code(f, "access_map_defer_code");
	f->base->rbl_code = code(f, "maps_rbl_reject_code");
	for (i = 0; restriction_lists[i] != NULL; i++)
		restrictions(f, restriction_lists[i], 0);
	/* Every parameter that lists tables, wherever it is set. */
	for (i = 0; i < pf->nparam + (f->svc ? f->svc->nopt : 0); i++) {
		const struct pf_param *p = i < pf->nparam ? &pf->param[i] :
		    &f->svc->opt[i - pf->nparam];

		if (map_kind(p->name) >= -1)
			map_param(f, p->name, map_kind(p->name));
	}
	/* and those whose default names a table */
	map_param(f, "mime_header_checks", TK_CHECKS);
	map_param(f, "nested_header_checks", TK_CHECKS);
}

/* read_into - read and parse main.cf or master.cf */
static int
read_into(struct pfconf *pf, const char *path, bool master, bool *found)
{
	size_t len;
	char *buf = file_read(path, TABLE_MAX, &len);
	int rc;

	*found = buf != NULL;
	if (buf == NULL)
		return errno == ENOENT && master ? 0 : -1;
	rc = master ? pfconf_read_master(pf, path, buf, len) :
	    pfconf_read_main(pf, path, buf, len);
	free(buf);
	return rc;
}

/* lint_one - lint main.cf or master.cf itself */
static void
lint_one(struct lint_ctx *base, const char *path, bool master,
    struct lint_follow *out)
{
	struct lint_ctx c = *base;
	size_t len;
	char *buf = file_read(path, TABLE_MAX, &len);

	if (buf == NULL)
		return;
	c.file = path;
	out->ncodes += lint_postfix_main(&c, buf, len, master);
	free(buf);
}

/* lint_postfix_config - see lint.h */
int
lint_postfix_config(struct lint_ctx *base, const char *dir,
    struct lint_follow *out)
{
	struct lint_ctx ctx = *base;
	struct follow f = { &ctx, NULL, out, NULL };
	struct pfconf pf;
	char main_cf[4096], master_cf[4096];
	bool have_main, have_master;
	unsigned i;
	int rc;

	pfconf_init(&pf);
	if (str_path_join(main_cf, sizeof main_cf, dir, "main.cf") < 0 ||
	    str_path_join(master_cf, sizeof master_cf, dir, "master.cf") < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((pf.dir = xstrndup(dir, strlen(dir))) == NULL ||
	    read_into(&pf, main_cf, false, &have_main) < 0 ||
	    read_into(&pf, master_cf, true, &have_master) < 0) {
		rc = errno;
		pfconf_free(&pf);
		errno = rc;
		return -1;
	}
	f.pf = &pf;
	lint_one(base, main_cf, false, out);
	if (have_master)
		lint_one(base, master_cf, true, out);
	out->master = have_master;
	context(&f);
	for (i = 0; i < pf.nsvc; i++) {
		if (pf.svc[i].nopt == 0)
			continue;
		f.svc = &pf.svc[i];
		context(&f);
	}
	pfconf_free(&pf);
	return 0;
}

/* lint_follow_free - see lint.h */
void
lint_follow_free(struct lint_follow *out)
{
	unsigned i;

	for (i = 0; i < out->nuse; i++) {
		free(out->use[i].spec);
		free(out->use[i].path);
		free(out->use[i].used_as);
	}
	free(out->use);
	out->use = NULL;
	out->nuse = 0;
}

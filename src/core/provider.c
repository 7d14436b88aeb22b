/*
 * provider.c - host suffixes to mailbox providers (see provider.h).
 *
 * Format: "NAME<TAB>SUFFIX[<TAB>SOURCE]" per line, '#' comments.  The
 * suffixes go into a strset with their provider's index; a host is looked
 * up whole, then from each label on, so the longest suffix wins.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "provider.h"
#include "strset.h"
#include "strutil.h"

#define TABLE_MAX_BYTES	(4 * 1024 * 1024)
#define HOST_MAX	255

extern const char providers_builtin_text[];
extern const size_t providers_builtin_text_len;

struct providers {
	struct strset	*suffix;	/* host suffix -> index into names */
	char		 names[PROVIDERS_MAX][PROVIDER_NAME_MAX];
	size_t		 nnames;
};

void
providers_free(struct providers *p)
{
	if (p == NULL)
		return;
	strset_free(p->suffix);
	free(p);
}

static bool
good_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PROVIDER_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return false;
	return true;
}

static bool
good_suffix(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HOST_MAX || s[0] == '.' || s[n - 1] == '.' ||
	    strchr(s, '.') == NULL || strstr(s, "..") != NULL)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.'))
			return false;
	return true;
}

/* name_index - the name's index, added when new; -1 when the table is full */
static int
name_index(struct providers *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nnames; i++)
		if (strcmp(p->names[i], name) == 0)
			return (int)i;
	if (p->nnames == PROVIDERS_MAX)
		return -1;
	str_copy(p->names[p->nnames], PROVIDER_NAME_MAX, name);
	return (int)p->nnames++;
}

struct providers *
providers_load(const char *name, const char *buf, size_t len,
    struct diag_list *diags)
{
	struct providers *p = calloc(1, sizeof *p);
	size_t pos = 0, errors = diag_count(diags, SEV_ERROR);
	int lineno = 0, k;

	if (p == NULL || (p->suffix = strset_new()) == NULL)
		goto nomem;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;
		char line[512], *prov, *suffix, *tab;

		lineno++;
		if (n >= sizeof line) {
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "a line longer than %zu bytes", sizeof line - 1);
			pos += n + (nl != NULL);
			continue;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		prov = line + strspn(line, " \t");
		if (*prov == '\0' || *prov == '#')
			continue;
		if ((tab = strchr(prov, '\t')) == NULL) {
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "write NAME<TAB>HOST-SUFFIX[<TAB>SOURCE]");
			continue;
		}
		*tab = '\0';
		suffix = tab + 1;
		if ((tab = strchr(suffix, '\t')) != NULL)
			*tab = '\0';
		str_lower(suffix);
		if (!good_name(prov)) {
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "\"%s\" is not a provider name (lower-case letters, "
			    "digits and '-', at most %d)", prov,
			    PROVIDER_NAME_MAX - 1);
			continue;
		}
		if (!good_suffix(suffix)) {
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "\"%s\" is not a host suffix such as google.com", suffix);
			continue;
		}
		if ((k = name_index(p, prov)) < 0) {
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "more than %d providers (they label a metric)",
			    PROVIDERS_MAX);
			continue;
		}
		switch (strset_put(p->suffix, suffix, strlen(suffix),
		    (unsigned)k)) {
		case -1:
			goto nomem;
		case 1:
			diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
			    "%s is listed twice", suffix);
			break;
		}
	}
	if (diag_count(diags, SEV_ERROR) > errors) {
		providers_free(p);
		return NULL;
	}
	return p;
nomem:
	diag_add(diags, name, lineno, 0, SEV_ERROR, "providers",
	    "out of memory reading the provider table");
	providers_free(p);
	return NULL;
}

struct providers *
providers_load_file(const char *path, struct diag_list *diags)
{
	struct providers *p;
	size_t len;
	char *buf = file_read_diag(path, TABLE_MAX_BYTES, &len, diags,
	    "providers", "provider table");

	if (buf == NULL)
		return NULL;
	p = providers_load(path, buf, len, diags);
	free(buf);
	return p;
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct providers *builtin;

static void
load_builtin(void)
{
	struct diag_list d;

	diag_list_init(&d);
	builtin = providers_load("built-in", providers_builtin_text,
	    providers_builtin_text_len, &d);
	diag_list_free(&d);
}

const struct providers *
providers_builtin(void)
{
	pthread_once(&builtin_once, load_builtin);
	return builtin;
}

const char *
provider_of(const struct providers *p, const char *host, size_t len)
{
	char h[HOST_MAX + 1];
	unsigned k;
	size_t i, n = 0;
	bool alpha = false;

	if (p == NULL || host == NULL)
		return NULL;
	while (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len > HOST_MAX)
		return NULL;
	for (i = 0; i < len; i++) {
		char c = host[i];

		if (c == ':' || c == '[')
			return NULL;		/* an IPv6 address */
		h[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		alpha = alpha || (c != '.' && (c < '0' || c > '9'));
	}
	if (!alpha)
		return NULL;			/* an IPv4 address */
	for (i = 0; i < n; i++) {
		if (i > 0 && h[i - 1] != '.')
			continue;
		if (strset_get(p->suffix, h + i, n - i, &k))
			return p->names[k];
	}
	return NULL;
}

size_t
providers_count(const struct providers *p)
{
	return p ? p->nnames : 0;
}

const char *
providers_name(const struct providers *p, size_t i)
{
	return i < p->nnames ? p->names[i] : NULL;
}

int
providers_index(const struct providers *p, const char *name)
{
	size_t i;

	for (i = 0; p != NULL && name != NULL && i < p->nnames; i++)
		if (strcmp(p->names[i], name) == 0)
			return (int)i;
	return -1;
}

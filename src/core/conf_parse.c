/*
 * conf_parse.c - read configuration files into the builder.
 *
 *	file     = *line
 *	line     = comment / blank / setting / "rule" SP NAME
 *	setting  = NAME *SP "=" *SP value	; "include = GLOB" too
 *	comment  = *blank "#" *any		; only whole lines
 *	value    = the rest of the line; a line ending in "\" continues
 *	           on the next one (its leading blanks removed)
 *
 * A "rule NAME" line opens a block that runs to the next "rule" line or
 * the end of the file; an included file is a unit of its own.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_int.h"
#include "file.h"
#include "strutil.h"

#define CONF_MAX_FILE	(16 * 1024 * 1024)
#define CONF_MAX_LINE	(64 * 1024)

/* do_include - expand the glob and read each file in order */
static void
do_include(struct builder *b, const char *file, int line, const char *pattern,
    int depth)
{
	char full[4096], dir[4096];
	glob_t g;
	size_t i;
	int rc;

	if (str_copy(dir, sizeof dir, file) < 0 ||
	    str_path_join(full, sizeof full, dirname(dir), pattern) < 0) {
		conf_error(b, file, line, "include", "include = %.60s...: the "
		    "file name is too long", pattern);
		return;
	}
	rc = glob(full, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		if (strpbrk(full, "*?[") == NULL)
			conf_error(b, file, line, "include", "include = %s: no such "
			    "file", full);
		return;
	}
	if (rc != 0) {
		conf_error(b, file, line, "include", "include = %s: cannot read "
		    "the directory", full);
		return;
	}
	for (i = 0; i < g.gl_pathc; i++)
		conf_read_file(b, g.gl_pathv[i], depth + 1, file, line);
	globfree(&g);
}

/* is_name - [A-Za-z0-9_-]+ */
static bool
is_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* logical_line - one setting, rule header or nothing */
static void
logical_line(struct builder *b, const char *file, int line, char *text,
    int depth, bool *in_rule)
{
	char *s = str_trim(text), *eq, *name, *value;
	size_t nlen;
	int rc;

	if (*s == '\0' || *s == '#')
		return;
	if (strncmp(s, "rule", 4) == 0 && (s[4] == ' ' || s[4] == '\t')) {
		char *n = str_trim(s + 5);

		if (strchr(n, '=') == NULL) {
			if (strlen(n) > CONF_NAME_MAX) {
				conf_error(b, file, line, "syntax", "the rule name "
				    "\"%.20s...\" is %zu characters long; at most %d "
				    "are allowed", n, strlen(n), CONF_NAME_MAX);
				b->cur = -1;
				*in_rule = true;	/* skip its keys */
				return;
			}
			if (!is_name(n, strlen(n))) {
				conf_error(b, file, line, "syntax", "a rule name is made "
				    "of letters, digits, '-' and '_': \"%s\"", n);
				b->cur = -1;
				*in_rule = true;	/* skip its keys */
				return;
			}
			conf_rule_begin(b, file, line, n);
			*in_rule = true;
			return;
		}
	}
	if ((eq = strchr(s, '=')) == NULL) {
		conf_error(b, file, line, "syntax", "expected \"name = value\" or "
		    "\"rule NAME\", found \"%.60s\"", s);
		return;
	}
	name = s;
	nlen = (size_t)(eq - s);
	while (nlen > 0 && isspace((unsigned char)name[nlen - 1]))
		nlen--;
	name[nlen] = '\0';
	value = str_trim(eq + 1);
	if (!is_name(name, nlen)) {
		conf_error(b, file, line, "syntax", "\"%s\" is not a setting name; "
		    "expected \"name = value\"", name);
		return;
	}
	if (strcmp(name, "include") == 0) {
		if (*value == '\0')
			conf_error(b, file, line, "include", "include needs a file "
			    "name or a pattern");
		else
			do_include(b, file, line, value, depth);
		return;
	}
	if (*in_rule) {
		if (b->cur < 0)
			return;		/* keys of a rule with a bad name */
		rc = conf_rule_key(b, file, line, name, value);
		if (rc == 1) {
			const char *sug;

			if (conf_is_setting(name)) {
				conf_error(b, file, line, "syntax", "%s is a global "
				    "setting: put it before the first rule", name);
				return;
			}
			sug = conf_suggest(name, conf_rule_key_names());
			conf_error(b, file, line, "unknown-key", "unknown rule key "
			    "\"%s\"%s%s%s", name, sug ? " (did you mean " : "",
			    sug ? sug : "", sug ? "?)" : "");
		}
		return;
	}
	rc = conf_setting(b, file, line, name, value);
	if (rc == 1) {
		const char *sug = conf_suggest(name, conf_setting_names());

		if (sug == NULL)
			sug = conf_suggest(name, conf_rule_key_names());
		conf_error(b, file, line, "unknown-key", "unknown setting \"%s\"%s%s%s",
		    name, sug ? " (did you mean " : "", sug ? sug : "",
		    sug ? "?)" : "");
	}
}

/* conf_read_file - one file */
int
conf_read_file(struct builder *b, const char *path, int depth,
    const char *from_file, int from_line)
{
	char *buf, *p, *acc = NULL;
	size_t len, acclen = 0;
	int line = 0, start = 0;
	bool in_rule = false;
	int saved_cur = b->cur;

	if (depth > CONF_MAX_INCLUDE_DEPTH)
		return conf_error(b, from_file, from_line, "include", "includes "
		    "nested more than %d deep (a loop?) at %s",
		    CONF_MAX_INCLUDE_DEPTH, path);
	if ((buf = file_read(path, CONF_MAX_FILE, &len)) == NULL)
		return conf_error(b, from_file ? from_file : path, from_line,
		    "file", "cannot read %s: %s", path,
		    errno == EFBIG ? "not a regular file of at most 16 MB" :
		    strerror(errno));
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return conf_error(b, path, 0, "file", "%s contains NUL bytes; is it "
		    "a text file?", path);
	}
	b->cur = -1;
	for (p = buf; p < buf + len || acc != NULL;) {
		char *nl = p < buf + len ? strchr(p, '\n') : NULL;
		size_t ll;
		bool cont;

		if (p >= buf + len) {
			/* End of file inside a continuation. */
			logical_line(b, path, start, acc, depth, &in_rule);
			free(acc);
			acc = NULL;
			break;
		}
		line++;
		ll = nl ? (size_t)(nl - p) : strlen(p);
		if (nl)
			*nl = '\0';
		if (ll > 0 && p[ll - 1] == '\r')
			p[--ll] = '\0';
		if (ll > CONF_MAX_LINE) {
			conf_error(b, path, line, "syntax", "line longer than %d bytes",
			    CONF_MAX_LINE);
			p = nl ? nl + 1 : buf + len;
			continue;
		}
		cont = ll > 0 && p[ll - 1] == '\\';
		if (cont)
			p[--ll] = '\0';
		if (acc == NULL) {
			start = line;
			if (!cont) {
				logical_line(b, path, line, p, depth, &in_rule);
				p = nl ? nl + 1 : buf + len;
				continue;
			}
			acc = strdup(p);
			acclen = ll;
		} else {
			char *q = p, *n;
			size_t ql;

			while (isspace((unsigned char)*q))
				q++;
			ql = strlen(q);
			if (acclen + ql > CONF_MAX_LINE ||
			    (n = realloc(acc, acclen + ql + 1)) == NULL) {
				conf_error(b, path, start, "syntax", "continued line "
				    "too long");
				free(acc);
				acc = NULL;
				p = nl ? nl + 1 : buf + len;
				continue;
			}
			acc = n;
			memcpy(acc + acclen, q, ql + 1);
			acclen += ql;
		}
		if (acc == NULL) {
			conf_error(b, path, line, "memory", "out of memory");
			break;
		}
		if (!cont) {
			logical_line(b, path, start, acc, depth, &in_rule);
			free(acc);
			acc = NULL;
		}
		p = nl ? nl + 1 : buf + len;
		if (nl == NULL && acc == NULL)
			break;
	}
	free(acc);
	free(buf);
	b->cur = saved_cur;
	return 0;
}

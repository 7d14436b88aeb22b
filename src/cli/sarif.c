/*
 * sarif.c - a SARIF 2.1.0 log of esc lint's diagnostics (see sarif.h).
 *
 * A suggestion becomes a fix when it is a reply's codes ("550 5.7.1", or
 * "A or B": one fix each) and the line holds exactly one place it
 * replaces: the same basic code followed by an enhanced code, or, for a
 * missing enhanced code, the basic code alone.  Anything else stays in
 * the message text, where a reader sees it too.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "file.h"
#include "sarif.h"
#include "strutil.h"

#define SOURCE_MAX	(64 * 1024 * 1024)
#define INFO_URI	"https://github.com/esc-milter/esc-milter"

struct sarif {
	json_t		*doc;		/* the log */
	json_t		*rules;		/* tool.driver.rules */
	json_t		*results;
	json_t		*index;		/* rule id -> index in rules */
	char		*src_name;	/* the file src holds; NULL none */
	char		*src;		/* its text, for fixes */
	size_t		 src_len;
};

/* What each rule checks: our words for the ids of SPEC section 2 and
   the lint-only ones.  An id not here gets its own name. */
static const struct {
	const char	*id;
	const char	*text;
} rule_text[] = {
	{ "reply-syntax", "The basic reply code is not three digits 2xx-5xx." },
	{ "xcode-syntax", "The enhanced status code is not class.subject."
	    "detail as RFC 3463 writes it." },
	{ "xcode-missing", "A reply without an enhanced status code." },
	{ "class-mismatch", "The enhanced code's class differs from the "
	    "basic code's first digit." },
	{ "not-failure", "A rejection that is not a 4xx or 5xx reply." },
	{ "unknown-subject", "The enhanced code's subject is not in the "
	    "registry." },
	{ "unregistered", "The enhanced code is not registered for its "
	    "subject." },
	{ "deprecated", "The enhanced code is deprecated in the registry." },
	{ "basic-not-associated", "The registry does not pair this enhanced "
	    "code with this basic code." },
	{ "stage-subject", "The enhanced code does not fit the SMTP stage the "
	    "reply is given at." },
	{ "text-crlf", "A CR or LF inside one line of reply text." },
	{ "text-control", "A control character or NUL in reply text." },
	{ "text-percent", "A lone % in reply text, which the MTA eats." },
	{ "text-too-long", "A reply line longer than 512 octets." },
	{ "multiline-mismatch", "The lines of one reply carry different "
	    "codes." },
	{ "too-many-lines", "A reply of more than 32 lines." },
	{ "generic-code", "A generic code where the text names a mechanism "
	    "with its own registered code." },
	{ "not-temporary", "A temporary rejection whose codes say permanent, "
	    "or the reverse." },
	{ "table-syntax", "A lookup table line the MTA cannot read." },
	{ "table-missing", "A lookup table the configuration names cannot be "
	    "read." },
	{ "table-not-checkable", "A lookup table served by a database or a "
	    "socket, which esc lint cannot read." },
};

static const char *const level[] = { "note", "warning", "error" };

/* sarif_new - see sarif.h */
struct sarif *
sarif_new(const char *version)
{
	struct sarif *s = calloc(1, sizeof *s);
	char cwd[PATH_MAX + 2];
	json_t *run, *base;

	if (s == NULL)
		return NULL;
	if (getcwd(cwd, sizeof cwd - 1) == NULL)
		str_copy(cwd, sizeof cwd, "/");
	if (cwd[strlen(cwd) - 1] != '/')
		strcat(cwd, "/");
	s->rules = json_array();
	s->results = json_array();
	s->index = json_object();
	base = json_pack("{s:{s:s+}}", "%SRCROOT%", "uri", "file://", cwd);
	run = json_pack("{s:{s:{s:s, s:s, s:s, s:s, s:O}}, s:O, s:o}",
	    "tool", "driver", "name", "esc", "version", version,
	    "semanticVersion", version, "informationUri", INFO_URI,
	    "rules", s->rules, "results", s->results,
	    "originalUriBaseIds", base);
	s->doc = json_pack("{s:s, s:s, s:[o]}", "$schema",
	    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
	    "version", "2.1.0", "runs", run);
	if (s->rules == NULL || s->results == NULL || s->index == NULL ||
	    s->doc == NULL) {
		json_decref(s->rules);
		json_decref(s->results);
		json_decref(s->index);
		json_decref(s->doc);
		free(s);
		return NULL;
	}
	json_decref(s->rules);		/* the document holds them now */
	json_decref(s->results);
	return s;
}

/* rule - the index of id's rule, added on first use */
static int
rule(struct sarif *s, const char *id)
{
	json_t *i = json_object_get(s->index, id);
	const char *text = id;
	size_t k;

	if (i != NULL)
		return (int)json_integer_value(i);
	for (k = 0; k < sizeof rule_text / sizeof rule_text[0]; k++)
		if (strcmp(rule_text[k].id, id) == 0)
			text = rule_text[k].text;
	json_array_append_new(s->rules, json_pack("{s:s, s:{s:s}}", "id", id,
	    "shortDescription", "text", text));
	json_object_set_new(s->index, id,
	    json_integer((json_int_t)json_array_size(s->rules) - 1));
	return (int)json_array_size(s->rules) - 1;
}

/* normalize - "a/./b//c/../d" -> "a/b/d" in place (lexically: SARIF
   wants URIs without dot segments); leading ".." of a relative name stay */
static void
normalize(char *p)
{
	char *seg[256], *w, *tok, *save = NULL;
	size_t n = 0, i, keep = 0;
	bool abs = p[0] == '/';
	char *copy = xstrndup(p, strlen(p));

	if (copy == NULL)
		return;
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 && n > keep) {
			n--;
			continue;
		}
		if (strcmp(tok, "..") == 0 && abs)
			continue;		/* "/.." is "/" */
		if (n == sizeof seg / sizeof seg[0]) {
			free(copy);
			return;			/* leave it as it is */
		}
		seg[n++] = tok;
		if (strcmp(tok, "..") == 0)
			keep = n;		/* a leading "..": it stays */
	}
	w = p;
	if (abs)
		*w++ = '/';
	for (i = 0; i < n; i++) {
		size_t l = strlen(seg[i]);

		memmove(w, seg[i], l);
		w += l;
		if (i + 1 < n)
			*w++ = '/';
	}
	if (w == p)
		*w++ = '.';
	*w = '\0';
	free(copy);
}

/* uri - a file name as an artifact location */
static json_t *
uri(const char *name)
{
	json_t *o;
	char *enc, *file;
	size_t i, n, k = 0;

	if ((file = xstrndup(name, strlen(name))) == NULL)
		return NULL;
	normalize(file);
	n = strlen(file);
	if ((enc = malloc(3 * n + 8)) == NULL) {
		free(file);
		return NULL;
	}
	if (file[0] == '/')
		k = (size_t)sprintf(enc, "file://");
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)file[i];

		if (isalnum(ch) || strchr("/-._~", ch) != NULL)
			enc[k++] = (char)ch;
		else
			k += (size_t)sprintf(enc + k, "%%%02X", ch);
	}
	enc[k] = '\0';
	o = file[0] == '/' ? json_pack("{s:s}", "uri", enc) :
	    json_pack("{s:s, s:s}", "uri", enc, "uriBaseId", "%SRCROOT%");
	free(enc);
	free(file);
	return o;
}

/* source_line - line (1-based) of file, from the cache; NULL if none */
static const char *
source_line(struct sarif *s, const char *file, int line, size_t *n)
{
	const char *p, *end;
	int k;

	if (s->src_name == NULL || strcmp(s->src_name, file) != 0) {
		free(s->src_name);
		free(s->src);
		s->src = file_read(file, SOURCE_MAX, &s->src_len);
		s->src_name = xstrndup(file, strlen(file));
	}
	if (s->src == NULL || line < 1)
		return NULL;
	p = s->src;
	end = s->src + s->src_len;
	for (k = 1; k < line && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			return NULL;
		p = nl + 1;
	}
	*n = strcspn(p, "\r\n");
	if (p + *n > end)
		*n = (size_t)(end - p);
	return p;
}

/* xcode_at - length of a d.d{1,3}.d{1,3} at p (n left), 0 if none */
static size_t
xcode_at(const char *p, size_t n)
{
	size_t k = 0, part, dots = 0;

	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] != '.')
		return 0;
	k = 2;
	for (;;) {
		for (part = 0; k < n && isdigit((unsigned char)p[k]); k++)
			part++;
		if (part == 0 || part > 3)
			return 0;
		if (++dots == 2)
			break;
		if (k >= n || p[k] != '.')
			return 0;
		k++;
	}
	return k < n && (isalnum((unsigned char)p[k]) || p[k] == '.') ? 0 : k;
}

/* replaced - where the suggestion sugg ("550 5.7.1") goes on the line:
   over "NNN X.Y.Z", or over "NNN" alone when the enhanced code is
   missing; 0-based start and length, false unless exactly one place */
static bool
replaced(const char *p, size_t n, const char *sugg, bool missing,
    size_t *start, size_t *len)
{
	size_t i, x, found = 0;

	if (strlen(sugg) < 9 || !isdigit((unsigned char)sugg[0]) ||
	    sugg[3] != ' ' || xcode_at(sugg + 4, strlen(sugg) - 4) !=
	    strlen(sugg) - 4)
		return false;
	for (i = 0; i + 3 < n; i++) {
		if (memcmp(p + i, sugg, 3) != 0 ||
		    (i > 0 && (isalnum((unsigned char)p[i - 1]) ||
		    p[i - 1] == ':')) ||
		    (p[i + 3] != ' ' && p[i + 3] != '-' && p[i + 3] != '\t'))
			continue;
		x = xcode_at(p + i + 4, n - i - 4);
		if (x == 0 && !missing)
			continue;
		*start = i;
		*len = x > 0 ? 4 + x : 3;
		found++;
	}
	return found == 1;
}

/* fixes - the suggestion as SARIF fixes, NULL when none applies */
static json_t *
fixes(struct sarif *s, const struct diag *d)
{
	char one[DIAG_SUGG_LEN];
	const char *p = d->suggestion, *line, *or;
	json_t *list = NULL;
	size_t n, start, len;

	if (d->suggestion[0] == '\0' || d->file[0] == '\0' ||
	    (line = source_line(s, d->file, d->line, &n)) == NULL)
		return NULL;
	while (*p != '\0') {
		or = strstr(p, " or ");
		str_copyn(one, sizeof one, p, or ? (size_t)(or - p) : strlen(p));
		p = or ? or + 4 : p + strlen(p);
		if (!replaced(line, n, one, strcmp(d->id, "xcode-missing") == 0,
		    &start, &len))
			continue;
		if (list == NULL)
			list = json_array();
		json_array_append_new(list, json_pack("{s:{s:s+}, s:[{s:o, "
		    "s:[{s:{s:i, s:i, s:i, s:i}, s:{s:s}}]}]}",
		    "description", "text", "Write ", one,
		    "artifactChanges", "artifactLocation", uri(d->file),
		    "replacements", "deletedRegion", "startLine", d->line,
		    "startColumn", (int)start + 1, "endLine", d->line,
		    "endColumn", (int)(start + len) + 1,
		    "insertedContent", "text", one));
	}
	return list;
}

/* sarif_add - see sarif.h */
void
sarif_add(struct sarif *s, const struct diag_list *diags)
{
	size_t k;

	for (k = 0; k < diags->n; k++) {
		const struct diag *d = &diags->v[k];
		json_t *r, *loc, *fx;
		char msg[DIAG_MSG_LEN + DIAG_SUGG_LEN + 32];

		snprintf(msg, sizeof msg, "%s%s%s%s", d->msg,
		    d->suggestion[0] ? " (did you mean " : "", d->suggestion,
		    d->suggestion[0] ? "?)" : "");
		loc = json_pack("{s:{s:o}}", "physicalLocation",
		    "artifactLocation", uri(d->file[0] ? d->file : "-"));
		if (loc != NULL && d->line > 0)
			json_object_set_new(json_object_get(loc,
			    "physicalLocation"), "region", json_pack("{s:i, s:i}",
			    "startLine", d->line, "startColumn",
			    d->col > 0 ? d->col : 1));
		r = json_pack("{s:s, s:i, s:s, s:{s:o}, s:[o]}", "ruleId", d->id,
		    "ruleIndex", rule(s, d->id), "level", level[d->sev],
		    "message", "text", cli_json_string(msg, strlen(msg)), "locations", loc);
		if (r != NULL && (fx = fixes(s, d)) != NULL)
			json_object_set_new(r, "fixes", fx);
		if (r != NULL)
			json_array_append_new(s->results, r);
	}
}

/* sarif_print - see sarif.h */
int
sarif_print(struct sarif *s)
{
	int rc = cli_json_print(s->doc);

	json_decref(s->index);
	free(s->src_name);
	free(s->src);
	free(s);
	return rc;
}

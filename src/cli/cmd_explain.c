/*
 * cmd_explain.c - `esc explain CODE|REPLY...`: what an enhanced status
 * code, a basic reply code or a whole reply means, including what is still
 * known about codes the registry does not list (RFC 3463 section 2).
 *
 * Every item is first built as a JSON object; the text output is rendered
 * from that object, so both formats always say the same thing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "cli.h"
#include "reply.h"
#include "strutil.h"
#include "xcode.h"

static const char usage[] =
    "usage: esc explain [--registry FILE] [--format text|json] CODE|REPLY...\n"
    "\n"
    "Explain enhanced status codes (5.7.26, 4.2.2), basic reply codes (550)\n"
    "or whole replies (\"550 5.7.26 text\").  Unregistered codes are explained\n"
    "as far as their class and subject allow.\n"
    "\n"
    "exit status: 0 all explained, 1 an argument is an invalid code,\n"
    "2 an argument is not a code at all\n";

static const char *
class_word(unsigned cls)
{
	switch (cls) {
	case 2:
		return "success";
	case 4:
		return "temporary failure";
	case 5:
		return "permanent failure";
	}
	return "failure";
}

/* xcode_item - JSON description of an enhanced code */
static json_t *
xcode_item(const struct registry *reg, const struct xcode *x)
{
	const struct reg_entry *e = registry_lookup(reg, x->subject, x->detail);
	bool subj_known = registry_subject_known(reg, x->subject);
	enum category cat = category_of(x->subject);
	char code[XCODE_STRLEN], meaning[400], mapped[96], repl[XCODE_STRLEN];
	json_t *o, *codes;
	unsigned i;

	xcode_format(x, code, sizeof code);
	if (e != NULL)
		snprintf(meaning, sizeof meaning, "%s (%s)",
		    e->sample[0] ? e->sample : "no sample text",
		    class_word(x->cls));
	else if (subj_known)
		snprintf(meaning, sizeof meaning, "not registered: a client "
		    "that does not know %s treats it as %u.%u.0, a %s about %s",
		    code, x->cls, x->subject, class_word(x->cls),
		    subject_name(x->subject) ? subject_name(x->subject) :
		    "this subject");
	else
		snprintf(meaning, sizeof meaning, "subject %u is not in the "
		    "registry: only the class is known, a %s", x->subject,
		    class_word(x->cls));

	o = json_pack("{s:s, s:s, s:b, s:i, s:s?, s:i, s:s?, s:s, s:i, s:b, s:b, s:s}",
	    "kind", "xcode", "xcode", code, "valid", 1,
	    "class", (int)x->cls, "class_name", registry_class_name(x->cls),
	    "subject", (int)x->subject, "subject_name", subject_name(x->subject),
	    "category", category_name(cat),
	    "detail", (int)x->detail,
	    "subject_registered", subj_known,
	    "registered", e != NULL,
	    "meaning", meaning);
	if (o == NULL || e == NULL)
		return o;
	codes = json_array();
	for (i = 0; i < e->basic.n; i++)
		json_array_append_new(codes, json_integer(e->basic.code[i]));
	basic_for_class(&e->basic, x->cls, mapped, sizeof mapped);
	if (e->has_replacement)
		snprintf(repl, sizeof repl, "%u.%u.%u", x->cls, e->repl_subject,
		    e->repl_detail);
	json_object_set_new(o, "sample_text", json_string(e->sample));
	json_object_set_new(o, "basic_codes", codes);
	json_object_set_new(o, "basic_text", json_string(e->basic_text));
	json_object_set_new(o, "basic_for_class", json_string(mapped));
	json_object_set_new(o, "reference", json_string(e->reference));
	json_object_set_new(o, "deprecated", json_boolean(e->deprecated));
	json_object_set_new(o, "replacement",
	    e->has_replacement ? json_string(repl) : json_null());
	return o;
}

/* basic_item - JSON description of a 3-digit reply code */
static json_t *
basic_item(const struct registry *reg, unsigned code)
{
	const struct reg_entry *const *all;
	const char *m = basic_meaning(code), *src = basic_source(code);
	json_t *o, *list = json_array();
	size_t n, i;

	all = registry_entries(reg, &n);
	for (i = 0; i < n; i++) {
		unsigned k;

		for (k = 0; k < all[i]->basic.n; k++) {
			if (all[i]->basic.code[k] == code) {
				char buf[XCODE_STRLEN];

				snprintf(buf, sizeof buf, "%u.%u.%u", code / 100,
				    all[i]->subject, all[i]->detail);
				json_array_append_new(list, json_string(buf));
				break;
			}
		}
	}
	o = json_pack("{s:s, s:i, s:b, s:i, s:s, s:s?, s:s?, s:o}",
	    "kind", "basic", "code", (int)code, "valid", 1,
	    "class", (int)(code / 100),
	    "class_meaning", basic_class_meaning(code / 100),
	    "meaning", m, "source", src, "xcodes", list);
	return o;
}

/* reply_item - JSON for a whole reply: both codes and the findings */
static json_t *
reply_item(struct cli *c, const struct registry *reg, const char *s)
{
	struct validate_opts vo = { STAGE_NONE, false, false, false };
	struct findings fs;
	struct reply *r = malloc(sizeof *r);
	json_t *o;

	if (r == NULL)
		return NULL;
	findings_init(&fs);
	reply_check(reg, s, strlen(s), &vo, r, &fs);
	o = json_pack("{s:s, s:b}", "kind", "reply", "valid",
	    findings_count(&fs, SEV_ERROR) == 0);
	json_object_set_new(o, "basic",
	    r->code ? basic_item(reg, r->code) : json_null());
	json_object_set_new(o, "enhanced",
	    r->has_xcode ? xcode_item(reg, &r->x) : json_null());
	json_object_set_new(o, "findings", cli_json_findings(c, &fs));
	free(r);
	return o;
}

/* invalid_item - an argument that tries to be a code but is not */
static json_t *
invalid_item(const char *why, const char *suggestion)
{
	return json_pack("{s:s, s:b, s:s, s:s?}", "kind", "invalid", "valid", 0,
	    "error", why, "suggestion", suggestion);
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long long
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* print_xcode - text rendering of xcode_item() */
static void
print_xcode(json_t *o, const char *indent)
{
	bool reg = json_is_true(json_object_get(o, "registered"));
	bool subj = json_is_true(json_object_get(o, "subject_registered"));

	printf("%s%s  %s\n", indent, jstr(o, "xcode"),
	    reg ? (jstr(o, "sample_text")[0] ? jstr(o, "sample_text") :
	    "(no sample text)") : subj ? "(not registered)" :
	    "(unknown subject)");
	printf("%s  class:      %lld %s\n", indent, jint(o, "class"),
	    jstr(o, "class_name"));
	if (subj)
		printf("%s  subject:    %lld %s (category \"%s\")\n", indent,
		    jint(o, "subject"), jstr(o, "subject_name"),
		    jstr(o, "category"));
	else
		printf("%s  subject:    %lld, not in the registry (category "
		    "\"unknown\")\n", indent, jint(o, "subject"));
	if (reg) {
		printf("%s  detail:     %lld, registered%s\n", indent,
		    jint(o, "detail"),
		    json_is_true(json_object_get(o, "deprecated")) ?
		    ", deprecated" : "");
		if (json_is_string(json_object_get(o, "replacement")))
			printf("%s  use:        %s instead\n", indent,
			    jstr(o, "replacement"));
		printf("%s  basic code: %s", indent, jstr(o, "basic_text")[0] ?
		    jstr(o, "basic_text") : "(none listed)");
		if (jstr(o, "basic_for_class")[0] &&
		    strcmp(jstr(o, "basic_for_class"), jstr(o, "basic_text")) != 0)
			printf(" (for class %lld: %s)", jint(o, "class"),
			    jstr(o, "basic_for_class"));
		printf("\n%s  reference:  %s\n", indent, jstr(o, "reference"));
	} else {
		printf("%s  meaning:    %s\n", indent, jstr(o, "meaning"));
	}
}

/* print_basic - text rendering of basic_item() */
static void
print_basic(json_t *o, const char *indent)
{
	json_t *list = json_object_get(o, "xcodes");
	size_t i;

	printf("%s%lld  %s%s%s%s\n", indent, jint(o, "code"),
	    jstr(o, "meaning")[0] ? jstr(o, "meaning") : "no RFC defines this code",
	    jstr(o, "source")[0] ? " (" : "", jstr(o, "source"),
	    jstr(o, "source")[0] ? ")" : "");
	printf("%s  class:      %lld %s\n", indent, jint(o, "class"),
	    jstr(o, "class_meaning"));
	if (json_array_size(list) > 0) {
		printf("%s  registered with:", indent);
		for (i = 0; i < json_array_size(list); i++)
			printf("%s %s", i ? "," : "",
			    json_string_value(json_array_get(list, i)));
		putchar('\n');
	}
}

/* explain_one - classify an argument and build its item */
static json_t *
explain_one(struct cli *c, const struct registry *reg, const char *arg,
    int *status)
{
	const char *s = arg;
	size_t len = strlen(arg);
	struct xcode x;
	enum xcode_error why;
	char sugg[XCODE_STRLEN];
	json_t *o;

	str_span_trim(&s, &len);
	if (len >= 4 && basic_syntax_ok(s, 3) && (s[3] == ' ' || s[3] == '-')) {
		char *copy = xstrndup(s, len);

		o = reply_item(c, reg, copy);
		free(copy);
		if (!json_is_true(json_object_get(o, "valid")))
			*status = EXIT_FINDINGS;
		return o;
	}
	if (len == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
	    s[1] <= '9' && s[2] >= '0' && s[2] <= '9') {
		if (!basic_syntax_ok(s, len)) {
			*status = EXIT_FINDINGS;
			return invalid_item("not a reply code: the first "
			    "digit must be 2-5 and the second 0-5 (RFC 5321)", NULL);
		}
		return basic_item(reg, (unsigned)atoi(s));
	}
	if ((s[0] == 'X' || s[0] == 'x') && len > 2 && s[1] == '.') {
		/* "X.7.26": explain it as a permanent failure. */
		char tmp[32];

		snprintf(tmp, sizeof tmp, "5%.*s", (int)(len - 1 > 20 ? 20 : len - 1),
		    s + 1);
		if (xcode_parse(tmp, strlen(tmp), 0, &x, NULL) != 0)
			return xcode_item(reg, &x);
	}
	if (xcode_looks_like(s, len)) {
		if (xcode_parse(s, len, 0, &x, &why) != 0)
			return xcode_item(reg, &x);
		*status = EXIT_FINDINGS;
		if (xcode_repair(s, len, &x))
			xcode_format(&x, sugg, sizeof sugg);
		else
			sugg[0] = '\0';
		return invalid_item(xcode_error_str(why),
		    sugg[0] ? sugg : NULL);
	}
	if (*status == 0)
		*status = EXIT_USAGE;
	return invalid_item("not an enhanced status code (5.7.1), a reply "
	    "code (550) or a reply (\"550 5.7.1 text\")", NULL);
}

/* cmd_explain - entry point */
int
cmd_explain(struct cli *c, int argc, char **argv)
{
	const struct registry *reg;
	json_t *items;
	int n, i, status = 0;

	if ((n = cli_parse(c, argc, argv, NULL, NULL, NULL, usage)) < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(c, "give at least one code to explain");
	if ((reg = cli_registry(c)) == NULL)
		return EXIT_USAGE;
	items = json_array();
	for (i = 0; i < n; i++) {
		int st = 0;
		json_t *o = explain_one(c, reg, argv[i], &st);

		if (o == NULL)
			return EXIT_USAGE;
		json_object_set_new(o, "input", cli_json_string(argv[i], strlen(argv[i])));
		json_array_append_new(items, o);
		if (st == EXIT_USAGE || (st == EXIT_FINDINGS && status == 0))
			status = st;
	}
	if (c->format == FMT_JSON) {
		char desc[600];

		cli_json_print(json_pack("{s:s, s:o}", "registry",
		    registry_describe(reg, desc, sizeof desc), "items", items));
		return status;
	}
	for (i = 0; i < (int)json_array_size(items); i++) {
		json_t *o = json_array_get(items, (size_t)i);
		const char *kind = jstr(o, "kind");

		if (i > 0)
			putchar('\n');
		if (strcmp(kind, "xcode") == 0) {
			print_xcode(o, "");
		} else if (strcmp(kind, "basic") == 0) {
			print_basic(o, "");
		} else if (strcmp(kind, "reply") == 0) {
			json_t *fs = json_object_get(o, "findings");
			size_t k;

			printf("reply: %s\n", jstr(o, "input"));
			if (json_is_object(json_object_get(o, "basic")))
				print_basic(json_object_get(o, "basic"), "  ");
			if (json_is_object(json_object_get(o, "enhanced")))
				print_xcode(json_object_get(o, "enhanced"), "  ");
			for (k = 0; k < json_array_size(fs); k++) {
				json_t *f = json_array_get(fs, k);

				printf("  %s: %s: %s\n", cli_sev(c,
				    strcmp(jstr(f, "severity"), "error") == 0 ?
				    SEV_ERROR : strcmp(jstr(f, "severity"),
				    "warning") == 0 ? SEV_WARNING : SEV_NOTE),
				    jstr(f, "id"), jstr(f, "message"));
			}
		} else {
			printf("%s: %s%s%s%s\n", jstr(o, "input"), jstr(o, "error"),
			    jstr(o, "suggestion")[0] ? " (did you mean " : "",
			    jstr(o, "suggestion"),
			    jstr(o, "suggestion")[0] ? "?)" : "");
		}
	}
	json_decref(items);
	return status;
}

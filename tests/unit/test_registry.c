/*
 * test_registry.c - the built-in table, the IANA CSV loader on a handmade
 * messy fixture, and (when ../shared is present) the real IANA export.
 */
#include "config.h"

#include <sys/stat.h>

#include "registry.h"
#include "tap.h"

static char *
path(const char *env, const char *fallback_dir, const char *rel)
{
	static char buf[4096];
	const char *dir = getenv(env);

	snprintf(buf, sizeof buf, "%s/%s", dir ? dir : fallback_dir, rel);
	return buf;
}

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s ? s : ".";
}

static bool
has_diag(const struct diag_list *l, int line, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].line == line && strstr(l->v[i].msg, needle) != NULL)
			return true;
	return false;
}

static void
test_builtin(void)
{
	struct esc_err err;
	struct registry *r = registry_new_builtin(&err);
	const struct reg_entry *const *all;
	const struct reg_entry *e;
	size_t n, i;
	char buf[256];
	int clean = 1;

	ok(r != NULL, "builtin registry builds");
	all = registry_entries(r, &n);
	is_int(n, 81, "81 enumerated codes");
	is_str(registry_date(r), "2024-12-06", "snapshot date");
	is_str(registry_source(r), "builtin", "source");
	is_str(registry_describe(r, buf, sizeof buf), "builtin 2024-12-06, 81 codes",
	    "describe");
	for (i = 1; i < n; i++)
		if (all[i - 1]->subject > all[i]->subject ||
		    (all[i - 1]->subject == all[i]->subject &&
		    all[i - 1]->detail >= all[i]->detail))
			clean = 0;
	ok(clean, "entries sorted by subject and detail");
	for (i = 0; i < n; i++) {
		struct basic_set s;

		if (basic_parse(all[i]->basic_text, &s, NULL, 0) != 0)
			clean = 0;
		if (registry_lookup(r, all[i]->subject, all[i]->detail) != all[i])
			clean = 0;
	}
	ok(clean, "every basic-code cell reads cleanly and every code is found");

	/* Ranges X.0.0 ... X.7.30 as the facts list them. */
	static const unsigned last[8] = { 0, 10, 4, 6, 7, 6, 10, 30 };
	for (unsigned s = 0; s < 8; s++)
		for (unsigned d = 0; d <= last[s]; d++)
			if (registry_lookup(r, s, d) == NULL)
				clean = 0;
	ok(clean, "X.0.0, X.1.0-10, X.2.0-4, X.3.0-6, X.4.0-7, X.5.0-6, X.6.0-10, X.7.0-30");

	e = registry_lookup(r, 7, 26);
	ok(e && strcmp(e->sample, "Multiple authentication checks failed") == 0,
	    "X.7.26 sample text");
	ok(e && e->basic.n == 1 && e->basic.code[0] == 550, "X.7.26 basic 550");
	is_str(e ? e->reference : NULL, "RFC7372", "X.7.26 reference");
	e = registry_lookup(r, 6, 10);
	ok(e && e->deprecated && e->has_replacement && e->repl_subject == 6 &&
	    e->repl_detail == 8, "X.6.10 deprecated, replaced by X.6.8");
	e = registry_lookup(r, 1, 10);
	is_str(e ? e->reference : NULL, "RFC7505, RFC7504", "references joined");
	e = registry_lookup(r, 7, 28);
	ok(e && (e->basic.flags & BASIC_NOT_GIVEN), "X.7.28 basic '.' = not given");
	e = registry_lookup(r, 6, 8);
	is_str(e ? e->sample : NULL,
	    "UTF-8 string reply is required, but not permitted by the SMTP client",
	    "X.6.8 sample text on one line");

	ok(registry_lookup(r, 7, 99) == NULL, "5.7.99 unregistered");
	ok(registry_lookup(r, 9, 1) == NULL, "X.9.1 unregistered");
	ok(registry_lookup(r, 999, 999) == NULL, "out of range subject");
	ok(registry_lookup(r, 7, 999) == NULL, "out of range detail");
	ok(registry_subject_known(r, 7) && registry_subject_known(r, 0),
	    "subjects 0-7 known");
	ok(!registry_subject_known(r, 8) && !registry_subject_known(r, 9),
	    "subjects 8, 9 unknown");
	is_str(category_name(category_of(7)), "security", "X.7 category");
	is_str(category_name(category_of(1)), "addressing", "X.1 category");
	is_str(category_name(category_of(3)), "mail-system", "X.3 category");
	is_str(category_name(category_of(9)), "unknown", "X.9 category");
	is_str(subject_name(4), "Network and Routing Status", "subject name");
	ok(subject_name(8) == NULL, "no name for subject 8");
	is_str(registry_class_name(4), "Persistent Transient Failure", "class 4 name");
	ok(registry_class_name(3) == NULL, "no class 3");
	registry_free(r);
	registry_free(NULL);
}

static void
test_messy(void)
{
	struct diag_list d;
	struct esc_err err;
	struct registry *r;
	const struct reg_entry *e;
	size_t n;

	diag_list_init(&d);
	r = registry_load_csv(path("top_srcdir", ".", "tests/data/registry/messy.csv"),
	    &d, &err);
	ok(r != NULL, "messy fixture loads");
	if (r == NULL) {
		printf("# %s\n", err.text);
		return;
	}
	registry_entries(r, &n);
	is_int(n, 13, "13 usable rows");
	ok(registry_date(r)[4] == '-', "date from the file's mtime");
	e = registry_lookup(r, 0, 0);
	ok(e && (e->basic.flags & BASIC_ANY), "BOM before the header, Any");
	e = registry_lookup(r, 5, 0);
	ok(e && e->basic.n == 14, "line break inside the basic-code cell");
	e = registry_lookup(r, 6, 8);
	is_str(e ? e->sample : NULL,
	    "UTF-8 string reply is required, but not permitted by the SMTP client",
	    "multi-line sample text squeezed");
	e = registry_lookup(r, 6, 10);
	ok(e && e->deprecated && e->has_replacement && e->repl_detail == 8,
	    "deprecation read from the description");
	ok(e && e->sample[0] == '\0' && (e->basic.flags & BASIC_NOT_GIVEN),
	    "empty cells");
	e = registry_lookup(r, 7, 15);
	ok(e && (e->basic.flags & BASIC_OTHERS_OK) && e->basic.n == 2,
	    "remark in parentheses");
	e = registry_lookup(r, 7, 17);
	ok(e && (e->basic.flags & BASIC_WILD(5)), "5XX");
	e = registry_lookup(r, 7, 24);
	ok(e && e->basic.n == 2, "451/550");
	is_str(e ? e->reference : NULL, "RFC7372, RFC7208", "references normalised");
	e = registry_lookup(r, 7, 28);
	ok(e && (e->basic.flags & BASIC_NOT_GIVEN), "'.' basic code");
	is_str(e ? e->reference : NULL, "draft-levine-mailbomb-header-00", "draft reference");
	e = registry_lookup(r, 3, 6);
	ok(e && e->basic.n == 2, "250 or 251");
	e = registry_lookup(r, 1, 1);
	is_str(e ? e->sample : NULL, "Bad destination mailbox address",
	    "first of two duplicate rows wins");
	ok(registry_lookup(r, 2, 2) != NULL, "row after a blank line");
	ok(registry_lookup(r, 7, 99) != NULL, "short row still loaded");

	ok(has_diag(&d, 16, "not of the form"), "bad code reported on line 16");
	ok(has_diag(&d, 17, "twice"), "duplicate reported on line 17");
	ok(has_diag(&d, 18, "fields"), "short row reported on line 18");
	ok(has_diag(&d, 18, "5X0"), "unreadable basic code reported");
	is_int(diag_count(&d, SEV_ERROR), 0, "no errors, only warnings");
	diag_list_free(&d);
	registry_free(r);
}

static void
test_broken(void)
{
	struct diag_list d;
	struct esc_err err;
	struct registry *r;
	size_t n;

	diag_list_init(&d);
	r = registry_load_csv(path("top_srcdir", ".",
	    "tests/data/registry/unterminated.csv"), &d, &err);
	ok(r != NULL, "unterminated quote: rows before it load");
	if (r != NULL) {
		registry_entries(r, &n);
		is_int(n, 1, "one row before the bad one");
	}
	ok(has_diag(&d, 3, "never closed"), "unterminated quote reported on line 3");
	registry_free(r);
	diag_list_free(&d);

	err_clear(&err);
	r = registry_parse_csv("", 0, "empty", NULL, &err);
	ok(r == NULL && strstr(err.text, "empty"), "empty file refused");
	r = registry_parse_csv("a,b\n1,2\n", 8, "x.csv", NULL, &err);
	ok(r == NULL && strstr(err.text, "Code"), "wrong header refused: %s", err.text);
	r = registry_parse_csv("Code,Sample Text\nnope,x\n", 23, "x.csv", NULL, &err);
	ok(r == NULL && strstr(err.text, "no enhanced"), "no usable row refused");
	r = registry_load_csv("/nonexistent/x.csv", NULL, &err);
	ok(r == NULL && strstr(err.text, "cannot open"), "missing file");
	r = registry_parse_csv("Code,Sample Text\nX.999.999,far\n", 30, "x.csv",
	    NULL, &err);
	ok(r != NULL && registry_lookup(r, 999, 999) != NULL,
	    "codes up to X.999.999 are indexed");
	ok(r != NULL && registry_subject_known(r, 999), "a subject with entries is known");
	registry_free(r);
}

static void
test_iana(void)
{
	struct diag_list d;
	struct esc_err err;
	struct registry *r, *b;
	const struct reg_entry *const *all;
	const char *shared = getenv("ESC_SHARED_DIR");
	char file[4096];
	struct stat st;
	size_t n, i;
	int agree = 1;

	snprintf(file, sizeof file, "%s/registry/smtp-enhanced-status-codes.csv",
	    shared ? shared : path("top_srcdir", ".", "../shared"));
	if (stat(file, &st) != 0) {
		ok(1, "# SKIP IANA registry not present (%s)", file);
		return;
	}
	diag_list_init(&d);
	r = registry_load_csv(file, &d, &err);
	b = registry_new_builtin(&err);
	ok(r != NULL, "IANA export loads");
	if (r == NULL)
		return;
	all = registry_entries(r, &n);
	is_int(n, 81, "all 81 rows load");
	is_int(d.n, 0, "without a single warning");
	for (i = 0; i < n; i++) {
		const struct reg_entry *m = registry_lookup(b, all[i]->subject,
		    all[i]->detail);
		unsigned diff = m ? registry_entry_diff(m, all[i]) : ~0u;

		if (diff != 0) {
			agree = 0;
			printf("# X.%u.%u differs (0x%x)\n", all[i]->subject,
			    all[i]->detail, diff);
		}
	}
	ok(agree, "every row agrees with the built-in table");
	registry_free(r);
	registry_free(b);
	diag_list_free(&d);
}

int
main(void)
{
	(void)srcdir;
	test_builtin();
	test_messy();
	test_broken();
	test_iana();
	return done_testing();
}

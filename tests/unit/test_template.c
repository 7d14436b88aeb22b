/*
 * test_template.c - reply templates: compiling "CODE [XCODE] [TEXT]" (a
 * table of valid and invalid specifications), rendering with hostile
 * values, the wire form the validator reads, the safe fallbacks.
 */
#include "config.h"

#include <stdlib.h>

#include "tap.h"
#include "template.h"

static struct registry *reg;

static void
compile_table(void)
{
	static const struct {
		const char	*spec;
		const char	*id;		/* NULL: compiles */
		const char	*code, *xcode;
		unsigned	 nlines;
		const char	*line0;
		bool		 deflt;
		unsigned	 lone;
	} t[] = {
		{ "550 5.7.23 SPF failed", NULL, "550", "5.7.23", 1, "SPF failed", false, 0 },
		{ "550 5.7.23", NULL, "550", "5.7.23", 1, "SPF validation failed", true, 0 },
		{ "450 4.6.10", NULL, "450", "4.6.10", 1, "Try again later", true, 0 },
		{ "550", NULL, "550", "", 1, "Message refused", true, 0 },
		{ "451", NULL, "451", "", 1, "Try again later", true, 0 },
		{ "550 no code here", NULL, "550", "", 1, "no code here", false, 0 },
		{ "550\t5.7.1\ttab separated", NULL, "550", "5.7.1", 1, "tab separated", false, 0 },
		{ "550 5.7.1    many blanks", NULL, "550", "5.7.1", 1, "many blanks", false, 0 },
		{ "550 5.7.1 a\\nb\\nc", NULL, "550", "5.7.1", 3, "a", false, 0 },
		{ "550 5.7.1 100% sure", NULL, "550", "5.7.1", 1, "100%% sure", false, 1 },
		{ "550 5.7.1 50%% fine", NULL, "550", "5.7.1", 1, "50%% fine", false, 0 },
		{ "550 5.7.1 ${sender} refused", NULL, "550", "5.7.1", 1, "${sender} refused", false, 0 },
		/* a code the validator reports later */
		{ "650 5.7.1 x", NULL, "650", "5.7.1", 1, "x", false, 0 },
		/* an invalid enhanced code is kept as written */
		{ "550 5.07.1 x", NULL, "550", "5.07.1", 1, "x", false, 0 },
		/* near misses that do not compile */
		{ "55 5.7.1 x", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "5500 5.7.1 x", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "550-5.7.1 x", NULL, "550", "5.7.1", 1, "x", false, 0 },
		{ "550x 5.7.1", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "abc", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "550 5.7.12345678901 x", "xcode-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "550 5.7.1 ${nosuch}", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
		{ "550 5.7.1 ${sender", "reply-syntax", NULL, NULL, 0, NULL, false, 0 },
	};
	struct template tp;
	struct esc_err err;
	const char *id;
	size_t i;
	int rc;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		id = NULL;
		err_clear(&err);
		rc = template_compile(&tp, t[i].spec, reg, &id, &err);
		if (t[i].id != NULL) {
			ok(rc < 0 && id != NULL && strcmp(id, t[i].id) == 0,
			    "\"%s\" refused as %s (got %s: %s)", t[i].spec, t[i].id,
			    id ? id : "nothing", err.text);
			continue;
		}
		ok(rc == 0, "\"%s\" compiles%s%s", t[i].spec, rc ? ": " : "",
		    rc ? err.text : "");
		if (rc != 0)
			continue;
		ok(strcmp(tp.code, t[i].code) == 0 &&
		    strcmp(tp.xcode, t[i].xcode) == 0 &&
		    tp.nlines == t[i].nlines && strcmp(tp.line[0], t[i].line0) == 0 &&
		    tp.text_default == t[i].deflt && tp.lone_percent == t[i].lone,
		    "\"%s\": %s|%s|%u|%s|%d|%u", t[i].spec, tp.code, tp.xcode,
		    tp.nlines, tp.line[0], tp.text_default, tp.lone_percent);
		template_free(&tp);
	}
}

static void
limits(void)
{
	char *spec = malloc(8192), *p;
	struct template tp;
	struct esc_err err;
	const char *id = NULL;
	unsigned i;

	/* 32 lines compile, 33 do not */
	p = spec + sprintf(spec, "550 5.7.1 l");
	for (i = 1; i < TEMPLATE_MAX_LINES; i++)
		p += sprintf(p, "\\nl");
	is_int(template_compile(&tp, spec, reg, &id, &err), 0, "32 lines");
	is_int(tp.nlines, 32, "32 lines kept");
	template_free(&tp);
	strcpy(p, "\\nl");
	is_int(template_compile(&tp, spec, reg, &id, &err), -1, "33 lines");
	is_str(id, "too-many-lines", "33 lines: too-many-lines");
	/* the text limit */
	p = spec + sprintf(spec, "550 5.7.1 ");
	memset(p, 'x', TEMPLATE_TEXT_MAX - 1);
	p[TEMPLATE_TEXT_MAX - 1] = '\0';
	is_int(template_compile(&tp, spec, reg, &id, &err), 0,
	    "text of TEMPLATE_TEXT_MAX - 1 bytes");
	template_free(&tp);
	p[TEMPLATE_TEXT_MAX - 1] = 'x';
	p[TEMPLATE_TEXT_MAX] = '\0';
	is_int(template_compile(&tp, spec, reg, &id, &err), -1,
	    "text of TEMPLATE_TEXT_MAX bytes");
	is_str(id, "text-too-long", "text-too-long");
	free(spec);
}

static void
render(void)
{
	const char *vals[VAR_COUNT] = { NULL };
	struct template tp;
	struct rendered *r = malloc(sizeof *r);
	struct esc_err err;
	const char *id;
	char wire[RENDERED_WIRE_MAX], text[RENDERED_WIRE_MAX];
	size_t len;

	vals[VAR_SENDER] = "evil\r\n250 ok%@x.example";
	vals[VAR_RULE] = "r1";
	template_compile(&tp, "550 5.7.1 From ${sender} (${rule})\\n100% no", reg,
	    &id, &err);
	template_render(&tp, vals, r);
	is_int(r->nlines, 2, "two lines rendered");
	is_str(r->line[0], "From evil250 ok%%@x.example (r1)",
	    "values made safe: no CR/LF, '%%' doubled");
	len = rendered_wire(r, wire, sizeof wire);
	is_str(wire, "550-5.7.1 From evil250 ok%%@x.example (r1)\n550 5.7.1 100%% no",
	    "wire form: continuation then last line");
	is_int(len, strlen(wire), "wire length");
	rendered_client_text(r, text, sizeof text);
	is_str(text, "From evil250 ok%@x.example (r1)\n100% no",
	    "what the client reads");
	ok(!rendered_is_temp(r), "5xx is not temporary");
	len = rendered_wire(r, wire, 20);
	is_int(len, 19, "wire bounded by its buffer");
	template_free(&tp);

	template_compile(&tp, "550 text only", reg, &id, &err);
	template_render(&tp, vals, r);
	rendered_wire(r, wire, sizeof wire);
	is_str(wire, "550 text only", "no enhanced code: none on the wire");
	template_free(&tp);

	template_compile(&tp, "451 4.7.25 no ${client_name}", reg, &id, &err);
	rendered_safe(&tp, reg, false, r);
	rendered_wire(r, wire, sizeof wire);
	is_str(wire, "451 4.7.25 Reverse DNS validation failed",
	    "safe: same codes, the registry's text");
	ok(rendered_is_temp(r), "4xx is temporary");
	rendered_safe(&tp, reg, true, r);
	rendered_wire(r, wire, sizeof wire);
	is_str(wire, "451 4.3.0 Temporary failure, try again later",
	    "generic temporary fallback");
	template_free(&tp);
	template_compile(&tp, "554 5.7.99 x", reg, &id, &err);
	rendered_safe(&tp, reg, false, r);
	rendered_wire(r, wire, sizeof wire);
	is_str(wire, "554 5.7.99 Message refused", "unregistered: generic text");
	rendered_safe(&tp, reg, true, r);
	rendered_wire(r, wire, sizeof wire);
	is_str(wire, "550 5.7.1 Message refused", "generic permanent fallback");
	template_free(&tp);
	free(r);
}

int
main(void)
{
	struct esc_err err;

	if ((reg = registry_new_builtin(&err)) == NULL)
		skip_all("no registry");
	compile_table();
	limits();
	render();
	registry_free(reg);
	return done_testing();
}

/*
 * test_pfconf.c - a Postfix configuration read as Postfix reads it: the
 * last definition wins, continuation lines, master.cf services and their
 * -o overrides (with "{ name = value with spaces }"), the defaults that
 * decide what a table means, and $name expansion as a table of cases.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pfconf.h"
#include "tap.h"

static const char main_cf[] =
    "# comment\n"
    "myhostname = mx.example\n"
    "relay = relay.example\n"
    "empty =\n"
    "maps = hash:$config_directory/a,\n"
    "    ${relay?{pcre:/x}} ${empty:cidr:/y}\n"
    "access_map_reject_code = 550\n"
    "access_map_reject_code = 551\n"
    "loop = $loop x\n"
    "nested = $(myhostname) and ${maps}\n"
    "money = 100$$ and $ alone\n"
    "smtpd_delay_reject = no\n";

static const char master_cf[] =
    "smtp      inet  n - y - - smtpd\n"
    "submission inet n - y - - smtpd\n"
    "  -o access_map_reject_code=554\n"
    "  -o { smtpd_recipient_restrictions = check_recipient_access "
    "hash:/etc/postfix/sub, reject }\n"
    "  -o relay=$myhostname\n"
    "pickup    unix  n - y 60 1 pickup\n"
    "not a service line\n";

static void
expansion(const struct pfconf *pf, const struct pf_service *sub)
{
	static const struct {
		const char	*in, *want;
		int		 svc;		/* 1: in the submission service */
	} t[] = {
		{ "$myhostname", "mx.example", 0 },
		{ "${myhostname}", "mx.example", 0 },
		{ "$(myhostname)", "mx.example", 0 },
		{ "<$myhostname>", "<mx.example>", 0 },
		{ "$myhostname.", "mx.example.", 0 },
		{ "$undefined", "", 0 },
		{ "${relay?yes}", "yes", 0 },
		{ "${relay:no}", "", 0 },
		{ "${empty?yes}", "", 0 },
		{ "${empty:no}", "no", 0 },
		{ "${undefined:no}", "no", 0 },
		{ "${relay?{a b}}", "{a b}", 0 },
		{ "$$myhostname", "$myhostname", 0 },
		{ "100$$", "100$", 0 },
		{ "$", "$", 0 },
		{ "$config_directory/x", "/etc/pf/x", 0 },
		{ "$maps", "hash:/etc/pf/a,    {pcre:/x} cidr:/y", 0 },
		{ "$access_map_reject_code", "551", 0 },
		{ "$access_map_reject_code", "554", 1 },
		{ "$relay", "mx.example", 1 },
		{ "$access_map_defer_code", "450", 0 },
		{ "$mime_header_checks", "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *got = pfconf_expand(pf, t[i].svc ? sub : NULL, t[i].in);

		is_str(got ? got : "(null)", t[i].want, "expand %s%s", t[i].in,
		    t[i].svc ? " in submission" : "");
		free(got);
	}
	/* A loop ends; it does not hang or overflow. */
	{
		char *got = pfconf_expand(pf, NULL, "$loop");

		ok(got != NULL && strlen(got) < 4096, "a self-reference is cut "
		    "(%zu bytes)", got ? strlen(got) : 0);
		free(got);
	}
}

int
main(void)
{
	struct pfconf pf;
	const struct pf_param *where;
	const struct pf_service *sub = NULL;
	const char *v;
	unsigned i;

	pfconf_init(&pf);
	pf.dir = strdup("/etc/pf");
	ok(pfconf_read_main(&pf, "/etc/pf/main.cf", main_cf,
	    sizeof main_cf - 1) == 0, "main.cf read");
	ok(pfconf_read_master(&pf, "/etc/pf/master.cf", master_cf,
	    sizeof master_cf - 1) == 0, "master.cf read");
	is_int(pf.nsvc, 3, "three services (the odd line is not one)");
	for (i = 0; i < pf.nsvc; i++)
		if (strcmp(pf.svc[i].name, "submission") == 0)
			sub = &pf.svc[i];
	ok(sub != NULL && sub->nopt == 3, "submission has three -o overrides");
	if (sub == NULL)
		return done_testing();
	is_str(sub->command, "smtpd", "the command is the 8th field");
	is_int(sub->line, 2, "the service's line");

	v = pfconf_get(&pf, NULL, "access_map_reject_code", &where);
	is_str(v, "551", "the last definition wins");
	ok(where != NULL && where->line == 8 && where->col == 26,
	    "where it is defined: line 8, column 26");
	v = pfconf_get(&pf, sub, "access_map_reject_code", &where);
	is_str(v, "554", "a -o override wins in its service");
	ok(where != NULL && where->line == 3 &&
	    strcmp(where->file, "/etc/pf/master.cf") == 0, "and says where");
	v = pfconf_get(&pf, sub, "smtpd_recipient_restrictions", NULL);
	is_str(v, "check_recipient_access hash:/etc/postfix/sub, reject",
	    "-o { name = value with spaces }");
	v = pfconf_get(&pf, NULL, "maps", &where);
	is_str(v, "hash:$config_directory/a,    ${relay?{pcre:/x}} "
	    "${empty:cidr:/y}", "a continued value, as written (joined)");
	/* where a table is written in a continued value */
	(void)pfconf_get(&pf, NULL, "maps", &where);
	if (where != NULL) {
		int line, col;

		pfconf_where(where, "pcre:/x", &line, &col);
		ok(line == 6 && col == 14, "pcre:/x is at 6:14 (got %d:%d)", line,
		    col);
		pfconf_where(where, "hash:/etc/pf/a", &line, &col);
		ok(line == 5 && col == 8, "a name that was expanded: the value's "
		    "start, 5:8 (got %d:%d)", line, col);
		pfconf_where(where, "btree:/y", &line, &col);
		ok(line == 6 && col == 37, "a type from a parameter: found by its "
		    "name, 6:37 (got %d:%d)", line, col);
		pfconf_where(where, "nowhere:/z", &line, &col);
		ok(line == 5 && col == 8, "not written: the value's start (got "
		    "%d:%d)", line, col);
	}
	v = pfconf_get(&pf, NULL, "access_map_defer_code", &where);
	ok(v != NULL && strcmp(v, "450") == 0 && where == NULL,
	    "a default, with no place");
	ok(pfconf_get(&pf, NULL, "no_such_parameter", NULL) == NULL,
	    "an unknown parameter has no value");
	ok(!pfconf_bool(&pf, NULL, "smtpd_delay_reject", true),
	    "smtpd_delay_reject = no");
	ok(pfconf_bool(&pf, NULL, "undefined_bool", true), "a default bool");
	expansion(&pf, sub);
	pfconf_free(&pf);
	return done_testing();
}

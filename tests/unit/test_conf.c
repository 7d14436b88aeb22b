/*
 * test_conf.c - the configuration parser: a table of files that load (with
 * what they must produce) and files that do not (with the FILE:LINE and id
 * of each diagnostic).
 */
#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char dir[] = "/tmp/test_conf.XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* has - a diagnostic "LINE:severity:id" exists */
static bool
has(const struct diag_list *d, const char *want)
{
	char buf[128];

	for (size_t i = 0; i < d->n; i++) {
		snprintf(buf, sizeof buf, "%d:%s:%s", d->v[i].line,
		    severity_name(d->v[i].sev), d->v[i].id);
		if (strcmp(buf, want) == 0)
			return true;
	}
	return false;
}

static void
dump(const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		printf("#   %d:%s:%s: %s\n", d->v[i].line,
		    severity_name(d->v[i].sev), d->v[i].id, d->v[i].msg);
}

/* Files that must be refused, with one diagnostic each must show. */
static const struct {
	const char	*name, *text, *want;
} bad[] = {
	{ "not a setting", "hello world\n", "1:error:syntax" },
	{ "misspelt key", "stats_intervall = 60\n", "1:error:unknown-key" },
	{ "bad socket", "socket = tcp:25\n", "1:error:bad-value" },
	{ "bad port", "socket = inet:99999@127.0.0.1\n", "1:error:bad-value" },
	{ "relative unix socket", "socket = unix:run/x.sock\n", "1:error:bad-value" },
	{ "negative number", "stats_interval = -1\n", "1:error:bad-value" },
	{ "number too big", "stats_interval = 100000000\n", "1:error:bad-value" },
	{ "bad unit", "dns_timeout = 5x\n", "1:error:bad-value" },
	{ "relative log file", "log = file:events.json\n", "1:error:bad-value" },
	{ "bad facility", "log = syslog:kernel\n", "1:error:bad-value" },
	{ "bad bool", "annotate_dsn = maybe\n", "1:error:bad-value" },
	{ "bad mode", "mode = strict\n", "1:error:bad-value" },
	{ "bad on_error", "on_error = ignore\n", "1:error:bad-value" },
	{ "ipv6 resolver", "resolver = [2001:db8::1]:53\n", "1:error:bad-value" },
	{ "bad resolver", "resolver = dns.example\n", "1:error:bad-value" },
	{ "prometheus_listen without a port", "prometheus_listen = 127.0.0.1\n", "1:error:bad-value" },
	{ "prometheus_listen port 0", "prometheus_listen = 127.0.0.1:0\n", "1:error:bad-value" },
	{ "prometheus_listen port too big", "prometheus_listen = 127.0.0.1:65536\n", "1:error:bad-value" },
	{ "prometheus_listen host name", "prometheus_listen = localhost:9464\n", "1:error:bad-value" },
	{ "prometheus_listen IPv6 without brackets", "prometheus_listen = ::1:9464\n", "1:error:bad-value" },
	{ "relative maillog", "maillog = mail.log\n", "1:error:bad-value" },
	{ "bad maillog_mta", "maillog_mta = exim\n", "1:error:bad-value" },
	{ "missing registry", "registry = /nonexistent/registry.csv\n", "1:error:registry" },
	{ "relative registry", "registry = registry.csv\n", "1:error:bad-value" },
	{ "header prefix with colon", "header_prefix = X:\n", "1:error:bad-value" },
	{ "socket mode", "socket_mode = 999\n", "1:error:bad-value" },
	{ "rule without reply", "rule r\n if = authenticated\n", "1:error:rule" },
	{ "reply on accept", "rule r\n if = authenticated\n action = accept\n reply = 550 5.7.1 x\n", "4:error:rule" },
	{ "bad action", "rule r\n action = bounce\n", "2:error:bad-value" },
	{ "bad rule mode", "rule r\n mode = dry\n reply = 550 5.7.1 x\n", "2:error:bad-value" },
	{ "bad stage", "rule r\n stage = data\n reply = 550 5.7.1 x\n", "2:error:bad-value" },
	{ "duplicate rule", "rule r\n reply = 550 5.7.1 x\nrule r\n reply = 550 5.7.1 y\n", "3:error:duplicate" },
	{ "duplicate reply", "rule r\n reply = 550 5.7.1 x\n reply = 550 5.7.1 y\n", "3:error:duplicate" },
	{ "bad rule name", "rule bad name!\n reply = 550 5.7.1 x\n", "1:error:syntax" },
	{ "unknown rule key", "rule r\n iff = authenticated\n reply = 550 5.7.1 x\n", "2:error:unknown-key" },
	{ "setting inside a rule", "rule r\n socket = inet:1@127.0.0.1\n reply = 550 5.7.1 x\n", "2:error:syntax" },
	{ "unknown condition", "rule r\n if = colour = red\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "bad regex", "rule r\n if = helo ~ /(unclosed/\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "regex without slashes", "rule r\n if = helo ~ abc\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "bad regex flag", "rule r\n if = helo ~ /abc/q\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "bad match operator", "rule r\n if = helo == abc\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "network file that is not there", "rule r\n if = client-ip in nets-missing.txt\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "bad size unit", "rule r\n if = size > 25X\n reply = 552 5.3.4\n", "2:error:condition" },
	{ "size without operator", "rule r\n if = size 25M\n reply = 552 5.3.4\n", "2:error:condition" },
	{ "bad network", "rule r\n if = client-ip in 300.1.1.1\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "bad prefix", "rule r\n if = client-ip in 10.0.0.0/33\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "client-ip without in", "rule r\n if = client-ip = 10.0.0.1\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "missing list", "rule r\n if = sender in /nonexistent/list\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "header without name", "rule r\n if = header ~ /x/\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "authenticated with argument", "rule r\n if = authenticated yes\n reply = 550 5.7.1 x\n", "2:error:condition" },
	{ "class mismatch", "rule r\n if = authenticated\n reply = 550 4.7.1 x\n", "3:error:class-mismatch" },
	{ "unregistered", "rule r\n if = authenticated\n reply = 550 5.7.99 x\n", "3:error:unregistered" },
	{ "unknown subject", "rule r\n if = authenticated\n reply = 550 5.9.1 x\n", "3:error:unknown-subject" },
	{ "2xx reply", "rule r\n if = authenticated\n reply = 250 2.0.0 ok\n", "3:error:not-failure" },
	{ "bad basic code", "rule r\n if = authenticated\n reply = 5500 5.7.1 x\n", "3:error:reply-syntax" },
	{ "letters for a code", "rule r\n if = authenticated\n reply = abc 5.7.1 x\n", "3:error:reply-syntax" },
	{ "bad xcode", "rule r\n if = authenticated\n reply = 550 5.07.1 x\n", "3:error:xcode-syntax" },
	{ "unknown variable", "rule r\n if = authenticated\n reply = 550 5.7.1 ${nosuch}\n", "3:error:reply-syntax" },
	{ "unclosed variable", "rule r\n if = authenticated\n reply = 550 5.7.1 ${sender\n", "3:error:reply-syntax" },
	{ "control character", "rule r\n if = authenticated\n reply = 550 5.7.1 a\001b\n", "3:error:text-control" },
	{ "stage too early", "rule r\n if = body ~ /x/\n stage = mail\n reply = 550 5.7.1 x\n", "1:error:stage" },
	{ "recipient at eom", "rule r\n if = recipient = a@b\n stage = eom\n reply = 550 5.7.1 x\n", "1:error:stage" },
	{ "include missing", "include = /nonexistent/file.conf\n", "1:error:include" },
	{ "too long", "rule r\n if = authenticated\n reply = 550 5.7.1 "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "3:error:text-too-long" },
};

/* Files that must load; warnings named here must show, others may not. */
static const struct {
	const char	*name, *text, *want;	/* want: a diagnostic, or NULL */
	unsigned	 nrules;
} good[] = {
	{ "empty", "", NULL, 0 },
	{ "comments and blanks", "# a comment\n\n   # indented comment\n\t\n", NULL, 0 },
	{ "crlf", "stats_interval = 30\r\nrule r\r\n if = authenticated\r\n reply = 550 5.7.1 x\r\n", NULL, 1 },
	{ "all settings",
	  "socket = unix:/run/esc-milter/esc-milter.sock\nsocket_mode = 0600\n"
	  "socket_group = postfix\nlog = syslog:local3\nstats_interval = 5m\n"
	  "stats_file = /var/lib/esc/stats.json\nprometheus_file = none\n"
	  "observe_mta_rejects = no\nannotate_dsn = yes\nheader_prefix = X-Test-\n"
	  "mode = enforce\nregistry = builtin\non_error = continue\n"
	  "resolver = 127.0.0.1:5353\ndns_timeout = 2\ndns_cache_size = 100\n"
	  "body_scan_limit = 256K\nheader_scan_limit = 8K\nregex_match_limit = 5000\n"
	  "regex_depth_limit = 500\nevent_queue = 1000\nhost_name = mx1\nallow_root = no\n"
	  "shutdown_timeout = 30s\nmaillog = /var/log/mail.log\n"
	  "maillog_state = /var/lib/esc/maillog.state\nmaillog_mta = postfix\n"
	  "prometheus_listen = 127.0.0.1:9464\n",
	  NULL, 0 },
	{ "prometheus_listen IPv6", "prometheus_listen = [::1]:9464\n", NULL, 0 },
	{ "maillog without state", "maillog = /var/log/mail.log\n", "1:warning:maillog-state", 0 },
	{ "prometheus_listen all addresses", "prometheus_listen = 0.0.0.0:9464\n", NULL, 0 },
	{ "every condition",
	  "rule a\n if = client-ip in 192.0.2.0/24, 2001:db8::/32\n reply = 550 5.7.1 x\n"
	  "rule b\n if = client-name = unknown\n if = not authenticated\n reply = 450 4.7.25\n"
	  "rule c\n if = helo ~ /^\\[/\n reply = 550 5.7.1 x\n"
	  "rule d\n if = sender = a@b.example\n reply = 550 5.7.1 x\n"
	  "rule e\n if = sender-domain null-mx\n reply = 550 5.7.27\n"
	  "rule f\n if = recipient ~ /^x/i\n reply = 550 5.7.1 x\n"
	  "rule g\n if = recipient-domain null-mx\n reply = 556 5.1.10\n"
	  "rule h\n if = header Received-SPF ~ /^\\s*fail\\b/i\n reply = 550 5.7.23\n"
	  "rule i\n if = body = buy now\n reply = 554 5.7.1 x\n"
	  "rule j\n if = size >= 25M\n reply = 552 5.3.4\n"
	  "rule k\n if = recipients > 50\n reply = 452 4.5.3\n"
	  "rule l\n if = recipient-domain = dest.example\n action = accept\n"
	  "rule m\n if = sender-domain = spam.example\n action = discard\n",
	  NULL, 13 },
	{ "continuation", "rule r\n if = authenticated\n reply = 550 5.7.1 first \\\n     second\n", NULL, 1 },
	{ "lone percent", "rule r\n if = authenticated\n reply = 550 5.7.1 100% sure\n", "3:warning:text-percent", 1 },
	{ "escaped percent", "rule r\n if = authenticated\n reply = 550 5.7.1 100%% sure\n", NULL, 1 },
	{ "allow-unregistered", "rule r\n if = authenticated\n reply = 550 5.7.99 x\n allow-unregistered = yes\n",
	  "3:warning:unregistered", 1 },
	{ "generic code note", "rule r\n if = authenticated\n reply = 550 5.7.1 SPF failed\n", "3:note:generic-code", 1 },
	{ "no condition", "rule r\n reply = 550 5.7.1 x\n", "1:warning:rule", 1 },
	{ "monitor overrides", "mode = monitor\nrule r\n if = authenticated\n mode = enforce\n reply = 550 5.7.1 x\n",
	  "4:warning:mode", 1 },
	{ "stage delayed", "rule r\n if = client-ip in 10.0.0.0/8\n stage = rcpt\n reply = 550 5.7.1 x\n", NULL, 1 },
	{ "duplicate setting", "stats_interval = 5\nstats_interval = 6\n", "2:warning:duplicate", 0 },
	{ "multi-line reply", "rule r\n if = authenticated\n reply = 550 5.7.1 one\\ntwo\\nthree\n", NULL, 1 },
};

static void
test_semantics(void)
{
	struct diag_list d;
	struct config *c;
	const struct rule *r;
	const char *p;

	diag_list_init(&d);
	p = write_file("sem.conf",
	    "mode = monitor\n"
	    "rule conn\n if = client-ip in 10.0.0.0/8\n reply = 554 5.7.1 no\n"
	    "rule helo\n if = helo = x\n reply = 550 5.7.1 no\n"
	    "rule mail\n if = sender-domain = x\n if = client-ip in 10.0.0.0/8\n reply = 550 5.7.1 no\n"
	    "rule rcpt\n if = recipient = x\n reply = 550 5.7.1 no\n"
	    "rule hdr\n if = header Subject = x\n if = recipients > 3\n reply = 550 5.7.1 no\n"
	    "rule eom\n if = size > 1K\n reply = 552 5.3.4\n"
	    "rule ml\n if = authenticated\n reply = 550 5.7.1 a \\n b %\n"
	    "rule def\n if = authenticated\n reply = 550 5.7.23\n"
	    "rule def2\n if = authenticated\n reply = 450 4.6.10\n");
	c = conf_load(p, &d);
	ok(c != NULL, "semantics file loads");
	if (c == NULL) {
		dump(&d);
		return;
	}
	is_int(conf_rule_by_name(c, "conn")->stage, STAGE_CONNECT, "client-ip: connect");
	is_int(conf_rule_by_name(c, "helo")->stage, STAGE_HELO, "helo: helo");
	is_int(conf_rule_by_name(c, "mail")->stage, STAGE_MAIL, "sender + client-ip: mail");
	is_int(conf_rule_by_name(c, "rcpt")->stage, STAGE_RCPT, "recipient: rcpt");
	ok(conf_rule_by_name(c, "rcpt")->per_recipient, "recipient rule is per recipient");
	is_int(conf_rule_by_name(c, "hdr")->stage, STAGE_HEADER, "header + recipients: header");
	is_int(conf_rule_by_name(c, "eom")->stage, STAGE_EOM, "size: eom");
	is_int(conf_rule_by_name(c, "eom")->cond[0].num, 1024, "1K = 1024 bytes");
	r = conf_rule_by_name(c, "ml");
	is_int(r->reply.nlines, 2, "\\n makes two lines");
	is_str(r->reply.line[0], "a ", "line 1 kept as written");
	is_str(r->reply.line[1], " b %%", "lone %% escaped");
	is_int(r->mode, MODE_MONITOR, "global monitor mode");
	r = conf_rule_by_name(c, "def");
	is_str(r->reply.line[0], "SPF validation failed", "default text from the registry");
	ok(r->reply.text_default, "text_default set");
	r = conf_rule_by_name(c, "def2");
	is_str(r->reply.line[0], "Try again later", "no sample text: a generic one");
	is_int(c->nby_stage[STAGE_EOM], 1, "one eom rule");
	is_int(c->nhdr, 1, "one header condition");
	ok(c->need_body, "a size rule needs the body");
	ok(c->need_headers, "a header rule needs headers");
	conf_free(c);
	diag_list_free(&d);
}

static void
test_include(void)
{
	struct diag_list d;
	struct config *c;
	char inc[600];

	diag_list_init(&d);
	snprintf(inc, sizeof inc, "%s/rules.d", dir);
	mkdir(inc, 0755);
	write_file("rules.d/10-a.rules", "rule a\n if = authenticated\n reply = 550 5.7.1 a\n");
	write_file("rules.d/20-b.rules", "rule b\n if = authenticated\n reply = 550 4.7.1 b\n");
	write_file("rules.d/ignored.txt", "not a rule file\n");
	c = conf_load(write_file("inc.conf", "stats_interval = 7\ninclude = rules.d/*.rules\n"
	    "rule c\n if = authenticated\n reply = 550 5.7.1 c\n"), &d);
	ok(c == NULL, "an error in an included file refuses the whole configuration");
	ok(d.n == 1 && strstr(d.v[0].file, "rules.d/20-b.rules") && d.v[0].line == 3,
	    "the diagnostic names the included file and its line");
	diag_list_free(&d);
	write_file("rules.d/20-b.rules", "rule b\n if = authenticated\n reply = 450 4.7.1 b\n");
	c = conf_load(write_file("inc.conf", "stats_interval = 7\ninclude = rules.d/*.rules\n"
	    "rule c\n if = authenticated\n reply = 550 5.7.1 c\n"), &d);
	ok(c != NULL, "includes load");
	if (c != NULL) {
		is_int(c->nrules, 3, "rules from two included files and the main one");
		is_str(c->rules[0].name, "a", "included in glob order");
		is_str(c->rules[2].name, "c", "main file's rule after");
		is_int(c->set.stats_interval, 7, "settings kept");
		conf_free(c);
	}
	diag_list_free(&d);
	c = conf_load(write_file("loop.conf", "include = loop.conf\n"), &d);
	ok(c == NULL && d.n > 0 && strcmp(d.v[d.n - 1].id, "include") == 0,
	    "an include loop is stopped");
	diag_list_free(&d);
}

static void
test_lists(void)
{
	struct diag_list d;
	struct config *c;
	const char *nets;

	diag_list_init(&d);
	write_file("domains.txt", "# comment\nexample.org\n.example.net\n\n");
	nets = write_file("nets.txt", "192.0.2.0/24\n# x\n2001:db8::/32\n");
	(void)nets;
	c = conf_load(write_file("lists.conf", "rule r\n if = sender-domain in domains.txt\n"
	    " reply = 550 5.7.1 x\nrule n\n if = client-ip in nets.txt\n reply = 550 5.7.1 x\n"), &d);
	ok(c != NULL, "lists relative to the configuration file load");
	if (c != NULL) {
		is_int(strset_count(c->rules[0].cond[0].m.set), 2, "two entries");
		is_int(c->rules[1].cond[0].nets.n, 2, "two networks from a file");
		conf_free(c);
	}
	diag_list_free(&d);
	c = conf_load(write_file("badnets.conf", "rule n\n if = client-ip in ./badnets.txt\n"
	    " reply = 550 5.7.1 x\n"), &d);
	ok(c == NULL, "a missing network file is an error");
	diag_list_free(&d);
	write_file("badnets.txt", "192.0.2.0/24\nnot-an-ip\n");
	c = conf_load(write_file("badnets.conf", "rule n\n if = client-ip in ./badnets.txt\n"
	    " reply = 550 5.7.1 x\n"), &d);
	ok(c == NULL && d.n > 0 && strstr(d.v[0].file, "badnets.txt") && d.v[0].line == 2,
	    "a bad network in a list names the list file and line");
	diag_list_free(&d);
}

/* Header conditions are found by name through a hash index: every
   condition on a name, none of the others, case-insensitively. */
static void
test_header_index(void)
{
	struct diag_list d;
	struct config *c;
	struct match_scratch sc;
	uint8_t bits[64];
	char text[16384];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof text - n,
	    "rule s1\n if = header Subject ~ /buy/\n reply = 550 5.7.1 x\n"
	    "rule s2\n if = header subject ~ /now/\n reply = 550 5.7.1 x\n"
	    "rule spf\n if = header Received-SPF ~ /fail/\n reply = 550 5.7.23 x\n");
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		    "rule h%d\n if = header X-H%d ~ /v/\n reply = 550 5.7.1 x\n", i, i);
	diag_list_init(&d);
	memset(&sc, 0, sizeof sc);
	c = conf_load(write_file("hdr.conf", text), &d);
	ok(c != NULL, "203 header rules load");
	if (c == NULL) {
		dump(&d);
		return;
	}
	ok(match_scratch_init(&sc, c->mctx) == 0, "scratch");
	is_int(c->nhdr, 203, "203 header conditions");
	ok(c->hdr_mask + 1 >= 2 * c->nhdr, "the index has room");
	ok(c->hdr[0].name_id == c->hdr[1].name_id &&
	    c->hdr[0].name_id != c->hdr[2].name_id &&
	    c->hdr[3].name_id != c->hdr[4].name_id,
	    "one name id for Subject and subject, others apart");
	memset(bits, 0, sizeof bits);
	ok(conf_header_match(c, "SUBJECT", "buy now", 7, bits, &sc) == 0, "match runs");
	is_int(bits[0] & 0x07, 0x03, "both Subject conditions, whatever the case, not Received-SPF");
	memset(bits, 0, sizeof bits);
	conf_header_match(c, "x-h150", "v", 1, bits, &sc);
	for (i = 0; i < 203; i++)
		if ((bits[i / 8] >> (i % 8)) & 1)
			break;
	ok(i < 203 && strcmp(c->hdr[i].name, "X-H150") == 0, "X-H150 found by its name");
	for (i++; i < 203; i++)
		if ((bits[i / 8] >> (i % 8)) & 1)
			break;
	is_int(i, 203, "and nothing else");
	memset(bits, 0, sizeof bits);
	conf_header_match(c, "X-H", "v", 1, bits, &sc);
	conf_header_match(c, "X-H1500", "v", 1, bits, &sc);
	for (i = 0; i < 8; i++)
		if (bits[i])
			break;
	is_int(i, 8, "prefixes and unknown names match nothing");
	match_scratch_free(&sc);
	conf_free(c);
	diag_list_free(&d);
}

/* rep - n copies of c, in a buffer the caller frees */
static char *
rep(char c, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* bounded - the file loads (want NULL), or it is refused with want ("LINE:sev:id") */
static void
bounded(const char *name, const char *text, const char *want)
{
	struct diag_list d;
	struct config *c;

	diag_list_init(&d);
	c = conf_load(write_file("bounds.conf", text), &d);
	if (want == NULL) {
		ok(c != NULL, "bounds: %s loads", name);
		if (c == NULL)
			dump(&d);
	} else {
		ok(c == NULL && has(&d, want), "bounds: %s refused (%s)", name, want);
		if (c != NULL || !has(&d, want))
			dump(&d);
	}
	conf_free(c);
	diag_list_free(&d);
}

/*
 * test_bounds - every configured string that reaches a fixed buffer has a
 * limit, and going past it is an error with its line, never a silent cut
 * (a 17,000-character rule name once loaded and then overflowed a buffer).
 */
static void
test_bounds(void)
{
	char *text = malloc(40000), *x;

	x = rep('n', 64);
	snprintf(text, 40000, "rule %s\n if = authenticated\n reply = 550 5.7.1 x\n", x);
	bounded("a rule name of 64 characters", text, NULL);
	free(x);
	x = rep('n', 65);
	snprintf(text, 40000, "rule %s\n if = authenticated\n reply = 550 5.7.1 x\n", x);
	bounded("a rule name of 65 characters", text, "1:error:syntax");
	free(x);
	x = rep('n', 17000);
	snprintf(text, 40000, "rule %s\n if = authenticated\n reply = 550 5.7.1 x\n"
	    " mode = monitor\n", x);
	bounded("a rule name of 17,000 characters", text, "1:error:syntax");
	free(x);
	x = rep('h', 255);
	snprintf(text, 40000, "rule r\n if = header %s ~ /x/\n reply = 550 5.7.1 x\n", x);
	bounded("a header name of 255 characters", text, NULL);
	free(x);
	x = rep('h', 256);
	snprintf(text, 40000, "rule r\n if = header %s ~ /x/\n reply = 550 5.7.1 x\n", x);
	bounded("a header name of 256 characters", text, "2:error:condition");
	free(x);
	x = rep('c', 100);
	snprintf(text, 40000, "rule r\n if = %s = x\n reply = 550 5.7.1 x\n", x);
	bounded("a condition word of 100 characters", text, "2:error:condition");
	free(x);
	x = rep('p', 1023);
	snprintf(text, 40000, "stats_file = /%s\n", x);
	bounded("a path of 1024 bytes", text, NULL);
	free(x);
	x = rep('p', 1024);
	snprintf(text, 40000, "stats_file = /%s\n", x);
	bounded("a path of 1025 bytes", text, "1:error:bad-value");
	snprintf(text, 40000, "prometheus_file = /%s\n", x);
	bounded("prometheus_file of 1025 bytes", text, "1:error:bad-value");
	snprintf(text, 40000, "log = file:/%s\n", x);
	bounded("an event log path of 1025 bytes", text, "1:error:bad-value");
	snprintf(text, 40000, "registry = /%s\n", x);
	bounded("a registry path of 1025 bytes", text, "1:error:bad-value");
	free(x);
	x = rep('s', 107);
	snprintf(text, 40000, "socket = unix:/%s\n", x);
	bounded("a unix socket path of 108 bytes", text, "1:error:bad-value");
	free(x);
	x = rep('i', 5000);
	snprintf(text, 40000, "include = %s/*.conf\n", x);
	bounded("an include pattern of 5000 characters", text, "1:error:include");
	snprintf(text, 40000, "rule r\n if = sender in %s\n reply = 550 5.7.1 x\n", x);
	bounded("a list file name of 5000 characters", text, "2:error:condition");
	snprintf(text, 40000, "rule r\n if = client-ip in %s\n reply = 550 5.7.1 x\n", x);
	bounded("a network file name of 5000 characters", text, "2:error:condition");
	free(x);
	free(text);
}

int
main(void)
{
	struct diag_list d;
	struct config *c;
	size_t i;
	char name[64];

	if (mkdtemp(dir) == NULL)
		skip_all("cannot create a temporary directory");
	test_header_index();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		diag_list_init(&d);
		snprintf(name, sizeof name, "bad%zu.conf", i);
		c = conf_load(write_file(name, bad[i].text), &d);
		ok(c == NULL, "refused: %s", bad[i].name);
		ok(has(&d, bad[i].want), "%s: %s", bad[i].name, bad[i].want);
		if (!has(&d, bad[i].want))
			dump(&d);
		for (size_t k = 0; k < d.n; k++)
			if (strcmp(d.v[k].file, write_file(name, bad[i].text)) != 0)
				ok(0, "%s: diagnostic names the file", bad[i].name);
		conf_free(c);
		diag_list_free(&d);
	}
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		diag_list_init(&d);
		snprintf(name, sizeof name, "good%zu.conf", i);
		c = conf_load(write_file(name, good[i].text), &d);
		ok(c != NULL, "loads: %s", good[i].name);
		if (c == NULL)
			dump(&d);
		if (good[i].want != NULL)
			ok(has(&d, good[i].want), "%s: %s", good[i].name, good[i].want);
		else if (c != NULL)
			is_int(c->nrules, good[i].nrules, "%s: rules", good[i].name);
		conf_free(c);
		diag_list_free(&d);
	}
	diag_list_init(&d);
	c = conf_defaults(&d);
	ok(c != NULL, "built-in defaults");
	if (c != NULL) {
		is_str(c->set.socket, "inet:8895@127.0.0.1", "default socket");
		is_int(c->set.log_kind, LOGK_STDOUT, "events to standard output");
		is_int(c->set.stats_interval, 60, "statistics every 60 s");
		ok(c->set.observe_mta_rejects, "observe MTA rejects");
		is_int(c->nrules, 0, "no rules");
		is_str(registry_source(c->reg), "builtin", "built-in registry");
		conf_free(c);
	}
	is_int(d.n, 0, "defaults: no diagnostics");
	diag_list_free(&d);
	test_semantics();
	test_include();
	test_lists();
	test_bounds();
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return done_testing();
}

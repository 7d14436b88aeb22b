/* test_expand.c - ${variable} expansion of hostile values and '%' safety. */
#include "config.h"

#include "expand.h"
#include "tap.h"

int
main(void)
{
	const char *vals[VAR_COUNT] = { NULL };
	struct esc_err err;
	char out[1024], big[300];

	vals[VAR_SENDER] = "a@b.example";
	vals[VAR_SENDER_DOMAIN] = "b.example";
	vals[VAR_CLIENT_IP] = "192.0.2.1";
	vals[VAR_HELO] = "evil\r\nRCPT TO:<x>\x01\x7f";
	vals[VAR_CLIENT_NAME] = "100%.example";
	vals[VAR_RECIPIENT] = "caf\xc3\xa9@example";
	vals[VAR_RULE] = "r1";

	expand("From ${sender} at ${client_ip} (${rule})", vals, out, sizeof out);
	is_str(out, "From a@b.example at 192.0.2.1 (r1)", "plain expansion");
	expand("HELO ${helo}", vals, out, sizeof out);
	is_str(out, "HELO evilRCPT TO:<x>", "control characters removed (no CR/LF injection)");
	expand("${client_name}", vals, out, sizeof out);
	is_str(out, "100%%.example", "%% in a value doubled");
	expand("${recipient}", vals, out, sizeof out);
	is_str(out, "caf??@example", "non-ASCII bytes become ?");
	expand("[${queue_id}]", vals, out, sizeof out);
	is_str(out, "[]", "unset value: empty");
	expand("${sender}${nosuch}$x ${", vals, out, sizeof out);
	is_str(out, "a@b.example${nosuch}$x ${", "unknown names left as written");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	vals[VAR_SENDER] = big;
	expand("${sender}", vals, out, sizeof out);
	is_int(strlen(out), EXPAND_VALUE_MAX + 3, "value capped");
	ok(strcmp(out + EXPAND_VALUE_MAX, "...") == 0, "cap marked with ...");
	expand("${sender}", vals, out, 20);
	is_int(strlen(out), 19, "output bounded by its size");
	expand("abc", vals, out, 1);
	is_str(out, "", "size 1");

	is_int(expand_check("ok ${sender} ${rule}", &err), 0, "known variables");
	is_int(expand_check("${senders}", &err), -1, "unknown variable");
	ok(strstr(err.text, "${senders}") != NULL, "error names it");
	is_int(expand_check("${sender", &err), -1, "unclosed");
	is_int(expand_check("$sender and $", &err), 0, "a lone $ is text");

	is_int(percent_escape("100% sure", out, sizeof out), 1, "one lone %%");
	is_str(out, "100%% sure", "doubled");
	is_int(percent_escape("50%% and %%%", out, sizeof out), 1, "%%%% kept, trailing lone one");
	is_str(out, "50%% and %%%%", "escaped");
	is_int(percent_escape("none", out, sizeof out), 0, "nothing to do");
	percent_unescape("100%% sure %%%%", out, sizeof out);
	is_str(out, "100% sure %%", "unescape: what the client reads");
	is_str(var_name(VAR_RECIPIENT_DOMAIN), "recipient_domain", "names");
	return done_testing();
}

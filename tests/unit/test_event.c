/*
 * test_event.c - JSON events: the documented fields, classification with
 * the registry, and valid JSON whatever bytes an SMTP client sends.
 */
#include "config.h"

#include "event.h"
#include "reason.h"
#include "replyclass.h"
#include "stats.h"
#include "tap.h"

static json_t *
roundtrip(json_t *ev)
{
	size_t len;
	char *line = event_line(ev, &len);
	json_error_t e;
	json_t *back;

	ok(line != NULL && len > 0 && line[len - 1] == '\n', "one line ending in \\n");
	ok(line != NULL && memchr(line, '\n', len - 1) == NULL, "no newline inside");
	back = line ? json_loads(line, 0, &e) : NULL;
	ok(back != NULL, "the line is valid JSON");
	for (size_t i = 0; line && i < len; i++)
		if ((unsigned char)line[i] >= 0x80) {
			ok(0, "ASCII only");
			break;
		}
	free(line);
	return back;
}

/* reply_event - classified as the daemon classifies, then the event */
static json_t *
reply_event(const struct event_common *ec, const struct registry *reg,
    const struct reply_event *re)
{
	struct tables tab = { reg, reasons_builtin(), providers_builtin() };
	struct reason_in in;
	struct reply_class rc;

	memset(&in, 0, sizeof in);
	in.dir = RD_INBOUND;
	in.code = re->code;
	in.xcode = re->xcode;
	in.text = re->text;
	in.textlen = re->text ? strlen(re->text) : 0;
	reply_classify(&tab, &in, &rc);
	return event_reply(ec, re, &rc);
}

int
main(void)
{
	struct esc_err err;
	struct registry *reg = registry_new_builtin(&err);
	struct event_common ec = { "mx1", "5f0.000001", NULL, NULL };
	struct reply_event re;
	struct findings fs;
	json_t *back;
	char ts[40];
	static const char hostile[] = "caf\xc3\xa9 \xff\xfe\x01 \"q\" \\ \x00tail";

	memset(&re, 0, sizeof re);
	re.source = "milter";
	re.action = "reject";
	re.mode = "enforce";
	re.stage = STAGE_RCPT;
	re.rule = "spf-fail";
	re.client_ip = "192.0.2.1";
	re.client_name = "unknown";
	re.helo = hostile;
	re.sender = "a@b";
	re.recipient = "c@d";
	re.code = "550";
	re.xcode = "5.7.23";
	re.text = "SPF validation failed";
	findings_init(&fs);
	findings_add(&fs, FID_GENERIC_CODE, SEV_NOTE, 1, 5, "x");
	re.findings = &fs;
	back = roundtrip(reply_event(&ec, reg, &re));
	is_str(json_string_value(json_object_get(back, "event")), "reply", "event");
	is_str(json_string_value(json_object_get(back, "host")), "mx1", "host");
	is_str(json_string_value(json_object_get(back, "session")), "5f0.000001", "session");
	ok(json_is_null(json_object_get(back, "queue_id")), "queue_id null when unknown");
	is_str(json_string_value(json_object_get(back, "stage")), "rcpt", "stage");
	is_int(json_integer_value(json_object_get(back, "class")), 5, "class");
	is_int(json_integer_value(json_object_get(back, "subject")), 7, "subject");
	is_int(json_integer_value(json_object_get(back, "detail")), 23, "detail");
	is_str(json_string_value(json_object_get(back, "category")), "security", "category");
	ok(json_is_true(json_object_get(back, "registered")), "registered");
	is_str(json_string_value(json_object_get(back, "registry_text")),
	    "SPF validation failed", "registry_text");
	is_str(json_string_value(json_array_get(json_object_get(back, "findings"), 0)),
	    "generic-code", "findings are ids");
	is_str(json_string_value(json_object_get(back, "reason")), "authfailure",
	    "reason: the registered code 5.7.23 says");
	is_str(json_string_value(json_object_get(back, "reason_detail")),
	    "SPF", "reason_detail: the check the registered code names");
	ok(json_is_false(json_object_get(back, "inferred")), "not inferred");
	is_str(json_string_value(json_object_get(json_object_get(back, "client"), "helo")),
	    "caf\xc3\xa9 \\xff\\xfe\x01 \"q\" \\ ", "hostile HELO: valid UTF-8 kept, invalid escaped, cut at NUL");
	ts[0] = 0;
	snprintf(ts, sizeof ts, "%s", json_string_value(json_object_get(back, "ts")));
	ok(strlen(ts) == 24 && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z',
	    "ts is RFC 3339 UTC with milliseconds: %s", ts);
	json_decref(back);

	/* Explicit length: NUL bytes escaped, nothing lost. */
	back = event_strn(hostile, sizeof hostile - 1);
	ok(strstr(json_string_value(back), "\\x00tail") != NULL, "NUL escaped with explicit length");
	json_decref(back);

	/* Over 4096 bytes: cut before the character that crosses the mark. */
	{
		static const struct {
			size_t	 pad;		/* 'a' bytes before the character */
			const char *ch;
			size_t	 want;
		} cuts[] = {
			{ 4094, "\xc3\xa9", 4096 },		/* ends at the mark */
			{ 4095, "\xc3\xa9", 4095 },		/* 2 bytes across it */
			{ 4094, "\xe2\x82\xac", 4094 },	/* 3 bytes */
			{ 4093, "\xf0\x9f\x93\xa7", 4093 },	/* 4 bytes */
			{ 4095, "\xf0\x9f\x93\xa7", 4095 },
			{ 5000, "", 4096 },			/* ASCII */
		};
		char big[6000];
		size_t k, n;

		for (k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
			memset(big, 'a', cuts[k].pad);
			n = cuts[k].pad + strlen(cuts[k].ch);
			memcpy(big + cuts[k].pad, cuts[k].ch, strlen(cuts[k].ch));
			memcpy(big + n, "tail", 4);
			back = event_strn(big, n + 4);
			is_int(strlen(json_string_value(back)), cuts[k].want,
			    "%zu bytes, a %zu-byte character at %zu: cut to %zu, "
			    "no escape", n + 4, strlen(cuts[k].ch), cuts[k].pad,
			    cuts[k].want);
			json_decref(back);
		}
	}

	/* An MTA reject without a basic code; an unregistered code. */
	re.source = "mta";
	re.rule = NULL;
	re.code = NULL;
	re.xcode = "4.7.99";
	re.helo = NULL;
	re.findings = NULL;
	back = roundtrip(reply_event(&ec, reg, &re));
	ok(json_is_null(json_object_get(json_object_get(back, "reply"), "code")), "code null");
	ok(json_is_null(json_object_get(back, "rule")), "rule null");
	is_int(json_integer_value(json_object_get(back, "class")), 4, "class from the enhanced code");
	ok(json_is_false(json_object_get(back, "registered")), "unregistered");
	ok(json_is_null(json_object_get(back, "registry_text")), "no registry text");
	is_int(json_array_size(json_object_get(back, "findings")), 0, "findings empty");
	json_decref(back);

	/* Without any enhanced code, and a text that says nothing. */
	re.xcode = NULL;
	re.code = "554";
	re.text = "Go away";
	back = roundtrip(reply_event(&ec, reg, &re));
	is_int(json_integer_value(json_object_get(back, "class")), 5, "class from the basic code");
	is_str(json_string_value(json_object_get(back, "category")), "unknown", "category unknown");
	ok(json_is_null(json_object_get(back, "subject")), "subject null");
	is_str(json_string_value(json_object_get(back, "reason")), "undefined",
	    "reason undefined: nothing says why");
	json_decref(back);

	/* Without an enhanced code, a text that says why: inferred. */
	re.code = "550";
	re.text = "No such user here";
	back = roundtrip(reply_event(&ec, reg, &re));
	ok(json_is_null(json_object_get(json_object_get(back, "reply"), "xcode")),
	    "inferred: reply.xcode stays what the server said");
	is_int(json_integer_value(json_object_get(back, "subject")), 1,
	    "inferred: the subject of userunknown");
	is_str(json_string_value(json_object_get(back, "category")), "addressing",
	    "inferred: its category");
	ok(json_is_null(json_object_get(back, "detail")), "inferred: no detail");
	ok(json_is_true(json_object_get(back, "inferred")), "inferred: true");
	is_str(json_string_value(json_object_get(back, "reason")), "userunknown",
	    "inferred: the reason");
	json_decref(back);

	/* A DNSBL: the zone is the detail. */
	re.code = "554";
	re.xcode = "5.7.1";
	re.text = "Service unavailable; Client host [192.0.2.1] blocked using "
	    "zen.spamhaus.org";
	back = roundtrip(reply_event(&ec, reg, &re));
	is_str(json_string_value(json_object_get(back, "reason")), "blocked",
	    "DNSBL: blocked");
	is_str(json_string_value(json_object_get(back, "reason_detail")),
	    "zen.spamhaus.org", "DNSBL: the zone");
	json_decref(back);

	/* A discard has no reply. */
	re.action = "discard";
	back = roundtrip(reply_event(&ec, reg, &re));
	ok(json_is_null(json_object_get(back, "reply")), "discard: reply null");
	json_decref(back);

	ok(event_line(NULL, NULL) == NULL, "NULL event");
	registry_free(reg);
	return done_testing();
}

/* test_jscan.c - the one-pass JSON scanner: valid and invalid texts, and
   the fields it picks out. */
#include "config.h"

#include "jscan.h"
#include "tap.h"

static const char *const valid[] = {
	"{}",
	" { } ",
	"{\"a\":1}",
	"{\"a\":-0.5e+10,\"b\":[1,2,{\"c\":null}],\"d\":true,\"e\":false}",
	"{\"s\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"}",
	"{\"utf8\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
	"{\"nested\":{\"deep\":{\"deeper\":[[[]]]}}}",
	"{\"a\":0}\r",
};

static const char *const invalid[] = {
	"", "[]", "1", "\"x\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
	"{\"a\":1} x", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}",
	"{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
	"{\"a\":\"raw\ttab\"}", "{\"a\":\"\xff\"}", "{\"a\":\"unterminated}",
	"{a:1}", "{\"a\":1 \"b\":2}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
	"{\"a\":1}{\"b\":2}", "{\"ts\":\"x\",\"event\":\"reply\",\"broken",
};

int
main(void)
{
	static const char *const keys[] = { "event", "ts", "reply.xcode",
	    "reply.code", "missing", "rule" };
	struct jscan_keys ks;
	struct jspan f[6];
	char buf[64], deep[200];
	size_t i;
	const char *ev = "{\"ts\":\"2026-11-29T07:00:00.000Z\",\"event\":\"reply\","
	    "\"client\":{\"xcode\":\"not this\"},\"reply\":{\"code\":\"550\","
	    "\"xcode\":\"5.7.23\",\"text\":\"x\"},\"rule\":null,\"nested\":"
	    "{\"reply\":{\"xcode\":\"not this either\"}}}";

	jscan_keys(&ks, keys, 6);
	for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
		is_int(jscan_object(valid[i], strlen(valid[i]), &ks, f), 0,
		    "valid: %s", valid[i]);
	for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		is_int(jscan_object(invalid[i], strlen(invalid[i]), &ks, f), -1,
		    "invalid #%zu", i);

	is_int(jscan_object(ev, strlen(ev), &ks, f), 0, "event parses");
	ok(jscan_eq(&f[0], "reply"), "event = reply");
	ok(f[1].type == JT_STRING && f[1].len == 24, "ts span");
	ok(jscan_eq(&f[2], "5.7.23"), "reply.xcode, not client.xcode or nested.reply.xcode");
	ok(jscan_eq(&f[3], "550"), "reply.code");
	is_int(f[4].type, JT_NONE, "absent key");
	is_int(f[5].type, JT_NULL, "null value");

	/* Depth limit: no stack overflow on hostile nesting. */
	for (i = 0; i < 150; i++)
		deep[i] = '[';
	memcpy(deep, "{\"a\":", 5);
	deep[150] = '\0';
	is_int(jscan_object(deep, 150, &ks, f), -1, "nesting beyond the limit refused");

	{
		static const char esc[] = "caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\n";
		struct jspan sp = { JT_STRING, esc, sizeof esc - 1 };
		size_t n = jscan_unescape(&sp, buf, sizeof buf);

		is_str(buf, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \n", "unescape, surrogate pair");
		is_int(n, strlen(buf), "unescape length");
	}
	return done_testing();
}

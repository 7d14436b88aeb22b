/*
 * fuzz_event.c - JSON events built from attacker bytes, and the scanner
 * `esc report` reads them with.
 *
 * The input is split at 0xFF bytes into the strings an SMTP client
 * controls (HELO, addresses, header text ...).  Invariants: the event line
 * is ASCII, ends with its only newline, parses with jansson, and every
 * string that was valid UTF-8 without NUL comes back unchanged.  Then the
 * input itself as a log line: jscan never reads outside it, and accepts
 * every JSON object jansson accepts (up to its depth limit).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "reason.h"
#include "replyclass.h"
#include "fuzz.h"
#include "jscan.h"
#include "utf8.h"

static struct registry *reg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);
	reg = fuzz_registry();
	return 0;
}

enum { P_IP, P_NAME, P_HELO, P_SENDER, P_RCPT, P_CODE, P_XCODE, P_TEXT, P_RULE, NP };

static size_t
depth(json_t *j)
{
	size_t d = 0, k;
	const char *key;
	json_t *v;

	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if ((k = depth(v)) > d)
				d = k;
		return d + 1;
	}
	if (json_is_array(j)) {
		size_t i;

		json_array_foreach(j, i, v)
			if ((k = depth(v)) > d)
				d = k;
		return d + 1;
	}
	return 0;
}

static void
check_field(json_t *o, const char *path1, const char *path2, const char *want)
{
	json_t *v = json_object_get(o, path1);
	size_t n;

	if (path2 != NULL)
		v = json_object_get(v, path2);

	if (want == NULL || !utf8_valid(want, strlen(want)))
		return;
	FUZZ_CHECK(json_is_string(v));
	/* Strings over 4096 bytes are cut before the character that
	   crosses that mark (docs/events.md). */
	if ((n = strlen(want)) > 4096)
		for (n = 4096; ((unsigned char)want[n] & 0xc0) == 0x80; n--)
			;
	FUZZ_CHECK(strlen(json_string_value(v)) == n &&
	    strncmp(json_string_value(v), want, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *piece[NP] = { NULL };
	struct event_common ec = { "fuzz-host", "s1", NULL, NULL };
	struct reply_event re;
	size_t i, start = 0, k = 0, len;
	char *line;
	json_t *j;
	json_error_t jerr;

	for (i = 0; i <= size && k < NP; i++)
		if (i == size || data[i] == 0xff) {
			piece[k++] = fuzz_cstr(data + start, i - start);
			start = i + 1;
		}
	memset(&re, 0, sizeof re);
	re.source = "milter";
	re.action = size % 3 == 0 ? "discard" : "reject";
	re.mode = "enforce";
	re.stage = (enum stage)(size % STAGE_COUNT);
	re.client_ip = piece[P_IP];
	re.client_name = piece[P_NAME];
	re.helo = piece[P_HELO];
	re.sender = piece[P_SENDER];
	re.recipient = piece[P_RCPT];
	re.code = piece[P_CODE];
	re.xcode = piece[P_XCODE];
	re.text = piece[P_TEXT];
	re.rule = piece[P_RULE];
	{
		struct reason_in in;
		struct reply_class rc;

		memset(&in, 0, sizeof in);
		in.dir = (enum reason_dir)(size % 3);
		in.program = piece[P_RULE];
		in.provider = piece[P_NAME];
		in.code = re.code;
		in.xcode = re.xcode;
		in.text = re.text;
		in.textlen = re.text ? strlen(re.text) : 0;
		struct tables tab = { reg, reasons_builtin(), providers_builtin() };

		reply_classify(&tab, &in, &rc);
		FUZZ_CHECK((unsigned)rc.reason < R_COUNT);
		FUZZ_CHECK(memchr(rc.reason_detail, '\0',
		    sizeof rc.reason_detail) != NULL);
		line = event_line(event_reply(&ec, &re, &rc), &len);
	}
	FUZZ_CHECK(line != NULL);
	FUZZ_CHECK(len > 1 && line[len - 1] == '\n');
	for (i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)line[i] < 0x80 &&
		    (line[i] != '\n' || i == len - 1));
	j = json_loadb(line, len, 0, &jerr);
	FUZZ_CHECK(j != NULL && json_is_object(j));
	check_field(j, "client", "helo", piece[P_HELO]);
	check_field(j, "sender", NULL, piece[P_SENDER]);
	check_field(j, "recipient", NULL, piece[P_RCPT]);
	check_field(j, "rule", NULL, piece[P_RULE]);
	json_decref(j);
	free(line);
	for (k = 0; k < NP; k++)
		free(piece[k]);

	/* The raw input as a log line. */
	{
		static const char *const keys[] = { "event", "ts", "category",
		    "reply.xcode", "client.ip", "sender", "rule" };
		struct jscan_keys jk;
		struct jspan sp[7];
		char buf[256];
		int rc;

		jscan_keys(&jk, keys, 7);
		rc = jscan_object((const char *)data, size, &jk, sp);
		if (rc == 0)
			for (k = 0; k < 7; k++)
				if (sp[k].type != JT_NONE) {
					FUZZ_CHECK(sp[k].p >= (const char *)data &&
					    sp[k].p + sp[k].len <= (const char *)data + size);
					FUZZ_CHECK(jscan_unescape(&sp[k], buf,
					    sizeof buf) < sizeof buf);
				}
		/* What jansson reads, the scanner reads too.  Except a raw
		   NUL byte: jansson 2.14 takes one after a literal as the end
		   of the token ({"a":1<NUL>} loads), RFC 8259 does not allow
		   it anywhere, and the scanner refuses it (a log line with a
		   NUL byte is a bad line). */
		j = json_loadb((const char *)data, size,
		    JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (j != NULL && json_is_object(j) && depth(j) <= JSCAN_MAX_DEPTH &&
		    memchr(data, '\0', size) == NULL)
			FUZZ_CHECK(rc == 0);
		if (memchr(data, '\0', size) != NULL)
			FUZZ_CHECK(rc != 0);
		json_decref(j);
	}
	return 0;
}

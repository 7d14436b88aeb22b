/* test_fstate.c - the log follower's state file: written and read back,
   every way it can be broken, and the event log read back after a crash. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow_state.h"
#include "tap.h"

static char dir[] = "/tmp/esc-fstate.XXXXXX";

static const char *
path(const char *name)
{
	static char buf[2][256];
	static int k;

	k ^= 1;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void
put(const char *name, const char *text)
{
	FILE *fp = fopen(path(name), "w");

	fputs(text, fp);
	fclose(fp);
}

int
main(void)
{
	struct seen *seen = seen_new();
	struct fstate st;
	static char f1[] = "/var/log/mail.log", f2[] = "/var/log/mail.log.1",
	    t1[] = "Dec  7 10:00:01 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 550 5.1.1 <a@b>: Recipient address rejected: tab\there; from=<s@t> to=<a@b>",
	    t2[] = "line \"two\" \\ with quotes";
	struct fheld held[2] = { { f1, 41, 0, t1 }, { f2, 7, 1, t2 } };
	struct fevents ev = { true, "", 8, 9, 4242 };
	char why[FSTATE_WHY_MAX], *text;
	int rc;

	if (mkdtemp(dir) == NULL)
		skip_all("no temporary directory");
	seen_add(seen, "mta|rcpt|5.1.1|a@b", "192.0.2.1", "", 1700000000);

	/* written and read back */
	text = fstate_text("/var/log/mail.log", 1, 2, 1234, 40, false, held, 2,
	    seen);
	ok(text != NULL, "the state's text");
	snprintf(ev.path, sizeof ev.path, "%s", path("events.json"));
	is_int(fstate_write(path("state"), text, &ev), 0, "written");
	free(text);
	rc = fstate_read(path("state"), "/var/log/mail.log", &st, seen, why,
	    sizeof why);
	is_int(rc, 1, "read back: %s", why);
	ok(st.version == 2 && st.dev == 1 && st.ino == 2 && st.offset == 1234 &&
	    st.line == 40 && !st.clean, "the place, and not clean");
	ok(st.ev.known && st.ev.dev == 8 && st.ev.ino == 9 && st.ev.size == 4242,
	    "where the event log ended");
	ok(st.nheld == 2 && strcmp(st.held[0].text, held[0].text) == 0 &&
	    strcmp(st.held[1].text, held[1].text) == 0 && st.held[1].line == 7 &&
	    st.held[1].rcpt == 1 && strcmp(st.held[1].file, held[1].file) == 0,
	    "the held lines whole (tabs, quotes, backslashes)");
	is_int((int)seen_count(seen), 2, "the seen table read into the table");
	fstate_free(&st);
	ok(access(path("state.tmp"), F_OK) != 0, "no temporary file left");

	/* version 1, and a clean stop */
	put("v1", "esc-milter maillog 1\t/var/log/mail.log\t1\t2\t3\t4\n");
	is_int(fstate_read(path("v1"), "/var/log/mail.log", &st, seen, why,
	    sizeof why), 1, "version 1 is still read");
	ok(st.clean && st.offset == 3 && st.nheld == 0 && !st.ev.known,
	    "version 1: clean, no held lines, no event log");
	fstate_free(&st);

	/* what cannot be used, and why */
	{
		static const struct {
			const char *text, *why;
		} bad[] = {
			{ "", "first line is missing or cut" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2", "first line is missing or cut" },
			{ "garbage\n", "not an esc-milter maillog state" },
			{ "esc-milter maillog 3\t/var/log/mail.log\t1\t2\t3\t4\t0\n", "not an esc-milter maillog state" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\tx\t4\t0\n", "not an esc-milter maillog state" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\t3\t4\n", "not an esc-milter maillog state" },
			{ "esc-milter maillog 2\t/other.log\t1\t2\t3\t4\t0\n", "the state of another log, /other.log" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\t3\t4\t0\nheld\tf\t1\t0\t\"cut", "line 2 is cut" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\t3\t4\t0\nheld\tf\t1\t0\tnot json\n", "line 2: a bad held line" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\t3\t4\t0\nevents\tp\t1\n", "line 2: a bad events line" },
			{ "esc-milter maillog 2\t/var/log/mail.log\t1\t2\t3\t4\t0\nrandom words\n", "line 2 is not a seen entry" },
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			put("bad", bad[i].text);
			rc = fstate_read(path("bad"), "/var/log/mail.log", &st, seen,
			    why, sizeof why);
			ok(rc == -1 && strstr(why, bad[i].why) != NULL && st.nheld == 0,
			    "refused: %s (%s)", bad[i].why, why);
		}
	}
	is_int(fstate_read(path("none"), "/var/log/mail.log", &st, seen, why,
	    sizeof why), 0, "no state file: a first start");

	/* the event log after the checkpoint */
	{
		struct flines lines;
		struct fevents e;
		struct stat sb;
		size_t before = seen_count(seen);
		long n;

		memset(&lines, 0, sizeof lines);
		put("events.json", "{\"event\":\"reply\",\"recipient\":\"old@x\"}\n");
		stat(path("events.json"), &sb);
		memset(&e, 0, sizeof e);
		e.known = true;
		snprintf(e.path, sizeof e.path, "%s", path("events.json"));
		e.dev = (unsigned long long)sb.st_dev;
		e.ino = (unsigned long long)sb.st_ino;
		e.size = (long long)sb.st_size;
		{
			FILE *fp = fopen(path("events.json"), "a");

			fputs("{\"event\":\"reply\",\"source\":\"mta\",\"action\":\"reject\",\"mode\":\"enforce\",\"stage\":\"rcpt\",\"recipient\":\"c@d\",\"queue_id\":null,\"client\":{\"ip\":\"192.0.2.9\"},\"reply\":{\"xcode\":\"5.1.1\"}}\n"
			    "{\"event\":\"reply\",\"source\":\"mta\",\"mode\":\"enforce\",\"action\":\"reject\",\"recipient\":\"e@f\",\"log\":{\"file\":\"/var/log/mail.log\",\"line\":77}}\n"
			    "{\"event\":\"reply\",\"source\":\"mta\",\"mode\":\"enforce\",\"action\":\"reject\",\"recipient\":\"g@h\",\"log\":{\"file\":\"/var/log/other.log\",\"line\":78}}\n"
			    "{\"event\":\"reply\",\"source\":\"mta\",\"mode\":\"enforce\",\"action\":\"reject\",\"recipient\":\"e@f\",\"log\":{\"file\":\"/var/log/mail.log\",\"line\":12}}\n"
			    "{\"event\":\"reply\",\"source\":\"milter\",\"action\":\"reject\",\"mode\":\"monitor\",\"stage\":\"rcpt\",\"recipient\":\"m@n\",\"client\":{\"ip\":\"192.0.2.9\"},\"reply\":{\"xcode\":\"5.7.1\"}}\n"
			    "{\"event\":\"stats\"}\n{broken\n", fp);
			fclose(fp);
		}
		n = fstate_scan(&e, "/var/log/mail.log", &lines, seen, why,
		    sizeof why);
		is_int((int)n, 6, "scan: the six events after the checkpoint, a broken line left out");
		ok(lines.n == 2 && flines_has(&lines, 12) && flines_has(&lines, 77) &&
		    !flines_has(&lines, 78), "scan: the lines of this log written after the checkpoint");
		is_int((int)(seen_count(seen) - before), 1,
		    "scan: the milter's observed rejection back in the seen table (not the monitor one)");
		ok(seen_take(seen, "mta|rcpt|5.1.1|c@d", "192.0.2.9", ""),
		    "scan: with its key and client");
		flines_free(&lines);
		e.ino++;
		ok(fstate_scan(&e, "/var/log/mail.log", &lines, seen, why,
		    sizeof why) == -1 && strstr(why, "not the one") != NULL,
		    "scan: another event log file: said");
		e.known = false;
		is_int((int)fstate_scan(&e, "/var/log/mail.log", &lines, seen, why,
		    sizeof why), 0, "scan: no event log known: nothing");
	}
	seen_free(seen);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		(void)system(cmd);
	}
	return done_testing();
}

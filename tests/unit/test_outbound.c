/*
 * test_outbound.c - the deliveries of our mail (outbound.c): found by our
 * queue id, the next server's, the Message-ID (as the pending ones get
 * it), Original-Envelope-Id, any case of the recipient; an asynchronous
 * bounce taken once; the bounds (count, age, pending); readers on other
 * threads while the follower writes (ThreadSanitizer's case).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "outbound.h"
#include "tap.h"

static struct ob_delivery
deliv(const char *qid, enum ob_status st, const char *remote_id)
{
	struct ob_delivery d;

	memset(&d, 0, sizeof d);
	snprintf(d.qid, sizeof d.qid, "%s", qid);
	snprintf(d.remote_id, sizeof d.remote_id, "%s", remote_id);
	snprintf(d.remote, sizeof d.remote, "mx.example.com[192.0.2.9]");
	snprintf(d.program, sizeof d.program, "smtp");
	snprintf(d.file, sizeof d.file, "/var/log/mail.log");
	d.line = 42;
	d.ms = 1000;
	d.status = st;
	snprintf(d.xcode, sizeof d.xcode, st == OB_SENT ? "2.0.0" : "5.1.1");
	return d;
}

static volatile int stop_readers;

static void *
reader(void *arg)
{
	struct outbound *o = arg;
	struct ob_delivery d;
	bool ours;
	unsigned long n = 0;

	while (!stop_readers) {
		n += outbound_find(o, "T0000001", NULL, "t1@x", "a@x", &d,
		    &ours);
		n += outbound_take_async(o, "T0000001", "a@x");
	}
	return (void *)n;
}

int
main(void)
{
	struct outbound *o = outbound_new();
	struct ob_delivery d, got;
	bool ours;
	time_t now = 1800000000;
	char q[32], m[64];
	pthread_t th[2];
	int i, bad;

	ok(o != NULL, "outbound_new");
	outbound_message_id(o, "AAAA1111", "m1@example.org", now);
	d = deliv("AAAA1111", OB_SENT, "RRRR9999");
	outbound_delivery(o, "Bob@Example.COM", &d, now);
	d = deliv("AAAA1111", OB_BOUNCED, "");
	outbound_delivery(o, "carol@example.com", &d, now);
	is_int(outbound_count(o), 1, "one message");

	ok(outbound_find(o, "AAAA1111", NULL, NULL, "bob@example.com", &got,
	    &ours) && ours, "by our queue id: ours");
	is_str(got.msgid, "m1@example.org", "the Message-ID the pending table held");
	is_str(got.remote_id, "RRRR9999", "the next server's id");
	ok(got.status == OB_SENT && got.line == 42, "status and line");
	ok(outbound_find(o, "RRRR9999", NULL, NULL, "BOB@example.com", &got,
	    &ours) && !ours, "by the next server's queue id, any case: not ours");
	ok(outbound_find(o, NULL, NULL, "m1@example.org", "carol@example.com",
	    &got, &ours) && got.status == OB_BOUNCED, "by the returned Message-ID");
	ok(outbound_find(o, "", "m1@example.org", "", "carol@example.com",
	    &got, &ours), "by Original-Envelope-Id (a Message-ID)");
	ok(outbound_find(o, NULL, "AAAA1111", NULL, "carol@example.com",
	    &got, &ours), "by Original-Envelope-Id (a queue id)");
	ok(!outbound_find(o, "AAAA1111", NULL, NULL, "dave@example.com", &got,
	    &ours), "a recipient it did not have");
	ok(!outbound_find(o, "ZZZZ0000", NULL, "nope@x", "bob@example.com",
	    &got, &ours), "nothing named");
	ok(!outbound_find(o, NULL, NULL, NULL, "bob@example.com", &got, &ours),
	    "no id at all");

	ok(outbound_take_async(o, "AAAA1111", "bob@example.com"),
	    "an asynchronous bounce: taken the first time");
	ok(!outbound_take_async(o, "AAAA1111", "BOB@example.com"),
	    "not the second");
	ok(!outbound_take_async(o, "AAAA1111", "dave@example.com"),
	    "nor for another recipient");

	/* the last line about a recipient wins; its next-server id moves */
	d = deliv("AAAA1111", OB_SENT, "RRRR8888");
	outbound_delivery(o, "bob@example.com", &d, now);
	ok(!outbound_find(o, "RRRR9999", NULL, NULL, "bob@example.com", &got,
	    &ours), "the old next-server id is forgotten");
	ok(outbound_find(o, "RRRR8888", NULL, NULL, "bob@example.com", &got,
	    &ours), "the new one found");

	/* the Message-ID of the latest message with it (a re-injection) */
	outbound_message_id(o, "BBBB2222", "m1@example.org", now);
	d = deliv("BBBB2222", OB_SENT, "");
	outbound_delivery(o, "bob@example.com", &d, now);
	ok(outbound_find(o, NULL, NULL, "m1@example.org", "bob@example.com",
	    &got, &ours) && strcmp(got.qid, "BBBB2222") == 0,
	    "a Message-ID leads to its latest delivery");

	/* age: five days */
	d = deliv("CCCC3333", OB_SENT, "");
	outbound_delivery(o, "x@y", &d, now + OUTBOUND_TTL + 1);
	ok(!outbound_find(o, "AAAA1111", NULL, NULL, "bob@example.com", &got,
	    &ours), "older than OUTBOUND_TTL: gone");
	is_int(outbound_count(o), 1, "only the new one is left");

	/* count: OUTBOUND_MAX */
	for (i = 0; i < OUTBOUND_MAX + 10; i++) {
		snprintf(q, sizeof q, "Q%07d", i);
		d = deliv(q, OB_SENT, "");
		outbound_delivery(o, "x@y", &d, now + OUTBOUND_TTL + 2);
	}
	is_int(outbound_count(o), OUTBOUND_MAX, "at most OUTBOUND_MAX messages");
	ok(!outbound_find(o, "Q0000005", NULL, NULL, "x@y", &got, &ours) &&
	    outbound_find(o, "Q0050009", NULL, NULL, "x@y", &got, &ours),
	    "the oldest go first");

	/* pending Message-IDs: at most OUTBOUND_PENDING */
	for (i = 0; i < OUTBOUND_PENDING + 5; i++) {
		snprintf(q, sizeof q, "P%07d", i);
		snprintf(m, sizeof m, "p%d@x", i);
		outbound_message_id(o, q, m, now);
	}
	d = deliv("P0000000", OB_SENT, "");
	outbound_delivery(o, "x@y", &d, now + OUTBOUND_TTL + 2);
	d = deliv("P0016388", OB_SENT, "");
	outbound_delivery(o, "x@y", &d, now + OUTBOUND_TTL + 2);
	ok(outbound_find(o, "P0000000", NULL, NULL, "x@y", &got, &ours) &&
	    got.msgid[0] == '\0', "the oldest pending Message-ID was let go");
	ok(outbound_find(o, "P0016388", NULL, NULL, "x@y", &got, &ours) &&
	    strcmp(got.msgid, "p16388@x") == 0, "a recent one is there");
	outbound_free(o);

	/* readers while the follower writes */
	o = outbound_new();
	outbound_message_id(o, "T0000001", "t1@x", now);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, reader, o);
	for (i = 0, bad = 0; i < 20000; i++) {
		snprintf(q, sizeof q, "T%07d", i % 3000);
		d = deliv(q, i % 2 ? OB_SENT : OB_BOUNCED, i % 5 ? "" : "R1");
		outbound_delivery(o, i % 2 ? "a@x" : "b@x", &d, now + i);
		if (i % 7 == 0)
			outbound_message_id(o, q, "t1@x", now + i);
	}
	stop_readers = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ok(bad == 0 && outbound_count(o) > 0, "two readers and a writer");
	outbound_free(o);
	outbound_free(NULL);
	return done_testing();
}

/*
 * milter-load.c - a load driver that speaks the MTA side of the milter
 * protocol (version 6) to a milter, the way Postfix does: option
 * negotiation, the macros Postfix sends, CONNECT, HELO, MAIL, RCPT x R,
 * DATA, H headers, end of headers, a body of B bytes in 64 KB chunks, end
 * of message, QUIT.  N sessions run over C concurrent connections.
 *
 * Every reply is checked, so a broken milter cannot look fast: with -k K,
 * recipient number i (from 0) must be rejected when i % K == 0 and
 * accepted otherwise; everything else must be "continue" (or "accept"),
 * and at end of message header changes are allowed before it.  Any other
 * reply is an error and the exit status is 1.
 *
 * Prints sessions/s, replies/s and the latency of each command (from
 * sending it to its reply) at p50, p99 and max; -j prints one JSON object.
 *
 *	milter-load [-c conns] [-n sessions] [-r rcpts] [-H headers]
 *	    [-b bytes] [-k K] [-w ms] [-j] [-l label] inet:PORT@HOST | unix:PATH
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* libmilter's mfdef.h values, spelled out: this driver is the MTA. */
#define P_NOCONNECT	0x000001
#define P_NOHELO	0x000002
#define P_NOMAIL	0x000004
#define P_NORCPT	0x000008
#define P_NOBODY	0x000010
#define P_NOHDRS	0x000020
#define P_NOEOH		0x000040
#define P_NR_HDR	0x000080
#define P_NODATA	0x000200
#define P_NR_CONN	0x001000
#define P_NR_HELO	0x002000
#define P_NR_MAIL	0x004000
#define P_NR_RCPT	0x008000
#define P_NR_DATA	0x010000
#define P_NR_EOH	0x040000
#define P_NR_BODY	0x080000
#define P_OFFER		0x1fffff	/* what Postfix 3.7 offers */
#define A_OFFER		0x1ff

struct opts {
	const char	*sock;
	int		 conns;
	long		 sessions;
	int		 rcpts;
	int		 headers;
	long		 body;
	int		 k;		/* reject every k-th recipient; 0: none */
	int		 hold_ms;	/* keep each session open this long */
	int		 json;
	const char	*label;
};

struct lat {
	uint32_t	*v;		/* microseconds */
	size_t		 n, cap;
};

struct worker {
	pthread_t	 t;
	const struct opts *o;
	struct lat	 lat;
	long		 done, replies, errors;
	char		 err[256];
};

static struct opts opt = { NULL, 10, 1000, 2, 10, 2000, 0, 0, 0, "milter" };
static atomic_long next_session;
static struct sockaddr_storage addr;
static socklen_t addrlen;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
parse_socket(const char *s)
{
	memset(&addr, 0, sizeof addr);
	if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)&addr;
		const char *p = strchr(s, ':') + 1;

		un->sun_family = AF_UNIX;
		if (strlen(p) >= sizeof un->sun_path)
			return -1;
		strcpy(un->sun_path, p);
		addrlen = sizeof *un;
		return 0;
	}
	if (strncmp(s, "inet:", 5) == 0) {
		struct sockaddr_in *in = (struct sockaddr_in *)&addr;
		const char *at = strchr(s, '@');
		long port = strtol(s + 5, NULL, 10);

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, at ? at + 1 : "127.0.0.1", &in->sin_addr) != 1)
			return -1;
		addrlen = sizeof *in;
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------ packets */

struct conn {
	int		 fd;
	unsigned char	 in[70000];
	size_t		 inlen;
	unsigned char	 out[70000];
	size_t		 outlen;
};

static int
flush_out(struct conn *c)
{
	size_t done = 0;

	while (done < c->outlen) {
		ssize_t n = write(c->fd, c->out + done, c->outlen - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	c->outlen = 0;
	return 0;
}

/* put - queue one packet: length, command, data */
static int
put(struct conn *c, char cmd, const void *data, size_t len)
{
	uint32_t n = htonl((uint32_t)len + 1);

	if (c->outlen + len + 5 > sizeof c->out && flush_out(c) < 0)
		return -1;
	memcpy(c->out + c->outlen, &n, 4);
	c->out[c->outlen + 4] = (unsigned char)cmd;
	memcpy(c->out + c->outlen + 5, data, len);
	c->outlen += len + 5;
	return 0;
}

/* pack - append the NUL-terminated strings of ap (up to NULL) to buf at
   n; what does not fit is left out.  The new length. */
static size_t
pack(unsigned char *buf, size_t size, size_t n, va_list ap)
{
	const char *s;

	while ((s = va_arg(ap, const char *)) != NULL) {
		size_t l = strlen(s) + 1;

		if (n + l > size)
			break;
		memcpy(buf + n, s, l);
		n += l;
	}
	return n;
}

/* putz - a packet made of NUL-terminated strings (the last list ends with NULL) */
static int
putz(struct conn *c, char cmd, ...)
{
	unsigned char buf[4096];
	size_t n;
	va_list ap;

	va_start(ap, cmd);
	n = pack(buf, sizeof buf, 0, ap);
	va_end(ap);
	return put(c, cmd, buf, n);
}

/* macros - SMFIC_MACRO: the command it is for (one byte, not a string),
   then name, value pairs */
static int
macros(struct conn *c, char cmd, ...)
{
	unsigned char buf[4096];
	size_t n;
	va_list ap;

	buf[0] = (unsigned char)cmd;
	va_start(ap, cmd);
	n = pack(buf, sizeof buf, 1, ap);
	va_end(ap);
	return put(c, 'D', buf, n);
}

/* get - one reply packet; returns the command or -1 */
static int
get(struct conn *c, unsigned char *data, size_t *len)
{
	uint32_t n;

	for (;;) {
		if (c->inlen >= 4) {
			memcpy(&n, c->in, 4);
			n = ntohl(n);
			if (n == 0 || n > sizeof c->in - 4)
				return -1;
			if (c->inlen >= 4 + n) {
				int cmd = c->in[4];

				*len = n - 1;
				if (data != NULL)
					memcpy(data, c->in + 5, n - 1);
				memmove(c->in, c->in + 4 + n, c->inlen - 4 - n);
				c->inlen -= 4 + n;
				return cmd;
			}
		}
		{
			ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			c->inlen += (size_t)r;
		}
	}
}

static void
lat_add(struct lat *l, double secs)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		if ((l->v = realloc(l->v, l->cap * sizeof *l->v)) == NULL)
			abort();
	}
	l->v[l->n++] = (uint32_t)(secs * 1e6 + 0.5);
}

static int
fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	w->errors++;
	if (w->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(w->err, sizeof w->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * step - send what is queued, then (unless no reply is expected) read the
 * reply: want 'c' continue, 'r' a rejection (reject or a 5xx reply code),
 * 'e' end of message (modifications, then continue or accept).
 */
static int
step(struct worker *w, struct conn *c, bool reply, char want, const char *what)
{
	unsigned char data[70000];
	size_t len;
	double t0 = now();
	int cmd;

	if (flush_out(c) < 0)
		return fail(w, "%s: write failed", what);
	if (!reply)
		return 0;
	for (;;) {
		if ((cmd = get(c, data, &len)) < 0)
			return fail(w, "%s: connection lost", what);
		if (want == 'e' && strchr("hmi+-2eqpb", cmd) != NULL)
			continue;	/* modifications before the final reply */
		break;
	}
	lat_add(&w->lat, now() - t0);
	w->replies++;
	if (want == 'r') {
		if (cmd == 'r' || (cmd == 'y' && len > 0 && data[0] == '5'))
			return 0;
		return fail(w, "%s: expected a rejection, got '%c'", what, cmd);
	}
	if (cmd == 'c' || cmd == 'a')
		return 0;
	if (cmd == 'y')
		return fail(w, "%s: unexpected reply %.*s", what, (int)(len > 80 ? 80 : len),
		    (const char *)data);
	return fail(w, "%s: unexpected '%c'", what, cmd);
}

static int
session(struct worker *w, long id)
{
	const struct opts *o = w->o;
	struct conn *c = calloc(1, sizeof *c);
	unsigned char data[512];
	char buf[256], buf2[256];
	uint32_t ver, act, proto;
	size_t len;
	int i, rc = -1;

	if (c == NULL)
		abort();
	if ((c->fd = socket(addr.ss_family, SOCK_STREAM, 0)) < 0 ||
	    connect(c->fd, (struct sockaddr *)&addr, addrlen) < 0) {
		fail(w, "connect: %s", strerror(errno));
		goto out;
	}
	if (addr.ss_family == AF_INET) {
		int one = 1;

		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	/* Negotiation: version 6, everything offered, as Postfix does. */
	ver = htonl(6);
	act = htonl(A_OFFER);
	proto = htonl(P_OFFER);
	memcpy(buf, &ver, 4);
	memcpy(buf + 4, &act, 4);
	memcpy(buf + 8, &proto, 4);
	put(c, 'O', buf, 12);
	if (flush_out(c) < 0 || get(c, data, &len) != 'O' || len < 12) {
		fail(w, "negotiation failed");
		goto out;
	}
	memcpy(&proto, data + 8, 4);
	proto = ntohl(proto);

	/* CONNECT with Postfix's connect macros. */
	macros(c, 'C', "j", "mx.example.net", "{daemon_name}", "smtpd",
	    "{daemon_addr}", "192.0.2.25", "v", "Postfix 3.7.11", "_",
	    "client.example.org [198.51.100.7]", (char *)NULL);
	if (!(proto & P_NOCONNECT)) {
		unsigned char cb[128];
		size_t n = 0;
		uint16_t port = htons(40000 + (uint16_t)(id % 20000));

		memcpy(cb, "client.example.org", 19);
		n = 19;
		cb[n++] = '4';
		memcpy(cb + n, &port, 2);
		n += 2;
		memcpy(cb + n, "198.51.100.7", 13);
		n += 13;
		put(c, 'C', cb, n);
		if (step(w, c, !(proto & P_NR_CONN), 'c', "connect") < 0)
			goto out;
	}
	if (!(proto & P_NOHELO)) {
		putz(c, 'H', "client.example.org", (char *)NULL);
		if (step(w, c, !(proto & P_NR_HELO), 'c', "helo") < 0)
			goto out;
	}
	macros(c, 'M', "{mail_addr}", "sender@example.org", "{mail_host}",
	    "example.org", "{mail_mailer}", "smtp", (char *)NULL);
	if (!(proto & P_NOMAIL)) {
		putz(c, 'M', "<sender@example.org>", "SIZE=2000", (char *)NULL);
		if (step(w, c, !(proto & P_NR_MAIL), 'c', "mail") < 0)
			goto out;
	}
	for (i = 0; i < o->rcpts; i++) {
		bool rej = o->k > 0 && i % o->k == 0;

		snprintf(buf, sizeof buf, "user%d@example.com", i);
		snprintf(buf2, sizeof buf2, "<%.200s>", buf);
		macros(c, 'R', "i", "4ABC123DEF", "{rcpt_addr}", buf,
		    "{rcpt_host}", "example.com", "{rcpt_mailer}", "smtp",
		    (char *)NULL);
		if (!(proto & P_NORCPT)) {
			putz(c, 'R', buf2, (char *)NULL);
			if (step(w, c, !(proto & P_NR_RCPT), rej ? 'r' : 'c',
			    "rcpt") < 0)
				goto out;
		}
	}
	macros(c, 'T', "i", "4ABC123DEF", (char *)NULL);
	if (!(proto & P_NODATA)) {
		put(c, 'T', "", 0);
		if (step(w, c, !(proto & P_NR_DATA), 'c', "data") < 0)
			goto out;
	}
	if (!(proto & P_NOHDRS)) {
		for (i = 0; i < o->headers; i++) {
			unsigned char hb[512];
			size_t n;

			if (i == 0)
				n = (size_t)snprintf((char *)hb, sizeof hb,
				    "Subject%c quarterly figures %ld%c", 0, id, 0);
			else if (i == 1)
				n = (size_t)snprintf((char *)hb, sizeof hb,
				    "Received-SPF%c pass (example.org: domain of "
				    "sender@example.org designates 198.51.100.7 as "
				    "permitted sender)%c", 0, 0);
			else
				n = (size_t)snprintf((char *)hb, sizeof hb,
				    "X-Header-%d%c value number %d of this message, "
				    "with some words in it%c", i, 0, i, 0);
			put(c, 'L', hb, n);
			if (step(w, c, !(proto & P_NR_HDR), 'c', "header") < 0)
				goto out;
		}
	}
	if (!(proto & P_NOEOH)) {
		put(c, 'N', "", 0);
		if (step(w, c, !(proto & P_NR_EOH), 'c', "eoh") < 0)
			goto out;
	}
	if (!(proto & P_NOBODY)) {
		static char chunk[65535];
		long left = o->body;

		if (chunk[0] == '\0')
			for (size_t k = 0; k < sizeof chunk; k++)
				chunk[k] = (k % 72 == 71) ? '\n' : (char)('a' + k % 26);
		while (left > 0) {
			size_t n = left > 65535 ? 65535 : (size_t)left;

			put(c, 'B', chunk, n);
			if (step(w, c, !(proto & P_NR_BODY), 'c', "body") < 0)
				goto out;
			left -= (long)n;
		}
	}
	put(c, 'E', "", 0);
	if (step(w, c, true, 'e', "eom") < 0)
		goto out;
	if (o->hold_ms > 0)
		usleep((useconds_t)o->hold_ms * 1000);
	put(c, 'Q', "", 0);
	flush_out(c);
	rc = 0;
out:
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return rc;
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	long id;

	while ((id = atomic_fetch_add(&next_session, 1)) < w->o->sessions)
		if (session(w, id) == 0)
			w->done++;
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: milter-load [-c conns] [-n sessions] [-r rcpts] "
	    "[-H headers] [-b bytes] [-k K] [-w ms] [-j] [-l label] SOCKET\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct worker *w;
	struct lat all = { NULL, 0, 0 };
	long done = 0, replies = 0, errors = 0;
	double t0, secs;
	int ch, i;
	const char *err = NULL;

	while ((ch = getopt(argc, argv, "c:n:r:H:b:k:w:jl:")) != -1) {
		switch (ch) {
		case 'c': opt.conns = atoi(optarg); break;
		case 'n': opt.sessions = atol(optarg); break;
		case 'r': opt.rcpts = atoi(optarg); break;
		case 'H': opt.headers = atoi(optarg); break;
		case 'b': opt.body = atol(optarg); break;
		case 'k': opt.k = atoi(optarg); break;
		case 'w': opt.hold_ms = atoi(optarg); break;
		case 'j': opt.json = 1; break;
		case 'l': opt.label = optarg; break;
		default: usage();
		}
	}
	if (optind + 1 != argc || opt.conns < 1 || opt.sessions < 1 || opt.rcpts < 1)
		usage();
	opt.sock = argv[optind];
	if (parse_socket(opt.sock) < 0) {
		fprintf(stderr, "milter-load: bad socket %s (inet:PORT@HOST or unix:PATH)\n",
		    opt.sock);
		return 2;
	}
	if ((w = calloc((size_t)opt.conns, sizeof *w)) == NULL)
		return 2;
	t0 = now();
	for (i = 0; i < opt.conns; i++) {
		w[i].o = &opt;
		pthread_create(&w[i].t, NULL, run, &w[i]);
	}
	for (i = 0; i < opt.conns; i++) {
		pthread_join(w[i].t, NULL);
		done += w[i].done;
		replies += w[i].replies;
		errors += w[i].errors;
		if (w[i].err[0] && err == NULL)
			err = w[i].err;
		for (size_t k = 0; k < w[i].lat.n; k++)
			lat_add(&all, w[i].lat.v[k] / 1e6);
	}
	secs = now() - t0;
	qsort(all.v, all.n, sizeof *all.v, cmp_u32);
	{
		uint32_t p50 = all.n ? all.v[all.n / 2] : 0;
		uint32_t p99 = all.n ? all.v[(size_t)((double)all.n * 0.99)] : 0;
		uint32_t max = all.n ? all.v[all.n - 1] : 0;

		if (opt.json)
			printf("{\"label\":\"%s\",\"sessions\":%ld,\"conns\":%d,"
			    "\"seconds\":%.3f,\"sessions_per_s\":%.1f,"
			    "\"replies_per_s\":%.1f,\"p50_us\":%u,\"p99_us\":%u,"
			    "\"max_us\":%u,\"errors\":%ld}\n", opt.label, done,
			    opt.conns, secs, done / secs, replies / secs, p50, p99,
			    max, errors);
		else
			printf("%-28s %8.0f sessions/s %9.0f replies/s   latency "
			    "p50 %5u us  p99 %6u us  max %7u us  errors %ld\n",
			    opt.label, done / secs, replies / secs, p50, p99, max,
			    errors);
	}
	if (errors > 0)
		fprintf(stderr, "milter-load: %ld errors; first: %s\n", errors,
		    err ? err : "?");
	return errors > 0 ? 1 : 0;
}

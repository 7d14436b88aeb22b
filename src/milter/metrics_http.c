/*
 * metrics_http.c - GET /metrics with libmicrohttpd (see metrics_http.h).
 *
 * libmicrohttpd runs one thread that polls the listening socket and the
 * scrapers' connections; each answer is built whole in memory (a few
 * kilobytes) from the counters and handed to it to send.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "metrics_http.h"
#include "runtime.h"
#include "stats.h"
#include "strutil.h"

#if MHD_VERSION >= 0x00097002
typedef enum MHD_Result mhd_result;
#else
typedef int mhd_result;
#endif

#define CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

static struct MHD_Daemon *mhd;
static time_t started;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static char reg_source[256] = "builtin", reg_date[16] = "";

/* metrics_registry - see metrics_http.h */
void
metrics_registry(const char *source, const char *date)
{
	pthread_mutex_lock(&reg_lock);
	str_copy(reg_source, sizeof reg_source, source);
	str_copy(reg_date, sizeof reg_date, date);
	pthread_mutex_unlock(&reg_lock);
}

/* label - a label value with \ " and line breaks escaped */
static void
label(FILE *fp, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', fp);
		if (*v == '\n')
			fputs("\\n", fp);
		else
			fputc(*v, fp);
	}
}

/* body - the exposition: the textfile's families, then the process's */
static char *
body(size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		return NULL;
	if (stats_prometheus(rt_stats(), fp) < 0)
		goto fail;
	fprintf(fp, "# HELP process_start_time_seconds Start time of the "
	    "process since unix epoch in seconds.\n"
	    "# TYPE process_start_time_seconds gauge\n"
	    "process_start_time_seconds %lld\n"
	    "# HELP esc_milter_build_info The version of esc-milter and the "
	    "registry it validates codes against.\n"
	    "# TYPE esc_milter_build_info gauge\n"
	    "esc_milter_build_info{version=\"", (long long)started);
	label(fp, PACKAGE_VERSION);
	fputs("\",registry=\"", fp);
	pthread_mutex_lock(&reg_lock);
	label(fp, reg_source);
	fputs("\",registry_date=\"", fp);
	label(fp, reg_date);
	pthread_mutex_unlock(&reg_lock);
	fputs("\"} 1\n", fp);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}

/* reply - a short text answer with a status */
static mhd_result
reply(struct MHD_Connection *c, unsigned status, const char *text,
    const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text),
	    (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	mhd_result ret;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	if (allow != NULL)
		MHD_add_response_header(r, "Allow", allow);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* answer - libmicrohttpd's request handler */
static mhd_result
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	static int answered;
	struct MHD_Response *r;
	mhd_result ret;
	size_t len;
	char *b;

	(void)cls;
	(void)version;
	(void)upload;
	/* Answered from the headers (libmicrohttpd takes a response then,
	   not while a body comes in); a body is read and dropped. */
	if (*state == &answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	*state = &answered;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET /metrics\n",
		    "GET, HEAD");
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "esc-milter serves /metrics "
		    "only\n", NULL);
	if ((b = body(&len)) == NULL)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n",
		    NULL);
	if ((r = MHD_create_response_from_buffer(len, b,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* metrics_bind - see metrics_http.h */
int
metrics_bind(const struct settings *s, char *why, size_t whylen)
{
	int fd, one = 1;

	if ((fd = socket(s->prometheus_addr.ss_family, SOCK_STREAM |
	    SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (s->prometheus_addr.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&s->prometheus_addr,
	    s->prometheus_addrlen) < 0 || listen(fd, 16) < 0)
		goto fail;
	return fd;
fail:
	snprintf(why, whylen, "cannot listen on %s (prometheus_listen): %s",
	    s->prometheus_listen, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* metrics_start - see metrics_http.h */
int
metrics_start(int fd)
{
	started = time(NULL);
	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
	    0, NULL, NULL, answer, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_MAX_PER_CLIENT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		log_warnx("cannot serve /metrics: libmicrohttpd did not start");
		close(fd);
		return -1;
	}
	return 0;
}

/* metrics_stop - see metrics_http.h */
void
metrics_stop(void)
{
	if (mhd != NULL)
		MHD_stop_daemon(mhd);
	mhd = NULL;
}

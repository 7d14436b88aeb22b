/*
 * metrics_http.h - `prometheus_listen = ADDR:PORT`: GET /metrics in the
 * Prometheus text exposition format, served by libmicrohttpd.
 *
 * The families and labels are the textfile's (stats_prometheus()), plus
 * process_start_time_seconds and esc_milter_build_info{version,registry}.
 * A scrape reads the counters (atomic loads) and takes no lock a session
 * waits on.  Only GET and HEAD of /metrics are answered (404 for other
 * paths, 405 for other methods); connections are bounded in number, per
 * client and in time.  The socket is bound while the daemon may still
 * print to its terminal (metrics_bind(), before detaching and dropping
 * privileges) and served once threads may start (metrics_start()).
 * Changing prometheus_listen needs a restart.
 */
#ifndef ESC_METRICS_HTTP_H
#define ESC_METRICS_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#include "conf.h"

/* Bounds of the listener. */
#define METRICS_MAX_CONNECTIONS		16
#define METRICS_MAX_PER_CLIENT		4
#define METRICS_TIMEOUT			10	/* seconds */

/* metrics_bind - a listening socket for the prometheus_listen setting;
   -1 with a reason in why ("cannot listen on 127.0.0.1:9464: ...") */
int	metrics_bind(const struct settings *, char *why, size_t whylen);

/* metrics_start - serve on fd (from metrics_bind); -1 when libmicrohttpd
   cannot start (logged) */
int	metrics_start(int fd);

/* metrics_stop - stop serving (the shutdown) */
void	metrics_stop(void);

/* metrics_registry - what esc_milter_build_info says of the registry
   (a configuration's source and date; called when one is activated) */
void	metrics_registry(const char *source, const char *date);

#endif

/*
 * main.c - esc-milter: options, configuration check (-n), start-up order,
 * privileges, then libmilter's main loop.
 *
 * Start-up order matters: everything that may fail is checked before the
 * process detaches; the socket is opened as root, then privileges are
 * dropped, then threads start (none may exist across fork()), then the
 * configuration is published and smfi_main() runs until SIGTERM/SIGINT.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "callbacks.h"
#include "conf.h"
#include "footprint.h"
#include "listener.h"
#include "log.h"
#include "metrics_http.h"
#include "negotiate.h"
#include "runtime.h"
#include "signals.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: esc-milter [-fhnV] [-c FILE] [-p SOCKET] [-u USER] [-P PIDFILE]\n"
	    "  -c FILE     configuration file (default %s;\n"
	    "              without one the built-in defaults apply)\n"
	    "  -n          check the configuration: print every finding as\n"
	    "              FILE:LINE: severity: id: message; exit 0 if it would start\n"
	    "  -f          stay in the foreground (log to standard error)\n"
	    "  -p SOCKET   listen here (libmilter syntax: inet:PORT@HOST, unix:/path)\n"
	    "  -u USER     drop privileges to USER after opening the socket\n"
	    "  -P PIDFILE  write the process id\n"
	    "  -V          version and registry snapshot\n"
	    "  -h          this help\n"
	    "signals: HUP/USR1 reload, USR2 write statistics, TERM/INT stop\n",
	    conf_default_path());
}

/* plural - "1 warning", "2 warnings" */
static const char *
plural(size_t n, const char *word, char *buf, size_t size)
{
	snprintf(buf, size, "%zu %s%s", n, word, n == 1 ? "" : "s");
	return buf;
}

/* check_config - -n: print findings, say whether it would start */
static int
check_config(const char *path, struct config *cfg, struct diag_list *diags)
{
	const char *name = path ? path : "(built-in defaults)";
	size_t ne = diag_count(diags, SEV_ERROR);
	size_t nw = diag_count(diags, SEV_WARNING) - ne;
	size_t nn = diags->n - ne - nw;
	char b1[32], b2[32], b3[32], steps[512];
	struct footprint fp;

	diag_sort(diags);
	diag_print(diags, stdout);
	if (cfg == NULL) {
		printf("%s: %s, %s, %s: esc-milter would not start\n", name,
		    plural(ne, "error", b1, sizeof b1),
		    plural(nw, "warning", b2, sizeof b2),
		    plural(nn, "note", b3, sizeof b3));
		return 1;
	}
	printf("%s: configuration OK (%s, %s, %s)\n", name,
	    plural(cfg->nrules, "rule", b1, sizeof b1),
	    plural(nw, "warning", b2, sizeof b2),
	    plural(nn, "note", b3, sizeof b3));
	footprint_of(cfg, &fp);
	printf("%s: steps asked of the MTA: %s\n", name,
	    negotiate_describe(negotiate_protocol(&fp,
	    cfg->set.observe_mta_rejects, ~0UL), steps, sizeof steps));
	conf_free(cfg);
	return 0;
}

static struct listener listener = { .fd = -1 };
static atomic_bool stopped;
static atomic_bool stop_asked;		/* stop() has run */
/*
 * stop_lock orders the signal thread's stop() against main()'s return
 * from smfi_main(): the shutdown thread is created and recorded under it,
 * and main() takes it before joining, so it never misses the thread (nor
 * a stop() that comes after smfi_main() has returned on its own).
 */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t shutdown_thread;	/* valid while shutting_down */
static bool shutting_down;		/* under stop_lock */
static bool main_done;			/* under stop_lock */

/* stopper - smfi_stop() waits for libmilter's listener to let go */
static void *
stopper(void *arg)
{
	(void)arg;
	smfi_stop();
	atomic_store(&stopped, true);
	return NULL;
}

/*
 * stop_libmilter - make smfi_main() return.  smfi_stop() sets libmilter's
 * stop flag, then waits for the listener's lock, which the listener holds
 * while it polls (up to 5 s) or, once quiesced, waits in accept().  A
 * connection to the socket it waits on lets it go; one made before the
 * flag is set is served and closed, so wake until smfi_stop() returns.
 * (libmilter's own teardown races with smfi_stop() from another thread,
 * as with its own SIGTERM handling: tests/tsan.supp says how.)
 */
static void
stop_libmilter(void)
{
	struct timespec step = { 0, 10 * 1000 * 1000 };
	pthread_t t;
	int i;

	if (pthread_create(&t, NULL, stopper, NULL) != 0) {
		smfi_stop();
		return;
	}
	for (i = 0; listener.fd >= 0 && !atomic_load(&stopped) && i < 600; i++) {
		(void)listener_wake(&listener);
		nanosleep(&step, NULL);
	}
	pthread_join(t, NULL);
}

/*
 * shutdown_run - the shutdown, on its own thread: refuse new connections,
 * let the sessions in flight finish (shutdown_timeout, or until a second
 * SIGTERM), then stop libmilter; smfi_main() returns in main().
 */
static void *
shutdown_run(void *arg)
{
	unsigned long long left;

	(void)arg;
	if (listener_quiesce(&listener) < 0)
		log_warnx("cannot close the listening socket first: the "
		    "sessions in flight are cut");
	else if ((left = rt_drain(rt_shutdown_timeout(), &signals_cut)) > 0)
		log_warnx("stopping with %llu session%s still open (after "
		    "shutdown_timeout or a second SIGTERM)", left,
		    left == 1 ? "" : "s");
	stop_libmilter();
	return NULL;
}

/* stop - the first SIGTERM/SIGINT (signal thread) */
static void
stop(void)
{
	atomic_store(&stop_asked, true);
	pthread_mutex_lock(&stop_lock);
	if (!main_done && !shutting_down) {
		if (pthread_create(&shutdown_thread, NULL, shutdown_run,
		    NULL) == 0)
			shutting_down = true;
		else
			stop_libmilter();
	}
	pthread_mutex_unlock(&stop_lock);
}

/* unix_path - the path of a unix: or local: socket, else NULL */
static const char *
unix_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/* write_pidfile - before privileges are dropped */
static void
write_pidfile(const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		fatal("cannot write the pid file %s", path);
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0)
		fatal("cannot write the pid file %s", path);
}

/* detach - become a background daemon */
static void
detach(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid");
	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/* drop_privileges - to USER, or refuse to go on as root */
static void
drop_privileges(const char *user, const struct settings *set, const char *sock)
{
	struct passwd *pw;
	gid_t gid;

	if (user == NULL) {
		if (geteuid() == 0 && !set->allow_root)
			fatalx("refusing to run as root: give -u USER (the milter "
			    "needs no privileges after opening its socket), or set "
			    "allow_root = yes");
		return;
	}
	if (geteuid() != 0)
		fatalx("-u needs root; run esc-milter as root or without -u");
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	gid = pw->pw_gid;
	if (set->socket_group != NULL) {
		struct group *gr = getgrnam(set->socket_group);

		if (gr == NULL)
			fatalx("unknown group %s (socket_group)", set->socket_group);
		if (sock != NULL && chown(sock, pw->pw_uid, gr->gr_gid) < 0)
			fatal("cannot give %s to %s:%s", sock, user,
			    set->socket_group);
	} else if (sock != NULL && chown(sock, pw->pw_uid, gid) < 0) {
		fatal("cannot give %s to %s", sock, user);
	}
	if (setgroups(0, NULL) < 0 || initgroups(user, gid) < 0 ||
	    setgid(gid) < 0 || setuid(pw->pw_uid) < 0)
		fatal("cannot become %s", user);
	if (pw->pw_uid != 0 && setuid(0) == 0)
		fatalx("could regain root after dropping privileges");
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL, *sock = NULL, *user = NULL, *pidfile = NULL;
	bool foreground = false, check = false, explicit_conf = false;
	struct diag_list diags;
	struct config *cfg;
	struct stat st;
	const char *upath;
	char why[512], prom[128] = "";
	int ch, rc, mfd = -1;

	while ((ch = getopt(argc, argv, "c:fhnp:u:P:V")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			explicit_conf = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'p':
			sock = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'V': {
			struct esc_err err;
			struct registry *reg = registry_new_builtin(&err);
			char desc[600];

			printf("esc-milter %s (registry %s)\n", PACKAGE_VERSION,
			    reg ? registry_describe(reg, desc, sizeof desc) :
			    "unavailable");
			registry_free(reg);
			return 0;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "esc-milter: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	json_object_seed(0);

	/* The configuration: an explicit file must exist; the default one
	   may be absent (then the built-in defaults apply). */
	if (conf_path == NULL) {
		conf_path = conf_default_path();
		if (stat(conf_path, &st) < 0 && errno == ENOENT)
			conf_path = NULL;
	}
	diag_list_init(&diags);
	cfg = conf_path ? conf_load(conf_path, &diags) : conf_defaults(&diags);
	if (check) {
		rc = check_config(conf_path, cfg, &diags);
		diag_list_free(&diags);
		return rc;
	}
	if (cfg == NULL) {
		diag_sort(&diags);
		diag_print(&diags, stderr);
		fprintf(stderr, "esc-milter: %s has errors; not starting (esc-milter "
		    "-n%s%s lists them)\n", conf_path ? conf_path : "the defaults",
		    explicit_conf ? " -c " : "", explicit_conf ? conf_path : "");
		diag_list_free(&diags);
		return 1;
	}
	if (sock != NULL) {
		/* -p overrides socket; the config is not shared yet */
		free(cfg->set.socket);
		if ((cfg->set.socket = strdup(sock)) == NULL)
			return 1;
	}
	log_init("esc-milter", foreground);

	if (smfi_setconn(cfg->set.socket) == MI_FAILURE)
		fatalx("invalid socket %s", cfg->set.socket);
	if (smfi_register(esc_filter) == MI_FAILURE)
		fatalx("smfi_register failed (libmilter too old?)");
	if (smfi_opensocket(1) == MI_FAILURE)
		fatalx("cannot listen on %s (in use, or no permission?)",
		    cfg->set.socket);
	upath = unix_path(cfg->set.socket);
	if (upath != NULL && chmod(upath, cfg->set.socket_mode) < 0)
		fatal("cannot set the mode of %s", upath);
	/* libmilter's socket is the only listening one at this point */
	if (listener_find(&listener) < 0)
		log_warnx("cannot find libmilter's listening socket: stopping "
		    "may take up to 5 s and cuts the sessions in flight");
	else if (upath == NULL && listener_nodelay(&listener) < 0)
		log_warn("cannot set TCP_NODELAY on %s", cfg->set.socket);
	/* The Prometheus listener, bound now: a port that cannot be had
	   stops the start with a message on the terminal. */
	if (cfg->set.prometheus_listen != NULL &&
	    (mfd = metrics_bind(&cfg->set, why, sizeof why)) < 0)
		fatalx("%s", why);
	if (cfg->set.prometheus_listen != NULL)
		snprintf(prom, sizeof prom, "%s", cfg->set.prometheus_listen);

	if (!foreground) {
		if (cfg->set.log_kind == LOGK_STDOUT)
			log_warnx("events go to standard output, which is "
			    "/dev/null in the background; use -f or set log");
		detach();
	}
	if (pidfile != NULL)
		write_pidfile(pidfile);
	drop_privileges(user, &cfg->set, upath);

	/* Threads from here on. */
	signals_block();
	log_info("esc-milter %s listening on %s (%u rules)", PACKAGE_VERSION,
	    cfg->set.socket, cfg->nrules);
	if (rt_start(conf_path, cfg, &diags) < 0)
		fatalx("cannot start");
	diag_list_free(&diags);
	if (signals_start(stop) < 0)
		fatalx("cannot start the signal thread");
	if (mfd >= 0 && metrics_start(mfd) < 0)
		fatalx("cannot serve GET /metrics on %s", prom);

	rc = smfi_main();

	pthread_mutex_lock(&stop_lock);
	main_done = true;
	if (shutting_down)
		pthread_join(shutdown_thread, NULL);
	pthread_mutex_unlock(&stop_lock);
	/*
	 * libmilter's listener tests its stop flag, then takes the lock
	 * smfi_stop() closes the socket under: a stop that falls between the
	 * two makes it report "listenfd corrupted" and fail.  After our own
	 * stop that is the stop we asked for, not a failure.
	 */
	if (rc != MI_SUCCESS && atomic_load(&stop_asked))
		rc = MI_SUCCESS;
	log_info("stopping");
	signals_stop();
	metrics_stop();
	rt_stop();
	if (pidfile != NULL)
		(void)unlink(pidfile);
	return rc == MI_SUCCESS ? 0 : 1;
}

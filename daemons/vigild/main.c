/* vigild: the cluster daemon, one per node. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <qb/qblog.h>

#include "daemons/vigild/vigild.h"

typedef struct options {
	char *group, *state_dir, *run_dir, *logfile;
	gboolean syslog, debug, version;
	gint wait_corosync;
} options;

static void options_clear(options *o)
{
	g_free(o->group);
	g_free(o->state_dir);
	g_free(o->run_dir);
	g_free(o->logfile);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(options, options_clear)

void vigild_quit(vigild *d, int code)
{
	if (code > d->exit_code)
		d->exit_code = code;
	g_main_loop_quit(d->loop);
}

static gboolean on_signal(gpointer user)
{
	vigild *d = user;

	qb_log(LOG_NOTICE, "stopping on request");
	vigild_shutdown_signal(d);
	return G_SOURCE_CONTINUE;
}

/* 'vigil cluster stop': corosync goes too, once vigild has left its group. */
static void stop_corosync(void)
{
	const char *argv[] = { "corosync-cfgtool", "-H", NULL };
	g_autoptr(GError) err = NULL;
	gint status = 0;

	if (!g_spawn_sync("/", (char **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
			  &status, &err) || !g_spawn_check_wait_status(status, NULL))
		qb_log(LOG_ERR, "could not stop corosync (corosync-cfgtool -H): %s; stop it by "
		       "hand", err != NULL ? err->message : "it failed");
	else
		qb_log(LOG_NOTICE, "corosync stopped");
}

static int parse_options(int argc, char **argv, options *o)
{
	const GOptionEntry entries[] = {
		{ "group", 0, 0, G_OPTION_ARG_STRING, &o->group,
		  "corosync process group of the cluster's daemons (default: vigild)", "NAME" },
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->state_dir,
		  "where the CIB is kept (default: /var/lib/vigil)", "DIR" },
		{ "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->run_dir,
		  "runtime files: the pid lock (default: /run/vigil)", "DIR" },
		{ "logfile", 'l', 0, G_OPTION_ARG_FILENAME, &o->logfile,
		  "also log to this file", "FILE" },
		{ "syslog", 0, 0, G_OPTION_ARG_NONE, &o->syslog, "also log to syslog", NULL },
		{ "debug", 'd', 0, G_OPTION_ARG_NONE, &o->debug, "log debug messages too", NULL },
		{ "wait-corosync", 0, 0, G_OPTION_ARG_INT, &o->wait_corosync,
		  "seconds to wait for corosync at start (default: 60)", "SECONDS" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "print the version", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- Vigil's cluster daemon");
	g_autoptr(GError) err = NULL;

	o->wait_corosync = 60;
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "vigild: %s; 'vigild --help' lists the options.\n", err->message);
		return -EINVAL;
	}
	if (argc > 1) {
		fprintf(stderr, "vigild: unexpected argument '%s'; 'vigild --help' lists the "
			"options.\n", argv[1]);
		return -EINVAL;
	}
	if (o->wait_corosync < 0) {
		fprintf(stderr, "vigild: --wait-corosync must be 0 or more seconds.\n");
		return -EINVAL;
	}
	if (o->group == NULL)
		o->group = g_strdup("vigild");
	if (o->state_dir == NULL)
		o->state_dir = g_strdup("/var/lib/vigil");
	if (o->run_dir == NULL)
		o->run_dir = g_strdup("/run/vigil");
	if (strlen(o->group) >= 128) {
		fprintf(stderr, "vigild: --group is longer than corosync's 127 characters.\n");
		return -EINVAL;
	}
	return 0;
}

/* the flight recorder's size: a few thousand of the last messages, every level */
#define BLACKBOX_BYTES (256 * 1024)

static void setup_logging(const options *o)
{
	int level = o->debug ? LOG_DEBUG : LOG_INFO;

	qb_log_init("vigild", LOG_DAEMON, level);
	qb_log_format_set(QB_LOG_STDERR, "%T %N[%P] %p: %b");
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, o->syslog ? QB_TRUE : QB_FALSE);
	/* the flight recorder: the last messages at every level, for a post-mortem */
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, BLACKBOX_BYTES);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  LOG_TRACE);
	if (o->logfile != NULL) {
		int32_t t = qb_log_file_open(o->logfile);

		if (t < 0) {
			qb_log(LOG_WARNING, "cannot open log file %s: %s; logging to stderr only.",
			       o->logfile, g_strerror(-t));
			return;
		}
		qb_log_format_set(t, "%T %N[%P] %p: %b");
		qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
		qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
}

#define TRIM_DELAY_MS 1000

static gboolean trim_now(gpointer user)
{
	vigild *d = user;

	d->trim_timer = 0;
	malloc_trim(0);
	return G_SOURCE_REMOVE;
}

void vigild_trim_later(vigild *d)
{
	if (d->trim_timer == 0)
		d->trim_timer = g_timeout_add(TRIM_DELAY_MS, trim_now, d);
}

/* Holds DIR/vigild.pid locked for the daemon's life: one vigild per node. */
static int lock_pidfile(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "vigild.pid", NULL);
	char pid[32];
	int fd, n;

	if (g_mkdir_with_parents(dir, 0750) < 0) {
		qb_log(LOG_ERR, "cannot create %s: %s; check --run-dir.", dir, g_strerror(errno));
		return -errno;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		qb_log(LOG_ERR, "cannot open %s: %s; check --run-dir.", path, g_strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		qb_log(LOG_ERR, "another vigild runs on this node (it holds %s); stop it first.",
		       path);
		close(fd);
		return -EBUSY;
	}
	n = g_snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)n) != n)
		qb_log(LOG_WARNING, "cannot write %s; continuing.", path);
	return fd; /* kept open: the lock lasts as long as the process */
}

int main(int argc, char **argv)
{
	g_auto(options) o = { 0 };
	vigild d = { 0 };
	int lock;

	/* one heap for every thread: the helper threads allocate little, and an arena each
	 * would keep its own free pages */
	mallopt(M_ARENA_MAX, 1);
	if (parse_options(argc, argv, &o) < 0)
		return 2;
	if (o.version) {
		printf("vigild %s\n", PACKAGE_VERSION);
		return 0;
	}
	setup_logging(&o);
	lock = lock_pidfile(o.run_dir);
	if (lock < 0) {
		qb_log_fini();
		return 1;
	}
	d.loop = g_main_loop_new(NULL, FALSE);
	d.view = vigil_view_new();
	d.group_name = o.group;
	d.state_dir = o.state_dir;
	d.run_dir = o.run_dir;
	g_unix_signal_add(SIGTERM, on_signal, &d);
	g_unix_signal_add(SIGINT, on_signal, &d);
	signal(SIGPIPE, SIG_IGN);
	qb_log(LOG_NOTICE, "starting vigild %s", PACKAGE_VERSION);
	vigild_exec_start(&d);
	vigild_fencing_start(&d);
	vigild_shutdown_start(&d);
	vigild_ctl_start(&d);
	vigild_events_start(&d);
	if (vigild_cib_start(&d) < 0 || vigild_ipc_start(&d) < 0 ||
	    vigild_corosync_start(&d, (unsigned)o.wait_corosync) < 0) {
		d.exit_code = 1;
	} else {
		vigild_front_start(&d);
		g_main_loop_run(d.loop);
	}
	vigild_front_stop(&d);
	vigild_corosync_stop(&d);
	vigild_events_stop(&d);
	vigild_ctl_stop(&d);
	vigild_exec_stop(&d);
	vigild_fencing_stop(&d);
	vigild_shutdown_stop(&d);
	vigild_cib_stop(&d);
	vigild_ipc_stop(&d);
	vigil_view_free(d.view);
	if (d.trim_timer != 0)
		g_source_remove(d.trim_timer);
	g_main_loop_unref(d.loop);
	if (d.stop_corosync && d.exit_code == 0)
		stop_corosync();
	qb_log(LOG_NOTICE, "stopped");
	qb_log_fini();
	close(lock);
	return d.exit_code;
}

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>

#include "exec/exec.h"

#define DEFAULT_ROOT OCF_ROOT_DIR
#define DEFAULT_TIMEOUT_MS 20000
#define OUTPUT_KEEP (64 * 1024)
#define EXIT_REASON_PREFIX "ocf-exit-reason:"

struct vigil_exec {
	GMainContext *ctx;
	vigil_exec_done_fn done;
	gpointer user;
	GPid pid;
	GSource *child, *timeout, *out, *err;
	int out_fd, err_fd;
	GString *output;
	GString *err_text;    /* stderr alone, for the exit reason */
	gint64 started;
	bool timed_out, cancelled;
	bool fence;           /* a fence agent: no OCF exit reason; its last error line */
};

int vigil_ocf_rc_from_exit(int exit_code)
{
	return exit_code >= 0 && exit_code <= VIGIL_OCF_FAILED_PROMOTED ? exit_code
									: VIGIL_OCF_ERR_GENERIC;
}

const char *vigil_ocf_rc_text(int rc)
{
	static const char *const text[] = {
		"ok", "error", "invalid parameter", "unimplemented feature",
		"insufficient privileges", "not installed", "not configured", "not running",
		"promoted", "promoted (failed)",
	};

	return rc >= 0 && rc < (int)G_N_ELEMENTS(text) ? text[rc] : "error";
}

bool vigil_exec_plain_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || s[0] == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* NAME as an environment variable's name: Pacemaker's dashes become underscores. */
static char *env_name(const char *prefix, const char *name)
{
	char *v = g_strconcat(prefix, name, NULL);

	for (char *p = v + strlen(prefix); *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
	return v;
}

static void add_all(GPtrArray *env, const char *prefix, GHashTable *table)
{
	GHashTableIter it;
	gpointer k, v;

	if (table == NULL)
		return;
	g_hash_table_iter_init(&it, table);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_autofree char *name = env_name(prefix, k);

		g_ptr_array_add(env, g_strconcat(name, "=", (const char *)v, NULL));
	}
}

/* The OCF environment of REQ (NULL-terminated). */
static char **ocf_env(const vigil_exec_request *req, const char *root, uint64_t timeout_ms)
{
	GPtrArray *env = g_ptr_array_new();
	const char *path = g_getenv("PATH");

	g_ptr_array_add(env, g_strconcat("PATH=", path != NULL ? path :
					 "/usr/sbin:/usr/bin:/sbin:/bin", NULL));
	if (req->program != NULL) {
		/* a fence agent takes everything on its standard input */
		g_ptr_array_add(env, NULL);
		return (char **)g_ptr_array_free(env, FALSE);
	}
	g_ptr_array_add(env, g_strconcat("OCF_ROOT=", root, NULL));
	g_ptr_array_add(env, g_strdup("OCF_RA_VERSION_MAJOR=1"));
	g_ptr_array_add(env, g_strdup("OCF_RA_VERSION_MINOR=1"));
	g_ptr_array_add(env, g_strconcat("OCF_RESOURCE_INSTANCE=",
					 req->rsc_id != NULL ? req->rsc_id : "", NULL));
	g_ptr_array_add(env, g_strconcat("OCF_RESOURCE_TYPE=", req->type, NULL));
	g_ptr_array_add(env, g_strconcat("OCF_RESOURCE_PROVIDER=", req->provider, NULL));
	g_ptr_array_add(env, g_strdup("OCF_EXIT_REASON_PREFIX=" EXIT_REASON_PREFIX));
	add_all(env, "OCF_RESKEY_", req->params);
	add_all(env, "OCF_RESKEY_CRM_meta_", req->meta);
	g_ptr_array_add(env, g_strdup_printf("OCF_RESKEY_CRM_meta_interval=%" G_GUINT64_FORMAT,
					     req->interval_ms));
	g_ptr_array_add(env, g_strdup_printf("OCF_RESKEY_CRM_meta_timeout=%" G_GUINT64_FORMAT,
					     timeout_ms));
	g_ptr_array_add(env, NULL);
	return (char **)g_ptr_array_free(env, FALSE);
}

/* The last "ocf-exit-reason:" line of TEXT, without the prefix; NULL if none. */
static char *exit_reason(const char *text)
{
	const char *p = text, *found = NULL;

	while ((p = strstr(p, EXIT_REASON_PREFIX)) != NULL) {
		if (p == text || p[-1] == '\n')
			found = p + strlen(EXIT_REASON_PREFIX);
		p += strlen(EXIT_REASON_PREFIX);
	}
	if (found == NULL)
		return NULL;
	return g_strstrip(g_strndup(found, strcspn(found, "\n")));
}

/* The last line of TEXT that is not blank, stripped; NULL if none. */
static char *last_line(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = g_strv_length(lines); i > 0; i--) {
		g_strstrip(lines[i - 1]);
		if (lines[i - 1][0] != '\0')
			return g_strdup(lines[i - 1]);
	}
	return NULL;
}

static void keep_output(vigil_exec *e, const char *buf, gssize n, bool is_err)
{
	g_string_append_len(e->output, buf, n);
	if (e->output->len > 2 * OUTPUT_KEEP)
		g_string_erase(e->output, 0, (gssize)(e->output->len - OUTPUT_KEEP));
	if (is_err) {
		g_string_append_len(e->err_text, buf, n);
		if (e->err_text->len > 2 * OUTPUT_KEEP)
			g_string_erase(e->err_text, 0, (gssize)(e->err_text->len - OUTPUT_KEEP));
	}
}

/* Reads what FD holds now; false at its end (or an error). */
static bool drain(vigil_exec *e, int fd, bool is_err)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			keep_output(e, buf, n, is_err);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void drop_source(GSource **s)
{
	if (*s != NULL) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static void exec_free(vigil_exec *e)
{
	drop_source(&e->child);
	drop_source(&e->timeout);
	drop_source(&e->out);
	drop_source(&e->err);
	if (e->out_fd >= 0)
		close(e->out_fd);
	if (e->err_fd >= 0)
		close(e->err_fd);
	if (e->pid > 0)
		g_spawn_close_pid(e->pid);
	g_string_free(e->output, TRUE);
	g_string_free(e->err_text, TRUE);
	if (e->ctx != NULL)
		g_main_context_unref(e->ctx);
	g_free(e);
}

static void finish(vigil_exec *e, vigil_exec_result *r)
{
	r->output = e->output->str;
	r->exec_ms = (g_get_monotonic_time() - e->started) / 1000;
	e->done(r, e->user);
	g_free(r->exit_reason);
	exec_free(e);
}

static void child_exited(GPid pid, gint wait_status, gpointer user)
{
	vigil_exec *e = user;
	vigil_exec_result r = { .rc = VIGIL_OCF_ERR_GENERIC };

	/* what it wrote before it ended; its children may keep the pipes open, so no EOF wait */
	if (e->out_fd >= 0)
		drain(e, e->out_fd, false);
	if (e->err_fd >= 0)
		drain(e, e->err_fd, true);
	g_source_unref(e->child);
	e->child = NULL; /* this source ends by itself */
	if (e->cancelled) {
		r.status = VIGIL_EXEC_CANCELLED;
	} else if (e->timed_out) {
		r.status = VIGIL_EXEC_TIMEOUT;
		r.exit_reason = g_strdup("the action did not end within its timeout; its "
					 "processes were killed");
	} else if (WIFEXITED(wait_status)) {
		r.status = VIGIL_EXEC_DONE;
		r.rc = vigil_ocf_rc_from_exit(WEXITSTATUS(wait_status));
		r.exit_reason = e->fence ? (WEXITSTATUS(wait_status) != 0 ?
					    last_line(e->err_text->str) : NULL) :
					   exit_reason(e->err_text->str);
	} else {
		r.status = VIGIL_EXEC_ERROR;
		r.exit_reason = g_strdup_printf("the agent was killed by signal %d",
						WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
	}
	finish(e, &r);
}

static void kill_group(vigil_exec *e)
{
	if (e->pid > 0)
		kill(-e->pid, SIGKILL);
}

static gboolean timed_out(gpointer user)
{
	vigil_exec *e = user;

	e->timed_out = true;
	kill_group(e);
	g_source_unref(e->timeout);
	e->timeout = NULL;
	return G_SOURCE_REMOVE;
}

static gboolean out_ready(gint fd, GIOCondition cond, gpointer user)
{
	vigil_exec *e = user;
	bool is_err = fd == e->err_fd;
	GSource **s = is_err ? &e->err : &e->out;

	if (drain(e, fd, is_err))
		return G_SOURCE_CONTINUE;
	/* at its end: stop watching, keep the descriptor until the child is reaped */
	g_source_unref(*s);
	*s = NULL;
	return G_SOURCE_REMOVE;
}

static GSource *attach(GSource *s, vigil_exec *e, GSourceFunc fn)
{
	g_source_set_callback(s, fn, e, NULL);
	g_source_attach(s, e->ctx);
	return s;
}

/* Ends E without running anything: DONE from the main loop, with STATUS and RC. */
typedef struct failed_start {
	vigil_exec *e;
	vigil_exec_status status;
	int rc;
	char *reason;
} failed_start;

static gboolean report_failed_start(gpointer user)
{
	failed_start *f = user;
	vigil_exec_result r = { .rc = f->rc, .status = f->status,
				.exit_reason = g_steal_pointer(&f->reason) };

	finish(f->e, &r);
	g_free(f);
	return G_SOURCE_REMOVE;
}

static vigil_exec *fail_start(vigil_exec *e, vigil_exec_status status, int rc, char *reason)
{
	failed_start *f = g_new0(failed_start, 1);
	GSource *s = g_idle_source_new();

	f->e = e;
	f->status = status;
	f->rc = rc;
	f->reason = reason;
	g_source_set_callback(s, report_failed_start, f, NULL);
	g_source_attach(s, e->ctx);
	g_source_unref(s);
	return e;
}

typedef struct spawned {
	GPid pid;
	int in_fd, out_fd, err_fd; /* ours; in_fd -1 without input */
} spawned;

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

static void spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, const int in[2],
			const int out[2], const int err[2])
{
	sigset_t none, all;

	posix_spawn_file_actions_init(fa);
	if (in[0] >= 0)
		posix_spawn_file_actions_adddup2(fa, in[0], STDIN_FILENO);
	else
		posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(fa, err[1], STDERR_FILENO);
	posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
	posix_spawn_file_actions_addchdir_np(fa, "/");
	/* default dispositions (the daemon ignores SIGPIPE), nothing blocked, and a process
	 * group of its own, so that a timeout kills everything it started */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(at);
	posix_spawnattr_setsigmask(at, &none);
	posix_spawnattr_setsigdefault(at, &all);
	posix_spawnattr_setpgroup(at, 0);
	posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				     POSIX_SPAWN_SETSIGDEF);
}

/* Runs ARGV with ENV: standard input from a pipe (WITH_INPUT) or /dev/null, output and
 * errors to pipes, no other descriptor, "/" as working directory. With posix_spawn(),
 * which glibc runs as a vfork: a daemon of many megabytes does not copy its page tables for
 * each action (fork() cost vigild 5-10 ms per action on a small machine). 0 or -errno. */
static int spawn(char **argv, char **env, bool with_input, spawned *ret)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int r;

	if ((with_input && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		close_pair(in);
		close_pair(out);
		close_pair(err);
		return r;
	}
	spawn_setup(&fa, &at, in, out, err);
	r = -posix_spawn(&pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	/* the child's ends */
	for (int *fd = (int[]){ in[0], out[1], err[1] }, i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	if (r < 0) {
		if (in[1] >= 0)
			close(in[1]);
		close(out[0]);
		close(err[0]);
		return r;
	}
	*ret = (spawned){ .pid = pid, .in_fd = in[1], .out_fd = out[0], .err_fd = err[0] };
	return 0;
}

/* Writes INPUT to the child's standard input FD and closes it. A fence agent's options are
 * a few hundred bytes: the pipe holds them without waiting. */
static void feed(int fd, const char *input)
{
	size_t left = strlen(input);

	while (left > 0) {
		ssize_t n = write(fd, input, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* it exited without reading: its exit code tells */
		input += n;
		left -= (size_t)n;
	}
	close(fd);
}

char **vigil_ocf_ra_dirs(void)
{
	GPtrArray *b = g_ptr_array_new();
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_auto(GStrv) env = g_strsplit(g_getenv("OCF_RA_PATH") != NULL ?
				       g_getenv("OCF_RA_PATH") : "", ":", -1);
	g_autofree char *own = g_build_filename(DEFAULT_ROOT, "resource.d", NULL);

	for (guint i = 0; env[i] != NULL; i++)
		if (env[i][0] != '\0' && g_hash_table_add(seen, env[i]))
			g_ptr_array_add(b, g_strdup(env[i]));
	if (g_hash_table_add(seen, own))
		g_ptr_array_add(b, g_strdup(own));
	g_ptr_array_add(b, NULL);
	return (char **)g_ptr_array_free(b, FALSE);
}

char *vigil_ocf_agent_path(const char *provider, const char *type)
{
	g_auto(GStrv) dirs = vigil_ocf_ra_dirs();

	if (!vigil_exec_plain_name(provider) || !vigil_exec_plain_name(type))
		return NULL;
	for (guint i = 0; dirs[i] != NULL; i++) {
		g_autofree char *p = g_build_filename(dirs[i], provider, type, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_REGULAR) && access(p, X_OK) == 0)
			return g_steal_pointer(&p);
	}
	return NULL;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *vigil_names_in_dirs(char **dirs, const char *sub, const char *prefix,
			       bool executable)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; dirs[i] != NULL; i++) {
		g_autofree char *path = dirs[i][0] != '\0' ? g_build_filename(dirs[i], sub, NULL) :
							     NULL;
		g_autoptr(GDir) d = path != NULL ? g_dir_open(path, 0, NULL) : NULL;
		const char *n;

		while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
			g_autofree char *file = g_build_filename(path, n, NULL);
			char *name;

			if (n[0] == '.' || !g_str_has_prefix(n, prefix) ||
			    g_hash_table_contains(seen, n) || (executable && access(file, X_OK) != 0))
				continue;
			name = g_strdup(n);
			g_ptr_array_add(names, name);
			g_hash_table_add(seen, name);
		}
	}
	g_ptr_array_sort(names, by_name);
	return names;
}

GPtrArray *vigil_ocf_list(const char *provider)
{
	g_auto(GStrv) dirs = vigil_ocf_ra_dirs();

	if (provider != NULL && !vigil_exec_plain_name(provider))
		return g_ptr_array_new_with_free_func(g_free);
	return vigil_names_in_dirs(dirs, provider, "", provider != NULL);
}

/* The program and arguments of REQ, or NULL with E ended (not installed). */
static char **argv_of(const vigil_exec_request *req, const char *root, vigil_exec *e)
{
	g_autofree char *path = NULL;
	char **argv;

	if (req->program != NULL) {
		if (!g_path_is_absolute(req->program) || access(req->program, X_OK) != 0) {
			fail_start(e, VIGIL_EXEC_NOT_INSTALLED, VIGIL_OCF_ERR_INSTALLED,
				   g_strdup_printf("no executable agent %s", req->program));
			return NULL;
		}
		argv = g_new0(char *, 2);
		argv[0] = g_strdup(req->program);
		return argv;
	}
	if (!vigil_exec_plain_name(req->provider) || !vigil_exec_plain_name(req->type)) {
		fail_start(e, VIGIL_EXEC_NOT_INSTALLED, VIGIL_OCF_ERR_INSTALLED,
			   g_strdup("the provider or agent name is not a plain name"));
		return NULL;
	}
	if (req->root != NULL)
		path = g_build_filename(root, "resource.d", req->provider, req->type, NULL);
	else
		path = vigil_ocf_agent_path(req->provider, req->type);
	if (path == NULL || access(path, X_OK) != 0) {
		fail_start(e, VIGIL_EXEC_NOT_INSTALLED, VIGIL_OCF_ERR_INSTALLED,
			   path != NULL ? g_strdup_printf("no executable agent %s", path) :
			   g_strdup_printf("no executable agent ocf:%s:%s in the OCF agent "
					   "directories (OCF_RA_PATH)", req->provider, req->type));
		return NULL;
	}
	argv = g_new0(char *, 3);
	argv[0] = g_steal_pointer(&path);
	argv[1] = g_strdup(req->action);
	return argv;
}

vigil_exec *vigil_exec_start(const vigil_exec_request *req, GMainContext *ctx,
			     vigil_exec_done_fn done, gpointer user)
{
	vigil_exec *e = g_new0(vigil_exec, 1);
	const char *root = req->root != NULL ? req->root : DEFAULT_ROOT;
	uint64_t timeout_ms = req->timeout_ms != 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	g_auto(GStrv) argv = NULL;
	g_auto(GStrv) env = NULL;
	spawned sp;
	int r;

	e->ctx = ctx != NULL ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	e->done = done;
	e->user = user;
	e->out_fd = e->err_fd = -1;
	e->output = g_string_new(NULL);
	e->err_text = g_string_new(NULL);
	e->started = g_get_monotonic_time();
	e->fence = req->program != NULL;
	argv = argv_of(req, root, e);
	if (argv == NULL)
		return e;
	env = ocf_env(req, root, timeout_ms);
	r = spawn(argv, env, req->input != NULL, &sp);
	if (r < 0)
		return fail_start(e, VIGIL_EXEC_ERROR, VIGIL_OCF_ERR_GENERIC,
				  g_strdup_printf("cannot run %s: %s", argv[0], g_strerror(-r)));
	e->pid = sp.pid;
	e->out_fd = sp.out_fd;
	e->err_fd = sp.err_fd;
	if (sp.in_fd >= 0)
		feed(sp.in_fd, req->input);
	g_unix_set_fd_nonblocking(e->out_fd, TRUE, NULL);
	g_unix_set_fd_nonblocking(e->err_fd, TRUE, NULL);
	e->out = attach(g_unix_fd_source_new(e->out_fd, G_IO_IN | G_IO_HUP | G_IO_ERR), e,
			(GSourceFunc)(void (*)(void))out_ready);
	e->err = attach(g_unix_fd_source_new(e->err_fd, G_IO_IN | G_IO_HUP | G_IO_ERR), e,
			(GSourceFunc)(void (*)(void))out_ready);
	e->timeout = attach(g_timeout_source_new((guint)MIN(timeout_ms, G_MAXUINT)), e,
			    timed_out);
	e->child = g_child_watch_source_new(e->pid);
	g_source_set_callback(e->child, (GSourceFunc)(void (*)(void))child_exited, e, NULL);
	g_source_attach(e->child, e->ctx);
	return e;
}

void vigil_exec_cancel(vigil_exec *e)
{
	e->cancelled = true;
	kill_group(e);
}

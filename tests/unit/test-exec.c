/* Unit tests of the OCF executor (lib/exec/exec.c) with agents of its own in a temporary
 * OCF root: the environment an agent sees, return codes and exit reasons, the timeout that
 * kills the agent's whole process group, cancel, a missing agent, and Debian's
 * ocf:heartbeat:Dummy started, monitored and stopped for real; and fence agents: the
 * options on their standard input, the host map, and their failures' last error line. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "exec/exec.h"
#include "exec/fence.h"

typedef struct outcome {
	bool done;
	int rc;
	vigil_exec_status status;
	char *exit_reason, *output;
	int64_t exec_ms;
} outcome;

static char *root;

static void on_done(const vigil_exec_result *r, gpointer user)
{
	outcome *o = user;

	g_assert_false(o->done); /* once */
	o->done = true;
	o->rc = r->rc;
	o->status = r->status;
	o->exit_reason = g_strdup(r->exit_reason);
	o->output = g_strdup(r->output);
	o->exec_ms = r->exec_ms;
}

static void outcome_clear(outcome *o)
{
	g_free(o->exit_reason);
	g_free(o->output);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(outcome, outcome_clear)

/* Runs REQ to its end in a main loop of its own. */
static void run(vigil_exec_request *req, outcome *o)
{
	GMainContext *ctx = g_main_context_new();

	g_main_context_push_thread_default(ctx);
	if (req->root == NULL)
		req->root = root;
	vigil_exec_start(req, ctx, on_done, o);
	while (!o->done)
		g_main_context_iteration(ctx, TRUE);
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
}

/* TABLE[NAME] = VALUE, copies of both. */
static void put(GHashTable *table, const char *name, const char *value)
{
	g_hash_table_insert(table, g_strdup(name), g_strdup(value));
}

static GHashTable *table_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void write_agent(const char *name, const char *body)
{
	g_autofree char *dir = g_build_filename(root, "resource.d", "test", NULL);
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *text = g_strconcat("#!/bin/sh\n", body, NULL);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_assert_cmpint(chmod(path, 0755), ==, 0);
}

static void test_fence_plug(void)
{
	static const struct { const char *map, *node, *want; } cases[] = {
		{ NULL, "node1", "node1" },
		{ "node1:vm-a;node2:vm-b", "node2", "vm-b" },
		{ "node1:vm-a,node2:vm-b", "node1", "vm-a" },
		{ "node1=vm-a node2=vm-b", "node2", "vm-b" },
		{ "node1:vm-a;node2:vm-b", "node3", "node3" },  /* not mapped: its own name */
		{ "node10:vm-x;node1:vm-a", "node1", "vm-a" },  /* whole names only */
		{ "node1:;node2:vm-b", "node1", "node1" },      /* an empty mapping is none */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = vigil_fence_plug(cases[i].map, cases[i].node);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

static void test_fence_input(void)
{
	g_autoptr(GHashTable) params = table_new();
	g_autofree char *in = NULL, *mon = NULL, *none = NULL;

	put(params, "key_file", "/etc/cluster/fence_xvm.key");
	put(params, "pcmk_host_map", "node1:vm1;node2:vm2");
	put(params, "pcmk_reboot_timeout", "90s");
	put(params, "timeout", "5");
	put(params, "evil", "x\naction=off"); /* cannot smuggle a second option in */
	in = vigil_fence_input(params, "reboot", "node2");
	g_assert_cmpstr(in, ==, "action=reboot\nplug=vm2\nnodename=node2\n"
				"key_file=/etc/cluster/fence_xvm.key\ntimeout=5\n");
	mon = vigil_fence_input(params, "monitor", NULL);
	g_assert_cmpstr(mon, ==, "action=monitor\nkey_file=/etc/cluster/fence_xvm.key\n"
				 "timeout=5\n");
	put(params, "pcmk_host_argument", "port");
	g_free(in);
	in = vigil_fence_input(params, "off", "node1");
	g_assert_nonnull(strstr(in, "\nport=vm1\n"));
	put(params, "pcmk_host_argument", "none");
	none = vigil_fence_input(params, "off", "node1");
	g_assert_null(strstr(none, "vm1"));
	g_assert_cmpuint(vigil_fence_timeout_ms(params, "reboot", 60000), ==, 90000);
	g_assert_cmpuint(vigil_fence_timeout_ms(params, "off", 60000), ==, 60000);
	/* delays: none for "on" or a query; base per target; a random share up to max */
	g_assert_cmpuint(vigil_fence_delay_ms(params, "reboot", "node1", 0.5), ==, 0);
	put(params, "pcmk_delay_base", "node1:2s;node2:0");
	put(params, "pcmk_delay_max", "10s");
	g_assert_cmpuint(vigil_fence_delay_ms(params, "reboot", "node1", 0.0), ==, 2000);
	g_assert_cmpuint(vigil_fence_delay_ms(params, "reboot", "node1", 0.5), ==, 6000);
	g_assert_cmpuint(vigil_fence_delay_ms(params, "off", "node2", 1.0), ==, 10000);
	g_assert_cmpuint(vigil_fence_delay_ms(params, "on", "node1", 1.0), ==, 0);
	g_assert_cmpuint(vigil_fence_delay_ms(params, "monitor", "node1", 1.0), ==, 0);
	put(params, "pcmk_delay_base", " 3s ");
	put(params, "pcmk_delay_max", "1s"); /* below the base: the base alone */
	g_assert_cmpuint(vigil_fence_delay_ms(params, "reboot", "node9", 0.9), ==, 3000);
	g_assert_true(vigil_fence_task("reboot") && vigil_fence_task("off") &&
		      vigil_fence_task("on") && !vigil_fence_task("monitor"));
}

/* A fence agent reads its options on standard input and fails with a line on stderr. */
static void test_fence_agent_run(void)
{
	g_autofree char *dir = g_build_filename(root, "sbin", NULL);
	g_autofree char *path = g_build_filename(dir, "fence_test", NULL);
	g_autofree char *found = NULL;
	g_auto(outcome) ok = { 0 };
	g_auto(outcome) bad = { 0 };
	vigil_exec_request req = { .timeout_ms = 5000 };

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, "#!/bin/sh\n"
					  "while read -r line; do echo \"got $line\"; done\n"
					  "[ -n \"$OCF_ROOT\" ] && exit 9\n"
					  "[ \"$1\" = \"\" ] || exit 8\n"
					  "exit 0\n", -1, NULL));
	g_assert_cmpint(chmod(path, 0755), ==, 0);
	g_setenv("VIGIL_FENCE_PATH", dir, TRUE);
	found = vigil_fence_agent_path("fence_test");
	g_assert_cmpstr(found, ==, path);
	g_assert_null(vigil_fence_agent_path("../sbin/fence_test"));
	g_assert_null(vigil_fence_agent_path("fence_none"));
	req.program = path;
	req.input = "action=reboot\nplug=vm2\n";
	run(&req, &ok);
	g_assert_cmpint(ok.status, ==, VIGIL_EXEC_DONE);
	g_assert_cmpint(ok.rc, ==, VIGIL_OCF_SUCCESS);
	g_assert_nonnull(strstr(ok.output, "got action=reboot\ngot plug=vm2\n"));
	g_assert_true(g_file_set_contents(path, "#!/bin/sh\n"
					  "echo 'Parse error: Ignoring unknown option' >&2\n"
					  "echo 'Timed out waiting for response' >&2\n"
					  "echo >&2\nexit 1\n", -1, NULL));
	g_assert_cmpint(chmod(path, 0755), ==, 0);
	req.input = "action=off\n";
	run(&req, &bad);
	g_assert_cmpint(bad.rc, ==, VIGIL_OCF_ERR_GENERIC);
	g_assert_cmpstr(bad.exit_reason, ==, "Timed out waiting for response");
	g_unsetenv("VIGIL_FENCE_PATH");
}

static void test_environment(void)
{
	g_auto(outcome) o = { 0 };
	g_autoptr(GHashTable) params = table_new();
	g_autoptr(GHashTable) meta = table_new();
	vigil_exec_request req = { .provider = "test", .type = "env", .rsc_id = "vip",
				   .action = "monitor", .interval_ms = 30000, .timeout_ms = 5000,
				   .params = params, .meta = meta };

	write_agent("env", "echo \"action=$1\"; env | grep -E '^OCF_' | sort; exit 0\n");
	put(params, "ip", "198.18.0.10");
	put(meta, "target-role", "Started");
	run(&req, &o);
	g_assert_cmpint(o.status, ==, VIGIL_EXEC_DONE);
	g_assert_cmpint(o.rc, ==, VIGIL_OCF_SUCCESS);
	g_assert_null(o.exit_reason);
	for (const char *const *want = (const char *const[]){
		     "action=monitor\n", "OCF_RESKEY_ip=198.18.0.10\n",
		     "OCF_RESKEY_CRM_meta_target_role=Started\n",
		     "OCF_RESKEY_CRM_meta_interval=30000\n", "OCF_RESKEY_CRM_meta_timeout=5000\n",
		     "OCF_RESOURCE_INSTANCE=vip\n", "OCF_RESOURCE_TYPE=env\n",
		     "OCF_RESOURCE_PROVIDER=test\n", "OCF_RA_VERSION_MAJOR=1\n", NULL };
	     *want != NULL; want++) {
		if (strstr(o.output, *want) == NULL)
			g_test_message("missing %s in:\n%s", *want, o.output);
		g_assert_nonnull(strstr(o.output, *want));
	}
	{
		g_autofree char *want = g_strconcat("OCF_ROOT=", root, "\n", NULL);

		g_assert_nonnull(strstr(o.output, want));
	}
}

static void test_return_codes(void)
{
	static const struct { int exit_code, rc; } cases[] = {
		{ 0, VIGIL_OCF_SUCCESS }, { 7, VIGIL_OCF_NOT_RUNNING }, { 5, VIGIL_OCF_ERR_INSTALLED },
		{ 9, VIGIL_OCF_FAILED_PROMOTED }, { 10, VIGIL_OCF_ERR_GENERIC },
		{ 255, VIGIL_OCF_ERR_GENERIC },
	};

	write_agent("rc", "exit \"$OCF_RESKEY_code\"\n");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(outcome) o = { 0 };
		g_autoptr(GHashTable) params = table_new();
		g_autofree char *code = g_strdup_printf("%d", cases[i].exit_code);
		vigil_exec_request req = { .provider = "test", .type = "rc", .rsc_id = "r",
					   .action = "monitor", .params = params };

		put(params, "code", code);
		run(&req, &o);
		g_assert_cmpint(o.status, ==, VIGIL_EXEC_DONE);
		g_assert_cmpint(o.rc, ==, cases[i].rc);
	}
	g_assert_cmpstr(vigil_ocf_rc_text(VIGIL_OCF_NOT_RUNNING), ==, "not running");
	g_assert_cmpstr(vigil_ocf_rc_text(42), ==, "error");
}

static void test_exit_reason(void)
{
	g_auto(outcome) o = { 0 };
	vigil_exec_request req = { .provider = "test", .type = "reason", .rsc_id = "r",
				   .action = "start" };

	write_agent("reason", "echo noise >&2\n"
		    "echo \"${OCF_EXIT_REASON_PREFIX}first\" >&2\n"
		    "echo \"${OCF_EXIT_REASON_PREFIX} address 198.18.0.10 is in use \" >&2\n"
		    "exit 1\n");
	run(&req, &o);
	g_assert_cmpint(o.rc, ==, VIGIL_OCF_ERR_GENERIC);
	g_assert_cmpstr(o.exit_reason, ==, "address 198.18.0.10 is in use");
	g_assert_nonnull(strstr(o.output, "noise"));
}

/* Whether PID runs: a zombie no longer does (killed, not yet reaped by whoever inherited
 * it). */
static bool alive(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
	g_autofree char *stat = NULL;
	const char *close;

	if (!g_file_get_contents(path, &stat, NULL, NULL))
		return false;
	close = strrchr(stat, ')');
	return close != NULL && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

/* A timeout kills the agent and whatever it started: its whole process group. */
static void test_timeout_kills_group(void)
{
	g_auto(outcome) o = { 0 };
	g_autofree char *pidfile = g_build_filename(root, "grandchild.pid", NULL);
	g_autofree char *text = NULL;
	g_autofree char *body = g_strdup_printf("sleep 60 & echo $! > %s; sleep 60\n", pidfile);
	vigil_exec_request req = { .provider = "test", .type = "hang", .rsc_id = "r",
				   .action = "start", .timeout_ms = 300 };
	pid_t grandchild;

	write_agent("hang", body);
	run(&req, &o);
	g_assert_cmpint(o.status, ==, VIGIL_EXEC_TIMEOUT);
	g_assert_cmpint(o.rc, ==, VIGIL_OCF_ERR_GENERIC);
	g_assert_nonnull(o.exit_reason);
	g_assert_cmpint(o.exec_ms, >=, 300);
	g_assert_true(g_file_get_contents(pidfile, &text, NULL, NULL));
	grandchild = (pid_t)atoi(text);
	g_assert_cmpint(grandchild, >, 1);
	for (int i = 0; i < 100 && alive(grandchild); i++)
		g_usleep(10000);
	g_assert_false(alive(grandchild));
}

static void test_cancel(void)
{
	g_auto(outcome) o = { 0 };
	vigil_exec_request req = { .root = root, .provider = "test", .type = "slow",
				   .rsc_id = "r", .action = "monitor" };
	GMainContext *ctx = g_main_context_new();
	vigil_exec *e;

	write_agent("slow", "sleep 60\n");
	e = vigil_exec_start(&req, ctx, on_done, &o);
	g_main_context_iteration(ctx, FALSE);
	vigil_exec_cancel(e);
	while (!o.done)
		g_main_context_iteration(ctx, TRUE);
	g_main_context_unref(ctx);
	g_assert_cmpint(o.status, ==, VIGIL_EXEC_CANCELLED);
}

static void test_not_installed(void)
{
	static const char *const types[] = { "missing", "../../../bin/sh", ".hidden", "" };

	for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
		g_auto(outcome) o = { 0 };
		vigil_exec_request req = { .provider = "test", .type = types[i], .rsc_id = "r",
					   .action = "start" };

		run(&req, &o);
		g_assert_cmpint(o.status, ==, VIGIL_EXEC_NOT_INSTALLED);
		g_assert_cmpint(o.rc, ==, VIGIL_OCF_ERR_INSTALLED);
		g_assert_nonnull(o.exit_reason);
	}
}

/* Debian's resource-agents, unchanged: start, monitor, stop, monitor. */
static void test_heartbeat_dummy(void)
{
	static const struct { const char *action; int rc; } steps[] = {
		{ "monitor", VIGIL_OCF_NOT_RUNNING }, { "start", VIGIL_OCF_SUCCESS },
		{ "monitor", VIGIL_OCF_SUCCESS }, { "stop", VIGIL_OCF_SUCCESS },
		{ "monitor", VIGIL_OCF_NOT_RUNNING },
	};
	g_autofree char *state = g_build_filename(root, "dummy.state", NULL);

	if (!g_file_test("/usr/lib/ocf/resource.d/heartbeat/Dummy", G_FILE_TEST_IS_EXECUTABLE)) {
		if (g_getenv("CI") != NULL)
			g_error("ocf:heartbeat:Dummy is required under CI (resource-agents)");
		g_test_skip("ocf:heartbeat:Dummy is not installed (Debian: resource-agents)");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_auto(outcome) o = { 0 };
		g_autoptr(GHashTable) params = table_new();
		vigil_exec_request req = { .root = "/usr/lib/ocf", .provider = "heartbeat",
					   .type = "Dummy", .rsc_id = "dummy1",
					   .action = steps[i].action, .params = params };

		put(params, "state", state);
		run(&req, &o);
		if (o.rc != steps[i].rc)
			g_test_message("%s: rc %d, output:\n%s", steps[i].action, o.rc, o.output);
		g_assert_cmpint(o.status, ==, VIGIL_EXEC_DONE);
		g_assert_cmpint(o.rc, ==, steps[i].rc);
	}
}

/* OCF_RA_PATH, as Pacemaker's: its directories first, in order, then the configured root;
 * a name found twice is listed once and the first directory's agent runs. */
static void test_ra_path(void)
{
	g_autofree char *first = g_build_filename(root, "ra1", NULL);
	g_autofree char *second = g_build_filename(root, "resource.d", NULL);
	g_autofree char *ra_path = g_strdup_printf("%s::%s:%s", first, second, first);
	g_autofree char *own_dir = g_build_filename(first, "test", NULL);
	g_autofree char *own = g_build_filename(own_dir, "rc", NULL);
	GMainContext *ctx = g_main_context_new();
	g_autofree char *path = NULL;
	g_auto(GStrv) dirs = NULL;
	g_autoptr(GPtrArray) provs = NULL, agents = NULL;
	g_auto(outcome) o = { 0 };
	g_autoptr(GHashTable) params = table_new();
	vigil_exec_request req = { .root = NULL, .provider = "test", .type = "rc",
				   .action = "start", .params = params };

	write_agent("rc", "exit \"$OCF_RESKEY_code\"\n");
	write_agent("only-second", "exit 0\n");
	g_assert_cmpint(g_mkdir_with_parents(own_dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(own, "#!/bin/sh\nexit 7\n", -1, NULL));
	g_assert_cmpint(chmod(own, 0755), ==, 0);
	g_setenv("OCF_RA_PATH", ra_path, TRUE);

	dirs = vigil_ocf_ra_dirs();
	g_assert_cmpuint(g_strv_length(dirs), ==, 3); /* first, second, the configured root */
	g_assert_cmpstr(dirs[0], ==, first);
	g_assert_cmpstr(dirs[1], ==, second);
	path = vigil_ocf_agent_path("test", "rc");
	g_assert_cmpstr(path, ==, own);
	g_assert_null(vigil_ocf_agent_path("test", "missing"));
	g_assert_null(vigil_ocf_agent_path("..", "rc"));
	provs = vigil_ocf_list(NULL);
	g_assert_true(g_ptr_array_find_with_equal_func(provs, "test", g_str_equal, NULL));
	agents = vigil_ocf_list("test");
	g_assert_true(g_ptr_array_find_with_equal_func(agents, "only-second", g_str_equal, NULL));
	for (guint i = 1; i < agents->len; i++) /* sorted, each name once */
		g_assert_cmpint(strcmp(agents->pdata[i - 1], agents->pdata[i]), <, 0);

	/* with no root of its own, the executor runs the first directory's agent */
	put(params, "code", "0");
	vigil_exec_start(&req, ctx, on_done, &o);
	while (!o.done)
		g_main_context_iteration(ctx, TRUE);
	g_main_context_unref(ctx);
	g_assert_cmpint(o.rc, ==, VIGIL_OCF_NOT_RUNNING);
	g_unsetenv("OCF_RA_PATH");
}

int main(int argc, char **argv)
{
	int r;

	g_test_init(&argc, &argv, NULL);
	root = g_dir_make_tmp("vigil-test-exec-XXXXXX", NULL);
	g_assert_nonnull(root);
	g_test_add_func("/exec/environment", test_environment);
	g_test_add_func("/exec/return-codes", test_return_codes);
	g_test_add_func("/exec/exit-reason", test_exit_reason);
	g_test_add_func("/exec/timeout-kills-group", test_timeout_kills_group);
	g_test_add_func("/exec/cancel", test_cancel);
	g_test_add_func("/exec/not-installed", test_not_installed);
	g_test_add_func("/exec/heartbeat-dummy", test_heartbeat_dummy);
	g_test_add_func("/exec/ra-path", test_ra_path);
	g_test_add_func("/exec/fence-plug", test_fence_plug);
	g_test_add_func("/exec/fence-input", test_fence_input);
	g_test_add_func("/exec/fence-agent-run", test_fence_agent_run);
	r = g_test_run();
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

		(void)!system(cmd);
	}
	g_free(root);
	return r;
}

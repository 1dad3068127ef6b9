/* lib/exec/unit.c without a system bus: names, object paths, states, the drop-in, and an
 * action whose bus cannot be reached ends from the main loop with a clear reason (never
 * synchronously, never twice), also when it is cancelled. */
#include "config.h"

#include <string.h>

#include "exec/unit.h"

static void test_names(void)
{
	g_autofree char *a = vigil_unit_name("haproxy");
	g_autofree char *b = vigil_unit_name("sshd.socket");
	g_autofree char *c = vigil_unit_name("getty@tty1.service");
	g_autofree char *p = vigil_unit_object_path("haproxy.service");
	g_autofree char *q = vigil_unit_object_path("2x-y.service");

	g_assert_cmpstr(a, ==, "haproxy.service");
	g_assert_cmpstr(b, ==, "sshd.socket");
	g_assert_cmpstr(c, ==, "getty@tty1.service");
	g_assert_null(vigil_unit_name("../etc/passwd"));
	g_assert_null(vigil_unit_name(""));
	g_assert_null(vigil_unit_name("a b"));
	g_assert_cmpstr(p, ==, "/org/freedesktop/systemd1/unit/haproxy_2eservice");
	g_assert_cmpstr(q, ==, "/org/freedesktop/systemd1/unit/_32x_2dy_2eservice");
}

static void test_states(void)
{
	g_autofree char *o = vigil_unit_override("haproxy.service");

	g_assert_cmpint(vigil_unit_rc_of_state("active"), ==, VIGIL_OCF_SUCCESS);
	g_assert_cmpint(vigil_unit_rc_of_state("reloading"), ==, VIGIL_OCF_SUCCESS);
	g_assert_cmpint(vigil_unit_rc_of_state("failed"), ==, VIGIL_OCF_NOT_RUNNING);
	g_assert_cmpint(vigil_unit_rc_of_state("inactive"), ==, VIGIL_OCF_NOT_RUNNING);
	g_assert_cmpint(vigil_unit_rc_of_state(NULL), ==, VIGIL_OCF_NOT_RUNNING);
	g_assert_nonnull(strstr(o, "\n[Service]\nRestart=no\n"));
}

typedef struct outcome {
	int calls, rc;
	vigil_exec_status status;
	char *reason, *output;
} outcome;

static void done(const vigil_exec_result *r, gpointer user)
{
	outcome *o = user;

	o->calls++;
	o->rc = r->rc;
	o->status = r->status;
	o->reason = g_strdup(r->exit_reason);
	o->output = g_strdup(r->output);
}

static void run(const char *action, outcome *o, bool cancel)
{
	vigil_exec_request req = { .type = "haproxy", .action = action, .timeout_ms = 5000 };
	vigil_unit_action *a = vigil_unit_start(&req, NULL, done, o);

	g_assert_cmpint(o->calls, ==, 0); /* never from within the call */
	if (cancel)
		vigil_unit_cancel(a);
	while (o->calls == 0)
		g_main_context_iteration(NULL, TRUE);
	/* nothing else comes */
	for (int i = 0; i < 5; i++)
		g_main_context_iteration(NULL, FALSE);
	g_assert_cmpint(o->calls, ==, 1);
}

static void test_no_bus(void)
{
	const char *actions[] = { "start", "stop", "monitor" };

	for (size_t i = 0; i < G_N_ELEMENTS(actions); i++) {
		outcome o = { 0 };

		run(actions[i], &o, false);
		g_assert_cmpint(o.rc, ==, VIGIL_OCF_ERR_GENERIC);
		g_assert_cmpint(o.status, ==, VIGIL_EXEC_ERROR);
		g_assert_nonnull(strstr(o.reason, "cannot reach systemd on the system bus"));
		g_free(o.reason);
		g_free(o.output);
	}
}

static void test_cancel_and_meta(void)
{
	outcome c = { 0 }, m = { 0 }, u = { 0 };

	run("monitor", &c, true);
	g_assert_cmpint(c.status, ==, VIGIL_EXEC_CANCELLED);
	run("meta-data", &m, false);
	g_assert_cmpint(m.rc, ==, VIGIL_OCF_SUCCESS);
	g_assert_nonnull(strstr(m.output, "<resource-agent name=\"haproxy.service\""));
	run("promote", &u, false);
	g_assert_cmpint(u.rc, ==, VIGIL_OCF_ERR_UNIMPLEMENTED);
	g_free(c.reason);
	g_free(m.reason);
	g_free(m.output);
	g_free(u.reason);
}

int main(int argc, char **argv)
{
	/* a bus that is not there */
	g_setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/vigil-test-bus", TRUE);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/unit/names", test_names);
	g_test_add_func("/unit/states", test_states);
	g_test_add_func("/unit/no-bus", test_no_bus);
	g_test_add_func("/unit/cancel-and-meta-data", test_cancel_and_meta);
	return g_test_run();
}

#include "config.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>

#include "exec/unit.h"

#define SYSTEMD_BUS "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"
#define RUNTIME_UNITS "/run/systemd/system"
#define OVERRIDE_FILE "50-vigil.conf"
#define DEFAULT_TIMEOUT_MS 20000
#define CALL_TIMEOUT_MS 25000

/* One connection to the system bus for the whole process, and what depends on it. */
static struct {
	GDBusConnection *conn;
	guint job_removed;   /* signal subscription */
	GHashTable *jobs;    /* job object path -> vigil_unit_action* */
	GHashTable *watches; /* id -> watch* */
	guint next_watch;
} bus;

typedef struct watch {
	guint id;
	char *unit, *path;
	vigil_unit_state_fn fn;
	gpointer user;
	GDBusConnection *on; /* where sub is */
	guint sub;
} watch;

struct vigil_unit_action {
	int refs;            /* one per call in flight, one until DONE has been called */
	GMainContext *ctx;
	vigil_exec_done_fn done;
	gpointer user;
	char *unit, *action, *job;
	GCancellable *cancel;
	GSource *timeout;
	gint64 started;
	uint64_t timeout_ms;
	bool finished, cancelled;
};

/* --- names -------------------------------------------------------------------------- */

static bool has_unit_suffix(const char *name)
{
	static const char *const suffixes[] = { ".service", ".socket", ".mount", ".timer",
						".path", ".target", ".slice", ".scope" };

	for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++)
		if (g_str_has_suffix(name, suffixes[i]) && strlen(name) > strlen(suffixes[i]))
			return true;
	return false;
}

char *vigil_unit_name(const char *type)
{
	if (type == NULL || type[0] == '\0' || type[0] == '.' || strlen(type) > 200)
		return NULL;
	for (const char *p = type; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr(":-_.\\@", *p) == NULL)
			return NULL;
	return has_unit_suffix(type) ? g_strdup(type) : g_strconcat(type, ".service", NULL);
}

char *vigil_unit_object_path(const char *unit)
{
	GString *p = g_string_new(SYSTEMD_PATH "/unit/");

	/* systemd's bus_label_escape(): [A-Za-z0-9] as they are (a leading digit escaped),
	 * everything else as _XX */
	for (const char *c = unit; *c != '\0'; c++) {
		if (g_ascii_isalpha(*c) || (g_ascii_isdigit(*c) && c != unit))
			g_string_append_c(p, *c);
		else
			g_string_append_printf(p, "_%02x", (unsigned char)*c);
	}
	return g_string_free(p, FALSE);
}

char *vigil_unit_override(const char *unit)
{
	return g_strdup_printf("# written by vigild: the cluster starts, stops and recovers "
			       "this unit\n"
			       "[Unit]\nDescription=Cluster Controlled %s\n"
			       "Before=vigil.service\n\n"
			       "[Service]\nRestart=no\n", unit);
}

int vigil_unit_rc_of_state(const char *state)
{
	/* as Pacemaker reads them: a unit on its way up counts as running; "deactivating",
	 * "inactive" and "failed" do not */
	if (g_strcmp0(state, "active") == 0 || g_strcmp0(state, "reloading") == 0 ||
	    g_strcmp0(state, "activating") == 0)
		return VIGIL_OCF_SUCCESS;
	return VIGIL_OCF_NOT_RUNNING;
}

/* --- the bus ------------------------------------------------------------------------ */

static void watch_subscribe(watch *w);

static void job_removed(GDBusConnection *c, const char *sender, const char *path,
			const char *iface, const char *signal, GVariant *params, gpointer user);

static void drop_bus(void)
{
	if (bus.conn == NULL)
		return;
	g_dbus_connection_signal_unsubscribe(bus.conn, bus.job_removed);
	bus.job_removed = 0;
	g_clear_object(&bus.conn);
}

/* The system bus, connected (again, after a restart of the bus) if need be. */
static GDBusConnection *get_bus(GError **err)
{
	g_autofree char *addr = NULL;
	GHashTableIter it;
	watch *w;

	if (bus.conn != NULL && !g_dbus_connection_is_closed(bus.conn))
		return bus.conn;
	drop_bus();
	addr = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, NULL, err);
	if (addr == NULL)
		return NULL;
	bus.conn = g_dbus_connection_new_for_address_sync(
		addr,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, err);
	if (bus.conn == NULL)
		return NULL;
	g_dbus_connection_set_exit_on_close(bus.conn, FALSE);
	bus.job_removed = g_dbus_connection_signal_subscribe(
		bus.conn, SYSTEMD_BUS, MANAGER_IFACE, "JobRemoved", SYSTEMD_PATH, NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, job_removed, NULL, NULL);
	/* systemd sends its job and unit signals only to clients that subscribed */
	g_dbus_connection_call(bus.conn, SYSTEMD_BUS, SYSTEMD_PATH, MANAGER_IFACE, "Subscribe",
			       NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
	if (bus.watches != NULL) {
		g_hash_table_iter_init(&it, bus.watches);
		while (g_hash_table_iter_next(&it, NULL, (gpointer *)&w))
			watch_subscribe(w);
	}
	return bus.conn;
}

/* --- one action --------------------------------------------------------------------- */

static void defer(vigil_unit_action *a, int rc, vigil_exec_status status, char *reason,
		  bool run_meta);

static vigil_unit_action *action_ref(vigil_unit_action *a)
{
	a->refs++;
	return a;
}

static void action_unref(vigil_unit_action *a)
{
	if (--a->refs > 0)
		return;
	g_free(a->unit);
	g_free(a->action);
	g_free(a->job);
	g_object_unref(a->cancel);
	g_main_context_unref(a->ctx);
	g_free(a);
}

static void forget_job(vigil_unit_action *a)
{
	if (a->job != NULL && bus.jobs != NULL &&
	    g_hash_table_lookup(bus.jobs, a->job) == a) {
		g_hash_table_remove(bus.jobs, a->job);
		action_unref(a);
	}
}

/* Ends A (once): DONE with RC, STATUS and REASON (taken). */
static void finish(vigil_unit_action *a, int rc, vigil_exec_status status, char *reason,
		   const char *output)
{
	vigil_exec_result r = { .rc = rc, .status = status, .exit_reason = reason,
				.output = (char *)(output != NULL ? output : "") };

	if (a->finished) {
		g_free(reason);
		return;
	}
	a->finished = true;
	if (a->timeout != NULL) {
		g_source_destroy(a->timeout);
		g_source_unref(a->timeout);
		a->timeout = NULL;
	}
	forget_job(a);
	r.exec_ms = (g_get_monotonic_time() - a->started) / 1000;
	a->done(&r, a->user);
	g_free(reason);
	action_unref(a);
}

static void fail_from_error(vigil_unit_action *a, const char *what, const GError *err)
{
	g_autofree char *remote = g_dbus_error_get_remote_error(err);
	g_autofree char *msg = g_strdup(err->message);

	g_dbus_error_strip_remote_error((GError *)err);
	if (g_strcmp0(remote, "org.freedesktop.systemd1.NoSuchUnit") == 0 ||
	    g_strcmp0(remote, "org.freedesktop.systemd1.LoadFailed") == 0) {
		finish(a, VIGIL_OCF_ERR_INSTALLED, VIGIL_EXEC_NOT_INSTALLED,
		       g_strdup_printf("systemd has no unit %s", a->unit), NULL);
		return;
	}
	finish(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_ERROR,
	       g_strdup_printf("systemd refused to %s %s: %s", what, a->unit, err->message),
	       NULL);
}

/* true when a reply comes for an action that was cancelled or has ended */
static bool gone(vigil_unit_action *a, const GError *err)
{
	return a->finished || a->cancelled ||
	       g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void job_removed(GDBusConnection *c, const char *sender, const char *path,
			const char *iface, const char *signal, GVariant *params, gpointer user)
{
	const char *job = NULL, *unit = NULL, *result = NULL;
	vigil_unit_action *a;
	guint32 id;

	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(uoss)")) || bus.jobs == NULL)
		return;
	g_variant_get(params, "(u&o&s&s)", &id, &job, &unit, &result);
	a = g_hash_table_lookup(bus.jobs, job);
	if (a == NULL)
		return;
	if (strcmp(result, "done") == 0)
		finish(a, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL, NULL);
	else
		finish(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_DONE,
		       g_strdup_printf("systemd's %s job of %s ended: %s", a->action, unit,
				       result),
		       NULL);
}

static void job_queued(GObject *src, GAsyncResult *res, gpointer user)
{
	vigil_unit_action *a = user;
	g_autoptr(GError) err = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res,
								 &err);
	const char *job = NULL;

	if (gone(a, err)) {
		action_unref(a);
		return;
	}
	if (reply == NULL) {
		/* stopping a unit systemd does not know: it is not running */
		if (strcmp(a->action, "stop") == 0) {
			g_autofree char *remote = g_dbus_error_get_remote_error(err);

			if (g_strcmp0(remote, "org.freedesktop.systemd1.NoSuchUnit") == 0) {
				finish(a, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL, NULL);
				action_unref(a);
				return;
			}
		}
		fail_from_error(a, a->action, err);
		action_unref(a);
		return;
	}
	g_variant_get(reply, "(&o)", &job);
	a->job = g_strdup(job);
	if (bus.jobs == NULL)
		bus.jobs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_insert(bus.jobs, g_strdup(job), action_ref(a));
	action_unref(a);
}

static void queue_job(vigil_unit_action *a)
{
	const char *method = strcmp(a->action, "start") == 0 ? "StartUnit" : "StopUnit";
	g_autoptr(GError) err = NULL;
	GDBusConnection *c = get_bus(&err);

	if (c == NULL) {
		defer(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_ERROR,
		       g_strdup_printf("cannot reach systemd on the system bus: %s",
				       err->message),
		       false);
		return;
	}
	g_dbus_connection_call(c, SYSTEMD_BUS, SYSTEMD_PATH, MANAGER_IFACE, method,
			       g_variant_new("(ss)", a->unit, "replace"), G_VARIANT_TYPE("(o)"),
			       G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, a->cancel, job_queued,
			       action_ref(a));
}

static void reloaded(GObject *src, GAsyncResult *res, gpointer user)
{
	vigil_unit_action *a = user;
	g_autoptr(GError) err = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res,
								 &err);

	if (gone(a, err)) {
		action_unref(a);
		return;
	}
	if (reply == NULL)
		fail_from_error(a, "reload its units for", err);
	else
		queue_job(a);
	action_unref(a);
}

/* Writes UNIT's drop-in; 1 when it changed (systemd must reload), 0 when it was there
 * already or systemd keeps no runtime units here, -errno on failure. */
static int write_override(const char *unit)
{
	g_autofree char *dir = g_strconcat(RUNTIME_UNITS "/", unit, ".d", NULL);
	g_autofree char *file = g_build_filename(dir, OVERRIDE_FILE, NULL);
	g_autofree char *want = vigil_unit_override(unit);
	g_autofree char *have = NULL;

	if (!g_file_test(RUNTIME_UNITS, G_FILE_TEST_IS_DIR))
		return 0;
	if (g_file_get_contents(file, &have, NULL, NULL) && strcmp(have, want) == 0)
		return 0;
	if (g_mkdir_with_parents(dir, 0755) != 0)
		return -errno;
	if (!g_file_set_contents(file, want, -1, NULL))
		return -EIO;
	return 1;
}

static void start_job(vigil_unit_action *a)
{
	g_autoptr(GError) err = NULL;
	GDBusConnection *c;
	int r = 0;

	if (strcmp(a->action, "start") == 0)
		r = write_override(a->unit);
	if (r < 0) {
		defer(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_ERROR,
		       g_strdup_printf("cannot write %s/%s.d/" OVERRIDE_FILE ": %s",
				       RUNTIME_UNITS, a->unit, g_strerror(-r)),
		       false);
		return;
	}
	if (r == 0) {
		queue_job(a);
		return;
	}
	c = get_bus(&err);
	if (c == NULL) {
		defer(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_ERROR,
		       g_strdup_printf("cannot reach systemd on the system bus: %s",
				       err->message),
		       false);
		return;
	}
	g_dbus_connection_call(c, SYSTEMD_BUS, SYSTEMD_PATH, MANAGER_IFACE, "Reload", NULL,
			       NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, a->cancel, reloaded,
			       action_ref(a));
}

static void got_state(GObject *src, GAsyncResult *res, gpointer user)
{
	vigil_unit_action *a = user;
	g_autoptr(GError) err = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res,
								 &err);
	g_autoptr(GVariant) props = NULL;
	const char *load = NULL, *active = NULL, *sub = NULL;

	if (gone(a, err)) {
		action_unref(a);
		return;
	}
	if (reply == NULL) {
		fail_from_error(a, "describe", err);
		action_unref(a);
		return;
	}
	props = g_variant_get_child_value(reply, 0);
	g_variant_lookup(props, "LoadState", "&s", &load);
	g_variant_lookup(props, "ActiveState", "&s", &active);
	g_variant_lookup(props, "SubState", "&s", &sub);
	if (g_strcmp0(load, "not-found") == 0) {
		/* a probe on a node without the unit: not running there (validate-all: not
		 * installed) */
		if (strcmp(a->action, "validate-all") == 0)
			finish(a, VIGIL_OCF_ERR_INSTALLED, VIGIL_EXEC_NOT_INSTALLED,
			       g_strdup_printf("systemd has no unit %s", a->unit), NULL);
		else
			finish(a, VIGIL_OCF_NOT_RUNNING, VIGIL_EXEC_DONE,
			       g_strdup_printf("systemd has no unit %s", a->unit), NULL);
	} else if (strcmp(a->action, "validate-all") == 0) {
		finish(a, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL, NULL);
	} else if (vigil_unit_rc_of_state(active) == VIGIL_OCF_SUCCESS) {
		finish(a, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL, NULL);
	} else {
		finish(a, VIGIL_OCF_NOT_RUNNING, VIGIL_EXEC_DONE,
		       g_strcmp0(active, "failed") == 0 ?
			       g_strdup_printf("%s is %s (%s)", a->unit, active,
					       sub != NULL ? sub : "?") :
			       NULL,
		       NULL);
	}
	action_unref(a);
}

static void got_unit(GObject *src, GAsyncResult *res, gpointer user)
{
	vigil_unit_action *a = user;
	g_autoptr(GError) err = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res,
								 &err);
	const char *path = NULL;

	if (gone(a, err)) {
		action_unref(a);
		return;
	}
	if (reply == NULL) {
		/* LoadUnit fails only on names systemd cannot take */
		finish(a, strcmp(a->action, "validate-all") == 0 ? VIGIL_OCF_ERR_CONFIGURED :
								    VIGIL_OCF_NOT_RUNNING,
		       VIGIL_EXEC_DONE, g_strdup_printf("systemd cannot load %s: %s", a->unit,
							err->message), NULL);
		action_unref(a);
		return;
	}
	g_variant_get(reply, "(&o)", &path);
	g_dbus_connection_call(G_DBUS_CONNECTION(src), SYSTEMD_BUS, path, PROPS_IFACE, "GetAll",
			       g_variant_new("(s)", UNIT_IFACE), G_VARIANT_TYPE("(a{sv})"),
			       G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, a->cancel, got_state,
			       action_ref(a));
	action_unref(a);
}

static void read_state(vigil_unit_action *a)
{
	g_autoptr(GError) err = NULL;
	GDBusConnection *c = get_bus(&err);

	if (c == NULL) {
		defer(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_ERROR,
		       g_strdup_printf("cannot reach systemd on the system bus: %s",
				       err->message),
		       false);
		return;
	}
	g_dbus_connection_call(c, SYSTEMD_BUS, SYSTEMD_PATH, MANAGER_IFACE, "LoadUnit",
			       g_variant_new("(s)", a->unit), G_VARIANT_TYPE("(o)"),
			       G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, a->cancel, got_unit,
			       action_ref(a));
}

static char *meta_data(const char *unit)
{
	return g_strdup_printf(
		"<?xml version=\"1.0\"?>\n"
		"<resource-agent name=\"%s\" version=\"1.1\">\n"
		"  <version>1.1</version>\n"
		"  <longdesc lang=\"en\">systemd unit %s, run by vigild through systemd's D-Bus "
		"API</longdesc>\n"
		"  <shortdesc lang=\"en\">systemd unit %s</shortdesc>\n"
		"  <parameters/>\n"
		"  <actions>\n"
		"    <action name=\"start\" timeout=\"100s\"/>\n"
		"    <action name=\"stop\" timeout=\"100s\"/>\n"
		"    <action name=\"status\" timeout=\"100s\"/>\n"
		"    <action name=\"monitor\" timeout=\"100s\" interval=\"60s\"/>\n"
		"    <action name=\"meta-data\" timeout=\"5s\"/>\n"
		"  </actions>\n"
		"  <special tag=\"systemd\"/>\n"
		"</resource-agent>\n", unit, unit, unit);
}

typedef struct deferred {
	vigil_unit_action *a;
	int rc;
	vigil_exec_status status;
	char *reason, *output;
	bool run_meta;
} deferred;

/* What cannot be answered at once is answered from the main loop, as exec.h promises. */
static gboolean run_deferred(gpointer user)
{
	deferred *f = user;
	g_autofree char *out = NULL;

	/* cancelled meanwhile: the cancellation's own answer is the one that counts */
	if (f->a->cancelled && f->status != VIGIL_EXEC_CANCELLED) {
		g_free(f->reason);
		action_unref(f->a);
		g_free(f);
		return G_SOURCE_REMOVE;
	}
	if (f->run_meta)
		out = meta_data(f->a->unit);
	finish(f->a, f->rc, f->status, g_steal_pointer(&f->reason), out);
	action_unref(f->a);
	g_free(f);
	return G_SOURCE_REMOVE;
}

static void defer(vigil_unit_action *a, int rc, vigil_exec_status status, char *reason,
		  bool run_meta)
{
	deferred *f = g_new0(deferred, 1);
	GSource *s = g_idle_source_new();

	f->a = action_ref(a);
	f->rc = rc;
	f->status = status;
	f->reason = reason;
	f->run_meta = run_meta;
	g_source_set_callback(s, run_deferred, f, NULL);
	g_source_attach(s, a->ctx);
	g_source_unref(s);
}

static gboolean timed_out(gpointer user)
{
	vigil_unit_action *a = user;

	g_source_unref(a->timeout);
	a->timeout = NULL;
	g_cancellable_cancel(a->cancel);
	finish(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_TIMEOUT,
	       g_strdup_printf("systemd did not finish the %s of %s within %" G_GUINT64_FORMAT
			       " ms", a->action, a->unit, a->timeout_ms),
	       NULL);
	return G_SOURCE_REMOVE;
}

vigil_unit_action *vigil_unit_start(const vigil_exec_request *req, GMainContext *ctx,
				    vigil_exec_done_fn done, gpointer user)
{
	vigil_unit_action *a = g_new0(vigil_unit_action, 1);
	const char *act = req->action != NULL ? req->action : "";

	a->refs = 1;
	a->ctx = ctx != NULL ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	a->done = done;
	a->user = user;
	a->unit = vigil_unit_name(req->type);
	a->action = g_strdup(strcmp(act, "status") == 0 ? "monitor" : act);
	a->cancel = g_cancellable_new();
	a->started = g_get_monotonic_time();
	a->timeout_ms = req->timeout_ms != 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	if (a->unit == NULL) {
		a->unit = g_strdup(req->type != NULL ? req->type : "");
		defer(a, VIGIL_OCF_ERR_INSTALLED, VIGIL_EXEC_NOT_INSTALLED,
		      g_strdup_printf("'%s' is not a systemd unit name", a->unit), false);
		return a;
	}
	if (strcmp(a->action, "meta-data") == 0) {
		defer(a, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL, true);
		return a;
	}
	if (strcmp(a->action, "start") != 0 && strcmp(a->action, "stop") != 0 &&
	    strcmp(a->action, "monitor") != 0 && strcmp(a->action, "validate-all") != 0) {
		defer(a, VIGIL_OCF_ERR_UNIMPLEMENTED, VIGIL_EXEC_NOT_SUPPORTED,
		      g_strdup_printf("systemd units have no action '%s'", a->action), false);
		return a;
	}
	a->timeout = g_timeout_source_new((guint)MIN(a->timeout_ms, G_MAXUINT));
	g_source_set_callback(a->timeout, timed_out, a, NULL);
	g_source_attach(a->timeout, a->ctx);
	/* the calls' replies come to A's context; nothing here ends A (failures are
	 * deferred to the main loop, as exec.h promises) */
	g_main_context_push_thread_default(a->ctx);
	if (strcmp(a->action, "start") == 0 || strcmp(a->action, "stop") == 0)
		start_job(a);
	else
		read_state(a);
	g_main_context_pop_thread_default(a->ctx);
	return a;
}

void vigil_unit_cancel(vigil_unit_action *a)
{
	if (a->finished || a->cancelled)
		return;
	a->cancelled = true;
	g_cancellable_cancel(a->cancel);
	if (a->timeout != NULL) {
		g_source_destroy(a->timeout);
		g_source_unref(a->timeout);
		a->timeout = NULL;
	}
	forget_job(a);
	defer(a, VIGIL_OCF_ERR_GENERIC, VIGIL_EXEC_CANCELLED, NULL, false);
}

/* --- watches ------------------------------------------------------------------------ */

static void state_changed(GDBusConnection *c, const char *sender, const char *path,
			  const char *iface, const char *signal, GVariant *params, gpointer user)
{
	watch *w = user;
	g_autoptr(GVariant) changed = NULL;
	const char *ifname = NULL, *state = NULL;

	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
		return;
	g_variant_get_child(params, 0, "&s", &ifname);
	if (strcmp(ifname, UNIT_IFACE) != 0)
		return;
	changed = g_variant_get_child_value(params, 1);
	if (g_variant_lookup(changed, "ActiveState", "&s", &state))
		w->fn(w->unit, state, w->user);
}

static void watch_subscribe(watch *w)
{
	if (w->on != NULL) {
		g_dbus_connection_signal_unsubscribe(w->on, w->sub);
		g_clear_object(&w->on);
	}
	if (bus.conn == NULL)
		return;
	w->on = g_object_ref(bus.conn);
	w->sub = g_dbus_connection_signal_subscribe(bus.conn, SYSTEMD_BUS, PROPS_IFACE,
						    "PropertiesChanged", w->path, UNIT_IFACE,
						    G_DBUS_SIGNAL_FLAGS_NONE, state_changed, w,
						    NULL);
}

guint vigil_unit_watch(const char *unit, vigil_unit_state_fn fn, gpointer user)
{
	watch *w = g_new0(watch, 1);

	if (bus.watches == NULL)
		bus.watches = g_hash_table_new(g_direct_hash, g_direct_equal);
	w->id = ++bus.next_watch;
	w->unit = g_strdup(unit);
	w->path = vigil_unit_object_path(unit);
	w->fn = fn;
	w->user = user;
	g_hash_table_insert(bus.watches, GUINT_TO_POINTER(w->id), w);
	if (get_bus(NULL) != NULL) /* else at the next connection */
		watch_subscribe(w);
	return w->id;
}

void vigil_unit_unwatch(guint id)
{
	watch *w = bus.watches != NULL ? g_hash_table_lookup(bus.watches,
							      GUINT_TO_POINTER(id)) : NULL;

	if (w == NULL)
		return;
	g_hash_table_remove(bus.watches, GUINT_TO_POINTER(id));
	if (w->on != NULL) {
		g_dbus_connection_signal_unsubscribe(w->on, w->sub);
		g_object_unref(w->on);
	}
	g_free(w->unit);
	g_free(w->path);
	g_free(w);
}

/* vigild's clean shutdown, as Pacemaker's: asked to stop (SIGTERM, 'vigil cluster stop'),
 * a node tells the group; the DC records the node's transient attribute "shutdown", the
 * scheduler moves what runs there away, and once the CIB says nothing is active on the
 * node (and nothing runs in its executor) vigild leaves. The DC then records the node as
 * down cleanly (expected=down): no fencing. A second signal, or shutdown-escalation
 * (20 minutes by default), ends it at once. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <qb/qblog.h>

#include "common/duration.h"
#include "daemons/vigild/vigild.h"
#include "sched/sched.h"

#define ESCALATION_S (20 * 60)
#define ALL_NODES "*"

struct vigild_shutdown {
	bool requested;
	guint escalation;
};

static const char *local_name(const vigild *d)
{
	const vigil_view_node *n = vigil_view_node_find(d->view, d->view->local_nodeid);

	return n != NULL ? n->name : NULL;
}

static void finish(vigild *d, const char *why)
{
	qb_log(LOG_NOTICE, "shutting down: %s", why);
	vigild_quit(d, 0);
}

static gboolean escalate(gpointer user)
{
	vigild *d = user;

	d->shutdown->escalation = 0;
	finish(d, "shutdown-escalation reached; leaving with resources still active");
	return G_SOURCE_REMOVE;
}

static bool in_partition(vigild *d)
{
	const vigil_view_node *self = vigil_view_node_find(d->view, d->view->local_nodeid);

	return self != NULL && self->in_group && d->view->dc_nodeid != 0 && vigild_cib_synced(d);
}

static void send_request(vigild *d, const char *node, const char *task)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_SHUTDOWN,
			     .op = { .origin = d->view->local_nodeid, .rsc = "", .task = task,
				     .reason = "", .node = node } };
	g_autofree uint8_t *buf = NULL;
	size_t len;

	buf = vigil_wire_encode(&m, &len);
	vigild_corosync_send(d, buf, len);
}

/* Starts this node's shutdown (STOP_COROSYNC: corosync too, once vigild is gone). */
static void begin(vigild *d, bool stop_corosync)
{
	struct vigild_shutdown *s = d->shutdown;
	const vigil_cib *cib = vigild_cib_current(d);
	const char *v = cib != NULL ? vigil_cib_property(cib, "shutdown-escalation") : NULL;
	uint64_t ms = 0;

	d->stop_corosync |= stop_corosync;
	if (s->requested)
		return;
	s->requested = true;
	if (!in_partition(d)) {
		finish(d, "not in a cluster partition");
		return;
	}
	if (v == NULL || vigil_duration_parse_ms(v, &ms) < 0 || ms == 0)
		ms = ESCALATION_S * 1000ull;
	s->escalation = g_timeout_add_seconds((guint)MAX(ms / 1000, 1), escalate, d);
	qb_log(LOG_NOTICE, "shutting down: asking the DC to move this node's resources away");
	send_request(d, local_name(d), "shutdown");
	vigild_shutdown_check(d);
}

void vigild_shutdown_signal(vigild *d)
{
	if (d->shutdown->requested) {
		finish(d, "asked again: leaving now");
		return;
	}
	begin(d, false);
}

int vigild_shutdown_request(vigild *d, GVariant *args)
{
	gboolean all, stop_corosync;

	if (!g_variant_is_of_type(args, G_VARIANT_TYPE("(bb)")))
		return -EINVAL;
	g_variant_get(args, "(bb)", &all, &stop_corosync);
	if (all && in_partition(d)) {
		/* every member, this one included, hears it and begins */
		send_request(d, ALL_NODES, stop_corosync ? "stop" : "shutdown");
		d->stop_corosync |= stop_corosync;
		return 0;
	}
	begin(d, stop_corosync);
	return 0;
}

void vigild_shutdown_deliver(vigild *d, uint32_t sender, const vigil_wire_op *op)
{
	const char *self = local_name(d);
	bool all = strcmp(op->node, ALL_NODES) == 0;

	if (all || g_strcmp0(op->node, self) == 0) {
		if (sender != d->view->local_nodeid)
			qb_log(LOG_NOTICE, "node %" PRIu32 " asks the whole cluster to stop", sender);
		begin(d, strcmp(op->task, "stop") == 0);
	}
	if (all) {
		for (guint i = 0; i < d->view->nodes->len; i++) {
			const vigil_view_node *n = g_ptr_array_index(d->view->nodes, i);

			if (n->in_group)
				vigild_ctl_shutdown(d, n->name);
		}
	} else {
		vigild_ctl_shutdown(d, op->node);
	}
}

/* Whether CIB says this node is shutting down and nothing is active or pending on it, as
 * the scheduler reads the status. */
static bool done_here(const vigil_cib *cib, const char *self)
{
	g_autoptr(vigil_sched) s = NULL;
	const vigil_snode *n = NULL;

	if (vigil_sched_unpack(cib, (int64_t)time(NULL), &s) < 0)
		return false;
	for (guint i = 0; i < s->nodes->len && n == NULL; i++)
		if (g_strcmp0(((vigil_snode *)g_ptr_array_index(s->nodes, i))->name, self) == 0)
			n = g_ptr_array_index(s->nodes, i);
	if (n == NULL || !n->info->shutdown || n->active_count > 0)
		return false;
	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);
		guint members = r->children != NULL ? r->children->len : 0;

		for (guint k = 0; k < MAX(members, 1); k++) {
			const vigil_srsc *p = members > 0 ? g_ptr_array_index(r->children, k) : r;

			if (p->pending_node == n)
				return false;
		}
	}
	return true;
}

void vigild_shutdown_check(vigild *d)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const char *self = local_name(d);

	if (d->shutdown == NULL || !d->shutdown->requested || cib == NULL || self == NULL)
		return;
	if (vigild_exec_busy(d) || !done_here(cib, self))
		return;
	finish(d, "nothing runs here any more");
}

void vigild_shutdown_start(vigild *d)
{
	d->shutdown = g_new0(struct vigild_shutdown, 1);
}

void vigild_shutdown_stop(vigild *d)
{
	if (d->shutdown == NULL)
		return;
	if (d->shutdown->escalation != 0)
		g_source_remove(d->shutdown->escalation);
	g_clear_pointer(&d->shutdown, g_free);
}

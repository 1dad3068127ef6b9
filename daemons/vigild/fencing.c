/* vigild's fencing, as Pacemaker's fencer does it, without a daemon of its own: a request
 * (the DC's plan, or 'vigil stonith fence') goes to the DC, which chooses the device that
 * can fence the target and a member other than the target to run it; that member runs the
 * fence agent and tells everyone how it went. Every member keeps the fencing history; the
 * member a client asked answers it; the DC records the target as down; a node that learns
 * it was fenced stops at once. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <qb/qblog.h>

#include "common/duration.h"
#include "daemons/vigild/vigild.h"
#include "exec/exec.h"
#include "exec/fence.h"
#include "ipc/ipc.h"
#include "mon/status.h"
#include "sched/sched.h"

#define DEFAULT_STONITH_TIMEOUT_MS 60000
#define HISTORY_MAX 500
#define CLIENT_REASON "asked with 'vigil stonith fence'"

typedef struct fence_event {
	char *key;               /* "origin:transition:action": one request */
	vigil_wire_op op;        /* its request (strings not kept), to send it again */
	uint32_t executor_id;    /* the member that ran it, 0 if none */
	char *target, *task, *device, *executor, *origin, *reason;
	const char *state;       /* "pending", "done", "failed" (static) */
	int64_t completed_ms;    /* since the epoch; 0 while pending */
} fence_event;

typedef struct fence_client {
	qb_ipcs_connection_t *conn; /* a reference, until the reply */
	int32_t ipc_id;
} fence_client;

struct vigild_fencing {
	GQueue history;          /* of fence_event*, oldest first */
	GHashTable *by_key;      /* key -> its fence_event* (borrowed) */
	GHashTable *clients;     /* request number -> fence_client* */
	uint32_t next_request;
};

static void event_free(fence_event *e)
{
	g_free(e->key);
	g_free(e->target);
	g_free(e->task);
	g_free(e->device);
	g_free(e->executor);
	g_free(e->origin);
	g_free(e->reason);
	g_free(e);
}

static void client_free(fence_client *c)
{
	qb_ipcs_connection_unref(c->conn);
	g_free(c);
}

static const char *name_of(const vigild *d, uint32_t nodeid)
{
	const vigil_view_node *n = vigil_view_node_find(d->view, nodeid);

	return n != NULL ? n->name : "?";
}

static const char *local_name(const vigild *d)
{
	return name_of(d, d->view->local_nodeid);
}

/* ---- the history ---------------------------------------------------------------------- */

static char *key_of(const vigil_wire_op *op)
{
	return g_strdup_printf("%" PRIu32 ":%" PRIu32 ":%" PRIu32, op->origin, op->transition,
			       op->action);
}

/* The event of OP's request, made if new. */
static fence_event *event_of(vigild *d, const vigil_wire_op *op)
{
	struct vigild_fencing *f = d->fencing;
	g_autofree char *key = key_of(op);
	fence_event *e = g_hash_table_lookup(f->by_key, key);

	if (e != NULL)
		return e;
	e = g_new0(fence_event, 1);
	e->key = g_steal_pointer(&key);
	e->target = g_strdup(op->node);
	e->task = g_strdup(op->task);
	e->origin = g_strdup(op->origin != 0 ? name_of(d, op->origin) : "?");
	e->state = "pending";
	e->op = (vigil_wire_op){ .origin = op->origin, .transition = op->transition,
				 .action = op->action };
	g_queue_push_tail(&f->history, e);
	g_hash_table_insert(f->by_key, e->key, e);
	while (g_queue_get_length(&f->history) > HISTORY_MAX) {
		fence_event *old = g_queue_pop_head(&f->history);

		g_hash_table_remove(f->by_key, old->key);
		event_free(old);
	}
	return e;
}

GVariant *vigild_fencing_history(vigild *d)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE(VIGIL_FENCE_HISTORY_TYPE));
	for (GList *l = d->fencing->history.head; l != NULL; l = l->next) {
		const fence_event *e = l->data;

		g_variant_builder_add(&b, "(sssssssx)", e->target, e->task,
				      e->device != NULL ? e->device : "",
				      e->executor != NULL ? e->executor : "", e->origin, e->state,
				      e->reason != NULL ? e->reason : "", e->completed_ms);
	}
	return g_variant_new("(" VIGIL_FENCE_HISTORY_TYPE ")", &b);
}

/* ---- the DC: who fences, with what ---------------------------------------------------- */

static bool stopped_for_good(const vigil_rsc *cfg)
{
	const char *role = vigil_nvsets_get(cfg->nvsets, "meta_attributes", "target-role");

	return role != NULL && g_ascii_strcasecmp(role, "Stopped") == 0;
}

/* The first stonith device of CIB that can fence TARGET (or the one named DEVICE). */
static const vigil_rsc *device_for(const vigil_cib *cib, const char *target, const char *device)
{
	if (device != NULL && device[0] != '\0') {
		const vigil_rsc *cfg = vigil_cib_find_rsc(cib, device);

		return cfg != NULL && g_strcmp0(cfg->class_, "stonith") == 0 ? cfg : NULL;
	}
	for (guint i = 0; i < cib->resources->len; i++) {
		const vigil_rsc *cfg = g_ptr_array_index(cib->resources, i);

		if (cfg->kind == VIGIL_RSC_PRIMITIVE && g_strcmp0(cfg->class_, "stonith") == 0 &&
		    !stopped_for_good(cfg) && vigil_device_fences(cfg, target))
			return cfg;
	}
	return NULL;
}

/* The member that runs the device: this DC unless it is the target, else the first other
 * member. A node never fences itself. */
static const vigil_view_node *executor_for(const vigild *d, const char *target)
{
	const vigil_view_node *self = vigil_view_node_find(d->view, d->view->local_nodeid);

	if (self != NULL && self->in_group && g_strcmp0(self->name, target) != 0)
		return self;
	for (guint i = 0; i < d->view->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(d->view->nodes, i);

		if (n->in_group && g_strcmp0(n->name, target) != 0)
			return n;
	}
	return NULL;
}

static uint32_t timeout_for(const vigil_cib *cib, const vigil_rsc *cfg, const char *task)
{
	g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree char *name = g_strdup_printf("pcmk_%s_timeout", task);
	const char *v = vigil_cib_property(cib, "stonith-timeout");
	const char *own = vigil_nvsets_get(cfg->nvsets, "instance_attributes", name);
	uint64_t def = DEFAULT_STONITH_TIMEOUT_MS;

	if (v == NULL || vigil_duration_parse_ms(v, &def) < 0 || def == 0)
		def = DEFAULT_STONITH_TIMEOUT_MS;
	if (own != NULL)
		g_hash_table_insert(params, name, (gpointer)own);
	return (uint32_t)MIN(vigil_fence_timeout_ms(params, task, def), G_MAXUINT32);
}

static void send_op(vigild *d, vigil_wire_type type, const vigil_wire_op *op)
{
	vigil_wire_msg m = { .type = type, .op = *op };
	g_autofree uint8_t *buf = NULL;
	size_t len;

	buf = vigil_wire_encode(&m, &len);
	vigild_corosync_send(d, buf, len);
}

void vigild_fencing_dispatch(vigild *d, const vigil_wire_op *req)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const vigil_rsc *cfg = cib != NULL ? device_for(cib, req->node, req->rsc) : NULL;
	const vigil_view_node *by = executor_for(d, req->node);
	vigil_wire_op op = *req;
	g_autofree char *why = NULL;

	if (cfg == NULL)
		why = req->rsc[0] != '\0' ?
			g_strdup_printf("no stonith device '%s' in the CIB", req->rsc) :
			g_strdup_printf("no stonith device can fence %s; add one with 'vigil "
					"stonith create' whose pcmk_host_map or pcmk_host_list "
					"names it", req->node);
	else if (by == NULL)
		why = g_strdup_printf("no member other than %s can run %s", req->node, cfg->id);
	if (why != NULL) {
		/* told to everyone as a failed result: the history and the asker learn it */
		qb_log(LOG_ERR, "cannot fence %s: %s", req->node, why);
		op.rsc = req->rsc;
		op.rc = VIGIL_OCF_ERR_GENERIC;
		op.status = VIGIL_EXEC_ERROR;
		op.reason = why;
		send_op(d, VIGIL_WIRE_RESULT, &op);
		return;
	}
	op.rsc = cfg->id;
	op.target = by->nodeid;
	op.timeout_ms = timeout_for(cib, cfg, req->task);
	qb_log(LOG_NOTICE, "DC %s: %s %s with %s on %s (%s)", local_name(d), req->task,
	       req->node, cfg->id, by->name, req->reason);
	send_op(d, VIGIL_WIRE_ACTION, &op);
}

/* ---- requests, results ---------------------------------------------------------------- */

int vigild_fencing_request(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args)
{
	struct vigild_fencing *f = d->fencing;
	const char *target, *task;
	fence_client *fc;
	vigil_wire_op op = { 0 };

	if (!g_variant_is_of_type(args, G_VARIANT_TYPE("(ss)")))
		return -EINVAL;
	g_variant_get(args, "(&s&s)", &target, &task);
	if (!vigil_fence_task(task) || target[0] == '\0')
		return -EINVAL;
	if (vigil_view_node_find(d->view, d->view->dc_nodeid) == NULL)
		return -EAGAIN;
	op.origin = d->view->local_nodeid;
	op.action = ++f->next_request;
	op.rsc = "";
	op.task = task;
	op.node = target;
	op.reason = CLIENT_REASON;
	fc = g_new0(fence_client, 1);
	fc->conn = c;
	fc->ipc_id = ipc_id;
	qb_ipcs_connection_ref(c);
	g_hash_table_insert(f->clients, GUINT_TO_POINTER(op.action), fc);
	qb_log(LOG_NOTICE, "a local client asks to fence %s (%s)", target, task);
	send_op(d, VIGIL_WIRE_FENCE, &op);
	return 0;
}

void vigild_fencing_asked(vigild *d, uint32_t sender, const vigil_wire_op *op)
{
	vigil_wire_op req = *op;

	req.origin = sender; /* who asked: the sender, whatever it says */
	req.transition = 0;
	event_of(d, &req);
	vigild_ipc_notify(d);
	if (d->view->dc_nodeid == d->view->local_nodeid)
		vigild_fencing_dispatch(d, &req);
}

/* Answers the local client that asked for OP, if any. */
static void answer_client(vigild *d, const vigil_wire_op *op, const fence_event *e)
{
	fence_client *fc;

	if (op->origin != d->view->local_nodeid || op->transition != 0)
		return;
	fc = g_hash_table_lookup(d->fencing->clients, GUINT_TO_POINTER(op->action));
	if (fc == NULL)
		return;
	vigil_ipc_reply(fc->conn, fc->ipc_id, 0,
			g_variant_new("(bsss)", strcmp(e->state, "done") == 0,
				      e->executor != NULL ? e->executor : "",
				      e->device != NULL ? e->device : "",
				      e->reason != NULL ? e->reason : ""));
	g_hash_table_remove(d->fencing->clients, GUINT_TO_POINTER(op->action));
}

void vigild_fencing_seen(vigild *d, uint32_t sender, const vigil_wire_op *op, bool result)
{
	fence_event *e = event_of(d, op);
	bool ok = op->status == VIGIL_EXEC_DONE && op->rc == VIGIL_OCF_SUCCESS;

	if (op->rsc[0] != '\0') {
		g_free(e->device);
		e->device = g_strdup(op->rsc);
	}
	if (!result) {
		/* the ACTION: who runs it */
		g_free(e->executor);
		e->executor = g_strdup(name_of(d, op->target));
		e->executor_id = op->target;
		vigild_ipc_notify(d);
		return;
	}
	/* who ran it, unless nobody could (the DC's own failed result) */
	if (e->executor == NULL && op->status != VIGIL_EXEC_ERROR) {
		e->executor = g_strdup(name_of(d, sender));
		e->executor_id = sender;
	}
	e->state = ok ? "done" : "failed";
	e->completed_ms = g_get_real_time() / 1000;
	g_free(e->reason);
	e->reason = g_strdup(ok ? op->reason : op->reason[0] != '\0' ? op->reason :
			     vigil_ocf_rc_text(op->rc));
	if (!ok) {
		qb_log(LOG_ERR, "%s of %s failed: %s", op->task, op->node, e->reason);
	} else if (d->view->dc_nodeid == d->view->local_nodeid) {
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(e->completed_ms / 1000);
		g_autofree char *hms = g_date_time_format(t, "%H:%M:%S");

		qb_log(LOG_NOTICE, "DC %s: %s fenced at %s.%03d (%s by %s with %s)%s",
		       local_name(d), op->node, hms, (int)(e->completed_ms % 1000), op->task,
		       e->executor != NULL ? e->executor : "?", op->rsc,
		       strcmp(op->task, "on") != 0 ? "; what ran there can be recovered" : "");
	}
	answer_client(d, op, e);
	vigild_ctl_fenced(d, op, ok);
	vigild_ipc_notify(d);
	if (ok && strcmp(op->task, "on") != 0 && g_strcmp0(op->node, local_name(d)) == 0) {
		/* Pacemaker's fence-reaction=stop: whatever still runs here runs elsewhere soon */
		qb_log(LOG_CRIT, "this node was fenced (%s by %s with %s); vigild stops its "
		       "resources and exits. Start it again once the node is healthy.",
		       op->task, e->executor, e->device != NULL ? e->device : "?");
		vigild_exec_fenced(d);
	}
}

void vigild_fencing_membership(vigild *d)
{
	if (d->view->dc_nodeid != d->view->local_nodeid)
		return;
	for (GList *l = d->fencing->history.head; l != NULL; l = l->next) {
		const fence_event *e = l->data;
		vigil_wire_op op = e->op;
		bool ok = strcmp(e->state, "done") == 0;

		if (strcmp(e->state, "pending") == 0)
			continue;
		op.target = e->executor_id;
		op.rsc = e->device != NULL ? e->device : "";
		op.task = e->task;
		op.node = e->target;
		op.reason = e->reason != NULL ? e->reason : "";
		op.rc = ok ? VIGIL_OCF_SUCCESS : VIGIL_OCF_ERR_GENERIC;
		op.status = ok ? VIGIL_EXEC_DONE : VIGIL_EXEC_ERROR;
		op.interval_ms = (uint64_t)e->completed_ms;
		send_op(d, VIGIL_WIRE_FENCE_HISTORY, &op);
	}
}

void vigild_fencing_learn(vigild *d, const vigil_wire_op *op)
{
	g_autofree char *key = key_of(op);
	fence_event *e;

	if (g_hash_table_contains(d->fencing->by_key, key))
		return; /* known here already */
	e = event_of(d, op);
	e->state = op->status == VIGIL_EXEC_DONE && op->rc == VIGIL_OCF_SUCCESS ? "done" :
										  "failed";
	e->device = op->rsc[0] != '\0' ? g_strdup(op->rsc) : NULL;
	if (op->target != 0) {
		e->executor = g_strdup(name_of(d, op->target));
		e->executor_id = op->target;
	}
	e->reason = g_strdup(op->reason);
	e->completed_ms = (int64_t)op->interval_ms;
	vigild_ipc_notify(d);
}

void vigild_fencing_start(vigild *d)
{
	d->fencing = g_new0(struct vigild_fencing, 1);
	g_queue_init(&d->fencing->history);
	d->fencing->by_key = g_hash_table_new(g_str_hash, g_str_equal);
	d->fencing->clients = g_hash_table_new_full(NULL, NULL, NULL,
						    (GDestroyNotify)client_free);
}

void vigild_fencing_stop(vigild *d)
{
	if (d->fencing == NULL)
		return;
	g_queue_clear_full(&d->fencing->history, (GDestroyNotify)event_free);
	g_hash_table_unref(d->fencing->by_key);
	g_hash_table_unref(d->fencing->clients);
	g_clear_pointer(&d->fencing, g_free);
}

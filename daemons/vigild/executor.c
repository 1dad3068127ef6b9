/* vigild's executor: runs the actions the DC sends to this node (lib/exec), repeats
 * recurring monitors, and tells every member how each ended. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <qb/qblog.h>

#include "cluster/wire.h"
#include "daemons/vigild/vigild.h"
#include "exec/exec.h"
#include "exec/unit.h"

/* A recurring monitor of one resource on this node. */
typedef struct recurring {
	vigild *d;
	char *key;           /* "rsc_monitor_INTERVAL" */
	char *rsc, *task;
	uint64_t interval_ms;
	uint32_t timeout_ms;
	uint32_t transition, action;
	guint timer;
	vigil_exec *running;           /* a run of an OCF agent, */
	vigil_unit_action *running_unit; /* or of a systemd unit's monitor */
	guint unit_watch;              /* of a systemd unit's state */
	int last_rc;         /* what was last reported; -1 before the first run */
	bool cancelled;      /* stopped while an instance was running */
} recurring;

/* The last result of one operation of one resource on this node. */
typedef struct last_result {
	char *key;             /* "rsc\ttask\tinterval" */
	vigil_wire_op op;      /* strings owned below */
	char *rsc, *task, *reason;
} last_result;

struct vigild_exec {
	GHashTable *recurring; /* key -> recurring* */
	GQueue history;        /* of last_result*, oldest first: what a new DC must learn */
	GHashTable *last;      /* key -> its GList link in history */
	bool ran;              /* this vigild has reported a result */
	uint32_t dc;           /* the DC when the membership last changed */
};

static void last_result_free(last_result *l)
{
	g_free(l->key);
	g_free(l->rsc);
	g_free(l->task);
	g_free(l->reason);
	g_free(l);
}

/* Keeps OP as the latest result of its operation, after every other. */
static void remember(vigild *d, const vigil_wire_op *op)
{
	struct vigild_exec *x = d->exec;
	g_autofree char *key = g_strdup_printf("%s\t%s\t%" PRIu64, op->rsc, op->task,
					       op->interval_ms);
	GList *old = g_hash_table_lookup(x->last, key);
	last_result *l = g_new0(last_result, 1);

	if (old != NULL) {
		g_hash_table_remove(x->last, key);
		last_result_free(old->data);
		g_queue_delete_link(&x->history, old);
	}
	l->key = g_steal_pointer(&key);
	l->rsc = g_strdup(op->rsc);
	l->task = g_strdup(op->task);
	l->reason = g_strdup(op->reason);
	l->op = *op;
	l->op.rsc = l->rsc;
	l->op.task = l->task;
	l->op.reason = l->reason;
	g_queue_push_tail(&x->history, l);
	g_hash_table_insert(x->last, l->key, x->history.tail);
	x->ran = true;
}

static void send_msg(vigild *d, const vigil_wire_msg *m)
{
	g_autofree uint8_t *buf = NULL;
	size_t len;

	buf = vigil_wire_encode(m, &len);
	vigild_corosync_send(d, buf, len);
}

void vigild_exec_membership(vigild *d)
{
	struct vigild_exec *x = d->exec;
	vigil_wire_msg joined = { .type = VIGIL_WIRE_JOINED,
				  .flags = x->ran ? 0 : VIGIL_JOINED_FRESH };

	/* a new DC may not have recorded the last results the old one got: tell it again,
	 * in the order they happened */
	if (x->dc != d->view->dc_nodeid) {
		for (GList *l = x->history.head; l != NULL; l = l->next) {
			vigil_wire_msg m = { .type = VIGIL_WIRE_RESULT,
					     .op = ((last_result *)l->data)->op };

			send_msg(d, &m);
		}
		x->dc = d->view->dc_nodeid;
	}
	send_msg(d, &joined);
}

typedef struct one_shot {
	vigild *d;
	vigil_wire_op op;    /* strings owned below */
	char *rsc, *task;
	recurring *rec;      /* when it is a run of a recurring monitor */
} one_shot;

static void send_result(vigild *d, const vigil_wire_op *op, const vigil_exec_result *r)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_RESULT, .op = *op };

	m.op.target = d->view->local_nodeid;
	m.op.rc = r->rc;
	m.op.status = (uint32_t)r->status;
	m.op.exec_ms = (uint32_t)MIN(r->exec_ms, (int64_t)G_MAXUINT32);
	m.op.reason = r->exit_reason != NULL ? r->exit_reason : "";
	remember(d, &m.op);
	send_msg(d, &m);
}

static void recurring_free(recurring *r)
{
	if (r->timer != 0)
		g_source_remove(r->timer);
	if (r->unit_watch != 0)
		vigil_unit_unwatch(r->unit_watch);
	g_free(r->key);
	g_free(r->rsc);
	g_free(r->task);
	g_free(r);
}

static void run_recurring(recurring *r);

static gboolean recurring_due(gpointer user)
{
	recurring *r = user;

	r->timer = 0;
	run_recurring(r);
	return G_SOURCE_REMOVE;
}

static void one_shot_done(const vigil_exec_result *res, gpointer user)
{
	one_shot *o = user;
	recurring *r = o->rec;

	if (r == NULL) {
		qb_log(res->rc == 0 || (res->rc == 7 && strcmp(o->task, "monitor") == 0) ?
			       LOG_INFO : LOG_WARNING,
		       "%s %s: %s%s%s", o->task, o->rsc, vigil_ocf_rc_text(res->rc),
		       res->exit_reason != NULL ? " - " : "",
		       res->exit_reason != NULL ? res->exit_reason : "");
		send_result(o->d, &o->op, res);
	} else {
		r->running = NULL;
		r->running_unit = NULL;
		if (r->cancelled) {
			recurring_free(r);
		} else {
			/* a recurring result is news only when it changes */
			if (res->rc != r->last_rc && res->status != VIGIL_EXEC_CANCELLED) {
				if (r->last_rc >= 0)
					qb_log(LOG_WARNING, "monitor of %s every %" PRIu64 " ms: now "
					       "%s%s%s", r->rsc, r->interval_ms,
					       vigil_ocf_rc_text(res->rc),
					       res->exit_reason != NULL ? " - " : "",
					       res->exit_reason != NULL ? res->exit_reason : "");
				r->last_rc = res->rc;
				send_result(o->d, &o->op, res);
			}
			r->timer = g_timeout_add((guint)MIN(r->interval_ms, G_MAXUINT),
						 recurring_due, r);
		}
	}
	g_free(o->rsc);
	g_free(o->task);
	g_free(o);
}

typedef enum rsc_class { CLASS_OTHER, CLASS_OCF, CLASS_SYSTEMD } rsc_class;

/* The request for RSC's TASK: its agent, instance and meta attributes; and its class. */
static rsc_class build_request(const vigil_rsc *cfg, const vigil_wire_op *op,
			  vigil_exec_request *req, GHashTable *params, GHashTable *meta)
{
	for (guint i = 0; i < cfg->nvsets->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(cfg->nvsets, i);
		GHashTable *into = strcmp(set->element, "instance_attributes") == 0 ? params :
				   strcmp(set->element, "meta_attributes") == 0 ? meta : NULL;

		for (guint j = 0; into != NULL && j < set->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j);
			const char *v = p->name != NULL ?
						vigil_nvsets_get(cfg->nvsets, set->element, p->name) :
						NULL;

			if (v != NULL)
				g_hash_table_insert(into, p->name, (gpointer)v);
		}
	}
	*req = (vigil_exec_request){ .provider = cfg->provider, .type = cfg->type,
				     .rsc_id = cfg->id, .action = op->task,
				     .interval_ms = op->interval_ms, .timeout_ms = op->timeout_ms,
				     .params = params, .meta = meta };
	if (g_strcmp0(cfg->class_, "ocf") == 0)
		return CLASS_OCF;
	if (g_strcmp0(cfg->class_, "systemd") == 0)
		return CLASS_SYSTEMD;
	return CLASS_OTHER;
}

static void start_one(vigild *d, const vigil_wire_op *op, recurring *rec)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const vigil_rsc *cfg = cib != NULL ? vigil_cib_find_rsc(cib, op->rsc) : NULL;
	g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) meta = g_hash_table_new(g_str_hash, g_str_equal);
	one_shot *o = g_new0(one_shot, 1);
	vigil_exec_request req;
	rsc_class cls;

	o->d = d;
	o->rsc = g_strdup(op->rsc);
	o->task = g_strdup(op->task);
	o->op = *op;
	o->op.rsc = o->rsc;
	o->op.task = o->task;
	o->op.reason = "";
	o->rec = rec;
	if (cfg == NULL || cfg->kind != VIGIL_RSC_PRIMITIVE) {
		char why[] = "no such primitive in this node's CIB";
		vigil_exec_result r = { .rc = VIGIL_OCF_ERR_CONFIGURED, .status = VIGIL_EXEC_ERROR,
					.exit_reason = why };

		one_shot_done(&r, o);
		return;
	}
	cls = build_request(cfg, op, &req, params, meta);
	if (cls == CLASS_OTHER) {
		g_autofree char *why = g_strdup_printf("resource class '%s' is not run by this "
						       "version of vigild",
						       cfg->class_ != NULL ? cfg->class_ : "");
		vigil_exec_result r = { .rc = VIGIL_OCF_ERR_UNIMPLEMENTED,
					.status = VIGIL_EXEC_NOT_SUPPORTED, .exit_reason = why };

		one_shot_done(&r, o);
		return;
	}
	if (cls == CLASS_SYSTEMD) {
		vigil_unit_action *a = vigil_unit_start(&req, NULL, one_shot_done, o);

		if (rec != NULL)
			rec->running_unit = a;
		return;
	}
	if (rec != NULL)
		rec->running = vigil_exec_start(&req, NULL, one_shot_done, o);
	else
		vigil_exec_start(&req, NULL, one_shot_done, o);
}

static bool recurring_busy(const recurring *r)
{
	return r->running != NULL || r->running_unit != NULL;
}

/* Ends the run in progress of R; its callback comes later, with status CANCELLED. */
static void recurring_cancel_run(recurring *r)
{
	r->cancelled = true;
	if (r->running != NULL)
		vigil_exec_cancel(r->running);
	if (r->running_unit != NULL)
		vigil_unit_cancel(r->running_unit);
}

static void run_recurring(recurring *r)
{
	vigil_wire_op op = { .transition = r->transition, .action = r->action,
			     .timeout_ms = r->timeout_ms, .interval_ms = r->interval_ms,
			     .rsc = r->rsc, .task = r->task, .reason = "" };

	start_one(r->d, &op, r);
}

/* Stops the recurring monitors of RSC on this node (before it is stopped). */
static void cancel_recurring(vigild *d, const char *rsc)
{
	GHashTableIter it;
	recurring *r;

	g_hash_table_iter_init(&it, d->exec->recurring);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r)) {
		if (strcmp(r->rsc, rsc) != 0)
			continue;
		g_hash_table_iter_steal(&it);
		if (recurring_busy(r))
			recurring_cancel_run(r);
		else
			recurring_free(r);
	}
}

void vigild_exec_check_param(vigild *d, const char *name, const char *value, const char *why)
{
	const vigil_cib *cib = vigild_cib_current(d);
	GHashTableIter it;
	recurring *r;

	if (cib == NULL)
		return;
	g_hash_table_iter_init(&it, d->exec->recurring);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r)) {
		const vigil_rsc *cfg = vigil_cib_find_rsc(cib, r->rsc);
		const char *v = cfg != NULL ? vigil_nvsets_get(cfg->nvsets, "instance_attributes",
							       name) : NULL;

		if (v == NULL || strcmp(v, value) != 0 || recurring_busy(r))
			continue;
		qb_log(LOG_NOTICE, "%s %s=%s: %s; running its monitor now", r->rsc, name, value,
		       why);
		if (r->timer != 0)
			g_source_remove(r->timer);
		r->timer = 0;
		run_recurring(r);
	}
}

/* A systemd unit with a recurring monitor changed state: when it is no longer running,
 * its monitor runs now rather than at its next interval. */
static void unit_state_changed(const char *unit, const char *state, gpointer user)
{
	recurring *r = user;

	if (vigil_unit_rc_of_state(state) == VIGIL_OCF_SUCCESS || recurring_busy(r))
		return;
	qb_log(LOG_NOTICE, "%s: systemd says %s is now %s; running its monitor now", r->rsc,
	       unit, state);
	if (r->timer != 0)
		g_source_remove(r->timer);
	r->timer = 0;
	run_recurring(r);
}

/* Follows the state of R's unit when R monitors a systemd resource. */
static void watch_unit(vigild *d, recurring *r)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const vigil_rsc *cfg = cib != NULL ? vigil_cib_find_rsc(cib, r->rsc) : NULL;
	g_autofree char *unit = NULL;

	if (cfg == NULL || g_strcmp0(cfg->class_, "systemd") != 0 ||
	    strcmp(r->task, "monitor") != 0)
		return;
	unit = vigil_unit_name(cfg->type);
	if (unit != NULL)
		r->unit_watch = vigil_unit_watch(unit, unit_state_changed, r);
}

void vigild_exec_action(vigild *d, const vigil_wire_op *op)
{
	recurring *r;

	if (op->target != d->view->local_nodeid)
		return;
	qb_log(LOG_INFO, "running %s %s (interval %" PRIu64 " ms) for transition %" PRIu32,
	       op->task, op->rsc, op->interval_ms, op->transition);
	if (strcmp(op->task, "stop") == 0)
		cancel_recurring(d, op->rsc);
	if (op->interval_ms == 0) {
		start_one(d, op, NULL);
		return;
	}
	r = g_new0(recurring, 1);
	r->d = d;
	r->key = g_strdup_printf("%s_%s_%" PRIu64, op->rsc, op->task, op->interval_ms);
	r->rsc = g_strdup(op->rsc);
	r->task = g_strdup(op->task);
	r->interval_ms = op->interval_ms;
	r->timeout_ms = op->timeout_ms;
	r->transition = op->transition;
	r->action = op->action;
	r->last_rc = -1;
	/* the same monitor asked again (a new DC): it replaces the one running */
	if (g_hash_table_contains(d->exec->recurring, r->key)) {
		recurring *old = g_hash_table_lookup(d->exec->recurring, r->key);

		g_hash_table_steal(d->exec->recurring, r->key);
		if (recurring_busy(old))
			recurring_cancel_run(old);
		else
			recurring_free(old);
	}
	g_hash_table_insert(d->exec->recurring, r->key, r);
	watch_unit(d, r);
	run_recurring(r);
}

void vigild_exec_start(vigild *d)
{
	d->exec = g_new0(struct vigild_exec, 1);
	d->exec->recurring = g_hash_table_new(g_str_hash, g_str_equal);
	d->exec->last = g_hash_table_new(g_str_hash, g_str_equal);
	g_queue_init(&d->exec->history);
}

void vigild_exec_stop(vigild *d)
{
	GHashTableIter it;
	recurring *r;

	if (d->exec == NULL)
		return;
	g_hash_table_iter_init(&it, d->exec->recurring);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r)) {
		/* their callbacks never come: we are done */
		if (r->running != NULL)
			vigil_exec_cancel(r->running);
		if (r->running_unit != NULL)
			vigil_unit_cancel(r->running_unit);
		r->running = NULL;
		r->running_unit = NULL;
		recurring_free(r);
	}
	g_hash_table_unref(d->exec->recurring);
	g_hash_table_unref(d->exec->last);
	g_queue_clear_full(&d->exec->history, (GDestroyNotify)last_result_free);
	g_clear_pointer(&d->exec, g_free);
}

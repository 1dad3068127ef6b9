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
#include "exec/fence.h"
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
	bool again;          /* news came during a run, which may have looked before it: run
			      * again as soon as it ends */
} recurring;

/* The last result of one operation of one resource on this node. */
typedef struct last_result {
	char *key;             /* "rsc\ttask\tinterval" */
	vigil_wire_op op;      /* strings owned below */
	char *rsc, *task, *reason;
} last_result;

/* What a resource was last run with here: a resource deleted from the CIB is still stopped
 * (and its monitors cancelled) with the agent and parameters it was started with, as
 * Pacemaker's executor remembers them. */
typedef struct known_rsc {
	char *class_, *provider, *type;
	GHashTable *params, *meta; /* owned strings */
} known_rsc;

struct vigild_exec {
	GHashTable *known;     /* rsc id -> known_rsc* */
	GHashTable *devices;   /* ids of the stonith devices started here (Pacemaker's
				* "registered with the fencer") */
	GHashTable *recurring; /* key -> recurring* */
	GQueue history;        /* of last_result*, oldest first: what a new DC must learn */
	GHashTable *last;      /* key -> its GList link in history */
	bool fenced;           /* this node was fenced: it stops everything and exits */
	unsigned busy;         /* actions sent here (not recurring monitors) still running */
	unsigned stopping;     /* stops still running since */
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
	l->op.node = "";
	g_queue_push_tail(&x->history, l);
	g_hash_table_insert(x->last, l->key, x->history.tail);
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
	guint n = MIN(g_queue_get_length(&x->history), 0xFFFFu);
	vigil_wire_msg joined = { .type = VIGIL_WIRE_JOINED,
				  .flags = VIGIL_JOINED_FRESH | (n << VIGIL_JOINED_REPLAY_SHIFT) };
	GList *l = x->history.head;

	/* after every membership change the DC replaces this node's history with what this
	 * vigild knows, in the order it happened: a copy of the CIB that won a merge, or a
	 * DC that missed results, cannot leave a stale history behind */
	send_msg(d, &joined);
	for (guint skip = g_queue_get_length(&x->history) - n; skip > 0; skip--)
		l = l->next;
	for (; l != NULL; l = l->next) {
		vigil_wire_msg m = { .type = VIGIL_WIRE_RESULT,
				     .op = ((last_result *)l->data)->op };

		send_msg(d, &m);
	}
}

typedef struct one_shot {
	vigild *d;
	vigil_wire_op op;    /* strings owned below */
	char *rsc, *task, *node;
	recurring *rec;      /* when it is a run of a recurring monitor */
	bool device;         /* of a stonith device */
} one_shot;

static void send_result(vigild *d, const vigil_wire_op *op, const vigil_exec_result *r)
{
	vigil_wire_msg m = { .type = VIGIL_WIRE_RESULT, .op = *op };

	m.op.target = d->view->local_nodeid;
	m.op.rc = r->rc;
	m.op.status = (uint32_t)r->status;
	m.op.exec_ms = (uint32_t)MIN(r->exec_ms, (int64_t)G_MAXUINT32);
	m.op.reason = r->exit_reason != NULL ? r->exit_reason : "";
	/* fencing is no resource's history: the fencing history keeps it (fencing.c) */
	if (m.op.node[0] == '\0')
		remember(d, &m.op);
	send_msg(d, &m);
}

static void recurring_free(recurring *r)
{
	if (r->timer != 0)
		g_source_remove(r->timer);
	if (r->unit_watch != 0)
		vigild_units(NULL)->unwatch(r->unit_watch);
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
		o->d->exec->busy--;
		/* a stonith device's fencing is logged by device_done() */
		if (!o->device)
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
			r->timer = g_timeout_add(r->again ? 0 : (guint)MIN(r->interval_ms,
									      G_MAXUINT),
						 recurring_due, r);
			r->again = false;
		}
	}
	g_free(o->rsc);
	g_free(o->task);
	g_free(o->node);
	if (r == NULL && o->d->exec->busy == 0)
		vigild_shutdown_check(o->d);
	g_free(o);
}

bool vigild_exec_busy(vigild *d)
{
	return d->exec->busy > 0;
}

/* A stonith device's action ended: a fence agent exits 0 or fails, whatever the code; a
 * device that started (or monitors fine) is registered here, one that stopped is not. */
static void device_done(const vigil_exec_result *res, gpointer user)
{
	one_shot *o = user;
	vigil_exec_result r = *res;
	GHashTable *devices = o->d->exec->devices;

	if (r.rc != VIGIL_OCF_SUCCESS)
		r.rc = VIGIL_OCF_ERR_GENERIC;
	if (o->op.node[0] != '\0') {
		qb_log(r.rc == VIGIL_OCF_SUCCESS ? LOG_NOTICE : LOG_ERR,
		       "%s of %s with %s: %s%s%s (%" PRId64 " ms)", o->task, o->node, o->rsc,
		       r.rc == VIGIL_OCF_SUCCESS ? "done" : "failed",
		       r.exit_reason != NULL ? " - " : "",
		       r.exit_reason != NULL ? r.exit_reason : "", r.exec_ms);
	} else if (strcmp(o->task, "start") == 0 && r.rc == VIGIL_OCF_SUCCESS) {
		g_hash_table_add(devices, g_strdup(o->rsc));
	}
	one_shot_done(&r, o);
}

typedef enum rsc_class { CLASS_OTHER, CLASS_OCF, CLASS_SYSTEMD, CLASS_STONITH } rsc_class;

static void known_rsc_free(known_rsc *k)
{
	g_free(k->class_);
	g_free(k->provider);
	g_free(k->type);
	g_hash_table_unref(k->params);
	g_hash_table_unref(k->meta);
	g_free(k);
}

static GHashTable *copy_table(GHashTable *from)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, from);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(t, g_strdup(k), g_strdup(v));
	return t;
}

static rsc_class class_of(const char *class_)
{
	if (g_strcmp0(class_, "ocf") == 0)
		return CLASS_OCF;
	if (g_strcmp0(class_, "systemd") == 0)
		return CLASS_SYSTEMD;
	if (g_strcmp0(class_, "stonith") == 0)
		return CLASS_STONITH;
	return CLASS_OTHER;
}

/* Remembers what RSC runs with (its configuration now). */
static void remember_rsc(vigild *d, const vigil_rsc *cfg, GHashTable *params, GHashTable *meta)
{
	known_rsc *k = g_new0(known_rsc, 1);

	k->class_ = g_strdup(cfg->class_);
	k->provider = g_strdup(cfg->provider);
	k->type = g_strdup(cfg->type);
	k->params = copy_table(params);
	k->meta = copy_table(meta);
	g_hash_table_replace(d->exec->known, g_strdup(cfg->id), k);
}

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
	return class_of(cfg->class_);
}

static void fail_now(one_shot *o, int rc, vigil_exec_status status, char *why)
{
	vigil_exec_result r = { .rc = rc, .status = status, .exit_reason = why };

	one_shot_done(&r, o);
	g_free(why);
}

/* A fencing that waits for its delay (priority-fencing-delay, pcmk_delay_base, pcmk_delay_max)
 * before its agent. */
typedef struct delayed_fence {
	one_shot *o;
	char *program, *input;
	uint64_t timeout_ms;
} delayed_fence;

static gboolean fence_now(gpointer user)
{
	delayed_fence *f = user;
	vigil_exec_request req = { .program = f->program, .input = f->input,
				   .timeout_ms = f->timeout_ms };

	vigil_exec_start(&req, NULL, device_done, f->o);
	g_free(f->program);
	g_free(f->input);
	g_free(f);
	return G_SOURCE_REMOVE;
}

/* What a stonith device's action is, as Pacemaker's executor and fencer run it: a start
 * checks the device (the agent's monitor) and registers it; a stop unregisters it; a
 * probe asks whether it is registered; a recurring monitor runs the agent's monitor; a
 * fencing action runs the agent against its target. */
static void run_device(vigild *d, one_shot *o, vigil_exec_request *req)
{
	bool registered = g_hash_table_contains(d->exec->devices, o->rsc);
	bool fencing = o->node[0] != '\0';
	g_autofree char *path = vigil_fence_agent_path(req->type);
	g_autofree char *input = NULL;
	vigil_exec *e;

	o->device = true;
	if (!fencing && strcmp(o->task, "stop") == 0) {
		g_hash_table_remove(d->exec->devices, o->rsc);
		fail_now(o, VIGIL_OCF_SUCCESS, VIGIL_EXEC_DONE, NULL);
		return;
	}
	if (!fencing && strcmp(o->task, "monitor") == 0 && (!registered || o->op.interval_ms == 0)) {
		fail_now(o, registered ? VIGIL_OCF_SUCCESS : VIGIL_OCF_NOT_RUNNING,
			 VIGIL_EXEC_DONE, NULL);
		return;
	}
	if (!fencing && strcmp(o->task, "start") != 0 && strcmp(o->task, "monitor") != 0) {
		fail_now(o, VIGIL_OCF_ERR_UNIMPLEMENTED, VIGIL_EXEC_NOT_SUPPORTED,
			 g_strdup_printf("a stonith device has no '%s' action", o->task));
		return;
	}
	if (path == NULL) {
		fail_now(o, VIGIL_OCF_ERR_INSTALLED, VIGIL_EXEC_NOT_INSTALLED,
			 g_strdup_printf("no fence agent '%s' installed here (looked in %s)",
					 req->type != NULL ? req->type : "",
					 g_getenv("VIGIL_FENCE_PATH") != NULL ?
						 g_getenv("VIGIL_FENCE_PATH") : SBINDIR ":/usr/sbin"));
		return;
	}
	input = vigil_fence_input(req->params, fencing ? o->task : "monitor",
				  fencing ? o->node : NULL);
	req->program = path;
	req->input = input;
	if (fencing) {
		uint64_t own = vigil_fence_delay_ms(req->params, o->task, o->node,
						    g_random_double());
		uint64_t delay = own + o->op.priority_delay_ms;
		delayed_fence *f;

		if (delay > 0) {
			qb_log(LOG_NOTICE, "fencing %s with %s in %" PRIu64 " ms (%s%s%s)", o->node,
			       o->rsc, delay,
			       o->op.priority_delay_ms > 0 ? "priority-fencing-delay: it runs what "
							     "matters most" : "",
			       o->op.priority_delay_ms > 0 && own > 0 ? ", then " : "",
			       own > 0 ? "pcmk_delay_base, pcmk_delay_max" : "");
			f = g_new0(delayed_fence, 1);
			f->o = o;
			f->program = g_steal_pointer(&path);
			f->input = g_steal_pointer(&input);
			f->timeout_ms = req->timeout_ms;
			g_timeout_add((guint)MIN(delay, G_MAXUINT), fence_now, f);
			return;
		}
	}
	e = vigil_exec_start(req, NULL, device_done, o);
	if (o->rec != NULL)
		o->rec->running = e;
}

static void start_one(vigild *d, const vigil_wire_op *op, recurring *rec)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const vigil_rsc *cfg = cib != NULL ? vigil_cib_find_rsc(cib, op->rsc) : NULL;
	const known_rsc *k = g_hash_table_lookup(d->exec->known, op->rsc);
	g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) meta = g_hash_table_new(g_str_hash, g_str_equal);
	one_shot *o = g_new0(one_shot, 1);
	bool stop = strcmp(op->task, "stop") == 0;
	const char *class_;
	vigil_exec_request req;
	rsc_class cls;

	o->d = d;
	o->rsc = g_strdup(op->rsc);
	o->task = g_strdup(op->task);
	o->op = *op;
	o->op.rsc = o->rsc;
	o->op.task = o->task;
	o->op.reason = "";
	o->node = g_strdup(op->node != NULL ? op->node : "");
	o->op.node = o->node;
	o->rec = rec;
	if (rec == NULL)
		d->exec->busy++;
	if (cfg != NULL && cfg->kind == VIGIL_RSC_PRIMITIVE) {
		cls = build_request(cfg, op, &req, params, meta);
		class_ = cfg->class_;
		if (cls != CLASS_OTHER && !stop)
			remember_rsc(d, cfg, params, meta);
	} else if (k != NULL && (stop || strcmp(op->task, "monitor") == 0)) {
		/* deleted from the CIB: stopped (or probed) as it was started */
		req = (vigil_exec_request){ .provider = k->provider, .type = k->type,
					    .rsc_id = o->rsc, .action = o->task,
					    .interval_ms = op->interval_ms,
					    .timeout_ms = op->timeout_ms, .params = k->params,
					    .meta = k->meta };
		cls = class_of(k->class_);
		class_ = k->class_;
	} else {
		fail_now(o, VIGIL_OCF_ERR_CONFIGURED, VIGIL_EXEC_ERROR,
			 g_strdup("no such primitive in this node's CIB, and never run here"));
		return;
	}
	if (cls == CLASS_OTHER) {
		fail_now(o, VIGIL_OCF_ERR_UNIMPLEMENTED, VIGIL_EXEC_NOT_SUPPORTED,
			 g_strdup_printf("resource class '%s' is not run by this version of vigild",
					 class_ != NULL ? class_ : ""));
		return;
	}
	if (cls == CLASS_STONITH) {
		run_device(d, o, &req);
		return;
	}
	/* both runners copy what they need of REQ before they return */
	if (cls == CLASS_SYSTEMD) {
		const char *why = NULL;
		const vigil_unit_ops *units = vigild_units(&why);
		vigil_unit_action *a;

		if (units == NULL) {
			fail_now(o, VIGIL_OCF_ERR_INSTALLED, VIGIL_EXEC_NOT_INSTALLED, g_strdup(why));
			return;
		}
		a = units->start(&req, NULL, one_shot_done, o);

		if (rec != NULL)
			rec->running_unit = a;
	} else if (rec != NULL) {
		rec->running = vigil_exec_start(&req, NULL, one_shot_done, o);
	} else {
		vigil_exec_start(&req, NULL, one_shot_done, o);
	}
	if (stop && cfg == NULL)
		g_hash_table_remove(d->exec->known, op->rsc);
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
		vigild_units(NULL)->cancel(r->running_unit);
}

/* Ends R: now, or once the run in progress has ended. */
static void recurring_end(recurring *r)
{
	if (recurring_busy(r))
		recurring_cancel_run(r);
	else
		recurring_free(r);
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
		recurring_end(r);
	}
}

/* News of R's resource (it may have failed): its monitor runs now, or, when a run is in
 * progress (which may have looked before the news), again as soon as that run ends. */
static void monitor_now(recurring *r)
{
	if (recurring_busy(r)) {
		r->again = true;
		return;
	}
	if (r->timer != 0)
		g_source_remove(r->timer);
	r->timer = 0;
	run_recurring(r);
}

/* What monitor_now(R) will do, for the log line before it. */
static const char *monitor_now_says(const recurring *r)
{
	return recurring_busy(r) ? "its monitor runs again as soon as the run in progress ends" :
	       "running its monitor now";
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

		if (v == NULL || strcmp(v, value) != 0)
			continue;
		qb_log(LOG_NOTICE, "%s %s=%s: %s; %s", r->rsc, name, value, why,
		       monitor_now_says(r));
		monitor_now(r);
	}
}

/* A systemd unit with a recurring monitor changed state: when it is no longer running,
 * its monitor runs now rather than at its next interval. */
static void unit_state_changed(const char *unit, const char *state, gpointer user)
{
	recurring *r = user;

	if (vigild_units(NULL)->rc_of_state(state) == VIGIL_OCF_SUCCESS)
		return;
	qb_log(LOG_NOTICE, "%s: systemd says %s is now %s; %s", r->rsc, unit, state,
	       monitor_now_says(r));
	monitor_now(r);
}

/* Follows the state of R's unit when R monitors a systemd resource. */
static void watch_unit(vigild *d, recurring *r)
{
	const vigil_cib *cib = vigild_cib_current(d);
	const vigil_rsc *cfg = cib != NULL ? vigil_cib_find_rsc(cib, r->rsc) : NULL;
	const vigil_unit_ops *units;
	g_autofree char *unit = NULL;

	if (cfg == NULL || g_strcmp0(cfg->class_, "systemd") != 0 ||
	    strcmp(r->task, "monitor") != 0 || (units = vigild_units(NULL)) == NULL)
		return;
	unit = units->name(cfg->type);
	if (unit != NULL)
		r->unit_watch = units->watch(unit, unit_state_changed, r);
}

void vigild_exec_action(vigild *d, const vigil_wire_op *op)
{
	recurring *r;

	if (op->target != d->view->local_nodeid || d->exec->fenced)
		return;
	if (op->node[0] != '\0') {
		qb_log(LOG_NOTICE, "fencing %s (%s) with %s, for %s", op->node, op->task, op->rsc,
		       op->reason);
		start_one(d, op, NULL);
		return;
	}
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
		recurring_end(old);
	}
	g_hash_table_insert(d->exec->recurring, r->key, r);
	watch_unit(d, r);
	run_recurring(r);
}

/* ---- fenced: stop everything, then exit ----------------------------------------------- */

typedef struct last_stop {
	vigild *d;
	char *rsc;
} last_stop;

static void last_stop_done(const vigil_exec_result *res, gpointer user)
{
	last_stop *l = user;

	qb_log(res->rc == VIGIL_OCF_SUCCESS ? LOG_NOTICE : LOG_ERR, "stop %s: %s%s%s", l->rsc,
	       vigil_ocf_rc_text(res->rc), res->exit_reason != NULL ? " - " : "",
	       res->exit_reason != NULL ? res->exit_reason : "");
	if (--l->d->exec->stopping == 0)
		vigild_quit(l->d, VIGILD_EXIT_FENCED);
	g_free(l->rsc);
	g_free(l);
}

void vigild_exec_fenced(vigild *d)
{
	struct vigild_exec *x = d->exec;
	GHashTableIter it;
	gpointer id;
	known_rsc *k;
	recurring *r;

	if (x->fenced)
		return;
	x->fenced = true;
	g_hash_table_iter_init(&it, x->recurring);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r)) {
		g_hash_table_iter_steal(&it);
		recurring_end(r);
	}
	x->stopping = 1; /* until every stop is under way */
	g_hash_table_iter_init(&it, x->known);
	while (g_hash_table_iter_next(&it, &id, (gpointer *)&k)) {
		vigil_exec_request req = { .provider = k->provider, .type = k->type, .rsc_id = id,
					   .action = "stop", .params = k->params, .meta = k->meta };
		last_stop *l;

		if (class_of(k->class_) != CLASS_OCF && class_of(k->class_) != CLASS_SYSTEMD)
			continue;
		if (class_of(k->class_) == CLASS_SYSTEMD && vigild_units(NULL) == NULL)
			continue; /* it cannot be stopped from here: said when it was loaded */
		l = g_new0(last_stop, 1);
		l->d = d;
		l->rsc = g_strdup(id);
		x->stopping++;
		if (class_of(k->class_) == CLASS_SYSTEMD)
			vigild_units(NULL)->start(&req, NULL, last_stop_done, l);
		else
			vigil_exec_start(&req, NULL, last_stop_done, l);
	}
	if (--x->stopping == 0)
		vigild_quit(d, VIGILD_EXIT_FENCED);
}

void vigild_exec_start(vigild *d)
{
	d->exec = g_new0(struct vigild_exec, 1);
	d->exec->known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					       (GDestroyNotify)known_rsc_free);
	d->exec->recurring = g_hash_table_new(g_str_hash, g_str_equal);
	d->exec->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
			vigild_units(NULL)->cancel(r->running_unit);
		r->running = NULL;
		r->running_unit = NULL;
		recurring_free(r);
	}
	g_hash_table_unref(d->exec->recurring);
	g_hash_table_unref(d->exec->known);
	g_hash_table_unref(d->exec->devices);
	g_hash_table_unref(d->exec->last);
	g_queue_clear_full(&d->exec->history, (GDestroyNotify)last_result_free);
	g_clear_pointer(&d->exec, g_free);
}

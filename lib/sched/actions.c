/* Actions: what must happen to get from where resources are to where placement put them
 * (stops, starts, fencing, group pseudo actions), the orderings between them, and the
 * propagation of "required" and "unrunnable" along those orderings, as Pacemaker 2.1.5's
 * scheduler does it, so that the Transition Summary reads the same. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/arena.h"
#include "common/duration.h"
#include "common/score.h"
#include "sched/sched-private.h"

bool vigil_action_in_graph(const vigil_action *a)
{
	return (a->flags & VIGIL_ACT_OPTIONAL) == 0 && (a->flags & VIGIL_ACT_RUNNABLE) != 0;
}

const char *vigil_task_name(vigil_task task)
{
	switch (task) {
	case VIGIL_TASK_STOP: return "stop";
	case VIGIL_TASK_START: return "start";
	case VIGIL_TASK_MONITOR: return "monitor";
	case VIGIL_TASK_STOPPED: return "stopped";
	case VIGIL_TASK_RUNNING: return "running";
	case VIGIL_TASK_FENCE: return "stonith";
	}
	return "?";
}

static bool is_group(const vigil_srsc *r)
{
	return r != NULL && r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP;
}

static bool has(unsigned flags, unsigned f)
{
	return (flags & f) != 0;
}

vigil_action *vigil_find_action(const vigil_srsc *r, vigil_task task, const vigil_snode *node)
{
	for (guint i = 0; r != NULL && i < r->actions->len; i++) {
		vigil_action *a = g_ptr_array_index(r->actions, i);

		if (a->task == task && (node == NULL || a->node == node) && a->interval_ms == 0)
			return a;
	}
	return NULL;
}

/* --- creating actions ------------------------------------------------------------------- */

static void set_reason(vigil_action *a, const char *reason, bool overwrite)
{
	if (a->reason != NULL && !overwrite)
		return;
	g_free(a->reason);
	a->reason = g_strdup(reason);
}

/* Whether starting R needs quorum or fencing (Pacemaker's "requires" and its default:
 * quorum for fencing devices, fencing where it is enabled, nothing when quorum is
 * ignored, quorum otherwise). */
static bool start_needs_something(const vigil_sched *s, const vigil_srsc *r)
{
	const char *req = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "requires") : NULL;

	if (req != NULL)
		return strcmp(req, "nothing") != 0;
	if (r->cfg != NULL && g_strcmp0(r->cfg->class_, "stonith") == 0)
		return true;
	return s->opts.stonith_enabled || s->opts.no_quorum_policy != VIGIL_NQP_IGNORE;
}

bool vigil_srsc_needs_fencing(const vigil_sched *s, const vigil_srsc *r)
{
	const char *req = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "requires") : NULL;

	if (req != NULL)
		return strcmp(req, "fencing") == 0 || strcmp(req, "unfencing") == 0;
	return s->opts.stonith_enabled &&
	       !(r->cfg != NULL && g_strcmp0(r->cfg->class_, "stonith") == 0);
}

static bool needs_quorum(const vigil_sched *s, const vigil_action *a)
{
	if (a->task != VIGIL_TASK_START)
		return false;
	if (a->rsc->start_needs < 0)
		a->rsc->start_needs = start_needs_something(s, a->rsc);
	return a->rsc->start_needs;
}

/* Pacemaker's runnable checks in custom_action(). */
static void evaluate_runnable(const vigil_sched *s, vigil_action *a)
{
	const vigil_srsc *r = a->rsc;

	if (has(a->flags, VIGIL_ACT_PSEUDO))
		return;
	/* an unmanaged resource's actions on a node are never required, but may still be
	 * runnable; one for no node yet keeps what was asked (update_action_optional()) */
	if (!r->managed && a->task != VIGIL_TASK_MONITOR && a->node != NULL)
		a->flags |= VIGIL_ACT_OPTIONAL;
	if (a->node == NULL) {
		a->flags &= ~VIGIL_ACT_RUNNABLE;
	} else if (!a->node->info->online || a->node->info->pending) {
		a->flags &= ~VIGIL_ACT_RUNNABLE;
	} else if (!needs_quorum(s, a)) {
		/* an action that needs nothing loses any reason it had (Pacemaker resets it) */
		g_clear_pointer(&a->reason, g_free);
		a->flags |= VIGIL_ACT_RUNNABLE;
	} else if (s->opts.have_quorum || s->opts.no_quorum_policy == VIGIL_NQP_IGNORE) {
		a->flags |= VIGIL_ACT_RUNNABLE;
	} else if (s->opts.no_quorum_policy == VIGIL_NQP_FREEZE) {
		if (r->running_on->len == 0 || r->next_role > r->role) {
			a->flags &= ~VIGIL_ACT_RUNNABLE;
			set_reason(a, "quorum freeze", true);
		}
	} else {
		a->flags &= ~VIGIL_ACT_RUNNABLE;
		set_reason(a, "no quorum", true);
	}
}

static vigil_action *action_new(vigil_sched *s, vigil_srsc *r, vigil_task task, vigil_snode *node,
				bool optional)
{
	vigil_action *a = vigil_arena_alloc0(s->arena, sizeof(*a));

	a->id = s->actions->len;
	a->rsc = r;
	a->task = task;
	a->node = node;
	a->flags = VIGIL_ACT_RUNNABLE | (optional ? VIGIL_ACT_OPTIONAL : 0);
	/* room for the few orderings an action has as a rule, without growing one by one */
	a->before = g_ptr_array_sized_new(4);
	a->after = g_ptr_array_sized_new(4);
	g_ptr_array_add(s->actions, a);
	if (r != NULL)
		g_ptr_array_add(r->actions, a);
	return a;
}

/* Pacemaker's custom_action(): the action of R for TASK on NODE, created if new. */
static vigil_action *rsc_action(vigil_sched *s, vigil_srsc *r, vigil_task task, vigil_snode *node,
				bool optional)
{
	vigil_action *a = NULL;

	for (guint i = 0; i < r->actions->len && a == NULL; i++) {
		vigil_action *x = g_ptr_array_index(r->actions, i);

		if (x->task == task && x->node == node && x->interval_ms == 0)
			a = x;
	}
	/* an action created before placement, for no node yet, is this one */
	for (guint i = 0; i < r->actions->len && a == NULL && node != NULL; i++) {
		vigil_action *x = g_ptr_array_index(r->actions, i);

		if (x->task == task && x->node == NULL && x->interval_ms == 0 &&
		    !has(x->flags, VIGIL_ACT_PSEUDO)) {
			x->node = node;
			a = x;
		}
	}
	if (a == NULL)
		a = action_new(s, r, task, node, optional);
	else if (!optional)
		a->flags &= ~VIGIL_ACT_OPTIONAL;
	evaluate_runnable(s, a);
	return a;
}

static vigil_action *pseudo_action(vigil_sched *s, vigil_srsc *r, vigil_task task, bool runnable)
{
	vigil_action *a = action_new(s, r, task, NULL, true);

	a->flags |= VIGIL_ACT_PSEUDO;
	if (!runnable)
		a->flags &= ~VIGIL_ACT_RUNNABLE;
	return a;
}

/* --- orderings --------------------------------------------------------------------------- */

static void order_actions(vigil_sched *s, vigil_action *first, vigil_action *then, unsigned type)
{
	vigil_ordering *o;

	if (first == NULL || then == NULL || first == then || type == 0)
		return;
	for (guint i = 0; i < first->after->len; i++) {
		vigil_ordering *x = g_ptr_array_index(first->after, i);

		if (x->then == then && (x->type & type) != 0)
			return;
	}
	o = vigil_arena_alloc0(s->arena, sizeof(*o));
	o->first = first;
	o->then = then;
	o->type = type;
	g_ptr_array_add(s->orderings, o);
	/* Pacemaker prepends: the newest ordering is looked at first */
	g_ptr_array_insert(first->after, 0, o);
	g_ptr_array_insert(then->before, 0, o);
}

/* A resource-level ordering, expanded into actions once every action exists. */
typedef struct rsc_ordering {
	vigil_srsc *first, *then;
	vigil_task ft, tt;
	unsigned type;
	vigil_action *first_action; /* a given action instead of FIRST's FT ones */
} rsc_ordering;

static void order_rsc(vigil_sched *s, vigil_srsc *first, vigil_task ft, vigil_srsc *then,
		      vigil_task tt, unsigned type)
{
	rsc_ordering o = { first, then, ft, tt, type, NULL };

	g_array_append_val(s->rsc_orderings, o);
}

static void order_rsc_action(vigil_sched *s, vigil_action *first, vigil_srsc *then, vigil_task tt,
			     unsigned type)
{
	rsc_ordering o = { first->rsc, then, first->task, tt, type, first };

	g_array_append_val(s->rsc_orderings, o);
}

/* FIRST before every THEN_TASK action of THEN. */
static void expand_action_ordering(vigil_sched *s, vigil_action *first, vigil_srsc *then,
				   vigil_task tt, unsigned type)
{
	for (guint j = 0; j < then->actions->len; j++) {
		vigil_action *b = g_ptr_array_index(then->actions, j);

		if (b->task == tt)
			order_actions(s, first, b, type);
	}
}

/* Every FIRST_TASK action of FIRST (created, unrunnable, if there is none, unless it is a
 * stop of something stopped) before every THEN_TASK action of THEN. */
static void expand_ordering(vigil_sched *s, vigil_srsc *first, vigil_task ft, vigil_srsc *then,
			    vigil_task tt, unsigned type)
{
	bool any = false;

	/* ordering adds no action: FIRST's list stays as it is while it is walked */
	for (guint i = 0; i < first->actions->len; i++) {
		vigil_action *a = g_ptr_array_index(first->actions, i);

		if (a->task == ft) {
			expand_action_ordering(s, a, then, tt, type);
			any = true;
		}
	}
	if (any || (ft == VIGIL_TASK_STOP && first->running_on->len == 0 && !is_group(first)))
		return;
	expand_action_ordering(s, rsc_action(s, first, ft, NULL, true), then, tt, type);
}

/* --- each primitive's actions -------------------------------------------------------------- */

static bool is_expected_clean(const vigil_snode *n)
{
	return n->info->online && !n->info->unclean;
}

/* Pacemaker's pe__find_active_on(): the first clean node it is active on, or (when fencing
 * protects it) simply the first. */
vigil_snode *vigil_srsc_active_on(const vigil_sched *s, const vigil_srsc *r)
{
	vigil_snode *active = NULL;
	bool fencing;

	/* on one node or none, that is the answer whatever fencing says (the usual case:
	 * asking is a meta attribute lookup) */
	if (r->running_on->len <= 1)
		return r->running_on->len == 1 ? g_ptr_array_index(r->running_on, 0) : NULL;
	fencing = vigil_srsc_needs_fencing(s, r);
	for (guint i = 0; i < r->running_on->len; i++) {
		vigil_snode *n = g_ptr_array_index(r->running_on, i);

		if (!fencing && is_expected_clean(n) &&
		    (active == NULL || !is_expected_clean(active))) {
			active = n;
			break;
		}
		if (active == NULL)
			active = n;
		if (fencing)
			break;
	}
	return active;
}

static void stop_resource(vigil_sched *s, vigil_srsc *r, bool optional)
{
	for (guint i = 0; i < r->running_on->len; i++) {
		vigil_action *stop = rsc_action(s, r, VIGIL_TASK_STOP,
						g_ptr_array_index(r->running_on, i), optional);

		if (r->assigned == NULL)
			set_reason(stop, "node availability", false);
		if (!r->managed)
			stop->flags &= ~VIGIL_ACT_RUNNABLE;
	}
}

static void start_resource(vigil_sched *s, vigil_srsc *r, bool optional)
{
	vigil_action *start = rsc_action(s, r, VIGIL_TASK_START, r->assigned, true);

	if (has(start->flags, VIGIL_ACT_RUNNABLE) && !optional)
		start->flags &= ~VIGIL_ACT_OPTIONAL;
}

static void create_primitive_actions(vigil_sched *s, vigil_srsc *r)
{
	vigil_snode *current = vigil_srsc_active_on(s, r);
	bool need_stop = false;

	if (r->next_role == VIGIL_ROLE_UNKNOWN)
		r->next_role = r->assigned != NULL ? VIGIL_ROLE_STARTED : VIGIL_ROLE_STOPPED;
	if (current != NULL && r->assigned != NULL && current != r->assigned &&
	    r->next_role >= VIGIL_ROLE_STARTED)
		need_stop = true;
	if (r->running_on->len > 1)
		need_stop = true;
	/* a start in flight is represented by a start where it is placed, Pacemaker's
	 * create_pending_start(): it takes over a start made before placement for no node */
	if (r->start_pending)
		rsc_action(s, r, VIGIL_TASK_START, r->assigned, true);
	/* down to stopped on the current node, and up again to the current role */
	if (r->role > VIGIL_ROLE_STOPPED && r->running_on->len > 0) {
		stop_resource(s, r, !need_stop);
		if (r->next_role >= VIGIL_ROLE_STARTED && r->assigned != NULL && !r->blocked)
			start_resource(s, r, !need_stop);
	}
	/* then from the current role to the next */
	if (r->running_on->len > 0 && r->role > VIGIL_ROLE_STOPPED &&
	    r->next_role == VIGIL_ROLE_STOPPED) {
		stop_resource(s, r, false);
	} else if ((r->running_on->len == 0 || r->role <= VIGIL_ROLE_STOPPED) &&
		   r->next_role >= VIGIL_ROLE_STARTED && r->assigned != NULL) {
		start_resource(s, r, false);
	}
}

/* Whether the history of R on N shows the recurring monitor of INTERVAL_MS active. */
static bool history_has_monitor(const vigil_lrm_rsc *l, int64_t interval_ms)
{
	for (guint j = 0; j < l->ops->len; j++) {
		const vigil_lrm_op *op = g_ptr_array_index(l->ops, j);

		if (op->interval_ms_v == interval_ms && op->rc_code_v == 0 &&
		    op->op_status_v == 0 && g_strcmp0(op->operation, "monitor") == 0)
			return true;
	}
	return false;
}

static bool monitor_active(const vigil_sched *s, const vigil_srsc *r, vigil_snode *n,
			   int64_t interval_ms)
{
	const vigil_node_state *st = n->info->state;
	const vigil_lrm_rsc *first = r->on != NULL ? r->on[n->index].history : NULL;

	(void)s;
	if (!r->history_repeats)
		return first != NULL && history_has_monitor(first, interval_ms);
	for (guint i = 0; st != NULL && i < st->lrm_rscs->len; i++) {
		const vigil_lrm_rsc *l = g_ptr_array_index(st->lrm_rscs, i);

		if (g_strcmp0(l->id, r->id) == 0 && history_has_monitor(l, interval_ms))
			return true;
	}
	return false;
}

/* Whether R is in maintenance (its own meta attribute or the cluster's maintenance-mode):
 * Pacemaker's pe_rsc_maintenance. */
static bool in_maintenance(const vigil_sched *s, const vigil_srsc *r)
{
	const char *maint = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "maintenance") : NULL;

	return s->opts.maintenance_mode || (maint != NULL && vigil_str_is_true(maint));
}

/* Pacemaker's pcmk__create_recurring_actions() for the started role: each configured
 * monitor with an interval, after the start; required when the start is, or when the
 * monitor is not already running there. */
static void create_recurring(vigil_sched *s, vigil_srsc *r)
{
	vigil_action *start;

	if (r->cfg == NULL || r->assigned == NULL)
		return;
	/* Pacemaker looks the start up again first (start_action()), which for an unmanaged
	 * resource makes it optional again, whatever required it before */
	if (!r->blocked && !in_maintenance(s, r) && !r->assigned->info->maintenance &&
	    (r->next_role != VIGIL_ROLE_STOPPED || !r->managed))
		rsc_action(s, r, VIGIL_TASK_START, r->assigned, true);
	if (r->next_role < VIGIL_ROLE_STARTED || !r->managed)
		return;
	start = vigil_find_action(r, VIGIL_TASK_START, r->assigned);
	for (guint i = 0; i < r->cfg->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(r->cfg->ops, i);
		uint64_t ms = 0;
		bool optional;
		vigil_action *a;

		if (g_strcmp0(op->name, "monitor") != 0 || op->interval == NULL ||
		    vigil_duration_parse_ms(op->interval, &ms) < 0 || ms == 0 ||
		    (op->enabled != NULL && !vigil_str_is_true(op->enabled)) ||
		    (op->role != NULL && g_ascii_strcasecmp(op->role, "Started") != 0))
			continue;
		optional = (start == NULL || has(start->flags, VIGIL_ACT_OPTIONAL)) &&
			   monitor_active(s, r, r->assigned, (int64_t)ms);
		a = action_new(s, r, VIGIL_TASK_MONITOR, r->assigned, optional);
		a->interval_ms = ms;
		evaluate_runnable(s, a);
		if (start != NULL)
			order_actions(s, start, a, VIGIL_ORD_IMPLIES_THEN | VIGIL_ORD_RUNNABLE_LEFT);
	}
}

static void create_actions(vigil_sched *s, vigil_srsc *r)
{
	if (!is_group(r)) {
		create_primitive_actions(s, r);
		create_recurring(s, r);
		return;
	}
	for (guint i = 0; i < r->children->len; i++)
		create_actions(s, g_ptr_array_index(r->children, i));
	pseudo_action(s, r, VIGIL_TASK_START, true);
	pseudo_action(s, r, VIGIL_TASK_RUNNING, true);
	pseudo_action(s, r, VIGIL_TASK_STOP, true);
	pseudo_action(s, r, VIGIL_TASK_STOPPED, true);
}

/* --- probes ----------------------------------------------------------------------------------- */

static bool known_on(const vigil_srsc *r, const vigil_snode *n);

/* Pacemaker's pcmk__probe_rsc_on_node(): look for R on N where its state is unknown, before
 * it may start anywhere. The probe is ordered before R's own start (only a clone's would
 * be ordered before the clone's, not a group's), and, when it cannot run and R is active
 * nowhere, keeps that start from running (with no reason: the probe is R's own action). */
static void probe_rsc(vigil_sched *s, vigil_srsc *r, vigil_snode *n)
{
	vigil_action *probe;

	for (guint i = 0; i < r->children->len; i++)
		probe_rsc(s, g_ptr_array_index(r->children, i), n);
	if (is_group(r) || r->orphan || known_on(r, n))
		return;
	/* a new action: nothing else creates probes */
	probe = action_new(s, r, VIGIL_TASK_MONITOR, n, false);
	evaluate_runnable(s, probe);
	order_rsc_action(s, probe, r, VIGIL_TASK_START,
			 VIGIL_ORD_OPTIONAL |
			 (!has(probe->flags, VIGIL_ACT_RUNNABLE) && r->running_on->len == 0 ?
				  VIGIL_ORD_RUNNABLE_LEFT : 0));
}

static void schedule_probes(vigil_sched *s)
{
	if (!vigil_sched_property_bool(s, "enable-startup-probes", true))
		return;
	for (guint i = 0; i < s->nodes->len; i++) {
		vigil_snode *n = g_ptr_array_index(s->nodes, i);

		if (!n->info->online || n->info->unclean)
			continue;
		for (guint k = 0; k < s->rscs->len; k++)
			probe_rsc(s, g_ptr_array_index(s->rscs, k), n);
	}
}

/* --- internal and user orderings ----------------------------------------------------------- */

/* Pacemaker's pcmk__primitive_internal_constraints(): stop before start; none at all for an
 * unmanaged resource (so a start something else requires never requires its stop). */
static void primitive_internal(vigil_sched *s, vigil_srsc *r)
{
	if (!r->managed)
		return;
	order_rsc(s, r, VIGIL_TASK_STOP, r, VIGIL_TASK_START,
		  VIGIL_ORD_OPTIONAL | VIGIL_ORD_IMPLIES_THEN | VIGIL_ORD_RESTART);
}

static void group_internal(vigil_sched *s, vigil_srsc *g)
{
	vigil_srsc *prev = NULL, *last_active = NULL;

	order_rsc(s, g, VIGIL_TASK_STOP, g, VIGIL_TASK_STOPPED, VIGIL_ORD_RUNNABLE_LEFT);
	order_rsc(s, g, VIGIL_TASK_STOPPED, g, VIGIL_TASK_START, VIGIL_ORD_OPTIONAL);
	order_rsc(s, g, VIGIL_TASK_START, g, VIGIL_TASK_RUNNING, VIGIL_ORD_RUNNABLE_LEFT);
	for (guint i = 0; i < g->children->len; i++) {
		vigil_srsc *m = g_ptr_array_index(g->children, i);

		primitive_internal(s, m);
		/* stop the group -> stop the member -> the group is stopped */
		order_rsc(s, g, VIGIL_TASK_STOP, m, VIGIL_TASK_STOP,
			  VIGIL_ORD_PLAIN | (prev == NULL ? VIGIL_ORD_OPTIONAL : 0));
		order_rsc(s, m, VIGIL_TASK_STOP, g, VIGIL_TASK_STOPPED,
			  prev == NULL ? VIGIL_ORD_IMPLIES_THEN : VIGIL_ORD_PLAIN);
		/* start the group -> start the member -> the group is running */
		order_rsc(s, g, VIGIL_TASK_START, m, VIGIL_TASK_START, VIGIL_ORD_PLAIN);
		order_rsc(s, m, VIGIL_TASK_START, g, VIGIL_TASK_RUNNING, VIGIL_ORD_PLAIN);
		if (prev != NULL) {
			order_rsc(s, prev, VIGIL_TASK_START, m, VIGIL_TASK_START,
				  VIGIL_ORD_IMPLIES_THEN | VIGIL_ORD_RUNNABLE_LEFT);
			order_rsc(s, m, VIGIL_TASK_STOP, prev, VIGIL_TASK_STOP,
				  VIGIL_ORD_OPTIONAL | VIGIL_ORD_RESTART);
		}
		/* a partially active group stops in sequence: past an inactive member, after
		 * the last active one (Pacemaker's member_internal_constraints()) */
		if (m->running_on->len > 0) {
			if (prev != NULL && prev->running_on->len == 0 && last_active != NULL)
				order_rsc(s, m, VIGIL_TASK_STOP, last_active, VIGIL_TASK_STOP,
					  VIGIL_ORD_OPTIONAL);
			last_active = m;
		}
		prev = m;
	}
}

static vigil_task parse_task(const char *v, vigil_task dflt)
{
	if (v == NULL)
		return dflt;
	if (strcmp(v, "stop") == 0)
		return VIGIL_TASK_STOP;
	if (strcmp(v, "start") == 0)
		return VIGIL_TASK_START;
	return (vigil_task)-1; /* promote, demote: no such action for a primitive or group */
}

static void user_ordering(vigil_sched *s, const vigil_constraint *c)
{
	vigil_srsc *first = c->first != NULL ? g_hash_table_lookup(s->by_id, c->first) : NULL;
	vigil_srsc *then = c->then != NULL ? g_hash_table_lookup(s->by_id, c->then) : NULL;
	vigil_task ft = parse_task(c->first_action, VIGIL_TASK_START);
	vigil_task tt = parse_task(c->then_action, ft);
	bool optional = false, symmetric, restart;
	int score = 0;

	if (first == NULL || then == NULL || (int)ft < 0 || (int)tt < 0)
		return;
	if (c->order_kind != NULL)
		optional = strcasecmp(c->order_kind, "Optional") == 0 ||
			   strcasecmp(c->order_kind, "Serialize") == 0;
	else if (c->score != NULL && vigil_score_parse(c->score, &score) == 0 && score == 0)
		optional = true;
	symmetric = c->symmetrical == NULL ? (c->order_kind == NULL ||
					      strcasecmp(c->order_kind, "Serialize") != 0) :
					     vigil_str_is_true(c->symmetrical);
	/* the deprecated restart-type=restart: THEN restarts whenever FIRST does */
	restart = then->cfg != NULL &&
		  g_strcmp0(vigil_rsc_meta(s->cib, then->cfg, "restart-type"), "restart") == 0;
	if (optional) {
		order_rsc(s, first, ft, then, tt,
			  VIGIL_ORD_OPTIONAL | (restart ? VIGIL_ORD_IMPLIES_THEN : 0));
	} else if (!symmetric) {
		order_rsc(s, first, ft, then, tt, VIGIL_ORD_OPTIONAL | VIGIL_ORD_ASYMMETRICAL);
	} else {
		order_rsc(s, first, ft, then, tt, VIGIL_ORD_OPTIONAL | VIGIL_ORD_IMPLIES_THEN |
			  (ft == VIGIL_TASK_START ? VIGIL_ORD_RUNNABLE_LEFT : 0));
	}
	if (!symmetric)
		return;
	/* the inverse: then's inverse action before first's */
	ft = ft == VIGIL_TASK_START ? VIGIL_TASK_STOP : VIGIL_TASK_START;
	tt = tt == VIGIL_TASK_START ? VIGIL_TASK_STOP : VIGIL_TASK_START;
	order_rsc(s, then, tt, first, ft,
		  VIGIL_ORD_OPTIONAL | (optional && !restart ? 0 : VIGIL_ORD_IMPLIES_FIRST));
}

/* --- fencing ---------------------------------------------------------------------------------- */

static bool any_managed(const vigil_sched *s)
{
	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);

		if (r->managed)
			return true;
		for (guint k = 0; k < r->children->len; k++)
			if (((const vigil_srsc *)g_ptr_array_index(r->children, k))->managed)
				return true;
	}
	return false;
}

/* Whether N is in R's known_on (without a scan: probes ask it for every node). */
static bool known_on(const vigil_srsc *r, const vigil_snode *n)
{
	return r->on != NULL && r->on[n->index].known;
}

static void order_vs_fence(vigil_sched *s, vigil_srsc *r, vigil_action *fence)
{
	for (guint k = 0; k < r->children->len; k++)
		order_vs_fence(s, g_ptr_array_index(r->children, k), fence);
	if (r->children->len > 0 || !r->managed)
		return;
	for (guint i = 0; i < r->actions->len; i++) {
		vigil_action *a = g_ptr_array_index(r->actions, i);

		if (a->task == VIGIL_TASK_START && r->weights[fence->node->index] != VIGIL_NOT_ALLOWED &&
		    !known_on(r, fence->node))
			order_actions(s, fence, a, VIGIL_ORD_OPTIONAL | VIGIL_ORD_RUNNABLE_LEFT);
		if (a->task == VIGIL_TASK_STOP && a->node == fence->node) {
			/* the stop would never complete: fencing implies it */
			a->flags |= VIGIL_ACT_PSEUDO | VIGIL_ACT_RUNNABLE;
			order_actions(s, fence, a, VIGIL_ORD_PLAIN);
		}
	}
}

static bool word_in(const char *list, const char *word, bool map)
{
	g_auto(GStrv) entries = g_strsplit_set(list, ";, \t", -1);

	for (char **e = entries; *e != NULL; e++) {
		char *colon = map ? strchr(*e, ':') : NULL;

		if (colon != NULL)
			*colon = '\0';
		if (**e != '\0' && strcmp(*e, word) == 0)
			return true;
	}
	return false;
}

bool vigil_device_fences(const vigil_rsc *cfg, const char *node)
{
	const char *list = vigil_nvsets_get(cfg->nvsets, "instance_attributes", "pcmk_host_list");
	const char *map = vigil_nvsets_get(cfg->nvsets, "instance_attributes", "pcmk_host_map");

	if (list == NULL && map == NULL)
		return true;
	return (list != NULL && word_in(list, node, false)) ||
	       (map != NULL && word_in(map, node, true));
}

/* The first configured stonith device (that is not itself stopped for good) that can fence
 * N, or NULL. */
static const vigil_srsc *fencing_device(const vigil_sched *s, const vigil_snode *n)
{
	for (guint i = 0; i < s->rscs->len; i++) {
		const vigil_srsc *r = g_ptr_array_index(s->rscs, i);

		if (r->cfg == NULL || g_strcmp0(r->cfg->class_, "stonith") != 0 ||
		    r->target_role == VIGIL_ROLE_STOPPED)
			continue;
		if (vigil_device_fences(r->cfg, n->name))
			return r;
	}
	return NULL;
}

static gint by_unclean_seq(gconstpointer a, gconstpointer b)
{
	const vigil_snode *x = *(vigil_snode *const *)a, *y = *(vigil_snode *const *)b;
	unsigned sx = x->unclean_seq != 0 ? x->unclean_seq : G_MAXUINT;
	unsigned sy = y->unclean_seq != 0 ? y->unclean_seq : G_MAXUINT;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return vigil_natural_cmp(x->name, y->name); /* Pacemaker's node list order */
}

/* Pacemaker's node priorities: each node's sum of the priority meta attribute of the
 * resources active there, those that failed there left out (by node index). */
static void add_priorities(const vigil_sched *s, const vigil_srsc *r, long *prio)
{
	const char *v;
	long p;

	if (is_group(r)) {
		for (guint i = 0; i < r->children->len; i++)
			add_priorities(s, g_ptr_array_index(r->children, i), prio);
		return;
	}
	v = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "priority") : NULL;
	p = v != NULL ? strtol(v, NULL, 10) : 0;
	if (p == 0)
		return;
	for (guint i = 0; i < r->running_on->len; i++) {
		const vigil_snode *n = g_ptr_array_index(r->running_on, i);

		if (r->on == NULL || !r->on[n->index].failed_here)
			prio[n->index] += p;
	}
}

/* Pacemaker's node_priority_fencing_delay(): the delay of fencing lost node N, in seconds.
 * Only when this partition is no majority of the nodes, and N is among those with the
 * highest priority while some node has a lower one: the side that runs what matters most
 * fences first, the other side waits and loses the race. */
static uint64_t priority_delay_s(const vigil_sched *s, const vigil_snode *n, const long *prio)
{
	unsigned online = 0;
	long top = 0, low = 0;

	if (s->opts.priority_fencing_delay_s == 0 || n->info->online)
		return 0;
	for (guint i = 0; i < s->nodes->len; i++) {
		const vigil_snode *m = g_ptr_array_index(s->nodes, i);

		online += m->info->online;
		if (i == 0 || prio[m->index] > top)
			top = prio[m->index];
		if (i == 0 || prio[m->index] < low)
			low = prio[m->index];
	}
	if (online > s->nodes->len / 2 || low == top || prio[n->index] < top)
		return 0;
	return s->opts.priority_fencing_delay_s;
}

/* Fencing for every unclean node that can be fenced, in the order Pacemaker creates it:
 * nodes found lost while reading the status first (in that order), nodes never seen
 * ('node is unclean') last. */
static void schedule_fencing(vigil_sched *s)
{
	g_autoptr(GPtrArray) nodes = g_ptr_array_copy(s->nodes, NULL, NULL);

	g_ptr_array_set_free_func(nodes, NULL); /* the copy borrows */
	bool managed = any_managed(s);
	g_autofree long *prio = g_new0(long, s->nodes->len);

	for (guint j = 0; j < s->rscs->len; j++)
		add_priorities(s, g_ptr_array_index(s->rscs, j), prio);

	g_ptr_array_sort(nodes, by_unclean_seq);
	for (guint k = 0; k < nodes->len; k++) {
		vigil_snode *n = g_ptr_array_index(nodes, k);
		vigil_action *fence;

		if (!n->info->unclean || !managed || !vigil_can_fence(&s->opts, n->info))
			continue;
		fence = action_new(s, NULL, VIGIL_TASK_FENCE, n, false);
		fence->device = fencing_device(s, n);
		/* a lost node's fencing carries it, even when it is 0 for this node */
		fence->has_priority_delay = s->opts.priority_fencing_delay_s > 0 && n->info->lost;
		if (fence->has_priority_delay)
			fence->priority_delay_s = priority_delay_s(s, n, prio);
		set_reason(fence, n->fence_reason != NULL ? n->fence_reason : "node is unclean",
			   false);
		for (guint j = 0; j < s->rscs->len; j++)
			order_vs_fence(s, g_ptr_array_index(s->rscs, j), fence);
	}
}

/* --- propagation along orderings ------------------------------------------------------------ */

/* "unrunnable X start" / "required X start": why an action changed because of another. */
static void implies(vigil_action *a, const vigil_action *because, unsigned flag)
{
	const char *change = flag == VIGIL_ACT_RUNNABLE ? "unrunnable" : "required";

	if (!has(a->flags, flag))
		return;
	a->flags &= ~flag;
	if (g_getenv("VIGIL_SCHED_TRACE") != NULL)
		g_printerr("trace: %s %s on %s %s because %s %s\n",
			   a->rsc != NULL ? a->rsc->id : "-", vigil_task_name(a->task),
			   a->node != NULL ? a->node->name : "-", change,
			   because != NULL && because->rsc != NULL ? because->rsc->id : "-",
			   because != NULL ? vigil_task_name(because->task) : "-");
	if (because != NULL && a->rsc != because->rsc) {
		g_autofree char *text = because->rsc != NULL ?
			g_strdup_printf("%s %s %s", change, because->rsc->id,
					vigil_task_name(because->task)) :
			g_strdup_printf("%s %s", change, vigil_task_name(because->task));

		set_reason(a, text, false);
	}
}

static vigil_task member_task(vigil_task t)
{
	return t == VIGIL_TASK_RUNNING ? VIGIL_TASK_START :
	       t == VIGIL_TASK_STOPPED ? VIGIL_TASK_STOP : t;
}

/* Pacemaker's pcmk__group_action_flags(): a group action is required if a member's is, and
 * unrunnable if a member's is (or, but for stops, a member will not do it at all). */
static unsigned action_flags(vigil_action *a)
{
	unsigned flags = VIGIL_ACT_OPTIONAL | VIGIL_ACT_RUNNABLE | VIGIL_ACT_PSEUDO;
	vigil_task mt;

	if (!is_group(a->rsc))
		return a->flags;
	mt = member_task(a->task);
	for (guint i = 0; i < a->rsc->children->len; i++) {
		vigil_srsc *m = g_ptr_array_index(a->rsc->children, i);
		vigil_action *ma = vigil_find_action(m, mt, NULL);

		if (ma != NULL) {
			if (has(flags, VIGIL_ACT_OPTIONAL) && !has(ma->flags, VIGIL_ACT_OPTIONAL)) {
				flags &= ~VIGIL_ACT_OPTIONAL;
				a->flags &= ~VIGIL_ACT_OPTIONAL;
			}
			if (mt != a->task && has(flags, VIGIL_ACT_RUNNABLE) &&
			    !has(ma->flags, VIGIL_ACT_RUNNABLE)) {
				flags &= ~VIGIL_ACT_RUNNABLE;
				a->flags &= ~VIGIL_ACT_RUNNABLE;
			}
		} else if (mt != VIGIL_TASK_STOP) {
			flags &= ~VIGIL_ACT_RUNNABLE;
		}
	}
	return flags;
}

static void restart_ordering(vigil_action *first, vigil_action *then, unsigned filter)
{
	bool why = false;

	if (has(filter, VIGIL_ACT_OPTIONAL) && !has(then->flags, VIGIL_ACT_OPTIONAL))
		why = true;
	if (has(filter, VIGIL_ACT_RUNNABLE) && !has(then->flags, VIGIL_ACT_RUNNABLE) &&
	    then->rsc != NULL && then->rsc->managed && first->rsc == then->rsc)
		why = true;
	if (!why)
		return;
	if (has(first->flags, VIGIL_ACT_RUNNABLE))
		implies(first, then, VIGIL_ACT_OPTIONAL);
	if (has(first->flags, VIGIL_ACT_OPTIONAL))
		implies(first, then, VIGIL_ACT_OPTIONAL);
	if (!has(first->flags, VIGIL_ACT_OPTIONAL) && !has(first->flags, VIGIL_ACT_RUNNABLE))
		implies(then, first, VIGIL_ACT_RUNNABLE);
}

static void asymmetric_ordering(vigil_action *first, vigil_action *then)
{
	const vigil_srsc *r = then->rsc;

	if (r == NULL)
		return;
	if (r->running_on->len == 0 && then->task == VIGIL_TASK_STOP)
		return;
	if (r->running_on->len > 0 && then->task == VIGIL_TASK_START &&
	    has(then->flags, VIGIL_ACT_OPTIONAL) && then->node != NULL && r->running_on->len == 1 &&
	    g_ptr_array_index(r->running_on, 0) == then->node)
		return;
	if (!has(first->flags, VIGIL_ACT_RUNNABLE)) {
		implies(then, first, VIGIL_ACT_OPTIONAL);
		implies(then, first, VIGIL_ACT_RUNNABLE);
	}
}

/* Pacemaker's native update for one ordering: FLAGS are FIRST's (as the ordering sees them),
 * FILTER the flags this kind of ordering may change. */
static void update_action(vigil_sched *s, vigil_action *then, unsigned depth);

static void update_primitive(vigil_sched *s, vigil_action *first, vigil_action *then,
			     unsigned flags, unsigned filter, unsigned type)
{
	unsigned then_before = then->flags;

	if (has(type, VIGIL_ORD_ASYMMETRICAL))
		asymmetric_ordering(first, then);
	if (has(type, VIGIL_ORD_RUNNABLE_LEFT) && has(filter, VIGIL_ACT_RUNNABLE) &&
	    has(then->flags, VIGIL_ACT_RUNNABLE) && !has(flags, VIGIL_ACT_RUNNABLE))
		implies(then, first, VIGIL_ACT_RUNNABLE);
	if (has(type, VIGIL_ORD_IMPLIES_THEN) && has(filter, VIGIL_ACT_OPTIONAL) &&
	    has(then->flags, VIGIL_ACT_OPTIONAL) && !has(flags, VIGIL_ACT_OPTIONAL))
		implies(then, first, VIGIL_ACT_OPTIONAL);
	if (has(type, VIGIL_ORD_RESTART))
		restart_ordering(first, then, filter);
	/* as Pacemaker: a changed group member's action is looked at again at once */
	if (then->flags != then_before && then->rsc != NULL && then->rsc->parent != NULL)
		update_action(s, then, 1);
}

/* The update on THEN's resource: a group passes it on to its members' same actions. Returns
 * whether THEN or one of those changed. */
static bool update_then(vigil_sched *s, vigil_action *first, vigil_action *then,
			unsigned flags, unsigned filter, unsigned type)
{
	unsigned before = then->flags;
	bool changed;

	update_primitive(s, first, then, flags, filter, type);
	changed = then->flags != before;
	if (!is_group(then->rsc))
		return changed;
	for (guint i = 0; i < then->rsc->children->len; i++) {
		vigil_srsc *m = g_ptr_array_index(then->rsc->children, i);
		vigil_action *ma = vigil_find_action(m, then->task, NULL);

		if (ma != NULL) {
			before = ma->flags;
			update_primitive(s, first, ma, flags, filter, type);
			changed |= ma->flags != before;
		}
	}
	return changed;
}

static bool update_edge(vigil_sched *s, vigil_action *first, vigil_action *then,
			unsigned type)
{
	unsigned ff = action_flags(first);
	unsigned tb = then->flags;
	bool changed = false;

	if (has(type, VIGIL_ORD_IMPLIES_THEN)) {
		if (then->rsc != NULL)
			changed |= update_then(s, first, then, ff & VIGIL_ACT_OPTIONAL, VIGIL_ACT_OPTIONAL,
				    VIGIL_ORD_IMPLIES_THEN);
		else if (!has(ff, VIGIL_ACT_OPTIONAL))
			then->flags &= ~VIGIL_ACT_OPTIONAL;
	}
	if (has(type, VIGIL_ORD_RESTART) && then->rsc != NULL)
		changed |= update_then(s, first, then, ff, VIGIL_ACT_OPTIONAL | VIGIL_ACT_RUNNABLE,
			    VIGIL_ORD_RESTART);
	/* Pacemaker 2.1.5 judges "then required, so first too" by first's own flags, so an
	 * implies-first ordering never changes anything there (its update is a no-op) */
	if (has(type, VIGIL_ORD_RUNNABLE_LEFT)) {
		if (then->rsc != NULL)
			changed |= update_then(s, first, then, ff, VIGIL_ACT_RUNNABLE, VIGIL_ORD_RUNNABLE_LEFT);
		else if (!has(ff, VIGIL_ACT_RUNNABLE))
			then->flags &= ~VIGIL_ACT_RUNNABLE;
	}
	if (has(type, VIGIL_ORD_ASYMMETRICAL) && then->rsc != NULL)
		changed |= update_then(s, first, then, ff, VIGIL_ACT_RUNNABLE, VIGIL_ORD_ASYMMETRICAL);
	/* a blocked, unmanaged resource that cannot stop holds back what depends on it */
	if (has(type, VIGIL_ORD_IMPLIES_THEN | VIGIL_ORD_IMPLIES_FIRST | VIGIL_ORD_RESTART) &&
	    first->rsc != NULL && first->task == VIGIL_TASK_STOP && !first->rsc->managed &&
	    first->rsc->blocked && !has(first->flags, VIGIL_ACT_RUNNABLE))
		then->flags &= ~VIGIL_ACT_RUNNABLE;
	return changed || then->flags != tb;
}

/* The action an ordering from another resource really waits for: a group's start means its
 * "running", its stop its "stopped". */
static vigil_action *action_for_ordering(vigil_action *a)
{
	vigil_task t = a->task == VIGIL_TASK_START ? VIGIL_TASK_RUNNING :
		       a->task == VIGIL_TASK_STOP ? VIGIL_TASK_STOPPED : a->task;
	vigil_action *x;

	if (!is_group(a->rsc) || t == a->task)
		return a;
	x = vigil_find_action(a->rsc, t, NULL);
	return x != NULL ? x : a;
}

static bool is_parent(const vigil_srsc *child, const vigil_srsc *parent)
{
	return child != NULL && child->parent != NULL && child->parent == parent;
}

/* A copy of an action's orderings, to walk while new ones are prepended to it: on the stack
 * for the handful an action has as a rule (propagation takes one at every step). */
typedef struct snapshot {
	vigil_ordering **items;
	guint len;
	vigil_ordering *room[16];
} snapshot;

static void snapshot_take(snapshot *sn, const GPtrArray *orderings)
{
	sn->len = orderings->len;
	sn->items = sn->len <= G_N_ELEMENTS(sn->room) ? sn->room :
						      g_new(vigil_ordering *, sn->len);
	if (sn->len > 0)
		memcpy(sn->items, orderings->pdata, sn->len * sizeof(*sn->items));
}

static void snapshot_clear(snapshot *sn)
{
	if (sn->items != sn->room)
		g_free(sn->items);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(snapshot, snapshot_clear)

static void update_after(vigil_sched *s, vigil_action *a, unsigned depth)
{
	g_auto(snapshot) after;

	snapshot_take(&after, a->after);
	for (guint i = 0; i < after.len; i++)
		update_action(s, after.items[i]->then, depth + 1);
}

/* --- starts blocked by colocation ------------------------------------------------------------ */

static void block_colocated_starts(vigil_sched *s, vigil_action *a);

/* Pacemaker's mark_action_blocked(): the starts of R that could run cannot, "colocation with
 * BECAUSE", and each one blocks what is colocated with it in turn and is looked at again
 * with its orderings (what comes after it is not: the updates that follow see to that, or
 * not, as in Pacemaker); then R's members' starts, for the same reason. */
static void block_starts(vigil_sched *s, vigil_srsc *r, const vigil_srsc *because)
{
	g_autofree char *reason = g_strdup_printf("colocation with %s", because->id);

	/* Pacemaker prepends each new action to the resource's list */
	for (guint i = r->actions->len; i-- > 0;) {
		vigil_action *a = g_ptr_array_index(r->actions, i);

		if (a->task != VIGIL_TASK_START || !has(a->flags, VIGIL_ACT_RUNNABLE))
			continue;
		a->flags &= ~VIGIL_ACT_RUNNABLE;
		set_reason(a, reason, false);
		block_colocated_starts(s, a);
		update_action(s, a, 0);
	}
	for (guint i = 0; i < r->children->len; i++)
		block_starts(s, g_ptr_array_index(r->children, i), because);
}

/* Pacemaker 2.1.5's pcmk__block_colocation_dependents(): a start that cannot run keeps the
 * resources colocated with its resource at INFINITY from starting. Only a resource outside
 * any group does this: the colocations with a group were handed to its last member when
 * the group was placed (expand_group_colocations()), and Pacemaker asks the group, never
 * its members, for them, so a group or a member of one blocks nothing this way. */
static void block_colocated_starts(vigil_sched *s, vigil_action *a)
{
	vigil_srsc *r = a->rsc;

	if (a->task != VIGIL_TASK_START || has(a->flags, VIGIL_ACT_RUNNABLE) || r == NULL ||
	    r->parent != NULL || is_group(r))
		return;
	for (guint i = 0; i < r->with_this->len; i++) {
		const vigil_coloc *c = g_ptr_array_index(r->with_this, i);

		/* a dependent colocated in the promoted role would have its promotion blocked,
		 * which no primitive or group has */
		if (c->score >= VIGIL_SCORE_INFINITY && c->dependent_role != VIGIL_ROLE_PROMOTED)
			block_starts(s, c->dependent, r);
	}
}

/* Pacemaker's pcmk__update_action_for_orderings(): applies every ordering into THEN; what
 * changes is looked at again, with what comes after it, and a start that could run and now
 * cannot blocks its colocated dependents first. Changes a group action undergoes when its
 * flags are summed up from its members do not count as changes. */
static void update_action(vigil_sched *s, vigil_action *then, unsigned depth)
{
	unsigned last_flags = then->flags;
	bool then_changed = false;

	if (depth > 10000)
		return; /* the flags only ever lose bits, so this is never reached in practice */
	g_auto(snapshot) before;
	snapshot_take(&before, then->before);
	for (guint i = 0; i < before.len; i++) {
		vigil_ordering *o = before.items[i];
		vigil_action *first = o->first;
		unsigned first_before;

		if (first->rsc != NULL && then->rsc != NULL && first->rsc != then->rsc &&
		    !is_parent(then->rsc, first->rsc)) {
			vigil_action *mapped = action_for_ordering(first);

			if (mapped != first) {
				guint n = then->before->len;

				order_actions(s, mapped, then, o->type);
				then_changed |= then->before->len != n;
				continue;
			}
		}
		action_flags(then);
		action_flags(first);
		first_before = first->flags;
		then_changed |= update_edge(s, first, then, o->type);
		if (first->flags != first_before) {
			update_after(s, first, depth);
			update_action(s, first, depth + 1);
		}
	}
	if (then_changed) {
		if (has(last_flags, VIGIL_ACT_RUNNABLE) && !has(then->flags, VIGIL_ACT_RUNNABLE))
			block_colocated_starts(s, then);
		update_action(s, then, depth + 1);
		update_after(s, then, depth);
	}
}

/* Pacemaker's pcmk__apply_orderings() once the orderings exist: starts that cannot run
 * block their colocated dependents, then every action is updated along its orderings. */
static void apply_orderings(vigil_sched *s)
{
	/* Pacemaker prepends new actions to its list: the newest is looked at first */
	for (guint i = s->actions->len; i-- > 0;)
		block_colocated_starts(s, g_ptr_array_index(s->actions, i));
	for (guint i = s->actions->len; i-- > 0;)
		update_action(s, g_ptr_array_index(s->actions, i), 0);
}

/* Failures that require a stop where they happened (on-fail=restart): Pacemaker schedules
 * these while reading the status, before anything else. */
static void recovery_stops(vigil_sched *s, vigil_srsc *r)
{
	for (guint i = 0; i < r->children->len; i++)
		recovery_stops(s, g_ptr_array_index(r->children, i));
	for (guint i = 0; i < r->recover_on->len; i++)
		if (r->managed)
			rsc_action(s, r, VIGIL_TASK_STOP, g_ptr_array_index(r->recover_on, i), false);
}

/* A changed definition: restart (Pacemaker's force_restart()), or reload where the agent
 * recorded that it can. */
static void definition_changed(vigil_sched *s, vigil_srsc *r, vigil_snode *n,
			       const vigil_lrm_op *op, bool reloadable)
{
	/* a probe that found it running, a migration or a promotion stands for the start */
	vigil_task task = VIGIL_TASK_START;
	vigil_action *a;

	(void)op;
	if (reloadable) {
		if (r->managed && !r->failed)
			r->reload = true;
		(void)n;
		return;
	}
	a = vigil_find_action(r, task, NULL);
	if (a == NULL || a->node != NULL)
		a = action_new(s, r, task, NULL, false);
	a->flags &= ~VIGIL_ACT_OPTIONAL;
	evaluate_runnable(s, a);
	set_reason(a, "resource definition change", true);
}

void vigil_schedule_actions(vigil_sched *s)
{
	g_autoptr(GArray) orderings = g_array_new(false, false, sizeof(rsc_ordering));

	s->rsc_orderings = orderings;
	/* created in Pacemaker's order: user orderings (unpacked with the configuration), each
	 * resource's internal ones, probes', then the recurring monitors' and fencing's (made
	 * at once); the deferred ones are expanded oldest first, as pcmk__apply_orderings()
	 * does, and each prepends, so an action looks at its newest ordering first (which of
	 * two orderings makes it unrunnable decides the reason shown) */
	for (guint i = 0; i < s->cib->constraints->len; i++) {
		const vigil_constraint *c = g_ptr_array_index(s->cib->constraints, i);

		if (c->kind == VIGIL_CONS_ORDER)
			user_ordering(s, c);
	}
	for (guint i = 0; i < s->rscs->len; i++)
		recovery_stops(s, g_ptr_array_index(s->rscs, i));
	vigil_check_definitions(s, definition_changed);
	for (guint i = 0; i < s->rscs->len; i++) {
		vigil_srsc *r = g_ptr_array_index(s->rscs, i);

		if (is_group(r))
			group_internal(s, r);
		else
			primitive_internal(s, r);
	}
	schedule_probes(s);
	for (guint i = 0; i < s->rscs->len; i++)
		create_actions(s, g_ptr_array_index(s->rscs, i));
	schedule_fencing(s);
	for (guint i = 0; i < orderings->len; i++) {
		const rsc_ordering *o = &g_array_index(orderings, rsc_ordering, i);

		if (o->first_action != NULL)
			expand_action_ordering(s, o->first_action, o->then, o->tt, o->type);
		else
			expand_ordering(s, o->first, o->ft, o->then, o->tt, o->type);
	}
	s->rsc_orderings = NULL;
	apply_orderings(s);
}

/* Unpacking the status section into the working set: where each resource is active, in what
 * role, and whether it failed, replaying each resource's operation history on each node in
 * call order, as Pacemaker's unpack_lrm_resource() does. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cib/cib-private.h"
#include "common/arena.h"
#include "common/duration.h"
#include "common/score.h"
#include "sched/sched.h"
#include "sched/sched-private.h"

/* OCF exit codes and Pacemaker execution statuses that the history records. */
enum { OCF_OK = 0, OCF_INVALID_PARAM = 2, OCF_UNIMPLEMENTED = 3, OCF_NOT_INSTALLED = 5, OCF_NOT_CONFIGURED = 6,
       OCF_NOT_RUNNING = 7, OCF_RUNNING_PROMOTED = 8, OCF_FAILED_PROMOTED = 9,
       OCF_DEGRADED = 190, OCF_DEGRADED_PROMOTED = 191 };
enum { EXEC_PENDING = -1, EXEC_DONE = 0, EXEC_CANCELLED = 1, EXEC_ERROR = 4,
       EXEC_ERROR_HARD = 5, EXEC_ERROR_FATAL = 6, EXEC_NOT_INSTALLED = 7 };
/* A probe that found the agent missing: the resource is stopped there, not failed. */
#define PROBE_NOT_INSTALLED 1000

/* What a resource owns (the resource itself, its id if an orphan's, its agent and its
 * per-node array are in the working set's arena). */
static void srsc_free(vigil_srsc *r)
{
	if (r == NULL)
		return;
	g_free(r->param_digest);
	g_clear_pointer(&r->children, g_ptr_array_unref);
	g_clear_pointer(&r->running_on, g_ptr_array_unref);
	g_clear_pointer(&r->unmanaged_on, g_ptr_array_unref);
	g_clear_pointer(&r->recover_on, g_ptr_array_unref);
	g_clear_pointer(&r->known_on, g_ptr_array_unref);
	g_clear_pointer(&r->banned_on, g_ptr_array_unref);
	g_clear_pointer(&r->clear_failcount_on, g_ptr_array_unref);
	g_clear_pointer(&r->this_with, g_ptr_array_unref);
	g_clear_pointer(&r->with_this, g_ptr_array_unref);
	g_clear_pointer(&r->actions, g_ptr_array_unref);
	g_free(r->weights);
}

static void snode_free(vigil_snode *n)
{
	if (n == NULL)
		return;
	vigil_node_info_free(n->info);
	g_free(n->fence_reason);
	g_clear_pointer(&n->histories, g_hash_table_unref);
	g_free(n);
}

GHashTable *vigil_snode_histories(vigil_snode *n)
{
	const vigil_node_state *st = n->info->state;

	if (n->histories != NULL)
		return n->histories;
	n->histories = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; st != NULL && i < st->lrm_rscs->len; i++) {
		vigil_lrm_rsc *l = g_ptr_array_index(st->lrm_rscs, i);

		if (l->id == NULL)
			continue;
		if (g_hash_table_contains(n->histories, l->id))
			n->histories_repeat = true;
		else
			g_hash_table_insert(n->histories, l->id, l);
	}
	return n->histories;
}

void vigil_sched_free(vigil_sched *s)
{
	if (s == NULL)
		return;
	g_clear_pointer(&s->by_id, g_hash_table_unref);
	g_clear_pointer(&s->orderings, g_ptr_array_unref);
	g_clear_pointer(&s->actions, g_ptr_array_unref);
	g_clear_pointer(&s->colocs, g_ptr_array_unref);
	g_clear_pointer(&s->rscs, g_ptr_array_unref);
	g_clear_pointer(&s->nodes, g_ptr_array_unref);
	g_clear_pointer(&s->arena, vigil_arena_free); /* last: everything above points in */
	g_free(s);
}

static vigil_role parse_role(const char *v)
{
	static const struct { const char *name; vigil_role role; } map[] = {
		{ "Stopped", VIGIL_ROLE_STOPPED }, { "Started", VIGIL_ROLE_STARTED },
		{ "Slave", VIGIL_ROLE_UNPROMOTED }, { "Unpromoted", VIGIL_ROLE_UNPROMOTED },
		{ "Master", VIGIL_ROLE_PROMOTED }, { "Promoted", VIGIL_ROLE_PROMOTED },
	};

	for (size_t i = 0; v != NULL && i < G_N_ELEMENTS(map); i++)
		if (strcasecmp(v, map[i].name) == 0)
			return map[i].role;
	return VIGIL_ROLE_UNKNOWN;
}

/* --- the resource tree ------------------------------------------------------------------- */

/* The agent's name (vigil_agent_write()) in the working set's arena: every primitive has
 * one, and printing it was most of what making a primitive's working copy cost. */
static char *agent_string(vigil_sched *s, const char *class_, const char *provider,
			  const char *type)
{
	return vigil_agent_write(vigil_arena_alloc(s->arena,
						   vigil_agent_size(class_, provider, type)),
				 class_, provider, type);
}

static vigil_srsc *srsc_new(vigil_sched *s, const vigil_rsc *cfg, vigil_srsc *parent)
{
	vigil_srsc *r = vigil_arena_alloc0(s->arena, sizeof(*r));
	const char *managed = vigil_rsc_meta(s->cib, cfg, "is-managed");
	const char *maint = vigil_rsc_meta(s->cib, cfg, "maintenance");

	r->cfg = cfg;
	r->id = cfg->id;
	r->parent = parent;
	r->agent = cfg->kind == VIGIL_RSC_PRIMITIVE ?
		agent_string(s, cfg->class_, cfg->provider, cfg->type) : NULL;
	r->children = VIGIL_PTR_ARRAY(srsc_free);
	r->running_on = g_ptr_array_new();
	r->unmanaged_on = g_ptr_array_new();
	r->recover_on = g_ptr_array_new();
	/* a primitive is as a rule known on every node: sized once */
	r->known_on = g_ptr_array_sized_new(cfg->kind == VIGIL_RSC_PRIMITIVE ? s->nodes->len : 0);
	r->banned_on = g_ptr_array_new();
	r->clear_failcount_on = g_ptr_array_new();
	r->role = VIGIL_ROLE_UNKNOWN;
	r->start_needs = -1;
	r->target_role = parse_role(vigil_rsc_meta(s->cib, cfg, "target-role"));
	r->managed = (managed == NULL || vigil_str_is_true(managed)) &&
		     !vigil_str_is_true(maint) && !s->opts.maintenance_mode;
	if (r->id != NULL && !g_hash_table_contains(s->by_id, r->id))
		g_hash_table_insert(s->by_id, (gpointer)r->id, r);
	for (guint i = 0; i < cfg->members->len; i++)
		g_ptr_array_add(r->children, srsc_new(s, g_ptr_array_index(cfg->members, i), r));
	return r;
}

static vigil_srsc *orphan_new(vigil_sched *s, const vigil_lrm_rsc *lrm)
{
	vigil_srsc *r = vigil_arena_alloc0(s->arena, sizeof(*r));

	r->orphan = true;
	r->start_needs = -1;
	r->id = vigil_arena_strdup(s->arena, lrm->id);
	r->agent = agent_string(s, lrm->class_, lrm->provider, lrm->type);
	r->children = VIGIL_PTR_ARRAY(srsc_free);
	r->running_on = g_ptr_array_new();
	r->unmanaged_on = g_ptr_array_new();
	r->recover_on = g_ptr_array_new();
	r->known_on = g_ptr_array_new();
	r->banned_on = g_ptr_array_new();
	r->clear_failcount_on = g_ptr_array_new();
	r->managed = !s->opts.maintenance_mode;
	g_ptr_array_add(s->rscs, r);
	g_hash_table_insert(s->by_id, (gpointer)r->id, r);
	return r;
}

/* --- one resource's history on one node --------------------------------------------------- */

typedef struct replay {
	vigil_role role;
	vigil_on_fail on_fail;  /* the worst failure still in effect */
	bool ignored;
	int probe_rc;           /* exit code of a failed probe that masks as stopped, or 0 */
	const char *pending;    /* "Starting", ... for an operation in flight */
	bool pending_found;     /* an operation other than a probe is in flight */
	bool start_pending;     /* a start is in flight */
	bool ban_node;          /* a hard error, failed stop or masked probe failure: never here */
	bool ban_all;           /* a fatal error (not configured): nowhere */
	const vigil_node_state *state; /* the node's status (fail-counts) */
	const vigil_snode *node; /* the node the history is from */
	bool timeout_off;       /* failure-timeout disabled by a counted on-fail=block failure */
	bool unrecoverable;     /* a stop failed in a way only fencing recovers, and it cannot */
	bool clear_failcount;   /* the last failure ran with other parameters than now */
} replay;

/* The exit code the cluster expected, from the transition key (read with the history). */
static int target_rc(const vigil_lrm_op *op)
{
	return op->target_rc_v;
}

static bool is_probe(const vigil_lrm_op *op)
{
	return op->interval_ms_v == 0 && g_strcmp0(op->operation, "monitor") == 0;
}

/* Pacemaker's determine_op_status(): EXEC_DONE, or a failure status. */
static int op_result(const vigil_srsc *r, const vigil_lrm_op *op, replay *st)
{
	int rc = op->rc_code_v, target = target_rc(op);
	int result;

	/* degraded is success for placement purposes */
	if (rc == OCF_DEGRADED)
		rc = OCF_OK;
	else if (rc == OCF_DEGRADED_PROMOTED)
		rc = OCF_RUNNING_PROMOTED;
	result = target >= 0 && rc != target ? EXEC_ERROR : EXEC_DONE;
	/* the numbers are compared before the task's name: every history is replayed at
	 * every unpack */
	switch (rc) {
	case OCF_OK:
		if (target == OCF_NOT_RUNNING && is_probe(op))
			result = EXEC_DONE;
		break;
	case OCF_NOT_RUNNING:
		if (target == rc || is_probe(op) || !r->managed) {
			result = EXEC_DONE;
			st->role = VIGIL_ROLE_STOPPED;
			st->on_fail = VIGIL_ON_FAIL_IGNORE;
		}
		break;
	case OCF_RUNNING_PROMOTED:
		if (target == rc || is_probe(op))
			result = EXEC_DONE;
		break;
	case OCF_UNIMPLEMENTED:
	case OCF_NOT_INSTALLED:
	case OCF_INVALID_PARAM:
	case 4: /* insufficient privileges */
	case OCF_NOT_CONFIGURED:
		result = EXEC_ERROR_HARD;
		break;
	default:
		if (target < 0 || rc != target)
			result = 4;
		break;
	}
	return result;
}

/* The role after a successful operation that returned RC, as Pacemaker's
 * update_resource_state(): a failure pretended to have succeeded (on-fail=ignore) is read
 * with the result that was expected, so an ignored failed monitor still means active. */
static void op_succeeded(replay *st, const vigil_lrm_op *op, int rc)
{
	const char *task = op->operation != NULL ? op->operation : "";
	bool clears = false;

	if (rc == OCF_NOT_RUNNING) {
		clears = true; /* the role is what remap() made it */
	} else if (strcmp(task, "start") == 0 || strcmp(task, "migrate_from") == 0) {
		st->role = VIGIL_ROLE_STARTED;
		clears = true;
	} else if (strcmp(task, "stop") == 0) {
		st->role = VIGIL_ROLE_STOPPED;
		clears = true;
	} else if (strcmp(task, "promote") == 0) {
		st->role = VIGIL_ROLE_PROMOTED;
	} else if (strcmp(task, "demote") == 0) {
		st->role = VIGIL_ROLE_UNPROMOTED;
	} else if (strcmp(task, "monitor") == 0 && st->role < VIGIL_ROLE_STARTED) {
		st->role = rc == OCF_RUNNING_PROMOTED ? VIGIL_ROLE_PROMOTED : VIGIL_ROLE_STARTED;
	}
	/* a completed start or stop, or a "not running", clears earlier failures that did not
	 * need more */
	if (clears && st->on_fail != VIGIL_ON_FAIL_STOP && st->on_fail != VIGIL_ON_FAIL_FENCE &&
	    st->on_fail != VIGIL_ON_FAIL_STANDBY)
		st->on_fail = VIGIL_ON_FAIL_IGNORE;
}

static void op_failed(const vigil_sched *s, const vigil_srsc *r, const vigil_lrm_op *op,
		      int result, replay *st)
{
	vigil_on_fail f = vigil_lrm_op_on_fail(s->cib, &s->opts, r->cfg, op);
	bool expired = vigil_lrm_op_expired(s->cib, r->cfg, st->state, op, s->now,
					    &st->timeout_off);

	/* an expired masked probe failure leaves the state unknown where remap() said stopped
	 * (unpack_rsc_op()), and bans nothing */
	if (expired && result == PROBE_NOT_INSTALLED && op->rc_code_v != target_rc(op)) {
		if (st->role <= VIGIL_ROLE_STOPPED)
			st->role = VIGIL_ROLE_UNKNOWN;
		return;
	}
	/* an expired failure is forgotten, except a recurring one on a node that is gone or
	 * to be fenced (Pacemaker only reschedules monitors where it can run them) */
	if (expired && result != PROBE_NOT_INSTALLED &&
	    (op->interval_ms_v == 0 || st->node == NULL ||
	     (st->node->info->online && !st->node->unclean_now)))
		return;
	if (result == PROBE_NOT_INSTALLED) {
		st->ban_node = true; /* masked, but the agent cannot run there */
		/* shown as "Stopped (not installed)" only when the record names its node, as
		 * Pacemaker matches failed probes by on_node */
		if (op->on_node != NULL)
			st->probe_rc = op->rc_code_v;
		st->role = VIGIL_ROLE_STOPPED;
		return;
	}
	/* on-fail=ignore does not cover what the executor itself found fatal (agent missing) */
	if (f == VIGIL_ON_FAIL_IGNORE && op->op_status_v >= EXEC_ERROR_HARD &&
	    op->op_status_v <= EXEC_NOT_INSTALLED)
		f = VIGIL_ON_FAIL_RESTART;
	if (f == VIGIL_ON_FAIL_IGNORE) {
		/* the failure is recorded, and the operation counts as done */
		st->ignored = true;
		op_succeeded(st, op, target_rc(op));
		return;
	}
	/* failures that make a node (or every node) unfit */
	if (result == EXEC_ERROR_HARD || result == EXEC_NOT_INSTALLED ||
	    g_strcmp0(op->operation, "stop") == 0)
		st->ban_node = true;
	if (result == EXEC_ERROR_FATAL || op->rc_code_v == OCF_NOT_CONFIGURED) {
		st->ban_node = true;
		st->ban_all = true;
	}
	/* on-fail=stop (or fence without fencing) means "do not start it again": every node
	 * is banned at once (unpack_rsc_op_failure(), fail_role stopped), whatever later
	 * operations say and before an unmanaged resource's own node is preferred */
	if (f == VIGIL_ON_FAIL_STOP)
		st->ban_all = true;
	if (f > st->on_fail)
		st->on_fail = f;
	if (st->role < VIGIL_ROLE_STARTED)
		st->role = VIGIL_ROLE_STARTED;
}

/* An operation still in flight, as unpack_rsc_op() reads one (PCMK_EXEC_PENDING): only a
 * start in flight makes the resource active there (set_active()) and a promote promoted; a
 * stop, demote or migration in flight leaves the role the earlier operations gave. Only the
 * first one found is shown (unpack_rsc_op() keeps the first pending_task), and a recurring
 * monitor counts as one though it shows as nothing. */
static void pending_op(replay *st, const vigil_lrm_op *op)
{
	static const struct { const char *task, *state; } map[] = {
		{ "start", "Starting" }, { "stop", "Stopping" }, { "migrate_to", "Migrating" },
		{ "migrate_from", "Migrating" }, { "promote", "Promoting" },
		{ "demote", "Demoting" },
	};

	if (g_strcmp0(op->operation, "start") == 0) {
		st->role = VIGIL_ROLE_STARTED;
		st->start_pending = true;
	}
	else if (g_strcmp0(op->operation, "promote") == 0)
		st->role = VIGIL_ROLE_PROMOTED;
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (!st->pending_found && g_strcmp0(op->operation, map[i].task) == 0)
			st->pending = map[i].state;
	if (!is_probe(op))
		st->pending_found = true;
}

/* Pacemaker's check_recoverable(), from remap_operation(): a stop that failed with a hard
 * error (the agent missing, not supported, bad parameters, no privileges) is recovered only
 * by fencing the node; where that is not possible the resource is blocked, whatever the
 * stop's on-fail says and whether or not the failure has expired. */
static bool unrecoverable_stop(const vigil_sched *s, const vigil_lrm_op *op, const replay *st)
{
	int rc = op->rc_code_v;

	if (rc != OCF_INVALID_PARAM && rc != OCF_UNIMPLEMENTED && rc != 4 /* privileges */ &&
	    rc != OCF_NOT_INSTALLED)
		return false;
	if (g_strcmp0(op->operation, "stop") != 0 ||
	    (op->op_status_v != EXEC_DONE && op->op_status_v != EXEC_ERROR))
		return false;
	return !vigil_can_fence(&s->opts, st->node->info);
}

/* Pacemaker's pcmk_xe_mask_probe_failure(): a probe that could not run the agent (not
 * installed, invalid parameters), whatever the execution status says. */
static bool masked_probe(const vigil_lrm_op *op)
{
	return (op->rc_code_v == OCF_NOT_INSTALLED || op->rc_code_v == OCF_INVALID_PARAM ||
		op->op_status_v == EXEC_NOT_INSTALLED) && is_probe(op);
}

/* The result of a completed operation, as remap_operation() judges it. A masked probe
 * failure reads as "not running" there, before its age is looked at: the resource is
 * stopped on that node and earlier failures are cleared, even if the failure then turns
 * out to have expired. */
static int remap(const vigil_srsc *r, const vigil_lrm_op *op, replay *st)
{
	if (masked_probe(op)) {
		st->role = VIGIL_ROLE_STOPPED;
		st->on_fail = VIGIL_ON_FAIL_IGNORE;
		return PROBE_NOT_INSTALLED;
	}
	/* "done" and "error" are judged by the exit code, other statuses are final */
	if (op->op_status_v == EXEC_DONE || op->op_status_v == EXEC_ERROR)
		return op_result(r, op, st);
	return op->op_status_v;
}

/* Pacemaker's check_operation_expiry() on the resource's last failure ("..._last_failure_0"):
 * one that has not expired but ran with other parameters than R has now has its fail-count
 * cleared, and the scheduler then does not hold that fail-count against migration-threshold
 * (failcount_clear_action_exists()). Whatever the operation's result: it is looked at by
 * its name. */
static bool clears_failcount(const vigil_sched *s, const vigil_srsc *r, const vigil_lrm_op *op,
			     const replay *st)
{
	bool timeout_off = st->timeout_off; /* only asked here: the replay decides it */

	if (r->cfg == NULL || op->id == NULL || !g_str_has_suffix(op->id, "_last_failure_0"))
		return false;
	if (vigil_lrm_op_expired(s->cib, r->cfg, st->state, op, s->now, &timeout_off))
		return false;
	return vigil_failure_params_changed(s, r, op);
}

GPtrArray *vigil_ops_by_call(const vigil_lrm_rsc *lrm)
{
	/* strictly growing call-ids leave the comparison nothing to decide: the sort would
	 * give the document order back */
	for (guint i = 0; i < lrm->ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(lrm->ops, i);

		if (op->call_id_v < 0 || (i > 0 && op->call_id_v <=
			((const vigil_lrm_op *)g_ptr_array_index(lrm->ops, i - 1))->call_id_v))
			return vigil_lrm_rsc_ops_by_call(lrm);
	}
	return g_ptr_array_ref(lrm->ops);
}

static void replay_ops(const vigil_sched *s, const vigil_srsc *r, const vigil_lrm_rsc *lrm,
		       replay *st)
{
	g_autoptr(GPtrArray) ops = vigil_ops_by_call(lrm);
	for (guint i = 0; i < ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(ops, i);
		int result;

		if (op->op_status_v == EXEC_CANCELLED)
			continue;
		if (op->op_status_v == EXEC_PENDING || op->call_id_v < 0) {
			pending_op(st, op);
			continue;
		}
		st->clear_failcount |= clears_failcount(s, r, op, st);
		result = remap(r, op, st);
		st->unrecoverable |= unrecoverable_stop(s, op, st);
		if (result == EXEC_DONE)
			op_succeeded(st, op, op->rc_code_v);
		else
			op_failed(s, r, op, result, st);
	}
}

/* How many nodes R counts as active on, as Pacemaker's is_multiply_active() counts them
 * (pe__find_active_requires()): all of them where fencing protects it, else only those online
 * and not (yet) known to need fencing. */
static unsigned active_count(const vigil_sched *s, const vigil_srsc *r)
{
	bool fencing = vigil_srsc_needs_fencing(s, r);
	unsigned count = 0;

	for (guint i = 0; i < r->running_on->len; i++) {
		const vigil_snode *n = g_ptr_array_index(r->running_on, i);

		count += fencing || (n->info->online && !n->unclean_now);
	}
	return count;
}

/* A primitive active on more than one node while managed (native_add_running): with
 * multiple-active=stop_only it may run nowhere from now on; with multiple-active=block, the
 * cluster keeps its hands off from here on, which changes how the rest of its history reads.
 * A group's own nodes are never counted (is_multiply_active() looks at primitives only). */
static void multiply_active(const vigil_sched *s, vigil_srsc *r)
{
	const char *policy = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "multiple-active") :
					      NULL;

	if (g_strcmp0(policy, "stop_only") == 0)
		r->banned_everywhere = true;
	if (g_strcmp0(policy, "block") != 0)
		return;
	r->managed = false;
	r->blocked = true;
	/* a group with multiple-active=block is blocked whole */
	if (r->parent != NULL && r->parent->cfg != NULL &&
	    g_strcmp0(vigil_rsc_meta(s->cib, r->parent->cfg, "multiple-active"), "block") == 0) {
		for (guint i = 0; i < r->parent->children->len; i++) {
			vigil_srsc *m = g_ptr_array_index(r->parent->children, i);

			m->managed = false;
			m->blocked = true;
		}
	}
}

static void add_to_parent(vigil_srsc *r, vigil_snode *node)
{
	if (r->parent != NULL && !g_ptr_array_find(r->parent->running_on, node, NULL))
		g_ptr_array_add(r->parent->running_on, node);
}

/* R is active on NODE, as Pacemaker's native_add_running(): a node in maintenance takes R
 * out of the cluster's hands; an unmanaged R (by then) is left alone, kept on NODE (the
 * not_managed_default location, so not on the nodes where it was found while still managed),
 * its group counting it only on a node that is online, and multiple-active is not looked
 * at; a managed one found active on several nodes follows its multiple-active policy. */
static void add_running(vigil_sched *s, vigil_srsc *r, vigil_snode *node)
{
	g_ptr_array_add(r->running_on, node);
	node->active_count++;
	if (node->info->maintenance)
		r->managed = false;
	if (!r->managed) {
		g_ptr_array_add(r->unmanaged_on, node);
		if (node->info->online)
			add_to_parent(r, node);
		return;
	}
	/* more than one only where it was found on more than one */
	if (r->running_on->len > 1 && active_count(s, r) > 1)
		multiply_active(s, r);
	add_to_parent(r, node);
}

/* Pacemaker's pe_fence_node(): NODE needs fencing, for the first reason found. */
static void fence_node(vigil_sched *s, vigil_snode *node, const char *reason)
{
	if (node->unclean_now)
		return;
	node->unclean_now = true;
	node->unclean_seq = ++s->unclean_count;
	node->fence_reason = g_strdup(reason);
	if (!node->info->unclean) {
		node->info->unclean = true;
		node->info->unclean_reason = g_strdup(reason);
	}
}

/* What R's state on NODE means for the node, as Pacemaker's process_rsc_state() sees it
 * before R is added there: a node that is gone is fenced if R is active there; fencing
 * settles R's failures there; on-fail=fence fences; and recovery asks for a stop at once
 * (stop_action()), which cannot run on a node that is gone (in maintenance, so not fenced
 * for R being active), so that node is fenced too (update_resource_action_runnable()):
 * this is before the node's maintenance takes R out of the cluster's hands. */
static void settle_node(vigil_sched *s, const vigil_srsc *r, vigil_snode *node, replay *st)
{
	bool active = st->role > VIGIL_ROLE_STOPPED;
	g_autofree char *reason = NULL;

	if (active && !node->info->online && !node->info->maintenance && r->managed &&
	    s->opts.stonith_enabled && !node->unclean_now) {
		reason = g_strdup_printf("%s is thought to be active there", r->id);
		fence_node(s, node, reason);
	}
	if (node->unclean_now)
		st->on_fail = VIGIL_ON_FAIL_IGNORE;
	else if (st->on_fail == VIGIL_ON_FAIL_FENCE) {
		reason = g_strdup_printf("%s failed there", r->id);
		fence_node(s, node, reason);
	} else if (st->on_fail == VIGIL_ON_FAIL_RESTART && active && !node->info->online &&
		   r->managed) {
		fence_node(s, node, "stop is unrunnable");
	}
}

/* Keeps LRM as R's history on NODE if it is the first there, so that what the history says
 * is found later without looking it up by id. */
static void note_history(const vigil_sched *s, vigil_srsc *r, const vigil_snode *node,
			 const vigil_lrm_rsc *lrm)
{
	if (r->on == NULL)
		r->on = vigil_arena_alloc0(s->arena, sizeof(*r->on) * s->nodes->len);
	if (r->on[node->index].history != NULL)
		r->history_repeats = true;
	else
		r->on[node->index].history = lrm;
}

/* LRM, a history of NODE, whose resource (by id) is R (NULL if none). */
static void unpack_lrm_rsc(vigil_sched *s, vigil_snode *node, const vigil_lrm_rsc *lrm,
			   vigil_srsc *r)
{
	replay st = { .role = VIGIL_ROLE_UNKNOWN, .on_fail = VIGIL_ON_FAIL_IGNORE,
		      .state = node->info->state, .node = node };

	if (lrm->id == NULL || (r != NULL && r->cfg != NULL && r->cfg->kind != VIGIL_RSC_PRIMITIVE))
		return;
	if (r == NULL) {
		replay probe = st;

		replay_ops(s, &(vigil_srsc){ .managed = true }, lrm, &probe);
		if (probe.role <= VIGIL_ROLE_STOPPED)
			return; /* a stopped orphan is of no interest */
		r = orphan_new(s, lrm);
	}
	note_history(s, r, node, lrm);
	replay_ops(s, r, lrm, &st);
	if (st.unrecoverable) {
		r->blocked = true;
		r->managed = false;
	}
	r->on[node->index].failed_here = st.role > VIGIL_ROLE_STOPPED &&
					 st.on_fail != VIGIL_ON_FAIL_IGNORE;
	settle_node(s, r, node, &st);
	if (st.role > VIGIL_ROLE_STOPPED && st.on_fail > VIGIL_ON_FAIL_IGNORE)
		r->failed = true;
	r->failure_ignored |= st.ignored;
	r->start_pending |= st.start_pending;
	if (st.probe_rc != 0 && r->failed_probe_rc == 0)
		r->failed_probe_rc = st.probe_rc;
	if (st.pending_found && !r->pending_found) {
		r->pending_found = true;
		r->pending = st.pending;
		r->pending_node = node;
	}
	if (st.role != VIGIL_ROLE_UNKNOWN) {
		g_ptr_array_add(r->known_on, node);
		r->on[node->index].known = true;
	}
	if (st.ban_node)
		g_ptr_array_add(r->banned_on, node);
	if (st.clear_failcount)
		g_ptr_array_add(r->clear_failcount_on, node);
	r->banned_everywhere |= st.ban_all;
	if (st.on_fail == VIGIL_ON_FAIL_BLOCK) {
		/* hands off from now on: this changes how its later histories read */
		r->blocked = true;
		r->managed = false;
	}
	if (st.role > VIGIL_ROLE_STOPPED && st.on_fail == VIGIL_ON_FAIL_RESTART)
		g_ptr_array_add(r->recover_on, node);
	if (st.role > VIGIL_ROLE_STOPPED && st.on_fail == VIGIL_ON_FAIL_STOP)
		r->stop_on_fail = true;
	if (st.on_fail == VIGIL_ON_FAIL_STANDBY)
		node->standby_onfail = true;
	if (st.role > VIGIL_ROLE_STOPPED) {
		add_running(s, r, node);
		if (st.role > r->role)
			r->role = st.role;
	} else if (r->role == VIGIL_ROLE_UNKNOWN) {
		r->role = VIGIL_ROLE_STOPPED;
	}
}

/* --- the whole working set ------------------------------------------------------------------ */

static bool has_failcounts(const vigil_node_state *st)
{
	for (guint i = 0; st != NULL && i < st->transient->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(st->transient, i);

		for (guint j = 0; j < set->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j);

			if (p->name != NULL && g_str_has_prefix(p->name, "fail-count-"))
				return true;
		}
	}
	return false;
}

static void unpack_nodes(vigil_sched *s)
{
	g_autoptr(GPtrArray) infos = NULL;

	/* nodes that fail resources with on-fail=fence are found while the histories are read
	 * (unpack_lrm_rsc), in Pacemaker's order: no separate pass over them */
	vigil_nodes_evaluate(s->cib, &s->opts, &infos);
	/* the working set takes the infos over */
	g_ptr_array_set_free_func(infos, NULL);
	for (guint i = 0; i < infos->len; i++) {
		vigil_snode *n = g_new0(vigil_snode, 1);

		n->info = g_ptr_array_index(infos, i);
		n->name = n->info->node->uname != NULL ? n->info->node->uname : n->info->node->id;
		n->index = i;
		if (n->info->node->score != NULL)
			vigil_score_parse(n->info->node->score, &n->score);
		n->has_failcounts = has_failcounts(n->info->state);
		g_ptr_array_add(s->nodes, n);
	}
}

static vigil_snode *node_of_state(const vigil_sched *s, const vigil_node_state *ns)
{
	for (guint i = 0; i < s->nodes->len; i++) {
		vigil_snode *n = g_ptr_array_index(s->nodes, i);

		if (n->info->state == ns)
			return n;
	}
	return NULL;
}

vigil_srsc *vigil_history_rsc(const vigil_sched *s, GPtrArray *last, guint position,
			      const char *id)
{
	vigil_srsc *r = position < last->len ? g_ptr_array_index(last, position) : NULL;

	if (id == NULL)
		return NULL;
	/* by_id never changes what an id it holds maps to */
	if (r != NULL && strcmp(r->id, id) == 0)
		return r;
	r = g_hash_table_lookup(s->by_id, id);
	if (position >= last->len)
		g_ptr_array_set_size(last, position + 1);
	g_ptr_array_index(last, position) = r;
	return r;
}

/* Histories are read in the order of the status section, as Pacemaker does; nodes lost by
 * membership are known to need fencing before any history is read. */
static void unpack_status(vigil_sched *s)
{
	g_autoptr(GPtrArray) last = g_ptr_array_new();

	for (guint i = 0; i < s->cib->node_states->len; i++) {
		vigil_snode *n = node_of_state(s, g_ptr_array_index(s->cib->node_states, i));

		if (n != NULL && n->info->unclean)
			fence_node(s, n, n->info->unclean_reason);
	}
	for (guint i = 0; i < s->cib->node_states->len; i++) {
		const vigil_node_state *ns = g_ptr_array_index(s->cib->node_states, i);
		vigil_snode *n = node_of_state(s, ns);

		/* offline nodes' histories count only where the cluster could fence them */
		if (n == NULL || (!n->info->online && !s->opts.stonith_enabled))
			continue;
		for (guint j = 0; j < ns->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *l = g_ptr_array_index(ns->lrm_rscs, j);

			unpack_lrm_rsc(s, n, l, vigil_history_rsc(s, last, j, l->id));
		}
	}
}

/* The priority meta attribute, read as Pacemaker does: a leading integer ("2.0" is 2). */
static long priority_of(const vigil_sched *s, const vigil_srsc *r)
{
	const char *v = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "priority") : NULL;

	return v != NULL ? strtol(v, NULL, 10) : 0;
}

static gint by_priority(gconstpointer a, gconstpointer b, gpointer data)
{
	const vigil_sched *s = data;
	const vigil_srsc *x = *(vigil_srsc *const *)a, *y = *(vigil_srsc *const *)b;
	long px = priority_of(s, x), py = priority_of(s, y);

	if (px != py)
		return px > py ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

int vigil_sched_unpack(const vigil_cib *cib, int64_t now, vigil_sched **ret_sched)
{
	vigil_sched *s = g_new0(vigil_sched, 1);

	s->cib = cib;
	s->now = now;
	vigil_cluster_opts_read(cib, &s->opts);
	s->nodes = VIGIL_PTR_ARRAY(snode_free);
	s->rscs = VIGIL_PTR_ARRAY(srsc_free);
	s->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	s->arena = vigil_arena_new();
	unpack_nodes(s);
	for (guint i = 0; i < cib->resources->len; i++) {
		const vigil_rsc *cfg = g_ptr_array_index(cib->resources, i);

		if (cfg->kind != VIGIL_RSC_OTHER) {
			vigil_srsc *r = srsc_new(s, cfg, NULL);

			r->order = s->rscs->len;
			g_ptr_array_add(s->rscs, r);
		}
	}
	/* Pacemaker lists (and places) resources by priority, highest first, stably */
	g_ptr_array_sort_with_data(s->rscs, by_priority, s);
	unpack_status(s);
	*ret_sched = s;
	return 0;
}

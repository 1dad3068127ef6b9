/* vigild's controller. On the DC only: it records in the CIB's status what the cluster is
 * (node states from the membership, quorum, the results nodes report), has the scheduler
 * plan from that, and has the nodes carry the plan out, each action once its ordering
 * predecessors are done. Anything new (membership, the CIB, an unexpected result) aborts
 * the transition: what is in flight ends, then it plans again. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <qb/qblog.h>

#include "cib/inject.h"
#include "cib/nodestate.h"
#include "common/duration.h"
#include "daemons/vigild/vigild.h"
#include "exec/exec.h"
#include "sched/sched.h"

#define COALESCE_MS 20          /* a burst of changes makes one plan */
#define RETRY_MS 100            /* while the members are still synchronizing the CIB */
#define RECHECK_S (15 * 60)     /* cluster-recheck-interval's default */
#define DEFAULT_TIMEOUT_MS 20000

typedef enum { A_WAITING, A_RUNNING, A_DONE, A_FAILED } action_state;

typedef struct reported {
	bool replay;             /* history replayed after a membership change */
	char *rsc, *task, *node, *reason;
	uint64_t interval_ms;
	int rc;
	int64_t when;
} reported;

/* What waits to be recorded in the status, in arrival order; the first CARRIED of ITEMS
 * ride in the update being decided, and go once it is agreed. */
typedef struct to_record {
	GPtrArray *items;
	guint carried;
} to_record;

static void to_record_init(to_record *q, GDestroyNotify free_fn)
{
	q->items = g_ptr_array_new_with_free_func(free_fn);
	q->carried = 0;
}

/* The update being decided carries everything queued so far. */
static void to_record_carry(to_record *q)
{
	q->carried = q->items->len;
}

/* The update is decided: what it carried goes if it was RECORDED, else it rides again. */
static void to_record_settle(to_record *q, bool recorded)
{
	if (recorded)
		g_ptr_array_remove_range(q->items, 0, q->carried);
	q->carried = 0;
}

static void to_record_clear(to_record *q)
{
	g_ptr_array_set_size(q->items, 0);
	q->carried = 0;
}

struct vigild_ctl {
	guint timer;             /* the coalescing timer (or idle source) of a replan */
	gint64 timer_due;        /* when it fires (monotonic) */
	bool proposing;          /* a status update is being decided */
	to_record results;       /* of reported*: not yet in the agreed CIB */
	GHashTable *joined;      /* node ids that said they joined since the last membership */
	GHashTable *replaying;   /* node id -> how many RESULTs of its replayed history are
				  * still to come */
	to_record forget;        /* names of nodes whose vigild restarted: history to erase */
	to_record fenced;        /* names of nodes fenced: to record down, their history gone */
	GHashTable *fenced_members; /* names of nodes fenced while still in the group: not
				     * members any more, until they leave it */
	GHashTable *attempts;    /* node name -> failed fencings since it was last seen */
	GHashTable *leaving;     /* names of members shutting down: "shutdown" to record */
	uint64_t admin_epoch, epoch; /* of the configuration last seen */
	/* the transition in progress */
	uint32_t transition;
	vigil_cib *work;         /* the CIB it was planned from */
	vigil_sched *sched;
	GPtrArray *graph;        /* its actions (vigil_action*), by index = graph position */
	action_state *state;     /* by graph position */
	unsigned *waiting;       /* predecessors not done yet, by graph position */
	GHashTable *pos;         /* vigil_action* -> graph position + 1 */
	unsigned in_flight;
	unsigned fired;          /* actions sent to a node in this transition */
	bool aborted;
	bool news;               /* something happened since the last plan */
	guint recheck;           /* plan again after cluster-recheck-interval, whatever happens */
};

static void reported_free(reported *r)
{
	g_free(r->rsc);
	g_free(r->task);
	g_free(r->reason);
	g_free(r->node);
	g_free(r);
}

static bool is_dc(const vigild *d)
{
	return d->view->dc_nodeid != 0 && d->view->dc_nodeid == d->view->local_nodeid;
}

static void end_transition(struct vigild_ctl *c)
{
	g_clear_pointer(&c->sched, vigil_sched_free);
	g_clear_pointer(&c->work, vigil_cib_free);
	g_clear_pointer(&c->graph, g_ptr_array_unref);
	g_clear_pointer(&c->pos, g_hash_table_unref);
	g_clear_pointer(&c->state, g_free);
	g_clear_pointer(&c->waiting, g_free);
	c->in_flight = 0;
	c->fired = 0;
	c->aborted = false;
}

static gboolean replan(gpointer user);

/* Looks again after DELAY_MS, or sooner if already due sooner: records what is new, plans
 * when no transition runs. 0: as soon as the main loop has handled what is pending (an
 * idle source), so that a burst of messages delivered together makes one plan and a single
 * change waits for nothing. */
static void kick(vigild *d, guint delay_ms)
{
	struct vigild_ctl *c = d->ctl;
	gint64 due = g_get_monotonic_time() + (gint64)delay_ms * 1000;

	if (c->timer != 0 && c->timer_due <= due)
		return;
	if (c->timer != 0)
		g_source_remove(c->timer);
	c->timer_due = due;
	c->timer = delay_ms == 0 ? g_idle_add(replan, d) : g_timeout_add(delay_ms, replan, d);
}

void vigild_ctl_trigger(vigild *d, const char *why)
{
	struct vigild_ctl *c = d->ctl;

	if (c == NULL)
		return;
	if (!is_dc(d)) {
		/* another node plans: forget what this one was doing */
		end_transition(c);
		to_record_clear(&c->results);
		to_record_clear(&c->forget);
		to_record_clear(&c->fenced);
		return;
	}
	if (c->graph != NULL && !c->aborted) {
		qb_log(LOG_INFO, "transition %" PRIu32 " aborted: %s", c->transition, why);
		c->aborted = true;
	}
	c->news = true;
	kick(d, 0);
}

static gboolean recheck_due(gpointer user)
{
	vigild *d = user;

	d->ctl->recheck = 0;
	vigild_ctl_trigger(d, "cluster-recheck-interval");
	return G_SOURCE_REMOVE;
}

/* Plans again after cluster-recheck-interval (failure-timeout expiry, a plan that could
 * not be carried out), unless something happens first. */
static void arm_recheck(vigild *d, const vigil_cib *cib)
{
	struct vigild_ctl *c = d->ctl;
	const char *v = cib != NULL ? vigil_cib_property(cib, "cluster-recheck-interval") : NULL;
	uint64_t ms = 0;

	if (v == NULL || vigil_duration_parse_ms(v, &ms) < 0 || ms == 0)
		ms = RECHECK_S * 1000ull;
	if (c->recheck != 0)
		g_source_remove(c->recheck);
	c->recheck = g_timeout_add_seconds((guint)MAX(ms / 1000, 1), recheck_due, d);
}

void vigild_ctl_membership(vigild *d)
{
	struct vigild_ctl *c = d->ctl;

	if (c == NULL)
		return;
	g_hash_table_remove_all(c->joined);
	g_hash_table_remove_all(c->replaying);
	for (guint i = 0; i < d->view->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(d->view->nodes, i);

		/* a fenced node that left is no member until it comes back; one that is here
		 * again may be fenced again, from the first attempt */
		if (!n->in_group) {
			g_hash_table_remove(c->fenced_members, n->name);
			g_hash_table_remove(c->leaving, n->name);
		}
		else if (!g_hash_table_contains(c->fenced_members, n->name))
			g_hash_table_remove(c->attempts, n->name);
	}
}

static bool all_joined(const vigild *d);

void vigild_ctl_joined(vigild *d, uint32_t nodeid, uint32_t flags)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_view_node *vn = vigil_view_node_find(d->view, nodeid);

	if (c == NULL || vn == NULL)
		return;
	g_hash_table_add(c->joined, GUINT_TO_POINTER(nodeid));
	/* what the CIB says of the node's history gives way to what its vigild knows, which
	 * follows (nothing, if it just started: its resources may still run, if only vigild
	 * restarted, and probes find out) */
	if (flags >> VIGIL_JOINED_REPLAY_SHIFT)
		g_hash_table_insert(c->replaying, GUINT_TO_POINTER(nodeid),
				    GUINT_TO_POINTER(flags >> VIGIL_JOINED_REPLAY_SHIFT));
	if ((flags & VIGIL_JOINED_FRESH) && is_dc(d))
		g_ptr_array_add(c->forget.items, g_strdup(vn->name));
	/* the last member to join lets the plan run at once */
	kick(d, all_joined(d) ? 0 : COALESCE_MS);
}

/* Whether every member has joined: re-sent what it knows. */
static bool all_joined(const vigild *d)
{
	for (guint i = 0; i < d->view->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(d->view->nodes, i);

		if (n->in_group && (!g_hash_table_contains(d->ctl->joined,
							   GUINT_TO_POINTER(n->nodeid)) ||
				    g_hash_table_contains(d->ctl->replaying,
							  GUINT_TO_POINTER(n->nodeid))))
			return false;
	}
	return true;
}

void vigild_ctl_cib_changed(vigild *d)
{
	const vigil_cib *cib = vigild_cib_current(d);

	/* a new configuration (a device added, a host map fixed) is worth fencing again */
	if (d->ctl != NULL && cib != NULL &&
	    (cib->version.admin_epoch != d->ctl->admin_epoch ||
	     cib->version.epoch != d->ctl->epoch)) {
		d->ctl->admin_epoch = cib->version.admin_epoch;
		d->ctl->epoch = cib->version.epoch;
		g_hash_table_remove_all(d->ctl->attempts);
	}
	/* this DC's own status update is being decided: its decision says what to do */
	if (d->ctl != NULL && d->ctl->proposing)
		return;
	vigild_ctl_trigger(d, "the CIB changed");
}

/* ---- what the status must say --------------------------------------------------------- */

static bool node_up_in(const vigil_node_state *st)
{
	return g_strcmp0(st->in_ccm, "true") == 0 && g_strcmp0(st->crmd, "online") == 0 &&
	       g_strcmp0(st->join, "member") == 0;
}

static const vigil_node_state *state_of(const vigil_cib *cib, const char *uname)
{
	for (guint i = 0; i < cib->node_states->len; i++) {
		const vigil_node_state *st = g_ptr_array_index(cib->node_states, i);

		if (g_strcmp0(st->uname, uname) == 0)
			return st;
	}
	return NULL;
}

static const vigil_view_node *view_node_named(const vigil_view *v, const char *name)
{
	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);

		if (g_strcmp0(n->name, name) == 0)
			return n;
	}
	return NULL;
}

/* Adds the nodes of corosync's nodelist that WORK's configuration lacks, as Pacemaker's
 * controller does: a CIB made with the CLI from nothing knows its nodes. True if it did. */
static bool add_nodes(vigild *d, vigil_cib *work, vigil_inject *in)
{
	bool added = false;

	for (guint i = 0; i < d->view->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(d->view->nodes, i);
		g_autofree char *id = g_strdup_printf("%" PRIu32, n->nodeid);
		int r = vigil_inject_add_node(in, id, n->name);

		if (r == -EEXIST)
			qb_log(LOG_WARNING, "node %s: the CIB gives its id %s to another node; "
			       "fix the nodes section (vigil config show)", n->name, id);
		if (r == 1) {
			qb_log(LOG_NOTICE, "node %s (id %s) added to the CIB's nodes", n->name, id);
			added = true;
		}
	}
	if (added)
		vigil_cib_bump_epoch(work);
	return added;
}

/* Records "shutdown" for the members that asked to leave. True if it changed. */
static bool apply_shutdowns(vigild *d, vigil_cib *work, vigil_inject *in)
{
	GHashTableIter it;
	gpointer name;
	bool changed = false;

	g_hash_table_iter_init(&it, d->ctl->leaving);
	while (g_hash_table_iter_next(&it, &name, NULL)) {
		g_autofree char *now = NULL;

		if (vigil_node_state_shutdown(state_of(work, name)))
			continue;
		now = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC);
		changed |= vigil_inject_transient_attr(in, name, "shutdown", now) == 0;
	}
	return changed;
}

/* Brings WORK's node states and quorum in line with the membership. True if it changed. */
static bool apply_membership(vigild *d, vigil_cib *work, vigil_inject *in)
{
	bool changed = add_nodes(d, work, in);

	for (guint i = 0; i < work->nodes->len; i++) {
		const vigil_node *node = g_ptr_array_index(work->nodes, i);
		const vigil_view_node *vn = view_node_named(d->view, node->uname);
		const vigil_node_state *st = state_of(work, node->uname);
		bool member = vn != NULL && vn->in_group &&
			      !g_hash_table_contains(d->ctl->fenced_members, node->uname);

		bool leaving = vigil_node_state_shutdown(st);

		if (member && (st == NULL || !node_up_in(st))) {
			changed |= vigil_inject_node(in, node->uname, VIGIL_INJECT_UP) == 0;
			/* back from a shutdown that did not end cleanly */
			if (leaving && !g_hash_table_contains(d->ctl->leaving, node->uname))
				vigil_inject_transient_attr(in, node->uname, "shutdown", NULL);
		} else if (!member && st != NULL && node_up_in(st) && leaving) {
			/* it asked to leave, and did: down cleanly, nothing to fence; what it
			 * had of transient attributes goes, as Pacemaker's DC erases them */
			changed |= vigil_inject_node(in, node->uname, VIGIL_INJECT_DOWN) == 0;
			vigil_inject_clear_transient(in, node->uname);
			qb_log(LOG_NOTICE, "node %s left cleanly", node->uname);
		} else if (!member && st != NULL && node_up_in(st)) {
			/* gone without a word: lost, as Pacemaker sees a node that left the
			 * membership while expected to be a member */
			changed |= vigil_inject_node(in, node->uname, VIGIL_INJECT_FAIL) == 0;
			vigil_inject_clear_transient(in, node->uname);
		}
	}
	if (g_strcmp0(work->have_quorum, d->view->quorate ? "1" : "0") != 0) {
		vigil_inject_quorum(in, d->view->quorate);
		changed = true;
	}
	return changed;
}

static bool start_failure_forgiven(const vigil_cib *cib)
{
	const char *v = vigil_cib_property(cib, "start-failure-is-fatal");
	bool fatal = true;

	return v != NULL && vigil_str_to_bool(v, &fatal) == 0 && !fatal;
}

static void apply_results(struct vigild_ctl *c, vigil_cib *work, vigil_inject *in)
{
	for (guint i = 0; i < c->results.items->len; i++) {
		const reported *r = g_ptr_array_index(c->results.items, i);
		const vigil_rsc *cfg = vigil_cib_find_rsc(work, r->rsc);
		g_autofree char *digest = NULL;

		if (cfg != NULL && cfg->kind == VIGIL_RSC_PRIMITIVE && r->interval_ms == 0)
			digest = vigil_rsc_param_digest(cfg);
		(r->replay ? vigil_inject_history_op : vigil_inject_op)(in, r->rsc, r->task,
									 r->interval_ms, r->node,
									 r->rc, r->when, digest,
									 r->reason);
		/* a resource deleted from the configuration and now stopped there: its history
		 * there goes too, as Pacemaker's controller deletes an orphan's */
		if (cfg == NULL && strcmp(r->task, "stop") == 0 && r->rc == VIGIL_OCF_SUCCESS)
			vigil_inject_forget_rsc(in, r->node, r->rsc);
		/* a failed start bans the node at once (start-failure-is-fatal, on by default),
		 * as Pacemaker's controller records it */
		if (!r->replay && strcmp(r->task, "start") == 0 && r->rc != VIGIL_OCF_SUCCESS &&
		    !start_failure_forgiven(work))
			vigil_inject_failcount(in, r->node, r->rsc, "start_0", "INFINITY", r->when);
	}
}

static void status_decided(vigild *d, int result, void *user)
{
	struct vigild_ctl *c = d->ctl;

	c->proposing = false;
	to_record_settle(&c->results, result == 0);
	to_record_settle(&c->forget, result == 0);
	to_record_settle(&c->fenced, result == 0);
	if (result == 0) {
		kick(d, 0);
	} else {
		qb_log(LOG_INFO, "the status update was refused (%s); recording it again",
		       g_strerror(-result));
		vigild_ctl_trigger(d, "the CIB changed");
	}
}

/* Proposes WORK as the new status (num_updates + 1). */
static void record(vigild *d, vigil_cib *work)
{
	struct vigild_ctl *c = d->ctl;
	int r;

	vigil_cib_bump_num_updates(work);
	to_record_carry(&c->results);
	to_record_carry(&c->forget);
	to_record_carry(&c->fenced);
	r = vigild_cib_propose(d, work, status_decided, NULL);
	if (r == 0) {
		c->proposing = true;
		return;
	}
	to_record_settle(&c->results, false);
	to_record_settle(&c->forget, false);
	to_record_settle(&c->fenced, false);
	if (r != -EAGAIN)
		qb_log(LOG_ERR, "cannot propose a status update: %s", g_strerror(-r));
	kick(d, RETRY_MS);
}

/* ---- carrying a transition out -------------------------------------------------------- */

static uint32_t action_timeout(const vigil_rsc *cfg, const vigil_action *a)
{
	const char *task = vigil_task_name(a->task);

	for (guint i = 0; cfg != NULL && cfg->ops != NULL && i < cfg->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(cfg->ops, i);
		uint64_t iv = 0, t = 0;

		if (g_strcmp0(op->name, task) != 0 || op->timeout == NULL)
			continue;
		if (op->interval != NULL && vigil_duration_parse_ms(op->interval, &iv) < 0)
			continue;
		if (iv == a->interval_ms && vigil_duration_parse_ms(op->timeout, &t) == 0)
			return (uint32_t)MIN(t, G_MAXUINT32);
	}
	return DEFAULT_TIMEOUT_MS;
}

static void dispatch_ready(vigild *d);

static void action_over(vigild *d, unsigned pos, bool ok)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_action *a = g_ptr_array_index(c->graph, pos);

	c->state[pos] = ok ? A_DONE : A_FAILED;
	if (!ok) {
		c->aborted = true;
		return;
	}
	for (guint j = 0; j < a->after->len; j++) {
		const vigil_ordering *o = g_ptr_array_index(a->after, j);
		gpointer p = g_hash_table_lookup(c->pos, o->then);

		if (p != NULL && c->waiting[GPOINTER_TO_UINT(p) - 1] > 0)
			c->waiting[GPOINTER_TO_UINT(p) - 1]--;
	}
}

static unsigned max_attempts(const vigil_cib *cib)
{
	const char *v = vigil_cib_property(cib, "stonith-max-attempts");
	int64_t n = v != NULL ? g_ascii_strtoll(v, NULL, 10) : 0;

	return n > 0 && n < 1000 ? (unsigned)n : 10; /* Pacemaker's default */
}

/* Has the node of fencing action A (at POS) fenced; false if it cannot be tried. */
static bool send_fence(vigild *d, unsigned pos, const vigil_action *a)
{
	struct vigild_ctl *c = d->ctl;
	unsigned tried = GPOINTER_TO_UINT(g_hash_table_lookup(c->attempts, a->node->name));
	vigil_wire_op req = { .origin = d->view->local_nodeid, .transition = c->transition,
			      .action = pos, .rsc = a->device != NULL ? a->device->id : "",
			      .task = c->sched->stonith_action != NULL ? c->sched->stonith_action :
								      "reboot",
			      .node = a->node->name,
			      .priority_delay_ms = (uint32_t)MIN(a->priority_delay_s * 1000,
								 G_MAXUINT32),
			      .reason = a->reason != NULL ? a->reason : "node is unclean" };

	if (tried >= max_attempts(c->work)) {
		qb_log(LOG_ERR, "fencing %s failed %u times (stonith-max-attempts): no more "
		       "tries until it rejoins or 'vigil stonith fence %s' succeeds; its resources "
		       "stay stopped.", a->node->name, tried, a->node->name);
		return false;
	}
	vigild_fencing_dispatch(d, &req);
	c->state[pos] = A_RUNNING;
	c->in_flight++;
	c->fired++;
	return true;
}

/* Sends action A (at POS) to its node; false if it cannot run. */
static bool send_action(vigild *d, unsigned pos, const vigil_action *a)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_view_node *vn = a->node != NULL ? view_node_named(d->view, a->node->name) : NULL;
	vigil_wire_msg m = { .type = VIGIL_WIRE_ACTION };
	g_autofree uint8_t *buf = NULL;
	size_t len;

	if (a->task == VIGIL_TASK_FENCE)
		return send_fence(d, pos, a);
	if (vn == NULL || !vn->in_group) {
		qb_log(LOG_WARNING, "cannot run %s %s on %s: the node is not a member",
		       vigil_task_name(a->task), a->rsc->id, a->node != NULL ? a->node->name : "?");
		return false;
	}
	m.op = (vigil_wire_op){ .transition = c->transition, .action = pos, .target = vn->nodeid,
				.timeout_ms = action_timeout(a->rsc->cfg, a),
				.interval_ms = a->interval_ms, .rsc = a->rsc->id,
				.task = vigil_task_name(a->task), .reason = "" };
	buf = vigil_wire_encode(&m, &len);
	if (vigild_corosync_send(d, buf, len) < 0)
		return false;
	c->state[pos] = A_RUNNING;
	c->in_flight++;
	c->fired++;
	return true;
}

static bool transition_over(const struct vigild_ctl *c)
{
	if (c->in_flight > 0)
		return false;
	if (c->aborted)
		return true;
	for (guint i = 0; i < c->graph->len; i++)
		if (c->state[i] == A_WAITING && c->waiting[i] == 0)
			return false;
	return true;
}

static void dispatch_ready(vigild *d)
{
	struct vigild_ctl *c = d->ctl;
	bool progress = true;

	while (progress && !c->aborted) {
		progress = false;
		for (guint i = 0; i < c->graph->len && !c->aborted; i++) {
			const vigil_action *a = g_ptr_array_index(c->graph, i);

			if (c->state[i] != A_WAITING || c->waiting[i] > 0)
				continue;
			if ((a->flags & VIGIL_ACT_PSEUDO) || a->task == VIGIL_TASK_STOPPED ||
			    a->task == VIGIL_TASK_RUNNING) {
				action_over(d, i, true);
				progress = true;
			} else if (!send_action(d, i, a)) {
				action_over(d, i, false);
			}
		}
	}
	if (transition_over(c)) {
		/* a transition that ran something is followed by a plan that records it; one
		 * whose every action was pseudo or could not run changed nothing: the same plan
		 * again would be the same transition again (a busy loop on an inquorate node) */
		bool again = (!c->aborted && c->fired > 0) || c->news;

		qb_log(LOG_NOTICE, "transition %" PRIu32 " %s", c->transition,
		       !c->aborted && again ? "complete" :
		       !c->aborted ? "complete (nothing in it could run: waiting for a change "
				     "in the cluster)" :
		       again ? "stopped early: planning again" :
			       "stopped early: waiting for a change in the cluster");
		arm_recheck(d, c->work);
		end_transition(c);
		if (again)
			kick(d, 0);
	}
}

/* The actions of S that run, with their predecessors counted. */
static void build_graph(struct vigild_ctl *c)
{
	c->graph = g_ptr_array_new();
	c->pos = g_hash_table_new(NULL, NULL);
	for (guint i = 0; i < c->sched->actions->len; i++) {
		vigil_action *a = g_ptr_array_index(c->sched->actions, i);

		if (!vigil_action_in_graph(a))
			continue;
		g_ptr_array_add(c->graph, a);
		g_hash_table_insert(c->pos, a, GUINT_TO_POINTER(c->graph->len));
	}
	c->state = g_new0(action_state, MAX(c->graph->len, 1));
	c->waiting = g_new0(unsigned, MAX(c->graph->len, 1));
	for (guint i = 0; i < c->graph->len; i++) {
		const vigil_action *a = g_ptr_array_index(c->graph, i);

		for (guint j = 0; j < a->before->len; j++) {
			const vigil_ordering *o = g_ptr_array_index(a->before, j);

			if (g_hash_table_contains(c->pos, o->first))
				c->waiting[i]++;
		}
	}
}

/* The log's lines for the plan: one per decision, with its cause ("DC node1 planned: move
 * vip node2 -> node3 (node2 lost; fencing it first)"); the whole Transition Summary at
 * debug level. */
static void log_plan(vigild *d)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_view_node *self = vigil_view_node_find(d->view, d->view->local_nodeid);
	g_autofree char *who = g_strdup_printf("DC %s", self != NULL ? self->name : "?");
	g_autoptr(GString) lines = g_string_new(NULL);
	g_autoptr(GString) summary = g_string_new(NULL);
	g_auto(GStrv) each = NULL;

	vigil_sched_format_decisions(c->sched, who, lines);
	each = g_strsplit(lines->str, "\n", -1);
	for (char **l = each; *l != NULL; l++)
		if (**l != '\0')
			qb_log(LOG_NOTICE, "%s", *l);
	vigil_sched_format_summary(c->sched, summary);
	g_strchomp(summary->str);
	qb_log(LOG_INFO, "transition %" PRIu32 ": %u actions%s%s", c->transition,
	       c->graph->len, summary->len > 0 ? "\n" : "", summary->str);
}

static gboolean replan(gpointer user)
{
	vigild *d = user;
	struct vigild_ctl *c = d->ctl;
	g_autoptr(vigil_cib) work = NULL;
	g_autoptr(vigil_inject) in = NULL;
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;
	bool changed;

	c->timer = 0;
	if (!is_dc(d) || c->proposing)
		return G_SOURCE_REMOVE; /* the decision kicks again */
	if (!vigild_cib_synced(d) || !all_joined(d)) {
		qb_log(LOG_DEBUG, "not planning yet: %s", !vigild_cib_synced(d) ?
		       "the CIB is not synchronized" : "a member has not joined");
		kick(d, RETRY_MS);
		return G_SOURCE_REMOVE;
	}
	/* first the status: what the membership and the nodes' reports say */
	if (vigild_cib_copy(d, &work) < 0)
		return G_SOURCE_REMOVE;
	in = vigil_inject_new(work);
	changed = apply_membership(d, work, in);
	changed |= apply_shutdowns(d, work, in);
	for (guint i = 0; i < c->forget.items->len; i++)
		changed |= vigil_inject_forget(in, g_ptr_array_index(c->forget.items, i)) == 0;
	for (guint i = 0; i < c->fenced.items->len; i++)
		changed |= vigil_inject_fenced(in, g_ptr_array_index(c->fenced.items, i)) == 0;
	if (c->results.items->len > 0) {
		apply_results(c, work, in);
		changed = true;
	}
	if (changed) {
		record(d, work);
		return G_SOURCE_REMOVE;
	}
	/* then a plan, unless one is being carried out */
	if (c->graph != NULL) {
		if (!c->aborted || c->in_flight > 0)
			return G_SOURCE_REMOVE;
		end_transition(c);
	}
	g_clear_pointer(&in, vigil_inject_free);
	c->transition++;
	c->news = false;
	c->work = g_steal_pointer(&work);
	vigil_sched_unpack(c->work, now, &c->sched);
	vigil_sched_run(c->sched);
	build_graph(c);
	if (c->graph->len == 0) {
		arm_recheck(d, c->work);
		end_transition(c);
		return G_SOURCE_REMOVE;
	}
	log_plan(d);
	dispatch_ready(d);
	return G_SOURCE_REMOVE;
}

/* Whether RC is what the action expected: a probe finds the resource running or not (both
 * news, but only "not running" is what was planned). */
static bool expected(const vigil_action *a, int rc)
{
	if (a->task == VIGIL_TASK_MONITOR && a->interval_ms == 0)
		return rc == VIGIL_OCF_NOT_RUNNING;
	return rc == VIGIL_OCF_SUCCESS;
}

void vigild_ctl_result(vigild *d, const vigil_wire_op *op)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_view_node *vn = vigil_view_node_find(d->view, op->target);
	guint left = c != NULL ? GPOINTER_TO_UINT(g_hash_table_lookup(c->replaying,
						 GUINT_TO_POINTER(op->target))) : 0;
	reported *r;

	if (left > 0) {
		if (left > 1)
			g_hash_table_insert(c->replaying, GUINT_TO_POINTER(op->target),
					    GUINT_TO_POINTER(left - 1));
		else
			g_hash_table_remove(c->replaying, GUINT_TO_POINTER(op->target));
	}
	if (c == NULL || !is_dc(d) || vn == NULL)
		return;
	r = g_new0(reported, 1);
	r->replay = left > 0;
	r->rsc = g_strdup(op->rsc);
	r->task = g_strdup(op->task);
	r->node = g_strdup(vn->name);
	r->reason = g_strdup(op->reason);
	r->interval_ms = op->interval_ms;
	c->news = true;
	/* a timeout or an agent that could not run counts as a failure */
	r->rc = op->status == VIGIL_EXEC_DONE ? op->rc :
		op->rc != VIGIL_OCF_SUCCESS ? op->rc : VIGIL_OCF_ERR_GENERIC;
	r->when = g_get_real_time() / G_USEC_PER_SEC;
	g_ptr_array_add(c->results.items, r);
	if (r->replay) {
		/* history already known to its node: recorded, nothing of a transition */
	} else if (c->graph != NULL && op->transition == c->transition &&
		   op->action < c->graph->len && c->state[op->action] == A_RUNNING) {
		const vigil_action *a = g_ptr_array_index(c->graph, op->action);
		bool ok = expected(a, r->rc);

		c->in_flight--;
		if (!ok)
			qb_log(LOG_WARNING, "%s %s on %s: %s, not what was planned%s%s", op->task,
			       op->rsc, vn->name, vigil_ocf_rc_text(r->rc),
			       op->reason[0] != '\0' ? " - " : "", op->reason);
		action_over(d, op->action, ok);
		dispatch_ready(d);
	} else if (op->interval_ms > 0 && r->rc != VIGIL_OCF_SUCCESS) {
		/* a recurring monitor found a failure: plan the recovery */
		vigild_ctl_trigger(d, "a monitor failed");
	}
	kick(d, COALESCE_MS); /* record it */
}

void vigild_ctl_shutdown(vigild *d, const char *node)
{
	if (d->ctl == NULL || node == NULL || g_hash_table_contains(d->ctl->leaving, node))
		return;
	g_hash_table_add(d->ctl->leaving, g_strdup(node));
	if (is_dc(d))
		vigild_ctl_trigger(d, "a node is shutting down");
}

void vigild_ctl_fenced(vigild *d, const vigil_wire_op *op, bool ok)
{
	struct vigild_ctl *c = d->ctl;
	const vigil_view_node *vn;

	if (c == NULL || !is_dc(d) || strcmp(op->task, "on") == 0)
		return;
	if (ok) {
		vn = view_node_named(d->view, op->node);
		g_ptr_array_add(c->fenced.items, g_strdup(op->node));
		g_hash_table_remove(c->attempts, op->node);
		if (vn != NULL && vn->in_group)
			g_hash_table_add(c->fenced_members, g_strdup(op->node));
	} else {
		unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(c->attempts, op->node));

		g_hash_table_insert(c->attempts, g_strdup(op->node), GUINT_TO_POINTER(n + 1));
	}
	c->news = true;
	if (c->graph != NULL && op->origin == d->view->local_nodeid &&
	    op->transition == c->transition && op->action < c->graph->len &&
	    c->state[op->action] == A_RUNNING) {
		c->in_flight--;
		action_over(d, op->action, ok);
		dispatch_ready(d);
	} else if (ok) {
		vigild_ctl_trigger(d, "a node was fenced");
	}
	kick(d, COALESCE_MS); /* record it */
}

void vigild_ctl_start(vigild *d)
{
	d->ctl = g_new0(struct vigild_ctl, 1);
	to_record_init(&d->ctl->results, (GDestroyNotify)reported_free);
	d->ctl->joined = g_hash_table_new(NULL, NULL);
	d->ctl->replaying = g_hash_table_new(NULL, NULL);
	to_record_init(&d->ctl->forget, g_free);
	to_record_init(&d->ctl->fenced, g_free);
	d->ctl->fenced_members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d->ctl->attempts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d->ctl->leaving = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void vigild_ctl_stop(vigild *d)
{
	if (d->ctl == NULL)
		return;
	if (d->ctl->timer != 0)
		g_source_remove(d->ctl->timer);
	if (d->ctl->recheck != 0)
		g_source_remove(d->ctl->recheck);
	end_transition(d->ctl);
	g_ptr_array_unref(d->ctl->results.items);
	g_hash_table_unref(d->ctl->joined);
	g_hash_table_unref(d->ctl->replaying);
	g_ptr_array_unref(d->ctl->forget.items);
	g_ptr_array_unref(d->ctl->fenced.items);
	g_hash_table_unref(d->ctl->fenced_members);
	g_hash_table_unref(d->ctl->attempts);
	g_hash_table_unref(d->ctl->leaving);
	g_clear_pointer(&d->ctl, g_free);
}

#include "config.h"

#include <stdio.h>

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cib/cib-private.h"
#include "cib/nodestate.h"
#include "common/score.h"
#include "common/duration.h"

int vigil_str_to_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "on", "yes", "y", "1" };
	static const char *const no[] = { "false", "off", "no", "n", "0" };

	for (size_t i = 0; s != NULL && i < G_N_ELEMENTS(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			*ret = strcasecmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return -EINVAL;
}

bool vigil_str_is_true(const char *s)
{
	bool v = false;

	return vigil_str_to_bool(s, &v) == 0 && v;
}

static bool option_bool(const vigil_cib *cib, const char *name, bool dflt)
{
	const char *v = vigil_cib_property(cib, name);

	return v != NULL ? vigil_str_is_true(v) : dflt;
}

/* A duration option in whole seconds (Pacemaker truncates: "1500ms" is 1); 0 if unset or
 * not a duration. */
static uint64_t option_duration_s(const vigil_cib *cib, const char *name)
{
	const char *v = vigil_cib_property(cib, name);
	uint64_t ms = 0;

	if (v == NULL || vigil_duration_parse_ms(v, &ms) < 0)
		return 0;
	return ms / 1000;
}

static vigil_no_quorum_policy parse_nqp(const char *v)
{
	static const char *const names[] = { "stop", "freeze", "ignore", "demote", "suicide" };

	for (size_t i = 0; v != NULL && i < G_N_ELEMENTS(names); i++)
		if (strcasecmp(v, names[i]) == 0)
			return (vigil_no_quorum_policy)i;
	return VIGIL_NQP_STOP;
}

/* Does the subtree hold a <primitive class="stonith">? (for clones kept verbatim) */
static bool raw_has_stonith(const xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		g_autofree char *cls = NULL;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (vigil_xml_is(n, "primitive")) {
			cls = vigil_xml_get(n, "class");
			if (g_strcmp0(cls, "stonith") == 0)
				return true;
		}
		if (raw_has_stonith(n->children))
			return true;
	}
	return false;
}

static bool rsc_has_stonith(const vigil_rsc *rsc)
{
	if (rsc->kind == VIGIL_RSC_OTHER)
		return raw_has_stonith(rsc->raw);
	if (g_strcmp0(rsc->class_, "stonith") == 0)
		return true;
	for (guint i = 0; i < rsc->members->len; i++)
		if (rsc_has_stonith(g_ptr_array_index(rsc->members, i)))
			return true;
	return false;
}

void vigil_cluster_opts_read(const vigil_cib *cib, vigil_cluster_opts *ret_opts)
{
	vigil_cluster_opts o = { 0 };

	o.stonith_enabled = option_bool(cib, "stonith-enabled", true);
	o.startup_fencing = option_bool(cib, "startup-fencing", true);
	o.maintenance_mode = option_bool(cib, "maintenance-mode", false);
	o.have_quorum = vigil_str_is_true(cib->have_quorum);
	o.priority_fencing_delay_s = option_duration_s(cib, "priority-fencing-delay");
	o.no_quorum_policy = parse_nqp(vigil_cib_property(cib, "no-quorum-policy"));
	/* suicide needs fencing, and a cluster that has had quorum (or no-quorum-panic) */
	if (o.no_quorum_policy == VIGIL_NQP_SUICIDE &&
	    (!o.stonith_enabled ||
	     !(o.have_quorum || vigil_str_is_true(vigil_extra_attr(&cib->extra, "no-quorum-panic")))))
		o.no_quorum_policy = VIGIL_NQP_STOP;
	for (guint i = 0; i < cib->resources->len && !o.have_stonith_rsc; i++)
		o.have_stonith_rsc = rsc_has_stonith(g_ptr_array_index(cib->resources, i));
	*ret_opts = o;
}

void vigil_node_info_free(vigil_node_info *info)
{
	if (info == NULL)
		return;
	g_free(info->unclean_reason);
	g_free(info);
}

static void mark_unclean(vigil_node_info *info, const char *reason)
{
	if (info->unclean)
		return; /* the first reason stands, as in Pacemaker */
	info->unclean = true;
	info->unclean_reason = g_strdup(reason);
}

static bool is_truthy_timestamp(const char *v)
{
	/* Pacemaker's "terminate" may hold a time(): any non-zero number means yes */
	return v != NULL && isdigit((unsigned char)v[0]) && v[0] != '0';
}

/* Pacemaker's determine_online_status_fencing(). */
static void eval_with_fencing(vigil_node_info *info, bool terminate)
{
	const vigil_node_state *s = info->state;
	bool in_ccm = vigil_str_is_true(s->in_ccm);
	bool crmd = g_strcmp0(s->crmd, "online") == 0;
	const char *expected = s->expected != NULL ? s->expected : "down";

	info->online = in_ccm;
	if (info->shutdown) {
		info->online = crmd;
	} else if (s->in_ccm == NULL) {
		mark_unclean(info, "peer has not been seen by the cluster");
	} else if (g_strcmp0(s->join, "banned") == 0) {
		mark_unclean(info, "peer failed Pacemaker membership criteria");
	} else if (!terminate && strcmp(expected, "down") == 0) {
		if (in_ccm || crmd)
			info->pending = info->standby = true;
	} else if (terminate && g_strcmp0(s->join, "down") == 0 && !in_ccm && !crmd) {
		info->online = false; /* just shot */
	} else if (!in_ccm) {
		mark_unclean(info, "peer is no longer part of the cluster");
		info->lost = true;
	} else if (!crmd) {
		mark_unclean(info, "peer process is no longer available");
	} else if (terminate) {
		mark_unclean(info, "termination was requested");
	} else if (g_strcmp0(s->join, "member") == 0) {
		/* active */
	} else if (g_strcmp0(s->join, "pending") == 0 || g_strcmp0(s->join, "down") == 0) {
		info->pending = info->standby = true;
	} else {
		mark_unclean(info, "peer was in an unknown state");
	}
}

/* Pacemaker's determine_online_status_no_fencing(). */
static void eval_without_fencing(vigil_node_info *info)
{
	const vigil_node_state *s = info->state;

	if (!vigil_str_is_true(s->in_ccm))
		return;
	if (g_strcmp0(s->crmd, "online") == 0) {
		info->online = g_strcmp0(s->join, "member") == 0;
	} else if (g_strcmp0(s->expected, "member") == 0) {
		mark_unclean(info, "peer is unexpectedly down");
	}
}

static const char *transient_attr(const vigil_node_state *s, const char *name)
{
	return s != NULL ? vigil_nvsets_get(s->transient, NULL, name) : NULL;
}

bool vigil_node_state_shutdown(const vigil_node_state *st)
{
	const char *v = transient_attr(st, "shutdown");

	return v != NULL && strcmp(v, "0") != 0;
}

/* A node attribute: permanent (instance_attributes of <node>) or transient. */
static const char *node_attr(const vigil_node_info *info, const char *name)
{
	const char *v = transient_attr(info->state, name);

	return v != NULL ? v : vigil_nvsets_get(info->node->nvsets, "instance_attributes", name);
}

static const vigil_node_state *find_state(const vigil_cib *cib, const vigil_node *node)
{
	for (guint i = 0; i < cib->node_states->len; i++) {
		const vigil_node_state *s = g_ptr_array_index(cib->node_states, i);

		if (s->id != NULL && g_strcmp0(s->id, node->id) == 0)
			return s;
	}
	return NULL;
}

static vigil_node_info *eval_node(const vigil_cib *cib, const vigil_cluster_opts *opts,
				  const vigil_node *node)
{
	vigil_node_info *info = g_new0(vigil_node_info, 1);

	info->node = node;
	info->state = find_state(cib, node);
	if (info->state == NULL) {
		/* never seen: unclean until proven otherwise (where it can be fenced),
		 * unless told to trust it */
		if (opts->startup_fencing && opts->stonith_enabled)
			mark_unclean(info, "it has not been seen since the cluster started");
		return info;
	}
	info->shutdown = vigil_node_state_shutdown(info->state);
	if (opts->stonith_enabled) {
		const char *t = transient_attr(info->state, "terminate");

		eval_with_fencing(info, vigil_str_is_true(t) || is_truthy_timestamp(t));
	} else {
		eval_without_fencing(info);
	}
	if (info->online && !opts->have_quorum && opts->no_quorum_policy == VIGIL_NQP_SUICIDE)
		mark_unclean(info, "cluster does not have quorum");
	info->standby = info->standby || vigil_str_is_true(node_attr(info, "standby"));
	info->maintenance = vigil_str_is_true(node_attr(info, "maintenance"));
	return info;
}

int vigil_nodes_evaluate(const vigil_cib *cib, const vigil_cluster_opts *opts,
			 GPtrArray **ret_infos)
{
	GPtrArray *infos = VIGIL_PTR_ARRAY(vigil_node_info_free);

	for (guint i = 0; i < cib->nodes->len; i++) {
		const vigil_node *n = g_ptr_array_index(cib->nodes, i);

		if (g_strcmp0(n->type, "ping") == 0 || g_strcmp0(n->type, "remote") == 0)
			continue; /* not cluster members */
		g_ptr_array_add(infos, eval_node(cib, opts, n));
	}
	*ret_infos = infos;
	return 0;
}

bool vigil_can_fence(const vigil_cluster_opts *opts, const vigil_node_info *node)
{
	if (!opts->stonith_enabled || !opts->have_stonith_rsc)
		return false;
	if (opts->have_quorum || opts->no_quorum_policy == VIGIL_NQP_IGNORE)
		return true;
	return node != NULL && node->online;
}

/* --- resource failures that fence ------------------------------------------------------ */

int vigil_on_fail_parse(const char *text, vigil_on_fail *ret)
{
	static const struct { const char *name; vigil_on_fail v; } map[] = {
		{ "ignore", VIGIL_ON_FAIL_IGNORE }, { "restart", VIGIL_ON_FAIL_RESTART },
		{ "demote", VIGIL_ON_FAIL_DEMOTE }, { "block", VIGIL_ON_FAIL_BLOCK },
		{ "stop", VIGIL_ON_FAIL_STOP }, { "standby", VIGIL_ON_FAIL_STANDBY },
		{ "fence", VIGIL_ON_FAIL_FENCE },
		{ "restart-container", VIGIL_ON_FAIL_RESTART },
	};

	for (size_t i = 0; text != NULL && i < G_N_ELEMENTS(map); i++) {
		if (strcmp(text, map[i].name) == 0) {
			*ret = map[i].v;
			return 0;
		}
	}
	return -EINVAL;
}

const vigil_op *vigil_rsc_find_op(const vigil_rsc *rsc, const char *name, uint64_t interval_ms)
{
	for (guint i = 0; rsc != NULL && i < rsc->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(rsc->ops, i);
		uint64_t ms;

		if (g_strcmp0(op->name, name) != 0)
			continue;
		if (vigil_duration_parse_ms(op->interval, &ms) == 0 && ms == interval_ms)
			return op;
	}
	return NULL;
}

const char *vigil_rsc_meta(const vigil_cib *cib, const vigil_rsc *rsc, const char *name)
{
	for (const vigil_rsc *r = rsc; r != NULL; r = r->parent) {
		const char *v = vigil_nvsets_get(r->nvsets, "meta_attributes", name);

		if (v != NULL)
			return v;
	}
	return vigil_nvsets_get(cib->rsc_defaults, "meta_attributes", name);
}

bool vigil_lrm_op_failed(const vigil_lrm_op *op)
{
	bool probe = op->interval_ms_v == 0 && g_strcmp0(op->operation, "monitor") == 0;
	bool monitor = g_strcmp0(op->operation, "monitor") == 0;

	switch (op->op_status_v) {
	case 0: /* done: judge by the agent's exit code */
		break;
	case -1: /* pending */
	case 1:  /* cancelled */
	case 8:  /* not connected (remote) */
		return false;
	default:
		return op->op_status_v > 1;
	}
	if (op->rc_code_v == 0 || (monitor && op->rc_code_v == 8))
		return false;
	if (probe && (op->rc_code_v == 7 || op->rc_code_v == 5))
		return false;
	return true;
}

vigil_on_fail vigil_lrm_op_on_fail(const vigil_cib *cib, const vigil_cluster_opts *opts,
				   const vigil_rsc *rsc, const vigil_lrm_op *op)
{
	const vigil_op *cfg = op->interval_ms_v >= 0 ?
		vigil_rsc_find_op(rsc, op->operation, (uint64_t)op->interval_ms_v) : NULL;
	const char *text = cfg != NULL ? cfg->on_fail : NULL;
	vigil_on_fail v;

	if (text == NULL)
		text = vigil_nvsets_get(cib->op_defaults, "meta_attributes", "on-fail");
	if (vigil_on_fail_parse(text, &v) < 0) {
		if (g_strcmp0(op->operation, "stop") == 0)
			v = opts->stonith_enabled ? VIGIL_ON_FAIL_FENCE : VIGIL_ON_FAIL_BLOCK;
		else
			v = VIGIL_ON_FAIL_RESTART;
	}
	if (v == VIGIL_ON_FAIL_FENCE && !opts->stonith_enabled)
		v = VIGIL_ON_FAIL_STOP;
	return v;
}

bool vigil_cib_legacy_failcounts(const vigil_cib *cib)
{
	unsigned v[3] = { 0, 0, 0 };

	if (cib->crm_feature_set == NULL)
		return true;
	sscanf(cib->crm_feature_set, "%u.%u.%u", &v[0], &v[1], &v[2]);
	return v[0] < 3 || (v[0] == 3 && v[1] == 0 && v[2] < 13);
}

/* The fail-count and last failure time STATE records for OP of RSC. */
static int op_failcount(const vigil_cib *cib, const vigil_rsc *rsc,
			const vigil_node_state *state, const vigil_lrm_op *op, int64_t *ret_last)
{
	g_autofree char *suffix = vigil_cib_legacy_failcounts(cib) ? g_strdup("") :
		g_strdup_printf("#%s_%lld", op->operation != NULL ? op->operation : "",
				(long long)op->interval_ms_v);
	g_autofree char *fc = g_strdup_printf("fail-count-%s%s", rsc->id, suffix);
	g_autofree char *lf = g_strdup_printf("last-failure-%s%s", rsc->id, suffix);
	const char *v = state != NULL ? transient_attr(state, fc) : NULL;
	const char *l = state != NULL ? transient_attr(state, lf) : NULL;
	int count = 0;

	if (v != NULL && vigil_score_parse(v, &count) < 0)
		count = 0;
	*ret_last = l != NULL ? g_ascii_strtoll(l, NULL, 10) : 0;
	return count;
}

/* Whether RSC has an <op> with on-fail=block for the operation OP ran (block_failure()). */
static bool blocks_on_failure(const vigil_rsc *rsc, const vigil_lrm_op *op)
{
	for (guint i = 0; i < rsc->ops->len; i++) {
		const vigil_op *o = g_ptr_array_index(rsc->ops, i);
		uint64_t ms = 0;

		if (g_strcmp0(o->on_fail, "block") != 0 || g_strcmp0(o->name, op->operation) != 0)
			continue;
		if (o->interval != NULL && vigil_duration_parse_ms(o->interval, &ms) < 0)
			continue;
		if ((int64_t)ms == op->interval_ms_v)
			return true;
	}
	return false;
}

bool vigil_lrm_op_expired(const vigil_cib *cib, const vigil_rsc *rsc,
			  const vigil_node_state *state, const vigil_lrm_op *op, int64_t now,
			  bool *timeout_off)
{
	uint64_t timeout_ms;
	int64_t timeout, last_failure = 0;
	int raw, effective;
	bool expired;

	if (rsc == NULL || op->last_rc_change_v < 0 || (timeout_off != NULL && *timeout_off))
		return false;
	if (vigil_duration_parse_ms(vigil_rsc_meta(cib, rsc, "failure-timeout"), &timeout_ms) < 0
	    || timeout_ms / 1000 == 0)
		return false;
	timeout = (int64_t)(timeout_ms / 1000);
	/* both times are non-negative: the difference cannot overflow, the sum could */
	expired = now - op->last_rc_change_v >= timeout;
	raw = op_failcount(cib, rsc, state, op, &last_failure);
	effective = raw;
	if (raw > 0 && blocks_on_failure(rsc, op)) {
		/* failure-timeout conflicts with on-fail=block: Pacemaker drops the timeout */
		if (timeout_off != NULL)
			*timeout_off = true;
		expired = false;
	} else if (raw > 0 && last_failure > 0 && now - last_failure > timeout) {
		effective = 0;
	}
	/* an old operation whose fail-count is still live has not expired */
	if (expired && raw != 0 && effective != 0)
		expired = false;
	/* probes that merely found the resource running or stopped never expire */
	if (expired && op->interval_ms_v == 0 && g_strcmp0(op->operation, "monitor") == 0 &&
	    (op->rc_code_v == 0 || op->rc_code_v == 7 || op->rc_code_v == 8 ||
	     op->rc_code_v == 190 || op->rc_code_v == 191))
		expired = false;
	return expired;
}

/* The transition number in a transition-magic "STATUS:RC;ACTION:TRANSITION:TARGET:UUID", and
 * its UUID; false if there is none. */
static bool magic_transition(const vigil_lrm_op *op, long *ret_id, char **ret_uuid)
{
	const char *magic = op->transition_magic;
	g_auto(GStrv) parts = NULL;
	const char *key;

	if (magic == NULL || (key = strchr(magic, ';')) == NULL)
		return false;
	parts = g_strsplit(key + 1, ":", 4);
	if (g_strv_length(parts) < 4)
		return false;
	*ret_id = strtol(parts[1], NULL, 10);
	*ret_uuid = g_strdup(parts[3]);
	return true;
}

/* Pacemaker's pe__is_newer_op() for two operations on one node: by call-id, then by
 * last-rc-change for the same call, and for a pending operation (call-id -1) by the
 * transition it belongs to; 0 where Pacemaker cannot tell. */
static gint older_first(gconstpointer a, gconstpointer b)
{
	const vigil_lrm_op *x = a, *y = b;
	int ca = x->call_id_v, cb = y->call_id_v;
	g_autofree char *ua = NULL, *ub = NULL;
	long ia = -1, ib = -1;

	if (ca == -1 && cb == -1)
		return 0;
	if (ca >= 0 && ca < cb)
		return -1;
	if (cb >= 0 && ca > cb)
		return 1;
	if (ca >= 0 && cb >= 0) {
		int64_t la = x->last_rc_change_v, lb = y->last_rc_change_v;

		if (la >= 0 && la < lb)
			return -1;
		if (lb >= 0 && la > lb)
			return 1;
		return 0;
	}
	if (!magic_transition(x, &ia, &ua) || !magic_transition(y, &ib, &ub))
		return 0;
	if (strcmp(ua, ub) != 0 || ia == ib) {
		if (cb == -1)
			return -1;
		if (ca == -1)
			return 1;
	} else if ((ia >= 0 && ia < ib) || ib == -1) {
		return -1;
	} else if ((ib >= 0 && ia > ib) || ia == -1) {
		return 1;
	}
	return 0;
}

/* Does older_first() order OPS as a total preorder? Pending operations compare by their
 * transitions, and equal call-ids by last-rc-change only where both have one: either can
 * leave "equal" intransitive. */
static bool totally_ordered(const GPtrArray *ops)
{
	bool all_changes = true;

	if (ops->len > 16)
		return false;
	for (guint i = 0; i < ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(ops, i);

		if (op->call_id_v == -1)
			return false;
		all_changes &= op->last_rc_change_v >= 0;
	}
	for (guint i = 0; !all_changes && i < ops->len; i++)
		for (guint j = i + 1; j < ops->len; j++)
			if (((const vigil_lrm_op *)g_ptr_array_index(ops, i))->call_id_v ==
			    ((const vigil_lrm_op *)g_ptr_array_index(ops, j))->call_id_v)
				return false;
	return true;
}

/* In Pacemaker's order: the history's operations, listed newest in the document first, then
 * sorted (stably, by GLib's merge sort, as Pacemaker does) with pe__is_newer_op(). */
GPtrArray *vigil_lrm_rsc_ops_by_call(const vigil_lrm_rsc *lrm)
{
	GPtrArray *ops = g_ptr_array_sized_new(lrm->ops->len);
	GList *list = NULL;

	for (guint i = lrm->ops->len; i-- > 0; )
		g_ptr_array_add(ops, g_ptr_array_index(lrm->ops, i));
	/* Where the comparison is a total preorder every stable sort gives GLib's merge sort's
	 * result: sort in place (histories are short). */
	if (totally_ordered(ops)) {
		for (guint i = 1; i < ops->len; i++) {
			gpointer x = ops->pdata[i];
			guint j = i;

			for (; j > 0 && older_first(ops->pdata[j - 1], x) > 0; j--)
				ops->pdata[j] = ops->pdata[j - 1];
			ops->pdata[j] = x;
		}
		return ops;
	}
	g_ptr_array_set_size(ops, 0);
	for (guint i = 0; i < lrm->ops->len; i++)
		list = g_list_prepend(list, g_ptr_array_index(lrm->ops, i));
	list = g_list_sort(list, older_first);
	for (GList *l = list; l != NULL; l = l->next)
		g_ptr_array_add(ops, l->data);
	g_list_free(list);
	return ops;
}

/* The worst on-fail in effect after replaying one resource's history on one node. */
static vigil_on_fail replay_history(const vigil_cib *cib, const vigil_cluster_opts *opts,
				    const vigil_node_state *state, const vigil_lrm_rsc *lrm,
				    int64_t now)
{
	bool timeout_off = false;
	const vigil_rsc *rsc = vigil_cib_find_rsc(cib, lrm->id);
	g_autoptr(GPtrArray) ops = vigil_lrm_rsc_ops_by_call(lrm);
	vigil_on_fail worst = VIGIL_ON_FAIL_IGNORE;

	for (guint i = 0; i < ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(ops, i);
		bool clears = g_strcmp0(op->operation, "stop") == 0 ||
			      g_strcmp0(op->operation, "start") == 0;

		if (vigil_lrm_op_failed(op)) {
			vigil_on_fail f = vigil_lrm_op_on_fail(cib, opts, rsc, op);

			if (!vigil_lrm_op_expired(cib, rsc, state, op, now, &timeout_off) &&
			    f > worst)
				worst = f;
		} else if (clears && op->op_status_v == 0 && worst != VIGIL_ON_FAIL_FENCE &&
			   worst != VIGIL_ON_FAIL_STOP && worst != VIGIL_ON_FAIL_STANDBY) {
			worst = VIGIL_ON_FAIL_IGNORE;
		}
	}
	return worst;
}

void vigil_nodes_apply_failures(const vigil_cib *cib, const vigil_cluster_opts *opts,
				int64_t now, GPtrArray *infos)
{
	for (guint i = 0; i < infos->len; i++) {
		vigil_node_info *info = g_ptr_array_index(infos, i);

		/* Pacemaker reads the history of offline nodes only when it can fence */
		if (info->state == NULL || (!info->online && !opts->stonith_enabled))
			continue;
		for (guint j = 0; j < info->state->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *lrm = g_ptr_array_index(info->state->lrm_rscs, j);
			g_autofree char *reason = NULL;

			if (replay_history(cib, opts, info->state, lrm, now) != VIGIL_ON_FAIL_FENCE)
				continue;
			reason = g_strdup_printf("%s failed there", lrm->id);
			if (!info->unclean)
				info->unclean_by_failure = true;
			mark_unclean(info, reason);
		}
	}
}

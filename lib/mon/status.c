/* What 'vigil status' and vigil-mon show, in crm_mon's layout: the summary (DC, quorum),
 * the nodes, the resources and the failed actions of a CIB, and the fencing history. Pure:
 * vigild renders it from what it holds, and answers a client with the text. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exec/exec.h"
#include "mon/status.h"
#include "sched/sched.h"

static const vigil_snode *snode_named(const vigil_sched *s, const char *name)
{
	for (guint i = 0; s != NULL && i < s->nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(s->nodes, i);

		if (g_strcmp0(n->name, name) == 0)
			return n;
	}
	return NULL;
}

/* The members, as crm_mon lists them: nodes in a special state (standby, maintenance...,
 * from the CIB S was unpacked from) on lines of their own, then the plain online and
 * offline ones (as the membership has them). */
static void print_nodes(const vigil_view *v, const vigil_sched *s, GString *out)
{
	g_autoptr(GString) online = g_string_new(NULL), offline = g_string_new(NULL);

	g_string_append(out, "\nNode List:\n");
	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);
		const vigil_snode *sn = snode_named(s, n->name);
		g_autofree char *special = NULL;

		/* a special state as the CIB has it, when its online agrees with the view */
		if (sn != NULL && sn->info->online == n->in_group)
			special = vigil_sched_node_special(sn);
		if (special != NULL)
			g_string_append_printf(out, "  * %s\n", special);
		else
			g_string_append_printf(n->in_group ? online : offline, " %s", n->name);
	}
	if (online->len > 0)
		g_string_append_printf(out, "  * Online: [%s ]\n", online->str);
	if (offline->len > 0)
		g_string_append_printf(out, "  * OFFLINE: [%s ]\n", offline->str);
}

static void print_view(const vigil_view *v, const vigil_sched *s, int64_t now_s, GString *out)
{
	const vigil_view_node *dc = vigil_view_node_find(v, v->dc_nodeid);
	const vigil_view_node *me = vigil_view_node_find(v, v->local_nodeid);
	char when[64] = "";
	time_t now = (time_t)now_s;

	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&now));
	if (v->cluster_name != NULL && v->cluster_name[0] != '\0')
		g_string_append_printf(out, "Cluster name: %s\n", v->cluster_name);
	g_string_append(out, "Cluster Summary:\n  * Stack: corosync\n");
	if (dc != NULL)
		g_string_append_printf(out, "  * Current DC: %s (version %s) - partition %s\n",
				       dc->name, PACKAGE_VERSION,
				       v->quorate ? "with quorum" : "WITHOUT quorum");
	else
		g_string_append(out, "  * Current DC: NONE\n");
	g_string_append_printf(out, "  * Last updated: %s%s%s\n", when, me != NULL ? " on " : "",
			       me != NULL ? me->name : "");
	g_string_append_printf(out, "  * %u node%s configured\n", v->nodes->len,
			       v->nodes->len == 1 ? "" : "s");
	print_nodes(v, s, out);
}

bool vigil_op_failed(const vigil_lrm_op *op)
{
	/* a probe that found the resource running is news, not a failure */
	return op->target_rc_v >= 0 && op->rc_code_v != op->target_rc_v &&
	       !(op->interval_ms_v == 0 && op->rc_code_v == 0 && op->target_rc_v == 7);
}

/* "Failed Resource Actions", as crm_mon lists them: the operations whose result was not
 * the expected one. */
static void print_failed(const vigil_cib *cib, GString *out)
{
	bool any = false;

	for (guint i = 0; i < cib->node_states->len; i++) {
		const vigil_node_state *st = g_ptr_array_index(cib->node_states, i);

		for (guint j = 0; j < st->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *lr = g_ptr_array_index(st->lrm_rscs, j);

			for (guint k = 0; k < lr->ops->len; k++) {
				const vigil_lrm_op *op = g_ptr_array_index(lr->ops, k);

				if (!vigil_op_failed(op))
					continue;
				if (!any)
					g_string_append(out, "\nFailed Resource Actions:\n");
				any = true;
				g_string_append_printf(out, "  * %s_%s_%" G_GINT64_FORMAT " on %s '%s' (%d): "
						       "call=%s, %s%s%slast-rc-change='%s'\n", lr->id,
						       op->operation != NULL ? op->operation : "?",
						       op->interval_ms_v, st->uname != NULL ? st->uname : "?",
						       vigil_ocf_rc_text(op->rc_code_v), op->rc_code_v,
						       op->call_id != NULL ? op->call_id : "?",
						       op->exit_reason != NULL ? "exitreason='" : "",
						       op->exit_reason != NULL ? op->exit_reason : "",
						       op->exit_reason != NULL ? "', " : "",
						       op->last_rc_change != NULL ? op->last_rc_change : "?");
			}
		}
	}
}

/* The resources of the CIB S was unpacked from, where they run, as crm_mon lists them. */
static void print_resources(const vigil_cib *cib, const vigil_sched *s, GString *out)
{
	if (s->rscs->len == 0) {
		g_string_append(out, "\nNo resources\n");
		return;
	}
	g_string_append(out, "\nFull List of Resources:\n");
	vigil_sched_format_resources(s, 1, out);
	print_failed(cib, out);
}

static void when_text(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	char base[48] = "", zone[16] = "";
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%03d %s", base, (int)(ms % 1000), zone);
}

/* One history entry in crm_mon's words ("reboot of node2 successful: delegate=node1,
 * client=..., origin=node1, completed='...'"), with the reason of a failure. */
static void format_event(GVariant *e, GString *out)
{
	const char *target, *task, *device, *by, *origin, *state, *reason;
	int64_t ms;
	char when[80];

	g_variant_get(e, "(&s&s&s&s&s&s&sx)", &target, &task, &device, &by, &origin, &state,
		      &reason, &ms);
	when_text(ms, when, sizeof(when));
	g_string_append_printf(out, "%s of %s %s: ", task, target,
			       strcmp(state, "done") == 0 ? "successful" : state);
	if (by[0] != '\0')
		g_string_append_printf(out, "delegate=%s, ", by);
	if (device[0] != '\0')
		g_string_append_printf(out, "device=%s, ", device);
	g_string_append_printf(out, "origin=%s", origin);
	if (strcmp(state, "pending") != 0)
		g_string_append_printf(out, ", %s='%s'",
				       strcmp(state, "done") == 0 ? "completed" : "last-failed", when);
	if (strcmp(state, "failed") == 0 && reason[0] != '\0')
		g_string_append_printf(out, " (%s)", reason);
}

/* The "Fencing History" block, newest first; nothing when there is none. */
static void print_fencing(GVariant *history, GString *out)
{
	g_autoptr(GString) lines = g_string_new(NULL);

	if (history == NULL || vigil_fence_history_lines(history, NULL, "  * ", lines) == 0)
		return;
	g_string_append_printf(out, "\nFencing History:\n%s", lines->str);
}

guint vigil_fence_history_lines(GVariant *reply, const char *node, const char *prefix, GString *out)
{
	g_autoptr(GVariant) list = g_variant_get_child_value(reply, 0);
	guint shown = 0;

	for (gsize i = g_variant_n_children(list); i > 0; i--) {
		g_autoptr(GVariant) e = g_variant_get_child_value(list, i - 1);
		const char *target;

		g_variant_get_child(e, 0, "&s", &target);
		if (node != NULL && strcmp(target, node) != 0)
			continue;
		g_string_append(out, prefix);
		format_event(e, out);
		g_string_append_c(out, '\n');
		shown++;
	}
	return shown;
}

void vigil_status_text(const vigil_view *v, const vigil_cib *cib, GVariant *history,
		       int64_t now, GString *out)
{
	g_autoptr(vigil_sched) s = NULL;

	if (cib != NULL && vigil_sched_unpack(cib, now, &s) < 0)
		g_clear_pointer(&s, vigil_sched_free);
	print_view(v, s, now, out);
	if (s != NULL)
		print_resources(cib, s, out);
	print_fencing(history, out);
}

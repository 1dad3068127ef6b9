/* What 'vigil status' and vigil-mon show: the cluster as the local vigild sees it, in
 * crm_mon's layout. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cluster/view.h"
#include "exec/exec.h"
#include "ipc/ipc.h"
#include "sched/sched.h"

int vigil_daemon_error(const char *what, int r)
{
	switch (r) {
	case -EACCES:
		fprintf(stderr, "%s: permission denied: only root and members of group '%s' may "
			"use the cluster; ask an administrator to add you "
			"(usermod -aG %s USER).\n", what, VIGIL_IPC_GROUP, VIGIL_IPC_GROUP);
		return VIGIL_EXIT_PRIVILEGE;
	case -ETIMEDOUT:
		fprintf(stderr, "%s: vigild on this node did not answer in time; check its log "
			"('journalctl -u vigil').\n", what);
		return VIGIL_EXIT_TIMEOUT;
	case -ECONNREFUSED:
		fprintf(stderr, "%s: vigild is not running on this node; start it with "
			"'systemctl start vigil' (after corosync).\n", what);
		return VIGIL_EXIT_UNAVAILABLE;
	default:
		fprintf(stderr, "%s: vigild on this node answered with an error: %s; its log says "
			"more.\n", what, g_strerror(-r));
		return VIGIL_EXIT_ERROR;
	}
}

static void print_nodes(const vigil_view *v, GString *out)
{
	g_autoptr(GString) online = g_string_new(NULL), offline = g_string_new(NULL);

	for (guint i = 0; i < v->nodes->len; i++) {
		const vigil_view_node *n = g_ptr_array_index(v->nodes, i);

		g_string_append_printf(n->in_group ? online : offline, " %s", n->name);
	}
	g_string_append(out, "\nNode List:\n");
	if (online->len > 0)
		g_string_append_printf(out, "  * Online: [%s ]\n", online->str);
	if (offline->len > 0)
		g_string_append_printf(out, "  * OFFLINE: [%s ]\n", offline->str);
}

static void print_view(const vigil_view *v, GString *out)
{
	const vigil_view_node *dc = vigil_view_node_find(v, v->dc_nodeid);
	const vigil_view_node *me = vigil_view_node_find(v, v->local_nodeid);
	char when[64] = "";
	time_t now = time(NULL);

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
	print_nodes(v, out);
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

int vigil_live_text(int timeout_ms, char **ret_text, vigil_cib_version *ret_version,
		    bool *ret_synced)
{
	g_autoptr(GVariant) reply = NULL;
	vigil_cib_version v;
	gboolean synced;
	const char *text;
	int r;

	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_CIB_QUERY, NULL, timeout_ms, &reply);
	if (r == 0 && !g_variant_is_of_type(reply, G_VARIANT_TYPE("(tttbs)")))
		r = -EPROTO;
	if (r < 0)
		return r;
	g_variant_get(reply, "(tttb&s)", &v.admin_epoch, &v.epoch, &v.num_updates, &synced,
		      &text);
	*ret_text = g_strdup(text);
	if (ret_version != NULL)
		*ret_version = v;
	if (ret_synced != NULL)
		*ret_synced = synced;
	return 0;
}

int vigil_live_cib(vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autofree char *text = NULL;
	int r = vigil_live_text(5000, &text, NULL, NULL);

	return r < 0 ? r : vigil_cib_parse(text, strlen(text), "the live CIB", diags, ret_cib);
}

/* The resources of the live CIB, where they run, as crm_mon lists them. */
static void print_resources(GString *out)
{
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_sched) s = NULL;

	if (vigil_live_cib(&cib) < 0)
		return;
	vigil_sched_unpack(cib, (int64_t)time(NULL), &s);
	if (s->rscs->len == 0) {
		g_string_append(out, "\nNo resources\n");
		return;
	}
	g_string_append(out, "\nFull List of Resources:\n");
	vigil_sched_format_resources(s, 1, out);
	print_failed(cib, out);
}

int vigil_monitor_text(GString *out)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(vigil_view) v = NULL;
	int r;

	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS, NULL, 5000, &reply);
	if (r == 0)
		r = vigil_view_from_variant(reply, &v);
	if (r < 0)
		return r;
	print_view(v, out);
	print_resources(out);
	vigil_fence_history_text(out);
	return 0;
}


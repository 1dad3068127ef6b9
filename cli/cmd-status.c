/* 'vigil status': the cluster as the local vigild sees it, in crm_mon's layout. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cluster/view.h"
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
			"'vigil cluster start' (or 'systemctl start vigil').\n", what);
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

/* The resources of the live CIB, where they run, as crm_mon lists them. */
static void print_resources(GString *out)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_sched) s = NULL;
	const char *text = NULL;

	if (vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_CIB_QUERY, NULL, 5000, &reply) < 0 ||
	    !g_variant_is_of_type(reply, G_VARIANT_TYPE("(tttbs)")))
		return;
	g_variant_get(reply, "(tttb&s)", NULL, NULL, NULL, NULL, &text);
	if (vigil_cib_parse(text, strlen(text), "the live CIB", diags, &cib) < 0)
		return;
	vigil_sched_unpack(cib, (int64_t)time(NULL), &s);
	if (s->rscs->len == 0) {
		g_string_append(out, "\nNo resources\n");
		return;
	}
	g_string_append(out, "\nFull List of Resources:\n");
	vigil_sched_format_resources(s, 1, out);
}

int vigil_cmd_status(int argc, char **argv)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(vigil_view) v = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	int r;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			puts("Usage: vigil status\n\nThe cluster as vigild on this node sees it: "
			     "the DC, quorum and the nodes.");
			return VIGIL_EXIT_OK;
		}
		fprintf(stderr, "vigil status: unexpected argument '%s'; see 'vigil status "
			"--help'.\n", argv[1]);
		return VIGIL_EXIT_USAGE;
	}
	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS, NULL, 5000, &reply);
	if (r == 0)
		r = vigil_view_from_variant(reply, &v);
	if (r < 0)
		return vigil_daemon_error("vigil status", r);
	print_view(v, out);
	print_resources(out);
	fputs(out->str, stdout);
	return VIGIL_EXIT_OK;
}

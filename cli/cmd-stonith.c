/* 'vigil stonith fence NODE' and 'vigil stonith history [NODE]': fencing through the local
 * vigild, stonith_admin --fence's and --history's jobs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ipc/ipc.h"

#define FENCE_WAIT_MS (10 * 60 * 1000) /* beyond any stonith-timeout worth having */

static int history(int argc, char **argv)
{
	const char *what = "vigil stonith history";
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	int r;

	if (argc > 2) {
		fprintf(stderr, "%s: usage: vigil stonith history [NODE].\n", what);
		return VIGIL_EXIT_USAGE;
	}
	r = vigil_fence_history_fetch(&reply);
	if (r < 0)
		return vigil_daemon_error(what, r);
	if (vigil_fence_history_lines(reply, argc == 2 ? argv[1] : NULL, "", out) == 0)
		printf("No fencing%s%s known to this node since its vigild started.\n",
		       argc == 2 ? " of " : "", argc == 2 ? argv[1] : "");
	fputs(out->str, stdout);
	return VIGIL_EXIT_OK;
}

/* Whether NODE is one of the cluster's: in the CIB's nodes, or a member now. */
static bool known_node(const char *node)
{
	g_autoptr(vigil_cib) cib = NULL;

	if (vigil_live_cib(&cib) < 0)
		return true; /* vigild says, then */
	for (guint i = 0; i < cib->nodes->len; i++)
		if (g_strcmp0(((vigil_node *)g_ptr_array_index(cib->nodes, i))->uname, node) == 0)
			return true;
	return false;
}

static int fence(int argc, char **argv)
{
	const char *what = "vigil stonith fence";
	const char *node = NULL, *task = "reboot";
	g_autoptr(GVariant) reply = NULL;
	const char *by, *device, *reason;
	gboolean ok;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--off") == 0)
			task = "off";
		else if (argv[i][0] != '-' && node == NULL)
			node = argv[i];
		else
			node = NULL, i = argc + 1;
	}
	if (node == NULL || argc > 3) {
		fprintf(stderr, "%s: usage: vigil stonith fence NODE [--off].\n", what);
		return VIGIL_EXIT_USAGE;
	}
	if (vigil_cib_file != NULL) {
		fprintf(stderr, "%s: fencing needs the running cluster; drop -f %s.\n", what,
			vigil_cib_file);
		return VIGIL_EXIT_USAGE;
	}
	if (!known_node(node)) {
		fprintf(stderr, "%s: no node '%s' in the cluster; 'vigil status' lists them.\n",
			what, node);
		return VIGIL_EXIT_USAGE;
	}
	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_FENCE, g_variant_new("(ss)", node, task),
			   FENCE_WAIT_MS, &reply);
	if (r == 0 && !g_variant_is_of_type(reply, G_VARIANT_TYPE("(bsss)")))
		r = -EPROTO;
	if (r == -EAGAIN) {
		fprintf(stderr, "%s: this node is not in a cluster partition yet; try again once "
			"'vigil status' shows a DC.\n", what);
		return VIGIL_EXIT_ERROR;
	}
	if (r < 0)
		return vigil_daemon_error(what, r);
	g_variant_get(reply, "(b&s&s&s)", &ok, &by, &device, &reason);
	if (!ok) {
		fprintf(stderr, "%s: fencing %s failed: %s.\n", what, node, reason);
		return VIGIL_EXIT_ERROR;
	}
	printf("Node %s fenced (%s, by %s with %s).\n", node, task, by, device);
	return VIGIL_EXIT_OK;
}

int vigil_stonith_admin(int argc, char **argv)
{
	if (strcmp(argv[0], "fence") == 0)
		return fence(argc, argv);
	return history(argc, argv);
}

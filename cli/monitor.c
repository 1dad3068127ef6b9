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
	case -EMSGSIZE:
		fprintf(stderr, "%s: the request is larger than vigild's local IPC takes (%zu KiB); "
			"nothing was changed.\n", what, VIGIL_IPC_MAX_MSG / 1024);
		return VIGIL_EXIT_ERROR;
	case -ECONNREFUSED:
		fprintf(stderr, "%s: vigild is not running on this node; start it with "
			"'systemctl start vigil' (after corosync).\n", what);
		return VIGIL_EXIT_UNAVAILABLE;
	case -EPERM:
		fprintf(stderr, "%s: the local service '%s' is not root's, so not vigild's: "
			"another program holds its name; stop that program, then start vigild.\n",
			what, VIGIL_IPC_SERVICE);
		return VIGIL_EXIT_UNAVAILABLE;
	default:
		fprintf(stderr, "%s: vigild on this node answered with an error: %s; its log says "
			"more.\n", what, g_strerror(-r));
		return VIGIL_EXIT_ERROR;
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

int vigil_monitor_text(GString *out)
{
	g_autoptr(GVariant) reply = NULL;
	const char *text;
	int r;

	/* vigild renders it from what it holds: no CIB to read and parse here */
	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS_TEXT, NULL, 5000, &reply);
	if (r == 0 && !g_variant_is_of_type(reply, G_VARIANT_TYPE("(s)")))
		r = -EPROTO;
	if (r < 0)
		return r;
	g_variant_get(reply, "(&s)", &text);
	g_string_append(out, text);
	return 0;
}

/* 'vigil status': the cluster as the local vigild sees it, in crm_mon's layout. */
#include "config.h"

#include <string.h>

#include "cli/cli.h"

int vigil_cmd_status(int argc, char **argv)
{
	g_autoptr(GString) out = g_string_new(NULL);
	int r;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			puts("Usage: vigil status\n\nThe cluster as vigild on this node sees it: "
			     "the DC, quorum, the nodes, the resources and failed actions.");
			return VIGIL_EXIT_OK;
		}
		fprintf(stderr, "vigil status: unexpected argument '%s'; see 'vigil status "
			"--help'.\n", argv[1]);
		return VIGIL_EXIT_USAGE;
	}
	r = vigil_monitor_text(out);
	if (r < 0)
		return vigil_daemon_error("vigil status", r);
	fputs(out->str, stdout);
	return VIGIL_EXIT_OK;
}

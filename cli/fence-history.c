/* The fencing history the local vigild keeps, for 'vigil stonith history'. */
#include "config.h"

#include <errno.h>

#include "cli/cli.h"
#include "ipc/ipc.h"
#include "mon/status.h"

int vigil_fence_history_fetch(GVariant **ret)
{
	int r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_FENCE_HISTORY, NULL, 5000, ret);

	if (r == 0 && !g_variant_is_of_type(*ret, G_VARIANT_TYPE("(" VIGIL_FENCE_HISTORY_TYPE ")"))) {
		g_clear_pointer(ret, g_variant_unref);
		r = -EPROTO;
	}
	return r;
}

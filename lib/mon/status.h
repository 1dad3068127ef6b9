/* The cluster in crm_mon's text layout, for 'vigil status' and vigil-mon (vigild renders
 * it; see VIGIL_IPC_STATUS_TEXT). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"
#include "cluster/view.h"

/* One entry per fencing: target, action, device, the member that ran it, the member that
 * asked, state ("pending", "done", "failed"), the reason (of a failure: why), and when it
 * ended (milliseconds since the epoch; 0 while pending). */
#define VIGIL_FENCE_HISTORY_TYPE "a(sssssssx)"

/* Appends the cluster as V (the local daemon's view), CIB (NULL: no resources known) and
 * HISTORY (a tuple holding VIGIL_FENCE_HISTORY_TYPE, oldest first; may be NULL) show it
 * at NOW (seconds since the epoch): summary, nodes, resources, failed resource actions,
 * fencing history. */
void vigil_status_text(const vigil_view *v, const vigil_cib *cib, GVariant *history,
		       int64_t now, GString *out);

/* Appends HISTORY's entries about NODE (NULL: all), newest first, one line each after
 * PREFIX, in crm_mon's words ("reboot of node2 successful: delegate=node1, ...,
 * completed='...'"); returns how many. */
guint vigil_fence_history_lines(GVariant *history, const char *node, const char *prefix,
				GString *out);

/* Whether OP's result was not the one expected of it: a failure that status and vigil-mon
 * list. */
bool vigil_op_failed(const vigil_lrm_op *op);

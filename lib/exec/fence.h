/* Fence agents, as Pacemaker's fencer runs them (the fence-agents convention): the agent
 * is a program of its own name in the fence agents' directory, run with no arguments and
 * its options on standard input, one "name=value" per line. Which device fences which
 * node, and under which name, is the device's pcmk_host_list / pcmk_host_map. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* The name the device knows NODE by: its "NODE:NAME" entry of HOST_MAP (separators ';',
 * ',', ' ' or tab; "NODE=NAME" too, as Pacemaker reads it), or NODE itself. Caller frees. */
char *vigil_fence_plug(const char *host_map, const char *node);

/* The standard input of the device's agent for ACTION ("reboot", "off", "on", "monitor",
 * "status", "list"): action=, the target under the name the device knows it by
 * (pcmk_host_argument names the option, "plug" by default, "none" for none) and nodename=
 * when TARGET is not NULL, then every instance attribute of PARAMS but Pacemaker's own
 * (pcmk_*, provides, stonith-timeout). Caller frees. */
char *vigil_fence_input(GHashTable *params, const char *action, const char *target);

/* The path of fence agent TYPE: a plain name ("fence_xvm") found executable in the
 * directories of VIGIL_FENCE_PATH (':'-separated) if set, else in the configured sbin
 * directory and /usr/sbin. NULL if none. Caller frees. */
/* The fence agents (fence_*) of the same directories, sorted, each name once. */
GPtrArray *vigil_fence_agent_list(void);

char *vigil_fence_agent_path(const char *type);

/* How long ACTION may take on the device: pcmk_ACTION_timeout (reboot, off, on, monitor,
 * status, list), else DEFAULT_MS (stonith-timeout, for fencing). */
uint64_t vigil_fence_timeout_ms(GHashTable *params, const char *action, uint64_t default_ms);

/* How long to wait before fencing TARGET with the device (Pacemaker's fencer): nothing
 * for "on"; else pcmk_delay_base (a duration, or "node1:5s;node2:0" per target), plus, when
 * pcmk_delay_max is above it, a share RANDOM (0..1) of the difference: so that in a
 * two-node split one side fences first and wins. */
uint64_t vigil_fence_delay_ms(GHashTable *params, const char *task, const char *target,
			      double random);

/* Whether TASK fences (reboot, off, on) rather than asks (monitor, status, list). */
bool vigil_fence_task(const char *task);

/* What the CLI knows of a resource agent before it writes a resource that uses it: its
 * standard:provider:type, whether it is installed, and the parameters its meta-data
 * declares. */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef struct agent_name {
	char *class_, *provider, *type;
} agent_name;

typedef struct agent_param {
	char *name;
	bool required;
} agent_param;

/* The names in DIR that start with PREFIX ("" for any), hidden ones left out, in byte
 * order (of char*); empty if DIR cannot be read. */
GPtrArray *agent_dir_names(const char *dir, const char *prefix);

void agent_name_clear(agent_name *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(agent_name, agent_name_clear)

/* "ocf:heartbeat:IPaddr2", "systemd:haproxy", "stonith:fence_xvm", or a bare OCF type
 * ("IPaddr2", looked up among the installed providers, heartbeat first). 0, or -EINVAL
 * (malformed) / -ENOENT (a bare type no provider has), after a one-line message. */
int agent_parse(const char *what, const char *spec, agent_name *ret);
/* Whether the agent is installed on this machine (an OCF agent or fence agent that can be
 * run; systemd units are not checked here: they live on the nodes). */
bool agent_installed(const agent_name *a);
/* The parameters an OCF agent's meta-data declares (of agent_param*), or NULL if its
 * meta-data cannot be had. */
GPtrArray *agent_params(const agent_name *a);

/* The scheduler's working set: the CIB's configuration and status turned into what the
 * cluster is (nodes and their state, where each resource is active and how), as Pacemaker's
 * unpack does it. Pure: (CIB, time) in, working set out; no I/O, no clock, no globals. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"
#include "cib/nodestate.h"

typedef enum vigil_role {
	VIGIL_ROLE_UNKNOWN,
	VIGIL_ROLE_STOPPED,
	VIGIL_ROLE_STARTED,
	VIGIL_ROLE_UNPROMOTED,
	VIGIL_ROLE_PROMOTED,
} vigil_role;

typedef struct vigil_snode {
	vigil_node_info *info;  /* owned; info->node is the configured node */
	const char *name;       /* uname */
	unsigned index;         /* position in the CIB */
	unsigned active_count;  /* resources active here */
	bool standby_onfail;    /* put in standby by a failure with on-fail=standby */
} vigil_snode;

typedef struct vigil_srsc vigil_srsc;
struct vigil_srsc {
	const vigil_rsc *cfg;   /* NULL for an orphan (history without configuration) */
	const char *id;
	char *agent;            /* "ocf:heartbeat:IPaddr2" */
	vigil_srsc *parent;     /* the group, or NULL */
	GPtrArray *children;    /* group members, of vigil_srsc* (owned) */
	GPtrArray *running_on;  /* of vigil_snode* (borrowed), in the order found */
	vigil_role role;        /* what the history says it is now */
	vigil_role target_role; /* target-role meta attribute (UNKNOWN if unset) */
	bool managed;           /* is-managed, maintenance */
	bool failed;            /* a failure is recorded and not ignored */
	bool failure_ignored;   /* a failure with on-fail=ignore */
	bool blocked;           /* a failure with on-fail=block, or a failed stop unfenced */
	int failed_probe_rc;    /* a probe could not run the agent (5 not installed, 2 invalid
				 * parameter): stopped, and shown with the reason; 0 if none */
	const char *pending;    /* "Starting", "Stopping", ... while an operation is in flight */
	bool orphan;
	unsigned order;         /* position in the CIB (ties of priority keep it) */
};

typedef struct vigil_sched {
	const vigil_cib *cib;   /* borrowed */
	vigil_cluster_opts opts;
	int64_t now;
	GPtrArray *nodes;       /* of vigil_snode*, CIB order */
	GPtrArray *rscs;        /* of vigil_srsc*, top level, CIB order; orphans last */
	GHashTable *by_id;      /* id -> vigil_srsc* (primitives and groups) */
} vigil_sched;

/* Builds the working set of CIB at time NOW (seconds since the epoch). */
int vigil_sched_unpack(const vigil_cib *cib, int64_t now, vigil_sched **ret_sched);
void vigil_sched_free(vigil_sched *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_sched, vigil_sched_free)

/* Appends the "Node List" and "Full List of Resources" blocks as crm_simulate prints them
 * (the lines under "Current cluster status:"). */
void vigil_sched_format_status(const vigil_sched *s, GString *out);

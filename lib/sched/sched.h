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
	bool has_failcounts;    /* its transient attributes hold some fail-count */
	int score;              /* the node's own score (<node score=>), 0 if unset */
	unsigned assigned;      /* resources placed here so far (balancing) */
	bool unclean_now;       /* while reading the status: already known to need fencing */
	unsigned unclean_seq;   /* order in which it was found to need fencing (0: never) */
	char *fence_reason;     /* why, as found first (owned) */
	GHashTable *histories;  /* rsc id -> its first lrm_resource here (see
				 * vigil_snode_histories()), built on first use */
	bool histories_repeat;  /* some resource has more than one lrm_resource here */
} vigil_snode;

/* Node scores of one resource: one int per node (by vigil_snode.index); nodes not in the
 * resource's allowed set hold VIGIL_NOT_ALLOWED. */
#define VIGIL_NOT_ALLOWED INT32_MIN

typedef struct vigil_action vigil_action;
typedef struct vigil_coloc vigil_coloc;

/* What unpacking found of one resource on one node (looked up by node index). */
typedef struct vigil_srsc_on {
	const vigil_lrm_rsc *history; /* its first history there, or NULL */
	bool known;                   /* its state there is known: the node is in known_on */
	bool failed_here;             /* active there with a failure not ignored (before an
				       * unclean node's failures are): its priority does not
				       * count for the node's (priority-fencing-delay) */
} vigil_srsc_on;

typedef struct vigil_srsc vigil_srsc;
struct vigil_srsc {
	const vigil_rsc *cfg;   /* NULL for an orphan (history without configuration) */
	const char *id;
	char *agent;            /* "ocf:heartbeat:IPaddr2" (in the arena) */
	char *param_digest;     /* the digest of its parameters, once computed (owned) */
	vigil_srsc *parent;     /* the group, or NULL */
	GPtrArray *children;    /* group members, of vigil_srsc* (owned) */
	GPtrArray *running_on;  /* of vigil_snode* (borrowed), in the order found */
	GPtrArray *unmanaged_on; /* those of running_on where it was found while already
				  * unmanaged: it stays there (not_managed_default) */
	vigil_role role;        /* what the history says it is now */
	vigil_role target_role; /* target-role meta attribute (UNKNOWN if unset) */
	bool managed;           /* is-managed, maintenance */
	bool failed;            /* a failure is recorded and not ignored */
	bool failure_ignored;   /* a failure with on-fail=ignore */
	bool blocked;           /* a failure with on-fail=block, or a failed stop unfenced */
	int failed_probe_rc;    /* a probe could not run the agent (5 not installed, 2 invalid
				 * parameter): stopped, and shown with the reason; 0 if none */
	const char *pending;    /* "Starting", "Stopping", ... while an operation is in flight */
	vigil_snode *pending_node; /* where that operation runs */
	bool pending_found;     /* the first operation in flight found: later ones are not shown */
	bool orphan;
	unsigned order;         /* position in the CIB (ties of priority keep it) */

	/* placement (place.c) */
	int priority;
	int stickiness;
	int migration_threshold;   /* 0: never move away */
	int64_t failure_timeout;   /* seconds, 0 if none */
	int *weights;              /* allowed nodes and scores, see VIGIL_NOT_ALLOWED */
	GPtrArray *this_with;      /* vigil_coloc* where this is the dependent */
	GPtrArray *with_this;      /* vigil_coloc* where this is the primary */
	vigil_snode *assigned;     /* where it will run, or NULL */
	vigil_role next_role;
	bool provisional;          /* not assigned yet */
	bool allocating, merging;  /* loop guards */
	bool stop_on_fail;         /* a failure with on-fail=stop: stays stopped */
	bool start_pending;        /* a start is in flight somewhere (pe_rsc_start_pending) */
	const char *explain_why;   /* how the node was chosen (for --explain) */
	bool reload;               /* parameters changed and the agent can reload them */
	int start_needs;           /* -1 unknown, else whether a start needs quorum/fencing */
	GPtrArray *recover_on;     /* vigil_snode*: failed there, must be stopped (restart) */
	GPtrArray *known_on;       /* vigil_snode*: has a history there (probed) */
	vigil_srsc_on *on;         /* by node index: what unpacking found there (in the
				    * arena); NULL if it has no history anywhere */
	bool history_repeats;      /* it has more than one history on some node */
	GPtrArray *banned_on;      /* vigil_snode*: failed there in a way that bans the node */
	GPtrArray *clear_failcount_on; /* vigil_snode*: its last failure there ran with other
					* parameters: the fail-count there is to be cleared,
					* so it does not count against migration-threshold */
	bool banned_everywhere;    /* failed as not configured, or found multiply active with
				    * multiple-active=stop_only: may run nowhere */

	/* actions (actions.c) */
	GPtrArray *actions;        /* vigil_action* of this resource (borrowed) */
};

/* A colocation, user-written or internal (group members). */
struct vigil_coloc {
	const char *id;
	vigil_srsc *dependent, *primary;
	int score;
	vigil_role dependent_role, primary_role;
	const char *node_attribute; /* NULL: #uname */
	bool influence;
};

typedef enum vigil_task {
	VIGIL_TASK_STOP,
	VIGIL_TASK_START,
	VIGIL_TASK_MONITOR,
	VIGIL_TASK_STOPPED,   /* group pseudo actions */
	VIGIL_TASK_RUNNING,
	VIGIL_TASK_FENCE,
} vigil_task;

enum {
	VIGIL_ACT_OPTIONAL = 1u << 0,
	VIGIL_ACT_RUNNABLE = 1u << 1,
	VIGIL_ACT_PSEUDO = 1u << 2,
};

/* Ordering kinds, as Pacemaker's pe_ordering flags. */
enum {
	VIGIL_ORD_OPTIONAL = 1u << 0,
	VIGIL_ORD_IMPLIES_THEN = 1u << 1,  /* first required -> then required */
	VIGIL_ORD_IMPLIES_FIRST = 1u << 2, /* then required -> first required */
	VIGIL_ORD_RUNNABLE_LEFT = 1u << 3, /* first unrunnable -> then unrunnable */
	VIGIL_ORD_RESTART = 1u << 4,       /* stop before start of one resource */
	VIGIL_ORD_ASYMMETRICAL = 1u << 5,
	VIGIL_ORD_PLAIN = 1u << 6,         /* only the order (Pacemaker's "printed" kinds) */
};

typedef struct vigil_ordering {
	vigil_action *first, *then;
	unsigned type;
} vigil_ordering;

struct vigil_action {
	unsigned id;            /* creation order */
	vigil_srsc *rsc;        /* NULL for fencing */
	vigil_task task;
	vigil_snode *node;      /* NULL for group pseudo actions, or when unassigned */
	uint64_t interval_ms;
	unsigned flags;
	char *reason;
	const vigil_srsc *device; /* fencing: the stonith device that can fence the node */
	bool has_priority_delay;  /* fencing: priority-fencing-delay applies to it... */
	uint64_t priority_delay_s; /* ...and this is its delay for this target (maybe 0) */
	GPtrArray *before;      /* vigil_ordering* where this is 'then' (owned by graph) */
	GPtrArray *after;       /* vigil_ordering* where this is 'first' */
};

typedef struct vigil_sched {
	const vigil_cib *cib;   /* borrowed */
	vigil_cluster_opts opts;
	int64_t now;
	GPtrArray *nodes;       /* of vigil_snode*, CIB order */
	GPtrArray *rscs;        /* of vigil_srsc*, top level, CIB order; orphans last */
	GHashTable *by_id;      /* id -> vigil_srsc* (primitives and groups) */
	struct vigil_arena *arena; /* where the resources (and their strings), actions,
				    * orderings and colocations are: tens of thousands in a big
				    * cluster, all freed together */

	/* scheduling (vigil_sched_run) */
	bool symmetric;
	bool stop_all;
	const char *stonith_action;
	GPtrArray *colocs;      /* vigil_coloc* (in the arena) */
	GPtrArray *actions;     /* vigil_action* (owned, in the arena), creation order */
	GPtrArray *orderings;   /* vigil_ordering* (in the arena) */
	GArray *rsc_orderings;  /* while scheduling: resource-level orderings to expand */
	/* optional outputs, asked for before vigil_sched_run */
	GString *scores;        /* if non-NULL: crm_simulate -s lines are appended */
	const char *explain_id; /* if non-NULL: why this resource goes where it goes... */
	GString *explain;       /* ...is appended here (must be non-NULL then) */
	bool scheduled;
	unsigned unclean_count;
	bool legacy_failcounts; /* fail-counts are per resource (old CIBs); set by placement */
} vigil_sched;

/* Builds the working set of CIB at time NOW (seconds since the epoch). */
int vigil_sched_unpack(const vigil_cib *cib, int64_t now, vigil_sched **ret_sched);
void vigil_sched_free(vigil_sched *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_sched, vigil_sched_free)

/* Decides placement and the actions to get there (Pacemaker's scheduler): fills the
 * scheduling fields of S. Pure. */
int vigil_sched_run(vigil_sched *s);

/* The action of R for TASK on NODE (any node if NULL), or NULL. */
vigil_action *vigil_find_action(const vigil_srsc *r, vigil_task task, const vigil_snode *node);
const char *vigil_task_name(vigil_task task);
/* Whether A is part of the transition graph: required and runnable (pseudo actions too). */
bool vigil_action_in_graph(const vigil_action *a);

/* Whether the stonith device CFG can fence NODE: pcmk_host_list names it, or pcmk_host_map
 * maps it ("node1:vm1;node2:vm2"); a device with neither can fence any node (it is asked). */
bool vigil_device_fences(const vigil_rsc *cfg, const char *node);

/* The digest of a primitive's parameters that the cluster records with each operation
 * (op-digest), as Pacemaker computes it. Caller frees. */
char *vigil_rsc_param_digest(const vigil_rsc *cfg);

/* Appends crm_simulate's "Transition Summary" items (the lines under the header). */
void vigil_sched_format_summary(const vigil_sched *s, GString *out);

/* Appends one line per decision of the plan, for a log a user reads: "WHO planned: move
 * vip node1 -> node3 (node1 lost; fencing it first)", fencing first, then each resource
 * that changes, with the cause as far as the working set tells. */
void vigil_sched_format_decisions(const vigil_sched *s, const char *who, GString *out);

/* Appends what crm_simulate prints before "Current cluster status:" (disabled schema
 * validation, maintenance mode, disabled and blocked resources). */
void vigil_sched_format_header(const vigil_sched *s, GString *out);

/* Appends the "Node List" and "Full List of Resources" blocks as crm_simulate prints them
 * (the lines under "Current cluster status:"). */
void vigil_sched_format_status(const vigil_sched *s, GString *out);
/* "Node X: state" (crm_mon's words) for a node in a special state (unclean, pending,
 * standby, maintenance); NULL for a plain online or offline one. Free with g_free(). */
char *vigil_sched_node_special(const vigil_snode *n);
/* Pacemaker's order of node names (pcmk__numeric_strcasecmp()): case-insensitive, runs of
 * digits by value ("node9" before "node10"). */
int vigil_natural_cmp(const char *a, const char *b);
/* Appends the resource lines of that list (groups with their members), at DEPTH. */
void vigil_sched_format_resources(const vigil_sched *s, int depth, GString *out);
